"""Zendesk webhook deliveries: signature and replay-window checks, and the events they carry.

Zendesk signs a delivery with ``X-Zendesk-Webhook-Signature`` = base64(HMAC-SHA256(secret,
timestamp + raw body)), the timestamp being the ``X-Zendesk-Webhook-Signature-Timestamp`` header
(ISO-8601 UTC). Two kinds of body arrive:

* event subscriptions (``"type": "zen:event-type:ticket.comment_added"``, ``...status_changed``):
  the delivery id is the event's ``id``;
* the JSON body of the trigger ``deescalate setup zendesk`` installs (:data:`TRIGGER_BODY`): the
  delivery id is the ``X-Zendesk-Webhook-Invocation-Id`` header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from deescalate.errors import AdapterError, ConfigurationError, WebhookVerificationError
from deescalate.helpdesk import (
    AuthorRole,
    Comment,
    Delivery,
    TicketEvent,
    TicketEventKind,
    TicketRef,
    find_note_marker,
)
from deescalate_zendesk.convert import SYSTEM, parse_time

__all__ = [
    "INVOCATION_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "TRIGGER_BODY",
    "parse",
    "sign",
    "verify",
]

log = logging.getLogger("deescalate.zendesk.webhooks")

SIGNATURE_HEADER = "x-zendesk-webhook-signature"
TIMESTAMP_HEADER = "x-zendesk-webhook-signature-timestamp"
INVOCATION_HEADER = "x-zendesk-webhook-invocation-id"
_KEPT_HEADERS = (INVOCATION_HEADER, "x-zendesk-webhook-id")

EVENT_PREFIX = "zen:event-type:"
COMMENT_ADDED = "zen:event-type:ticket.comment_added"
STATUS_CHANGED = "zen:event-type:ticket.status_changed"

TRIGGER_BODY: Mapping[str, str] = MappingProxyType(
    {
        "source": "deescalate",
        "ticket_id": "{{ticket.id}}",
        "status": "{{ticket.status}}",
        "updater_id": "{{current_user.id}}",
    }
)
"""The JSON body the installed trigger sends (Zendesk fills the placeholders, as strings)."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature Zendesk sends for ``body`` signed at ``timestamp`` with ``secret``."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("utf-8") + body, hashlib.sha256)
    return base64.b64encode(digest.digest()).decode("ascii")


def verify(
    secret: str | None,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: datetime,
    window: timedelta,
) -> Delivery:
    """Check the signature and timestamp of a delivery and return it, ready to store.

    Raises ``WebhookVerificationError`` for a missing or wrong signature or a timestamp outside
    ``window`` either side of ``now``; ``AdapterError`` for a body that is not a JSON object or
    has no delivery id; ``ConfigurationError`` when no secret is configured.
    """
    if not secret:
        raise ConfigurationError(
            "DEESCALATE_ZENDESK_WEBHOOK_SECRET is not set: copy the webhook's signing secret there"
        )
    lowered = {name.lower(): value for name, value in headers.items()}
    given = lowered.get(SIGNATURE_HEADER)
    stamp = lowered.get(TIMESTAMP_HEADER)
    if not given:
        raise WebhookVerificationError("the delivery has no X-Zendesk-Webhook-Signature header")
    if not stamp:
        raise WebhookVerificationError(
            "the delivery has no X-Zendesk-Webhook-Signature-Timestamp header"
        )
    expected = sign(secret, stamp, body)
    if not hmac.compare_digest(given.strip().encode("ascii", "replace"), expected.encode()):
        raise WebhookVerificationError("the delivery's signature does not verify")
    try:
        signed_at = parse_time(stamp, "the signature timestamp")
    except AdapterError as exc:
        raise WebhookVerificationError(
            "the delivery's X-Zendesk-Webhook-Signature-Timestamp is not an ISO-8601 time"
        ) from exc
    if abs(now - signed_at) > window:
        raise WebhookVerificationError(
            f"the delivery was signed at {stamp}, outside the replay window of "
            f"{window.total_seconds():g} seconds either side of now"
        )
    payload = _payload(body)
    delivery_id = _delivery_id(payload, lowered)
    kept = {name: lowered[name] for name in _KEPT_HEADERS if name in lowered}
    return Delivery(delivery_id, SYSTEM, now, body, MappingProxyType(kept))


