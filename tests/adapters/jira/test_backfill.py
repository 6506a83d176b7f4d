"""Backfill: export pages with comments (token or startAt paging), resumable; bulk labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from deescalate_jira.testing import FakeJiraServer

from deescalate.errors import InputError
from deescalate.helpdesk import BulkHelpdesk, TicketChange, TicketRef, WebhookInstaller
from tests.adapters.jira.conftest import Build

SINCE = datetime.now(UTC) - timedelta(days=1)
STAGE = TicketChange(add_tags={"deescalate-stage-upset"}, remove_tags={"old"})


def _export_all(desk: object, **kwargs: object) -> list[str]:
    keys: list[str] = []
    cursor = None
    while True:
        page = desk.export_tickets(since=SINCE, cursor=cursor, **kwargs)  # type: ignore[attr-defined]
        keys += [t.ref.id for t in page.tickets]
        if page.done:
            return keys
        cursor = page.cursor


def test_the_adapter_offers_bulk_and_setup(cloud: FakeJiraServer, build: Build) -> None:
    """JiraHelpdesk implements BulkHelpdesk and WebhookInstaller."""
    desk = build(cloud)
    assert isinstance(desk, BulkHelpdesk)
    assert isinstance(desk, WebhookInstaller)


def test_cloud_exports_through_search_jql_with_tokens(cloud: FakeJiraServer, build: Build) -> None:
    """Cloud pages /search/jql by nextPageToken, 100 issues a page, comments included."""
    keys = [cloud.add_issue(comments=[("customer", "hi")]) for _ in range(250)]
    desk = build(cloud)
    assert _export_all(desk) == keys
    searches = [r for r in cloud.requests if r.path.startswith("/rest/api/2/search")]
    assert [r.path for r in searches] == ["/rest/api/2/search/jql"] * 3
    assert "nextPageToken" in searches[1].query
    assert "comment" in searches[0].query["fields"].split(",")
    assert cloud.count("GET", "/rest/api/2/issue/") == 0


def test_data_center_exports_through_search_with_start_at(
    datacenter: FakeJiraServer, build: Build
) -> None:
    """Data Center pages /search by startAt (role visibility: no comment reads)."""
    keys = [datacenter.add_issue() for _ in range(150)]
    desk = build(datacenter, internal="role:Developers")
    assert _export_all(desk) == keys
    starts = [r.query["startAt"] for r in datacenter.requests if r.path == "/rest/api/2/search"]
    assert starts == ["0", "100"]
    assert datacenter.count("GET", "/rest/api/2/issue/") == 0


def test_exported_tickets_carry_their_comments(server: FakeJiraServer, build: Build) -> None:
    """Each exported ticket has its comments, roles and visibility."""
    key = server.add_issue(comments=[("customer", "Broken"), ("agent", "On it")])
    server.add_comment(key, "agent", "internal", internal=True)
    (ticket,) = build(server).export_tickets(since=SINCE).tickets
    assert [(c.body, c.public) for c in ticket.comments] == [
        ("Broken", True),
        ("On it", True),
        ("internal", False),
    ]


def test_an_export_resumes_from_its_cursor(server: FakeJiraServer, build: Build) -> None:
    """A cursor stored after a page lets a new adapter continue where the first stopped."""
    keys = [server.add_issue() for _ in range(120)]
    first = build(server).export_tickets(since=SINCE)
    rest = build(server).export_tickets(since=SINCE, cursor=first.cursor)
    assert [t.ref.id for t in first.tickets + rest.tickets] == keys
    assert rest.done


def test_the_export_follows_the_jql(cloud: FakeJiraServer, build: Build) -> None:
    """Only issues matching DEESCALATE_JIRA_JQL (or query=) are exported."""
    cloud.add_issue(project="OPS")
    wanted = cloud.add_issue(project="SUP")
    assert _export_all(build(cloud, jql="project = SUP")) == [wanted]
    assert _export_all(build(cloud), query="project = OPS") == ["OPS-1"]


def test_a_tampered_cursor_is_refused(cloud: FakeJiraServer, build: Build) -> None:
    """A cursor that is not one of ours raises InputError."""
    with pytest.raises(InputError, match="cursor"):
        build(cloud).export_tickets(since=SINCE, cursor="bm9wZQ")


def test_cloud_bulk_edits_shared_label_changes(cloud: FakeJiraServer, build: Build) -> None:
    """Label-only changes shared by many issues go in bulk: add, remove, and polls."""
    keys = [cloud.add_issue(labels=["old"]) for _ in range(30)]
    desk = build(cloud)
    outcomes = desk.apply_many([(TicketRef("jira", k), STAGE) for k in keys])
    assert all(o.ok for o in outcomes)
    assert [o.ref.id for o in outcomes] == keys
    assert cloud.count("POST", "/rest/api/3/bulk/issues/fields") == 2
    assert cloud.count("PUT") == 0
    assert all(cloud.labels(k) == ["deescalate-stage-upset"] for k in keys)


def test_a_running_bulk_task_is_polled_until_it_ends(cloud: FakeJiraServer, build: Build) -> None:
    """A task still RUNNING is polled again until it completes."""
    cloud.bulk_polls = 2
    keys = [cloud.add_issue() for _ in range(3)]
    desk = build(cloud)
    desk.apply_many([(TicketRef("jira", k), TicketChange(add_tags={"x"})) for k in keys])
    assert cloud.count("GET", "/rest/api/3/bulk/queue/") == 3


def test_a_bulk_failure_falls_back_to_one_put_each(cloud: FakeJiraServer, build: Build) -> None:
    """When the task reports an inaccessible issue, each issue is written alone with its outcome."""
    keys = [cloud.add_issue() for _ in range(3)]
    cloud.delete_issue(keys[1])
    outcomes = build(cloud).apply_many(
        [(TicketRef("jira", k), TicketChange(add_tags={"x"})) for k in keys]
    )
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error is not None
    assert "404" in outcomes[1].error


def test_data_center_writes_one_put_per_issue(datacenter: FakeJiraServer, build: Build) -> None:
    """Data Center has no bulk edit: one PUT per issue, one outcome each."""
    keys = [datacenter.add_issue() for _ in range(4)]
    outcomes = build(datacenter).apply_many(
        [(TicketRef("jira", k), TicketChange(add_tags={"x"})) for k in keys]
    )
    assert all(o.ok for o in outcomes)
    assert datacenter.count("PUT") == 4
    assert datacenter.count("POST") == 0


def test_changes_with_notes_are_applied_one_by_one(cloud: FakeJiraServer, build: Build) -> None:
    """A change with a note is not a bulk label edit: it is applied on its own."""
    keys = [cloud.add_issue() for _ in range(2)]
    change = TicketChange(add_tags={"x"}, note="hello")
    outcomes = build(cloud).apply_many([(TicketRef("jira", k), change) for k in keys])
    assert all(o.ok for o in outcomes)
    assert cloud.count("POST", "/rest/api/2/issue/") == 2
    assert cloud.count("POST", "/rest/api/3/") == 0
