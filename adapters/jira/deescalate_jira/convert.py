"""Jira's JSON -> Ticket and Comment, and TicketChange -> Jira's edit body.

Comment bodies arrive as wiki-markup strings (REST v2, webhooks) or as Atlassian Document Format
(REST v3, some webhooks); both become plain text. Internal comments are told apart by the
service-desk flag (``jsdPublic``, or the ``sd.public.comment`` property on Data Center) or by a
visibility restriction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from deescalate.errors import AdapterError
from deescalate.helpdesk import AuthorRole, Comment, Priority, Ticket, TicketChange, TicketRef

__all__ = [
    "ISSUE_FIELDS",
    "Audience",
    "adf_to_text",
    "body_text",
    "comment_from",
    "edit_body",
    "jira_datetime",
    "mapping",
    "note_body",
    "parse_time",
    "ticket_from",
    "user_id",
]

ISSUE_FIELDS = ("summary", "status", "labels", "priority", "reporter", "assignee", "updated")
"""The issue fields a ticket is built from (``comment`` is added when comments come along)."""

# Wiki markup escapes these with a backslash; Cloud adds such escapes when it turns a stored
# document back into wiki text, so they are removed to give the words as written.
_WIKI_ESCAPE = re.compile(r"\\([\[\]{}*_+^~|!#-])")
_BLOCKS = frozenset(
    {"paragraph", "heading", "blockquote", "codeBlock", "listItem", "tableRow", "panel", "rule"}
)


@dataclass(frozen=True, slots=True)
class Audience:
    """Who counts as the customer, and how internal comments are marked on this site."""

    reporter: str | None
    portal_customers: bool = True
    jsm: bool = True


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one (for optional parts)."""
    return value if isinstance(value, Mapping) else {}


def parse_time(text: Any) -> datetime:
    """An aware datetime from Jira's ``2026-03-02T10:00:00.000+0100`` (or epoch milliseconds)."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return datetime.fromtimestamp(text / 1000, UTC)
    if not isinstance(text, str):
        raise AdapterError(f"Jira sent a time that is not a string: {type(text).__name__}")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise AdapterError(f"Jira sent an unreadable time {text[:40]!r}") from exc
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def jira_datetime(moment: datetime) -> str:
    """Jira's date-time format, ``2026-03-02T15:00:00.000+0000``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000%z")


def user_id(user: Any) -> str | None:
    """A user's id: Cloud's ``accountId``, else Data Center's ``key`` or ``name``."""
    if not isinstance(user, Mapping):
        return None
    for field in ("accountId", "key", "name"):
        value = user.get(field)
        if value:
            return str(value)
    return None


def adf_to_text(node: Any) -> str:
    """The plain text of an Atlassian Document Format node: blocks on their own lines."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            lines.append("".join(current))
            current.clear()

    def walk(item: Any) -> None:
        if not isinstance(item, Mapping):
            return
        kind = item.get("type")
        attrs = mapping(item.get("attrs"))
        if kind == "text":
            current.append(str(item.get("text", "")))
        elif kind == "hardBreak":
            flush()
        elif kind in ("mention", "emoji"):
            current.append(str(attrs.get("text") or attrs.get("shortName") or ""))
        elif kind in ("inlineCard", "blockCard"):
            current.append(str(attrs.get("url", "")))
        children = item.get("content")
        if isinstance(children, Sequence) and not isinstance(children, str):
            if kind in _BLOCKS:
                flush()
            for child in children:
                walk(child)
            if kind in _BLOCKS:
                flush()

    walk(node)
    flush()
    return "\n".join(lines)


def body_text(body: Any) -> str:
    """A comment body as plain text, whether it came as wiki text or as a document."""
    if body is None:
        return ""
    if isinstance(body, str):
        return _WIKI_ESCAPE.sub(r"\1", body)
    if isinstance(body, Mapping):
        return adf_to_text(body)
    raise AdapterError(f"Jira sent a comment body of an unknown kind: {type(body).__name__}")


def note_body(text: str, marker: str | None) -> str:
    """An internal note's wiki text: the note, then the marker line with its brackets escaped
    (unescaped, wiki markup would read them as a link)."""
    if marker is None:
        return text
    escaped = marker.replace("[", "\\[").replace("]", "\\]")
    return f"{text}\n\n{escaped}"


def _is_public(comment: Mapping[str, Any]) -> bool:
    if comment.get("jsdPublic") is False:
        return False
    for prop in comment.get("properties") or ():
        if isinstance(prop, Mapping) and prop.get("key") == "sd.public.comment":
            value = prop.get("value")
            if isinstance(value, Mapping) and value.get("internal") in (True, "true"):
                return False
    return not comment.get("visibility")


def _role(comment: Mapping[str, Any], public: bool, audience: Audience) -> AuthorRole:
    author = comment.get("author")
    if not isinstance(author, Mapping) or author.get("accountType") == "app":
        return AuthorRole.SYSTEM
    if not public:
        return AuthorRole.AGENT  # customers cannot write internal comments
    if audience.reporter is not None and user_id(author) == audience.reporter:
        return AuthorRole.CUSTOMER
    if audience.portal_customers and author.get("accountType") == "customer":
        return AuthorRole.CUSTOMER
    return AuthorRole.AGENT


def comment_from(comment: Mapping[str, Any], audience: Audience) -> Comment:
    """A Comment from Jira's comment JSON."""
    try:
        public = _is_public(comment)
        return Comment(
            id=str(comment["id"]),
            author_role=_role(comment, public, audience),
            body=body_text(comment.get("body")),
            public=public,
            created_at=parse_time(comment["created"]),
            author_id=user_id(comment.get("author")),
            author_name=_name(comment.get("author")),
        )
    except KeyError as exc:
        raise AdapterError(f"Jira sent a comment without {exc.args[0]!r}") from exc


