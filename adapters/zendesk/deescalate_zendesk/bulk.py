"""Backfill in bulk: the incremental exports walked page by page, and grouped bulk updates.

Export: the ticket export (cursor-based, up to 1,000 tickets a call, ordered by update time) is
walked in step with the ticket-event export with comment events (time-based, 1,000 events a
call). A ticket's comments are all older than its last update, so once the events are read up to
the newest update on a ticket page, that page's comments are complete; comments of tickets on
later pages wait in a buffer. The cursor handed out is opaque: the ticket cursor and the start
time. A new adapter resuming from it reads the events again from the start time.

Bulk updates: tickets that get the same change share ``PUT /api/v2/tickets/update_many.json?ids=``
calls of up to 100 ids; the jobs are polled together with ``job_statuses/show_many``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deescalate.errors import AdapterError, AuthError, HelpdeskError, InputError, RateLimited
from deescalate.helpdesk import BulkOutcome, TicketChange, TicketRef
from deescalate_zendesk.client import ZendeskClient
from deescalate_zendesk.convert import parse_time, update_body

__all__ = ["BulkPlan", "ExportCursor", "ExportWalker", "run_bulk"]

PAGE_SIZE = 1000
BULK_IDS = 100
JSON = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ExportCursor:
    """Where an export stands: its start time, and the ticket export's cursor once it has one."""

    since: int
    tickets: str | None = None

    @classmethod
    def start(cls, since: datetime) -> ExportCursor:
        return cls(max(0, int(since.timestamp())))

    def encode(self) -> str:
        raw = json.dumps({"since": self.since, "tickets": self.tickets}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, text: str) -> ExportCursor:
        """Read a cursor :meth:`encode` wrote (``InputError`` for anything else)."""
        try:
            padded = text + "=" * (-len(text) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded.encode()))
            since, tickets = int(data["since"]), data["tickets"]
        except (binascii.Error, ValueError, KeyError, TypeError) as exc:
            raise InputError("not a Zendesk export cursor (pass back the one a page gave)") from exc
        if tickets is not None and not isinstance(tickets, str):
            raise InputError("not a Zendesk export cursor (pass back the one a page gave)")
        return cls(since, tickets)


@dataclass(slots=True)
class _Events:
    """How far the event export has been read, and comments not yet handed out."""

    since: int
    position: int
    done: bool = False
    buffer: dict[int, dict[int, JSON]] = field(default_factory=dict)


class ExportWalker:
    """Walks the two exports in step (see the module docstring)."""

    def __init__(self, client: ZendeskClient) -> None:
        self.client = client
        self._events: _Events | None = None

    def ticket_page(self, cursor: ExportCursor) -> tuple[list[JSON], ExportCursor, bool]:
        """One call of the ticket export: its tickets, the cursor after them, and whether the
        export is done."""
        params = {"include": "users", "per_page": str(PAGE_SIZE)}
        if cursor.tickets:
            params["cursor"] = cursor.tickets
        else:
            params["start_time"] = str(cursor.since)
        page = self.client.get("/api/v2/incremental/tickets/cursor.json", params)
        tickets = page.get("tickets")
        if not isinstance(tickets, list):
            raise AdapterError("Zendesk answered the ticket export without a 'tickets' list")
        self._users = page.get("users") or []
        after = page.get("after_cursor")
        next_cursor = ExportCursor(cursor.since, str(after) if after else cursor.tickets)
        kept = [t for t in tickets if isinstance(t, Mapping)]
        return kept, next_cursor, bool(page.get("end_of_stream"))

    @property
    def users(self) -> list[Any]:
        """The users sideloaded with the last ticket page."""
        return list(getattr(self, "_users", []))

    def comments_until(
        self, cursor: ExportCursor, tickets: Sequence[JSON]
    ) -> dict[int, list[JSON]]:
        """The comments (comment events) of ``tickets``, read from the event export up to the
        newest update among them; each list in creation order."""
        events = self._events
        if events is None or events.since != cursor.since:
            events = self._events = _Events(cursor.since, cursor.since)
        newest = max((_timestamp(t.get("updated_at")) for t in tickets), default=-1)
        while not events.done and events.position <= newest:
            self._read_events(events)
        found: dict[int, list[JSON]] = {}
        for ticket in tickets:
            ticket_id = ticket.get("id")
            if isinstance(ticket_id, int) and ticket_id in events.buffer:
                comments = events.buffer.pop(ticket_id).values()
                found[ticket_id] = sorted(comments, key=lambda c: (str(c["created_at"]), c["id"]))
        return found

    def _read_events(self, events: _Events) -> None:
        params = {
            "start_time": str(events.position),
            "include": "comment_events",
            "per_page": str(PAGE_SIZE),
        }
        page = self.client.get("/api/v2/incremental/ticket_events.json", params)
        batch = page.get("ticket_events")
        if not isinstance(batch, list):
            raise AdapterError("Zendesk answered the event export without a 'ticket_events' list")
        for event in batch:
            if isinstance(event, Mapping):
                _collect(event, events.buffer)
        end_time = page.get("end_time")
        if not isinstance(end_time, int) or end_time <= events.position:
            # No progress in time means the stream is drained (or answered oddly): stop here
            # rather than ask for the same second forever.
            events.done = True
            return
        events.position = end_time
        events.done = bool(page.get("end_of_stream"))


