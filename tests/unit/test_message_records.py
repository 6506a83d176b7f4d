"""The pipeline's message records: what the report counts, recorded with each plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from deescalate.calendar import BusinessCalendar
from deescalate.helpdesk import AuthorRole, Comment, Ticket, TicketEvent, TicketEventKind, TicketRef
from deescalate.pipeline import Pipeline
from deescalate.records import MessageRole
from deescalate.stages import Stage

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REF = TicketRef("fake", "7")
ANGRY = "You're not listening! This is the THIRD time I'm writing about the router!!"


def comment(n: int, role: str, body: str, *, author: str | None = None) -> Comment:
    return Comment(
        f"c{n}", AuthorRole(role), body, True, START + timedelta(minutes=10 * n),
        author_id=f"id-{author}" if author else None, author_name=author,
    )  # fmt: skip


def ticket(*comments: Comment, assignee: str | None = "Ana") -> Ticket:
    return Ticket(REF, "Router", "open", comments=comments, assignee=assignee)


def added(c: Comment) -> TicketEvent:
    return TicketEvent(TicketEventKind.COMMENT_ADDED, REF, c.created_at, "d1", comment=c)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(calendar=BusinessCalendar.standard("Europe/Berlin"))


def test_a_customer_message_records_its_stage_codes_and_the_assignee(pipeline: Pipeline) -> None:
    """The record holds the stage the ticket is tagged with, the signal codes and the assignee."""
    angry = comment(0, "customer", ANGRY)
    plan = pipeline.plan(added(angry), ticket(angry))
    (record,) = plan.messages
    assert (record.ticket, record.comment_id, record.at) == ("fake:7", "c0", angry.created_at)
    assert (record.role, record.stage, record.agent) == (MessageRole.CUSTOMER, plan.stage, "Ana")
    assert record.stage is not None
    assert record.stage >= Stage.UPSET
    assert record.codes
    assert record.quotes == ()


def test_an_agent_reply_records_its_author_and_the_rules_it_broke(pipeline: Pipeline) -> None:
    """The reply's author name and each rule the coach found, once, with the flagged words."""
    angry = comment(0, "customer", ANGRY)
    reply = comment(1, "agent", "Please calm down. Please calm down, sir.", author="Ben")
    (record,) = pipeline.plan(added(reply), ticket(angry, reply)).messages
    assert (record.role, record.stage, record.agent) == (MessageRole.AGENT, None, "Ben")
    assert record.codes.count("tells-to-calm-down") == 1
    quote = record.quotes[record.codes.index("tells-to-calm-down")]
    assert "calm down" in quote.lower()


def test_a_reply_without_an_author_counts_for_the_assignee(pipeline: Pipeline) -> None:
    """When the helpdesk does not say who wrote a reply, it counts for the ticket's assignee."""
    reply = comment(1, "agent", "I'll call you back tomorrow.")
    (record,) = pipeline.plan(added(reply), ticket(reply, assignee="Cy")).messages
    assert record.agent == "Cy"


def test_internal_notes_record_nothing(pipeline: Pipeline) -> None:
    """A private note is no message to the customer: nothing is recorded."""
    note = replace(comment(1, "agent", "Customer is upset, be careful."), public=False)
    assert pipeline.plan(added(note), ticket(note)).messages == ()


def test_a_whole_ticket_records_every_message_in_order(pipeline: Pipeline) -> None:
    """A backfill's plan of a ticket records each customer message and public reply in order."""
    thread = (
        comment(0, "customer", "My router drops every evening."),
        comment(1, "agent", "Sorry about that, I'll check the line today.", author="Ben"),
        comment(2, "customer", ANGRY),
    )
    records = pipeline.plan_ticket(ticket(*thread)).messages
    assert [(r.comment_id, r.role) for r in records] == [
        ("c0", MessageRole.CUSTOMER),
        ("c1", MessageRole.AGENT),
        ("c2", MessageRole.CUSTOMER),
    ]
    assert records[2].stage is not None
    assert records[0].stage is not None
    assert records[2].stage > records[0].stage
