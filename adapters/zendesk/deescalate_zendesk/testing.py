"""A local fake of the Zendesk Support API, for this adapter's tests and for yours.

``FakeZendeskServer`` is a real HTTP server on 127.0.0.1 that serves the endpoints the adapter
uses, with Zendesk's request and response shapes, cursor pagination with absolute links built from
the request's ``Host`` header, auth checks (401 for wrong credentials) and 404 for unknown ids::

    with FakeZendeskServer() as server:
        ticket_id = server.add_ticket("Printer broken", [("customer", "It fails again!!")])
        desk = ZendeskHelpdesk(server.settings())
        desk.get_ticket(TicketRef("zendesk", str(ticket_id)))
        assert server.calls("GET", "/api/v2/tickets/") == 2

State lives in plain dicts (``tickets``, ``comments``, ``users``, ``macros``, ``webhooks``,
``triggers``, ``schedules``). The server, its log of requests (``requests``, ``calls``,
``reset_log``) and its faults (``fail_next``, ``stall_next``) come from
:class:`deescalate.fake_http.FakeHTTPServer`. :meth:`FakeZendeskServer.sign` signs a webhook
delivery with the fake's secret, and :meth:`comment_added_delivery` builds one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from pydantic import SecretStr

from deescalate.fake_http import Answer, FakeHTTPServer, LoggedRequest, Request
from deescalate_zendesk.settings import ZendeskSettings
from deescalate_zendesk.webhooks import sign as sign_delivery

__all__ = ["FakeZendeskServer", "LoggedRequest", "sign_delivery"]

JSON = dict[str, Any]

_ROLES = {"customer": "end-user", "agent": "agent", "admin": "admin", "end-user": "end-user"}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class _State:
    users: dict[int, JSON] = field(default_factory=dict)
    tickets: dict[int, JSON] = field(default_factory=dict)
    comments: dict[int, list[JSON]] = field(default_factory=dict)
    events: list[JSON] = field(default_factory=list)
    macros: dict[int, JSON] = field(default_factory=dict)
    webhooks: dict[str, JSON] = field(default_factory=dict)
    triggers: dict[int, JSON] = field(default_factory=dict)
    schedules: dict[int, JSON] = field(default_factory=dict)
    holidays: dict[int, list[JSON]] = field(default_factory=dict)
    jobs: dict[str, JSON] = field(default_factory=dict)


class FakeZendeskServer(FakeHTTPServer):
    """A fake Zendesk on ``127.0.0.1`` in a daemon thread; use it as a context manager.

    ``email`` and ``token`` (or ``oauth_token``) are the credentials it accepts; ``secret`` is the
    webhook signing secret :meth:`sign` uses. ``clock`` gives the server's time (for timestamps
    of new comments and the exports); it defaults to the real time.
    """

    def __init__(
        self,
        *,
        email: str = "bot@example.test",
        token: str = "test-token",
        oauth_token: str | None = None,
        secret: str = "webhook-secret",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.email = email
        self.token = token
        self.oauth_token = oauth_token
        self.secret = secret
        self.clock = clock or (lambda: datetime.now(UTC))
        self.state = _State()
        self.job_polls_before_done = 0
        """How many polls a job reports ``queued`` before it completes (0: done at once)."""
        self._ids = itertools.count(1001)
        self.bot_id = self.add_user("deescalate bot", role="admin", email=email)

    def settings(self, **overrides: Any) -> ZendeskSettings:
        """Adapter settings pointing at this server with its credentials."""
        values: dict[str, Any] = {
            "url": self.url,
            "email": self.email,
            "token": SecretStr(self.token),
            "webhook_secret": SecretStr(self.secret),
        }
        values.update(overrides)
        return ZendeskSettings(**values)

    # --- seeding -------------------------------------------------------------------------------

    def next_id(self) -> int:
        with self.lock:
            return next(self._ids)

    def add_user(
        self,
        name: str,
        *,
        role: str = "end-user",
        email: str | None = None,
        locale: str = "en-US",
        time_zone: str = "UTC",
        iana_time_zone: str | None = "Etc/UTC",
    ) -> int:
        """Add a user (``role`` is ``end-user``, ``agent`` or ``admin``; ``customer`` works too).

        Zendesk shows a user's zone twice: ``time_zone`` as a Rails name ("Eastern Time (US &
        Canada)") and ``iana_time_zone`` ("America/New_York"); ``iana_time_zone=None`` leaves
        the second out, as older answers do.
        """
        user_id = self.next_id()
        now = _iso(self.clock())
        user: JSON = {
            "id": user_id,
            "url": f"/api/v2/users/{user_id}.json",
            "name": name,
            "email": email or f"user{user_id}@example.test",
            "role": _ROLES[role],
            "locale": locale,
            "time_zone": time_zone,
            "created_at": now,
            "updated_at": now,
            "active": True,
        }
        if iana_time_zone is not None:
            user["iana_time_zone"] = iana_time_zone
        self.state.users[user_id] = user
        return user_id

    def add_ticket(
        self,
        subject: str,
        comments: Sequence[tuple[str, str]] = (),
        *,
        status: str = "open",
        tags: Sequence[str] = (),
        priority: str | None = None,
        requester: int | None = None,
        assignee: int | None = None,
        at: datetime | None = None,
        html: bool = False,
    ) -> int:
        """Add a ticket with ``(role, body)`` public comments; returns its id.

        Customer comments are written by the requester, agent comments by the assignee (both are
        created when not given); ``at`` is the creation time, each comment a second later.
        """
        with self.lock:
            requester = requester or self.add_user(f"Customer {len(self.state.users)}")
            assignee = assignee or self.add_user(f"Agent {len(self.state.users)}", role="agent")
            ticket_id = self.next_id()
            created = at or self.clock()
            self.state.tickets[ticket_id] = {
                "id": ticket_id,
                "url": f"/api/v2/tickets/{ticket_id}.json",
                "subject": subject,
                "raw_subject": subject,
                "description": comments[0][1] if comments else "",
                "status": status,
                "priority": priority,
                "type": "incident",
                "tags": list(dict.fromkeys(tags)),
                "requester_id": requester,
                "submitter_id": requester,
                "assignee_id": assignee,
                "custom_fields": [],
                "created_at": _iso(created),
                "updated_at": _iso(created),
                "via": {"channel": "web"},
            }
            self.state.comments[ticket_id] = []
            for index, (role, body) in enumerate(comments):
                author = requester if _ROLES[role] == "end-user" else assignee
                moment = created + timedelta(seconds=index)
                self._add_comment(ticket_id, author, body, public=True, at=moment, html=html)
            return ticket_id

    def add_comment(
        self, ticket_id: int, author_id: int, body: str, *, public: bool = True
    ) -> JSON:
        """Append a comment by ``author_id`` (a customer's reply, say) and return it."""
        with self.lock:
            return self._add_comment(ticket_id, author_id, body, public=public, at=self.clock())

    def add_schedule(
        self,
        name: str,
        time_zone: str,
        intervals: Sequence[tuple[int, int]],
        holidays: Sequence[tuple[str, str, str]] = (),
    ) -> int:
        """Add a business-hours schedule (minutes from Sunday 00:00) with ``(name, start, end)``
        holidays (ISO dates)."""
        schedule_id = self.next_id()
        self.state.schedules[schedule_id] = {
            "id": schedule_id,
            "name": name,
            "time_zone": time_zone,
            "intervals": [{"start_time": s, "end_time": e} for s, e in intervals],
            "created_at": _iso(self.clock()),
            "updated_at": _iso(self.clock()),
        }
        self.state.holidays[schedule_id] = [
            {"id": self.next_id(), "name": n, "start_date": s, "end_date": e}
            for n, s, e in holidays
        ]
        return schedule_id

    def _add_comment(
        self,
        ticket_id: int,
        author_id: int,
        body: str,
        *,
        public: bool,
        at: datetime,
        html: bool = False,
        audit_id: int | None = None,
    ) -> JSON:
        ticket = self.state.tickets[ticket_id]
        audit_id = audit_id or self.next_id()
        comment = {
            "id": self.next_id(),
            "type": "Comment",
            "author_id": author_id,
            "body": body,
            "html_body": body if html else f'<div class="zd-comment"><p>{body}</p></div>',
            "plain_body": body,
            "public": public,
            "audit_id": audit_id,
            "attachments": [],
            "via": {"channel": "web"},
            "metadata": {},
            "created_at": _iso(at),
        }
        if html:  # a comment known only by its HTML (as some channels and payloads give it)
            del comment["plain_body"], comment["body"]
        self.state.comments[ticket_id].append(comment)
        ticket["updated_at"] = _iso(at)
        self.state.events.append(
            {
                "id": audit_id,
                "ticket_id": ticket_id,
                "timestamp": int(at.timestamp()),
                "created_at": _iso(at),
                "updater_id": author_id,
                "via": "Web form",
                "event_type": "Audit",
                "child_events": [{**comment, "event_type": "Comment"}],
            }
        )
        return comment

    # --- inspection ---------------------------------------------------------------------------

    def tags(self, ticket_id: int) -> list[str]:
        """A ticket's tags."""
        return list(self.state.tickets[ticket_id]["tags"])

    def notes(self, ticket_id: int) -> list[JSON]:
        """A ticket's private comments."""
        return [c for c in self.state.comments[ticket_id] if not c["public"]]

    # --- webhook deliveries --------------------------------------------------------------------

    def sign(
        self, body: bytes, *, timestamp: str | None = None, secret: str | None = None
    ) -> dict[str, str]:
        """Headers of a delivery of ``body`` signed with the fake's secret (or ``secret``)."""
        stamp = timestamp or _iso(self.clock())
        return {
            "X-Zendesk-Webhook-Signature": sign_delivery(secret or self.secret, stamp, body),
            "X-Zendesk-Webhook-Signature-Timestamp": stamp,
            "X-Zendesk-Webhook-Id": "01FAKEWEBHOOK",
            "X-Zendesk-Webhook-Invocation-Id": str(self.next_id()),
        }

    def comment_added_delivery(
        self,
        ticket_id: int,
        body: str,
        *,
        event_id: str,
        author_id: int | None = None,
        public: bool = True,
        comment_id: int | None = None,
    ) -> tuple[dict[str, str], bytes]:
        """A signed ``zen:event-type:ticket.comment_added`` delivery, as an event subscription
        sends it (by the requester unless ``author_id`` is given). ``comment_id`` names a comment
        already on the ticket (see :meth:`add_comment`); otherwise the id is a new one."""
        ticket = self.state.tickets[ticket_id]
        author = self.state.users[author_id or ticket["requester_id"]]
        payload = {
            "id": event_id,
            "type": "zen:event-type:ticket.comment_added",
            "account_id": 1,
            "subject": f"zen:ticket:{ticket_id}",
            "time": _iso(self.clock()),
            "zendesk_event_version": "2022-11-06",
            "detail": _event_detail(ticket),
            "event": {
                "comment": {
                    "id": str(comment_id or self.next_id()),
                    "body": body,
                    "is_public": public,
                    "author": {
                        "id": str(author["id"]),
                        "name": author["name"],
                        "is_staff": author["role"] != "end-user",
                    },
                }
            },
        }
        data = json.dumps(payload).encode("utf-8")
        return self.sign(data), data

    # --- request handling ----------------------------------------------------------------------

    def _authorized(self, header: str | None) -> bool:
        if header is None:
            return False
        if self.oauth_token is not None and header == f"Bearer {self.oauth_token}":
            return True
        expected = base64.b64encode(f"{self.email}/token:{self.token}".encode()).decode()
        return hmac.compare_digest(header, f"Basic {expected}")

    def handle(self, request: Request) -> Answer:
        """Answer one request as Zendesk would (401 to other credentials)."""
        if not self._authorized(request.headers.get("authorization")):
            return Answer(401, {"error": "Couldn't authenticate you"})
        router = _Router(self, request.base)
        status, payload = router.route(request.method, request.path, request.query, request.body)
        return Answer(status, payload)


def _event_detail(ticket: JSON) -> JSON:
    return {
        "id": str(ticket["id"]),
        "status": str(ticket["status"]).upper(),
        "priority": str(ticket["priority"]).upper() if ticket["priority"] else None,
        "subject": ticket["subject"],
        "tags": list(ticket["tags"]),
        "requester_id": str(ticket["requester_id"]),
        "assignee_id": str(ticket["assignee_id"]),
        "created_at": ticket["created_at"],
        "updated_at": ticket["updated_at"],
        "type": "INCIDENT",
    }


_NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}


