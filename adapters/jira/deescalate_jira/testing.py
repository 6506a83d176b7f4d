"""A local fake of Jira's REST API, for testing code built on the Jira adapter::

    with FakeJiraServer() as server:                 # Cloud; FakeJiraServer(cloud=False): Data Center
        key = server.add_issue("Printer broken", comments=[("customer", "It shows E-102!")])
        desk = JiraHelpdesk(server.settings())
        desk.get_ticket(TicketRef("jira", key))
        assert server.calls("GET", "/rest/api/2/issue/") == 1

It serves, on 127.0.0.1, what the adapter uses: ``serverInfo`` (Cloud or Data Center), ``myself``,
``field``, issues (read and edit with ``update`` label operations), comments (paged, with the
service-desk flag as Cloud shows it or as Data Center's comment properties), issue and project
properties, search in both paging styles (Cloud's ``/search/jql`` with ``nextPageToken``, Data
Center's ``/search`` with ``startAt``; Cloud answers the old one with 410), Cloud's bulk label
edit with its task queue, and admin webhooks. It checks the credentials (Basic for Cloud,
Bearer for Data Center) and answers 401 to others. ``fail_next`` injects 429s, 5xx or
malformed bodies; ``stall_next`` delays answers past a timeout. Every request is logged in
``requests`` with the answer and the route that served it, for exact call counts (``calls``)
and shape checks. The server, the log and the faults come from
:class:`deescalate.fake_http.FakeHTTPServer`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from deescalate.fake_http import Answer, FakeHTTPServer, LoggedRequest, Request
from deescalate_jira.settings import JiraSettings

__all__ = ["FakeJiraServer", "LoggedRequest", "sign_delivery"]

PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")
DONE_STATUSES = frozenset({"Done", "Resolved", "Closed"})
BOT = "deescalate-bot"
Route = Callable[["_Call"], tuple[int, Any]]


def sign_delivery(secret: str, body: bytes, delivery_id: str) -> dict[str, str]:
    """The headers Jira sends with an admin webhook delivery of ``body`` signed with ``secret``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "X-Hub-Signature": f"sha256={digest}",
        "X-Atlassian-Webhook-Identifier": delivery_id,
        "Content-Type": "application/json",
    }


@dataclass(slots=True)
class _Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    params: dict[str, str] = field(default_factory=dict)
    base: str = ""


class _Error(Exception):
    def __init__(self, status: int, *messages: str) -> None:
        super().__init__(status)
        self.status = status
        self.messages = messages


