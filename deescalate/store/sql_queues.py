"""The inbox and the outbox in SQL, shared by SQLite and PostgreSQL (mixed into ``SQLStore``).

Both queues are tables of entries numbered by ``seq`` in arrival order. A claim leases the
pending entries that are due and whose lease is free or expired, oldest first, and never an
entry while an earlier pending entry of the same ticket exists: a ticket's entries are handled
one at a time, in order. PostgreSQL locks the rows it takes with ``FOR UPDATE SKIP LOCKED``;
SQLite takes the write lock up front (``BEGIN IMMEDIATE``). Finishing an entry checks the lease
owner, as completing an obligation does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from deescalate.errors import InputError, StoreError
from deescalate.helpdesk import Delivery, TicketChange
from deescalate.store.micros import moment, stamp
from deescalate.store.queues import EntryState, InboxEntry, OutboxEntry

__all__ = ["MAX_ERROR_LENGTH", "SQLQueues", "lease_micros", "short_error"]

# A last_error longer than this is cut: it is a short message for operators, never a body.
MAX_ERROR_LENGTH = 500
# Requeued seqs are bound in chunks, well under either database's limit on parameters.
_CHUNK = 500

_INBOX_COLUMNS = (
    "seq, system, delivery_id, received_at, body, headers, ticket, "
    "state, attempts, next_try_at, last_error, updated_at"
)
_OUTBOX_COLUMNS = (
    "seq, key, ticket, change, state, attempts, next_try_at, last_error, created_at, updated_at"
)
_STATES = {member.value: member for member in EntryState}


def lease_micros(lease: timedelta) -> int:
    """A lease's length in microseconds; ``InputError`` unless it is positive."""
    if lease <= timedelta(0):
        raise InputError(f"a lease must be positive, not {lease}")
    return lease // timedelta(microseconds=1)


def short_error(error: str) -> str:
    """``error`` cut to :data:`MAX_ERROR_LENGTH` characters."""
    return error if len(error) <= MAX_ERROR_LENGTH else error[: MAX_ERROR_LENGTH - 1] + "…"


