"""``deescalate outbox list|retry``: the helpdesk writes waiting, done, or parked after failing."""

from __future__ import annotations

from typing import Any

from deescalate.cli.inbox_cmd import register_queue

__all__ = ["register"]


def register(subparsers: Any) -> None:
    register_queue(subparsers, "outbox")
