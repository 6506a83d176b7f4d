"""Zendesk's JSON to deescalate's tickets and comments, and a TicketChange to a ticket update."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from deescalate.errors import AdapterError
from deescalate.helpdesk import (
    AuthorRole,
    Comment,
    Priority,
    Ticket,
    TicketChange,
    TicketRef,
    note_marker,
)
from deescalate.text import decode_text, prepare
from deescalate_zendesk.schedules import iana_zone

__all__ = [
    "SYSTEM",
    "author_role",
    "comment_from",
    "parse_time",
    "priority_from",
    "ticket_from",
    "update_body",
]

SYSTEM = "zendesk"

_PRIORITIES = {
    "low": Priority.LOW,
    "normal": Priority.NORMAL,
    "high": Priority.HIGH,
    "urgent": Priority.URGENT,
}
_STAFF_ROLES = frozenset({"agent", "admin"})


def parse_time(value: Any, what: str) -> datetime:
    """An aware datetime from Zendesk's ISO-8601 text (``2026-03-02T09:00:00Z``)."""
    if not isinstance(value, str):
        raise AdapterError(f"Zendesk gave no time for {what}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise AdapterError(f"Zendesk gave an unreadable time for {what}") from exc
    if moment.tzinfo is None:
        raise AdapterError(f"Zendesk gave a time without a zone for {what}")
    return moment


def priority_from(value: Any) -> Priority | None:
    """Zendesk's priority (``low`` ... ``urgent``, any case) as a Priority; None when unset."""
    if not isinstance(value, str):
        return None
    return _PRIORITIES.get(value.lower())


def author_role(user: Mapping[str, Any] | None) -> AuthorRole:
    """End users are customers; agents and admins are agents; unknown authors are the system."""
    if user is None:
        return AuthorRole.SYSTEM
    return AuthorRole.AGENT if user.get("role") in _STAFF_ROLES else AuthorRole.CUSTOMER


def plain_body(comment: Mapping[str, Any]) -> str:
    """The comment as plain text: Zendesk's plain body, or its HTML read as text."""
    for key in ("plain_body", "body"):
        value = comment.get(key)
        if isinstance(value, str) and value:
            return decode_text(value)
    html_body = comment.get("html_body")
    if isinstance(html_body, str) and html_body:
        return prepare(decode_text(html_body)).text
    return ""


def comment_from(data: Mapping[str, Any], users: Mapping[int, Mapping[str, Any]]) -> Comment:
    """A Comment from Zendesk's comment JSON; ``users`` (by id) give the author's role."""
    try:
        comment_id = str(data["id"])
        author_id = data.get("author_id")
        public = bool(data.get("public", True))
    except (KeyError, TypeError) as exc:
        raise AdapterError("Zendesk gave a comment without an id") from exc
    user = users.get(int(author_id)) if isinstance(author_id, int) else None
    return Comment(
        id=comment_id,
        author_role=author_role(user),
        body=plain_body(data),
        public=public,
        created_at=parse_time(data.get("created_at"), f"comment {comment_id}"),
        author_id=str(author_id) if author_id is not None else None,
        author_name=_text(user, "name"),
    )


def users_by_id(users: Iterable[Any]) -> dict[int, Mapping[str, Any]]:
    """Sideloaded users keyed by id (entries that are not user objects are skipped)."""
    return {
        int(u["id"]): u for u in users if isinstance(u, Mapping) and isinstance(u.get("id"), int)
    }


def ticket_from(
    data: Mapping[str, Any],
    comments: Iterable[Comment],
    users: Mapping[int, Mapping[str, Any]],
) -> Ticket:
    """A Ticket from Zendesk's ticket JSON, its comments and the sideloaded users."""
    if not isinstance(data, Mapping) or not isinstance(data.get("id"), int):
        raise AdapterError("Zendesk gave a ticket without a numeric id")
    requester = users.get(data.get("requester_id") or -1)
    assignee = users.get(data.get("assignee_id") or -1)
    tags = data.get("tags") or []
    return Ticket(
        ref=TicketRef(SYSTEM, str(data["id"])),
        subject=str(data.get("subject") or data.get("raw_subject") or ""),
        status=str(data.get("status") or "").lower(),
        tags=frozenset(str(t) for t in tags),
        priority=priority_from(data.get("priority")),
        requester_name=_text(requester, "name"),
        comments=tuple(comments),
        updated_at=parse_time(data["updated_at"], "ticket") if data.get("updated_at") else None,
        locale=_text(requester, "locale"),
        assignee=_text(assignee, "name"),
        requester_time_zone=_time_zone(requester),
    )


def _time_zone(user: Mapping[str, Any] | None) -> str | None:
    """The user's IANA zone: ``iana_time_zone``, else the Rails name in ``time_zone`` mapped."""
    iana = _text(user, "iana_time_zone")
    if iana is not None:
        return iana
    rails = _text(user, "time_zone")
    return iana_zone(rails) if rails is not None else None


def _text(user: Mapping[str, Any] | None, key: str) -> str | None:
    value = user.get(key) if user is not None else None
    return str(value) if value else None


def note_body(note: str, idempotency_key: str | None) -> str:
    """The note as posted: its text, then the marker line that makes a repeat recognisable."""
    return f"{note}\n\n{note_marker(idempotency_key)}" if idempotency_key else note


def update_body(
    change: TicketChange,
    *,
    idempotency_key: str | None = None,
    due_field: int | None = None,
    time_zone: str = "UTC",
) -> dict[str, Any]:
    """The ``ticket`` object of one ``PUT /api/v2/tickets/{id}.json`` that makes ``change``.

    Tags are added and removed with ``additional_tags`` and ``remove_tags`` (never a whole tag
    list, which would undo others' concurrent edits); the note is a private comment; a reminder
    adds its tag and, with ``due_field``, puts its due date (``YYYY-MM-DD`` in ``time_zone``, a
    date field holds no time) in that custom field, while a line of the note keeps the exact time.
    """
    ticket: dict[str, Any] = {}
    if change.tags_to_add:
        ticket["additional_tags"] = sorted(change.tags_to_add)
    if change.remove_tags:
        ticket["remove_tags"] = sorted(change.remove_tags)
    if change.priority is not None:
        ticket["priority"] = change.priority.value
    note = change.note
    if change.reminder is not None:
        due = change.reminder.due_at.astimezone(ZoneInfo(time_zone))
        if due_field is not None:
            ticket["custom_fields"] = [{"id": due_field, "value": due.date().isoformat()}]
        line = f"Reminder ({change.reminder.tag}) due {due.isoformat(timespec='minutes')}."
        note = f"{note}\n\n{line}" if note else line
    if note is not None:
        ticket["comment"] = {"body": note_body(note, idempotency_key), "public": False}
    return ticket
