"""A store in memory, for tests and the demo: the whole Store protocol, nothing durable.

It keeps the same contract as the database stores (the contract suite runs on it): times are
passed in and come back as UTC datetimes to the microsecond, keys are idempotent, claims are
leases, and ``atomic()`` keeps a snapshot of the state that it restores when the block raises.
One lock serialises every call; a thread inside ``atomic()`` holds it until the block ends.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from deescalate.errors import InputError, StoreError
from deescalate.helpdesk import Delivery, TicketChange
from deescalate.obligations.model import (
    Obligation,
    ObligationEvent,
    ObligationState,
    Task,
    Transition,
)
from deescalate.records import MessageRecord
from deescalate.store.base import LATEST_VERSION
from deescalate.store.micros import moment, stamp
from deescalate.store.protocol import ClaimQueue
from deescalate.store.queues import EntryState, InboxEntry, OutboxEntry
from deescalate.store.sql_messages import check_record
from deescalate.store.sql_queues import lease_micros, short_error

__all__ = ["MemoryStore"]

_ACTIVE = (ObligationState.OPEN, ObligationState.REMINDED)
E = TypeVar("E", InboxEntry, OutboxEntry)


def _utc(at: datetime) -> datetime:
    """``at`` as the database stores would give it back: UTC, to the microsecond."""
    return moment(stamp(at))


def _utc_or_none(at: datetime | None) -> datetime | None:
    return None if at is None else _utc(at)


@dataclass(frozen=True, slots=True)
class _Held:
    """An obligation (without its history) and its lease."""

    obligation: Obligation
    updated_at: datetime
    lease_owner: str | None = None
    lease_until: datetime | None = None

    def free_at(self, now: datetime) -> bool:
        return self.lease_until is None or self.lease_until < now


@dataclass(frozen=True, slots=True)
class _Leased(Generic[E]):
    """A queue entry and its lease."""

    entry: E
    lease_owner: str | None = None
    lease_until: datetime | None = None


@dataclass(slots=True)
class _Queue(Generic[E]):
    """One queue: entries by seq (in seq order) and the seq of each idempotency key."""

    rows: dict[int, _Leased[E]] = field(default_factory=dict)
    keys: dict[object, int] = field(default_factory=dict)
    last_seq: int = 0

    def copy(self) -> _Queue[E]:
        return _Queue(dict(self.rows), dict(self.keys), self.last_seq)

    def add(self, key: object, make: Callable[[int], E]) -> bool:
        if key in self.keys:
            return False
        self.last_seq += 1
        self.rows[self.last_seq] = _Leased(make(self.last_seq))
        self.keys[key] = self.last_seq
        return True

    def claim(self, now: datetime, worker: str, limit: int, until: datetime) -> list[E]:
        taken: list[E] = []
        tickets_waiting: set[str] = set()  # tickets with an earlier pending entry
        for seq in sorted(s for s, r in self.rows.items() if r.entry.state is EntryState.PENDING):
            if len(taken) >= limit:
                break
            row = self.rows[seq]
            ticket = row.entry.ticket
            if ticket is not None:
                if ticket in tickets_waiting:
                    continue
                tickets_waiting.add(ticket)
            free = row.lease_until is None or row.lease_until < now
            if row.entry.next_try_at <= now and free:
                self.rows[seq] = _Leased(row.entry, worker, until)
                taken.append(row.entry)
        return taken

    def finish(self, seq: int, worker: str, **changes: Any) -> bool:
        row = self.rows.get(seq)
        if row is None or row.lease_owner != worker or row.entry.state is not EntryState.PENDING:
            return False
        self.rows[seq] = _Leased(dataclasses.replace(row.entry, **changes))
        return True

    def listed(self, state: EntryState | None, ticket: str | None, limit: int) -> list[E]:
        found = [
            row.entry
            for row in self.rows.values()
            if (state is None or row.entry.state is state)
            and (ticket is None or row.entry.ticket == ticket)
        ]
        return found[: max(limit, 0)]

    def counts(self) -> dict[EntryState, int]:
        counts = dict.fromkeys(EntryState, 0)
        for row in self.rows.values():
            counts[row.entry.state] += 1
        return counts

    def requeue(self, seqs: Sequence[int] | None, at: datetime) -> int:
        wanted = self.rows.keys() if seqs is None else {int(seq) for seq in seqs}
        moved = 0
        for seq in [s for s in wanted if s in self.rows]:
            entry = self.rows[seq].entry
            if entry.state is EntryState.FAILED:
                self.rows[seq] = _Leased(
                    dataclasses.replace(
                        entry, state=EntryState.PENDING, attempts=0, next_try_at=at, updated_at=at
                    )
                )
                moved += 1
        return moved


@dataclass(slots=True)
class _State:
    """Everything the store holds; copied whole when an ``atomic()`` block begins."""

    obligations: dict[str, _Held] = field(default_factory=dict)
    ids_by_key: dict[str, str] = field(default_factory=dict)
    events: dict[str, tuple[ObligationEvent, ...]] = field(default_factory=dict)
    dispatches: set[tuple[str, Task]] = field(default_factory=set)
    inbox: _Queue[InboxEntry] = field(default_factory=_Queue)
    outbox: _Queue[OutboxEntry] = field(default_factory=_Queue)
    checkpoints: dict[str, str] = field(default_factory=dict)
    messages: dict[tuple[str, str], MessageRecord] = field(default_factory=dict)

    def copy(self) -> _State:
        # Values are immutable, so copying the containers is a full snapshot.
        return _State(
            dict(self.obligations), dict(self.ids_by_key), dict(self.events),
            set(self.dispatches), self.inbox.copy(), self.outbox.copy(), dict(self.checkpoints),
            dict(self.messages),
        )  # fmt: skip


class MemoryStore:
    """Obligations, the inbox and the outbox in memory (``open_store("memory://")``)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._state = _State()
        self._version = LATEST_VERSION
        self._closed = False

    @contextmanager
    def _locked(self) -> Iterator[_State]:
        with self._lock:
            if self._closed:
                raise StoreError("the memory store is closed")
            yield self._state

    # --- lifecycle and schema ---------------------------------------------------------------------

    def migrate(self, target: int | None = None) -> int:
        """Memory has no schema to upgrade: it is always at the latest version."""
        with self._locked():
            self._version = max(self._version, LATEST_VERSION if target is None else target)
            return self._version

    def schema_version(self) -> int:
        """The latest schema version (memory is never behind)."""
        with self._locked():
            return self._version

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Commit every call made in the block together: an exception restores the state as it
        was when the block began. Blocks nest; other threads wait until the outermost ends."""
        with self._locked() as state:
            saved = state.copy()
            try:
                yield
            except BaseException:
                self._state = saved
                raise

    def explain_claim(self, now: datetime, limit: int, *, queue: ClaimQueue = "obligations") -> str:
        """Memory has no index: a claim looks at every entry of ``queue``."""
        if queue not in ("obligations", "inbox", "outbox"):
            raise InputError(f"no claim on {queue!r}: use obligations, inbox or outbox")
        return f"memory: scan every entry of {queue}"

    def close(self) -> None:
        """Drop everything; later calls raise ``StoreError``."""
        with self._lock:
            self._closed = True
            self._state = _State()

    # --- obligations -------------------------------------------------------------------------------

    def _normalised(self, ob: Obligation) -> Obligation:
        if ob.created_at is None:
            raise StoreError(
                f"obligation {ob.id} has no created_at: the store does not invent times"
            )
        return dataclasses.replace(
            ob, due_at=_utc(ob.due_at), remind_at=_utc_or_none(ob.remind_at),
            next_action_at=_utc_or_none(ob.next_action_at), created_at=_utc(ob.created_at),
            history=(),
        )  # fmt: skip

    def _insert(self, state: _State, ob: Obligation) -> bool:
        stored = self._normalised(ob)
        if ob.key in state.ids_by_key:
            return False
        if ob.id in state.obligations:
            raise StoreError(f"obligation {ob.id} is stored under another key")
        state.obligations[ob.id] = _Held(stored, updated_at=stored.created_at or ob.due_at)
        state.ids_by_key[ob.key] = ob.id
        state.events[ob.id] = ()
        return True

    def add(self, obligation: Obligation) -> tuple[Obligation, bool]:
        """Store an obligation unless its key exists; returns the stored one and whether it is new."""
        with self._locked() as state:
            events = tuple(
                ObligationEvent(_utc(e.at), e.kind, e.detail) for e in obligation.history
            )
            created = self._insert(state, obligation)
            if created:
                state.events[obligation.id] = events
            held = state.obligations[state.ids_by_key[obligation.key]]
            return held.obligation, created

    def add_many(self, obligations: Sequence[Obligation]) -> int:
        """Store many obligations together (their histories are not kept); returns how many were new."""
        with self.atomic(), self._locked() as state:
            return sum(self._insert(state, ob) for ob in obligations)

    def get(self, obligation_id: str) -> Obligation:
        """One obligation with its history; ``StoreError`` when there is none."""
        with self._locked() as state:
            held = state.obligations.get(obligation_id)
            if held is None:
                raise StoreError(f"no obligation {obligation_id}")
            history = tuple(sorted(state.events[obligation_id], key=lambda e: e.at))
            return dataclasses.replace(held.obligation, history=history)

    def search(
        self,
        *,
        state: ObligationState | None = None,
        ticket: str | None = None,
        due_before: datetime | None = None,
        limit: int = 100,
    ) -> list[Obligation]:
        """Obligations matching every filter given, earliest due first."""
        before = _utc_or_none(due_before)
        with self._locked() as held:
            found = [
                h.obligation
                for h in held.obligations.values()
                if (state is None or h.obligation.state is state)
                and (ticket is None or h.obligation.ticket == ticket)
                and (before is None or h.obligation.due_at < before)
            ]
        return sorted(found, key=lambda ob: (ob.due_at, ob.id))[: max(limit, 0)]

    def opened_between(self, since: datetime, until: datetime) -> list[Obligation]:
        """Obligations created at ``since`` or later and before ``until`` (without their
        history), oldest first."""
        start, end = _utc(since), _utc(until)
        with self._locked() as held:
            found = [
                h.obligation
                for h in held.obligations.values()
                if h.obligation.created_at is not None and start <= h.obligation.created_at < end
            ]
        return sorted(found, key=lambda ob: (ob.created_at, ob.id))

    def obligation_counts(self) -> dict[ObligationState, int]:
        """How many obligations are in each state (every state present)."""
        counts = dict.fromkeys(ObligationState, 0)
        with self._locked() as state:
            for held in state.obligations.values():
                counts[held.obligation.state] += 1
        return counts

    def active_for_ticket(self, ticket: str) -> list[Obligation]:
        """The ticket's open and reminded obligations, earliest due first."""
        with self._locked() as state:
            found = [
                h.obligation
                for h in state.obligations.values()
                if h.obligation.ticket == ticket and h.obligation.state in _ACTIVE
            ]
        return sorted(found, key=lambda ob: (ob.due_at, ob.id))

    def _apply(self, state: _State, held: _Held, change: Transition, at: datetime) -> None:
        ob = held.obligation
        moved = dataclasses.replace(
            ob, state=change.state, next_task=change.next_task,
            next_action_at=_utc_or_none(change.next_action_at),
            outcome=change.outcome if change.outcome is not None else ob.outcome,
        )  # fmt: skip
        state.obligations[ob.id] = _Held(moved, updated_at=at)
        state.events[ob.id] += (ObligationEvent(at, change.event, change.detail),)

    def transition(self, obligation_id: str, change: Transition, at: datetime) -> Obligation:
        """Move an obligation to a new state without a lease (operators, ticket events)."""
        when = _utc(at)
        with self._locked() as state:
            held = state.obligations.get(obligation_id)
            if held is None:
                raise StoreError(f"no obligation {obligation_id}")
            self._apply(state, held, change, when)
        return self.get(obligation_id)

    def claim_due(
        self, now: datetime, worker: str, limit: int, lease: timedelta
    ) -> list[Obligation]:
        """Lease up to ``limit`` obligations whose next action is due at ``now``."""
        if limit < 1:
            return []
        when = _utc(now)
        until = when + timedelta(microseconds=lease_micros(lease))
        with self._locked() as state:
            due = sorted(
                (
                    h
                    for h in state.obligations.values()
                    if h.obligation.state in _ACTIVE
                    and h.obligation.next_action_at is not None
                    and h.obligation.next_action_at <= when
                    and h.free_at(when)
                ),
                key=lambda h: (h.obligation.next_action_at, h.obligation.id),
            )[:limit]
            for held in due:
                state.obligations[held.obligation.id] = dataclasses.replace(
                    held, lease_owner=worker, lease_until=until
                )
        return [held.obligation for held in due]

    def complete(
        self,
        obligation_id: str,
        worker: str,
        change: Transition,
        at: datetime,
        *,
        task: Task | None,
    ) -> bool:
        """Record a dispatched task and the new state if ``worker`` holds the lease."""
        when = _utc(at)
        with self._locked() as state:
            held = state.obligations.get(obligation_id)
            if held is None or held.lease_owner != worker:
                return False
            self._apply(state, held, change, when)
            if task is not None:
                state.dispatches.add((obligation_id, task))
            return True

    def release(
        self, obligation_id: str, worker: str, retry_at: datetime, reason: str, *, at: datetime
    ) -> bool:
        """Give a leased obligation back, due again at ``retry_at``; False without the lease."""
        retry, when = _utc(retry_at), _utc(at)
        with self._locked() as state:
            held = state.obligations.get(obligation_id)
            if held is None or held.lease_owner != worker:
                return False
            moved = dataclasses.replace(held.obligation, next_action_at=retry)
            state.obligations[obligation_id] = _Held(moved, updated_at=when)
            state.events[obligation_id] += (ObligationEvent(when, "retry", reason),)
            return True

    def dispatch_count(self, obligation_id: str) -> int:
        """How many tasks were recorded as dispatched for the obligation."""
        with self._locked() as state:
            return sum(1 for ident, _ in state.dispatches if ident == obligation_id)

    # --- message records ----------------------------------------------------------------------------

    def record_messages(self, records: Sequence[MessageRecord]) -> int:
        """Store message records unless their ``(ticket, comment_id)`` is stored; returns how
        many were new."""
        for record in records:
            check_record(record)
        stored = [dataclasses.replace(r, at=_utc(r.at)) for r in records]
        added = 0
        with self._locked() as state:
            for record in stored:
                key = (record.ticket, record.comment_id)
                if key not in state.messages:
                    state.messages[key] = record
                    added += 1
        return added

    def message_records(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[MessageRecord]:
        """Records of messages written at ``since`` or later and before ``until``, in time order
        (then by ticket and comment id)."""
        start, end = _utc_or_none(since), _utc_or_none(until)
        with self._locked() as state:
            found = [
                r
                for r in state.messages.values()
                if (start is None or r.at >= start) and (end is None or r.at < end)
            ]
        return sorted(found, key=lambda r: (r.at, r.ticket, r.comment_id))

    # --- inbox -------------------------------------------------------------------------------------

    def inbox_add(self, delivery: Delivery, *, ticket: str | None, at: datetime) -> bool:
        """Queue a delivery; False (and nothing changes) when its ``(system, id)`` is stored."""
        when = _utc(at)
        try:  # the same round trip as the database stores' JSON column
            headers = json.loads(json.dumps(dict(delivery.headers), sort_keys=True))
        except TypeError as exc:
            raise InputError(f"delivery {delivery.id}: headers must be strings: {exc}") from exc
        stored = Delivery(
            id=delivery.id, system=delivery.system, received_at=_utc(delivery.received_at),
            body=bytes(delivery.body), headers=MappingProxyType(headers),
        )  # fmt: skip

        def make(seq: int) -> InboxEntry:
            return InboxEntry(seq, stored, ticket, EntryState.PENDING, 0, when, None, when)

        with self._locked() as state:
            return state.inbox.add((delivery.system, delivery.id), make)

    def inbox_claim(
        self, now: datetime, worker: str, limit: int, lease: timedelta
    ) -> list[InboxEntry]:
        """Lease due pending deliveries, oldest first, one at a time per ticket."""
        length = lease_micros(lease)
        if limit < 1:
            return []
        when = _utc(now)
        with self._locked() as state:
            return state.inbox.claim(when, worker, limit, when + timedelta(microseconds=length))

    def inbox_done(self, seq: int, worker: str, at: datetime) -> bool:
        """Mark a leased delivery handled; False unless ``worker`` holds its lease."""
        when = _utc(at)
        with self._locked() as state:
            return state.inbox.finish(seq, worker, state=EntryState.DONE, updated_at=when)

    def inbox_retry_later(
        self, seq: int, worker: str, *, retry_at: datetime, error: str, at: datetime, park: bool
    ) -> bool:
        """Count a failed try and release the lease; ``park`` moves the entry to ``failed``."""
        with self._locked() as state:
            return _retry_later(state.inbox, seq, worker, retry_at, error, at, park)

    def inbox_list(self, *, state: EntryState | None = None, limit: int = 100) -> list[InboxEntry]:
        """Inbox entries, oldest first, optionally of one state."""
        with self._locked() as held:
            return held.inbox.listed(state, None, limit)

    def get_checkpoint(self, name: str) -> str | None:
        """The value stored under ``name``, or None."""
        with self._locked() as state:
            return state.checkpoints.get(name)

    def set_checkpoint(self, name: str, value: str, at: datetime) -> None:
        """Store ``value`` under ``name``, replacing what was there."""
        _utc(at)
        with self._locked() as state:
            state.checkpoints[name] = value

    def inbox_counts(self) -> dict[EntryState, int]:
        """How many inbox entries are in each state (every state present)."""
        with self._locked() as state:
            return state.inbox.counts()

    def inbox_requeue(self, seqs: Sequence[int] | None, at: datetime) -> int:
        """Move failed entries (all when ``seqs`` is None) back to pending; returns how many."""
        when = _utc(at)
        with self._locked() as state:
            return state.inbox.requeue(seqs, when)

    # --- outbox ------------------------------------------------------------------------------------

    def outbox_add(self, ticket: str, change: TicketChange, key: str, at: datetime) -> bool:
        """Queue a helpdesk write; False (and nothing changes) when ``key`` is stored."""
        if not key:
            raise InputError("an outbox entry needs an idempotency key")
        when = _utc(at)
        stored = TicketChange.from_json(change.to_json())  # as the database stores read it back

        def make(seq: int) -> OutboxEntry:
            return OutboxEntry(
                seq, key, ticket, stored, EntryState.PENDING, 0, when, None, when, when
            )

        with self._locked() as state:
            return state.outbox.add(key, make)

    def outbox_claim(
        self, now: datetime, worker: str, limit: int, lease: timedelta
    ) -> list[OutboxEntry]:
        """Lease due pending writes, oldest first, one at a time per ticket."""
        length = lease_micros(lease)
        if limit < 1:
            return []
        when = _utc(now)
        with self._locked() as state:
            return state.outbox.claim(when, worker, limit, when + timedelta(microseconds=length))

    def outbox_done(self, seq: int, worker: str, at: datetime) -> bool:
        """Mark a leased write applied; False unless ``worker`` holds its lease."""
        when = _utc(at)
        with self._locked() as state:
            return state.outbox.finish(seq, worker, state=EntryState.DONE, updated_at=when)

    def outbox_retry_later(
        self, seq: int, worker: str, *, retry_at: datetime, error: str, at: datetime, park: bool
    ) -> bool:
        """Count a failed try and release the lease; ``park`` moves the entry to ``failed``."""
        with self._locked() as state:
            return _retry_later(state.outbox, seq, worker, retry_at, error, at, park)

    def outbox_list(
        self, *, state: EntryState | None = None, ticket: str | None = None, limit: int = 100
    ) -> list[OutboxEntry]:
        """Outbox entries, oldest first, optionally of one state and one ticket."""
        with self._locked() as held:
            return held.outbox.listed(state, ticket, limit)

    def outbox_counts(self) -> dict[EntryState, int]:
        """How many outbox entries are in each state (every state present)."""
        with self._locked() as state:
            return state.outbox.counts()

    def outbox_requeue(self, seqs: Sequence[int] | None, at: datetime) -> int:
        """Move failed entries (all when ``seqs`` is None) back to pending; returns how many."""
        when = _utc(at)
        with self._locked() as state:
            return state.outbox.requeue(seqs, when)


def _retry_later(
    queue: _Queue[E],
    seq: int,
    worker: str,
    retry_at: datetime,
    error: str,
    at: datetime,
    park: bool,
) -> bool:
    row = queue.rows.get(seq)
    attempts = row.entry.attempts + 1 if row is not None else 0
    return queue.finish(
        seq, worker, state=EntryState.FAILED if park else EntryState.PENDING, attempts=attempts,
        next_try_at=_utc(retry_at), last_error=short_error(error), updated_at=_utc(at),
    )  # fmt: skip
