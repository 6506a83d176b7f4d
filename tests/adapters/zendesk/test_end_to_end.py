"""End to end: signed Zendesk deliveries through the core pipeline, the inbox and the outbox,
with the real zenpy client against the fake Zendesk."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from deescalate_zendesk import ZendeskHelpdesk, bulk
from deescalate_zendesk.testing import FakeZendeskServer

from deescalate.backfill import Backfill
from deescalate.calendar import BusinessCalendar
from deescalate.obligations import ObligationKind
from deescalate.runtime import Runtime
from deescalate.settings import Settings
from tests.adapters.zendesk.conftest import Clock

ANGRY = "You're not listening! This is the THIRD time I'm writing about the router!!"


@pytest.fixture
def runtime(desk: ZendeskHelpdesk, clock: Clock, tmp_path: Path) -> Iterator[Runtime]:
    built = Runtime.build(
        Settings(database_url=str(tmp_path / "ledger.db"), timezone="Europe/Berlin"),
        helpdesk=desk,
        clock=clock,
        calendar=BusinessCalendar.standard("Europe/Berlin"),
        worker_id="w1",
    )
    yield built
    built.store.close()


def deliver_comment(
    server: FakeZendeskServer, ticket_id: int, author: int, body: str, event_id: str
) -> tuple[dict[str, str], bytes]:
    added = server.add_comment(ticket_id, author, body)
    return server.comment_added_delivery(
        ticket_id, body, event_id=event_id, author_id=author, comment_id=int(added["id"])
    )


def test_an_angry_comment_is_tagged_noted_and_never_duplicated(
    server: FakeZendeskServer, runtime: Runtime
) -> None:
    """The stage tag and one internal note; the same delivery again changes nothing."""
    assert runtime.inbox is not None
    ticket_id = server.add_ticket("Router", [("customer", "My router drops every evening.")])
    requester = server.state.tickets[ticket_id]["requester_id"]
    headers, body = deliver_comment(server, ticket_id, requester, ANGRY, "01EVENT-1")
    assert runtime.inbox.receive(headers, body).new
    runtime.run_once()
    tags = server.tags(ticket_id)
    assert any(tag.startswith("deescalate-stage-") for tag in tags)
    assert len(server.notes(ticket_id)) == 1
    writes = server.calls("PUT")
    assert not runtime.inbox.receive(headers, body).new  # Zendesk retried the delivery
    runtime.run_once()
    assert len(server.notes(ticket_id)) == 1
    assert server.calls("PUT") == writes


def test_the_agents_promise_opens_an_obligation(
    server: FakeZendeskServer, runtime: Runtime
) -> None:
    """An agent's public reply with a promise opens a follow-through obligation, once."""
    assert runtime.inbox is not None
    ticket_id = server.add_ticket("Router", [("customer", ANGRY)])
    agent = server.state.tickets[ticket_id]["assignee_id"]
    headers, body = deliver_comment(
        server, ticket_id, agent, "I'm sorry. I'll call you back by 3pm today.", "01EVENT-2"
    )
    runtime.inbox.receive(headers, body)
    runtime.run_once()
    runtime.inbox.receive(headers, body)
    runtime.run_once()
    (obligation,) = runtime.ledger.store.search(ticket=f"zendesk:{ticket_id}")
    assert obligation.kind is ObligationKind.FOLLOW_THROUGH
    assert obligation.action == "callback"


def test_your_time_in_a_reply_is_the_requesters_zone(
    server: FakeZendeskServer, runtime: Runtime
) -> None:
    """'5pm your time' from agents in Berlin to a requester in New York is due 17:00 New York."""
    assert runtime.inbox is not None
    customer = server.add_user(
        "Maria", time_zone="Eastern Time (US & Canada)", iana_time_zone="America/New_York"
    )
    ticket_id = server.add_ticket("Quote", [("customer", "Where is it?")], requester=customer)
    agent = server.state.tickets[ticket_id]["assignee_id"]
    reply = "I'll send the quote by 5pm your time today."
    runtime.inbox.receive(*deliver_comment(server, ticket_id, agent, reply, "01EVENT-TZ"))
    runtime.run_once()
    (obligation,) = runtime.ledger.store.search(ticket=f"zendesk:{ticket_id}")
    assert obligation.due_at is not None
    local = obligation.due_at.astimezone(ZoneInfo("America/New_York"))
    assert (local.date(), local.hour, local.minute) == (server.clock().date(), 17, 0)


