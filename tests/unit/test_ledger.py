"""The ledger opens obligations from promises and solves, and settles them from what happens."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deescalate import InputError, Promise, Stage, find_promises
from deescalate.calendar import BusinessCalendar
from deescalate.obligations import Ledger, ObligationKind, ObligationState, Policy, Task
from deescalate.store import open_store
from deescalate.store.sqlite import SQLiteStore
from deescalate.testing import FrozenClock

TZ = "Europe/Berlin"
MONDAY_10 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Berlin


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    store = SQLiteStore(tmp_path / "ledger.db")
    yield Ledger(store, calendar=BusinessCalendar.standard(TZ), clock=FrozenClock(MONDAY_10))
    store.close()


def promise(text: str = "I'll call you back by 3pm.") -> Promise:
    (found,) = find_promises(text, MONDAY_10, TZ)
    return found


def test_a_promise_opens_a_follow_through_with_a_reminder(ledger: Ledger) -> None:
    """The obligation is due when promised and reminds an hour of business time before."""
    ob, created = ledger.open_follow_through(
        "fake:1", promise(), comment_id="c1", sent_at=MONDAY_10
    )
    assert created
    assert ob.kind is ObligationKind.FOLLOW_THROUGH
    assert ob.due_at.astimezone(BusinessCalendar.standard(TZ).zone).hour == 15
    assert ob.remind_at is not None
    assert ob.due_at - ob.remind_at == timedelta(hours=1)
    assert (ob.next_task, ob.next_action_at) == (Task.REMIND, ob.remind_at)


def test_the_same_promise_twice_is_one_obligation(ledger: Ledger) -> None:
    """Idempotent on the reply and the promise's span."""
    found = promise()
    first, _ = ledger.open_follow_through("fake:1", found, comment_id="c1", sent_at=MONDAY_10)
    second, created = ledger.open_follow_through(
        "fake:1", found, comment_id="c1", sent_at=MONDAY_10
    )
    assert not created
    assert second.id == first.id


def test_promise_without_time_gets_the_default_due(ledger: Ledger) -> None:
    """No stated time: end of the next business day."""
    ob, _ = ledger.open_follow_through(
        "fake:1", promise("I'll get back to you."), comment_id="c1", sent_at=MONDAY_10
    )
    local = ob.due_at.astimezone(BusinessCalendar.standard(TZ).zone)
    assert (local.day, local.hour) == (3, 17)


def test_contact_before_due_keeps_the_promise(ledger: Ledger) -> None:
    """A public reply before the due time keeps it."""
    ob, _ = ledger.open_follow_through("fake:1", promise(), comment_id="c1", sent_at=MONDAY_10)
    (kept,) = ledger.record_contact("fake:1", MONDAY_10 + timedelta(hours=3), how="logged call")
    assert kept.id == ob.id
    assert kept.state is ObligationState.KEPT
    assert kept.history[-1].detail == "logged call before the due time"


def test_contact_after_due_does_not_keep_it(ledger: Ledger) -> None:
    """Contacting after the due time does not count as keeping the promise."""
    ledger.open_follow_through("fake:1", promise(), comment_id="c1", sent_at=MONDAY_10)
    assert ledger.record_contact("fake:1", MONDAY_10 + timedelta(hours=8)) == []


def test_customer_cancelling_cancels(ledger: Ledger) -> None:
    """'No need to call, it's sorted' cancels the promised call."""
    ledger.open_follow_through("fake:1", promise(), comment_id="c1", sent_at=MONDAY_10)
    (cancelled,) = ledger.record_customer_message(
        "fake:1", "No need to call me, it's sorted now.", MONDAY_10
    )
    assert cancelled.state is ObligationState.CANCELLED


