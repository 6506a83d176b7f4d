"""Four worker processes, 10,000 due obligations, one worker killed mid-way: each is dispatched
exactly once (one dispatch record, one external write), and none is lost."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from deescalate.obligations import ObligationKind, ObligationState
from deescalate.obligations.model import Obligation, Task, new_id
from deescalate.store import open_store
from tests.conftest import REPO_ROOT
from tests.contracts.exactly_once_worker import External

COUNT = 10_000
WORKERS = 4
PAST = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _query(url: str, sql: str) -> Any:
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as postgres:
            return postgres.execute(sql).fetchall()
    lite = sqlite3.connect(url)
    try:
        return lite.execute(sql).fetchall()
    finally:
        lite.close()


def _fill(url: str) -> list[str]:
    store = open_store(url)
    items = [
        Obligation(
            id=new_id(),
            key=f"k{i}",
            kind=ObligationKind.FOLLOW_THROUGH,
            ticket=f"fake:{i}",
            source="I'll call you.",
            due_at=PAST,
            next_task=Task.BREAK,
            next_action_at=PAST - timedelta(seconds=i % 100),
            created_at=PAST - timedelta(hours=1),
        )
        for i in range(COUNT)
    ]
    assert store.add_many(items) == COUNT
    store.close()
    return [item.id for item in items]


def _run(url: str, external: str) -> None:
    ids = _fill(url)
    External.create(external)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.contracts.exactly_once_worker", url, external, f"w{n}"],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = _query(url, "SELECT COUNT(*) FROM dispatches")[0][0]
            if done >= COUNT // 20:
                break
            time.sleep(0.01)
        processes[0].send_signal(signal.SIGKILL)  # killed mid-way, holding leases
        processes[0].communicate(timeout=30)
        assert processes[0].returncode == -signal.SIGKILL
        for process in processes[1:]:
            _, stderr = process.communicate(timeout=300)
            assert process.returncode == 0, stderr
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=30)
    states = dict(_query(url, "SELECT state, COUNT(*) FROM obligations GROUP BY state"))
    assert states == {ObligationState.BROKEN.value: COUNT}
    per_obligation = _query(
        url, "SELECT obligation_id, COUNT(*) FROM dispatches GROUP BY obligation_id"
    )
    assert len(per_obligation) == COUNT
    assert {count for _, count in per_obligation} == {1}
    assert {ob_id for ob_id, _ in per_obligation} == set(ids)
    sent = {key for (key,) in _query(external, "SELECT key FROM sent")}
    assert sent == {f"{ob_id}:break" for ob_id in ids}
    attempts = _query(external, "SELECT COUNT(*) FROM attempts")[0][0]
    assert attempts >= COUNT


def test_exactly_once_on_sqlite(tmp_path: Path) -> None:
    """SQLite, one file shared by four processes."""
    _run(str(tmp_path / "ledger.db"), str(tmp_path / "external.db"))


def test_exactly_once_on_postgres(postgres_server: Any) -> None:
    """PostgreSQL with FOR UPDATE SKIP LOCKED."""
    _run(postgres_server.new_database(), postgres_server.new_database())


pytestmark = pytest.mark.timeout_hint  # the slowest tests; see pyproject markers