def _collect(event: JSON, buffer: dict[int, dict[int, JSON]]) -> None:
    ticket_id = event.get("ticket_id")
    if not isinstance(ticket_id, int):
        return
    for child in event.get("child_events") or ():
        if not isinstance(child, Mapping):
            continue
        if child.get("event_type") != "Comment" and child.get("type") != "Comment":
            continue
        comment_id = child.get("id")
        if not isinstance(comment_id, int):
            continue
        comment = dict(child)
        comment.setdefault("created_at", event.get("created_at"))
        buffer.setdefault(ticket_id, {})[comment_id] = comment


def _timestamp(value: Any) -> int:
    try:
        return int(parse_time(value, "a ticket").timestamp())
    except AdapterError:
        return -1


# --- bulk updates -----------------------------------------------------------------------------


@dataclass(slots=True)
class BulkPlan:
    """The changes grouped for ``update_many``, and the outcomes decided without a call."""

    refs: list[TicketRef]
    groups: dict[TicketChange, list[int]]
    positions: dict[int, list[int]]
    outcomes: dict[int, BulkOutcome]
    newly_closed: set[int] = field(default_factory=set)

    @classmethod
    def build(
        cls,
        changes: Sequence[tuple[TicketRef, TicketChange]],
        ticket_id: Callable[[TicketRef], int | None],
        closed: set[int],
    ) -> BulkPlan:
        plan = cls([ref for ref, _ in changes], {}, {}, {})
        for index, (ref, change) in enumerate(changes):
            number = ticket_id(ref)
            if number is None:
                plan.outcomes[index] = BulkOutcome(ref, ok=False, error="not a Zendesk ticket")
            elif number in closed:
                plan.outcomes[index] = BulkOutcome(ref, ok=False, skipped="closed")
            elif change.empty:
                plan.outcomes[index] = BulkOutcome(ref, ok=True)
            else:
                plan.positions.setdefault(number, []).append(index)
                members = plan.groups.setdefault(change, [])
                if number not in members:
                    members.append(number)
        return plan


@dataclass(slots=True)
class _Job:
    id: str
    ticket_ids: list[int]


