"""The Helpdesk protocol every adapter implements, and the models it speaks.

An adapter (Zendesk, Jira, or a third party's) does five things:

* **read** a ticket with its comments (:meth:`Helpdesk.get_ticket`);
* **write** one :class:`TicketChange` (tags to add and remove, one internal note, a priority, a
  reminder) with :meth:`Helpdesk.apply`, in as few calls as the system allows. With an
  ``idempotency_key`` a repeated call writes nothing new: the adapter leaves the key in the note
  (:func:`note_marker`) and looks for it before posting, so the key survives a restart;
* **receive** webhooks in two steps: :meth:`Helpdesk.verify_webhook` checks the signature and
  returns a :class:`Delivery` (store it, then answer the sender), and
  :meth:`Helpdesk.parse_delivery` reads its :class:`TicketEvent` list later, from the store;
* keep **macros** in sync (:meth:`Helpdesk.upsert_macro`) and list tickets **changed since** a
  cursor (:meth:`Helpdesk.changed_since`) for backfills;
* **live** like a resource: :meth:`Helpdesk.from_env` builds one from ``DEESCALATE_`` settings,
  :meth:`Helpdesk.close` releases its connections, and it works as a context manager.

Every call translates the client library's errors into :mod:`deescalate.errors` at the adapter's
edge: ``RateLimited`` (with ``retry_after``, raised at once, never slept on), ``NotFound``,
``AuthError``, ``WebhookVerificationError`` and ``AdapterError`` for the rest.

:class:`HelpdeskBase` gives an adapter the single-purpose conveniences (``add_tags``,
``post_internal_note``, ...) over ``apply``, ``parse_webhook`` over the two webhook steps, and the
context-manager methods. ``docs/reference/helpdesk-protocol.md`` is the guide for third parties.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType, TracebackType
from typing import Any, Protocol, Self, runtime_checkable

from deescalate.errors import InputError

__all__ = [
    "AppliedChange",
    "AuthorRole",
    "BulkHelpdesk",
    "BulkOutcome",
    "Comment",
    "Delivery",
    "Helpdesk",
    "HelpdeskBase",
    "Priority",
    "Reminder",
    "Ticket",
    "TicketChange",
    "TicketEvent",
    "TicketEventKind",
    "TicketPage",
    "TicketRef",
    "WebhookInstaller",
    "find_note_marker",
    "missing_members",
    "note_marker",
]


class AuthorRole(enum.StrEnum):
    """Who wrote a comment."""

    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


class Priority(enum.StrEnum):
    """A ticket's priority, ordered from ``low`` to ``urgent``; each adapter maps it to its own."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """0 for ``low`` up to 3 for ``urgent``."""
        return _PRIORITY_ORDER.index(self)

    @classmethod
    def parse(cls, text: str) -> Priority:
        """Read a priority name, with an error that lists the valid ones."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(member.value for member in cls)
            raise InputError(f"unknown priority {text!r}: use one of {names}") from None


_PRIORITY_ORDER = tuple(Priority)


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
            raise InputError(f"a ticket reference looks like 'zendesk:123', not {text!r}")
        return cls(system, ident)


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment on a ticket; ``public`` is false for internal notes.

    ``body`` is plain text (adapters turn HTML or rich-text bodies into text); ``author_id`` is
    the helpdesk's id of the author, when it has one, and ``author_name`` the name it shows
    (the report counts an agent's promises under it).
    """

    id: str
    author_role: AuthorRole
    body: str
    public: bool
    created_at: datetime
    author_id: str | None = None
    author_name: str | None = None


@dataclass(frozen=True, slots=True)
class Ticket:
    """A ticket with its comments in order.

    ``locale`` is the requester's language tag when the helpdesk knows it (``"es"``,
    ``"en-GB"``); ``assignee`` is a name or handle a note can mention.
    ``requester_time_zone`` is the requester's IANA time zone when the helpdesk knows it
    (``"America/New_York"``), for promises such as "5pm your time"; it is passed on as the
    helpdesk gave it, so a reader checks it before use.
    """

    ref: TicketRef
    subject: str
    status: str
    tags: frozenset[str] = frozenset()
    priority: Priority | None = None
    requester_name: str | None = None
    comments: tuple[Comment, ...] = ()
    updated_at: datetime | None = None
    locale: str | None = None
    assignee: str | None = None
    requester_time_zone: str | None = None


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