class SQLQueues:
    """The inbox and outbox methods of :class:`~deescalate.store.base.SQLStore`."""

    placeholder: str
    _claim_lock: str

    def _transaction(self, *, immediate: bool = False) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _sql(self, statement: str) -> str:
        raise NotImplementedError

    # --- inbox -------------------------------------------------------------------------------------

    def inbox_add(self, delivery: Delivery, *, ticket: str | None, at: datetime) -> bool:
        """Queue a delivery; False (and nothing changes) when its ``(system, id)`` is stored."""
        at_us = stamp(at)
        try:
            headers = json.dumps(dict(delivery.headers), sort_keys=True)
        except TypeError as exc:
            raise InputError(f"delivery {delivery.id}: headers must be strings: {exc}") from exc
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(
                    "INSERT INTO inbox (system, delivery_id, received_at, body, headers, ticket, "
                    "state, attempts, next_try_at, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) "
                    "ON CONFLICT (system, delivery_id) DO NOTHING"
                ),
                (
                    delivery.system, delivery.id, stamp(delivery.received_at), bytes(delivery.body),
                    headers, ticket, at_us, at_us, at_us,
                ),
            )  # fmt: skip
            return bool(cursor.rowcount == 1)

    def inbox_claim(
        self, now: datetime, worker: str, limit: int, lease: timedelta
    ) -> list[InboxEntry]:
        """Lease due pending deliveries, oldest first, one at a time per ticket."""
        rows = self._claim("inbox", _INBOX_COLUMNS, now, worker, limit, lease)
        return [_inbox_entry(row) for row in rows]

    def inbox_done(self, seq: int, worker: str, at: datetime) -> bool:
        """Mark a leased delivery handled; False unless ``worker`` holds its lease."""
        return self._done("inbox", seq, worker, at)

    def inbox_retry_later(
        self, seq: int, worker: str, *, retry_at: datetime, error: str, at: datetime, park: bool
    ) -> bool:
        """Count a failed try and release the lease; ``park`` moves the entry to ``failed``."""
        return self._retry_later("inbox", seq, worker, retry_at, error, at, park)

    def inbox_list(self, *, state: EntryState | None = None, limit: int = 100) -> list[InboxEntry]:
        """Inbox entries, oldest first, optionally of one state."""
        rows = self._list("inbox", _INBOX_COLUMNS, state, None, limit)
        return [_inbox_entry(row) for row in rows]

    def inbox_counts(self) -> dict[EntryState, int]:
        """How many inbox entries are in each state (every state present)."""
        return self._counts("inbox")

    def inbox_requeue(self, seqs: Sequence[int] | None, at: datetime) -> int:
        """Move failed entries (all when ``seqs`` is None) back to pending; returns how many."""
        return self._requeue("inbox", seqs, at)

    # --- outbox ------------------------------------------------------------------------------------

    def outbox_add(self, ticket: str, change: TicketChange, key: str, at: datetime) -> bool:
        """Queue a helpdesk write; False (and nothing changes) when ``key`` is stored."""
        if not key:
            raise InputError("an outbox entry needs an idempotency key")
        at_us = stamp(at)
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(
                    "INSERT INTO outbox (key, ticket, change, state, attempts, next_try_at, "
                    "created_at, updated_at) VALUES (?, ?, ?, 'pending', 0, ?, ?, ?) "
                    "ON CONFLICT (key) DO NOTHING"
                ),
                (key, ticket, json.dumps(change.to_json(), sort_keys=True), at_us, at_us, at_us),
            )
            return bool(cursor.rowcount == 1)

    def outbox_claim(
        self, now: datetime, worker: str, limit: int, lease: timedelta
    ) -> list[OutboxEntry]:
        """Lease due pending writes, oldest first, one at a time per ticket."""
        rows = self._claim("outbox", _OUTBOX_COLUMNS, now, worker, limit, lease)
        return [_outbox_entry(row) for row in rows]

    def outbox_done(self, seq: int, worker: str, at: datetime) -> bool:
        """Mark a leased write applied; False unless ``worker`` holds its lease."""
        return self._done("outbox", seq, worker, at)

    def outbox_retry_later(
        self, seq: int, worker: str, *, retry_at: datetime, error: str, at: datetime, park: bool
    ) -> bool:
        """Count a failed try and release the lease; ``park`` moves the entry to ``failed``."""
        return self._retry_later("outbox", seq, worker, retry_at, error, at, park)

    def outbox_list(
        self, *, state: EntryState | None = None, ticket: str | None = None, limit: int = 100
    ) -> list[OutboxEntry]:
        """Outbox entries, oldest first, optionally of one state and one ticket."""
        rows = self._list("outbox", _OUTBOX_COLUMNS, state, ticket, limit)
        return [_outbox_entry(row) for row in rows]

    def outbox_counts(self) -> dict[EntryState, int]:
        """How many outbox entries are in each state (every state present)."""
        return self._counts("outbox")

    def outbox_requeue(self, seqs: Sequence[int] | None, at: datetime) -> int:
        """Move failed entries (all when ``seqs`` is None) back to pending; returns how many."""
        return self._requeue("outbox", seqs, at)

    # --- shared by both queues -----------------------------------------------------------------------

    def _queue_selection(self, table: str) -> str:
        # The states are written out, not bound: SQLite uses a partial index only when it can
        # see that the query's condition implies the index's.
        return self._sql(
            f"SELECT entry.seq FROM {table} AS entry WHERE entry.state = 'pending' "
            "AND entry.next_try_at <= ? AND (entry.lease_until IS NULL OR entry.lease_until < ?) "
            f"AND (entry.ticket IS NULL OR NOT EXISTS (SELECT 1 FROM {table} AS earlier "
            "WHERE earlier.state = 'pending' AND earlier.ticket = entry.ticket "
            "AND earlier.seq < entry.seq)) ORDER BY entry.seq LIMIT ?" + self._claim_lock
        )

    def _claim(
        self, table: str, columns: str, now: datetime, worker: str, limit: int, lease: timedelta
    ) -> list[Sequence[Any]]:
        length = lease_micros(lease)
        if limit < 1:
            return []
        now_us = stamp(now)
        with self._transaction(immediate=True) as cursor:
            cursor.execute(
                self._sql(f"UPDATE {table} SET lease_owner = ?, lease_until = ? WHERE seq IN (")
                + self._queue_selection(table)
                + f") RETURNING {columns}",
                (worker, now_us + length, now_us, now_us, limit),
            )
            rows = list(cursor.fetchall())
        return sorted(rows, key=lambda row: int(row[0]))

    def _done(self, table: str, seq: int, worker: str, at: datetime) -> bool:
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(
                    f"UPDATE {table} SET state = 'done', lease_owner = NULL, lease_until = NULL, "
                    "updated_at = ? WHERE seq = ? AND lease_owner = ? AND state = 'pending'"
                ),
                (stamp(at), seq, worker),
            )
            return bool(cursor.rowcount == 1)

    def _retry_later(
        self,
        table: str,
        seq: int,
        worker: str,
        retry_at: datetime,
        error: str,
        at: datetime,
        park: bool,
    ) -> bool:
        state = EntryState.FAILED if park else EntryState.PENDING
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(
                    f"UPDATE {table} SET state = ?, attempts = attempts + 1, lease_owner = NULL, "
                    "lease_until = NULL, next_try_at = ?, last_error = ?, updated_at = ? "
                    "WHERE seq = ? AND lease_owner = ? AND state = 'pending'"
                ),
                (state.value, stamp(retry_at), short_error(error), stamp(at), seq, worker),
            )
            return bool(cursor.rowcount == 1)

    def _list(
        self,
        table: str,
        columns: str,
        state: EntryState | None,
        ticket: str | None,
        limit: int,
    ) -> list[Sequence[Any]]:
        clauses: list[str] = []
        args: list[object] = []
        if state is not None:
            clauses.append("state = ?")
            args.append(EntryState(state).value)
        if ticket is not None:
            clauses.append("ticket = ?")
            args.append(ticket)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(f"SELECT {columns} FROM {table}{where} ORDER BY seq LIMIT ?"),
                (*args, limit),
            )
            return list(cursor.fetchall())

    def _counts(self, table: str) -> dict[EntryState, int]:
        counts = dict.fromkeys(EntryState, 0)
        with self._transaction() as cursor:
            cursor.execute(f"SELECT state, COUNT(*) FROM {table} GROUP BY state")
            for state, count in cursor.fetchall():
                counts[_STATES[state]] = int(count)
        return counts

    def _requeue(self, table: str, seqs: Sequence[int] | None, at: datetime) -> int:
        at_us = stamp(at)
        update = (
            f"UPDATE {table} SET state = 'pending', attempts = 0, next_try_at = ?, "
            "lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE state = 'failed'"
        )
        with self._transaction() as cursor:
            if seqs is None:
                cursor.execute(self._sql(update), (at_us, at_us))
                return int(cursor.rowcount)
            wanted = sorted({int(seq) for seq in seqs})
            moved = 0
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ", ".join("?" * len(chunk))
                cursor.execute(self._sql(f"{update} AND seq IN ({marks})"), (at_us, at_us, *chunk))
                moved += int(cursor.rowcount)
            return moved