class FakeJiraServer(FakeHTTPServer):
    """A Jira site on 127.0.0.1 (Cloud by default) with its state in plain dicts.

    ``embedded_comments`` is how many comments an issue read carries before the rest must be
    paged; ``bulk_polls`` how many polls a bulk task stays ``RUNNING``.
    """

    content_type = "application/json;charset=UTF-8"

    def __init__(
        self,
        *,
        cloud: bool = True,
        email: str = "bot@example.test",
        token: str = "api-token",
        pat: str = "personal-access-token",
        webhook_secret: str = "webhook-secret",
        embedded_comments: int = 50,
        bulk_polls: int = 0,
    ) -> None:
        super().__init__()
        self.cloud = cloud
        self.email = email
        self.token = token
        self.pat = pat
        self.webhook_secret = webhook_secret
        self.embedded_comments = embedded_comments
        self.bulk_polls = bulk_polls
        self.users: dict[str, dict[str, Any]] = {}
        self.issues: dict[str, dict[str, Any]] = {}
        self.projects: set[str] = {"SUP"}
        self.project_properties: dict[tuple[str, str], Any] = {}
        self.webhooks: list[dict[str, Any]] = []
        self.tasks: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(10001)
        self.bot = self.add_user(BOT, display_name="deescalate")
        self.routes: list[tuple[str, re.Pattern[str], str, Route]] = _routes(self)

    def settings(self, **overrides: Any) -> JiraSettings:
        """Adapter settings pointing at this server with its credentials."""
        values: dict[str, Any] = {"url": self.url, "webhook_secret": self.webhook_secret}
        if self.cloud:
            values |= {"email": self.email, "token": self.token}
        else:
            values |= {"pat": self.pat}
        values |= {"memo_seconds": 30.0, "bulk_poll_interval": 0.0}
        values |= overrides
        return JiraSettings.model_validate(values)

    # --- seeding state ----------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        *,
        display_name: str | None = None,
        account_type: str = "atlassian",
        time_zone: str | None = "UTC",
    ) -> str:
        """Add a user and return its id (Cloud ``accountId``, Data Center ``key``).

        ``time_zone`` is the IANA zone Jira shows as ``timeZone``; ``None`` leaves it out, as
        for a service-desk customer whose profile does not share it.
        """
        with self.lock:
            ident = f"acct-{name}" if self.cloud else name
            user: dict[str, Any] = {"displayName": display_name or name, "active": True}
            if time_zone is not None:
                user["timeZone"] = time_zone
            if self.cloud:
                user |= {"accountId": ident, "accountType": account_type}
            else:
                user |= {"key": ident, "name": name, "emailAddress": f"{name}@example.test"}
            self.users[ident] = user
            return ident

    def add_issue(
        self,
        summary: str = "A request",
        *,
        project: str = "SUP",
        reporter: str = "customer",
        comments: Sequence[tuple[str, str]] = (),
        labels: Sequence[str] = (),
        priority: str | None = "Medium",
        status: str = "Open",
        description: str | None = None,
        assignee: str | None = None,
    ) -> str:
        """Add an issue with ``(author, body)`` public comments and return its key.

        An author named ``customer`` or the reporter is the reporter; ``agent`` is an agent.
        Users are created on first mention.
        """
        with self.lock:
            number = sum(1 for k in self.issues if k.startswith(project + "-")) + 1
            key = f"{project}-{number}"
            self.projects.add(project)
            reporter_id = self._user(reporter)
            now = _now()
            self.issues[key] = {
                "id": str(next(self._ids)),
                "key": key,
                "project": project,
                "fields": {
                    "summary": summary,
                    "status": _status(status),
                    "labels": list(labels),
                    "priority": _priority(priority) if priority else None,
                    "reporter": reporter_id,
                    "assignee": self._user(assignee) if assignee else None,
                    "description": description,
                    "created": now,
                    "updated": now,
                    "duedate": None,
                },
                "comments": [],
                "properties": {},
            }
        for author, body in comments:
            self.add_comment(key, author, body)
        return key

    def add_comment(
        self, key: str, author: str, body: Any, *, internal: bool = False
    ) -> dict[str, Any]:
        """Append a comment (``body`` a string or a document) by ``author`` and return it."""
        with self.lock:
            issue = self.issues[key]
            author_id = issue["fields"]["reporter"] if author == "customer" else self._user(author)
            comment = {
                "id": str(next(self._ids)),
                "author": author_id,
                "body": body,
                "created": _now(),
                "internal": internal,
                "visibility": None,
                "properties": {"sd.public.comment": {"internal": True}} if internal else {},
            }
            issue["comments"].append(comment)
            issue["fields"]["updated"] = comment["created"]
            return comment

    def delete_issue(self, key: str) -> None:
        """Remove an issue (as if someone deleted it)."""
        with self.lock:
            del self.issues[key]

    def labels(self, key: str) -> list[str]:
        """An issue's labels."""
        return list(self.issues[key]["fields"]["labels"])

    def comments(self, key: str) -> list[dict[str, Any]]:
        """An issue's comments as stored."""
        return list(self.issues[key]["comments"])

    # --- webhook deliveries as Jira sends them ----------------------------------------------

    def comment_event(
        self, key: str, comment: Mapping[str, Any], *, event: str = "comment_created"
    ) -> bytes:
        """The body of a ``comment_created`` (or ``comment_updated``) delivery."""
        with self.lock:
            issue = self.issues[key]
            return _json(
                {
                    "timestamp": int(time.time() * 1000),
                    "webhookEvent": event,
                    "comment": self._comment_json(issue, comment, base="", properties=False),
                    "issue": self._issue_json(
                        issue, ["summary", "status", "reporter", "priority"], ""
                    ),
                }
            )

    def issue_event(
        self,
        key: str,
        event: str = "jira:issue_updated",
        *,
        user: str | None = None,
        changes: Mapping[str, tuple[str | None, str | None]] | None = None,
        event_type: str | None = None,
    ) -> bytes:
        """The body of a ``jira:issue_created`` or ``jira:issue_updated`` delivery made by
        ``user`` (a user name; the reporter by default)."""
        with self.lock:
            issue = self.issues[key]
            payload: dict[str, Any] = {
                "timestamp": int(time.time() * 1000),
                "webhookEvent": event,
                "issue_event_type_name": event_type
                or ("issue_created" if event.endswith("created") else "issue_generic"),
                "user": self.users[self._user(user) if user else issue["fields"]["reporter"]],
                "issue": self._issue_json(issue, None, ""),
            }
            if changes:
                payload["changelog"] = {
                    "id": "1",
                    "items": [
                        {"field": name, "fromString": old, "toString": new, "to": new}
                        for name, (old, new) in changes.items()
                    ],
                }
            return _json(payload)

    def signed(self, body: bytes, delivery_id: str) -> dict[str, str]:
        """The headers of ``body`` signed with this server's webhook secret."""
        return sign_delivery(self.webhook_secret, body, delivery_id)

    # --- JSON as Jira shows it --------------------------------------------------------------

    def _user(self, name: str) -> str:
        ident = f"acct-{name}" if self.cloud else name
        if ident not in self.users:
            if name.startswith("portal-"):  # a service-desk customer: no zone shown
                self.add_user(name, account_type="customer", time_zone=None)
            else:
                self.add_user(name)
        return ident

    def _user_json(self, ident: str | None, base: str) -> dict[str, Any] | None:
        if ident is None:
            return None
        user = dict(self.users[ident])
        query = f"accountId={ident}" if self.cloud else f"username={ident}"
        user["self"] = f"{base}/rest/api/2/user?{query}"
        return user

    def _comment_json(
        self, issue: Mapping[str, Any], comment: Mapping[str, Any], *, base: str, properties: bool
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "self": f"{base}/rest/api/2/issue/{issue['id']}/comment/{comment['id']}",
            "id": comment["id"],
            "author": self._user_json(comment["author"], base),
            "body": comment["body"],
            "updateAuthor": self._user_json(comment["author"], base),
            "created": comment["created"],
            "updated": comment["created"],
        }
        if comment["visibility"]:
            data["visibility"] = comment["visibility"]
        if self.cloud:
            data["jsdPublic"] = not comment["internal"]
        if properties:
            data["properties"] = [{"key": k, "value": v} for k, v in comment["properties"].items()]
        return data

    def _comment_page(
        self, issue: Mapping[str, Any], start: int, limit: int, base: str, properties: bool
    ) -> dict[str, Any]:
        comments = issue["comments"]
        return {
            "startAt": start,
            "maxResults": limit,
            "total": len(comments),
            "comments": [
                self._comment_json(issue, c, base=base, properties=properties)
                for c in comments[start : start + limit]
            ],
        }

    def _issue_json(
        self, issue: Mapping[str, Any], fields: Sequence[str] | None, base: str
    ) -> dict[str, Any]:
        stored = issue["fields"]
        wanted = [*list(stored), "comment"] if fields is None else fields
        shown: dict[str, Any] = {}
        for name in wanted:
            if name == "comment":
                shown["comment"] = self._comment_page(
                    issue, 0, self.embedded_comments, base, properties=False
                )
            elif name in ("reporter", "assignee"):
                shown[name] = self._user_json(stored.get(name), base)
            elif name in stored or name.startswith("customfield_"):
                shown[name] = stored.get(name)
        return {
            "id": issue["id"],
            "key": issue["key"],
            "self": f"{base}/rest/api/2/issue/{issue['id']}",
            "fields": shown,
        }

    # --- request handling -------------------------------------------------------------------

    def fault_payload(self, status: int) -> Any:
        """Jira's error shape for an injected fault."""
        return {"errorMessages": ["Injected."]}

    def handle(self, request: Request) -> Answer:
        """Answer one request as Jira would (401 to other credentials, 404 to unknown routes)."""
        if not self._authorised(request.headers.get("authorization", "")):
            return Answer(401, {"errorMessages": ["You are not authenticated."]})
        matched = next(
            (
                (found, template, route)
                for method, pattern, template, route in self.routes
                if method == request.method and (found := pattern.fullmatch(request.path))
            ),
            None,
        )
        if matched is None:
            return Answer(404, {"errorMessages": [f"No route for {request.method} {request.path}"]})
        found, template, route = matched
        params = {k: unquote(v) for k, v in found.groupdict().items()}
        query = dict(request.query)
        call = _Call(request.method, request.path, query, request.body, params, request.base)
        try:
            status, payload = route(call)
        except _Error as exc:
            payload = {"errorMessages": list(exc.messages), "errors": {}}
            return Answer(exc.status, payload, route=template)
        return Answer(status, payload, route=template)

    def _authorised(self, header: str) -> bool:
        if self.cloud:
            expected = base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
            return hmac.compare_digest(header, f"Basic {expected}")
        return hmac.compare_digest(header, f"Bearer {self.pat}")

    def issue_for(self, key_or_id: str) -> dict[str, Any]:
        """The stored issue by key or id (404 when absent)."""
        issue = self.issues.get(key_or_id.upper())
        if issue is None:
            issue = next((i for i in self.issues.values() if i["id"] == key_or_id), None)
        if issue is None:
            raise _Error(404, "Issue does not exist or you do not have permission to see it.")
        return issue