def _payload(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise AdapterError(f"malformed Zendesk delivery: not JSON ({type(exc).__name__})") from exc
    if not isinstance(payload, dict):
        raise AdapterError("malformed Zendesk delivery: the body is not a JSON object")
    return payload


def _delivery_id(payload: Mapping[str, Any], headers: Mapping[str, str]) -> str:
    kind = payload.get("type")
    if isinstance(kind, str) and kind.startswith(EVENT_PREFIX):
        event_id = payload.get("id")
        if not isinstance(event_id, str) or not event_id:
            raise AdapterError("malformed Zendesk event: it has no 'id'")
        return event_id
    invocation = headers.get(INVOCATION_HEADER)
    if not invocation:
        raise AdapterError(
            "malformed Zendesk delivery: a trigger body needs the "
            "X-Zendesk-Webhook-Invocation-Id header"
        )
    return invocation


def parse(delivery: Delivery, *, bot_user_id: int | None = None) -> list[TicketEvent]:
    """The events of a stored delivery; none for event types not handled or our own comments."""
    payload = _payload(delivery.body)
    kind = payload.get("type")
    if isinstance(kind, str) and kind.startswith(EVENT_PREFIX):
        if kind == COMMENT_ADDED:
            return _comment_added(payload, delivery, bot_user_id)
        if kind == STATUS_CHANGED:
            return [_status_changed(payload, delivery)]
        log.info(
            "Zendesk event type %s is not handled; delivery %s gives no events", kind, delivery.id
        )
        return []
    if payload.get("source") == TRIGGER_BODY["source"]:
        return _trigger_event(payload, delivery, bot_user_id)
    raise AdapterError(
        "malformed Zendesk delivery: neither an event ('type': 'zen:event-type:...') "
        "nor the body of deescalate's trigger ('source': 'deescalate')"
    )


def _ticket_ref(value: Any, where: str) -> TicketRef:
    text = str(value) if isinstance(value, int | str) else ""
    if not text.isdigit():
        raise AdapterError(f"malformed Zendesk delivery: {where} is not a ticket id")
    return TicketRef(SYSTEM, text)


def _section(payload: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    section = payload.get(key)
    if not isinstance(section, Mapping):
        raise AdapterError(f"malformed Zendesk event: no '{key}' object")
    return section


def _event_time(payload: Mapping[str, Any], delivery: Delivery) -> datetime:
    raw = payload.get("time")
    if not isinstance(raw, str):
        return delivery.received_at
    # Zendesk sends nanoseconds (2021-07-27T02:04:01.541474178Z); keep microseconds.
    head, dot, tail = raw.partition(".")
    if dot:
        digits = "".join(ch for ch in tail if ch.isdigit())
        raw = f"{head}.{digits[:6]}{tail[len(digits) :]}"
    return parse_time(raw, "the event")


def _comment_added(
    payload: Mapping[str, Any], delivery: Delivery, bot_user_id: int | None
) -> list[TicketEvent]:
    ref = _ticket_ref(_section(payload, "detail").get("id"), "'detail.id'")
    comment = _section(_section(payload, "event"), "comment")
    author = comment.get("author") if isinstance(comment.get("author"), Mapping) else {}
    assert isinstance(author, Mapping)
    body = comment.get("body")
    if not isinstance(body, str) or comment.get("id") is None:
        raise AdapterError("malformed Zendesk event: the comment needs an 'id' and a 'body'")
    author_id = str(author.get("id")) if author.get("id") is not None else None
    if find_note_marker(body) is not None or (
        bot_user_id is not None and author_id == str(bot_user_id)
    ):
        log.debug("delivery %s reports deescalate's own comment: no events", delivery.id)
        return []
    at = _event_time(payload, delivery)
    role = AuthorRole.AGENT if author.get("is_staff") else AuthorRole.CUSTOMER
    public = comment.get("is_public", True)
    event_comment = Comment(
        id=str(comment["id"]),
        author_role=role,
        body=body,
        public=bool(public),
        created_at=at,
        author_id=author_id,
    )
    return [TicketEvent(TicketEventKind.COMMENT_ADDED, ref, at, delivery.id, comment=event_comment)]


def _status_changed(payload: Mapping[str, Any], delivery: Delivery) -> TicketEvent:
    ref = _ticket_ref(_section(payload, "detail").get("id"), "'detail.id'")
    current = _section(payload, "event").get("current")
    if not isinstance(current, str) or not current:
        raise AdapterError("malformed Zendesk event: a status change needs 'event.current'")
    status = current.lower()
    kind = TicketEventKind.SOLVED if status == "solved" else TicketEventKind.STATUS_CHANGED
    return TicketEvent(kind, ref, _event_time(payload, delivery), delivery.id, status=status)


def _trigger_event(
    payload: Mapping[str, Any], delivery: Delivery, bot_user_id: int | None
) -> list[TicketEvent]:
    ref = _ticket_ref(payload.get("ticket_id"), "'ticket_id'")
    updater = str(payload.get("updater_id") or "")
    if bot_user_id is not None and updater == str(bot_user_id):
        log.debug("delivery %s reports deescalate's own update: no events", delivery.id)
        return []
    status = str(payload.get("status") or "").lower() or None
    extra = {"updater_id": updater} if updater else {}
    return [
        TicketEvent(
            TicketEventKind.COMMENT_ADDED,
            ref,
            delivery.received_at,
            delivery.id,
            status=status,
            extra=extra,
        )
    ]
