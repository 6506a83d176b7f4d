"""Values built on first use, once, whichever thread asks first.

The pack models, the default assessor and coach, the macro library and the template sandbox are
built lazily, so ``import deescalate`` stays cheap. The webhook service and the worker use them
from several threads at once, so the first use builds under a lock and every thread gets the same
object; after that a call reads the value without taking the lock::

    @once
    def default_thing() -> Thing:
        return Thing()
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["once"]

T = TypeVar("T")


def once(build: Callable[[], T]) -> Callable[[], T]:
    """``build``'s result, built on the first call (under a lock, checked twice) and shared.

    A build that raises leaves nothing behind: the next call tries again.
    """
    lock = threading.Lock()
    built: list[T] = []

    @functools.wraps(build)
    def get() -> T:
        if not built:
            with lock:
                if not built:
                    built.append(build())
        return built[0]

    return get