# --- routes ---------------------------------------------------------------------------------


def _routes(server: FakeJiraServer) -> list[tuple[str, re.Pattern[str], str, Route]]:
    api = "/rest/api/2"
    table: list[tuple[str, str, Route]] = [
        ("GET", f"{api}/serverInfo", lambda c: _server_info(server, c)),
        ("GET", f"{api}/myself", lambda c: (200, server._user_json(server.bot, c.base))),
        ("GET", f"{api}/field", lambda c: (200, _fields())),
        ("GET", f"{api}/issue/{{issueIdOrKey}}", lambda c: _get_issue(server, c)),
        ("PUT", f"{api}/issue/{{issueIdOrKey}}", lambda c: _edit_issue(server, c)),
        ("GET", f"{api}/issue/{{issueIdOrKey}}/comment", lambda c: _get_comments(server, c)),
        ("POST", f"{api}/issue/{{issueIdOrKey}}/comment", lambda c: _add_comment(server, c)),
        (
            "GET",
            f"{api}/issue/{{issueIdOrKey}}/properties/{{propertyKey}}",
            lambda c: _get_property(server.issue_for(c.params["issueIdOrKey"])["properties"], c),
        ),
        (
            "PUT",
            f"{api}/issue/{{issueIdOrKey}}/properties/{{propertyKey}}",
            lambda c: _put_property(server.issue_for(c.params["issueIdOrKey"])["properties"], c),
        ),
        ("GET", f"{api}/search/jql", lambda c: _search_jql(server, c)),
        ("GET", f"{api}/search", lambda c: _search(server, c)),
        ("POST", "/rest/api/3/bulk/issues/fields", lambda c: _bulk_edit(server, c)),
        ("GET", "/rest/api/3/bulk/queue/{taskId}", lambda c: _bulk_progress(server, c)),
        (
            "GET",
            f"{api}/project/{{projectIdOrKey}}/properties/{{propertyKey}}",
            lambda c: _get_property(_project(server, c), c),
        ),
        (
            "PUT",
            f"{api}/project/{{projectIdOrKey}}/properties/{{propertyKey}}",
            lambda c: _put_property(_project(server, c), c),
        ),
        ("GET", "/rest/webhooks/1.0/webhook", lambda c: (200, server.webhooks)),
        ("POST", "/rest/webhooks/1.0/webhook", lambda c: _add_webhook(server, c)),
        ("PUT", "/rest/webhooks/1.0/webhook/{id}", lambda c: _edit_webhook(server, c)),
    ]
    return [
        (method, re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)), template, route)
        for method, template, route in table
    ]


