"""The Helpdesk protocol every adapter implements, and the models it speaks.

An adapter (Zendesk, Jira, or a third party's) reads tickets and comments, adds and removes tags,
posts internal notes, marks reminders, sets priority, keeps macros in sync, verifies and parses
webhook deliveries, and lists tickets changed since a cursor. Every call translates the client
library's errors into :mod:`deescalate.errors` (``RateLimited`` with ``retry_after``, ``NotFound``,
``AuthError``, ``AdapterError``) at the adapter's edge. Calls that write take an optional
``idempotency_key``: repeating a call with the same key has no further effect, which is what lets
the worker retry after a crash without writing twice.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

__all__ = [
    "AuthorRole",
    "Comment",
    "Helpdesk",
    "Ticket",
    "TicketEvent",
    "TicketEventKind",
    "TicketRef",
]


class AuthorRole(enum.StrEnum):
    """Who wrote a comment."""

    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True, order=True)
class TicketRef:
    """A ticket in a helpdesk: the system's name and its id there (``zendesk:123``)."""

    system: str
    id: str

    def __str__(self) -> str:
        return f"{self.system}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> TicketRef:
        """Read ``system:id``."""
        system, sep, ident = text.partition(":")
        if not sep or not system or not ident:
            from deescalate.errors import InputError

            raise InputError(f"a ticket reference looks like 'zendesk:123', not {text!r}")
        return cls(system, ident)


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment on a ticket; ``public`` is false for internal notes."""

    id: str
    author_role: AuthorRole
    body: str
    public: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Ticket:
    """A ticket with its comments in order."""

    ref: TicketRef
    subject: str
    status: str
    tags: frozenset[str] = frozenset()
    priority: str | None = None
    requester_name: str | None = None
    comments: tuple[Comment, ...] = ()
    updated_at: datetime | None = None


class TicketEventKind(enum.StrEnum):
    """What happened to a ticket."""

    COMMENT_ADDED = "comment-added"
    STATUS_CHANGED = "status-changed"
    SOLVED = "solved"
    CALL_LOGGED = "call-logged"


@dataclass(frozen=True, slots=True)
class TicketEvent:
    """One change to a ticket, as a webhook delivery or a backfill reports it."""

    kind: TicketEventKind
    ref: TicketRef
    at: datetime
    delivery_id: str
    comment: Comment | None = None
    status: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class Helpdesk(Protocol):
    """What deescalate needs from a helpdesk; see the module docstring for the error contract."""

    name: str

    def get_ticket(self, ref: TicketRef) -> Ticket:
        """The ticket with its comments (``NotFound`` when it does not exist)."""
        ...

    def add_tags(
        self, ref: TicketRef, tags: Iterable[str], *, idempotency_key: str | None = None
    ) -> None:
        """Add tags (labels in Jira); tags already present stay once."""
        ...

    def remove_tags(self, ref: TicketRef, tags: Iterable[str]) -> None:
        """Remove tags; tags that are absent are ignored."""
        ...

    def post_internal_note(
        self, ref: TicketRef, body: str, *, idempotency_key: str | None = None
    ) -> Comment:
        """Post a note only agents see."""
        ...

    def mark_reminder(
        self, ref: TicketRef, tag: str, due_at: datetime, *, idempotency_key: str | None = None
    ) -> None:
        """Tag the ticket and record the due time where the system has a field for it."""
        ...

    def set_priority(self, ref: TicketRef, priority: str) -> None:
        """Raise or lower the ticket's priority (``low``, ``normal``, ``high``, ``urgent``)."""
        ...

    def upsert_macro(self, name: str, body: str, *, public: bool, tags: Sequence[str] = ()) -> str:
        """Create or update a macro by name; returns its id in the helpdesk."""
        ...

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[TicketEvent]:
        """Verify a delivery's signature (``WebhookVerificationError``) and read its events."""
        ...

    def changed_since(self, cursor: str | None) -> tuple[list[TicketRef], str]:
        """Tickets changed since ``cursor`` (all, for None) and the cursor to continue from."""
        ...
