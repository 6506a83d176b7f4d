"""Webhooks: X-Hub-Signature, the four events, delivery ids, and echoes of our own writes."""

from __future__ import annotations

import json
import logging

import pytest
from deescalate_jira.testing import FakeJiraServer, sign_delivery

from deescalate.errors import AdapterError, WebhookVerificationError
from deescalate.helpdesk import AuthorRole, TicketChange, TicketEventKind, TicketRef
from tests.adapters.jira.conftest import Build

DOC = {
    "type": "doc",
    "version": 1,
    "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Still broken"}]}],
}


def test_a_customer_comment_is_a_comment_event(server: FakeJiraServer, build: Build) -> None:
    """comment_created gives a comment-added event with the customer's words."""
    key = server.add_issue()
    body = server.comment_event(key, server.add_comment(key, "customer", "Where is it?"))
    (event,) = build(server).parse_webhook(server.signed(body, "d-1"), body)
    assert (event.kind, event.ref, event.delivery_id) == (
        TicketEventKind.COMMENT_ADDED,
        TicketRef("jira", key),
        "d-1",
    )
    assert event.comment is not None
    assert event.comment.author_role is AuthorRole.CUSTOMER
    assert event.comment.body == "Where is it?"


def test_a_document_comment_body_is_read(cloud: FakeJiraServer, build: Build) -> None:
    """A comment body sent as a document reads as text."""
    key = cloud.add_issue()
    body = cloud.comment_event(key, cloud.add_comment(key, "customer", DOC))
    (event,) = build(cloud).parse_webhook(cloud.signed(body, "d-2"), body)
    assert event.comment is not None
    assert event.comment.body == "Still broken"


def test_the_delivery_id_is_the_identifier_header(server: FakeJiraServer, build: Build) -> None:
    """verify_webhook keeps X-Atlassian-Webhook-Identifier as the id, whatever its case."""
    key = server.add_issue()
    body = server.comment_event(key, server.add_comment(key, "customer", "x"))
    headers = {k.lower(): v for k, v in server.signed(body, "abc-123").items()}
    delivery = build(server).verify_webhook(headers, body)
    assert delivery.id == "abc-123"
    assert dict(delivery.headers) == {"x-atlassian-webhook-identifier": "abc-123"}


def test_a_wrong_secret_is_refused(server: FakeJiraServer, build: Build) -> None:
    """A delivery signed with another secret raises WebhookVerificationError."""
    key = server.add_issue()
    body = server.comment_event(key, server.add_comment(key, "customer", "x"))
    with pytest.raises(WebhookVerificationError, match="does not verify"):
        build(server).verify_webhook(sign_delivery("other", body, "d"), body)


def test_an_unsigned_delivery_is_refused(cloud: FakeJiraServer, build: Build) -> None:
    """A delivery without X-Hub-Signature is refused, naming the header."""
    with pytest.raises(WebhookVerificationError, match="X-Hub-Signature"):
        build(cloud).verify_webhook({"X-Atlassian-Webhook-Identifier": "d"}, b"{}")


def test_a_malformed_body_is_an_adapter_error(cloud: FakeJiraServer, build: Build) -> None:
    """A correctly signed body that is not JSON raises AdapterError saying so."""
    body = b"{not json"
    with pytest.raises(AdapterError, match="not JSON"):
        build(cloud).verify_webhook(cloud.signed(body, "d"), body)


def test_an_unknown_event_gives_none_and_logs(
    cloud: FakeJiraServer, build: Build, caplog: pytest.LogCaptureFixture
) -> None:
    """An event type the adapter does not read gives no events and one INFO line."""
    body = json.dumps({"webhookEvent": "worklog_created", "timestamp": 1}).encode()
    with caplog.at_level(logging.INFO, logger="deescalate.jira"):
        assert build(cloud).parse_webhook(cloud.signed(body, "d"), body) == []
    assert "worklog_created" in caplog.text


def test_our_own_notes_give_no_events(server: FakeJiraServer, build: Build) -> None:
    """A comment the adapter's user wrote (the note it posted) gives no event."""
    key = server.add_issue()
    desk = build(server)
    desk.apply(TicketRef("jira", key), TicketChange(note="Acknowledge."), idempotency_key="k")
    body = server.comment_event(key, server.comments(key)[-1])
    assert desk.parse_webhook(server.signed(body, "d"), body) == []


