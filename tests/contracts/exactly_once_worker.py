"""A worker process for the exactly-once test: ``python -m tests.contracts.exactly_once_worker``.

Its helpdesk is "external": every write is recorded in a ``sent`` table keyed by the idempotency
key (an external system that honours idempotency keys), and every attempt in ``attempts``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from deescalate.calendar import BusinessCalendar
from deescalate.helpdesk import AppliedChange, HelpdeskBase, Ticket, TicketChange, TicketRef
from deescalate.obligations import Ledger, ObligationState, Policy
from deescalate.store import open_store
from deescalate.worker import Worker


class External:
    """A table of sent writes in a database of its own (SQLite file or PostgreSQL URL).

    The tables are made once by the test, before any worker starts (`External.create`):
    PostgreSQL's ``CREATE TABLE IF NOT EXISTS`` is not safe when several sessions run it at once
    (two can both pass the check and collide on the catalogue's unique index).
    """

    def __init__(self, url: str) -> None:
        if url.startswith("postgresql://"):
            import psycopg

            self.connection: Any = psycopg.connect(url, autocommit=True)
            self.mark = "%s"
        else:
            import sqlite3

            self.connection = sqlite3.connect(url, timeout=60, isolation_level=None)
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.mark = "?"

    @classmethod
    def create(cls, url: str) -> None:
        """Make the tables; run once, from one process."""
        external = cls(url)
        external.connection.execute("CREATE TABLE sent (key TEXT PRIMARY KEY)")
        external.connection.execute("CREATE TABLE attempts (key TEXT NOT NULL)")
        external.connection.close()

    def record(self, key: str) -> None:
        self.connection.execute(f"INSERT INTO attempts (key) VALUES ({self.mark})", (key,))
        self.connection.execute(
            f"INSERT INTO sent (key) VALUES ({self.mark}) ON CONFLICT (key) DO NOTHING", (key,)
        )


class RecordingHelpdesk(HelpdeskBase):
    """Applies the worker's writes by recording their idempotency keys externally."""

    name = "fake"

    def __init__(self, external: External) -> None:
        self.external = external

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RecordingHelpdesk:
        raise AssertionError("not used")

    def apply(
        self, ref: TicketRef, change: TicketChange, *, idempotency_key: str | None = None
    ) -> AppliedChange:
        self.external.record(idempotency_key or "")
        return AppliedChange(ref, change, idempotency_key, calls=1)

    def get_ticket(self, ref: TicketRef) -> Ticket:
        raise AssertionError("not used")

    def upsert_macro(self, name: str, body: str, *, public: bool, tags: Sequence[str] = ()) -> str:
        raise AssertionError("not used")

    def changed_since(self, cursor: str | None) -> tuple[list[TicketRef], str]:
        raise AssertionError("not used")


def main(url: str, external_url: str, worker_id: str) -> int:
    store = open_store(url)
    policy = Policy(escalate_tags=(), escalate_priority=None, escalate_note=True)
    ledger = Ledger(store, policy=policy, calendar=BusinessCalendar.standard("UTC"))
    worker = Worker(
        ledger, RecordingHelpdesk(External(external_url)), worker_id=worker_id, batch=25,
        lease=timedelta(seconds=3), poll=0.05,
    )  # fmt: skip
    while store.search(state=ObligationState.OPEN, limit=1):
        if worker.run_once() == 0:
            time.sleep(0.05)
    print(worker.stats.dispatched, flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:4]))