@dataclass(frozen=True, slots=True)
class Delivery:
    """A verified webhook delivery, as received: store it before answering the sender.

    ``id`` is the sender's delivery id (stable across its retries, so a repeat is recognised);
    ``headers`` keeps the headers :meth:`Helpdesk.parse_delivery` needs, lower-cased.
    """

    id: str
    system: str
    received_at: datetime
    body: bytes
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if not self.id:
            raise InputError("a delivery needs an id")
        if self.received_at.tzinfo is None:
            raise InputError("a delivery's received_at must be an aware datetime")


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder on a ticket: its tag, and the due time to record where the system has a field."""

    tag: str
    due_at: datetime

    def __post_init__(self) -> None:
        if self.due_at.tzinfo is None:
            raise InputError("a reminder's due_at must be an aware datetime")
        _check_tags([self.tag])


@dataclass(frozen=True, slots=True)
class TicketChange:
    """Everything one event changes on a ticket, written together by :meth:`Helpdesk.apply`.

    A tag may not be both added and removed; a note needs text. :meth:`merge` joins two changes
    for one ticket (tags united, notes joined, the higher priority, the earlier reminder).
    """

    add_tags: AbstractSet[str] = frozenset()
    remove_tags: AbstractSet[str] = frozenset()
    note: str | None = None
    priority: Priority | None = None
    reminder: Reminder | None = None

    def __post_init__(self) -> None:
        # Accept any iterable of tags from callers, stored as frozensets.
        object.__setattr__(self, "add_tags", frozenset(self.add_tags))
        object.__setattr__(self, "remove_tags", frozenset(self.remove_tags))
        _check_tags(self.add_tags | self.remove_tags)
        both = self.add_tags & self.remove_tags
        if both:
            raise InputError(f"tags both added and removed: {', '.join(sorted(both))}")
        if self.note is not None and not self.note.strip():
            raise InputError("an internal note needs text")

    @property
    def empty(self) -> bool:
        """True when the change writes nothing."""
        return not (
            self.add_tags or self.remove_tags or self.note or self.priority or self.reminder
        )

    @property
    def tags_to_add(self) -> AbstractSet[str]:
        """The tags added, with the reminder's tag."""
        return self.add_tags | ({self.reminder.tag} if self.reminder else set())

    def merge(self, other: TicketChange) -> TicketChange:
        """One change that does what ``self`` and then ``other`` do."""
        add = (self.add_tags - other.remove_tags) | other.add_tags
        remove = (self.remove_tags - other.add_tags) | other.remove_tags
        notes = [n for n in (self.note, other.note) if n]
        priorities = [p for p in (self.priority, other.priority) if p is not None]
        reminders = [r for r in (self.reminder, other.reminder) if r is not None]
        return TicketChange(
            add_tags=add,
            remove_tags=remove,
            note="\n\n".join(notes) if notes else None,
            priority=max(priorities, key=lambda p: p.rank) if priorities else None,
            reminder=min(reminders, key=lambda r: r.due_at) if reminders else None,
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the outbox stores changes this way)."""
        return {
            "add_tags": sorted(self.add_tags),
            "remove_tags": sorted(self.remove_tags),
            "note": self.note,
            "priority": self.priority.value if self.priority else None,
            "reminder": (
                {"tag": self.reminder.tag, "due_at": self.reminder.due_at.isoformat()}
                if self.reminder
                else None
            ),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TicketChange:
        """Read what :meth:`to_json` wrote."""
        reminder = data.get("reminder")
        priority = data.get("priority")
        return cls(
            add_tags=frozenset(data.get("add_tags") or ()),
            remove_tags=frozenset(data.get("remove_tags") or ()),
            note=data.get("note"),
            priority=Priority(priority) if priority else None,
            reminder=(
                Reminder(str(reminder["tag"]), datetime.fromisoformat(str(reminder["due_at"])))
                if reminder
                else None
            ),
        )


@dataclass(frozen=True, slots=True)
class AppliedChange:
    """What :meth:`Helpdesk.apply` did.

    ``replayed`` is true when the idempotency key had been applied before and nothing new was
    written; ``note`` is the posted note (or the one posted the first time); ``calls`` counts the
    helpdesk API calls this apply made.
    """

    ref: TicketRef
    change: TicketChange
    idempotency_key: str | None = None
    replayed: bool = False
    note: Comment | None = None
    calls: int = 0


# --- the idempotency marker an adapter leaves in a note ---------------------------------------

_KEY_CHARS = re.compile(r"[A-Za-z0-9:._\-]{1,200}")
_MARKER = re.compile(r"\[deescalate ref:([A-Za-z0-9:._\-]{1,200})\]")


def note_marker(idempotency_key: str) -> str:
    """The line an adapter appends to a note so the key is found again after a restart."""
    if not _KEY_CHARS.fullmatch(idempotency_key):
        raise InputError(
            "an idempotency key is 1 to 200 letters, digits and ':._-', "
            f"not {idempotency_key[:40]!r}"
        )
    return f"[deescalate ref:{idempotency_key}]"


def find_note_marker(body: str) -> str | None:
    """The idempotency key a note carries, or None for notes deescalate did not post."""
    found = _MARKER.search(body)
    return found.group(1) if found else None


# --- the protocol -------------------------------------------------------------------------------


@runtime_checkable
class Helpdesk(Protocol):
    """What deescalate needs from a helpdesk; see the module docstring for the error contract."""

    name: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Build one from ``DEESCALATE_<SYSTEM>_...`` settings (``os.environ`` by default).

        A missing or invalid setting raises ``ConfigurationError`` naming the variable.
        """
        ...

    def get_ticket(self, ref: TicketRef) -> Ticket:
        """The ticket with its comments in order (``NotFound`` when it does not exist)."""
        ...

    def apply(
        self, ref: TicketRef, change: TicketChange, *, idempotency_key: str | None = None
    ) -> AppliedChange:
        """Write ``change`` in as few calls as the system allows; a known key writes nothing."""
        ...

    def upsert_macro(self, name: str, body: str, *, public: bool, tags: Sequence[str] = ()) -> str:
        """Create or update a macro by name; returns its id in the helpdesk."""
        ...

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> Delivery:
        """Check a delivery's signature (``WebhookVerificationError``) and return it to store."""
        ...

    def parse_delivery(self, delivery: Delivery) -> list[TicketEvent]:
        """The events in a stored delivery (``AdapterError`` for a malformed body; events the
        adapter's own writes caused, and event types it does not handle, give none)."""
        ...

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[TicketEvent]:
        """:meth:`verify_webhook` and :meth:`parse_delivery` in one call."""
        ...

    def changed_since(self, cursor: str | None) -> tuple[list[TicketRef], str]:
        """Tickets changed since ``cursor`` (all, for None) and the cursor to continue from."""
        ...

    def close(self) -> None:
        """Release connections; the object is not used afterwards."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class TicketPage:
    """One page of a bulk export: tickets with their comments, and where to resume.

    ``cursor`` is an opaque string to pass back to continue (store it to resume after a crash);
    ``done`` is true on the last page.
    """

    tickets: tuple[Ticket, ...]
    cursor: str | None
    done: bool


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """What happened to one ticket in :meth:`BulkHelpdesk.apply_many`.

    ``ok`` is false with ``error`` set when the helpdesk refused it; ``skipped`` names why nothing
    was attempted (``"closed"``: closed tickets cannot be updated).
    """

    ref: TicketRef
    ok: bool
    error: str | None = None
    skipped: str | None = None


@runtime_checkable
class BulkHelpdesk(Helpdesk, Protocol):
    """An adapter that can export tickets in bulk and write many changes in few calls (backfill)."""

    def export_tickets(
        self, *, since: datetime, cursor: str | None = None, query: str | None = None
    ) -> TicketPage:
        """Tickets changed since ``since`` with their comments, one page at a time; ``query``
        narrows them in the system's own query language (Jira's JQL), where it has one."""
        ...

    def apply_many(self, changes: Sequence[tuple[TicketRef, TicketChange]]) -> list[BulkOutcome]:
        """Write many changes, grouping tickets that get the same change into one call where
        the system allows; one outcome per ticket, in order."""
        ...


@runtime_checkable
class WebhookInstaller(Protocol):
    """An adapter that can register deescalate's webhook in the helpdesk (``deescalate setup``)."""

    def install_webhook(self, endpoint: str) -> list[str]:
        """Create what is missing (idempotent: a second run creates nothing) and describe, one
        line each, what was created or found."""
        ...


