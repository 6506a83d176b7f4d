"""Public test helpers: an in-memory helpdesk that records what was done to it, and a clock.

``FakeHelpdesk`` passes the same contract suite as the real adapters, so code built on the
:class:`~deescalate.helpdesk.Helpdesk` protocol can be tested without a network::

    desk = FakeHelpdesk()
    ref = desk.create_ticket("Printer broken", [("customer", "It shows E-102 again!!")])
    desk.apply(ref, TicketChange(add_tags={"deescalate-stage-angry"}))
    assert desk.calls[-1].method == "apply"
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from deescalate.errors import (
    AdapterError,
    ConfigurationError,
    HelpdeskError,
    InputError,
    NotFound,
    WebhookVerificationError,
)
from deescalate.helpdesk import (
    AppliedChange,
    AuthorRole,
    Comment,
    Delivery,
    HelpdeskBase,
    Ticket,
    TicketChange,
    TicketEvent,
    TicketEventKind,
    TicketRef,
    find_note_marker,
    note_marker,
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


class FakeHelpdesk(HelpdeskBase):
    """An in-memory helpdesk that records every call.

    ``fail_next(error, times=1)`` makes the next calls raise ``error`` (for retry tests). Webhook
    deliveries are JSON bodies signed with HMAC-SHA256 of ``secret`` in the
    ``X-Deescalate-Signature`` header; :meth:`sign` makes one. The delivery id is the body's
    ``delivery_id`` (or the first event's). Notes carry their idempotency key as a marker, as a
    real adapter's do, so a second fake over the same tickets would find them too.
    """

    name = "fake"

    def __init__(self, *, secret: str = "test-secret", clock: FrozenClock | None = None) -> None:
        self.secret = secret.encode("utf-8")
        self.clock = clock or FrozenClock()
        self.tickets: dict[TicketRef, Ticket] = {}
        self.macros: dict[str, dict[str, Any]] = {}
        self.reminders: dict[TicketRef, list[tuple[str, datetime]]] = {}
        self.calls: list[Call] = []
        self.closed = False
        self._failures: list[HelpdeskError] = []
        self._lock = threading.RLock()
        self._next_id = 1

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """A fake whose webhook secret is ``DEESCALATE_FAKE_WEBHOOK_SECRET`` (default ``test-secret``)."""
        env = os.environ if environ is None else environ
        secret = env.get("DEESCALATE_FAKE_WEBHOOK_SECRET", "test-secret")
        if not secret:
            raise ConfigurationError("DEESCALATE_FAKE_WEBHOOK_SECRET is set but empty")
        return cls(secret=secret)

    # --- set-up helpers for tests ----------------------------------------------------------

    def create_ticket(
        self,
        subject: str,
        comments: Sequence[tuple[str, str]] = (),
        *,
        status: str = "open",
        requester_name: str | None = None,
        locale: str | None = None,
        assignee: str | None = None,
        requester_time_zone: str | None = None,
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
                locale=locale,
                assignee=assignee,
                requester_time_zone=requester_time_zone,
            )
        return ref

    def add_comment(
        self,
        ref: TicketRef,
        role: str,
        body: str,
        *,
        public: bool = True,
        author: str | None = None,
    ) -> Comment:
        """Append a comment to a ticket (as if the customer or an agent wrote it) and return it;
        ``author`` is the writer's name, also used as their id."""
        with self._lock:
            ticket = self._ticket(ref)
            comment = self._comment(AuthorRole(role), body, public=public)
            if author is not None:
                comment = replace(comment, author_id=author, author_name=author)
            self.tickets[ref] = replace(
                ticket, comments=(*ticket.comments, comment), updated_at=self.clock()
            )
        return comment

    def set_status(self, ref: TicketRef, status: str) -> None:
        """Change a ticket's status (as if an agent solved it)."""
        with self._lock:
            self.tickets[ref] = replace(self._ticket(ref), status=status, updated_at=self.clock())

    def fail_next(self, error: HelpdeskError, *, times: int = 1) -> None:
        """Make the next ``times`` calls raise ``error``."""
        self._failures.extend([error] * times)

    def sign(self, body: bytes) -> dict[str, str]:
        """The headers of a correctly signed delivery of ``body``."""
        digest = hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        return {SIGNATURE_HEADER: f"sha256={digest}"}

    def calls_to(self, method: str) -> list[Call]:
        """The recorded calls of one method, in order."""
        return [call for call in self.calls if call.method == method]

    def notes(self, ref: TicketRef) -> list[Comment]:
        """The internal notes on a ticket, in order."""
        return [c for c in self._ticket(ref).comments if not c.public]

    # --- the Helpdesk protocol ---------------------------------------------------------------

    def get_ticket(self, ref: TicketRef) -> Ticket:
        self._enter("get_ticket", ref)
        with self._lock:
            return self._ticket(ref)

    def apply(
        self, ref: TicketRef, change: TicketChange, *, idempotency_key: str | None = None
    ) -> AppliedChange:
        self._enter("apply", ref, change=change, idempotency_key=idempotency_key)
        marker = note_marker(idempotency_key) if idempotency_key else None
        with self._lock:
            ticket = self._ticket(ref)
            if idempotency_key is not None:
                for comment in ticket.comments:
                    if find_note_marker(comment.body) == idempotency_key:
                        return AppliedChange(
                            ref, change, idempotency_key, replayed=True, note=comment, calls=1
                        )
            tags = (ticket.tags | change.tags_to_add) - change.remove_tags
            comments = ticket.comments
            note = None
            if change.note is not None:
                body = f"{change.note}\n\n{marker}" if marker else change.note
                note = self._comment(AuthorRole.AGENT, body, public=False)
                comments = (*comments, note)
            if change.reminder is not None:
                self.reminders.setdefault(ref, []).append(
                    (change.reminder.tag, change.reminder.due_at)
                )
            self.tickets[ref] = replace(
                ticket,
                tags=frozenset(tags),
                comments=comments,
                priority=change.priority or ticket.priority,
                updated_at=self.clock(),
            )
        return AppliedChange(ref, change, idempotency_key, note=note, calls=1)

    def upsert_macro(self, name: str, body: str, *, public: bool, tags: Sequence[str] = ()) -> str:
        self._enter("upsert_macro", None, name=name, public=public, tags=list(tags))
        with self._lock:
            existing = self.macros.get(name)
            macro_id = existing["id"] if existing else f"macro-{len(self.macros) + 1}"
            self.macros[name] = {"id": macro_id, "body": body, "public": public, "tags": list(tags)}
        return str(macro_id)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> Delivery:
        self._enter("verify_webhook", None)
        lowered = {key.lower(): value for key, value in headers.items()}
        given = lowered.get(SIGNATURE_HEADER, "")
        expected = self.sign(body)[SIGNATURE_HEADER]
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise WebhookVerificationError("the delivery's signature does not verify")
        payload = _payload(body)
        try:
            delivery_id = str(payload.get("delivery_id") or payload["events"][0]["delivery_id"])
        except (KeyError, IndexError, TypeError) as exc:
            raise AdapterError("malformed delivery: no delivery_id") from exc
        return Delivery(delivery_id, self.name, self.clock(), body)

    def parse_delivery(self, delivery: Delivery) -> list[TicketEvent]:
        self._enter("parse_delivery", None, delivery_id=delivery.id)
        payload = _payload(delivery.body)
        try:
            return [_event_from(item) for item in payload["events"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise AdapterError(f"malformed delivery: {exc.__class__.__name__}") from exc

    def changed_since(self, cursor: str | None) -> tuple[list[TicketRef], str]:
        self._enter("changed_since", None, cursor=cursor)
        since = datetime.fromisoformat(cursor) if cursor else None
        with self._lock:
            changed = sorted(
                ref
                for ref, ticket in self.tickets.items()
                if since is None or (ticket.updated_at is not None and ticket.updated_at > since)
            )
        return changed, self.clock().isoformat()

    def close(self) -> None:
        self.closed = True

    # --- internals -------------------------------------------------------------------------------

    def _enter(self, method: str, ref: TicketRef | None, **args: Any) -> None:
        """Record a call and raise an injected failure."""
        with self._lock:
            if self.closed:
                raise AdapterError("the helpdesk was closed")
            self.calls.append(Call(method, ref, args))
            if self._failures:
                raise self._failures.pop(0)

    def _ticket(self, ref: TicketRef) -> Ticket:
        ticket = self.tickets.get(ref)
        if ticket is None:
            raise NotFound(f"no ticket {ref}")
        return ticket

    def _comment(self, role: AuthorRole, body: str, *, public: bool) -> Comment:
        comment = Comment(str(self._next_id), role, body, public, self.clock())
        self._next_id += 1
        return comment


def _payload(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise AdapterError(f"malformed delivery: not JSON ({exc.__class__.__name__})") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        raise AdapterError("malformed delivery: expected an object with an 'events' list")
    return payload


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
