"""Three pipeline processes, 1,200 deliveries on 40 tickets, one process killed in the middle of
handling a delivery (its outbox write made, its done mark not) while it holds leases: every
delivery is handled exactly once and each ticket's deliveries in the order they arrived."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deescalate.helpdesk import Delivery
from deescalate.store import EntryState, open_store
from tests.conftest import REPO_ROOT

COUNT = 1_200
TICKETS = 40
PROCESSES = 3
RECEIVED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _fill(url: str) -> None:
    store = open_store(url)
    with store.atomic():
        for n in range(COUNT):
            delivery = Delivery(
                id=f"d{n}", system="zendesk", received_at=RECEIVED, body=b'{"n": %d}' % n
            )
            store.inbox_add(delivery, ticket=f"fake:{n % TICKETS}", at=RECEIVED)
    store.close()


def _run(url: str) -> None:
    _fill(url)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.contracts.inbox_worker", url, f"p{n}"]
            + (["100"] if n == 0 else []),
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    try:
        victim = processes[0]
        assert victim.stdout is not None
        assert victim.stdout.readline().strip() == "stalled"
        victim.send_signal(signal.SIGKILL)  # inside the block, holding leases
        processes[0].communicate(timeout=30)
        assert processes[0].returncode == -signal.SIGKILL
        for process in processes[1:]:
            _, stderr = process.communicate(timeout=120)
            assert process.returncode == 0, stderr
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=30)
    store = open_store(url)
    assert store.inbox_counts() == {
        EntryState.PENDING: 0,
        EntryState.DONE: COUNT,
        EntryState.FAILED: 0,
    }
    for ticket in range(TICKETS):
        writes = store.outbox_list(ticket=f"fake:{ticket}", limit=COUNT)
        notes = [entry.change.note for entry in writes]
        assert notes == [f"delivery d{n}" for n in range(ticket, COUNT, TICKETS)]
        assert [entry.key for entry in writes] == [f"fake:{ticket}:{k}" for k in range(len(writes))]
    assert store.outbox_counts()[EntryState.PENDING] == COUNT
    store.close()


def test_inbox_exactly_once_on_sqlite(tmp_path: Path) -> None:
    """SQLite, one file shared by three processes."""
    _run(str(tmp_path / "ledger.db"))


def test_inbox_exactly_once_on_postgres(postgres_server: Any) -> None:
    """PostgreSQL with FOR UPDATE SKIP LOCKED."""
    _run(postgres_server.new_database())


pytestmark = pytest.mark.timeout_hint  # multi-process; see pyproject markers
