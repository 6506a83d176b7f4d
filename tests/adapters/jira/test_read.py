"""Reading issues: one call with the comments, all pages, roles, visibility and bodies."""

from __future__ import annotations

from deescalate_jira.testing import FakeJiraServer

from deescalate.helpdesk import AuthorRole, Priority, TicketChange, TicketRef
from tests.adapters.jira.conftest import Build

ADF = {
    "type": "doc",
    "version": 1,
    "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "First line"}]},
        {
            "type": "paragraph",
            "content": [
                {"type": "text", "text": "Hi "},
                {"type": "mention", "attrs": {"id": "x", "text": "@Ana"}},
                {"type": "hardBreak"},
                {"type": "text", "text": "second"},
            ],
        },
    ],
}


def test_cloud_reads_an_issue_with_its_comments_in_one_call(
    cloud: FakeJiraServer, build: Build
) -> None:
    """On Cloud an issue and its comments come in one GET with fields=...,comment."""
    key = cloud.add_issue(comments=[("customer", "Hello"), ("agent", "Hi")])
    desk = build(cloud)
    desk.is_cloud  # noqa: B018 - serverInfo is read once per process, not per ticket
    cloud.reset_log()
    ticket = desk.get_ticket(TicketRef("jira", key))
    assert len(ticket.comments) == 2
    assert [(r.method, r.path) for r in cloud.requests] == [("GET", f"/rest/api/2/issue/{key}")]
    assert "comment" in cloud.requests[0].query["fields"].split(",")


def test_data_center_jsm_reads_comment_properties_apart(
    datacenter: FakeJiraServer, build: Build
) -> None:
    """Data Center in jsm mode reads the comments with expand=properties: one more call."""
    key = datacenter.add_issue(comments=[("customer", "Hello")])
    datacenter.add_comment(key, "agent", "internal words", internal=True)
    desk = build(datacenter)
    desk.is_cloud  # noqa: B018 - read once per process
    datacenter.reset_log()
    ticket = desk.get_ticket(TicketRef("jira", key))
    assert [c.public for c in ticket.comments] == [True, False]
    assert [r.path for r in datacenter.requests] == [
        f"/rest/api/2/issue/{key}",
        f"/rest/api/2/issue/{key}/comment",
    ]
    assert datacenter.requests[1].query["expand"] == "properties"


def test_data_center_with_role_visibility_reads_once(
    datacenter: FakeJiraServer, build: Build
) -> None:
    """Outside JSM, a visibility restriction marks internal comments: one read is enough."""
    key = datacenter.add_issue(comments=[("customer", "Hello")])
    desk = build(datacenter, internal="role:Developers")
    desk.apply(TicketRef("jira", key), _note("Private"), idempotency_key="k1")
    datacenter.reset_log()
    ticket = desk.get_ticket(TicketRef("jira", key))
    assert datacenter.calls() == 1
    assert [c.public for c in ticket.comments] == [True, False]


def test_all_comment_pages_are_read(cloud: FakeJiraServer, build: Build) -> None:
    """An issue carrying only part of its comments has the rest paged, oldest first."""
    key = cloud.add_issue(comments=[("customer", f"message {n}") for n in range(230)])
    cloud.embedded_comments = 20
    ticket = build(cloud).get_ticket(TicketRef("jira", key))
    assert [c.body for c in ticket.comments] == [f"message {n}" for n in range(230)]
    assert cloud.calls("GET", f"/rest/api/2/issue/{key}/comment") == 3


def test_roles_tell_the_reporter_and_portal_customers_from_agents(
    cloud: FakeJiraServer, build: Build
) -> None:
    """The reporter and portal customers are customers; others are agents."""
    key = cloud.add_issue(comments=[("customer", "a"), ("agent", "b"), ("portal-cc", "c")])
    ticket = build(cloud).get_ticket(TicketRef("jira", key))
    roles = [c.author_role for c in ticket.comments]
    assert roles == [AuthorRole.CUSTOMER, AuthorRole.AGENT, AuthorRole.CUSTOMER]


def test_reporter_only_mode_counts_portal_accounts_as_agents(
    cloud: FakeJiraServer, build: Build
) -> None:
    """With customers=reporter only the reporter's comments are the customer's."""
    key = cloud.add_issue(comments=[("portal-cc", "c")])
    ticket = build(cloud, customers="reporter").get_ticket(TicketRef("jira", key))
    assert ticket.comments[0].author_role is AuthorRole.AGENT


def test_document_bodies_become_text(cloud: FakeJiraServer, build: Build) -> None:
    """A comment body in Atlassian Document Format reads as lines of plain text."""
    key = cloud.add_issue()
    cloud.add_comment(key, "customer", ADF)
    ticket = build(cloud).get_ticket(TicketRef("jira", key))
    assert ticket.comments[0].body == "First line\nHi @Ana\nsecond"


def test_fields_map_to_the_ticket(cloud: FakeJiraServer, build: Build) -> None:
    """Labels, priority, reporter, assignee, status and an aware update time come across."""
    key = cloud.add_issue(
        "Router", labels=["vip"], priority="Highest", assignee="ana", status="In Progress"
    )
    ticket = build(cloud).get_ticket(TicketRef("jira", key))
    assert ticket.tags == {"vip"}
    assert ticket.priority is Priority.URGENT
    assert (ticket.subject, ticket.status, ticket.assignee) == ("Router", "In Progress", "ana")
    assert ticket.requester_name == "customer"
    assert ticket.updated_at is not None
    assert ticket.updated_at.tzinfo is not None


def test_priority_names_are_configurable(cloud: FakeJiraServer, build: Build) -> None:
    """A site's own priority names map to levels through DEESCALATE_JIRA_PRIORITIES."""
    key = cloud.add_issue(priority="High")
    desk = build(cloud, priorities="High=urgent,Medium=normal")
    assert desk.get_ticket(TicketRef("jira", key)).priority is Priority.URGENT


def _note(text: str) -> TicketChange:

    return TicketChange(note=text)


def test_the_reporters_time_zone_is_read(cloud: FakeJiraServer, build: Build) -> None:
    """The reporter's timeZone comes back as requester_time_zone, with no call of its own."""
    cloud.add_user("ana", time_zone="Australia/Sydney")
    key = cloud.add_issue(reporter="ana", comments=[("customer", "Hello")])
    desk = build(cloud)
    desk.is_cloud  # noqa: B018 - serverInfo is read once per process, not per ticket
    cloud.reset_log()
    ticket = desk.get_ticket(TicketRef("jira", key))
    assert ticket.requester_time_zone == "Australia/Sydney"
    assert [(r.method, r.path) for r in cloud.requests] == [("GET", f"/rest/api/2/issue/{key}")]


def test_a_service_desk_customer_without_a_zone_has_none(
    cloud: FakeJiraServer, build: Build
) -> None:
    """A portal customer whose profile shows no timeZone gives a ticket without a zone."""
    key = cloud.add_issue(reporter="portal-ana", comments=[("customer", "Hello")])
    assert build(cloud).get_ticket(TicketRef("jira", key)).requester_time_zone is None


def test_a_null_time_zone_is_none(datacenter: FakeJiraServer, build: Build) -> None:
    """A timeZone shown as null (a private profile) gives a ticket without a zone."""
    datacenter.add_user("bo")
    datacenter.users["bo"]["timeZone"] = None
    key = datacenter.add_issue(reporter="bo", comments=[("customer", "Hello")])
    assert build(datacenter).get_ticket(TicketRef("jira", key)).requester_time_zone is None
