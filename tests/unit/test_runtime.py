"""The runtime end to end on FakeHelpdesk: a delivery in, the ledger and the ticket changed once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deescalate.calendar import BusinessCalendar
from deescalate.errors import RateLimited
from deescalate.helpdesk import AuthorRole, Comment, TicketRef, find_note_marker
from deescalate.obligations import ObligationKind, ObligationState
from deescalate.runtime import Runtime
from deescalate.settings import Settings
from deescalate.store.queues import EntryState
from deescalate.testing import FakeHelpdesk, FrozenClock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday, 10:00 in Berlin
ANGRY = "You're not listening! This is the THIRD time I'm writing about the router!!"


@pytest.fixture(params=["memory", "sqlite"])
def world(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Runtime, FakeHelpdesk, FrozenClock]]:
    clock = FrozenClock(START)
    desk = FakeHelpdesk(clock=clock)
    url = "memory://" if request.param == "memory" else str(tmp_path / "ledger.db")
    runtime = Runtime.build(
        Settings(database_url=url, timezone="Europe/Berlin"),
        helpdesk=desk,
        clock=clock,
        calendar=BusinessCalendar.standard("Europe/Berlin"),
        worker_id="w1",
    )
    yield runtime, desk, clock
    runtime.close()


def deliver(
    desk: FakeHelpdesk, ref: TicketRef, comment: Comment, delivery_id: str
) -> tuple[dict[str, str], bytes]:
    body = json.dumps(
        {
            "delivery_id": delivery_id,
            "events": [
                {
                    "kind": "comment-added",
                    "ticket": str(ref),
                    "at": comment.created_at.isoformat(),
                    "delivery_id": delivery_id,
                    "comment": {
                        "id": comment.id,
                        "author_role": comment.author_role.value,
                        "body": comment.body,
                        "public": comment.public,
                    },
                }
            ],
        }
    ).encode()
    return desk.sign(body), body


def test_an_angry_comment_ends_tagged_with_one_note(
    world: tuple[Runtime, FakeHelpdesk, FrozenClock],
) -> None:
    """Received, processed and written: the stage tag and one note, even if delivered twice."""
    runtime, desk, _ = world
    assert runtime.inbox is not None
    ref = desk.create_ticket("Router", requester_name="Ana")
    angry = desk.add_comment(ref, "customer", ANGRY)
    headers, body = deliver(desk, ref, angry, "d-1")
    assert runtime.inbox.receive(headers, body).new
    assert not runtime.inbox.receive(headers, body).new  # the sender's retry
    runtime.run_once()
    runtime.run_once()
    ticket = desk.get_ticket(ref)
    assert any(t.startswith("deescalate-stage-") for t in ticket.tags)
    (note,) = desk.notes(ref)
    assert find_note_marker(note.body) is not None
    assert len(desk.calls_to("apply")) == 1


def test_the_agents_promise_is_reminded_then_flagged(
    world: tuple[Runtime, FakeHelpdesk, FrozenClock],
) -> None:
    """An agent's promise opens an obligation; the worker reminds, then flags it broken."""
    runtime, desk, clock = world
    assert runtime.inbox is not None
    ref = desk.create_ticket("Router")
    reply = desk.add_comment(ref, "agent", "I'm sorry. I'll call you back by 3pm.")
    runtime.inbox.receive(*deliver(desk, ref, reply, "d-2"))
    runtime.run_once()
    (obligation,) = runtime.ledger.store.search(ticket=str(ref))
    assert obligation.kind is ObligationKind.FOLLOW_THROUGH
    clock.advance(hours=4)  # 14:00 Berlin: an hour before it is due
    runtime.run_once()
    assert "deescalate-promise-due" in desk.get_ticket(ref).tags
    clock.advance(hours=1, minutes=5)
    runtime.run_once()
    assert runtime.ledger.store.get(obligation.id).state is ObligationState.BROKEN
    assert "deescalate-broken-promise" in desk.get_ticket(ref).tags
    assert len(desk.notes(ref)) == 2  # the reminder and the broken promise


def test_a_rate_limited_write_waits_and_is_written_once(
    world: tuple[Runtime, FakeHelpdesk, FrozenClock],
) -> None:
    """A 429 from the helpdesk leaves the change queued until Retry-After has passed."""
    runtime, desk, clock = world
    assert runtime.inbox is not None
    ref = desk.create_ticket("Router")
    angry = desk.add_comment(ref, "customer", ANGRY)
    runtime.inbox.receive(*deliver(desk, ref, angry, "d-3"))
    runtime.inbox.process()
    desk.fail_next(RateLimited("slow down", retry_after=120))
    assert runtime.outbox is not None
    assert runtime.outbox.dispatch().retried == 1
    assert runtime.outbox.dispatch().written == 0  # still waiting
    clock.advance(seconds=121)
    assert runtime.outbox.dispatch().written == 1
    assert len(desk.notes(ref)) == 1


