"""Webhook deliveries: signatures, the replay window, both payload kinds, and what gives no events."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from deescalate_zendesk import ZendeskHelpdesk
from deescalate_zendesk.testing import FakeZendeskServer
from deescalate_zendesk.webhooks import TRIGGER_BODY, sign

from deescalate.errors import AdapterError, ConfigurationError, WebhookVerificationError
from deescalate.helpdesk import AuthorRole, TicketChange, TicketEventKind, TicketRef
from tests.adapters.zendesk.conftest import Clock, MakeDesk


def event(kind: str, **fields: object) -> bytes:
    payload = {"id": "ev-1", "type": kind, "time": "2026-03-02T09:00:00.123456789Z", **fields}
    return json.dumps(payload).encode()


def test_comment_added_event_gives_a_comment(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A customer's comment becomes a comment-added event with the event's id."""
    ticket_id = server.add_ticket("T", [("customer", "a")])
    headers, body = server.comment_added_delivery(ticket_id, "Where is it?", event_id="ev-7")
    (found,) = desk.parse_webhook(headers, body)
    assert found.kind is TicketEventKind.COMMENT_ADDED
    assert found.delivery_id == "ev-7"
    assert found.comment is not None
    assert found.comment.body == "Where is it?"
    assert found.comment.author_role is AuthorRole.CUSTOMER


