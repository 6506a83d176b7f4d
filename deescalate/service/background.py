"""The service's background thread: drain the inbox through the pipeline, write the outbox, and
(unless the obligations are left to ``deescalate worker`` processes) dispatch due obligations.

A delivery that arrives wakes the loop at once; otherwise it looks again every ``poll`` seconds
(retries and obligations fall due with time). A store that fails is retried after a pause, so
a database that is briefly unavailable costs a delay, not the thread. :meth:`stop` lets the
batch in hand finish, then the thread ends.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from deescalate.errors import DeescalateError

if TYPE_CHECKING:
    from deescalate.runtime import Runtime

__all__ = ["BackgroundProcessor"]

log = logging.getLogger("deescalate.service")


class BackgroundProcessor:
    """Runs :meth:`Runtime.run_once` in a thread until stopped; see the module docstring."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        obligations: bool = True,
        batch: int = 50,
        poll: float = 1.0,
        pause_after_error: float = 2.0,
    ) -> None:
        self.runtime = runtime
        self.obligations = obligations
        self.batch = batch
        self.poll = poll
        self.pause_after_error = pause_after_error
        self.rounds = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="deescalate-background", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look at the inbox now (a delivery was stored)."""
        self._wake.set()

    def stop(self, timeout: float | None = 60.0) -> None:
        """Finish the batch in hand, then end the thread (waits up to ``timeout`` seconds)."""
        self._stop.set()
        self._wake.set()
        if self.runtime.worker is not None:
            self.runtime.worker.stop()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("background processing did not finish within %s s", timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        log.info(
            "background processing started (%s)",
            "deliveries, changes and due obligations" if self.obligations else
            "deliveries and changes; due obligations are left to deescalate worker",
        )  # fmt: skip
        while not self._stop.is_set():
            self._wake.clear()
            try:
                stats = self.runtime.run_once(self.batch, obligations=self.obligations)
            except DeescalateError as exc:
                log.warning(
                    "background round failed (%s: %s); retrying in %s s",
                    exc.__class__.__name__,
                    exc,
                    self.pause_after_error,
                )
                self._stop.wait(self.pause_after_error)
                continue
            except Exception:
                log.exception("background round failed unexpectedly; retrying")
                self._stop.wait(self.pause_after_error)
                continue
            self.rounds += 1
            busy = stats.inbox.done + stats.inbox.retried + stats.inbox.parked
            busy += stats.outbox.written + stats.outbox.replayed + stats.obligations
            if busy == 0:
                self._wake.wait(self.poll)
        log.info("background processing stopped")