def test_our_own_note_echoed_back_costs_nothing(
    server: FakeZendeskServer, runtime: Runtime
) -> None:
    """Zendesk's delivery of deescalate's own note plans no work and writes nothing."""
    assert runtime.inbox is not None
    ticket_id = server.add_ticket("Router", [("customer", "My router drops.")])
    requester = server.state.tickets[ticket_id]["requester_id"]
    runtime.inbox.receive(*deliver_comment(server, ticket_id, requester, ANGRY, "01EVENT-3"))
    runtime.run_once()
    (note,) = server.notes(ticket_id)
    server.reset_log()
    echo = server.comment_added_delivery(
        ticket_id, str(note["body"]), event_id="01EVENT-4", author_id=server.bot_id,
        public=False, comment_id=int(note["id"]),
    )  # fmt: skip
    runtime.inbox.receive(*echo)
    runtime.run_once()
    assert server.calls() == 0


def test_a_backfill_tags_in_bulk_and_resumes_where_it_stopped(
    server: FakeZendeskServer,
    desk: ZendeskHelpdesk,
    runtime: Runtime,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stopped after its first page (Ctrl-C), the same backfill resumes from the stored cursor."""
    monkeypatch.setattr(bulk, "PAGE_SIZE", 10)
    start = clock()
    for n in range(30):
        text = ANGRY if n % 3 == 0 else "Could you check my order, please?"
        server.add_ticket(f"T{n}", [("customer", text)], at=start - timedelta(days=2))
    clock.now = start + timedelta(minutes=5)
    backfill = Backfill(desk, runtime.pipeline, runtime.ledger, runtime.store, clock=clock)
    since = start - timedelta(days=30)

    def interrupt(tickets: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backfill.run(since, progress=interrupt, flush_at=10)
    server.reset_log()
    report = backfill.run(since)
    assert report.resumed
    # Only the 20 tickets after the stored cursor are read again; those this backfill tagged
    # come back in the export (their updated_at moved past the run's start) and end it.
    assert report.tickets == report.tagged == 20
    first = server.requests[0]
    assert first.path.startswith("/api/v2/incremental/tickets")
    assert "cursor" in first.query
    tagged = [t for t in server.state.tickets.values() if any("stage" in tag for tag in t["tags"])]
    assert len(tagged) == 30
    assert report.failed == []


def test_the_runtime_reads_the_accounts_business_hours(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """Without --tz, promises and reminders follow the Zendesk schedule's zone and hours."""
    server.add_schedule(
        "US support",
        "Eastern Time (US & Canada)",
        [(1980 + 1440 * d, 2460 + 1440 * d) for d in range(5)],
    )
    built = Runtime.build(
        Settings(database_url="memory://", timezone="Europe/Berlin"), helpdesk=desk
    )
    try:
        assert built.ledger.calendar.tz == "America/New_York"
        assert built.pipeline.calendar is built.ledger.calendar
    finally:
        built.store.close()


def test_without_a_schedule_the_runtime_uses_the_configured_zone(desk: ZendeskHelpdesk) -> None:
    """An account without schedules (or a plan without them) falls back to DEESCALATE_TIMEZONE."""
    built = Runtime.build(
        Settings(database_url="memory://", timezone="Europe/Berlin"), helpdesk=desk
    )
    try:
        assert built.ledger.calendar.tz == "Europe/Berlin"
    finally:
        built.store.close()
