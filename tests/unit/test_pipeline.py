"""The pipeline: ticket events become stage tags and ledger entries, idempotently."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deescalate.calendar import BusinessCalendar
from deescalate.helpdesk import TicketEvent, TicketEventKind, TicketRef
from deescalate.obligations import Ledger, ObligationKind, ObligationState
from deescalate.pipeline import Pipeline, stage_tag
from deescalate.stages import Stage
from deescalate.store import SQLiteStore
from deescalate.testing import FakeHelpdesk, FrozenClock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Pipeline, FakeHelpdesk, Ledger, FrozenClock]]:
    clock = FrozenClock(START)
    store = SQLiteStore(tmp_path / "ledger.db")
    ledger = Ledger(store, calendar=BusinessCalendar.standard("Europe/Berlin"), clock=clock)
    desk = FakeHelpdesk(clock=clock)
    yield Pipeline(ledger, desk, tz="Europe/Berlin"), desk, ledger, clock
    store.close()


def comment_event(desk: FakeHelpdesk, ref: TicketRef, index: int) -> TicketEvent:
    comment = desk.get_ticket(ref).comments[index]
    return TicketEvent(
        TicketEventKind.COMMENT_ADDED, ref, comment.created_at, f"d{comment.id}", comment=comment
    )


def test_customer_comment_tags_the_stage_and_retags_when_it_changes(
    world: tuple[Pipeline, FakeHelpdesk, Ledger, FrozenClock],
) -> None:
    """The ticket carries one stage tag, the current one."""
    pipeline, desk, _, _ = world
    ref = desk.create_ticket(
        "Router", [("customer", "You're not listening! This is the THIRD time!!")]
    )
    result = pipeline.handle(comment_event(desk, ref, 0))
    assert result.stage is not None
    assert result.stage >= Stage.ANGRY
    assert stage_tag(result.stage) in desk.get_ticket(ref).tags
    desk.add_comment(ref, "customer", "Thanks, that really helped.")
    calm = pipeline.handle(comment_event(desk, ref, 1))
    tags = desk.get_ticket(ref).tags
    assert calm.stage is Stage.CALM
    assert {t for t in tags if t.startswith("deescalate-stage-")} == {stage_tag(Stage.CALM)}


def test_agent_promise_opens_an_obligation_once(
    world: tuple[Pipeline, FakeHelpdesk, Ledger, FrozenClock],
) -> None:
    """A public reply's promise opens one follow-through, even if the event comes twice."""
    pipeline, desk, ledger, _ = world
    ref = desk.create_ticket(
        "Router",
        [("customer", "It drops again"), ("agent", "I'm sorry. I'll call you back by 3pm.")],
    )
    first = pipeline.handle(comment_event(desk, ref, 1))
    second = pipeline.handle(comment_event(desk, ref, 1))
    assert len(first.opened) == 1
    assert second.opened == ()
    (obligation,) = ledger.store.search(ticket=str(ref))
    assert obligation.kind is ObligationKind.FOLLOW_THROUGH
    assert obligation.action == "callback"


def test_logged_call_keeps_the_promise(
    world: tuple[Pipeline, FakeHelpdesk, Ledger, FrozenClock],
) -> None:
    """A call logged before the due time keeps the promise."""
    pipeline, desk, ledger, _ = world
    ref = desk.create_ticket("Router", [("agent", "I'll call you back by 3pm.")])
    pipeline.handle(comment_event(desk, ref, 0))
    call = TicketEvent(TicketEventKind.CALL_LOGGED, ref, START + timedelta(hours=2), "call-1")
    result = pipeline.handle(call)
    assert len(result.settled) == 1
    assert ledger.store.search(ticket=str(ref))[0].state is ObligationState.KEPT


def test_internal_note_is_not_a_contact(
    world: tuple[Pipeline, FakeHelpdesk, Ledger, FrozenClock],
) -> None:
    """An internal note neither keeps promises nor opens new ones."""
    pipeline, desk, ledger, _ = world
    ref = desk.create_ticket("Router", [("agent", "I'll call you back by 3pm.")])
    pipeline.handle(comment_event(desk, ref, 0))
    note = desk.add_comment(ref, "agent", "I'll call them back by 4pm.", public=False)
    result = pipeline.handle(
        TicketEvent(TicketEventKind.COMMENT_ADDED, ref, note.created_at, "n1", comment=note)
    )
    assert result.opened == result.settled == ()
    assert ledger.store.search(ticket=str(ref))[0].state is ObligationState.OPEN


def test_solving_an_angry_ticket_opens_a_follow_up(
    world: tuple[Pipeline, FakeHelpdesk, Ledger, FrozenClock],
) -> None:
    """The follow-up opens from the conversation's peak stage, not its last message."""
    pipeline, desk, ledger, _ = world
    ref = desk.create_ticket(
        "Router",
        [
            ("customer", "This is unacceptable, I'm furious!!"),
            ("agent", "Fixed, sorry."),
            ("customer", "Thanks."),
        ],
    )
    result = pipeline.handle(TicketEvent(TicketEventKind.SOLVED, ref, START, "s1", status="solved"))
    assert result.stage is not None
    assert result.stage >= Stage.ANGRY
    (follow_up,) = ledger.store.search(ticket=str(ref))
    assert follow_up.kind is ObligationKind.FOLLOW_UP


def test_solving_a_calm_ticket_opens_nothing(
    world: tuple[Pipeline, FakeHelpdesk, Ledger, FrozenClock],
) -> None:
    """Calm tickets get no follow-up."""
    pipeline, desk, ledger, _ = world
    ref = desk.create_ticket(
        "Question", [("customer", "Where can I find my invoice?"), ("agent", "Here it is.")]
    )
    pipeline.handle(TicketEvent(TicketEventKind.SOLVED, ref, START, "s1"))
    assert ledger.store.search(ticket=str(ref)) == []
