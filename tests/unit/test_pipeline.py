"""The pipeline's plans: what one ticket event should change, computed without writing anything."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deescalate.assessment import Assessor
from deescalate.calendar import BusinessCalendar
from deescalate.helpdesk import (
    AuthorRole,
    Comment,
    Ticket,
    TicketEvent,
    TicketEventKind,
    TicketRef,
    note_marker,
)
from deescalate.pipeline import (
    ContactMade,
    CustomerWrote,
    FollowThroughPromised,
    Pipeline,
    TagPolicy,
    TicketSolved,
    stage_tag,
)
from deescalate.stages import Stage

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
REF = TicketRef("fake", "7")
ANGRY = "You're not listening! This is the THIRD time I'm writing about the router!!"
IRATE_LEGAL = "Get me your supervisor NOW or I'm calling my lawyer. This is a joke."


def comment(n: int, role: str, body: str, *, public: bool = True) -> Comment:
    return Comment(f"c{n}", AuthorRole(role), body, public, START + timedelta(minutes=10 * n))


def ticket(
    *comments: Comment, tags: frozenset[str] = frozenset(), locale: str | None = None
) -> Ticket:
    return Ticket(
        REF, "Router", "open", tags=tags, comments=comments, requester_name="Ana", locale=locale
    )


def added(c: Comment, delivery: str = "d1") -> TicketEvent:
    return TicketEvent(TicketEventKind.COMMENT_ADDED, REF, c.created_at, delivery, comment=c)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(calendar=BusinessCalendar.standard("Europe/Berlin"), company="Acme")


def test_an_angry_customer_gets_the_stage_tag_and_one_note(pipeline: Pipeline) -> None:
    """A customer who rises to angry: stage tag added, old stage tag removed, one note."""
    first = comment(0, "customer", "My router drops every evening.")
    second = comment(2, "customer", ANGRY)
    t = ticket(first, comment(1, "agent", "Have you tried restarting it?"), second,
               tags=frozenset({stage_tag(Stage.CALM), "vip"}))  # fmt: skip
    plan = pipeline.plan(added(second), t)
    assert plan.stage is not None
    assert plan.stage >= Stage.ANGRY
    assert plan.change.add_tags == {stage_tag(plan.stage)}
    assert plan.change.remove_tags == {stage_tag(Stage.CALM)}
    assert plan.change.note is not None
    assert plan.ledger == (CustomerWrote(ANGRY, second.created_at),)


def test_the_note_quotes_evidence_next_step_wording_and_coaching(pipeline: Pipeline) -> None:
    """The note carries the stage, quoted evidence, the next step, wording and coach findings."""
    reply = comment(1, "agent", "Please calm down. It's our policy.")
    angry = comment(2, "customer", ANGRY)
    plan = pipeline.plan(added(angry), ticket(comment(0, "customer", "It broke."), reply, angry))
    note = plan.change.note
    assert note is not None
    assert plan.stage is not None
    assert plan.stage.value.upper() in note
    assert '"THIRD' in note  # the shouting, quoted as evidence
    assert "Next step:" in note
    assert "Suggested wording" in note
    assert "Ana" in note
    assert "DE103" in note  # "calm down" in the agent's last reply


def test_suggested_wording_follows_the_customer_language(pipeline: Pipeline) -> None:
    """A Spanish-speaking customer gets suggested wording in Spanish."""
    angry = comment(
        0, "customer", "¡Es la TERCERA vez que escribo! ¡No me escuchan! Es inaceptable."
    )
    plan = pipeline.plan(added(angry), ticket(angry, locale="es"))
    assert plan.change.note is not None
    wording = plan.change.note.split("Suggested wording", 1)[1]
    assert "Ana" in wording
    assert any(word in wording for word in ("siento", "entiendo", "lamento", "Entiendo", "Lamento"))


def test_no_note_when_the_stage_did_not_rise(pipeline: Pipeline) -> None:
    """An angry customer who stays angry gets the tag kept and no second note."""
    first = comment(0, "customer", ANGRY)
    again = comment(2, "customer", "This is unacceptable, you people never listen!!")
    t = ticket(first, comment(1, "agent", "I'm sorry, let me check."), again)
    plan = pipeline.plan(added(again), t)
    assert plan.stage is not None
    assert plan.stage >= Stage.ANGRY
    assert plan.change.note is None


def test_nothing_is_written_when_the_tags_are_already_right(pipeline: Pipeline) -> None:
    """A calm customer on a ticket already tagged calm changes nothing on the ticket."""
    calm = comment(0, "customer", "Could you check on my order, please?")
    plan = pipeline.plan(added(calm), ticket(calm, tags=frozenset({stage_tag(Stage.CALM)})))
    assert plan.change.empty
    assert plan.ledger  # the ledger still hears that the customer wrote


def test_routing_tags_for_a_manager_and_a_legal_threat(pipeline: Pipeline) -> None:
    """Asking for a supervisor and threatening a lawyer add the handoff and legal tags."""
    irate = comment(0, "customer", IRATE_LEGAL)
    plan = pipeline.plan(added(irate), ticket(irate))
    assert {"deescalate-handoff", "deescalate-legal"} <= plan.change.add_tags
    assert plan.change.note is not None


def test_the_tag_prefix_is_one_setting() -> None:
    """Every tag follows the configured prefix."""
    pipeline = Pipeline(tags=TagPolicy("esc_"))
    irate = comment(0, "customer", IRATE_LEGAL)
    plan = pipeline.plan(added(irate), ticket(irate))
    assert plan.change.add_tags
    assert all(t.startswith("esc_") for t in plan.change.add_tags)


def test_an_agent_promise_becomes_a_ledger_step_in_the_agents_zone(pipeline: Pipeline) -> None:
    """'by 3pm' in a reply sent at 10:10 Berlin time is due 15:00 Berlin."""
    reply = comment(1, "agent", "I'm sorry. I'll call you back by 3pm.")
    plan = pipeline.plan(added(reply), ticket(comment(0, "customer", "It drops."), reply))
    assert plan.change.empty
    contact, promised = plan.ledger
    assert contact == ContactMade(reply.created_at, "public reply")
    assert isinstance(promised, FollowThroughPromised)
    assert promised.promise.due_at == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def your_time_promise(pipeline: Pipeline, requester_time_zone: str | None) -> datetime | None:
    """The due time of "5pm your time" from an agent in Berlin, the requester's zone as given."""
    reply = comment(1, "agent", "I'll call you at 5pm your time today.")
    shown = replace(
        ticket(comment(0, "customer", "It drops."), reply),
        requester_time_zone=requester_time_zone,
    )
    _contact, promised = pipeline.plan(added(reply), shown).ledger
    assert isinstance(promised, FollowThroughPromised)
    return promised.promise.due_at


