"""Writing: one PUT for labels, priority and due date; one marked note, never duplicated."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from deescalate_jira.testing import FakeJiraServer

from deescalate.errors import AdapterError
from deescalate.helpdesk import Priority, Reminder, TicketChange, TicketRef, find_note_marker
from tests.adapters.jira.conftest import Build

DUE = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
STAGE = TicketChange(
    add_tags={"deescalate-stage-angry"},
    remove_tags={"deescalate-stage-upset"},
    note="Stage: angry.",
    priority=Priority.HIGH,
)


def test_labels_and_priority_go_in_one_put_with_update_operations(
    server: FakeJiraServer, build: Build
) -> None:
    """Labels are added and removed with update operations, priority set, in one PUT."""
    key = server.add_issue(labels=["vip", "deescalate-stage-upset"])
    desk = build(server)
    desk.is_cloud  # noqa: B018 - read once per process
    server.reset_log()
    change = TicketChange(
        add_tags={"deescalate-stage-angry"},
        remove_tags={"deescalate-stage-upset"},
        priority=Priority.HIGH,
    )
    applied = desk.apply(TicketRef("jira", key), change)
    (put,) = server.requests
    assert (put.method, put.path) == ("PUT", f"/rest/api/2/issue/{key}")
    assert put.body == {
        "update": {
            "labels": [{"add": "deescalate-stage-angry"}, {"remove": "deescalate-stage-upset"}]
        },
        "fields": {"priority": {"name": "High"}},
    }
    assert applied.calls == 1
    assert server.labels(key) == ["vip", "deescalate-stage-angry"]


def test_the_common_path_is_one_read_and_two_writes(server: FakeJiraServer, build: Build) -> None:
    """A read with comments, then apply with a key: a PUT and a POST, no second read."""
    key = server.add_issue(comments=[("customer", "Where is my refund?")])
    desk = build(server)
    desk.get_ticket(TicketRef("jira", key))
    server.reset_log()
    applied = desk.apply(TicketRef("jira", key), STAGE, idempotency_key="evt-1")
    assert [r.method for r in server.requests] == ["PUT", "POST"]
    assert applied.calls == 2


def test_without_a_recent_read_the_marker_is_looked_for_first(
    cloud: FakeJiraServer, build: Build
) -> None:
    """A fresh process reads the comments before posting a keyed note (three calls)."""
    key = cloud.add_issue()
    desk = build(cloud)
    desk.is_cloud  # noqa: B018 - read once per process
    applied = desk.apply(TicketRef("jira", key), STAGE, idempotency_key="evt-2")
    assert [r.method for r in cloud.requests[1:]] == ["GET", "PUT", "POST"]
    assert applied.calls == 3


def test_a_restarted_process_finds_the_marker_and_writes_nothing(
    server: FakeJiraServer, build: Build
) -> None:
    """A new adapter over the same issue replays a known key without writing."""
    key = server.add_issue()
    build(server).apply(TicketRef("jira", key), STAGE, idempotency_key="evt-3")
    again = build(server)
    server.reset_log()
    applied = again.apply(TicketRef("jira", key), STAGE, idempotency_key="evt-3")
    assert applied.replayed
    assert applied.note is not None
    assert find_note_marker(applied.note.body) == "evt-3"
    assert {r.method for r in server.requests} == {"GET"}


def test_nothing_is_written_when_nothing_would_change(cloud: FakeJiraServer, build: Build) -> None:
    """Labels already there and a priority already set cost no call after a recent read."""
    key = cloud.add_issue(labels=["deescalate-stage-angry"], priority="High")
    desk = build(cloud)
    desk.get_ticket(TicketRef("jira", key))
    cloud.reset_log()
    change = TicketChange(add_tags={"deescalate-stage-angry"}, priority=Priority.HIGH)
    assert desk.apply(TicketRef("jira", key), change).calls == 0
    assert cloud.requests == []


def test_jsm_notes_are_internal_through_the_comment_property(
    server: FakeJiraServer, build: Build
) -> None:
    """In jsm mode the note carries sd.public.comment internal=true and reads back private."""
    key = server.add_issue()
    desk = build(server)
    desk.apply(TicketRef("jira", key), TicketChange(note="Acknowledge first."))
    (post,) = [r for r in server.requests if r.method == "POST"]
    assert post.body["properties"] == [{"key": "sd.public.comment", "value": {"internal": True}}]
    assert "visibility" not in post.body
    (note,) = [c for c in desk.get_ticket(TicketRef("jira", key)).comments if not c.public]
    assert note.body == "Acknowledge first."


def test_other_projects_restrict_the_note_to_a_role(server: FakeJiraServer, build: Build) -> None:
    """With role:NAME the note is posted with that visibility and no service-desk property."""
    key = server.add_issue()
    build(server, internal="role:Developers").apply(TicketRef("jira", key), TicketChange(note="x"))
    (post,) = [r for r in server.requests if r.method == "POST"]
    assert post.body["visibility"] == {"type": "role", "value": "Developers"}
    assert "properties" not in post.body


def test_the_marker_is_escaped_in_wiki_text_and_read_back_plain(
    cloud: FakeJiraServer, build: Build
) -> None:
    """The marker's brackets are escaped for wiki markup and unescaped when read."""
    key = cloud.add_issue()
    desk = build(cloud)
    desk.apply(TicketRef("jira", key), TicketChange(note="Hello"), idempotency_key="evt-4")
    assert cloud.comments(key)[0]["body"] == "Hello\n\n\\[deescalate ref:evt-4\\]"
    (note,) = build(cloud).get_ticket(TicketRef("jira", key)).comments
    assert note.body == "Hello\n\n[deescalate ref:evt-4]"