def test_follow_up_opens_only_for_upset_or_worse_and_sooner_when_angrier(ledger: Ledger) -> None:
    """Calm tickets get no follow-up; irate ones sooner than upset ones."""
    assert ledger.open_follow_up("fake:1", solved_at=MONDAY_10, peak_stage=Stage.FRUSTRATED) is None
    upset = ledger.open_follow_up("fake:2", solved_at=MONDAY_10, peak_stage=Stage.UPSET)
    irate = ledger.open_follow_up("fake:3", solved_at=MONDAY_10, peak_stage=Stage.IRATE)
    assert upset is not None
    assert irate is not None
    assert irate[0].due_at < upset[0].due_at
    assert upset[0].next_task is Task.FOLLOW_UP


def test_follow_up_reports_recurrence(ledger: Ledger) -> None:
    """The customer saying the problem is back records 'recurred'."""
    opened = ledger.open_follow_up("fake:1", solved_at=MONDAY_10, peak_stage=Stage.ANGRY)
    assert opened is not None
    (changed,) = ledger.record_customer_message(
        "fake:1", "Unfortunately it's happening again.", MONDAY_10
    )
    assert changed.outcome == "recurred"
    assert changed.state is ObligationState.OPEN


def test_operator_settles_to_final_states_only(ledger: Ledger) -> None:
    """settle() takes kept, broken or cancelled, with a note."""
    ob, _ = ledger.open_follow_through("fake:1", promise(), comment_id="c1", sent_at=MONDAY_10)
    with pytest.raises(InputError, match="final state"):
        ledger.settle(ob.id, ObligationState.REMINDED)
    settled = ledger.settle(ob.id, ObligationState.KEPT, "called from the office phone")
    assert settled.state is ObligationState.KEPT


def test_policy_is_configurable(tmp_path: Path) -> None:
    """A team's policy changes the reminder lead time and the default due."""
    store = SQLiteStore(tmp_path / "l.db")
    policy = Policy(remind_before_minutes=30, default_due_business_days=2)
    ledger = Ledger(store, policy=policy, calendar=BusinessCalendar.standard(TZ))
    ob, _ = ledger.open_follow_through("fake:1", promise(), comment_id="c1", sent_at=MONDAY_10)
    assert ob.remind_at is not None
    assert ob.due_at - ob.remind_at == timedelta(minutes=30)
    store.close()


def test_release_gives_the_lease_back_at_the_ledgers_time(ledger: Ledger) -> None:
    """Releasing through the ledger records the retry at the ledger's clock, not the wall's."""
    ob, _ = ledger.open_follow_through("fake:1", promise(), comment_id="c1", sent_at=MONDAY_10)
    assert isinstance(ledger.clock, FrozenClock)
    now = ledger.clock.advance(hours=4)
    (claimed,) = ledger.claim_due(now, "w1")
    retry_at = now + timedelta(minutes=10)
    assert ledger.release(claimed, "w1", retry_at, "RateLimited; attempt 1")
    stored = ledger.store.get(ob.id)
    assert stored.next_action_at == retry_at
    assert (stored.history[-1].kind, stored.history[-1].at) == ("retry", now)
    assert not ledger.release(claimed, "w2", retry_at, "not the owner")


def test_the_ledger_runs_on_the_memory_store() -> None:
    """A ledger over ``memory://`` opens and keeps promises like one over a file."""
    store = open_store("memory://")
    ledger = Ledger(store, calendar=BusinessCalendar.standard(TZ), clock=FrozenClock(MONDAY_10))
    ob, created = ledger.open_follow_through(
        "fake:1", promise(), comment_id="c1", sent_at=MONDAY_10
    )
    (kept,) = ledger.record_contact("fake:1", MONDAY_10 + timedelta(hours=1))
    assert created
    assert kept.id == ob.id
    assert [e.kind for e in store.get(ob.id).history] == ["opened", "kept"]
    store.close()


def test_the_obligation_records_who_owes_the_promise(ledger: Ledger) -> None:
    """A team's promise opens a follow-through owned by the team, stored and read back."""
    ob, _ = ledger.open_follow_through(
        "fake:1", promise("Our billing team will email you by 3pm."), comment_id="c1",
        sent_at=MONDAY_10.replace(tzinfo=BusinessCalendar.standard(TZ).zone),
    )  # fmt: skip
    assert ob.owner == "team"
    assert ledger.store.get(ob.id).to_dict()["owner"] == "team"