def test_a_marked_note_by_someone_else_gives_no_event(cloud: FakeJiraServer, build: Build) -> None:
    """A comment carrying a note marker gives no event, whoever posted it."""
    key = cloud.add_issue()
    comment = cloud.add_comment(key, "agent", "copied\n\\[deescalate ref:x\\]")
    body = cloud.comment_event(key, comment)
    assert build(cloud).parse_webhook(cloud.signed(body, "d"), body) == []


def test_a_new_issue_is_the_customer_first_message(cloud: FakeJiraServer, build: Build) -> None:
    """jira:issue_created gives a comment event with the description."""
    key = cloud.add_issue(description="Nothing works!")
    body = cloud.issue_event(key, "jira:issue_created")
    (event,) = build(cloud).parse_webhook(cloud.signed(body, "d"), body)
    assert event.comment is not None
    assert event.comment.body == "Nothing works!"
    assert event.comment.author_role is AuthorRole.CUSTOMER


def test_a_status_change_to_done_is_solved(server: FakeJiraServer, build: Build) -> None:
    """jira:issue_updated moving to a done status gives a solved event."""
    key = server.add_issue(status="Done")
    body = server.issue_event(key, user="agent", changes={"status": ("Open", "Done")})
    (event,) = build(server).parse_webhook(server.signed(body, "d"), body)
    assert (event.kind, event.status) == (TicketEventKind.SOLVED, "Done")


def test_a_status_change_elsewhere_is_status_changed(cloud: FakeJiraServer, build: Build) -> None:
    """A move to a status that is not done gives status-changed."""
    key = cloud.add_issue(status="Waiting")
    body = cloud.issue_event(key, user="agent", changes={"status": ("Open", "Waiting")})
    (event,) = build(cloud).parse_webhook(cloud.signed(body, "d"), body)
    assert (event.kind, event.status) == (TicketEventKind.STATUS_CHANGED, "Waiting")


def test_label_edits_and_comment_echoes_give_none(cloud: FakeJiraServer, build: Build) -> None:
    """issue_updated for labels only, or for a comment (reported by comment_created), gives none."""
    key = cloud.add_issue()
    desk = build(cloud)
    labels = cloud.issue_event(key, user="agent", changes={"labels": ("", "x")})
    commented = cloud.issue_event(key, user="agent", event_type="issue_commented")
    assert desk.parse_webhook(cloud.signed(labels, "a"), labels) == []
    assert desk.parse_webhook(cloud.signed(commented, "b"), commented) == []


def test_updates_by_our_own_user_give_none(cloud: FakeJiraServer, build: Build) -> None:
    """An issue update made by the adapter's user gives no event."""
    key = cloud.add_issue(status="Done")
    body = cloud.issue_event(key, user="deescalate-bot", changes={"status": ("Open", "Done")})
    assert build(cloud).parse_webhook(cloud.signed(body, "d"), body) == []


def test_without_a_secret_nothing_verifies(cloud: FakeJiraServer, build: Build) -> None:
    """With no webhook secret configured, deliveries are refused naming the setting."""
    desk = build(cloud, webhook_secret=None)
    with pytest.raises(WebhookVerificationError, match="DEESCALATE_JIRA_WEBHOOK_SECRET"):
        desk.verify_webhook({}, b"{}")


def test_install_webhook_creates_once(cloud: FakeJiraServer, build: Build) -> None:
    """install_webhook registers the four events with the secret, and finds it the next time."""
    desk = build(cloud, jql="project = SUP")
    first = desk.install_webhook("https://hooks.example.test/jira")
    second = desk.install_webhook("https://hooks.example.test/jira")
    assert first[0].startswith("created webhook")
    assert second[0].startswith("found webhook")
    (post,) = [r for r in cloud.requests if r.method == "POST"]
    assert post.body["secret"] == "webhook-secret"
    assert post.body["events"] == [
        "jira:issue_created",
        "jira:issue_updated",
        "comment_created",
        "comment_updated",
    ]
    assert post.body["filters"] == {"issue-related-events-section": "project = SUP"}
    assert len(cloud.webhooks) == 1


def test_install_webhook_adds_missing_events(cloud: FakeJiraServer, build: Build) -> None:
    """A webhook to the same address lacking some events is updated, not duplicated."""
    cloud.webhooks.append(
        {
            "name": "old",
            "url": "https://h.example.test/j",
            "events": ["comment_created"],
            "self": f"{cloud.url}/rest/webhooks/1.0/webhook/7",
        }
    )
    (line,) = build(cloud).install_webhook("https://h.example.test/j")
    assert line.startswith("updated webhook 7")
    assert set(cloud.webhooks[0]["events"]) >= {"jira:issue_created", "comment_updated"}