def _server_info(server: FakeJiraServer, call: _Call) -> tuple[int, Any]:
    version = [1001, 0, 0] if server.cloud else [9, 12, 0]
    return 200, {
        "baseUrl": call.base,
        "version": ".".join(map(str, version)),
        "versionNumbers": version,
        "deploymentType": "Cloud" if server.cloud else "Server",
        "buildNumber": 100000,
        "serverTitle": "Fake Jira",
    }


def _fields() -> list[dict[str, Any]]:
    names = ("summary", "status", "labels", "priority", "reporter", "assignee", "updated")
    return [
        {
            "id": name,
            "key": name,
            "name": name.title(),
            "custom": False,
            "navigable": True,
            "searchable": True,
            "clauseNames": [name],
        }
        for name in (*names, "comment", "duedate")
    ]


def _get_issue(server: FakeJiraServer, call: _Call) -> tuple[int, Any]:
    issue = server.issue_for(call.params["issueIdOrKey"])
    fields = call.query.get("fields")
    chosen = None if fields in (None, "*all") else [f for f in fields.split(",") if f]
    return 200, server._issue_json(issue, chosen, call.base)


def _edit_issue(server: FakeJiraServer, call: _Call) -> tuple[int, Any]:
    issue = server.issue_for(call.params["issueIdOrKey"])
    body = call.body if isinstance(call.body, dict) else None
    if body is None:
        raise _Error(400, "The request body is not a JSON object.")
    stored = issue["fields"]
    labels = list(stored["labels"])
    for name, operations in (body.get("update") or {}).items():
        if name != "labels":
            raise _Error(400, f"Field '{name}' cannot be set. It is not on the appropriate screen.")
        for operation in operations:
            for verb, value in operation.items():
                if not isinstance(value, str) or not value or " " in value:
                    raise _Error(400, "The label must not contain spaces.")
                if verb == "add" and value not in labels:
                    labels.append(value)
                elif verb == "remove" and value in labels:
                    labels.remove(value)
                elif verb not in ("add", "remove", "set"):
                    raise _Error(400, f"Unknown operation '{verb}'.")
    changes: dict[str, Any] = {}
    for name, value in (body.get("fields") or {}).items():
        if name == "priority":
            if not isinstance(value, dict) or value.get("name") not in PRIORITIES:
                raise _Error(400, "The priority selected is invalid.")
            changes["priority"] = _priority(value["name"])
        elif name == "duedate":
            if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
                raise _Error(400, "Error parsing date string.")
            changes["duedate"] = value
        elif name == "labels":
            labels = list(value)
        elif name.startswith("customfield_"):
            changes[name] = value
        else:
            raise _Error(400, f"Field '{name}' cannot be set. It is not on the appropriate screen.")
    stored.update(changes)
    stored["labels"] = labels
    stored["updated"] = _now()
    return 204, None


