"""ZendeskHelpdesk: deescalate's Helpdesk protocol over the Zendesk Support API, with zenpy."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Self
from urllib.parse import urlsplit

from deescalate.calendar import BusinessCalendar
from deescalate.errors import AdapterError, InputError, NotFound
from deescalate.helpdesk import (
    AppliedChange,
    AuthorRole,
    BulkOutcome,
    Comment,
    Delivery,
    HelpdeskBase,
    Priority,
    Ticket,
    TicketChange,
    TicketEvent,
    TicketPage,
    TicketRef,
    find_note_marker,
)
from deescalate.macros.models import Macro
from deescalate_zendesk import bulk, convert, webhooks
from deescalate_zendesk.client import ZendeskClient, map_errors
from deescalate_zendesk.macros import (
    MACRO_PREFIX,
    ZENDESK_PLACEHOLDERS,
    macro_actions,
    macro_title,
    to_zendesk,
)
from deescalate_zendesk.schedules import from_zendesk_schedule, holiday_dates
from deescalate_zendesk.settings import ZendeskSettings

__all__ = ["ZendeskHelpdesk"]

SNAPSHOT_SECONDS = 60.0
"""How long a ticket read stands in for a fresh read of its comments before a write."""

WEBHOOK_NAME = "deescalate"
TRIGGER_TITLE = f"{MACRO_PREFIX}webhook"
_USER_CACHE_LIMIT = 50_000


@dataclass(slots=True)
class _Snapshot:
    """What the last read of a ticket showed: enough to skip a re-read and a no-op write."""

    tags: frozenset[str]
    priority: Priority | None
    markers: dict[str, Comment]
    read_at: float
    whole: bool = True
    """False when only the comments were read (tags and priority unknown)."""


@dataclass(slots=True)
class _Seen:
    """What the adapter remembers between calls (guarded by one lock)."""

    snapshots: dict[str, _Snapshot] = field(default_factory=dict)
    users: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    closed: set[int] = field(default_factory=set)
    macros: dict[str, int] | None = None
    bot_user_id: int | None = None


class ZendeskHelpdesk(HelpdeskBase):
    """A Zendesk account: read tickets, write changes, verify webhooks, sync macros, backfill.

    Build one with :meth:`from_env` (``DEESCALATE_ZENDESK_*``) or from :class:`ZendeskSettings`.
    ``clock`` gives the current aware time (webhook replay window); ``sleep`` waits between polls
    of bulk-update jobs, the only waiting the adapter does (never on a rate limit).
    """

    name = "zendesk"
    macro_placeholders: Mapping[str, str] = ZENDESK_PLACEHOLDERS
    """Placeholders Zendesk fills itself when an agent applies a synced macro."""

    def __init__(
        self,
        settings: ZendeskSettings,
        *,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.client = ZendeskClient(settings)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._sleep = sleep
        self._lock = threading.RLock()
        self._seen = _Seen()
        self._export = bulk.ExportWalker(self.client)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """An adapter configured from ``DEESCALATE_ZENDESK_*`` (``os.environ`` by default)."""
        return cls(ZendeskSettings.from_env(environ))

    def __repr__(self) -> str:
        return f"ZendeskHelpdesk(site={self.settings.site_root!r})"

    # --- reading -----------------------------------------------------------------------------

    def get_ticket(self, ref: TicketRef) -> Ticket:
        """The ticket, its requester and assignee, and every comment in order (2 calls for up
        to 100 comments, one more per further 100)."""
        ticket_id = self._ticket_id(ref)
        data = self.client.get(f"/api/v2/tickets/{ticket_id}.json", {"include": "users"})
        raw_ticket = data.get("ticket")
        if not isinstance(raw_ticket, Mapping):
            raise AdapterError(f"Zendesk answered ticket {ticket_id} without a ticket")
        self._remember_users(data.get("users") or ())
        raw_comments = self._raw_comments(ticket_id)
        users = self._users_for(c.get("author_id") for c in raw_comments)
        users.update(self._known_users(raw_ticket.get(k) for k in ("requester_id", "assignee_id")))
        comments = [convert.comment_from(c, users) for c in raw_comments]
        ticket = convert.ticket_from(raw_ticket, comments, users)
        self._snapshot(ticket_id, ticket, raw_comments, comments)
        return ticket

    def _raw_comments(self, ticket_id: int) -> list[Mapping[str, Any]]:
        """All comments of a ticket, following Zendesk's cursor links (100 a page)."""
        found: list[Mapping[str, Any]] = []
        params: Mapping[str, str] | None = {"include": "users", "page[size]": "100"}
        target = f"/api/v2/tickets/{ticket_id}/comments.json"
        while True:
            page = self.client.get(target, params)
            batch = page.get("comments")
            if not isinstance(batch, list):
                raise AdapterError(f"Zendesk answered comments of {ticket_id} without a list")
            found.extend(c for c in batch if isinstance(c, Mapping))
            self._remember_users(page.get("users") or ())
            meta, links = page.get("meta") or {}, page.get("links") or {}
            next_link = links.get("next") if isinstance(links, Mapping) else None
            if not (isinstance(meta, Mapping) and meta.get("has_more") and next_link):
                return found
            target, params = str(next_link), None

    def changed_since(self, cursor: str | None) -> tuple[list[TicketRef], str]:
        """One page of the incremental ticket export: the tickets changed, and where to go on."""
        tickets, next_cursor, _ = self._export.ticket_page(
            bulk.ExportCursor.start(datetime.fromtimestamp(0, UTC))
            if cursor is None
            else bulk.ExportCursor.parse(cursor)
        )
        refs = [TicketRef(self.name, str(t["id"])) for t in tickets if isinstance(t.get("id"), int)]
        return refs, next_cursor.encode()

    def export_tickets(
        self, *, since: datetime, cursor: str | None = None, query: str | None = None
    ) -> TicketPage:
        """Tickets changed since ``since`` with the comments made since then, one page at a time.

        The incremental export takes no filter: a ``query`` is refused (``InputError``).

        A page is one call of the incremental ticket export (up to 1,000 tickets) and the calls
        of the ticket-event export (comment events, 1,000 a call) that cover the same time; the
        comments are not read ticket by ticket. ``cursor`` resumes where a page ended.
        """
        if query is not None:
            raise InputError(
                "the Zendesk ticket export takes no query; backfill exports every ticket"
            )
        if since.tzinfo is None:
            raise InputError("export_tickets needs an aware 'since'")
        position = bulk.ExportCursor.parse(cursor) if cursor else bulk.ExportCursor.start(since)
        raw_tickets, next_position, done = self._export.ticket_page(position)
        self._remember_users(self._export.users)
        comments = self._export.comments_until(position, raw_tickets)
        authors = (c.get("author_id") for cs in comments.values() for c in cs)
        users = self._users_for(authors)
        tickets = []
        for raw in raw_tickets:
            ticket_id = raw.get("id")
            if not isinstance(ticket_id, int):
                continue
            own = [convert.comment_from(c, users) for c in comments.get(ticket_id, ())]
            ticket = convert.ticket_from(raw, own, users)
            if ticket.status == "closed":
                with self._lock:
                    self._seen.closed.add(ticket_id)
            tickets.append(ticket)
        return TicketPage(tuple(tickets), next_position.encode(), done)

    def business_calendar(self, schedule_id: int | None = None) -> BusinessCalendar:
        """The business hours and holidays of a Zendesk schedule (the first, by default)."""
        schedules = self.client.get("/api/v2/business_hours/schedules.json").get("schedules")
        if not isinstance(schedules, list) or not schedules:
            raise NotFound("Zendesk has no business-hours schedule")
        chosen = [s for s in schedules if schedule_id is None or s.get("id") == schedule_id]
        if not chosen:
            raise NotFound(f"Zendesk has no business-hours schedule {schedule_id}")
        schedule = chosen[0]
        holidays = self.client.get(
            f"/api/v2/business_hours/schedules/{int(schedule['id'])}/holidays.json"
        ).get("holidays")
        return from_zendesk_schedule(schedule, holidays=holiday_dates(holidays or ()))

    # --- writing -----------------------------------------------------------------------------

    def apply(
        self, ref: TicketRef, change: TicketChange, *, idempotency_key: str | None = None
    ) -> AppliedChange:
        """Write the whole change in one ticket update (tags added and removed, private note,
        priority, reminder); with a key, nothing is written when its marker is already there.

        A read of the ticket in the last minute by this adapter stands in for reading its
        comments again, and a change that would alter nothing it showed is not written.
        """
        ticket_id = self._ticket_id(ref)
        before = self.client.calls
        snapshot = self._fresh_snapshot(ticket_id)
        if idempotency_key is not None:
            if snapshot is None:
                snapshot = self._read_markers(ticket_id)
            found = snapshot.markers.get(idempotency_key)
            if found is not None:
                calls = self.client.calls - before
                return AppliedChange(
                    ref, change, idempotency_key, replayed=True, note=found, calls=calls
                )
        if change.empty or (snapshot is not None and _changes_nothing(change, snapshot)):
            return AppliedChange(ref, change, idempotency_key, calls=self.client.calls - before)
        body = convert.update_body(
            change,
            idempotency_key=idempotency_key,
            due_field=self.settings.due_field,
            time_zone=self.settings.time_zone,
        )
        try:
            note = self._update(ticket_id, body)
        except BaseException:
            # The write may have happened without an answer (a timeout, a 5xx after the commit):
            # forget what the last read showed, so a retry reads the comments for the marker.
            with self._lock:
                self._seen.snapshots.pop(str(ticket_id), None)
            raise
        self._after_write(ticket_id, change, idempotency_key, note)
        return AppliedChange(
            ref, change, idempotency_key, note=note, calls=self.client.calls - before
        )

    def _update(self, ticket_id: int, body: Mapping[str, Any]) -> Comment | None:
        """One ``PUT /api/v2/tickets/{id}.json`` through zenpy; the note it posted, if any."""
        from zenpy.lib.api_objects import Ticket as ZenpyTicket

        with map_errors(f"updating ticket {ticket_id}"):
            result = self.client.zenpy.tickets.update(ZenpyTicket(id=ticket_id, **body))
        if getattr(result, "audit", None) is None:
            # zenpy hands back the bare response when it cannot read the answer as a ticket
            # and its audit; the write may or may not have happened, so say so (a retry with
            # the same key finds the note if it did).
            raise AdapterError(
                f"Zendesk's answer to the update of ticket {ticket_id} could not be read"
            )
        raw_audit = result.audit.to_dict()
        author = raw_audit.get("author_id")
        if isinstance(author, int) and author > 0:
            with self._lock:
                self._seen.bot_user_id = author
        for event in raw_audit.get("events") or ():
            if isinstance(event, Mapping) and event.get("type") == "Comment":
                comment = body.get("comment") or {}
                return Comment(
                    id=str(event.get("id")),
                    author_role=AuthorRole.AGENT,
                    body=str(comment.get("body", "")),
                    public=bool(comment.get("public", False)),
                    created_at=self._clock(),
                    author_id=str(author) if author is not None else None,
                )
        return None

    def apply_many(self, changes: Sequence[tuple[TicketRef, TicketChange]]) -> list[BulkOutcome]:
        """Write many changes: tickets that get the same change share ``update_many`` calls of
        up to 100 ids, and all jobs are polled together; one outcome per ticket, in order.

        Closed tickets (known from an export or a read) are skipped (``skipped="closed"``).
        """
        with self._lock:
            closed = set(self._seen.closed)
        plan = bulk.BulkPlan.build(changes, self._ticket_id_or_none, closed)
        outcomes = bulk.run_bulk(
            self.client,
            plan,
            poll_interval=self.settings.job_poll_interval,
            timeout=self.settings.job_timeout,
            sleep=self._sleep,
            monotonic=time.monotonic,
        )
        with self._lock:
            self._seen.closed.update(plan.newly_closed)
        return outcomes

    # --- macros and set-up -------------------------------------------------------------------

    @staticmethod
    def export_macros(
        macros: Iterable[Macro], *, language: str | None = None
    ) -> list[dict[str, Any]]:
        """The macro library as Zendesk macro definitions (``deescalate macros export``)."""
        return to_zendesk(macros, language=language)

    def upsert_macro(self, name: str, body: str, *, public: bool, tags: Sequence[str] = ()) -> str:
        """Create or update the macro titled ``deescalate::<name>`` and return its id.

        Macros are found again by that title prefix (one listing per adapter, then a stored
        mapping), so a second sync updates them in place and never duplicates one.
        """
        from zenpy.lib.api_objects import Macro as ZenpyMacro

        if not name.strip() or not body.strip():
            raise InputError("a macro needs a name and a body")
        title = macro_title(name)
        actions = macro_actions(body, public=public, tags=tags)
        known = self._macro_ids().get(title)
        with map_errors(f"saving macro {title!r}"):
            if known is not None:
                try:
                    self.client.zenpy.macros.update(
                        ZenpyMacro(id=known, title=title, actions=actions, active=True)
                    )
                    return str(known)
                except Exception as exc:  # a macro deleted by hand since: create it again
                    if not _is_not_found(exc):
                        raise
            created = self.client.zenpy.macros.create(
                ZenpyMacro(title=title, actions=actions, active=True)
            )
        macro_id = int(getattr(created, "id", 0) or 0)
        if not macro_id:
            raise AdapterError(f"Zendesk created macro {title!r} without an id")
        with self._lock:
            assert self._seen.macros is not None
            self._seen.macros[title] = macro_id
        return str(macro_id)

    def _macro_ids(self) -> dict[str, int]:
        with self._lock:
            if self._seen.macros is not None:
                return self._seen.macros
        found: dict[str, int] = {}
        for macro in self._list("/api/v2/macros.json", "macros"):
            title, macro_id = macro.get("title"), macro.get("id")
            if (
                isinstance(title, str)
                and title.startswith(MACRO_PREFIX)
                and isinstance(macro_id, int)
            ):
                found[title] = min(macro_id, found.get(title, macro_id))
        with self._lock:
            self._seen.macros = found
            return found

    def install_webhook(self, endpoint: str) -> list[str]:
        """Register ``endpoint`` as a webhook and a trigger that posts ticket changes to it.

        Idempotent: an existing webhook for the endpoint and its trigger are found and kept.
        """
        parts = urlsplit(endpoint)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise InputError(f"the webhook endpoint must be an http(s) URL, not {endpoint!r}")
        lines = []
        hook = next(
            (
                h
                for h in self._list("/api/v2/webhooks", "webhooks")
                if h.get("endpoint") == endpoint
            ),
            None,
        )
        if hook is None:
            hook = self._create_webhook(endpoint)
            lines.append(f"webhook {hook['id']} for {endpoint}: created")
        else:
            lines.append(f"webhook {hook['id']} for {endpoint}: already there")
        title = f"{TRIGGER_TITLE}::{hook['id']}"
        trigger = next(
            (t for t in self._list("/api/v2/triggers.json", "triggers") if t.get("title") == title),
            None,
        )
        if trigger is None:
            trigger = self._create_trigger(title, str(hook["id"]))
            lines.append(f"trigger {trigger['id']} ({title}): created")
        else:
            lines.append(f"trigger {trigger['id']} ({title}): already there")
        if self.settings.webhook_secret is None:
            lines.append(
                "next: copy the webhook's signing secret (Admin Center, Webhooks) into "
                "DEESCALATE_ZENDESK_WEBHOOK_SECRET"
            )
        return lines

    def _create_webhook(self, endpoint: str) -> Mapping[str, Any]:
        body = {
            "webhook": {
                "name": WEBHOOK_NAME,
                "endpoint": endpoint,
                "http_method": "POST",
                "request_format": "json",
                "status": "active",
                "subscriptions": ["conditional_ticket_events"],
            }
        }
        created = self.client.post("/api/v2/webhooks", body).get("webhook")
        if not isinstance(created, Mapping) or not created.get("id"):
            raise AdapterError("Zendesk created the webhook without an id")
        return created

    def _create_trigger(self, title: str, webhook_id: str) -> Mapping[str, Any]:
        from zenpy.lib.api_objects import Trigger as ZenpyTrigger

        trigger = ZenpyTrigger(
            title=title,
            description="Sends public comments to deescalate (installed by deescalate setup).",
            active=True,
            conditions={
                "all": [{"field": "comment_is_public", "operator": "is", "value": "true"}],
                "any": [],
            },
            actions=[
                {
                    "field": "notification_webhook",
                    "value": [webhook_id, json.dumps(dict(webhooks.TRIGGER_BODY))],
                }
            ],
        )
        with map_errors(f"creating trigger {title!r}"):
            created = self.client.zenpy.triggers.create(trigger)
        created_id = getattr(created, "id", None)
        if not created_id:
            raise AdapterError("Zendesk created the trigger without an id")
        return {"id": created_id, "title": title}

    def _list(self, path: str, key: str) -> Iterable[Mapping[str, Any]]:
        """Every item of a cursor-paginated list endpoint."""
        target: str = path
        params: Mapping[str, str] | None = {"page[size]": "100"}
        while True:
            page = self.client.get(target, params)
            items = page.get(key)
            if not isinstance(items, list):
                raise AdapterError(f"Zendesk answered {path} without a '{key}' list")
            yield from (item for item in items if isinstance(item, Mapping))
            meta, links = page.get("meta") or {}, page.get("links") or {}
            next_link = links.get("next") if isinstance(links, Mapping) else None
            if not (isinstance(meta, Mapping) and meta.get("has_more") and next_link):
                return
            target, params = str(next_link), None

    # --- webhooks ------------------------------------------------------------------------------

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> Delivery:
        """Check the signature and the replay window (5 minutes either way by default)."""
        secret = self.settings.webhook_secret
        return webhooks.verify(
            secret.get_secret_value() if secret is not None else None,
            headers,
            body,
            now=self._clock(),
            window=timedelta(seconds=self.settings.replay_window),
        )

    def parse_delivery(self, delivery: Delivery) -> list[TicketEvent]:
        """The events of a delivery (comment added, status changed); none for other event types
        and for the adapter's own comments."""
        with self._lock:
            bot = self.settings.bot_user_id or self._seen.bot_user_id
        return webhooks.parse(delivery, bot_user_id=bot)

    def close(self) -> None:
        self.client.close()

    # --- internals -----------------------------------------------------------------------------

    def _ticket_id(self, ref: TicketRef) -> int:
        ticket_id = self._ticket_id_or_none(ref)
        if ticket_id is None:
            raise NotFound(f"{ref} is not a Zendesk ticket (expected zendesk:<number>)")
        return ticket_id

    def _ticket_id_or_none(self, ref: TicketRef) -> int | None:
        if ref.system != self.name or not ref.id.isdigit() or len(ref.id) > 18:
            return None
        return int(ref.id)

    def _remember_users(self, users: Iterable[Any]) -> None:
        found = convert.users_by_id(users)
        with self._lock:
            if len(self._seen.users) + len(found) > _USER_CACHE_LIMIT:
                self._seen.users.clear()
            self._seen.users.update(found)

    def _known_users(self, ids: Iterable[Any]) -> dict[int, Mapping[str, Any]]:
        with self._lock:
            return {
                i: self._seen.users[i] for i in ids if isinstance(i, int) and i in self._seen.users
            }

    def _users_for(self, ids: Iterable[Any]) -> dict[int, Mapping[str, Any]]:
        """The users with these ids: from sideloads seen so far, the rest in ``show_many`` calls
        of 100 ids (never one call per author)."""
        wanted = {i for i in ids if isinstance(i, int) and i > 0}
        known = self._known_users(wanted)
        missing = sorted(wanted - set(known))
        for start in range(0, len(missing), 100):
            chunk = ",".join(str(i) for i in missing[start : start + 100])
            page = self.client.get("/api/v2/users/show_many.json", {"ids": chunk})
            self._remember_users(page.get("users") or ())
        known.update(self._known_users(missing))
        return known

    def _snapshot(
        self,
        ticket_id: int,
        ticket: Ticket,
        raw_comments: Sequence[Mapping[str, Any]],
        comments: Sequence[Comment],
    ) -> _Snapshot:
        markers = _markers(raw_comments, comments)
        snapshot = _Snapshot(ticket.tags, ticket.priority, markers, time.monotonic())
        with self._lock:
            self._seen.snapshots[str(ticket_id)] = snapshot
            if ticket.status == "closed":
                self._seen.closed.add(ticket_id)
            if len(self._seen.snapshots) > 1000:  # keep the memory bounded: drop the oldest
                oldest = min(self._seen.snapshots, key=lambda k: self._seen.snapshots[k].read_at)
                del self._seen.snapshots[oldest]
        return snapshot

    def _fresh_snapshot(self, ticket_id: int) -> _Snapshot | None:
        with self._lock:
            snapshot = self._seen.snapshots.get(str(ticket_id))
        if snapshot is None or time.monotonic() - snapshot.read_at > SNAPSHOT_SECONDS:
            return None
        return snapshot

    def _read_markers(self, ticket_id: int) -> _Snapshot:
        """Read a ticket's comments for the markers they carry (tags stay unknown)."""
        raw_comments = self._raw_comments(ticket_id)
        comments = [convert.comment_from(c, {}) for c in raw_comments]
        markers = _markers(raw_comments, comments)
        return _Snapshot(frozenset(), None, markers, time.monotonic(), whole=False)

    def _after_write(
        self,
        ticket_id: int,
        change: TicketChange,
        idempotency_key: str | None,
        note: Comment | None,
    ) -> None:
        with self._lock:
            old = self._seen.snapshots.get(str(ticket_id))
            if old is None or time.monotonic() - old.read_at > SNAPSHOT_SECONDS:
                return
            markers = dict(old.markers)
            if idempotency_key is not None and note is not None:
                markers[idempotency_key] = note
            self._seen.snapshots[str(ticket_id)] = replace(
                old,
                tags=(old.tags | change.tags_to_add) - change.remove_tags,
                priority=change.priority or old.priority,
                markers=markers,
            )


def _markers(
    raw_comments: Sequence[Mapping[str, Any]], comments: Sequence[Comment]
) -> dict[str, Comment]:
    markers: dict[str, Comment] = {}
    for raw, comment in zip(raw_comments, comments, strict=True):
        for key in ("body", "plain_body", "html_body"):
            value = raw.get(key)
            found = find_note_marker(value) if isinstance(value, str) else None
            if found is not None:
                markers.setdefault(found, comment)
                break
    return markers


def _changes_nothing(change: TicketChange, snapshot: _Snapshot) -> bool:
    """True when the change only adds tags present, removes tags absent and keeps the priority."""
    return (
        snapshot.whole
        and change.note is None
        and change.reminder is None
        and change.add_tags <= snapshot.tags
        and not (change.remove_tags & snapshot.tags)
        and change.priority in (None, snapshot.priority)
    )


def _is_not_found(exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None) == 404
