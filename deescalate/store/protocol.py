"""The Store protocol: what the ledger, the pipeline and the workers need from storage.

Three stores implement it and pass one contract suite: ``SQLiteStore`` (a file), ``PostgresStore``
(several machines) and ``MemoryStore`` (tests and the demo). A store never reads the clock: every
time it records is passed in, so one injected clock decides them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Literal, Protocol, runtime_checkable

from deescalate.helpdesk import Delivery, TicketChange
from deescalate.obligations.model import Obligation, ObligationState, Task, Transition
from deescalate.records import MessageRecord
from deescalate.store.queues import EntryState, InboxEntry, OutboxEntry

__all__ = ["ClaimQueue", "Store"]

ClaimQueue = Literal["obligations", "inbox", "outbox"]


@runtime_checkable
class Store(Protocol):
    """Durable storage for obligations, message records, the inbox and the outbox."""

    # --- lifecycle and schema ---------------------------------------------------------------------

    def migrate(self, target: int | None = None) -> int:
        """Bring the schema up to ``target`` (the latest by default); returns the version reached."""
        ...

    def schema_version(self) -> int:
        """The schema version (0 for a database never migrated)."""
        ...

    def atomic(self) -> AbstractContextManager[None]:
        """A block whose store calls (on this thread) commit together or not at all; nests."""
        ...

    def explain_claim(self, now: datetime, limit: int, *, queue: ClaimQueue = "obligations") -> str:
        """How the store finds what a claim on ``queue`` takes (to show it reads an index)."""
        ...

    def close(self) -> None:
        """Release the store's connections."""
        ...

    # --- obligations -------------------------------------------------------------------------------

    def add(self, obligation: Obligation) -> tuple[Obligation, bool]:
        """Store an obligation unless its key exists; returns the stored one and whether it is new."""
        ...

    def add_many(self, obligations: Sequence[Obligation]) -> int:
        """Store many obligations together (bulk loads keep no history); returns how many were new."""
        ...

    def get(self, obligation_id: str) -> Obligation:
        """One obligation with its history; ``StoreError`` when there is none."""
        ...

    def search(
        self,
        *,
        state: ObligationState | None = None,
        ticket: str | None = None,
        due_before: datetime | None = None,
        limit: int = 100,
    ) -> list[Obligation]:
        """Obligations matching every filter given, earliest due first."""
        ...

    def active_for_ticket(self, ticket: str) -> list[Obligation]:
        """The ticket's open and reminded obligations, earliest due first."""
        ...

    def opened_between(self, since: datetime, until: datetime) -> list[Obligation]:
        """Obligations created at ``since`` or later and before ``until`` (without their
        history), oldest first."""
        ...

    def obligation_counts(self) -> dict[ObligationState, int]:
        """How many obligations are in each state (every state present)."""
        ...

    def transition(self, obligation_id: str, change: Transition, at: datetime) -> Obligation:
        """Move an obligation to a new state without a lease (operators, ticket events)."""
        ...

    def claim_due(
        self, now: datetime, worker: str, limit: int, lease: timedelta
    ) -> list[Obligation]:
        """Lease up to ``limit`` obligations whose next action is due at ``now``."""
        ...

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
        ...

    def release(
        self, obligation_id: str, worker: str, retry_at: datetime, reason: str, *, at: datetime
    ) -> bool:
        """Give a leased obligation back, due again at ``retry_at``; False without the lease."""
        ...

    def dispatch_count(self, obligation_id: str) -> int:
        """How many tasks were recorded as dispatched for the obligation."""
        ...

    # --- message records (the report's figures) ----------------------------------------------------

    def record_messages(self, records: Sequence[MessageRecord]) -> int:
        """Store message records unless their ``(ticket, comment_id)`` is stored; returns how
        many were new."""
        ...

    def message_records(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[MessageRecord]:
        """Records of messages written at ``since`` or later and before ``until``, in time order."""
        ...

    # --- inbox -------------------------------------------------------------------------------------

    def get_checkpoint(self, name: str) -> str | None:
        """The value stored under ``name`` (a long job's resume point), or None."""
        ...

    def set_checkpoint(self, name: str, value: str, at: datetime) -> None:
        """Store ``value`` under ``name``, replacing what was there."""
        ...

    def inbox_add(self, delivery: Delivery, *, ticket: str | None, at: datetime) -> bool:
        """Queue a delivery; False (and nothing changes) when its ``(system, id)`` is stored."""
        ...

    def inbox_claim(
        self, now: datetime, worker: str, limit: int, lease: timedelta
    ) -> list[InboxEntry]:
        """Lease due pending deliveries, oldest first, one at a time per ticket."""
        ...

    def inbox_done(self, seq: int, worker: str, at: datetime) -> bool:
        """Mark a leased delivery handled; False unless ``worker`` holds its lease."""
        ...

    def inbox_retry_later(
        self, seq: int, worker: str, *, retry_at: datetime, error: str, at: datetime, park: bool
    ) -> bool:
        """Count a failed try and release the lease; ``park`` moves the entry to ``failed``."""
        ...

    def inbox_list(self, *, state: EntryState | None = None, limit: int = 100) -> list[InboxEntry]:
        """Inbox entries, oldest first, optionally of one state."""
        ...

    def inbox_counts(self) -> dict[EntryState, int]:
        """How many inbox entries are in each state (every state present)."""
        ...

    def inbox_requeue(self, seqs: Sequence[int] | None, at: datetime) -> int:
        """Move failed entries (all when ``seqs`` is None) back to pending; returns how many."""
        ...

    # --- outbox ------------------------------------------------------------------------------------

    def outbox_add(self, ticket: str, change: TicketChange, key: str, at: datetime) -> bool:
        """Queue a helpdesk write; False (and nothing changes) when ``key`` is stored."""
        ...

    def outbox_claim(
        self, now: datetime, worker: str, limit: int, lease: timedelta
    ) -> list[OutboxEntry]:
        """Lease due pending writes, oldest first, one at a time per ticket."""
        ...

    def outbox_done(self, seq: int, worker: str, at: datetime) -> bool:
        """Mark a leased write applied; False unless ``worker`` holds its lease."""
        ...

    def outbox_retry_later(
        self, seq: int, worker: str, *, retry_at: datetime, error: str, at: datetime, park: bool
    ) -> bool:
        """Count a failed try and release the lease; ``park`` moves the entry to ``failed``."""
        ...

    def outbox_list(
        self, *, state: EntryState | None = None, ticket: str | None = None, limit: int = 100
    ) -> list[OutboxEntry]:
        """Outbox entries, oldest first, optionally of one state and one ticket."""
        ...

    def outbox_counts(self) -> dict[EntryState, int]:
        """How many outbox entries are in each state (every state present)."""
        ...

    def outbox_requeue(self, seqs: Sequence[int] | None, at: datetime) -> int:
        """Move failed entries (all when ``seqs`` is None) back to pending; returns how many."""
        ...