class _Router:
    """Serves one request against the fake's state (called with the fake's lock held)."""

    def __init__(self, fake: FakeZendeskServer, base: str) -> None:
        self.fake = fake
        self.state = fake.state
        self.base = base

    def route(self, method: str, path: str, query: Mapping[str, str], body: Any) -> tuple[int, Any]:
        parts = path.removesuffix(".json").strip("/").split("/")
        if parts[:2] != ["api", "v2"]:
            return 404, _NOT_FOUND
        rest = parts[2:]
        routes: list[tuple[str, tuple[str, ...], Callable[..., tuple[int, Any]]]] = [
            ("GET", ("users", "me"), lambda: (200, {"user": self.state.users[self.fake.bot_id]})),
            ("GET", ("users", "show_many"), lambda: self.show_users(query)),
            ("PUT", ("tickets", "update_many"), lambda: self.update_many(query, body)),
            ("GET", ("tickets", "*"), lambda i: self.show_ticket(i, query)),
            ("PUT", ("tickets", "*"), lambda i: self.update_ticket(i, body)),
            ("GET", ("tickets", "*", "comments"), lambda i: self.list_comments(i, query)),
            ("GET", ("incremental", "tickets", "cursor"), lambda: self.export_tickets(query)),
            ("GET", ("incremental", "ticket_events"), lambda: self.export_events(query)),
            ("GET", ("job_statuses", "show_many"), lambda: self.show_jobs(query)),
            ("GET", ("job_statuses", "*"), lambda i: self.show_job(i)),
            ("GET", ("macros",), lambda: self.list_page("macros", self.state.macros, query)),
            ("POST", ("macros",), lambda: self.create_macro(body)),
            ("PUT", ("macros", "*"), lambda i: self.update_macro(i, body)),
            ("GET", ("webhooks",), lambda: self.list_page("webhooks", self.state.webhooks, query)),
            ("POST", ("webhooks",), lambda: self.create_webhook(body)),
            ("GET", ("triggers",), lambda: self.list_page("triggers", self.state.triggers, query)),
            ("POST", ("triggers",), lambda: self.create_trigger(body)),
            (
                "GET",
                ("business_hours", "schedules"),
                lambda: (200, {"schedules": list(self.state.schedules.values())}),
            ),
            ("GET", ("business_hours", "schedules", "*", "holidays"), lambda i: self.holidays(i)),
        ]
        for verb, pattern, action in routes:
            if verb != method or len(pattern) != len(rest):
                continue
            if all(p in ("*", r) for p, r in zip(pattern, rest, strict=True)):
                args = [r for p, r in zip(pattern, rest, strict=True) if p == "*"]
                try:
                    return action(*args)
                except (KeyError, ValueError, TypeError) as exc:
                    return 400, {"error": "InvalidRequest", "description": str(exc)}
        return 404, _NOT_FOUND

    # --- users ---------------------------------------------------------------------------------

    def _users(self, ids: Iterator[int] | Sequence[int]) -> list[JSON]:
        return [self.state.users[i] for i in dict.fromkeys(ids) if i in self.state.users]

    def show_users(self, query: Mapping[str, str]) -> tuple[int, Any]:
        ids = [int(i) for i in query["ids"].split(",") if i]
        if len(ids) > 100:
            return 400, {"error": "TooManyValues", "description": "at most 100 ids"}
        return 200, {"users": self._users(ids)}

    def _ticket_users(self, tickets: Sequence[JSON]) -> list[JSON]:
        ids = [
            t[key]
            for t in tickets
            for key in ("requester_id", "submitter_id", "assignee_id")
            if t.get(key)
        ]
        return self._users(ids)

    # --- tickets -------------------------------------------------------------------------------

    def _ticket(self, ident: str) -> JSON | None:
        return self.state.tickets.get(int(ident)) if ident.isdigit() else None

    def show_ticket(self, ident: str, query: Mapping[str, str]) -> tuple[int, Any]:
        ticket = self._ticket(ident)
        if ticket is None:
            return 404, _NOT_FOUND
        result: JSON = {"ticket": ticket}
        if "users" in query.get("include", "").split(","):
            result["users"] = self._ticket_users([ticket])
        return 200, result

    def update_ticket(self, ident: str, body: Any) -> tuple[int, Any]:
        ticket = self._ticket(ident)
        if ticket is None:
            return 404, _NOT_FOUND
        if not isinstance(body, dict) or not isinstance(body.get("ticket"), dict):
            return 400, {"error": "InvalidRequest", "description": "expected a 'ticket' object"}
        if ticket["status"] == "closed":
            return 422, {
                "error": "RecordInvalid",
                "description": "Record validation errors",
                "details": {"status": [{"description": "Status: closed prevents ticket update"}]},
            }
        events = self._apply(ticket, body["ticket"])
        audit = {
            "id": self.fake.next_id(),
            "ticket_id": ticket["id"],
            "author_id": self.fake.bot_id,
            "created_at": ticket["updated_at"],
            "events": events,
            "via": {"channel": "api"},
            "metadata": {},
        }
        return 200, {"ticket": ticket, "audit": audit}

    def _apply(self, ticket: JSON, update: JSON) -> list[JSON]:
        """Apply one ticket update (the shape of a PUT ticket body); returns the audit events."""
        events: list[JSON] = []
        now = self.fake.clock()
        tags: list[str] = list(ticket["tags"])
        if "tags" in update:
            tags = list(dict.fromkeys(update["tags"]))
        tags += [t for t in update.get("additional_tags", ()) if t not in tags]
        removed = set(update.get("remove_tags", ()))
        tags = [t for t in tags if t not in removed]
        if tags != ticket["tags"]:
            events.append(
                {
                    "id": self.fake.next_id(),
                    "type": "Change",
                    "field_name": "tags",
                    "value": " ".join(tags),
                }
            )
            ticket["tags"] = tags
        for key in ("priority", "status", "subject"):
            if key in update and update[key] != ticket[key]:
                ticket[key] = update[key]
                events.append(
                    {
                        "id": self.fake.next_id(),
                        "type": "Change",
                        "field_name": key,
                        "value": str(update[key]),
                    }
                )
        for custom in update.get("custom_fields", ()):
            fields = [f for f in ticket["custom_fields"] if f["id"] != custom["id"]]
            ticket["custom_fields"] = [*fields, {"id": custom["id"], "value": custom["value"]}]
        comment = update.get("comment")
        if isinstance(comment, dict):
            created = self.fake._add_comment(
                ticket["id"],
                int(comment.get("author_id") or self.fake.bot_id),
                str(comment.get("body") or comment.get("html_body") or ""),
                public=bool(comment.get("public", True)),
                at=now,
            )
            events.append(
                {
                    "id": created["id"],
                    "type": "Comment",
                    "body": created["body"],
                    "public": created["public"],
                    "author_id": created["author_id"],
                }
            )
        ticket["updated_at"] = _iso(now)
        return events

    def list_comments(self, ident: str, query: Mapping[str, str]) -> tuple[int, Any]:
        if self._ticket(ident) is None:
            return 404, _NOT_FOUND
        comments = self.state.comments[int(ident)]
        size = min(int(query.get("page[size]", "100")), 100)
        start = int(query["page[after]"]) if query.get("page[after]") else 0
        page = comments[start : start + size]
        has_more = start + size < len(comments)
        after = str(start + size) if has_more else None
        result: JSON = {
            "comments": page,
            "meta": {"has_more": has_more, "after_cursor": after, "before_cursor": None},
            "links": {"prev": None, "next": None},
        }
        if has_more:
            params = {k: v for k, v in query.items() if k != "page[after]"}
            params.update({"page[size]": str(size), "page[after]": str(after)})
            result["links"]["next"] = (
                f"{self.base}/api/v2/tickets/{ident}/comments.json?{urlencode(params)}"
            )
        if "users" in query.get("include", "").split(","):
            result["users"] = self._users([c["author_id"] for c in page])
        return 200, result

    def update_many(self, query: Mapping[str, str], body: Any) -> tuple[int, Any]:
        ids = [int(i) for i in query.get("ids", "").split(",") if i]
        if not ids or len(ids) > 100:
            return 400, {"error": "InvalidRequest", "description": "1 to 100 ids are required"}
        update = body["ticket"]
        results: list[JSON] = []
        for index, ticket_id in enumerate(ids):
            ticket = self.state.tickets.get(ticket_id)
            if ticket is None or ticket["status"] == "closed":
                reason = "RecordNotFound" if ticket is None else "TicketUpdateFailed"
                details = "Not found" if ticket is None else "Status: closed prevents ticket update"
                results.append(
                    {
                        "id": ticket_id,
                        "index": index,
                        "action": "update",
                        "success": False,
                        "error": reason,
                        "details": details,
                    }
                )
                continue
            self._apply(ticket, update)
            results.append(
                {
                    "id": ticket_id,
                    "index": index,
                    "action": "update",
                    "success": True,
                    "status": "Updated",
                }
            )
        job_id = hashlib.sha1(str(self.fake.next_id()).encode()).hexdigest()
        job = {
            "id": job_id,
            "url": f"{self.base}/api/v2/job_statuses/{job_id}.json",
            "job_type": "ThirdPartyTicketUpdate",
            "total": len(ids),
            "progress": 0,
            "status": "queued",
            "message": None,
            "results": None,
            "_results": results,
            "_polls": 0,
        }
        self.state.jobs[job_id] = job
        return 200, {"job_status": _public_job(job)}

    def _poll(self, job: JSON) -> JSON:
        job["_polls"] += 1
        if job["_polls"] > self.fake.job_polls_before_done:
            job.update(
                status="completed",
                progress=job["total"],
                results=job["_results"],
                message="Completed",
            )
        return _public_job(job)

    def show_jobs(self, query: Mapping[str, str]) -> tuple[int, Any]:
        ids = [i for i in query.get("ids", "").split(",") if i]
        if len(ids) > 100:
            return 400, {"error": "TooManyValues", "description": "at most 100 ids"}
        return 200, {
            "job_statuses": [self._poll(self.state.jobs[i]) for i in ids if i in self.state.jobs]
        }

    def show_job(self, ident: str) -> tuple[int, Any]:
        job = self.state.jobs.get(ident)
        if job is None:
            return 404, _NOT_FOUND
        return 200, {"job_status": self._poll(job)}

    # --- exports -------------------------------------------------------------------------------

    def export_tickets(self, query: Mapping[str, str]) -> tuple[int, Any]:
        size = min(int(query.get("per_page", "1000")), 1000)
        ordered = sorted(self.state.tickets.values(), key=lambda t: (t["updated_at"], t["id"]))
        if query.get("cursor"):
            stamp, _, last_id = base64.urlsafe_b64decode(query["cursor"]).decode().partition("|")
            ordered = [t for t in ordered if (t["updated_at"], t["id"]) > (stamp, int(last_id))]
        elif "start_time" in query:
            since = _iso(datetime.fromtimestamp(int(query["start_time"]), UTC))
            ordered = [t for t in ordered if t["updated_at"] >= since]
        else:
            return 400, {"error": "InvalidRequest", "description": "start_time or cursor"}
        page = ordered[:size]
        end = len(ordered) <= size
        if page:
            last = page[-1]
            cursor = base64.urlsafe_b64encode(
                f"{last['updated_at']}|{last['id']}".encode()
            ).decode()
        else:
            cursor = query.get("cursor") or base64.urlsafe_b64encode(b"|0").decode()
        params = {k: v for k, v in query.items() if k not in ("cursor", "start_time")}
        params["cursor"] = cursor
        result: JSON = {
            "tickets": page,
            "after_cursor": cursor,
            "after_url": f"{self.base}/api/v2/incremental/tickets/cursor.json?{urlencode(params)}",
            "before_cursor": None,
            "before_url": None,
            "end_of_stream": end,
        }
        if "users" in query.get("include", "").split(","):
            result["users"] = self._ticket_users(page)
        return 200, result

    def export_events(self, query: Mapping[str, str]) -> tuple[int, Any]:
        start = int(query["start_time"])
        size = min(int(query.get("per_page", "1000")), 1000)
        with_comments = "comment_events" in query.get("include", "").split(",")
        ordered = sorted(
            (e for e in self.state.events if e["timestamp"] >= start),
            key=lambda e: (e["timestamp"], e["id"]),
        )
        page = ordered[:size]
        # As Zendesk does, a page never splits the events of one second: the next page starts
        # at the following second, so paging by time never loops.
        if len(ordered) > size:
            last_second = page[-1]["timestamp"]
            page += [e for e in ordered[size:] if e["timestamp"] == last_second]
        end = len(page) == len(ordered)
        end_time = page[-1]["timestamp"] + 1 if page else start
        params = {k: v for k, v in query.items() if k != "start_time"}
        params["start_time"] = str(end_time)
        events = [e if with_comments else _without_comment(e) for e in page]
        return 200, {
            "ticket_events": events,
            "count": len(events),
            "end_of_stream": end,
            "end_time": end_time,
            "next_page": f"{self.base}/api/v2/incremental/ticket_events.json?{urlencode(params)}",
        }

    # --- macros, webhooks, triggers ------------------------------------------------------------

    def list_page(
        self, key: str, items: Mapping[Any, JSON], query: Mapping[str, str]
    ) -> tuple[int, Any]:
        values = list(items.values())
        size = min(int(query.get("page[size]", "100")), 100)
        start = int(query["page[after]"]) if query.get("page[after]") else 0
        page = values[start : start + size]
        has_more = start + size < len(values)
        after = str(start + size) if has_more else None
        next_link = None
        if has_more:
            params = {**query, "page[size]": str(size), "page[after]": str(after)}
            suffix = "" if key == "webhooks" else ".json"
            next_link = f"{self.base}/api/v2/{key}{suffix}?{urlencode(params)}"
        meta = {"has_more": has_more, "after_cursor": after, "before_cursor": None}
        links = {"next": next_link, "prev": None}
        if key == "webhooks":  # the webhooks API leaves out what it has no value for
            meta = {k: v for k, v in meta.items() if v is not None}
            links = {k: v for k, v in links.items() if v is not None}
        return 200, {key: page, "meta": meta, "links": links}

    def create_macro(self, body: Any) -> tuple[int, Any]:
        macro = dict(body["macro"])
        if not macro.get("title") or not isinstance(macro.get("actions"), list):
            return 422, {"error": "RecordInvalid", "description": "title and actions required"}
        macro_id = self.fake.next_id()
        macro.update(
            id=macro_id,
            url=f"{self.base}/api/v2/macros/{macro_id}.json",
            active=macro.get("active", True),
            restriction=None,
        )
        self.state.macros[macro_id] = macro
        return 201, {"macro": macro}

    def update_macro(self, ident: str, body: Any) -> tuple[int, Any]:
        macro = self.state.macros.get(int(ident)) if ident.isdigit() else None
        if macro is None:
            return 404, _NOT_FOUND
        macro.update({k: v for k, v in body["macro"].items() if k != "id"})
        return 200, {"macro": macro}

    def create_webhook(self, body: Any) -> tuple[int, Any]:
        hook = dict(body["webhook"])
        for key in ("name", "endpoint", "http_method", "request_format", "status"):
            if not hook.get(key):
                return 400, {"errors": [{"code": "InvalidValue", "title": f"{key} is required"}]}
        hook_id = f"01FAKE{self.fake.next_id()}"
        hook.update(id=hook_id, created_at=_iso(self.fake.clock()))
        hook.setdefault("subscriptions", ["conditional_ticket_events"])
        self.state.webhooks[hook_id] = hook
        return 201, {"webhook": hook}

    def create_trigger(self, body: Any) -> tuple[int, Any]:
        trigger = dict(body["trigger"])
        if not trigger.get("title") or "conditions" not in trigger or "actions" not in trigger:
            return 422, {"error": "RecordInvalid", "description": "title, conditions, actions"}
        trigger_id = self.fake.next_id()
        trigger.update(
            id=trigger_id,
            url=f"{self.base}/api/v2/triggers/{trigger_id}.json",
            active=trigger.get("active", True),
        )
        self.state.triggers[trigger_id] = trigger
        return 201, {"trigger": trigger}

    def holidays(self, ident: str) -> tuple[int, Any]:
        if not ident.isdigit() or int(ident) not in self.state.schedules:
            return 404, _NOT_FOUND
        return 200, {"holidays": self.state.holidays[int(ident)]}


def _public_job(job: JSON) -> JSON:
    return {k: v for k, v in job.items() if not k.startswith("_")}


def _without_comment(event: JSON) -> JSON:
    children = [
        {"comment_present": True, "comment_public": c["public"]}
        if c.get("event_type") == "Comment"
        else c
        for c in event["child_events"]
    ]
    return {**event, "child_events": children}