def test_a_deleted_ticket_parks_nothing_and_loses_nothing(
    world: tuple[Runtime, FakeHelpdesk, FrozenClock],
) -> None:
    """A delivery for a ticket that no longer exists is done, with nothing to write."""
    runtime, desk, _ = world
    assert runtime.inbox is not None
    ghost = TicketRef("fake", "404")
    fake_comment = Comment("c9", AuthorRole.CUSTOMER, ANGRY, True, START)
    runtime.inbox.receive(*deliver(desk, ghost, fake_comment, "d-4"))
    stats = runtime.inbox.process()
    assert stats.done == 1
    assert runtime.store.inbox_counts().get(EntryState.DONE) == 1


def test_a_solve_after_anger_opens_a_follow_up_and_a_later_complaint_recurs(
    world: tuple[Runtime, FakeHelpdesk, FrozenClock],
) -> None:
    """Solving an angry ticket opens a follow-up; the customer saying it is back records it."""
    runtime, desk, clock = world
    assert runtime.inbox is not None
    ref = desk.create_ticket("Router", [("customer", ANGRY), ("agent", "Fixed, sorry about that.")])
    solved = json.dumps({"delivery_id": "s-1", "events": [
        {"kind": "solved", "ticket": str(ref), "at": START.isoformat(), "delivery_id": "s-1"}]}).encode()  # fmt: skip
    runtime.inbox.receive(desk.sign(solved), solved)
    runtime.run_once()
    (follow_up,) = runtime.ledger.store.search(ticket=str(ref))
    assert follow_up.kind is ObligationKind.FOLLOW_UP
    clock.advance(hours=2)
    back = desk.add_comment(ref, "customer", "It's happening again, the router broke again.")
    runtime.inbox.receive(*deliver(desk, ref, back, "d-5"))
    runtime.run_once()
    assert runtime.ledger.store.get(follow_up.id).outcome == "recurred"
    assert clock() - START == timedelta(hours=2)


def test_a_write_that_keeps_failing_is_parked_for_an_operator(
    world: tuple[Runtime, FakeHelpdesk, FrozenClock],
) -> None:
    """After max_attempts failures the change is parked (failed), not retried for ever."""
    from deescalate.errors import AdapterError

    runtime, desk, clock = world
    assert runtime.inbox is not None
    assert runtime.outbox is not None
    ref = desk.create_ticket("Router")
    angry = desk.add_comment(ref, "customer", ANGRY)
    runtime.inbox.receive(*deliver(desk, ref, angry, "d-6"))
    runtime.inbox.process()
    attempts = runtime.outbox.backoff.max_attempts
    desk.fail_next(AdapterError("boom"), times=attempts)
    parked = 0
    for _ in range(attempts):
        parked += runtime.outbox.dispatch().parked
        clock.advance(hours=2)
    assert parked == 1
    assert runtime.store.outbox_counts().get(EntryState.FAILED) == 1
    assert not desk.notes(ref)


def test_entries_in_hand_when_the_store_fails_are_given_back_once_it_answers() -> None:
    """A store failure mid-round strands no lease: the next round retakes the delivery at once."""
    from deescalate.errors import StoreError
    from deescalate.store.memory import MemoryStore

    class FlakyStore(MemoryStore):
        """A memory store whose next inbox_done fails, as a dropped database connection does."""

        fail_done = 1

        def inbox_done(self, seq: int, worker: str, at: datetime) -> bool:
            if self.fail_done:
                self.fail_done -= 1
                raise StoreError("PostgreSQL ledger error: AdminShutdown")
            return super().inbox_done(seq, worker, at)

    from deescalate.inbox import Inbox
    from deescalate.obligations import Ledger
    from deescalate.outbox import Outbox
    from deescalate.pipeline import Pipeline

    clock = FrozenClock(START)
    desk = FakeHelpdesk(clock=clock)
    store = FlakyStore()
    outbox = Outbox(store, desk, worker_id="w1", clock=clock)
    inbox = Inbox(
        store, desk, Pipeline(), Ledger(store, clock=clock), outbox, worker_id="w1", clock=clock
    )
    ref = desk.create_ticket("Router")
    angry = desk.add_comment(ref, "customer", ANGRY)
    inbox.receive(*deliver(desk, ref, angry, "d-7"))
    with pytest.raises(StoreError):
        inbox.process()
    assert inbox.process().done == 1  # same clock: no lease had to expire
    assert store.inbox_counts().get(EntryState.DONE) == 1