def test_your_time_is_the_requesters_zone(pipeline: Pipeline) -> None:
    """'5pm your time' from an agent in Berlin to a customer in New York is 17:00 New York."""
    due = your_time_promise(pipeline, "America/New_York")
    assert due == datetime(2026, 3, 2, 17, 0, tzinfo=ZoneInfo("America/New_York"))


def test_an_unknown_requester_zone_falls_back_to_the_agents_with_a_warning(
    pipeline: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    """A zone the database lacks plans the reply in the agents' zone and warns, quoting no text."""
    with caplog.at_level(logging.WARNING, logger="deescalate.pipeline"):
        due = your_time_promise(pipeline, "Pacific Time (US & Canada)")
    assert due == datetime(2026, 3, 2, 17, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert "Pacific Time (US & Canada)" in record.getMessage()
    assert "your time today" not in record.getMessage()


def test_a_reply_to_a_ticket_tagged_promise_due_removes_the_tag(pipeline: Pipeline) -> None:
    """Contact keeps the promise the reminder was about, so the promise-due tag comes off."""
    reply = comment(1, "agent", "Calling you now as promised.")
    t = ticket(comment(0, "customer", "It drops."), reply,
               tags=frozenset({"deescalate-promise-due", "vip"}))  # fmt: skip
    plan = pipeline.plan(added(reply), t)
    assert plan.change.remove_tags == {"deescalate-promise-due"}
    assert not plan.change.add_tags
    assert plan.ledger[0] == ContactMade(reply.created_at, "public reply")


def test_a_logged_call_removes_the_promise_due_tag_and_nothing_else(pipeline: Pipeline) -> None:
    """A logged call is contact too; a ticket without the tag gets no change at all."""
    call = TicketEvent(TicketEventKind.CALL_LOGGED, REF, START, "call-1")
    due = ticket(comment(0, "customer", "It drops."), tags=frozenset({"deescalate-promise-due"}))
    assert pipeline.plan(call, due).change.remove_tags == {"deescalate-promise-due"}
    assert pipeline.plan(call, ticket(comment(0, "customer", "It drops."))).change.empty


def test_internal_notes_and_our_own_echoes_plan_nothing(pipeline: Pipeline) -> None:
    """A private note, and the helpdesk's echo of deescalate's note, change nothing."""
    private = comment(1, "agent", "I'll call them back by 4pm.", public=False)
    echo = comment(2, "agent", f"The customer is ANGRY.\n\n{note_marker('plan-x')}", public=False)
    t = ticket(comment(0, "customer", ANGRY), private, echo)
    assert pipeline.plan(added(private), t).empty
    assert pipeline.plan(added(echo), t).empty


def test_a_solve_plans_a_follow_up_at_the_peak_stage(pipeline: Pipeline) -> None:
    """The follow-up is planned from the conversation's peak, not its last message."""
    t = ticket(
        comment(0, "customer", "This is unacceptable, I'm furious!!"),
        comment(1, "agent", "Fixed, sorry."),
        comment(2, "customer", "Thanks."),
    )
    plan = pipeline.plan(TicketEvent(TicketEventKind.SOLVED, REF, START, "s1"), t)
    (solved,) = plan.ledger
    assert isinstance(solved, TicketSolved)
    assert solved.peak_stage >= Stage.ANGRY


def test_a_status_change_to_solved_counts_as_a_solve(pipeline: Pipeline) -> None:
    """Adapters that report status changes get the same follow-up."""
    t = ticket(comment(0, "customer", ANGRY))
    event = TicketEvent(TicketEventKind.STATUS_CHANGED, REF, START, "s2", status="Solved")
    assert isinstance(pipeline.plan(event, t).ledger[0], TicketSolved)


def test_the_same_event_plans_under_the_same_key(pipeline: Pipeline) -> None:
    """Planning an event twice gives the same idempotency key; another delivery, another key."""
    angry = comment(0, "customer", ANGRY)
    t = ticket(angry)
    assert (
        pipeline.plan(added(angry), t).idempotency_key
        == pipeline.plan(added(angry), t).idempotency_key
    )
    assert (
        pipeline.plan(added(angry), t).idempotency_key
        != pipeline.plan(added(angry, "d2"), t).idempotency_key
    )


def test_assessments_are_cached_per_comment() -> None:
    """A second event on the same thread assesses only the new message."""
    pipeline = Pipeline()
    first = comment(0, "customer", "It broke.")
    second = comment(1, "customer", ANGRY)
    pipeline.plan(added(first), ticket(first))
    misses = pipeline.assessor.misses
    pipeline.plan(added(second), ticket(first, second))
    assert pipeline.assessor.misses == misses + 1


def test_the_injected_assessor_decides_the_stage(tmp_path: object) -> None:
    """A team's pack, given through the assessor, changes the planned stage."""
    from pathlib import Path

    pack = Path(str(tmp_path)) / "team.yaml"
    pack.write_text(
        "pack: team\nrules:\n  - id: team-portal\n    kind: phrases\n    signal: blame\n"
        '    weight: 4\n    phrases: ["portal is down again"]\n',
        encoding="utf-8",
    )
    text = comment(0, "customer", "The portal is down again.")
    plain = Pipeline().plan(added(text), ticket(text)).stage
    team = Pipeline(assessor=Assessor([pack])).plan(added(text), ticket(text)).stage
    assert plain is not None
    assert team is not None
    assert team > plain


def test_an_event_without_its_comment_reads_the_latest(pipeline: Pipeline) -> None:
    """A delivery that only says "a comment was added" is planned on the ticket's latest comment."""
    angry = comment(1, "customer", ANGRY)
    t = ticket(comment(0, "customer", "It broke."), angry)
    bare = TicketEvent(TicketEventKind.COMMENT_ADDED, REF, angry.created_at, "d9")
    plan = pipeline.plan(bare, t)
    assert plan.ledger == (CustomerWrote(ANGRY, angry.created_at),)
    assert plan.change.note is not None


def test_a_message_in_an_unsupported_language_is_tagged_stage_unknown(pipeline: Pipeline) -> None:
    """A latest message no pack covers gets the stage-unknown tag instead of a calm one."""
    german = comment(0, "customer", "Ich bin wütend!!!")
    plan = pipeline.plan(added(german), ticket(german, tags=frozenset({stage_tag(Stage.CALM)})))
    assert plan.change.add_tags == {"deescalate-stage-unknown"}
    assert plan.change.remove_tags == {stage_tag(Stage.CALM)}


def test_a_supported_message_replaces_the_stage_unknown_tag(pipeline: Pipeline) -> None:
    """Once the customer writes in a covered language, stage-unknown gives way to the stage."""
    english = comment(0, "customer", "Could you check on my order, please?")
    plan = pipeline.plan(
        added(english), ticket(english, tags=frozenset({"deescalate-stage-unknown"}))
    )
    assert plan.change.add_tags == {stage_tag(Stage.CALM)}
    assert plan.change.remove_tags == {"deescalate-stage-unknown"}
