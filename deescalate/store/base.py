"""The SQL both database stores share (the protocol itself is in :mod:`deescalate.store.protocol`).

Times are stored as integer microseconds since the epoch (UTC) so both databases order and index
them the same way. A claim is a lease: the worker that claimed an obligation owns it until
``lease_until``; if it dies, the lease expires and another worker reclaims the obligation, so
nothing is lost between claiming and dispatching. Completing checks the lease owner, so a worker
that lost its lease cannot overwrite the new owner's work. The store never reads the clock: every
time it writes is passed in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from deescalate.errors import InputError, StoreError
from deescalate.obligations.model import (
    Obligation,
    ObligationEvent,
    ObligationKind,
    ObligationState,
    Task,
    Transition,
    new_id,
)
from deescalate.store.micros import from_micros, moment, stamp, to_micros
from deescalate.store.protocol import ClaimQueue, Store
from deescalate.store.sql_messages import SQLMessages
from deescalate.store.sql_queues import SQLQueues

__all__ = [
    "ACTIVE_SQL",
    "ACTIVE_STATES",
    "LATEST_VERSION",
    "MIGRATIONS",
    "SQLStore",
    "Store",
    "Transition",
    "from_micros",
    "new_id",
    "to_micros",
]

ACTIVE_STATES = (ObligationState.OPEN.value, ObligationState.REMINDED.value)
# Written out, not bound: SQLite uses the partial due index only when it can see the states.
ACTIVE_SQL = "state IN ('open', 'reminded')"


@dataclass(frozen=True, slots=True)
class DialectStatement:
    """A migration statement for one database only (``"postgresql"`` or ``"sqlite"``)."""

    dialect: str
    sql: str


# The inbox and outbox tables differ between the databases only in their key and byte types.
_QUEUE_STATE = (
    "state TEXT NOT NULL, attempts INTEGER NOT NULL, next_try_at BIGINT NOT NULL, "
    "lease_owner TEXT, lease_until BIGINT, last_error TEXT, "
    "created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL"
)
_SEQ = {
    "sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT",  # never reuses a number, so seq keeps order
    "postgresql": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
}
_BYTES = {"sqlite": "BLOB", "postgresql": "BYTEA"}


def _queue_tables(dialect: str) -> tuple[DialectStatement, ...]:
    return (
        DialectStatement(
            dialect,
            f"""CREATE TABLE inbox (
                seq {_SEQ[dialect]},
                system TEXT NOT NULL,
                delivery_id TEXT NOT NULL,
                received_at BIGINT NOT NULL,
                body {_BYTES[dialect]} NOT NULL,
                headers TEXT NOT NULL,
                ticket TEXT,
                {_QUEUE_STATE},
                UNIQUE (system, delivery_id)
            )""",
        ),
        DialectStatement(
            dialect,
            f"""CREATE TABLE outbox (
                seq {_SEQ[dialect]},
                key TEXT NOT NULL UNIQUE,
                ticket TEXT NOT NULL,
                change TEXT NOT NULL,
                {_QUEUE_STATE}
            )""",
        ),
    )


# Each migration upgrades the schema by one version; older databases are upgraded in place.
MIGRATIONS: tuple[tuple[int, tuple[str | DialectStatement, ...]], ...] = (
    (
        1,
        (
            """CREATE TABLE obligations (
                id TEXT PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                ticket TEXT NOT NULL,
                source TEXT NOT NULL,
                action TEXT,
                comment_id TEXT,
                span_start INTEGER,
                span_end INTEGER,
                due_at BIGINT NOT NULL,
                remind_at BIGINT,
                state TEXT NOT NULL,
                next_task TEXT,
                next_action_at BIGINT,
                lease_owner TEXT,
                lease_until BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )""",
            "CREATE INDEX obligations_ticket ON obligations (ticket)",
            """CREATE TABLE obligation_events (
                obligation_id TEXT NOT NULL REFERENCES obligations (id),
                at BIGINT NOT NULL,
                kind TEXT NOT NULL,
                detail TEXT NOT NULL
            )""",
            "CREATE INDEX obligation_events_obligation ON obligation_events (obligation_id)",
        ),
    ),
    (
        2,
        (
            "ALTER TABLE obligations ADD COLUMN outcome TEXT",
            """CREATE TABLE dispatches (
                obligation_id TEXT NOT NULL REFERENCES obligations (id),
                task TEXT NOT NULL,
                worker TEXT NOT NULL,
                at BIGINT NOT NULL,
                UNIQUE (obligation_id, task)
            )""",
            # The claim query reads this index in order: an index range, not a table scan.
            "CREATE INDEX obligations_due ON obligations (next_action_at) "
            "WHERE state IN ('open', 'reminded')",
        ),
    ),
    (
        3,
        (
            # Every claim rewrites the lease columns. Room left on each page lets PostgreSQL
            # update the row in place (a HOT update) instead of adding to every index.
            DialectStatement("postgresql", "ALTER TABLE obligations SET (fillfactor = 80)"),
        ),
    ),
    (
        4,
        (
            # The inbox (webhook deliveries for the pipeline) and the outbox (helpdesk writes).
            *_queue_tables("sqlite"),
            *_queue_tables("postgresql"),
            # A claim reads the pending entries in order from the *_pending index and asks the
            # per-ticket index whether an earlier entry of the same ticket is pending: index
            # ranges both, however many finished entries the table keeps. The outbox's per-ticket
            # index also serves listing a ticket's writes.
            "CREATE INDEX inbox_pending ON inbox (seq) WHERE state = 'pending'",
            "CREATE INDEX inbox_pending_ticket ON inbox (ticket, seq) WHERE state = 'pending'",
            "CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'pending'",
            "CREATE INDEX outbox_ticket ON outbox (ticket, state, seq)",
            # Claims rewrite the lease columns, as on the obligations table (version 3).
            DialectStatement("postgresql", "ALTER TABLE inbox SET (fillfactor = 80)"),
            DialectStatement("postgresql", "ALTER TABLE outbox SET (fillfactor = 80)"),
        ),
    ),
    (
        5,
        (
            # Named cursors of long jobs (a backfill's export position), to resume after a stop.
            """CREATE TABLE checkpoints (
                name TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                updated_at BIGINT NOT NULL
            )""",
        ),
    ),
    (
        6,
        (
            # Who owes a follow-through: the agent, a team of the company or a third party.
            "ALTER TABLE obligations ADD COLUMN owner TEXT",
        ),
    ),
    (
        7,
        (
            # What the pipeline found in each message it planned, for the report.
            """CREATE TABLE messages (
                ticket TEXT NOT NULL,
                comment_id TEXT NOT NULL,
                at BIGINT NOT NULL,
                role TEXT NOT NULL,
                stage TEXT,
                agent TEXT,
                codes TEXT NOT NULL,
                quotes TEXT,
                PRIMARY KEY (ticket, comment_id)
            )""",
            "CREATE INDEX messages_at ON messages (at)",
            # A report reads the obligations opened in its period: an index range.
            "CREATE INDEX obligations_created ON obligations (created_at)",
        ),
    ),
)
LATEST_VERSION = MIGRATIONS[-1][0]


# Enum members by value: a dict lookup is several times cheaper than calling the enum.
_KINDS = {member.value: member for member in ObligationKind}
_STATES = {member.value: member for member in ObligationState}
_TASKS = {member.value: member for member in Task}

_COLUMNS = (
    "id, key, kind, ticket, source, action, comment_id, span_start, span_end, due_at, remind_at, "
    "state, next_task, next_action_at, outcome, owner, created_at"
)


class SQLStore(SQLQueues, SQLMessages):
    """The SQL both stores share; a dialect supplies connections, placeholders and the claim."""

    placeholder = "?"

    # --- dialect hooks ------------------------------------------------------------------------
    dialect = "sql"

    def _transaction(self, *, immediate: bool = False) -> AbstractContextManager[Any]:
        """A transaction, or a savepoint inside the one already open on this store."""
        raise NotImplementedError

    def _lock_for_migration(self, cursor: Any) -> None:
        """Serialize concurrent migrations (PostgreSQL takes an advisory lock)."""

    # What follows the due-selection subquery: PostgreSQL adds "FOR UPDATE SKIP LOCKED".
    _claim_lock = ""
    # How to ask for a plan, and which column of its rows holds the text.
    _explain = ("EXPLAIN QUERY PLAN", -1)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Commit every store call made in the block (on this thread) together, or none of them.

        Blocks nest: an inner block that raises undoes only its own writes (a savepoint). Other
        threads using this store wait until the outermost block ends.
        """
        with self._transaction(immediate=True):
            yield

    def _due_selection(self) -> str:
        return self._sql(
            f"SELECT id FROM obligations WHERE {ACTIVE_SQL} AND next_action_at <= ? "
            "AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_action_at LIMIT ?"
            + self._claim_lock
        )

    def _claim_rows(
        self, cursor: Any, now: int, worker: str, limit: int, lease_until: int
    ) -> list[tuple[Any, ...]]:
        cursor.execute(
            self._sql("UPDATE obligations SET lease_owner = ?, lease_until = ? WHERE id IN (")
            + self._due_selection()
            + f") RETURNING {_COLUMNS}",
            (worker, lease_until, now, now, limit),
        )
        return list(cursor.fetchall())

    def explain_claim(self, now: datetime, limit: int, *, queue: ClaimQueue = "obligations") -> str:
        """The database's plan for a claim's selection (to show it reads an index range)."""
        if queue == "obligations":
            selection = self._due_selection()
        elif queue in ("inbox", "outbox"):
            selection = self._queue_selection(queue)
        else:
            raise InputError(f"no claim on {queue!r}: use obligations, inbox or outbox")
        prefix, column = self._explain
        at = stamp(now)
        with self._transaction() as cursor:
            cursor.execute(f"{prefix} {selection}", (at, at, limit))
            return "\n".join(str(row[column]) for row in cursor.fetchall())

    def close(self) -> None:
        """Release the store's connection."""
        raise NotImplementedError

    # --- schema ----------------------------------------------------------------------------------

    def _sql(self, statement: str) -> str:
        return statement if self.placeholder == "?" else statement.replace("?", self.placeholder)

    def schema_version(self) -> int:
        """The database's schema version (0 for a database never migrated)."""
        with self._transaction(immediate=True) as cursor:
            return self._current_version(cursor)

    def _current_version(self, cursor: Any) -> int:
        # Under the migration lock: two sessions running CREATE TABLE IF NOT EXISTS at once on
        # PostgreSQL can both pass the check and then collide on the catalogue's unique index.
        self._lock_for_migration(cursor)
        cursor.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        cursor.execute("SELECT MAX(version) FROM schema_version")
        row = cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def migrate(self, target: int | None = None) -> int:
        """Apply the migrations the database lacks, up to ``target`` (the latest by default)."""
        target = LATEST_VERSION if target is None else target
        with self._transaction(immediate=True) as cursor:
            current = self._current_version(cursor)
            for version, statements in MIGRATIONS:
                if current < version <= target:
                    for statement in statements:
                        if isinstance(statement, DialectStatement):
                            if statement.dialect != self.dialect:
                                continue
                            statement = statement.sql
                        cursor.execute(statement)
                    cursor.execute(
                        self._sql("INSERT INTO schema_version (version) VALUES (?)"), (version,)
                    )
                    current = version
        return current

    # --- writes ----------------------------------------------------------------------------------

    def _row_values(self, ob: Obligation) -> tuple[Any, ...]:
        if ob.created_at is None:
            raise StoreError(
                f"obligation {ob.id} has no created_at: the store does not invent times"
            )
        span = ob.span or (None, None)
        return (
            ob.id, ob.key, ob.kind.value, ob.ticket, ob.source, ob.action, ob.comment_id,
            span[0], span[1], to_micros(ob.due_at), to_micros(ob.remind_at), ob.state.value,
            ob.next_task.value if ob.next_task else None, to_micros(ob.next_action_at),
            ob.outcome, ob.owner, to_micros(ob.created_at),
        )  # fmt: skip

    def _insert_sql(self) -> str:
        marks = ", ".join("?" * 18)
        return self._sql(
            f"INSERT INTO obligations ({_COLUMNS}, updated_at) VALUES ({marks}) "
            "ON CONFLICT (key) DO NOTHING"
        )

    def add(self, obligation: Obligation) -> tuple[Obligation, bool]:
        """Store ``obligation`` unless one with its key exists; returns the stored one and
        whether it was new (the same promise seen twice is one obligation)."""
        values = self._row_values(obligation)
        with self._transaction() as cursor:
            cursor.execute(self._insert_sql(), (*values, values[-1]))
            created = cursor.rowcount == 1
            if created:
                for event in obligation.history:
                    self._insert_event(cursor, obligation.id, event)
            cursor.execute(
                self._sql(f"SELECT {_COLUMNS} FROM obligations WHERE key = ?"), (obligation.key,)
            )
            row = cursor.fetchone()
        return self._obligation(row), created

    def add_many(self, obligations: Sequence[Obligation]) -> int:
        """Store many obligations in one transaction (bulk loads keep no history); returns how
        many were new."""
        # Immediate: the count reads before the inserts write, and a deferred transaction that
        # reads first cannot take the write lock once another process has written meanwhile.
        with self._transaction(immediate=True) as cursor:
            before = self._count(cursor)
            cursor.executemany(
                self._insert_sql(), [(*v, v[-1]) for v in map(self._row_values, obligations)]
            )
            return self._count(cursor) - before

    def _count(self, cursor: Any) -> int:
        cursor.execute("SELECT COUNT(*) FROM obligations")
        return int(cursor.fetchone()[0])

    def _insert_event(self, cursor: Any, obligation_id: str, event: ObligationEvent) -> None:
        cursor.execute(
            self._sql(
                "INSERT INTO obligation_events (obligation_id, at, kind, detail) VALUES (?, ?, ?, ?)"
            ),
            (obligation_id, to_micros(event.at), event.kind, event.detail),
        )

    def _apply(
        self,
        cursor: Any,
        obligation_id: str,
        change: Transition,
        at: datetime,
        extra: str = "",
        args: tuple[Any, ...] = (),
    ) -> int:
        cursor.execute(
            self._sql(
                "UPDATE obligations SET state = ?, next_task = ?, next_action_at = ?, "
                "outcome = COALESCE(?, outcome), lease_owner = NULL, lease_until = NULL, "
                f"updated_at = ? WHERE id = ?{extra}"
            ),
            (
                change.state.value, change.next_task.value if change.next_task else None,
                to_micros(change.next_action_at), change.outcome, to_micros(at), obligation_id, *args,
            ),
        )  # fmt: skip
        updated = int(cursor.rowcount)
        if updated:
            self._insert_event(
                cursor, obligation_id, ObligationEvent(at, change.event, change.detail)
            )
        return updated

    def transition(self, obligation_id: str, change: Transition, at: datetime) -> Obligation:
        """Move an obligation to a new state, recording why (no lease needed: operators, events)."""
        with self._transaction() as cursor:
            if not self._apply(cursor, obligation_id, change, at):
                raise StoreError(f"no obligation {obligation_id}")
        return self.get(obligation_id)

    def claim_due(
        self, now: datetime, worker: str, limit: int, lease: timedelta
    ) -> list[Obligation]:
        """Lease up to ``limit`` obligations whose next action is due at ``now``."""
        if limit < 1:
            return []
        now_us = to_micros(now)
        assert now_us is not None
        with self._transaction(immediate=True) as cursor:
            rows = self._claim_rows(
                cursor, now_us, worker, limit, now_us + int(lease.total_seconds() * 1e6)
            )
        return sorted((self._obligation(r) for r in rows), key=lambda o: (o.next_action_at, o.id))

    def complete(
        self,
        obligation_id: str,
        worker: str,
        change: Transition,
        at: datetime,
        *,
        task: Task | None,
    ) -> bool:
        """Record a dispatched task and the new state, if ``worker`` still holds the lease."""
        with self._transaction() as cursor:
            if not self._apply(
                cursor, obligation_id, change, at, " AND lease_owner = ?", (worker,)
            ):
                return False
            if task is not None:
                cursor.execute(
                    self._sql(
                        "INSERT INTO dispatches (obligation_id, task, worker, at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (obligation_id, task) DO NOTHING"
                    ),
                    (obligation_id, task.value, worker, to_micros(at)),
                )
        return True

    def release(
        self, obligation_id: str, worker: str, retry_at: datetime, reason: str, *, at: datetime
    ) -> bool:
        """Give a claimed obligation back, to be tried again at ``retry_at`` (recorded at ``at``)."""
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(
                    "UPDATE obligations SET lease_owner = NULL, lease_until = NULL, next_action_at = ?, "
                    "updated_at = ? WHERE id = ? AND lease_owner = ?"
                ),
                (to_micros(retry_at), to_micros(at), obligation_id, worker),
            )
            released = bool(cursor.rowcount == 1)
            if released:
                self._insert_event(cursor, obligation_id, ObligationEvent(at, "retry", reason))
        return released

    # --- reads -----------------------------------------------------------------------------------

    def get(self, obligation_id: str) -> Obligation:
        """One obligation with its history; ``StoreError`` when there is none."""
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(f"SELECT {_COLUMNS} FROM obligations WHERE id = ?"), (obligation_id,)
            )
            row = cursor.fetchone()
            if row is None:
                raise StoreError(f"no obligation {obligation_id}")
            cursor.execute(
                self._sql(
                    "SELECT at, kind, detail FROM obligation_events WHERE obligation_id = ? ORDER BY at"
                ),
                (obligation_id,),
            )
            events = tuple(ObligationEvent(moment(a), k, d) for a, k, d in cursor.fetchall())
        return self._obligation(row, events)

    def search(
        self,
        *,
        state: ObligationState | None = None,
        ticket: str | None = None,
        due_before: datetime | None = None,
        limit: int = 100,
    ) -> list[Obligation]:
        """Obligations matching every filter given, earliest due first."""
        clauses: list[str] = []
        args: list[object] = []
        if state is not None:
            clauses.append("state = ?")
            args.append(state.value)
        if ticket is not None:
            clauses.append("ticket = ?")
            args.append(ticket)
        if due_before is not None:
            clauses.append("due_at < ?")
            args.append(to_micros(due_before))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(f"SELECT {_COLUMNS} FROM obligations{where} ORDER BY due_at, id LIMIT ?"),
                (*args, limit),
            )
            rows = cursor.fetchall()
        return [self._obligation(row) for row in rows]

    def opened_between(self, since: datetime, until: datetime) -> list[Obligation]:
        """Obligations created at ``since`` or later and before ``until`` (without their
        history), oldest first."""
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(
                    f"SELECT {_COLUMNS} FROM obligations WHERE created_at >= ? AND created_at < ? "
                    "ORDER BY created_at, id"
                ),
                (stamp(since), stamp(until)),
            )
            rows = cursor.fetchall()
        return [self._obligation(row) for row in rows]

    def active_for_ticket(self, ticket: str) -> list[Obligation]:
        """The ticket's open and reminded obligations, earliest due first."""
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(
                    f"SELECT {_COLUMNS} FROM obligations WHERE ticket = ? AND state IN (?, ?) ORDER BY due_at"
                ),
                (ticket, *ACTIVE_STATES),
            )
            rows = cursor.fetchall()
        return [self._obligation(row) for row in rows]

    def obligation_counts(self) -> dict[ObligationState, int]:
        """How many obligations are in each state (every state present)."""
        counts = dict.fromkeys(ObligationState, 0)
        with self._transaction() as cursor:
            cursor.execute("SELECT state, COUNT(*) FROM obligations GROUP BY state")
            for state, count in cursor.fetchall():
                counts[_STATES[state]] = int(count)
        return counts

    def get_checkpoint(self, name: str) -> str | None:
        """The value stored under ``name``, or None."""
        with self._transaction() as cursor:
            cursor.execute(self._sql("SELECT value FROM checkpoints WHERE name = ?"), (name,))
            row = cursor.fetchone()
        return None if row is None else str(row[0])

    def set_checkpoint(self, name: str, value: str, at: datetime) -> None:
        """Store ``value`` under ``name``, replacing what was there."""
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(
                    "INSERT INTO checkpoints (name, value, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                    "updated_at = excluded.updated_at"
                ),
                (name, value, to_micros(at)),
            )

    def dispatch_count(self, obligation_id: str) -> int:
        """How many tasks were recorded as dispatched for the obligation."""
        with self._transaction() as cursor:
            cursor.execute(
                self._sql("SELECT COUNT(*) FROM dispatches WHERE obligation_id = ?"),
                (obligation_id,),
            )
            return int(cursor.fetchone()[0])

    def _obligation(
        self, row: Sequence[Any], history: tuple[ObligationEvent, ...] = ()
    ) -> Obligation:
        (ident, key, kind, ticket, source, action, comment_id, span_start, span_end, due_at, remind_at,
         state, next_task, next_action_at, outcome, owner, created_at) = row  # fmt: skip
        due = from_micros(due_at)
        assert due is not None
        return Obligation(
            id=ident, key=key, kind=_KINDS[kind], ticket=ticket, source=source, due_at=due,
            state=_STATES[state], action=action, comment_id=comment_id,
            span=(span_start, span_end) if span_start is not None else None,
            remind_at=from_micros(remind_at), next_task=_TASKS[next_task] if next_task else None,
            next_action_at=from_micros(next_action_at), outcome=outcome,
            created_at=from_micros(created_at), history=history, owner=owner,
        )  # fmt: skip
