"""The inbox at scale: claiming the next 100 deliveries among a backlog, on SQLite and PostgreSQL.

The inbox holds ``count`` deliveries on tickets of ten deliveries each; the older half is done.
Each run leases the next 100 after the previous run's leases expired (the same entries again, as
a worker that keeps failing would see them), so every claim walks the same pending range. The
plan line shows the claim reads the pending index and checks each ticket with an index search.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from deescalate.helpdesk import Delivery
from deescalate.store.base import SQLStore
from deescalate.store.sqlite import SQLiteStore

__all__ = ["run"]

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def _fill(store: SQLStore, count: int) -> float:
    start = time.perf_counter()
    with store.atomic():
        for n in range(count):
            delivery = Delivery(id=f"d{n}", system="zendesk", received_at=NOW, body=b"{}")
            store.inbox_add(delivery, ticket=f"zendesk:{n // 10}", at=NOW)
    with store._transaction() as cursor:
        cursor.execute(store._sql("UPDATE inbox SET state = 'done' WHERE seq <= ?"), (count // 2,))
        cursor.execute("ANALYZE")
    return time.perf_counter() - start


def _claim_ms(store: SQLStore, runs: int) -> float:
    times = []
    for run in range(runs):
        moment = NOW + timedelta(minutes=10 * run)  # earlier leases have expired
        start = time.perf_counter()
        claimed = store.inbox_claim(moment, f"bench-{run}", 100, LEASE)
        times.append((time.perf_counter() - start) * 1000)
        assert len(claimed) == 100
    return statistics.median(times)


@contextmanager
def _postgres() -> Iterator[str | None]:
    try:
        from tests.postgres_server import running_server

        with running_server() as server:
            yield server.new_database()
    except (ImportError, RuntimeError):
        yield None


def _measure(name: str, store: SQLStore, count: int, runs: int) -> list[str]:
    fill_s = _fill(store, count)
    plan = store.explain_claim(NOW, 100, queue="inbox").replace("\n", " | ")
    return [
        f"{name}: add {count / fill_s:,.0f} deliveries/s in one atomic() block",
        f"{name}: claim next 100 of {count // 2:,} pending: {_claim_ms(store, runs):.2f} ms",
        f"{name} plan: {plan}",
    ]


def run(quick: bool) -> list[str]:
    count = 10_000 if quick else 100_000
    runs = 5 if quick else 9
    lines = [f"inbox deliveries stored: {count:,}, ten per ticket, half done; medians of {runs}"]
    with tempfile.TemporaryDirectory() as folder:
        sqlite = SQLiteStore(Path(folder) / "bench.db")
        lines += _measure("SQLite", sqlite, count, runs)
        sqlite.close()
    with _postgres() as url:
        if url is None:
            lines.append("PostgreSQL: skipped (no server could be started)")
        else:
            from deescalate.store.postgres import PostgresStore

            postgres = PostgresStore(url)
            lines += _measure("PostgreSQL", postgres, count, runs)
            postgres.close()
    return lines
