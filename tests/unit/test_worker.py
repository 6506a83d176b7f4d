"""The worker reminds, flags broken promises, follows up, retries and stops gracefully."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deescalate import RateLimited, Stage, find_promises
from deescalate.calendar import BusinessCalendar
from deescalate.errors import AdapterError
from deescalate.helpdesk import Priority
from deescalate.obligations import Ledger, ObligationState
from deescalate.store.sqlite import SQLiteStore
from deescalate.testing import FakeHelpdesk, FrozenClock
from deescalate.worker import Worker

TZ = "Europe/Berlin"
MONDAY_10 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Ledger, FakeHelpdesk, FrozenClock, Worker]]:
    clock = FrozenClock(MONDAY_10)
    store = SQLiteStore(tmp_path / "ledger.db")
    ledger = Ledger(store, calendar=BusinessCalendar.standard(TZ), clock=clock)
    desk = FakeHelpdesk(clock=clock)
    worker = Worker(ledger, desk, worker_id="w1", clock=clock, poll=0)
    yield ledger, desk, clock, worker
    store.close()


def open_promise(
    ledger: Ledger, desk: FakeHelpdesk, text: str = "I'll call you back by 3pm."
) -> str:
    ref = desk.create_ticket("Router", [("customer", "It drops again!")])
    (promise,) = find_promises(text, MONDAY_10, TZ)
    ob, _ = ledger.open_follow_through(str(ref), promise, comment_id="c1", sent_at=MONDAY_10)
    return ob.id


def test_reminds_before_due_then_flags_the_broken_promise(
    setup: tuple[Ledger, FakeHelpdesk, FrozenClock, Worker],
) -> None:
    """At 14:00 the agent is reminded; after 15:00 the promise is broken and escalated."""
    ledger, desk, clock, worker = setup
    ob_id = open_promise(ledger, desk)
    assert worker.run_once() == 0  # nothing due at 10:00
    clock.advance(hours=4)  # 14:00 Berlin
    assert worker.run_once() == 1
    assert ledger.store.get(ob_id).state is ObligationState.REMINDED
    (reminder,) = desk.calls_to("apply")
    assert reminder.args["change"].reminder.tag == "deescalate-promise-due"
    assert reminder.args["change"].note.startswith("Reminder:")
    clock.advance(hours=1, minutes=1)
    assert worker.run_once() == 1
    broken = ledger.store.get(ob_id)
    assert broken.state is ObligationState.BROKEN
    ticket = desk.get_ticket(next(iter(desk.tickets)))
    assert "deescalate-broken-promise" in ticket.tags
    assert "deescalate-promise-due" not in ticket.tags  # replaced: it is no longer coming due
    assert ticket.priority is Priority.HIGH
    assert len(desk.calls_to("apply")) == 2  # one write per task: tags, note and priority together
    assert ledger.store.dispatch_count(ob_id) == 2


def test_kept_promise_is_not_flagged(
    setup: tuple[Ledger, FakeHelpdesk, FrozenClock, Worker],
) -> None:
    """A contact before the due time keeps the promise; nothing is escalated later."""
    ledger, desk, clock, worker = setup
    ob_id = open_promise(ledger, desk)
    ref = next(iter(desk.tickets))
    ledger.record_contact(str(ref), MONDAY_10 + timedelta(hours=2))
    clock.advance(hours=8)
    assert worker.run_once() == 0
    assert ledger.store.get(ob_id).state is ObligationState.KEPT
    assert not desk.calls_to("apply")


def test_rate_limit_is_retried_after_retry_after(
    setup: tuple[Ledger, FakeHelpdesk, FrozenClock, Worker],
) -> None:
    """A RateLimited error releases the obligation until Retry-After has passed."""
    ledger, desk, clock, worker = setup
    ob_id = open_promise(ledger, desk)
    clock.advance(hours=4)
    desk.fail_next(RateLimited("slow down", retry_after=600))
    assert worker.run_once() == 1
    assert worker.stats.retried == 1
    assert ledger.store.get(ob_id).state is ObligationState.OPEN
    clock.advance(minutes=5)
    assert worker.run_once() == 0  # backoff honours Retry-After (10 minutes)
    clock.advance(minutes=6)
    assert worker.run_once() == 1
    assert ledger.store.get(ob_id).state is ObligationState.REMINDED


def test_backoff_grows_on_repeated_failures(
    setup: tuple[Ledger, FakeHelpdesk, FrozenClock, Worker],
) -> None:
    """Each failure doubles the wait before the next attempt."""
    ledger, desk, clock, worker = setup
    ob_id = open_promise(ledger, desk)
    clock.advance(hours=4)
    desk.fail_next(AdapterError("boom"), times=2)
    worker.run_once()
    first = ledger.store.search()[0].next_action_at
    clock.advance(seconds=31)
    worker.run_once()
    second = ledger.store.search()[0].next_action_at
    assert first is not None
    assert second is not None
    assert second - clock() >= timedelta(seconds=59)
    assert ledger.store.get(ob_id).state is ObligationState.OPEN


def test_reminders_wait_for_business_hours(tmp_path: Path) -> None:
    """A reminder that comes due at night is deferred to the next opening, not sent."""
    clock = FrozenClock(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))  # 23:00 in Berlin
    store = SQLiteStore(tmp_path / "l.db")
    ledger = Ledger(store, calendar=BusinessCalendar.standard(TZ), clock=clock)
    desk = FakeHelpdesk(clock=clock)
    ref = desk.create_ticket("x")
    opened = ledger.open_follow_up(
        str(ref), solved_at=datetime(2026, 2, 20, 9, 0, tzinfo=UTC), peak_stage=Stage.ANGRY
    )
    assert opened is not None
    worker = Worker(ledger, desk, worker_id="w1", clock=clock)
    worker.run_once()
    assert worker.stats.deferred == 1
    assert not desk.calls_to("apply")
    next_at = ledger.store.get(opened[0].id).next_action_at
    assert next_at is not None
    assert next_at.astimezone(BusinessCalendar.standard(TZ).zone).hour == 9
    store.close()


def test_worker_logs_no_customer_text(
    setup: tuple[Ledger, FakeHelpdesk, FrozenClock, Worker], caplog: pytest.LogCaptureFixture
) -> None:
    """Logs carry ids, not the words of the promise or the customer."""
    ledger, desk, clock, worker = setup
    open_promise(ledger, desk, "I'll call you back by 3pm about the Zyxwv router.")
    clock.advance(hours=8)
    with caplog.at_level("DEBUG", logger="deescalate.worker"):
        worker.run_once()
    assert caplog.records
    assert all("Zyxwv" not in record.getMessage() for record in caplog.records)


def test_sigterm_stops_the_worker_gracefully(tmp_path: Path) -> None:
    """`deescalate worker` exits 0 soon after SIGTERM."""
    db = tmp_path / "ledger.db"
    log = tmp_path / "worker.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "deescalate.cli", "worker", "--db", str(db), "--helpdesk", "fake", "--poll", "0.2"],
            stdout=subprocess.DEVNULL, stderr=stderr, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            # The worker logs "started" once its signal handlers are installed.
            while "started" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
    output = log.read_text()
    assert process.returncode == 0, output
    assert "stopped" in output
