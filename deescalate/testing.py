"""Public test helpers: an in-memory helpdesk that records what was done to it, and a clock.

``FakeHelpdesk`` passes the same contract suite as the real adapters, so code built on the
:class:`~deescalate.helpdesk.Helpdesk` protocol can be tested without a network::

    desk = FakeHelpdesk()
    ref = desk.create_ticket("Printer broken", [("customer", "It shows E-102 again!!")])
    desk.add_tags(ref, ["deescalate-angry"])
    assert desk.calls[-1].method == "add_tags"
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from deescalate.errors import (
    AdapterError,
    HelpdeskError,
    InputError,
    NotFound,
    WebhookVerificationError,
)
from deescalate.helpdesk import (
    AuthorRole,
    Comment,
    Ticket,
    TicketEvent,
    TicketEventKind,
    TicketRef,
)
from deescalate.hostile import hostile_texts

__all__ = ["Call", "FakeHelpdesk", "FrozenClock", "hostile_texts"]

SIGNATURE_HEADER = "x-deescalate-signature"


class FrozenClock:
    """A clock that only moves when told to: ``clock()`` returns the current aware time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        if self.now.tzinfo is None:
            raise InputError("FrozenClock needs an aware datetime")

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move forward by ``timedelta(**delta)`` and return the new time."""
        self.now += timedelta(**delta)
        return self.now


@dataclass(frozen=True, slots=True)
class Call:
    """One recorded call: the method, the ticket (if any) and the arguments."""

    method: str
    ref: TicketRef | None
    args: Mapping[str, Any] = field(default_factory=dict)


class FakeHelpdesk:
    """An in-memory helpdesk that records every call.

    ``fail_next(error, times=1)`` makes the next calls raise ``error`` (for retry tests). Webhook
    deliveries are JSON bodies signed with HMAC-SHA256 of ``secret`` in the
    ``X-Deescalate-Signature`` header; :meth:`sign` makes one.
    """

    name = "fake"

    def __init__(self, *, secret: str = "test-secret", clock: FrozenClock | None = None) -> None:
        self.secret = secret.encode("utf-8")
        self.clock = clock or FrozenClock()
        self.tickets: dict[TicketRef, Ticket] = {}
        self.macros: dict[str, dict[str, Any]] = {}
        self.reminders: dict[TicketRef, list[tuple[str, datetime]]] = {}
        self.calls: list[Call] = []
        self._failures: list[HelpdeskError] = []
        self._seen_keys: set[str] = set()
        self._lock = threading.Lock()
        self._next_id = 1

    # --- set-up helpers for tests ----------------------------------------------------------

    def create_ticket(
        self,
        subject: str,
        comments: Sequence[tuple[str, str]] = (),
        *,
        status: str = "open",
        requester_name: str | None = None,
    ) -> TicketRef:
        """Add a ticket with ``(role, body)`` public comments and return its reference."""
        with self._lock:
            ref = TicketRef(self.name, str(self._next_id))
            self._next_id += 1
            built = tuple(
                self._comment(AuthorRole(role), body, public=True) for role, body in comments
            )
            self.tickets[ref] = Ticket(
                ref,
                subject,
                status,
                requester_name=requester_name,
                comments=built,
                updated_at=self.clock(),
            )
        return ref

    def add_comment(self, ref: TicketRef, role: str, body: str, *, public: bool = True) -> Comment:
        """Append a comment to a ticket (as if the customer or an agent wrote it) and return it."""
        ticket = self._ticket(ref)
        comment = self._comment(AuthorRole(role), body, public=public)
        self.tickets[ref] = replace(
            ticket, comments=(*ticket.comments, comment), updated_at=self.clock()
        )
        return comment

    def fail_next(self, error: HelpdeskError, *, times: int = 1) -> None:
        """Make the next ``times`` calls raise ``error``."""
        self._failures.extend([error] * times)

    def sign(self, body: bytes) -> dict[str, str]:
        """The headers of a correctly signed delivery of ``body``."""
        digest = hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        return {SIGNATURE_HEADER: f"sha256={digest}"}

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    # --- the Helpdesk protocol ---------------------------------------------------------------

    def get_ticket(self, ref: TicketRef) -> Ticket:
        self._enter("get_ticket", ref)
        return self._ticket(ref)

    def add_tags(
        self, ref: TicketRef, tags: Iterable[str], *, idempotency_key: str | None = None
    ) -> None:
        tags = list(tags)
        if self._enter("add_tags", ref, tags=tags, idempotency_key=idempotency_key):
            return
        ticket = self._ticket(ref)
        self.tickets[ref] = replace(ticket, tags=ticket.tags | set(tags), updated_at=self.clock())

    def remove_tags(self, ref: TicketRef, tags: Iterable[str]) -> None:
        tags = list(tags)
        self._enter("remove_tags", ref, tags=tags)
        ticket = self._ticket(ref)
        self.tickets[ref] = replace(ticket, tags=ticket.tags - set(tags), updated_at=self.clock())

    def post_internal_note(
        self, ref: TicketRef, body: str, *, idempotency_key: str | None = None
    ) -> Comment:
        if not body.strip():
            raise InputError("an internal note needs text")
        ticket = self._ticket(ref)
        if self._enter("post_internal_note", ref, body=body, idempotency_key=idempotency_key):
            return next(c for c in reversed(ticket.comments) if not c.public)
        note = self._comment(AuthorRole.AGENT, body, public=False)
        self.tickets[ref] = replace(
            ticket, comments=(*ticket.comments, note), updated_at=self.clock()
        )
        return note

    def mark_reminder(
        self, ref: TicketRef, tag: str, due_at: datetime, *, idempotency_key: str | None = None
    ) -> None:
        if self._enter(
            "mark_reminder", ref, tag=tag, due_at=due_at, idempotency_key=idempotency_key
        ):
            return
        ticket = self._ticket(ref)
        self.tickets[ref] = replace(ticket, tags=ticket.tags | {tag}, updated_at=self.clock())
        self.reminders.setdefault(ref, []).append((tag, due_at))

    def set_priority(self, ref: TicketRef, priority: str) -> None:
        if priority not in {"low", "normal", "high", "urgent"}:
            raise InputError(f"unknown priority {priority!r}: use low, normal, high or urgent")
        self._enter("set_priority", ref, priority=priority)
        ticket = self._ticket(ref)
        self.tickets[ref] = replace(ticket, priority=priority, updated_at=self.clock())

    def upsert_macro(self, name: str, body: str, *, public: bool, tags: Sequence[str] = ()) -> str:
        self._enter("upsert_macro", None, name=name, public=public, tags=list(tags))
        existing = self.macros.get(name)
        macro_id = existing["id"] if existing else f"macro-{len(self.macros) + 1}"
        self.macros[name] = {"id": macro_id, "body": body, "public": public, "tags": list(tags)}
        return str(macro_id)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[TicketEvent]:
        self._enter("parse_webhook", None)
        lowered = {key.lower(): value for key, value in headers.items()}
        given = lowered.get(SIGNATURE_HEADER, "")
        expected = self.sign(body)[SIGNATURE_HEADER]
        if not hmac.compare_digest(given, expected):
            raise WebhookVerificationError("the delivery's signature does not verify")
        try:
            payload = json.loads(body)
            return [_event_from(item) for item in payload["events"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise AdapterError(f"malformed delivery: {exc.__class__.__name__}") from exc

    def changed_since(self, cursor: str | None) -> tuple[list[TicketRef], str]:
        self._enter("changed_since", None, cursor=cursor)
        since = datetime.fromisoformat(cursor) if cursor else None
        changed = sorted(
            ref
            for ref, ticket in self.tickets.items()
            if since is None or (ticket.updated_at is not None and ticket.updated_at > since)
        )
        return changed, self.clock().isoformat()

    # --- internals -------------------------------------------------------------------------------

    def _enter(self, method: str, ref: TicketRef | None, **args: Any) -> bool:
        """Record a call, raise an injected failure, and say whether it repeats a known key."""
        with self._lock:
            self.calls.append(Call(method, ref, args))
            if self._failures:
                raise self._failures.pop(0)
            key = args.get("idempotency_key")
            if key is None:
                return False
            seen = f"{method}:{key}" in self._seen_keys
            self._seen_keys.add(f"{method}:{key}")
            return seen

    def _ticket(self, ref: TicketRef) -> Ticket:
        ticket = self.tickets.get(ref)
        if ticket is None:
            raise NotFound(f"no ticket {ref}")
        return ticket

    def _comment(self, role: AuthorRole, body: str, *, public: bool) -> Comment:
        comment = Comment(str(self._next_id), role, body, public, self.clock())
        self._next_id += 1
        return comment


def _event_from(item: Mapping[str, Any]) -> TicketEvent:
    ref = TicketRef.parse(str(item["ticket"]))
    at = datetime.fromisoformat(str(item["at"]))
    comment = None
    if "comment" in item:
        data = item["comment"]
        comment = Comment(
            str(data["id"]),
            AuthorRole(data["author_role"]),
            str(data["body"]),
            bool(data.get("public", True)),
            at,
        )
    return TicketEvent(
        kind=TicketEventKind(item["kind"]),
        ref=ref,
        at=at,
        delivery_id=str(item["delivery_id"]),
        comment=comment,
        status=item.get("status"),
    )