PROTOCOL_MEMBERS = (
    "name",
    "from_env",
    "get_ticket",
    "apply",
    "upsert_macro",
    "verify_webhook",
    "parse_delivery",
    "parse_webhook",
    "changed_since",
    "close",
    "__enter__",
    "__exit__",
)
"""Every member of :class:`Helpdesk`, for checking an adapter class before building one."""


def missing_members(cls: type) -> list[str]:
    """The :class:`Helpdesk` members an adapter class lacks (empty when it has them all)."""
    return [member for member in PROTOCOL_MEMBERS if not hasattr(cls, member)]


class HelpdeskBase:
    """Conveniences an adapter inherits: single-purpose writes over :meth:`apply`,
    ``parse_webhook`` over the two webhook steps, and the context-manager methods."""

    def apply(
        self, ref: TicketRef, change: TicketChange, *, idempotency_key: str | None = None
    ) -> AppliedChange:
        raise NotImplementedError

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> Delivery:
        raise NotImplementedError

    def parse_delivery(self, delivery: Delivery) -> list[TicketEvent]:
        raise NotImplementedError

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[TicketEvent]:
        return self.parse_delivery(self.verify_webhook(headers, body))

    def add_tags(
        self, ref: TicketRef, tags: Iterable[str], *, idempotency_key: str | None = None
    ) -> None:
        """Add tags (labels in Jira); tags already present stay once."""
        self.apply(ref, TicketChange(add_tags=frozenset(tags)), idempotency_key=idempotency_key)

    def remove_tags(self, ref: TicketRef, tags: Iterable[str]) -> None:
        """Remove tags; tags that are absent are ignored."""
        self.apply(ref, TicketChange(remove_tags=frozenset(tags)))

    def post_internal_note(
        self, ref: TicketRef, body: str, *, idempotency_key: str | None = None
    ) -> Comment | None:
        """Post a note only agents see; returns it when the helpdesk reports it back."""
        return self.apply(ref, TicketChange(note=body), idempotency_key=idempotency_key).note

    def mark_reminder(
        self, ref: TicketRef, tag: str, due_at: datetime, *, idempotency_key: str | None = None
    ) -> None:
        """Tag the ticket and record the due time where the system has a field for it."""
        change = TicketChange(reminder=Reminder(tag, due_at))
        self.apply(ref, change, idempotency_key=idempotency_key)

    def set_priority(self, ref: TicketRef, priority: Priority | str) -> None:
        """Raise or lower the ticket's priority."""
        wanted = priority if isinstance(priority, Priority) else Priority.parse(priority)
        self.apply(ref, TicketChange(priority=wanted))

    def close(self) -> None:
        """Nothing to release by default."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


_TAG = re.compile(r"[^\s,]{1,255}")


def _check_tags(tags: Iterable[str]) -> None:
    for tag in tags:
        if not isinstance(tag, str) or not _TAG.fullmatch(tag):
            raise InputError(f"a tag is 1 to 255 characters without spaces or commas, not {tag!r}")
