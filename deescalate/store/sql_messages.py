"""Message records in SQL, shared by SQLite and PostgreSQL (mixed into ``SQLStore``).

One row per planned message, keyed by ``(ticket, comment_id)``: recording a message twice (a
delivery processed again, a backfill run twice) keeps the first. Codes are stored space-joined
(a code never contains a space) and quotes joined by the unit separator (``\x1f``, which a quote
never contains), NULL when there are none: a report reads hundreds of thousands of rows, and
splitting is many times cheaper than decoding JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from deescalate.errors import InputError
from deescalate.records import MessageRecord, MessageRole
from deescalate.stages import Stage
from deescalate.store.micros import moment, stamp

__all__ = ["SQLMessages", "check_record"]

_ROLES = {member.value: member for member in MessageRole}
_STAGES = {member.value: member for member in Stage}
_COLUMNS = "ticket, comment_id, at, role, stage, agent, codes, quotes"
_SEPARATOR = "\x1f"


def check_record(record: MessageRecord) -> None:
    """``InputError`` for a record the store could not give back as it was given."""
    if any(not code or " " in code for code in record.codes):
        raise InputError(
            f"message {record.ticket}/{record.comment_id}: a code is empty or has a space"
        )
    if any(_SEPARATOR in quote for quote in record.quotes):
        raise InputError(
            f"message {record.ticket}/{record.comment_id}: a quote has a control character"
        )
    if record.quotes and len(record.quotes) != len(record.codes):
        raise InputError(
            f"message {record.ticket}/{record.comment_id}: {len(record.quotes)} quotes "
            f"for {len(record.codes)} codes"
        )


class SQLMessages:
    """The message-record methods of :class:`~deescalate.store.base.SQLStore`."""

    def _transaction(self, *, immediate: bool = False) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _sql(self, statement: str) -> str:
        raise NotImplementedError

    def record_messages(self, records: Sequence[MessageRecord]) -> int:
        """Store message records unless their ``(ticket, comment_id)`` is stored; returns how
        many were new."""
        rows = [_row(record) for record in records]
        if not rows:
            return 0
        added = 0
        with self._transaction() as cursor:
            statement = self._sql(
                f"INSERT INTO messages ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (ticket, comment_id) DO NOTHING"
            )
            for row in rows:
                cursor.execute(statement, row)
                added += max(int(cursor.rowcount), 0)
        return added

    def message_records(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[MessageRecord]:
        """Records of messages written at ``since`` or later and before ``until``, in time order
        (then by ticket and comment id)."""
        clauses: list[str] = []
        args: list[int] = []
        if since is not None:
            clauses.append("at >= ?")
            args.append(stamp(since))
        if until is not None:
            clauses.append("at < ?")
            args.append(stamp(until))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(
                    f"SELECT {_COLUMNS} FROM messages{where} ORDER BY at, ticket, comment_id"
                ),
                tuple(args),
            )
            rows = cursor.fetchall()
        return [_record(row) for row in rows]


def _row(record: MessageRecord) -> tuple[Any, ...]:
    check_record(record)
    quotes = _SEPARATOR.join(record.quotes) if record.quotes else None
    stage = record.stage.value if record.stage else None
    return (
        record.ticket, record.comment_id, stamp(record.at), record.role.value, stage,
        record.agent, " ".join(record.codes), quotes,
    )  # fmt: skip


def _record(row: Sequence[Any]) -> MessageRecord:
    ticket, comment_id, at, role, stage, agent, codes, quotes = row
    return MessageRecord(
        ticket=ticket, comment_id=comment_id, at=moment(at), role=_ROLES[role],
        stage=_STAGES[stage] if stage else None, agent=agent,
        codes=tuple(codes.split()) if codes else (),
        quotes=tuple(quotes.split(_SEPARATOR)) if quotes else (),
    )  # fmt: skip
