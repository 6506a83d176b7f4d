"""Reading tickets: fields, comments in order over pages, author roles, HTML bodies."""

from __future__ import annotations

from deescalate_zendesk import ZendeskHelpdesk
from deescalate_zendesk.testing import FakeZendeskServer

from deescalate.helpdesk import AuthorRole, Priority, TicketRef


def ref(ticket_id: int) -> TicketRef:
    return TicketRef("zendesk", str(ticket_id))


def test_ticket_fields_come_back(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """Subject, status, tags, priority, requester name and locale, and assignee are read."""
    customer = server.add_user("Ana Ruiz", locale="es")
    agent = server.add_user("Bo Agent", role="agent")
    ticket_id = server.add_ticket(
        "Refund",
        [("customer", "Hola")],
        tags=["vip"],
        priority="urgent",
        requester=customer,
        assignee=agent,
    )
    ticket = desk.get_ticket(ref(ticket_id))
    assert (ticket.subject, ticket.status, ticket.tags) == ("Refund", "open", frozenset({"vip"}))
    assert ticket.priority is Priority.URGENT
    assert (ticket.requester_name, ticket.locale, ticket.assignee) == ("Ana Ruiz", "es", "Bo Agent")


def test_reading_takes_two_calls(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """The ticket and its comments, users sideloaded: two calls, none per author."""
    ticket_id = server.add_ticket("T", [("customer", "a"), ("agent", "b"), ("customer", "c")])
    server.reset_log()
    desk.get_ticket(ref(ticket_id))
    assert server.calls() == 2
    assert all(r.query.get("include") == "users" for r in server.requests)


def test_comments_over_many_pages_stay_in_order(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """250 comments arrive in order over three pages of 100."""
    ticket_id = server.add_ticket("T", [("customer", f"message {n}") for n in range(250)])
    server.reset_log()
    ticket = desk.get_ticket(ref(ticket_id))
    assert [c.body for c in ticket.comments] == [f"message {n}" for n in range(250)]
    assert server.calls("GET", f"/api/v2/tickets/{ticket_id}/comments") == 3


def test_author_roles_come_from_the_users(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """End users are customers; agents and admins are agents."""
    ticket_id = server.add_ticket("T", [("customer", "a"), ("agent", "b")])
    admin = server.add_user("Admin", role="admin")
    server.add_comment(ticket_id, admin, "internal", public=False)
    comments = desk.get_ticket(ref(ticket_id)).comments
    assert [c.author_role for c in comments] == [
        AuthorRole.CUSTOMER,
        AuthorRole.AGENT,
        AuthorRole.AGENT,
    ]
    assert [c.public for c in comments] == [True, True, False]


def test_html_bodies_are_read_as_text(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """A comment known only by its HTML body is read through the core's text handling."""
    ticket_id = server.add_ticket(
        "T", [("customer", "<p>It is <b>broken</b> again</p>")], html=True
    )
    (comment,) = desk.get_ticket(ref(ticket_id)).comments
    assert comment.body.strip() == "It is broken again"


def test_times_are_aware(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """Comment and ticket times carry a zone."""
    ticket = desk.get_ticket(ref(server.add_ticket("T", [("customer", "a")])))
    assert ticket.updated_at is not None
    assert ticket.updated_at.tzinfo is not None
    assert ticket.comments[0].created_at.tzinfo is not None


def test_changed_since_pages_with_an_opaque_cursor(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A backfill lists tickets and a cursor; from that cursor nothing new is listed."""
    first = server.add_ticket("T", [("customer", "a")])
    refs, cursor = desk.changed_since(None)
    assert refs == [ref(first)]
    again, _ = desk.changed_since(cursor)
    assert again == []


def test_requester_time_zone_is_the_iana_one(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """The requester's iana_time_zone comes back as requester_time_zone, in the same two calls."""
    customer = server.add_user(
        "Ana Ruiz", time_zone="Eastern Time (US & Canada)", iana_time_zone="America/New_York"
    )
    ticket_id = server.add_ticket("Refund", [("customer", "Hola")], requester=customer)
    server.reset_log()
    ticket = desk.get_ticket(ref(ticket_id))
    assert ticket.requester_time_zone == "America/New_York"
    assert server.calls() == 2


def test_a_rails_zone_name_alone_is_mapped(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """Without iana_time_zone, the Rails name in time_zone is read as its IANA zone."""
    customer = server.add_user("Kenji", time_zone="Tokyo", iana_time_zone=None)
    ticket_id = server.add_ticket("Refund", [("customer", "Hi")], requester=customer)
    assert desk.get_ticket(ref(ticket_id)).requester_time_zone == "Asia/Tokyo"