def test_headers_match_in_any_case(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """ASGI servers lower-case header names; the check does not care."""
    ticket_id = server.add_ticket("T", [("customer", "a")])
    headers, body = server.comment_added_delivery(ticket_id, "x", event_id="ev-8")
    lowered = {k.lower(): v for k, v in headers.items()}
    upper = {k.upper(): v for k, v in headers.items()}
    assert desk.verify_webhook(lowered, body).id == desk.verify_webhook(upper, body).id == "ev-8"


def test_wrong_secret_is_refused(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """A delivery signed with another secret raises WebhookVerificationError."""
    body = event("zen:event-type:ticket.comment_added")
    with pytest.raises(WebhookVerificationError, match="does not verify"):
        desk.verify_webhook(server.sign(body, secret="not-the-secret"), body)


def test_body_then_timestamp_order_is_refused(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """The old documented order (body, then timestamp) does not verify."""
    body = event("zen:event-type:ticket.comment_added")
    headers = server.sign(body)
    stamp = headers["X-Zendesk-Webhook-Signature-Timestamp"]
    headers["X-Zendesk-Webhook-Signature"] = sign(server.secret, "", body + stamp.encode())
    with pytest.raises(WebhookVerificationError):
        desk.verify_webhook(headers, body)


@pytest.mark.parametrize("minutes", [-6, 6])
def test_timestamp_outside_the_window_is_refused(
    server: FakeZendeskServer, desk: ZendeskHelpdesk, clock: Clock, minutes: int
) -> None:
    """A signature made more than five minutes before or after now is stale."""
    body = event("zen:event-type:ticket.comment_added")
    stamp = (clock.now + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with pytest.raises(WebhookVerificationError, match="replay window"):
        desk.verify_webhook(server.sign(body, timestamp=stamp), body)


def test_timestamp_inside_the_window_is_accepted(
    server: FakeZendeskServer, desk: ZendeskHelpdesk, clock: Clock
) -> None:
    """Four minutes of clock difference either way is fine."""
    body = event("zen:event-type:ticket.comment_added")
    stamp = (clock.now - timedelta(minutes=4)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert desk.verify_webhook(server.sign(body, timestamp=stamp), body).id == "ev-1"


def test_truncated_body_is_refused(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """A body cut short in transit fails the signature check."""
    body = event("zen:event-type:ticket.comment_added")
    with pytest.raises(WebhookVerificationError):
        desk.verify_webhook(server.sign(body), body[:-10])


def test_missing_signature_header_is_named(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A delivery without the signature header says which header is missing."""
    body = event("zen:event-type:ticket.comment_added")
    headers = server.sign(body)
    del headers["X-Zendesk-Webhook-Signature"]
    with pytest.raises(WebhookVerificationError, match="X-Zendesk-Webhook-Signature header"):
        desk.verify_webhook(headers, body)


def test_malformed_body_is_an_adapter_error(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A correctly signed body that is not JSON raises AdapterError saying so."""
    body = b'{"type": "zen:event-type:ticket.comment_added", '
    with pytest.raises(AdapterError, match="not JSON"):
        desk.verify_webhook(server.sign(body), body)


def test_event_without_detail_is_an_adapter_error(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A comment event with no 'detail' names what is missing."""
    body = event("zen:event-type:ticket.comment_added", event={"comment": {}})
    with pytest.raises(AdapterError, match="'detail'"):
        desk.parse_webhook(server.sign(body), body)


def test_unknown_event_type_gives_no_events(
    server: FakeZendeskServer, desk: ZendeskHelpdesk, caplog: pytest.LogCaptureFixture
) -> None:
    """An event type the adapter does not handle gives nothing, with one INFO line."""
    body = event("zen:event-type:ticket.brand_changed", detail={"id": "5"})
    with caplog.at_level(logging.INFO, logger="deescalate.zendesk"):
        assert desk.parse_webhook(server.sign(body), body) == []
    assert [r.levelno for r in caplog.records] == [logging.INFO]


def test_status_change_to_solved_is_a_solved_event(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A status change to SOLVED gives a solved event; others a status change."""
    solved = event(
        "zen:event-type:ticket.status_changed",
        detail={"id": "5"},
        event={"current": "SOLVED", "previous": "OPEN"},
    )
    pending = event(
        "zen:event-type:ticket.status_changed",
        detail={"id": "5"},
        event={"current": "PENDING", "previous": "OPEN"},
    )
    (first,) = desk.parse_webhook(server.sign(solved), solved)
    (second,) = desk.parse_webhook(server.sign(pending), pending)
    assert (first.kind, first.status) == (TicketEventKind.SOLVED, "solved")
    assert (second.kind, second.status) == (TicketEventKind.STATUS_CHANGED, "pending")
    assert first.ref == TicketRef("zendesk", "5")


def test_trigger_body_uses_the_invocation_id(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """The installed trigger's body gives a comment event whose id is the invocation id."""
    body = json.dumps(
        {**TRIGGER_BODY, "ticket_id": "42", "status": "open", "updater_id": "7"}
    ).encode()
    headers = server.sign(body)
    (found,) = desk.parse_webhook(headers, body)
    assert found.delivery_id == headers["X-Zendesk-Webhook-Invocation-Id"]
    assert found.ref == TicketRef("zendesk", "42")
    assert found.kind is TicketEventKind.COMMENT_ADDED


def test_trigger_body_without_invocation_id_is_refused(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """Without the invocation id a trigger body has no delivery id: AdapterError naming it."""
    body = json.dumps({**TRIGGER_BODY, "ticket_id": "42"}).encode()
    headers = server.sign(body)
    del headers["X-Zendesk-Webhook-Invocation-Id"]
    with pytest.raises(AdapterError, match="Invocation-Id"):
        desk.verify_webhook(headers, body)


def test_own_notes_give_no_events(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """A comment carrying deescalate's marker, or written by its user, is not an event."""
    ticket_id = server.add_ticket("T", [("customer", "a")])
    desk.apply(TicketRef("zendesk", str(ticket_id)), TicketChange(note="n"))
    marked = server.comment_added_delivery(ticket_id, "n\n\n[deescalate ref:evt-1]", event_id="a")
    by_bot = server.comment_added_delivery(ticket_id, "hi", event_id="b", author_id=server.bot_id)
    assert desk.parse_webhook(*marked) == []
    assert desk.parse_webhook(*by_bot) == []


def test_no_secret_is_a_configuration_error(make_desk: MakeDesk, server: FakeZendeskServer) -> None:
    """Verifying with no secret configured names the variable to set."""
    desk = make_desk(webhook_secret=None)
    body = event("zen:event-type:ticket.comment_added")
    with pytest.raises(ConfigurationError, match="DEESCALATE_ZENDESK_WEBHOOK_SECRET"):
        desk.verify_webhook(server.sign(body), body)


def test_install_webhook_is_idempotent(
    make_desk: MakeDesk, server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A second run finds the webhook and trigger and creates nothing."""
    first = desk.install_webhook("https://hooks.example.com/zendesk")
    second = make_desk().install_webhook("https://hooks.example.com/zendesk")
    assert [line.endswith("created") for line in first] == [True, True]
    assert [line.endswith("already there") for line in second] == [True, True]
    assert len(server.state.webhooks) == len(server.state.triggers) == 1


def test_installed_trigger_posts_the_ticket_id(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """The trigger calls the webhook with a JSON body naming the ticket."""
    desk.install_webhook("https://hooks.example.com/zendesk")
    (hook,) = server.state.webhooks.values()
    (trigger,) = server.state.triggers.values()
    (action,) = trigger["actions"]
    assert action["field"] == "notification_webhook"
    assert action["value"][0] == hook["id"]
    assert json.loads(action["value"][1])["ticket_id"] == "{{ticket.id}}"
    assert hook["endpoint"] == "https://hooks.example.com/zendesk"
