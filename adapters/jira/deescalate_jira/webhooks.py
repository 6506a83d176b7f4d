"""Jira admin webhooks: the ``X-Hub-Signature`` check and the payloads read into events.

An admin webhook with a secret signs each delivery with ``X-Hub-Signature: sha256=<hex>``, the
HMAC-SHA256 of the raw body under the secret. There is no timestamp, so a replay is caught by
its delivery id, ``X-Atlassian-Webhook-Identifier`` (stable across Jira's retries).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from deescalate.errors import AdapterError, WebhookVerificationError
from deescalate.helpdesk import (
    AuthorRole,
    Comment,
    TicketEvent,
    TicketEventKind,
    TicketRef,
    find_note_marker,
)
from deescalate_jira.convert import (
    Audience,
    body_text,
    comment_from,
    mapping,
    parse_time,
    user_id,
)

__all__ = [
    "DELIVERY_HEADER",
    "EVENTS",
    "SIGNATURE_HEADER",
    "delivery_id",
    "events_from",
    "read_payload",
    "sign",
    "verify_signature",
]

log = logging.getLogger("deescalate.jira")

SIGNATURE_HEADER = "x-hub-signature"
DELIVERY_HEADER = "x-atlassian-webhook-identifier"
EVENTS = ("jira:issue_created", "jira:issue_updated", "comment_created", "comment_updated")
"""The webhook events the adapter reads (and registers for)."""

# jira:issue_updated is also sent for comments, which comment_created/updated already report.
_COMMENT_UPDATES = frozenset({"issue_commented", "issue_comment_edited", "issue_comment_deleted"})


def sign(secret: bytes, body: bytes) -> str:
    """The ``X-Hub-Signature`` value of ``body`` under ``secret``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify_signature(secret: bytes, headers: Mapping[str, str], body: bytes) -> None:
    """Raise ``WebhookVerificationError`` unless the signature header matches ``body``."""
    given = headers.get(SIGNATURE_HEADER)
    if not given:
        raise WebhookVerificationError("the delivery has no X-Hub-Signature header")
    method, sep, digest = given.partition("=")
    if not sep or method.strip().lower() != "sha256":
        raise WebhookVerificationError(
            "the delivery's X-Hub-Signature is not sha256=<hex> (set the webhook's secret)"
        )
    expected = sign(secret, body).partition("=")[2]
    if not hmac.compare_digest(digest.strip().lower().encode(), expected.encode()):
        raise WebhookVerificationError("the delivery's X-Hub-Signature does not verify")


def read_payload(body: bytes) -> dict[str, Any]:
    """The delivery's JSON object, or ``AdapterError`` naming what is wrong."""
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise AdapterError(f"malformed Jira delivery: not JSON ({exc.__class__.__name__})") from exc
    if not isinstance(payload, dict):
        raise AdapterError("malformed Jira delivery: expected a JSON object")
    if not isinstance(payload.get("webhookEvent"), str):
        raise AdapterError("malformed Jira delivery: no 'webhookEvent'")
    return payload


def delivery_id(headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
    """The delivery's id: the identifier header, else one made of the event and its ids."""
    given = headers.get(DELIVERY_HEADER, "").strip()
    if given:
        return given
    issue = mapping(payload.get("issue"))
    comment = mapping(payload.get("comment"))
    parts = [
        str(payload.get("webhookEvent")),
        str(payload.get("timestamp", "")),
        str(issue.get("id", "")),
        str(comment.get("id", "")),
    ]
    return "jira:" + ":".join(parts)


def events_from(
    payload: Mapping[str, Any],
    *,
    delivery: str,
    received_at: datetime,
    own_account: Callable[[], str | None],
    audience_of: Callable[[str | None], Audience],
) -> list[TicketEvent]:
    """The events of one delivery; none for events the adapter's own user caused, for notes
    carrying a marker, and for event types the adapter does not read."""
    kind = str(payload["webhookEvent"])
    if kind not in EVENTS:
        log.info("jira delivery %s: event %r is not handled", delivery, kind[:60])
        return []
    issue = payload.get("issue")
    if not isinstance(issue, Mapping) or not issue.get("key"):
        raise AdapterError(f"malformed Jira delivery: {kind} without an issue key")
    ref = TicketRef("jira", str(issue["key"]))
    fields = mapping(issue.get("fields"))
    reporter = user_id(fields.get("reporter"))
    at = parse_time(payload["timestamp"]) if "timestamp" in payload else received_at
    if kind.startswith("comment_"):
        data = payload.get("comment")
        if not isinstance(data, Mapping):
            raise AdapterError(f"malformed Jira delivery: {kind} without a comment")
        comment = comment_from(data, audience_of(reporter))
        if _ours(comment.author_id, comment.body, own_account):
            return []
        extra = {"jira_event": kind}
        return [TicketEvent(TicketEventKind.COMMENT_ADDED, ref, at, delivery, comment, None, extra)]
    actor = user_id(payload.get("user"))
    if actor is not None and actor == own_account():
        return []
    if kind == "jira:issue_created":
        return [_created(ref, fields, reporter, at, delivery, issue)]
    if payload.get("issue_event_type_name") in _COMMENT_UPDATES:
        return []
    return _updated(ref, payload, fields, at, delivery)


def _ours(author: str | None, body: str, own_account: Callable[[], str | None]) -> bool:
    if find_note_marker(body) is not None:
        return True
    return author is not None and author == own_account()


def _created(
    ref: TicketRef,
    fields: Mapping[str, Any],
    reporter: str | None,
    at: datetime,
    delivery: str,
    issue: Mapping[str, Any],
) -> TicketEvent:
    """A new issue: its description is the customer's first message."""
    text = body_text(fields.get("description"))
    comment = Comment(
        id=f"{issue.get('id', ref.id)}-description",
        author_role=AuthorRole.CUSTOMER,
        body=text,
        public=True,
        created_at=parse_time(fields["created"]) if fields.get("created") else at,
        author_id=reporter,
    )
    extra = {"jira_event": "jira:issue_created"}
    return TicketEvent(TicketEventKind.COMMENT_ADDED, ref, at, delivery, comment, None, extra)


def _updated(
    ref: TicketRef,
    payload: Mapping[str, Any],
    fields: Mapping[str, Any],
    at: datetime,
    delivery: str,
) -> list[TicketEvent]:
    """A status change (solved when the new status is in the done category or a resolution was
    set); other edits give no event."""
    changelog = payload.get("changelog")
    items = changelog.get("items") if isinstance(changelog, Mapping) else None
    changed = {
        str(item.get("field")): item
        for item in items or ()
        if isinstance(item, Mapping) and item.get("field")
    }
    if "status" not in changed and "resolution" not in changed:
        return []
    shown = mapping(fields.get("status"))
    status = mapping(changed.get("status")).get("toString") or shown.get("name")
    category = shown.get("statusCategory")
    resolved = bool(mapping(changed.get("resolution")).get("to"))
    done = resolved or (isinstance(category, Mapping) and category.get("key") == "done")
    kind = TicketEventKind.SOLVED if done else TicketEventKind.STATUS_CHANGED
    extra = {"jira_event": "jira:issue_updated"}
    return [TicketEvent(kind, ref, at, delivery, None, str(status) if status else None, extra)]