def ticket_from(
    issue: Mapping[str, Any],
    comments: Sequence[Mapping[str, Any]],
    *,
    levels: Mapping[str, Priority],
    audience_of: Any,
) -> Ticket:
    """A Ticket from an issue's JSON and its comments' JSON (in order).

    ``audience_of(reporter_id)`` gives the :class:`Audience` for the issue's reporter.
    """
    fields = issue.get("fields")
    key = issue.get("key")
    if not isinstance(fields, Mapping) or not key:
        raise AdapterError("Jira sent an issue without its key or fields")
    reporter = mapping(fields.get("reporter"))
    audience: Audience = audience_of(user_id(reporter))
    priority = fields.get("priority")
    priority_name = priority.get("name") if isinstance(priority, Mapping) else None
    status = fields.get("status")
    updated = fields.get("updated")
    return Ticket(
        ref=TicketRef("jira", str(key)),
        subject=str(fields.get("summary") or ""),
        status=str(status.get("name", "")) if isinstance(status, Mapping) else "",
        tags=frozenset(str(label) for label in fields.get("labels") or ()),
        priority=levels.get(str(priority_name).lower()) if priority_name else None,
        requester_name=_name(reporter),
        comments=tuple(comment_from(c, audience) for c in comments),
        updated_at=parse_time(updated) if updated else None,
        locale=_locale(reporter),
        assignee=_name(fields.get("assignee")),
        requester_time_zone=_time_zone(reporter),
    )


def _name(user: Any) -> str | None:
    if not isinstance(user, Mapping):
        return None
    name = user.get("displayName") or user.get("name")
    return str(name) if name else None


def _time_zone(user: Mapping[str, Any]) -> str | None:
    """The user's IANA ``timeZone`` (service-desk customers often lack it, or show null)."""
    zone = user.get("timeZone")
    return zone if isinstance(zone, str) and zone else None


def _locale(user: Mapping[str, Any]) -> str | None:
    locale = user.get("locale")  # Data Center shows it; Cloud keeps it private
    return str(locale).replace("_", "-") if locale else None


def edit_body(
    change: TicketChange,
    *,
    priority_name: str | None,
    set_duedate: bool,
    due_field: str | None,
    labels: frozenset[str] | None = None,
    priority: Priority | None = None,
) -> dict[str, Any] | None:
    """The body of one ``PUT /issue/{key}`` for ``change``, or None when it writes nothing.

    Labels are added and removed with ``update`` operations, never by rewriting the list.
    ``labels`` and ``priority``, when known from a recent read, drop operations that would
    change nothing.
    """
    add = sorted(change.tags_to_add - (labels or frozenset()))
    remove = sorted(change.remove_tags & labels if labels is not None else change.remove_tags)
    update: dict[str, Any] = {}
    if add or remove:
        update["labels"] = [{"add": label} for label in add] + [
            {"remove": label} for label in remove
        ]
    fields: dict[str, Any] = {}
    if change.priority is not None and priority_name and change.priority is not priority:
        fields["priority"] = {"name": priority_name}
    if change.reminder is not None:
        if set_duedate:
            fields["duedate"] = change.reminder.due_at.date().isoformat()
        if due_field is not None and due_field.startswith("customfield_"):
            fields[due_field] = jira_datetime(change.reminder.due_at)
    body: dict[str, Any] = {}
    if update:
        body["update"] = update
    if fields:
        body["fields"] = fields
    return body or None
