"""JiraHelpdesk: the Helpdesk protocol on Jira Cloud and Data Center (Software and Service
Management), with bulk export and label edits for backfills and webhook registration.

Calls per operation (``serverInfo`` and ``myself`` are read once per process, on first use):

* ``get_ticket``: one read with the comments (``fields=...,comment``), plus a page per 100
  comments beyond those the issue carries. Data Center in ``jsm`` mode reads the comments on
  their own (``expand=properties``), because only their properties say which are internal:
  one more read.
* ``apply``: one ``PUT`` for labels, priority and due date together, one ``POST`` for the note
  (never retried by the client), one more ``PUT`` when the due time is kept in an issue
  property. Before a note, the marker is looked for among the comments; a read of the issue in
  the last ``memo_seconds`` answers that, otherwise the comments are read (one call).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deescalate.errors import (
    AdapterError,
    ConfigurationError,
    InputError,
    WebhookVerificationError,
)
from deescalate.helpdesk import (
    AppliedChange,
    BulkOutcome,
    Comment,
    Delivery,
    HelpdeskBase,
    Ticket,
    TicketChange,
    TicketEvent,
    TicketPage,
    TicketRef,
    note_marker,
)
from deescalate_jira import bulk, search
from deescalate_jira.client import JiraHttp, build_client, map_errors
from deescalate_jira.convert import (
    ISSUE_FIELDS,
    Audience,
    comment_from,
    edit_body,
    jira_datetime,
    note_body,
    ticket_from,
    user_id,
)
from deescalate_jira.memo import RecentReads
from deescalate_jira.settings import JiraSettings
from deescalate_jira.webhooks import (
    DELIVERY_HEADER,
    EVENTS,
    delivery_id,
    events_from,
    read_payload,
    verify_signature,
)

__all__ = ["JiraHelpdesk"]

log = logging.getLogger("deescalate.jira")

API = "/rest/api/2"
_ISSUE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*-[1-9][0-9]*|[1-9][0-9]*")
_PROPERTY_CHARS = re.compile(r"[^A-Za-z0-9._\-]")
MACRO_PREFIX = "deescalate.macro."


class JiraHelpdesk(HelpdeskBase):
    """Jira as a helpdesk: issues are tickets (``jira:SUP-12``), labels are tags.

    Build one with :meth:`from_env` or from :class:`JiraSettings`; nothing is contacted until
    the first call.
    """

    name = "jira"

    def __init__(self, settings: JiraSettings, *, clock: Any = None) -> None:
        self.settings = settings
        self._client = build_client(settings)
        self._http = JiraHttp(self._client, settings.url)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._levels = settings.priority_levels
        self._names = settings.priority_names
        self._internal = settings.internal_comments
        self._memo = RecentReads(settings.memo_seconds)
        self._once = threading.Lock()
        self._deployment: str | None = None
        self._myself: dict[str, Any] | None = None
        self._closed = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Build one from ``DEESCALATE_JIRA_*`` settings (``os.environ`` by default)."""
        return cls(JiraSettings.from_env(environ))

    def __repr__(self) -> str:
        return f"JiraHelpdesk(url={self.settings.url!r})"

    # --- once per process ----------------------------------------------------------------

    @property
    def is_cloud(self) -> bool:
        """Whether the site is Jira Cloud (read from ``serverInfo`` once)."""
        return self.deployment == "Cloud"

    @property
    def deployment(self) -> str:
        """``Cloud``, or ``Server``/``DataCenter`` as the site reports itself."""
        with self._once:
            if self._deployment is None:
                with map_errors("GET /rest/api/2/serverInfo"):
                    info = self._client.server_info()
                kind = str(info.get("deploymentType") or "Server")
                # The library routes searches by these two; it did not read them itself.
                self._client.deploymentType = kind
                self._client._version = tuple(info.get("versionNumbers") or (0, 0, 0))
                self._deployment = kind
            return self._deployment

    @property
    def myself(self) -> Mapping[str, Any]:
        """The API user (read once): its own writes give no webhook events."""
        with self._once:
            if self._myself is None:
                with map_errors("GET /rest/api/2/myself"):
                    self._myself = dict(self._client.myself())
            return self._myself

    def _own_account(self) -> str | None:
        return user_id(self.myself)

    def _audience(self, reporter: str | None) -> Audience:
        return Audience(
            reporter,
            portal_customers=self.settings.customers == "reporter+portal",
            jsm=self._internal.kind == "jsm",
        )

    # --- reading -------------------------------------------------------------------------

    def get_ticket(self, ref: TicketRef) -> Ticket:
        key = self._key(ref)
        ticket, _ = self._read(key)
        return ticket

    def _read(self, key: str) -> tuple[Ticket, int]:
        """The issue with all its comments, and the number of calls it took."""
        separate = self._comments_apart()
        fields = ISSUE_FIELDS if separate else (*ISSUE_FIELDS, "comment")
        issue = self._http.get(f"{API}/issue/{key}", {"fields": ",".join(fields)})
        calls = 1
        if separate:
            comments, pages = self._comments(key, expand="properties")
            calls += pages
        else:
            comments, pages = self._embedded_comments(key, issue)
            calls += pages
        ticket = ticket_from(issue, comments, levels=self._levels, audience_of=self._audience)
        self._memo.read(key, ticket)
        return ticket, calls

    def _comments_apart(self) -> bool:
        """Data Center shows whether a service-desk comment is internal only in its properties,
        which the issue's comment field leaves out."""
        return self._internal.kind == "jsm" and not self.is_cloud

    def _embedded_comments(self, key: str, issue: Any) -> tuple[list[Mapping[str, Any]], int]:
        fields = issue.get("fields") if isinstance(issue, Mapping) else None
        page = fields.get("comment") if isinstance(fields, Mapping) else None
        if not isinstance(page, Mapping):
            raise AdapterError(f"Jira sent issue {key} without its comment field")
        comments = list(page.get("comments") or ())
        if int(page.get("total") or 0) <= len(comments):
            return comments, 0
        return self._comments(key)  # the issue carried only some: read them all, in order

    def _comments(
        self, key: str, *, expand: str | None = None
    ) -> tuple[list[Mapping[str, Any]], int]:
        """Every comment of an issue, oldest first, and the number of pages read."""
        comments: list[Mapping[str, Any]] = []
        pages = 0
        while True:
            params: dict[str, Any] = {
                "startAt": len(comments),
                "maxResults": self.settings.page_size,
                "orderBy": "created",
            }
            if expand:
                params["expand"] = expand
            page = self._http.get(f"{API}/issue/{key}/comment", params)
            pages += 1
            batch = list(page.get("comments") or ())
            comments.extend(batch)
            if not batch or len(comments) >= int(page.get("total") or 0):
                return comments, pages

    # --- writing -------------------------------------------------------------------------

    def apply(
        self, ref: TicketRef, change: TicketChange, *, idempotency_key: str | None = None
    ) -> AppliedChange:
        key = self._key(ref)
        marker = note_marker(idempotency_key) if idempotency_key else None
        calls = 0
        seen = self._memo.get(key)
        if marker is not None and change.note:
            if seen is None or not seen.complete:
                _, calls = self._read(key)
                seen = self._memo.get(key)
            found = seen.notes.get(str(idempotency_key)) if seen else None
            if found is not None:
                return AppliedChange(
                    ref, change, idempotency_key, replayed=True, note=found, calls=calls
                )
        try:
            calls += self._write_fields(key, change, seen)
            note = None
            if change.note:
                note = self._post_note(key, note_body(change.note, marker))
                calls += 1
        except Exception:
            self._memo.forget(key)  # a note may have been saved although no answer came
            raise
        self._memo.wrote(key, change, note, idempotency_key)
        return AppliedChange(ref, change, idempotency_key, note=note, calls=calls)

    def _write_fields(self, key: str, change: TicketChange, seen: Any) -> int:
        """Labels, priority and due date in one PUT (plus a property PUT); the calls made."""
        priority_name = self._names.get(change.priority) if change.priority else None
        if change.priority is not None and priority_name is None:
            raise ConfigurationError(
                f"no Jira priority is mapped to {change.priority.value!r}: "
                "add one to DEESCALATE_JIRA_PRIORITIES"
            )
        due_field = self.settings.due_field
        body = edit_body(
            change,
            priority_name=priority_name,
            set_duedate=self.settings.set_duedate,
            due_field=due_field,
            labels=seen.labels if seen is not None else None,
            priority=seen.priority if seen is not None else None,
        )
        calls = 0
        if body is not None:
            params = {} if self.settings.notify else {"notifyUsers": "false"}
            self._http.put(f"{API}/issue/{key}", body, params)
            calls += 1
        if change.reminder is not None and due_field and due_field.startswith("property:"):
            value = {
                "tag": change.reminder.tag,
                "due_at": jira_datetime(change.reminder.due_at),
            }
            self._http.put(f"{API}/issue/{key}/properties/{due_field[9:]}", value)
            calls += 1
        return calls

    def _post_note(self, key: str, body: str) -> Comment:
        """Post an internal comment through the client (its retries are off: no duplicates)."""
        with map_errors(f"POST {API}/issue/{key}/comment"):
            posted = self._client.add_comment(
                key,
                body,
                visibility=self._internal.visibility(),
                is_internal=self._internal.kind == "jsm",
            )
        raw = getattr(posted, "raw", None)
        if not isinstance(raw, Mapping):
            raise AdapterError(f"Jira sent no comment back for POST {API}/issue/{key}/comment")
        return comment_from(raw, self._audience(None))

    def upsert_macro(self, name: str, body: str, *, public: bool, tags: Sequence[str] = ()) -> str:
        """Keep a canned response as a property of ``DEESCALATE_JIRA_PROJECT`` (Jira has no macro
        API); returns the property key. One PUT creates or replaces it."""
        project = self.settings.project
        if not project:
            raise ConfigurationError(
                "DEESCALATE_JIRA_PROJECT is not set: Jira has no macros, so deescalate keeps "
                "them as properties of that project (or print them with "
                "`deescalate macros render --for jira`)"
            )
        key = macro_key(name)
        value = {"name": name, "body": body, "public": public, "labels": list(tags)}
        self._http.put(f"{API}/project/{project}/properties/{key}", value)
        return key

    # --- webhooks ------------------------------------------------------------------------

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> Delivery:
        secret = self.settings.webhook_secret
        if secret is None:
            raise WebhookVerificationError(
                "DEESCALATE_JIRA_WEBHOOK_SECRET is not set: no delivery can be verified"
            )
        lowered = {name.lower(): value for name, value in headers.items()}
        verify_signature(secret.get_secret_value().encode(), lowered, body)
        payload = read_payload(body)
        kept = {DELIVERY_HEADER: lowered[DELIVERY_HEADER]} if DELIVERY_HEADER in lowered else {}
        return Delivery(delivery_id(lowered, payload), self.name, self._clock(), body, kept)

    def parse_delivery(self, delivery: Delivery) -> list[TicketEvent]:
        payload = read_payload(delivery.body)
        return events_from(
            payload,
            delivery=delivery.id,
            received_at=delivery.received_at,
            own_account=self._own_account,
            audience_of=self._audience,
        )

    def install_webhook(self, endpoint: str) -> list[str]:
        """Register the admin webhook for :data:`EVENTS` with the secret (idempotent)."""
        secret = self.settings.webhook_secret
        if secret is None:
            raise ConfigurationError(
                "DEESCALATE_JIRA_WEBHOOK_SECRET is not set: the webhook needs a secret to sign with"
            )
        path = "/rest/webhooks/1.0/webhook"
        for hook in self._http.get(path) or ():
            if isinstance(hook, Mapping) and hook.get("url") == endpoint:
                missing = [e for e in EVENTS if e not in (hook.get("events") or ())]
                ident = str(hook.get("self", "")).rstrip("/").rsplit("/", 1)[-1]
                if not missing:
                    return [f"found webhook {ident} for {endpoint}"]
                events = [*(hook.get("events") or ()), *missing]
                self._http.put(f"{path}/{ident}", {**_hook_body(hook), "events": events})
                return [f"updated webhook {ident} for {endpoint}: added {', '.join(missing)}"]
        created = self._http.post(
            path,
            {
                "name": "deescalate",
                "url": endpoint,
                "events": list(EVENTS),
                "filters": {"issue-related-events-section": self.settings.jql or ""},
                "excludeBody": False,
                "secret": secret.get_secret_value(),
            },
        )
        ident = str(created.get("self", "")).rstrip("/").rsplit("/", 1)[-1]
        return [f"created webhook {ident} for {endpoint} ({', '.join(EVENTS)})"]

    # --- backfill ------------------------------------------------------------------------

    def changed_since(self, cursor: str | None) -> tuple[list[TicketRef], str]:
        started = self._clock()
        since = datetime.fromisoformat(cursor) if cursor else datetime(1970, 1, 2, tzinfo=UTC)
        refs: list[TicketRef] = []
        page_cursor = None
        while True:
            page = search.page(self, since=since, cursor=page_cursor, with_comments=False)
            refs.extend(TicketRef(self.name, str(issue["key"])) for issue in page.issues)
            if page.done:
                return refs, started.isoformat()
            page_cursor = page.cursor

    def export_tickets(
        self, *, since: datetime, cursor: str | None = None, query: str | None = None
    ) -> TicketPage:
        """One page of issues updated since ``since`` (matching the JQL ``query``, or the
        configured ``DEESCALATE_JIRA_JQL``), with all their comments; pass ``cursor`` back to
        continue."""
        page = search.page(self, since=since, cursor=cursor, with_comments=True, jql=query)
        tickets = []
        for issue in page.issues:
            key = str(issue.get("key"))
            if self._comments_apart():
                comments, _ = self._comments(key, expand="properties")
            else:
                comments, _ = self._embedded_comments(key, issue)
            tickets.append(
                ticket_from(issue, comments, levels=self._levels, audience_of=self._audience)
            )
        return TicketPage(tuple(tickets), page.cursor, page.done)

    def apply_many(self, changes: Sequence[tuple[TicketRef, TicketChange]]) -> list[BulkOutcome]:
        return bulk.apply_many(self, changes)

    def jql_time(self, moment: datetime) -> str:
        """``moment`` as JQL reads it: minutes in the API user's own time zone."""
        zone_name = self.myself.get("timeZone")
        try:
            zone = ZoneInfo(str(zone_name)) if zone_name else UTC
        except (ZoneInfoNotFoundError, ValueError):
            zone = UTC
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    # --- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        self._closed = True
        self._client.close()

    def _key(self, ref: TicketRef) -> str:
        if self._closed:
            raise AdapterError("the Jira helpdesk was closed")
        if ref.system != self.name:
            raise InputError(f"{ref} is not a Jira issue (expected jira:KEY-123)")
        if not _ISSUE_KEY.fullmatch(ref.id):
            raise InputError(f"{ref.id[:40]!r} is not a Jira issue key such as SUP-12")
        return ref.id.upper()

    @property
    def http(self) -> JiraHttp:
        """The raw-HTTP helper (for the bulk and search modules)."""
        return self._http


def macro_key(name: str) -> str:
    """The project property key a macro is kept under (``deescalate.macro.<name>``)."""
    cleaned = _PROPERTY_CHARS.sub("-", name.strip())
    if cleaned != name or len(MACRO_PREFIX + cleaned) > 255:
        # two names that differ only in the characters replaced must not share a key
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        cleaned = f"{cleaned[:200]}.{digest}"
    return MACRO_PREFIX + cleaned


def _hook_body(hook: Mapping[str, Any]) -> dict[str, Any]:
    return {k: hook[k] for k in ("name", "url", "filters", "excludeBody") if k in hook}
