"""The fake's own behaviour, and its requests and answers checked against Jira's OpenAPI spec."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
import requests
from deescalate_jira.testing import FakeJiraServer, LoggedRequest

from deescalate.helpdesk import Priority, Reminder, TicketChange, TicketRef
from tests.adapters.jira.conftest import Build, shared_data

SPEC_DIR = shared_data("B2-jira-cloud-platform-openapi")
requires_spec = pytest.mark.skipif(SPEC_DIR is None, reason="../shared/data/B2-* is not available")
# Admin webhooks are not in the platform spec; Data Center's /search is the removed v2 form.
NOT_IN_SPEC = {
    ("GET", "/rest/webhooks/1.0/webhook"),
    ("POST", "/rest/webhooks/1.0/webhook"),
    ("PUT", "/rest/webhooks/1.0/webhook/{id}"),
}


def _get(fake: FakeJiraServer, path: str, **headers: str) -> requests.Response:
    return requests.get(fake.url + path, headers=headers, timeout=5)


def _basic(fake: FakeJiraServer) -> str:
    return "Basic " + base64.b64encode(f"{fake.email}:{fake.token}".encode()).decode()


def test_cloud_wants_basic_auth(cloud: FakeJiraServer) -> None:
    """Cloud answers 401 without the e-mail and token, 200 with them."""
    assert _get(cloud, "/rest/api/2/myself").status_code == 401
    assert _get(cloud, "/rest/api/2/myself", Authorization=f"Bearer {cloud.pat}").status_code == 401
    assert _get(cloud, "/rest/api/2/myself", Authorization=_basic(cloud)).status_code == 200


def test_data_center_wants_a_bearer_token(datacenter: FakeJiraServer) -> None:
    """Data Center answers 401 to Basic auth and 200 to its personal access token."""
    assert (
        _get(datacenter, "/rest/api/2/myself", Authorization=_basic(datacenter)).status_code == 401
    )
    ok = _get(datacenter, "/rest/api/2/myself", Authorization=f"Bearer {datacenter.pat}")
    assert ok.status_code == 200


def test_server_info_tells_the_deployment(server: FakeJiraServer) -> None:
    """serverInfo says Cloud or Server as the mode asks."""
    auth = _basic(server) if server.cloud else f"Bearer {server.pat}"
    info = _get(server, "/rest/api/2/serverInfo", Authorization=auth).json()
    assert info["deploymentType"] == ("Cloud" if server.cloud else "Server")


def test_cloud_answers_the_old_search_with_410(cloud: FakeJiraServer) -> None:
    """As on Jira Cloud, /rest/api/2/search is gone."""
    answer = _get(cloud, "/rest/api/2/search?jql=project%3DSUP", Authorization=_basic(cloud))
    assert answer.status_code == 410


def test_injected_faults_come_in_order(cloud: FakeJiraServer) -> None:
    """fail_next answers with the status and headers given, then the server recovers."""
    cloud.fail_next(429, headers={"Retry-After": "3"}, times=2)
    first = _get(cloud, "/rest/api/2/myself", Authorization=_basic(cloud))
    second = _get(cloud, "/rest/api/2/myself", Authorization=_basic(cloud))
    third = _get(cloud, "/rest/api/2/myself", Authorization=_basic(cloud))
    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.headers["Retry-After"] == "3"


def test_two_servers_do_not_share_state() -> None:
    """Two fakes in one process keep their own issues."""
    with FakeJiraServer() as one, FakeJiraServer() as two:
        one.add_issue()
        assert list(one.issues) == ["SUP-1"]
        assert two.issues == {}


# --- the spec ------------------------------------------------------------------------------


@cache
def _spec() -> dict[str, Any]:
    assert SPEC_DIR is not None
    spec: dict[str, Any] = json.loads((SPEC_DIR / "jira-platform-swagger-v3.v3.json").read_text())
    _nullable(spec)
    return spec


def _nullable(node: Any) -> None:
    """OpenAPI 3.0's ``nullable`` as JSON Schema: the type also allows null."""
    if isinstance(node, dict):
        if node.get("nullable") is True and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        for value in node.values():
            _nullable(value)
    elif isinstance(node, list):
        for value in node:
            _nullable(value)


def _operation(method: str, route: str) -> dict[str, Any] | None:
    path = route.replace("/rest/api/2/", "/rest/api/3/")
    item = _spec()["paths"].get(path)
    return None if item is None else item.get(method.lower())