def _get_comments(server: FakeJiraServer, call: _Call) -> tuple[int, Any]:
    issue = server.issue_for(call.params["issueIdOrKey"])
    start = int(call.query.get("startAt", 0))
    limit = min(int(call.query.get("maxResults", 50)), 100)
    properties = "properties" in call.query.get("expand", "").split(",")
    return 200, server._comment_page(issue, start, limit, call.base, properties)


def _add_comment(server: FakeJiraServer, call: _Call) -> tuple[int, Any]:
    issue = server.issue_for(call.params["issueIdOrKey"])
    body = call.body if isinstance(call.body, dict) else {}
    if not isinstance(body.get("body"), str) or not body["body"].strip():
        raise _Error(400, "Comment body can not be empty!")
    properties = {p["key"]: p["value"] for p in body.get("properties") or () if isinstance(p, dict)}
    internal = bool(properties.get("sd.public.comment", {}).get("internal"))
    visibility = body.get("visibility")
    if visibility is not None and (
        not isinstance(visibility, dict) or visibility.get("type") not in ("role", "group")
    ):
        raise _Error(400, "Invalid visibility.")
    comment = {
        "id": str(next(server._ids)),
        "author": server.bot,
        "body": body["body"],
        "created": _now(),
        "internal": internal,
        "visibility": visibility,
        "properties": properties,
    }
    issue["comments"].append(comment)
    issue["fields"]["updated"] = comment["created"]
    return 201, server._comment_json(issue, comment, base=call.base, properties=False)


