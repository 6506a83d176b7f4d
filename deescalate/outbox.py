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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar

from deescalate.errors import AuthError, DeescalateError, NotFound, RateLimited, StoreError
from deescalate.helpdesk import Helpdesk, TicketChange, TicketRef
from deescalate.store.base import Store
from deescalate.store.queues import InboxEntry, OutboxEntry

__all__ = ["Backoff", "DispatchStats", "LeasedRound", "Outbox", "Retry"]

log = logging.getLogger("deescalate.outbox")

Clock = Callable[[], datetime]
EntryT = TypeVar("EntryT", InboxEntry, OutboxEntry)


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


class RetryLater(Protocol):
    def __call__(
        self, seq: int, worker: str, *, retry_at: datetime, error: str, at: datetime, park: bool
    ) -> bool: ...


class LeasedRound:
    """Handles one claimed batch of a queue (inbox or outbox), never stranding a lease.

    When the store fails while entries are in hand, their leases would hold them until they
    expire; instead they are remembered and given back (``retry_later`` with the current time)
    at the start of the next round, as soon as the store answers again.
    """

    def __init__(self, retry_later: RetryLater, worker_id: str, clock: Clock) -> None:
        self.retry_later = retry_later
        self.worker_id = worker_id
        self.clock = clock
        self.stranded: set[int] = set()

    def give_back_stranded(self) -> None:
        for seq in sorted(self.stranded):
            now = self.clock()
            self.retry_later(
                seq, self.worker_id, retry_at=now, error="StoreError while in hand", at=now,
                park=False,
            )  # fmt: skip
            self.stranded.discard(seq)

    def handle(self, claimed: Sequence[EntryT], one: Callable[[EntryT], None]) -> None:
        """``one(entry)`` for each claimed entry, in order."""
        for index, entry in enumerate(claimed):
            try:
                one(entry)
            except StoreError:
                self.stranded.update(e.seq for e in claimed[index:])
                raise


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
        self._round = LeasedRound(store.outbox_retry_later, worker_id, clock)

    def enqueue(self, ref: TicketRef, change: TicketChange, key: str) -> bool:
        """Queue ``change`` under ``key``; False when that key was queued before (a replay)."""
        if change.empty:
            return False
        return self.store.outbox_add(str(ref), change, key, self.clock())

    def dispatch(self, limit: int = 100) -> DispatchStats:
        """Write up to ``limit`` due changes to the helpdesk."""
        stats = DispatchStats()
        self._round.give_back_stranded()
        claimed = self.store.outbox_claim(self.clock(), self.worker_id, limit, self.lease)
        # A write the helpdesk made before the store failed is found again by its key.
        self._round.handle(claimed, lambda entry: self._write(entry, stats))
        return stats

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