def _validate(schema: dict[str, Any], instance: Any) -> None:
    """Validate ``instance`` against a ``$ref`` into the spec's components."""
    from jsonschema import (
        Draft202012Validator,
    )
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resource = Resource.from_contents(_spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource("spec", resource)
    Draft202012Validator({"$ref": "spec" + schema["$ref"]}, registry=registry).validate(instance)


@requires_spec
def test_the_spec_check_catches_a_wrong_answer() -> None:
    """The validation is real: a serverInfo with an unknown key is refused."""
    from jsonschema import ValidationError

    with pytest.raises(ValidationError):
        _validate({"$ref": "#/components/schemas/ServerInformation"}, {"bogus": 1})


def _scenario(fake: FakeJiraServer, build: Build) -> Iterator[LoggedRequest]:
    """Drive every route the adapter uses, then yield the logged requests."""
    desk = build(fake, project="SUP", due_field="property:deescalate.reminder")
    key = fake.add_issue(comments=[("customer", "Broken"), ("agent", "On it")], labels=["old"])
    other = fake.add_issue()
    ref = TicketRef("jira", key)
    desk.get_ticket(ref)
    change = TicketChange(
        add_tags={"new"},
        remove_tags={"old"},
        note="Acknowledge.",
        priority=Priority.HIGH,
        reminder=Reminder("due", datetime(2026, 3, 2, 15, tzinfo=UTC)),
    )
    desk.apply(ref, change, idempotency_key="k1")
    desk.export_tickets(since=datetime.now(UTC) - timedelta(days=1))
    desk.apply_many(
        [
            (ref, TicketChange(add_tags={"b"})),
            (TicketRef("jira", other), TicketChange(add_tags={"b"})),
        ]
    )
    desk.upsert_macro("m", "text", public=True)
    desk.install_webhook("https://hooks.example.test/jira")
    desk.install_webhook("https://hooks.example.test/jira")
    yield from fake.requests


@requires_spec
def test_every_route_the_fake_serves_is_in_the_spec(server: FakeJiraServer) -> None:
    """Each method and path the fake serves exists in the platform spec (admin webhooks and
    Data Center's search aside)."""
    for method, _, template, _ in server.routes:
        if (method, template) in NOT_IN_SPEC:
            continue
        assert _operation(method, template) is not None, f"{method} {template} is not in the spec"


@requires_spec
def test_answers_and_requests_match_the_spec(server: FakeJiraServer, build: Build) -> None:
    """Every JSON answer and request body in a full scenario validates against the spec."""
    checked = 0
    for request in _scenario(server, build):
        if request.route is None or (request.method, request.route) in NOT_IN_SPEC:
            continue
        operation = _operation(request.method, request.route)
        if operation is None:  # Data Center's /search, removed from Cloud
            assert request.route == "/rest/api/2/search"
            assert not server.cloud
            continue
        answer = operation["responses"].get(str(request.status), {})
        schema = answer.get("content", {}).get("application/json", {}).get("schema")
        if schema and "$ref" in schema and request.response is not None:
            _validate(schema, request.response)
            checked += 1
        body_schema = (
            operation.get("requestBody", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema")
        )
        if body_schema and "$ref" in body_schema and request.body is not None:
            _validate(body_schema, request.body)
            checked += 1
    assert checked >= 8


@requires_spec
@pytest.mark.parametrize(("reporter", "zone"), [("ana", "Australia/Sydney"), ("portal-bo", None)])
def test_the_reporter_shows_its_zone_as_the_spec_does(
    cloud: FakeJiraServer, build: Build, reporter: str, zone: str | None
) -> None:
    """An issue's reporter validates as the spec's UserDetails, with timeZone when it is shared
    (a service-desk customer's is left out)."""
    if zone is not None:
        cloud.add_user(reporter, time_zone=zone)
    key = cloud.add_issue(reporter=reporter)
    build(cloud).get_ticket(TicketRef("jira", key))
    (answer,) = [r.response for r in cloud.requests if r.path == f"/rest/api/2/issue/{key}"]
    shown = answer["fields"]["reporter"]
    assert _spec()["components"]["schemas"]["UserDetails"]["properties"]["timeZone"]["type"]
    _validate({"$ref": "#/components/schemas/UserDetails"}, shown)
    assert shown.get("timeZone") == zone