def _get_property(store: dict[str, Any], call: _Call) -> tuple[int, Any]:
    key = call.params["propertyKey"]
    if key not in store:
        raise _Error(404, f"The property with key '{key}' does not exist.")
    return 200, {"key": key, "value": store[key]}


def _put_property(store: dict[str, Any], call: _Call) -> tuple[int, Any]:
    key = call.params["propertyKey"]
    if len(key) > 255 or call.body is None:
        raise _Error(400, "The property key or value is not valid.")
    created = key not in store
    store[key] = call.body
    return (201 if created else 200), None


class _ProjectProperties(dict[str, Any]):
    """A view of one project's properties inside the server's flat map."""

    def __init__(self, server: FakeJiraServer, project: str) -> None:
        super().__init__({k: v for (p, k), v in server.project_properties.items() if p == project})
        self._server = server
        self._project = project

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._server.project_properties[(self._project, key)] = value


def _project(server: FakeJiraServer, call: _Call) -> dict[str, Any]:
    project = call.params["projectIdOrKey"].upper()
    if project not in server.projects:
        raise _Error(404, f"No project could be found with key '{project}'.")
    return _ProjectProperties(server, project)


# --- search ---------------------------------------------------------------------------------

_CLAUSES = (
    (re.compile(r'project\s*=\s*"?(\w+)"?', re.I), "project"),
    (re.compile(r"project\s+in\s*\(([^)]*)\)", re.I), "projects"),
    (re.compile(r'updated\s*>=\s*"([^"]+)"', re.I), "updated"),
    (re.compile(r"key\s+in\s*\(([^)]*)\)", re.I), "keys"),
)


def _matcher(jql: str) -> Callable[[Mapping[str, Any]], bool]:
    """A predicate for the JQL subset the adapter writes (clauses joined by AND)."""
    where = re.split(r"\s+order\s+by\s+", jql, flags=re.I)[0].replace("(", " ( ").strip()
    tests: list[Callable[[Mapping[str, Any]], bool]] = []
    for clause in re.split(r"\s+and\s+", where, flags=re.I):
        clause = clause.strip().strip("()").strip()
        for pattern, kind in _CLAUSES:
            found = pattern.fullmatch(clause.replace(" ( ", "(").replace(" )", ")"))
            if found:
                tests.append(_test(kind, found.group(1)))
                break
        else:
            raise _Error(400, f"The fake cannot read this JQL clause: {clause[:60]}")
    return lambda issue: all(test(issue) for test in tests)


def _test(kind: str, value: str) -> Callable[[Mapping[str, Any]], bool]:
    if kind == "project":
        return lambda issue: bool(issue["project"] == value.upper())
    if kind in ("projects", "keys"):
        names = {v.strip().strip('"').upper() for v in value.split(",")}
        field_name = "project" if kind == "projects" else "key"
        return lambda issue: issue[field_name] in names
    since = datetime.strptime(value.replace("/", "-"), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    return lambda issue: datetime.fromisoformat(issue["fields"]["updated"]) >= since


def _found(server: FakeJiraServer, call: _Call) -> list[dict[str, Any]]:
    jql = call.query.get("jql")
    if not jql:
        raise _Error(400, "Unbounded JQL queries are not allowed here.")
    matches = _matcher(jql)
    return sorted(
        (i for i in server.issues.values() if matches(i)),
        key=lambda i: (i["project"], int(i["key"].rsplit("-", 1)[1])),
    )


def _page_fields(call: _Call) -> list[str]:
    return [f for f in call.query.get("fields", "id").split(",") if f]


def _search_jql(server: FakeJiraServer, call: _Call) -> tuple[int, Any]:
    if not server.cloud:
        raise _Error(404, "No route.")
    found = _found(server, call)
    limit = min(int(call.query.get("maxResults", 50)), 100)
    start = 0
    token = call.query.get("nextPageToken")
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("at:"))
        except ValueError:
            raise _Error(400, "The nextPageToken is not valid.") from None
    chosen = found[start : start + limit]
    fields = _page_fields(call)
    answer: dict[str, Any] = {
        "issues": [server._issue_json(i, fields, call.base) for i in chosen],
        "isLast": start + limit >= len(found),
    }
    if not answer["isLast"]:
        answer["nextPageToken"] = base64.urlsafe_b64encode(f"at:{start + limit}".encode()).decode()
    return 200, answer


