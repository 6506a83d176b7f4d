"""The outbox: ticket changes waiting to be written to the helpdesk, each written once.

A plan's ticket change is queued in the store (in the same transaction as its ledger writes and
the inbox entry's "done" mark) under the plan's idempotency key. :meth:`Outbox.dispatch` leases
queued changes, in order per ticket, and hands each to :meth:`Helpdesk.apply` with its key: a
process that dies after the helpdesk wrote and before the outbox recorded it repeats the call,
and the key makes the repeat write nothing new. Failures wait with exponential backoff that
honours ``Retry-After``; after ``max_attempts`` an entry is parked (``failed``) for an operator
(``deescalate outbox list --state failed``, ``deescalate outbox retry``). A ticket that no longer
exists is parked at once. Logs name tickets and keys, never customer text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from deescalate.errors import AuthError, DeescalateError, NotFound, RateLimited, StoreError
from deescalate.helpdesk import Helpdesk, TicketChange, TicketRef
from deescalate.store.base import Store
from deescalate.store.queues import OutboxEntry

__all__ = ["Backoff", "DispatchStats", "Outbox", "Retry"]

log = logging.getLogger("deescalate.outbox")

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Backoff:
    """How long to wait after the ``attempts``-th failure: doubling from ``base``, capped at
    ``cap``, never shorter than the helpdesk's ``Retry-After``."""

    base: timedelta = timedelta(seconds=10)
    cap: timedelta = timedelta(hours=1)
    max_attempts: int = 8

    def delay(self, attempts: int, retry_after: float | None = None) -> timedelta:
        wait = min(self.cap, self.base * (1 << min(max(0, attempts - 1), 30)))
        if retry_after is not None:
            wait = max(wait, timedelta(seconds=retry_after))
        return wait

    def after_failure(
        self,
        failed_before: int,
        error: DeescalateError,
        now: datetime,
        *,
        retry_after: float | None = None,
        park: bool = False,
    ) -> Retry:
        """What to do after one more failure of an entry that had failed ``failed_before`` times."""
        attempts = failed_before + 1
        wait = self.delay(attempts, retry_after)
        return Retry(
            retry_at=now + wait,
            wait=wait,
            park=park or attempts >= self.max_attempts,
            reason=f"{error.__class__.__name__} on attempt {attempts}",
        )


@dataclass(frozen=True, slots=True)
class Retry:
    """When a failed entry is tried again, or whether it is parked, and why (no customer text)."""

    retry_at: datetime
    wait: timedelta
    park: bool
    reason: str


@dataclass(slots=True)
class DispatchStats:
    """What :meth:`Outbox.dispatch` did in one call."""

    written: int = 0
    replayed: int = 0
    retried: int = 0
    parked: int = 0
    calls: int = 0


class Outbox:
    """Queues ticket changes in ``store`` and writes them to ``helpdesk``; see the module doc."""

    def __init__(
        self,
        store: Store,
        helpdesk: Helpdesk,
        *,
        worker_id: str,
        clock: Clock = _utc_now,
        lease: timedelta = timedelta(minutes=2),
        backoff: Backoff | None = None,
    ) -> None:
        self.store = store
        self.helpdesk = helpdesk
        self.worker_id = worker_id
        self.clock = clock
        self.lease = lease
        self.backoff = backoff or Backoff()
        self._stranded: set[int] = set()

    def enqueue(self, ref: TicketRef, change: TicketChange, key: str) -> bool:
        """Queue ``change`` under ``key``; False when that key was queued before (a replay)."""
        if change.empty:
            return False
        return self.store.outbox_add(str(ref), change, key, self.clock())

    def dispatch(self, limit: int = 100) -> DispatchStats:
        """Write up to ``limit`` due changes to the helpdesk."""
        stats = DispatchStats()
        self._give_back_stranded()
        claimed = self.store.outbox_claim(self.clock(), self.worker_id, limit, self.lease)
        for index, entry in enumerate(claimed):
            try:
                self._write(entry, stats)
            except StoreError:
                # The store failed with these leased: give them back as soon as it answers
                # (the helpdesk write, if it happened, is found again by its key).
                self._stranded.update(e.seq for e in claimed[index:])
                raise
        return stats

    def _give_back_stranded(self) -> None:
        for seq in sorted(self._stranded):
            now = self.clock()
            self.store.outbox_retry_later(
                seq, self.worker_id, retry_at=now, error="StoreError while in hand", at=now,
                park=False,
            )  # fmt: skip
            self._stranded.discard(seq)

    def _write(self, entry: OutboxEntry, stats: DispatchStats) -> None:
        try:
            applied = self.helpdesk.apply(
                TicketRef.parse(entry.ticket), entry.change, idempotency_key=entry.key
            )
        except NotFound as exc:
            self._fail(entry, stats, exc, park=True)
            return
        except RateLimited as exc:
            self._fail(entry, stats, exc, retry_after=exc.retry_after)
            return
        except AuthError as exc:
            self._fail(entry, stats, exc)
            return
        except DeescalateError as exc:
            self._fail(entry, stats, exc)
            return
        self.store.outbox_done(entry.seq, self.worker_id, self.clock())
        stats.calls += applied.calls
        if applied.replayed:
            stats.replayed += 1
            log.info("outbox %s on %s: already written", entry.key, entry.ticket)
        else:
            stats.written += 1
            log.info(
                "outbox %s on %s: written in %d call(s)", entry.key, entry.ticket, applied.calls
            )

    def _fail(
        self,
        entry: OutboxEntry,
        stats: DispatchStats,
        error: DeescalateError,
        *,
        park: bool = False,
        retry_after: float | None = None,
    ) -> None:
        now = self.clock()
        retry = self.backoff.after_failure(
            entry.attempts, error, now, retry_after=retry_after, park=park
        )
        self.store.outbox_retry_later(
            entry.seq, self.worker_id, retry_at=retry.retry_at, error=retry.reason, at=now,
            park=retry.park,
        )  # fmt: skip
        if retry.park:
            stats.parked += 1
            log.warning("outbox %s on %s parked: %s", entry.key, entry.ticket, retry.reason)
        else:
            stats.retried += 1
            log.warning(
                "outbox %s on %s: %s, retry in %ds",
                entry.key, entry.ticket, retry.reason, int(retry.wait.total_seconds()),
            )  # fmt: skip