def run_bulk(
    client: ZendeskClient,
    plan: BulkPlan,
    *,
    poll_interval: float,
    timeout: float,
    sleep: Callable[[float], None],
    monotonic: Callable[[], float],
) -> list[BulkOutcome]:
    """Submit the plan's groups, poll the jobs together, and give one outcome per change."""
    by_ticket: dict[int, BulkOutcome] = {}
    jobs: list[_Job] = []
    stop: str | None = None
    for change, ticket_ids in plan.groups.items():
        body = {"ticket": update_body(change)}
        for start in range(0, len(ticket_ids), BULK_IDS):
            chunk = ticket_ids[start : start + BULK_IDS]
            if stop is not None:
                _fail(by_ticket, chunk, stop)
                continue
            try:
                answer = client.put(
                    "/api/v2/tickets/update_many.json",
                    body,
                    params={"ids": ",".join(str(i) for i in chunk)},
                )
            except AuthError:
                raise
            except RateLimited as exc:
                stop = f"not written: {exc}"
                _fail(by_ticket, chunk, stop)
                continue
            except HelpdeskError as exc:
                _fail(by_ticket, chunk, str(exc))
                continue
            job = answer.get("job_status")
            if not isinstance(job, Mapping) or not job.get("id"):
                _fail(by_ticket, chunk, "Zendesk answered update_many without a job")
                continue
            jobs.append(_Job(str(job["id"]), chunk))
    _poll(client, jobs, by_ticket, plan, poll_interval, timeout, sleep, monotonic)
    outcomes = dict(plan.outcomes)
    for ticket_id, indexes in plan.positions.items():
        for index in indexes:
            outcome = by_ticket.get(ticket_id) or BulkOutcome(
                plan.refs[index], ok=False, error="no result reported for this ticket"
            )
            outcomes[index] = BulkOutcome(
                plan.refs[index], outcome.ok, outcome.error, outcome.skipped
            )
    return [outcomes[i] for i in range(len(plan.refs))]


def _fail(by_ticket: dict[int, BulkOutcome], ticket_ids: Sequence[int], error: str) -> None:
    for ticket_id in ticket_ids:
        by_ticket[ticket_id] = BulkOutcome(TicketRef("zendesk", str(ticket_id)), False, error)


def _poll(
    client: ZendeskClient,
    jobs: list[_Job],
    by_ticket: dict[int, BulkOutcome],
    plan: BulkPlan,
    poll_interval: float,
    timeout: float,
    sleep: Callable[[float], None],
    monotonic: Callable[[], float],
) -> None:
    pending = {job.id: job for job in jobs}
    deadline = monotonic() + timeout
    while pending:
        for start in range(0, len(pending), BULK_IDS):
            ids = list(pending)[start : start + BULK_IDS]
            try:
                answer = client.get("/api/v2/job_statuses/show_many.json", {"ids": ",".join(ids)})
            except (RateLimited, AdapterError) as exc:
                for job_id in ids:
                    _fail(by_ticket, pending.pop(job_id).ticket_ids, f"job not confirmed: {exc}")
                continue
            for status in answer.get("job_statuses") or ():
                if isinstance(status, Mapping) and status.get("id") in pending:
                    _settle(status, pending, by_ticket, plan)
        if not pending:
            return
        if monotonic() + poll_interval > deadline:
            for job in pending.values():
                _fail(by_ticket, job.ticket_ids, f"job {job.id} still running after {timeout:g} s")
            return
        sleep(poll_interval)


def _settle(
    status: JSON, pending: dict[str, _Job], by_ticket: dict[int, BulkOutcome], plan: BulkPlan
) -> None:
    state = status.get("status")
    if state not in ("completed", "failed", "killed"):
        return
    job = pending.pop(str(status["id"]))
    if state != "completed":
        _fail(by_ticket, job.ticket_ids, f"job {job.id} {state}")
        return
    results = {r.get("id"): r for r in status.get("results") or () if isinstance(r, Mapping)}
    for ticket_id in job.ticket_ids:
        ref = TicketRef("zendesk", str(ticket_id))
        result = results.get(ticket_id)
        if result is None:
            by_ticket[ticket_id] = BulkOutcome(ref, False, f"job {job.id} reported no result")
        elif result.get("success"):
            by_ticket[ticket_id] = BulkOutcome(ref, True)
        elif "closed" in str(result.get("details", "")).lower():
            plan.newly_closed.add(ticket_id)
            by_ticket[ticket_id] = BulkOutcome(ref, False, skipped="closed")
        else:
            reason = str(result.get("error") or "failed")
            by_ticket[ticket_id] = BulkOutcome(ref, False, f"Zendesk refused the update: {reason}")