def _inbox_entry(row: Sequence[Any]) -> InboxEntry:
    (seq, system, delivery_id, received_at, body, headers, ticket, state, attempts, next_try_at,
     last_error, updated_at) = row  # fmt: skip
    try:
        header_map = json.loads(headers)
    except ValueError as exc:
        raise StoreError(f"inbox entry {seq}: its stored headers are not JSON") from exc
    delivery = Delivery(
        id=delivery_id,
        system=system,
        received_at=moment(received_at),
        body=bytes(body),
        headers=MappingProxyType(header_map),
    )
    return InboxEntry(
        seq=int(seq), delivery=delivery, ticket=ticket, state=_STATES[state],
        attempts=int(attempts), next_try_at=moment(next_try_at), last_error=last_error,
        updated_at=moment(updated_at),
    )  # fmt: skip


def _outbox_entry(row: Sequence[Any]) -> OutboxEntry:
    (seq, key, ticket, change, state, attempts, next_try_at, last_error, created_at,
     updated_at) = row  # fmt: skip
    try:
        parsed = TicketChange.from_json(json.loads(change))
    except ValueError as exc:
        raise StoreError(f"outbox entry {seq}: its stored change cannot be read: {exc}") from exc
    return OutboxEntry(
        seq=int(seq), key=key, ticket=ticket, change=parsed, state=_STATES[state],
        attempts=int(attempts), next_try_at=moment(next_try_at), last_error=last_error,
        created_at=moment(created_at), updated_at=moment(updated_at),
    )  # fmt: skip
