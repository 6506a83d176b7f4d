"""The ledger at scale: claiming the next 100 due among 1,000,000 obligations, and dispatching.

Claim latency is measured on SQLite and, when a server can be started, PostgreSQL; the query
plan shows the partial due index is used. Dispatch throughput runs the real worker against a
helpdesk that does nothing, on SQLite.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from deescalate.obligations import Ledger, ObligationKind, Policy, Task
from deescalate.obligations.model import Obligation, new_id
from deescalate.store import open_store
from deescalate.store.protocol import Store

__all__ = ["run"]

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _obligations(count: int, due_share: float = 0.01) -> Iterator[Obligation]:
    """``count`` obligations; about ``due_share`` of them are due at NOW, the rest later."""
    for i in range(count):
        due = (
            NOW - timedelta(seconds=i % 3600)
            if i % int(1 / due_share) == 0
            else NOW + timedelta(hours=1 + i % 5000)
        )
        yield Obligation(
            id=new_id(), key=f"k{i}", kind=ObligationKind.FOLLOW_THROUGH, ticket=f"fake:{i}",
            source="I'll call you back.", due_at=due, next_task=Task.BREAK, next_action_at=due,
            created_at=NOW - timedelta(days=1),
        )  # fmt: skip


def _fill(store: Store, count: int) -> float:
    start = time.perf_counter()
    batch: list[Obligation] = []
    for obligation in _obligations(count):
        batch.append(obligation)
        if len(batch) == 50_000:
            store.add_many(batch)
            batch.clear()
    if batch:
        store.add_many(batch)
    return time.perf_counter() - start


def _claim_ms(store: Store, runs: int) -> float:
    """Median time to claim the next 100 due, each run by a new worker after leases expire."""
    times = []
    for run in range(runs):
        moment = NOW + timedelta(minutes=10 * run)  # earlier leases (5 minutes) have expired
        start = time.perf_counter()
        claimed = store.claim_due(moment, f"bench-{run}", 100, timedelta(minutes=5))
        times.append((time.perf_counter() - start) * 1000)
        assert len(claimed) == 100
    return statistics.median(times)


class _NoOpHelpdesk:
    name = "fake"

    def __getattr__(self, method: str) -> object:
        return lambda *args, **kwargs: None


@contextmanager
def _postgres() -> Iterator[str | None]:
    try:
        from tests.postgres_server import running_server

        with running_server() as server:
            yield server.new_database()
    except (ImportError, RuntimeError):
        yield None


def run(quick: bool) -> list[str]:
    from deescalate.calendar import BusinessCalendar
    from deescalate.worker import Worker

    count = 50_000 if quick else 1_000_000
    runs = 5 if quick else 9
    lines = [f"obligations stored: {count:,} (about 1% due); claim medians of {runs} runs"]
    with tempfile.TemporaryDirectory() as folder:
        sqlite = open_store(Path(folder) / "bench.db")
        fill_s = _fill(sqlite, count)
        lines.append(f"SQLite: bulk load {count / fill_s:,.0f} obligations/s")
        lines.append(f"SQLite: claim next 100 due: {_claim_ms(sqlite, runs):.2f} ms (goal < 10 ms)")
        lines.append("SQLite plan: " + sqlite.explain_claim(NOW, 100).replace("\n", " | "))
        sqlite.close()

        dispatch_db = open_store(Path(folder) / "dispatch.db")
        dispatch_count = 5_000 if quick else 20_000
        _fill_due(dispatch_db, dispatch_count)
        policy = Policy(escalate_tags=(), escalate_priority=None, escalate_note=False)
        ledger = Ledger(
            dispatch_db, policy=policy, calendar=BusinessCalendar.standard("UTC"), clock=lambda: NOW
        )
        worker = Worker(ledger, _NoOpHelpdesk(), worker_id="bench", batch=100, clock=lambda: NOW)  # type: ignore[arg-type]
        start = time.perf_counter()
        while worker.run_once():
            pass
        elapsed = time.perf_counter() - start
        assert worker.stats.dispatched == dispatch_count
        lines.append(
            f"SQLite: dispatch with a no-op helpdesk: {dispatch_count / elapsed:,.0f} obligations/s "
            "(goal >= 2,000/s)"
        )
        dispatch_db.close()
    with _postgres() as url:
        if url is None:
            lines.append("PostgreSQL: skipped (no server could be started)")
        else:
            from deescalate.store.postgres import PostgresStore

            postgres = PostgresStore(url)
            fill_s = _fill(postgres, count)
            lines.append(f"PostgreSQL: bulk load {count / fill_s:,.0f} obligations/s")
            with postgres._transaction() as cursor:
                cursor.execute("ANALYZE obligations")
            lines.append(
                f"PostgreSQL: claim next 100 due: {_claim_ms(postgres, runs):.2f} ms (goal < 10 ms)"
            )
            lines.append(
                "PostgreSQL plan: " + postgres.explain_claim(NOW, 100).replace("\n", " | ")
            )
            postgres.close()
    return lines


def _fill_due(store: Store, count: int) -> None:
    store.add_many(
        [
            Obligation(
                id=new_id(),
                key=f"d{i}",
                kind=ObligationKind.FOLLOW_THROUGH,
                ticket=f"fake:{i}",
                source="I'll call.",
                due_at=NOW - timedelta(seconds=i),
                next_task=Task.BREAK,
                next_action_at=NOW - timedelta(seconds=i),
                created_at=NOW - timedelta(days=1),
            )
            for i in range(count)
        ]
    )