def test_the_marker_is_found_in_a_document_body(cloud: FakeJiraServer, build: Build) -> None:
    """A note whose body came back as a document still replays its key."""
    key = cloud.add_issue()
    doc = {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "Earlier note"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "[deescalate ref:evt-5]"}]},
        ],
    }
    cloud.add_comment(key, "deescalate-bot", doc, internal=True)
    applied = build(cloud).apply(
        TicketRef("jira", key), TicketChange(note="x"), idempotency_key="evt-5"
    )
    assert applied.replayed


def test_a_failed_post_is_not_retried_and_is_checked_again(
    cloud: FakeJiraServer, build: Build
) -> None:
    """A 503 on the note is raised at once (one POST); the next try reads again, finds the
    labels written, and posts the note alone."""
    key = cloud.add_issue()
    desk = build(cloud)
    desk.get_ticket(TicketRef("jira", key))
    cloud.fail_next(
        503, headers={"Retry-After": "1"}, path_prefix=f"/rest/api/2/issue/{key}/comment"
    )
    with pytest.raises(AdapterError, match="503"):
        desk.apply(TicketRef("jira", key), STAGE, idempotency_key="evt-6")
    assert cloud.calls("POST") == 1
    cloud.reset_log()
    desk.apply(TicketRef("jira", key), STAGE, idempotency_key="evt-6")
    assert [r.method for r in cloud.requests] == ["GET", "POST"]


def test_a_reminder_sets_the_label_and_due_date(server: FakeJiraServer, build: Build) -> None:
    """A reminder adds its label and the due date in the same PUT."""
    key = server.add_issue()
    build(server).apply(TicketRef("jira", key), TicketChange(reminder=Reminder("due-soon", DUE)))
    (put,) = [r for r in server.requests if r.method == "PUT"]
    assert put.body == {
        "update": {"labels": [{"add": "due-soon"}]},
        "fields": {"duedate": "2026-03-02"},
    }


def test_a_reminder_fills_a_date_time_field(cloud: FakeJiraServer, build: Build) -> None:
    """With DUE_FIELD=customfield_N the due time goes in that field, in the same PUT."""
    key = cloud.add_issue()
    desk = build(cloud, due_field="customfield_10050")
    desk.apply(TicketRef("jira", key), TicketChange(reminder=Reminder("due-soon", DUE)))
    assert cloud.issues[key]["fields"]["customfield_10050"] == "2026-03-02T15:30:00.000+0000"
    assert cloud.calls("PUT") == 1


def test_a_reminder_can_live_in_an_issue_property(cloud: FakeJiraServer, build: Build) -> None:
    """With DUE_FIELD=property:KEY the due time is an issue property (one more PUT)."""
    key = cloud.add_issue()
    desk = build(cloud, due_field="property:deescalate.reminder")
    applied = desk.apply(TicketRef("jira", key), TicketChange(reminder=Reminder("due-soon", DUE)))
    stored = cloud.issues[key]["properties"]["deescalate.reminder"]
    assert stored == {"tag": "due-soon", "due_at": "2026-03-02T15:30:00.000+0000"}
    assert applied.calls == 2


def test_macros_are_kept_as_project_properties(cloud: FakeJiraServer, build: Build) -> None:
    """upsert_macro stores the canned text as a property of the configured project."""
    desk = build(cloud, project="SUP")
    key = desk.upsert_macro("deescalate::en::apology::a", "I'm sorry.", public=True, tags=["x"])
    assert key.startswith("deescalate.macro.deescalate--en--apology--a.")
    value = cloud.project_properties[("SUP", key)]
    assert value == {
        "name": "deescalate::en::apology::a",
        "body": "I'm sorry.",
        "public": True,
        "labels": ["x"],
    }


def test_macros_without_a_project_say_what_to_set(cloud: FakeJiraServer, build: Build) -> None:
    """Without DEESCALATE_JIRA_PROJECT upsert_macro names the setting and the render command."""
    from deescalate.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match=r"DEESCALATE_JIRA_PROJECT.*render --for jira"):
        build(cloud).upsert_macro("m", "text", public=False)