def _search(server: FakeJiraServer, call: _Call) -> tuple[int, Any]:
    if server.cloud:
        raise _Error(410, "The requested API has been removed. Please migrate to /search/jql.")
    found = _found(server, call)
    start = int(call.query.get("startAt", 0))
    limit = min(int(call.query.get("maxResults", 50)), 100)
    fields = _page_fields(call)
    return 200, {
        "startAt": start,
        "maxResults": limit,
        "total": len(found),
        "issues": [server._issue_json(i, fields, call.base) for i in found[start : start + limit]],
    }


# --- bulk edit and webhooks -----------------------------------------------------------------


def _bulk_edit(server: FakeJiraServer, call: _Call) -> tuple[int, Any]:
    if not server.cloud:
        raise _Error(404, "No route.")
    body = call.body if isinstance(call.body, dict) else {}
    keys = body.get("selectedIssueIdsOrKeys")
    if body.get("selectedActions") != ["labels"] or not isinstance(keys, list):
        raise _Error(400, "The fake edits labels only.")
    if len(keys) > 1000:
        raise _Error(400, "At most 1000 issues can be edited at once.")
    (labels_field,) = body["editedFieldsInput"]["labelsFields"]
    option = labels_field["bulkEditMultiSelectFieldOption"]
    names = [label["name"] for label in labels_field["labels"]]
    done: list[int] = []
    missing = 0
    for key in keys:
        issue = server.issues.get(str(key).upper())
        if issue is None:
            missing += 1
            continue
        labels = issue["fields"]["labels"]
        if option == "ADD":
            labels.extend(n for n in names if n not in labels)
        elif option == "REMOVE":
            issue["fields"]["labels"] = [n for n in labels if n not in names]
        else:
            raise _Error(400, "The fake supports ADD and REMOVE.")
        issue["fields"]["updated"] = _now()
        done.append(int(issue["id"]))
    task = str(next(server._ids))
    server.tasks[task] = {
        "taskId": task,
        "status": "COMPLETE",
        "progressPercent": 100,
        "processedAccessibleIssues": done,
        "failedAccessibleIssues": {},
        "invalidOrInaccessibleIssueCount": missing,
        "created": _now(),
        "polls_left": server.bulk_polls,
    }
    return 201, {"taskId": task}


def _bulk_progress(server: FakeJiraServer, call: _Call) -> tuple[int, Any]:
    task = server.tasks.get(call.params["taskId"])
    if task is None:
        raise _Error(404, "The task does not exist.")
    shown = {k: v for k, v in task.items() if k != "polls_left"}
    if task["polls_left"] > 0:
        task["polls_left"] -= 1
        shown |= {"status": "RUNNING", "progressPercent": 50}
    return 200, shown


def _add_webhook(server: FakeJiraServer, call: _Call) -> tuple[int, Any]:
    body = call.body if isinstance(call.body, dict) else {}
    if not body.get("url") or not body.get("events"):
        raise _Error(400, "A webhook needs a url and events.")
    ident = str(next(server._ids))
    hook = {**body, "self": f"{call.base}/rest/webhooks/1.0/webhook/{ident}", "enabled": True}
    hook.pop("secret", None)  # Jira never shows the secret again
    server.webhooks.append(hook)
    return 201, hook


def _edit_webhook(server: FakeJiraServer, call: _Call) -> tuple[int, Any]:
    for hook in server.webhooks:
        if hook["self"].rsplit("/", 1)[-1] == call.params["id"]:
            hook.update({k: v for k, v in (call.body or {}).items() if k != "secret"})
            return 200, hook
    raise _Error(404, "The webhook does not exist.")


# --- values as Jira shows them -------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


def _status(name: str) -> dict[str, Any]:
    category = "done" if name in DONE_STATUSES else "new"
    return {"name": name, "id": str(sum(map(ord, name))), "statusCategory": {"key": category}}


def _priority(name: str) -> dict[str, Any]:
    return {"name": name, "id": str(PRIORITIES.index(name) + 1)}


def _json(data: Any) -> bytes:
    return json.dumps(data).encode()
