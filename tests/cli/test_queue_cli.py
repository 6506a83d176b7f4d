"""``deescalate inbox|outbox list|retry`` and ``deescalate serve``'s refusals, on a real SQLite store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from deescalate.helpdesk import Delivery, TicketChange
from deescalate.store import EntryState, SQLiteStore
from tests.cli.test_obligations_cli import run_cli

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def with_parked_entries(tmp_path: Path) -> Path:
    """A store with one done and one parked delivery, and one parked helpdesk write."""
    db = tmp_path / "queues.db"
    store = SQLiteStore(db)
    for delivery_id in ("d-ok", "d-bad"):
        delivery = Delivery(delivery_id, "fake", NOW, b"{}")
        store.inbox_add(delivery, ticket="fake:1" if delivery_id == "d-ok" else "fake:2", at=NOW)
    for entry in store.inbox_claim(NOW, "w", 10, timedelta(minutes=1)):
        if entry.delivery.id == "d-ok":
            store.inbox_done(entry.seq, "w", NOW)
        else:
            store.inbox_retry_later(
                entry.seq, "w", retry_at=NOW, error="AdapterError on attempt 8", at=NOW, park=True
            )
    store.outbox_add("fake:3", TicketChange(add_tags={"x"}), "key-1", NOW)
    (write,) = store.outbox_claim(NOW, "w", 10, timedelta(minutes=1))
    store.outbox_retry_later(
        write.seq, "w", retry_at=NOW, error="NotFound on attempt 1", at=NOW, park=True
    )
    store.close()
    return db


def test_inbox_list_shows_the_failed_deliveries_with_their_error(tmp_path: Path) -> None:
    """--state failed lists the parked delivery, its ticket and the last error."""
    db = with_parked_entries(tmp_path)
    done = run_cli("inbox", "list", "--state", "failed", "--db", str(db))
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert "d-bad" in line
    assert "fake:2" in line
    assert "AdapterError on attempt 8" in line


def test_inbox_list_as_json(tmp_path: Path) -> None:
    """JSON lists every entry with its state, oldest first."""
    db = with_parked_entries(tmp_path)
    done = run_cli("inbox", "list", "--format", "json", "--db", str(db))
    rows = json.loads(done.stdout)
    assert [(r["id"], r["state"]) for r in rows] == [("d-ok", "done"), ("d-bad", "failed")]


def test_inbox_retry_moves_failed_deliveries_back_to_pending(tmp_path: Path) -> None:
    """retry without SEQ requeues every failed delivery; the done one stays done."""
    db = with_parked_entries(tmp_path)
    done = run_cli("inbox", "retry", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 inbox entries moved back to pending")
    store = SQLiteStore(db)
    try:
        assert store.inbox_counts() == {
            EntryState.PENDING: 1,
            EntryState.DONE: 1,
            EntryState.FAILED: 0,
        }
    finally:
        store.close()


def test_retry_by_seq_says_when_an_entry_was_not_failed(tmp_path: Path) -> None:
    """Asking to retry a done entry moves nothing and says why."""
    db = with_parked_entries(tmp_path)
    done = run_cli("inbox", "retry", "1", "--db", str(db))
    assert done.stdout.strip() == (
        "0 of 1 inbox entries moved back to pending (only failed entries are retried)"
    )


def test_outbox_list_and_retry(tmp_path: Path) -> None:
    """The outbox has the same commands: the parked write is listed, then requeued."""
    db = with_parked_entries(tmp_path)
    listed = run_cli("outbox", "list", "--state", "failed", "--db", str(db))
    assert "key-1" in listed.stdout
    assert "NotFound on attempt 1" in listed.stdout
    retried = run_cli("outbox", "retry", "--db", str(db))
    assert retried.stdout.startswith("1 outbox entries moved back to pending")


def test_queue_commands_refuse_a_store_that_does_not_exist(tmp_path: Path) -> None:
    """Listing a missing SQLite file is one line on stderr and exit 2, not a new database."""
    missing = tmp_path / "nope.db"
    done = run_cli("inbox", "list", "--db", str(missing))
    assert done.returncode == 2
    assert "no ledger at" in done.stderr
    assert not missing.exists()


def test_serve_refuses_a_port_out_of_range(tmp_path: Path) -> None:
    """A bad --port is named in one line, exit 2."""
    done = run_cli("serve", "--helpdesk", "fake", "--port", "70000", "--db", str(tmp_path / "x.db"))
    assert done.returncode == 2
    assert "--port" in done.stderr
