"""Backfill: the exports walked page by page with comments, and grouped bulk updates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from deescalate_zendesk import ZendeskHelpdesk, bulk
from deescalate_zendesk.testing import FakeZendeskServer

from deescalate.errors import InputError
from deescalate.helpdesk import AuthorRole, TicketChange, TicketPage, TicketRef
from tests.adapters.zendesk.conftest import MakeDesk

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ANGRY = TicketChange(add_tags={"deescalate-stage-angry"})


def seed(server: FakeZendeskServer, count: int, *, closed_every: int = 0) -> list[int]:
    ids = []
    for n in range(count):
        comments = [("customer" if i % 2 == 0 else "agent", f"t{n} c{i}") for i in range(1 + n % 3)]
        closed = closed_every and n % closed_every == 0
        ids.append(
            server.add_ticket(
                f"T{n}",
                comments,
                status="closed" if closed else "open",
                at=START + timedelta(seconds=5 * n),
            )
        )
    return ids


def export_all(desk: ZendeskHelpdesk, cursor: str | None = None) -> list[TicketPage]:
    pages = []
    while True:
        page = desk.export_tickets(since=START - timedelta(hours=1), cursor=cursor)
        pages.append(page)
        cursor = page.cursor
        if page.done:
            return pages


def test_export_gives_every_ticket_with_its_comments(
    server: FakeZendeskServer, desk: ZendeskHelpdesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over several pages each ticket comes once, with all its comments in order and roles."""
    monkeypatch.setattr(bulk, "PAGE_SIZE", 7)
    ids = seed(server, 30)
    tickets = [t for page in export_all(desk) for t in page.tickets]
    assert [int(t.ref.id) for t in tickets] == ids
    for n, ticket in enumerate(tickets):
        assert [c.body for c in ticket.comments] == [f"t{n} c{i}" for i in range(1 + n % 3)]
        assert ticket.comments[0].author_role is AuthorRole.CUSTOMER


def test_comments_are_not_read_ticket_by_ticket(
    server: FakeZendeskServer, desk: ZendeskHelpdesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the two export endpoints are called: no per-ticket comment or user reads."""
    monkeypatch.setattr(bulk, "PAGE_SIZE", 10)
    seed(server, 40)
    server.reset_log()
    export_all(desk)
    paths = {r.path for r in server.requests}
    assert paths == {
        "/api/v2/incremental/tickets/cursor.json",
        "/api/v2/incremental/ticket_events.json",
    }
    assert server.calls("GET", "/api/v2/incremental/ticket_events") <= 8


def test_export_resumes_from_a_stored_cursor(
    server: FakeZendeskServer, make_desk: MakeDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new adapter given a page's cursor goes on with the next tickets, comments complete."""
    monkeypatch.setattr(bulk, "PAGE_SIZE", 5)
    ids = seed(server, 12)
    first = make_desk().export_tickets(since=START - timedelta(hours=1))
    rest = export_all(make_desk(), first.cursor)
    resumed = [t for page in rest for t in page.tickets]
    assert [int(t.ref.id) for t in resumed] == ids[5:]
    assert all(t.comments for t in resumed)


def test_bad_cursor_is_an_input_error(desk: ZendeskHelpdesk) -> None:
    """A cursor the adapter did not hand out is refused."""
    with pytest.raises(InputError, match="cursor"):
        desk.export_tickets(since=START, cursor="not-a-cursor")


def test_same_change_shares_update_many_calls(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """250 tickets with one change take three update_many calls and one poll."""
    ids = seed(server, 250)
    server.reset_log()
    outcomes = desk.apply_many([(TicketRef("zendesk", str(i)), ANGRY) for i in ids])
    assert all(o.ok for o in outcomes)
    assert server.calls("PUT", "/api/v2/tickets/update_many") == 3
    assert server.calls("GET", "/api/v2/job_statuses/show_many") == 1
    (put, *_) = [r for r in server.requests if r.method == "PUT"]
    assert put.body == {"ticket": {"additional_tags": ["deescalate-stage-angry"]}}
    assert len(put.query["ids"].split(",")) == 100
    assert all("deescalate-stage-angry" in server.tags(i) for i in ids)


def test_outcomes_follow_the_order_of_the_changes(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """Two changes interleaved give outcomes in the order asked, one per ticket."""
    ids = seed(server, 4)
    calm = TicketChange(add_tags={"deescalate-stage-calm"})
    changes = [(TicketRef("zendesk", str(i)), ANGRY if n % 2 else calm) for n, i in enumerate(ids)]
    outcomes = desk.apply_many(changes)
    assert [o.ref for o in outcomes] == [ref for ref, _ in changes]
    assert server.calls("PUT") == 2


def test_closed_tickets_are_skipped_and_counted_apart(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A closed ticket seen in the export is skipped without a call; others are tagged."""
    ids = seed(server, 6, closed_every=3)
    export_all(desk)
    server.reset_log()
    outcomes = desk.apply_many([(TicketRef("zendesk", str(i)), ANGRY) for i in ids])
    assert [o.skipped for o in outcomes] == ["closed", None, None, "closed", None, None]
    assert all(o.ok for o in outcomes if o.skipped is None)
    assert str(ids[0]) not in server.requests[0].query["ids"].split(",")


def test_closed_ticket_found_by_the_job_is_skipped(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A ticket the job reports closed is a skip, not an error."""
    (closed,) = seed(server, 1, closed_every=1)
    (outcome,) = desk.apply_many([(TicketRef("zendesk", str(closed)), ANGRY)])
    assert outcome.skipped == "closed"


def test_per_ticket_failures_are_reported(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """A ticket deleted meanwhile fails alone, with the reason; the rest are tagged."""
    ids = seed(server, 3)
    del server.state.tickets[ids[1]]
    outcomes = desk.apply_many([(TicketRef("zendesk", str(i)), ANGRY) for i in ids])
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error is not None
    assert "RecordNotFound" in outcomes[1].error


def test_rate_limit_stops_submitting_and_reports_the_rest(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A 429 on one call marks its tickets and the ones after as not written; none is lost."""
    ids = seed(server, 150)
    server.fail_next(429, headers={"Retry-After": "20"}, path_prefix="/api/v2/tickets/update_many")
    outcomes = desk.apply_many([(TicketRef("zendesk", str(i)), ANGRY) for i in ids])
    assert not any(o.ok for o in outcomes)
    assert all(o.error is not None and "retry after 20" in o.error for o in outcomes)


def test_jobs_still_running_are_polled_again(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A job reported queued is polled until it completes."""
    ids = seed(server, 2)
    server.job_polls_before_done = 2
    outcomes = desk.apply_many([(TicketRef("zendesk", str(i)), ANGRY) for i in ids])
    assert all(o.ok for o in outcomes)
    assert server.calls("GET", "/api/v2/job_statuses") == 3
