"""The fake Zendesk itself: auth, pagination links, faults, isolation, and the vendor's spec.

When ``../shared/data/B1-zendesk-support-openapi`` is present, every request the adapter makes in
a full scenario must name an operation of the Zendesk OpenAPI spec (the webhooks one for
``/api/v2/webhooks``), and every JSON body the fake answers must validate against that operation's
response schema. Nothing of the spec is copied here: it is read from the data folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from deescalate_zendesk import ZendeskHelpdesk
from deescalate_zendesk.testing import FakeZendeskServer

from deescalate.helpdesk import Priority, Reminder, TicketChange, TicketRef
from tests.adapters.zendesk.conftest import MakeDesk
from tests.conftest import DATA_DIR, REPO_ROOT


def _spec_dir() -> Path:
    """The spec folder: $DEESCALATE_SHARED_DATA, ../shared/data, or that of a worktree's main."""
    roots = [
        os.environ.get("DEESCALATE_SHARED_DATA"),
        DATA_DIR,
        REPO_ROOT.parents[1] / "shared" / "data",
    ]
    for root in roots:
        if root and (Path(root) / "B1-zendesk-support-openapi").is_dir():
            return Path(root) / "B1-zendesk-support-openapi"
    return DATA_DIR / "B1-zendesk-support-openapi"


SPEC_DIR = _spec_dir()
requires_spec = pytest.mark.skipif(
    not SPEC_DIR.is_dir(), reason="../shared/data/B1-zendesk-support-openapi is not available"
)
NOT_IN_SPEC = ("/api/v2/business_hours/",)
"""Endpoints the adapter uses that the published spec does not describe."""


def test_wrong_credentials_get_401(server: FakeZendeskServer) -> None:
    """A request with another token is refused."""
    answer = requests.get(f"{server.url}/api/v2/users/me.json", auth=("x/token", "y"), timeout=5)
    assert answer.status_code == 401


def test_next_links_are_absolute_on_the_requested_host(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """Comment pages link to the next page on the host the client asked for."""
    ticket_id = server.add_ticket("T", [("customer", str(n)) for n in range(101)])
    page = desk.client.get(f"/api/v2/tickets/{ticket_id}/comments.json", {"page[size]": "100"})
    assert page["links"]["next"].startswith(f"{server.url}/api/v2/tickets/{ticket_id}/comments")


def test_faults_apply_to_matching_paths_only(server: FakeZendeskServer) -> None:
    """fail_next with a path prefix leaves other paths alone and runs out after ``times``."""
    server.fail_next(500, path_prefix="/api/v2/macros", times=1)
    auth = (f"{server.email}/token", server.token)
    assert requests.get(f"{server.url}/api/v2/users/me.json", auth=auth, timeout=5).ok
    assert requests.get(f"{server.url}/api/v2/macros.json", auth=auth, timeout=5).status_code == 500
    assert requests.get(f"{server.url}/api/v2/macros.json", auth=auth, timeout=5).ok


def test_two_servers_and_adapters_do_not_mix() -> None:
    """Two fakes in one process each see only their own adapter's requests."""
    with FakeZendeskServer() as one, FakeZendeskServer() as two:
        first = one.add_ticket("one", [("customer", "a")])
        second = two.add_ticket("two", [("customer", "b")])
        with ZendeskHelpdesk(one.settings()) as a, ZendeskHelpdesk(two.settings()) as b:
            assert a.get_ticket(TicketRef("zendesk", str(first))).subject == "one"
            assert b.get_ticket(TicketRef("zendesk", str(second))).subject == "two"
        assert one.calls() == two.calls() == 2


# --- validation against the vendor's OpenAPI spec --------------------------------------------


class _SpecLoader:
    @staticmethod
    def load(path: Path) -> dict[str, Any]:
        yaml = pytest.importorskip("yaml")

        class Loader(yaml.SafeLoader):  # type: ignore[name-defined,misc] # PyYAML's base class
            pass

        # The spec has bare '=' example values, which PyYAML reads as an unknown tag.
        Loader.add_constructor(
            "tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node)
        )
        with path.open(encoding="utf-8") as handle:
            loaded: dict[str, Any] = yaml.load(handle, Loader=Loader)
        return loaded


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema dialect to JSON Schema: ``nullable`` becomes a null type."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _json_schema(v) for k, v in node.items() if k not in ("example", "nullable")}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _operation(spec: Mapping[str, Any], method: str, path: str) -> Mapping[str, Any] | None:
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\\{[^/]+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            operation: Mapping[str, Any] = item[method.lower()]
            return operation
    return None


@pytest.fixture(scope="module")
def specs() -> tuple[dict[str, Any], dict[str, Any]]:
    support = _SpecLoader.load(SPEC_DIR / "zendesk-support-oas.yaml")
    hooks = _SpecLoader.load(SPEC_DIR / "UNOFFICIAL-botbrains-webhooks-openapi.yaml")
    return support, hooks


def _scenario(server: FakeZendeskServer, make_desk: MakeDesk) -> None:
    """Every endpoint the adapter uses, once or more."""
    desk = make_desk(due_field=360001)
    ids = [
        server.add_ticket(
            "T",
            [("customer", "a"), ("agent", "b")],
            priority="high",
            at=datetime(2026, 1, 5, tzinfo=UTC) + timedelta(minutes=n),
        )
        for n in range(3)
    ]
    ref = TicketRef("zendesk", str(ids[0]))
    desk.get_ticket(ref)
    change = TicketChange(
        add_tags={"x-a"},
        remove_tags={"x-b"},
        note="n",
        priority=Priority.URGENT,
        reminder=Reminder("deescalate-promise-due", datetime(2026, 3, 2, tzinfo=UTC)),
    )
    desk.apply(ref, change, idempotency_key="evt-1")
    make_desk().apply(ref, change, idempotency_key="evt-1")
    desk.export_tickets(since=datetime(2026, 1, 1, tzinfo=UTC))
    desk.apply_many([(TicketRef("zendesk", str(i)), TicketChange(add_tags={"x-c"})) for i in ids])
    desk.upsert_macro("apology", "Sorry.", public=True)
    desk.upsert_macro("apology", "Sorry!", public=True)
    desk.install_webhook("https://hooks.example.com/zendesk")
    server.add_schedule("EU", "Berlin", [(1980, 2460)])
    desk.business_calendar()


@requires_spec
def test_every_request_is_a_spec_operation(
    server: FakeZendeskServer, make_desk: MakeDesk, specs: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """Each path and method the adapter calls exists in the Zendesk spec."""
    support, hooks = specs
    _scenario(server, make_desk)
    missing = set()
    for request in server.requests:
        path = request.path.removesuffix(".json")
        if path.startswith(NOT_IN_SPEC):
            continue
        in_hooks = path.startswith("/api/v2/webhooks")
        spec, spec_path = (hooks, path.removeprefix("/api/v2")) if in_hooks else (support, path)
        if _operation(spec, request.method, spec_path) is None:
            missing.add(f"{request.method} {path}")
    assert not missing


@requires_spec
def test_every_answer_fits_the_spec_schema(
    server: FakeZendeskServer, make_desk: MakeDesk, specs: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """Each JSON body the fake answers validates against its operation's response schema."""
    jsonschema = pytest.importorskip("jsonschema")
    support, hooks = specs
    _scenario(server, make_desk)
    problems = []
    checked = 0
    for request in server.requests:
        path = request.path.removesuffix(".json")
        if path.startswith(NOT_IN_SPEC) or request.status is None or request.status >= 300:
            continue
        in_hooks = path.startswith("/api/v2/webhooks")
        spec, spec_path = (hooks, path.removeprefix("/api/v2")) if in_hooks else (support, path)
        operation = _operation(spec, request.method, spec_path)
        assert operation is not None, path
        answers = operation["responses"].get(str(request.status)) or operation["responses"].get(
            "200"
        )
        schema = (answers or {}).get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            continue
        root = {"components": _json_schema(spec["components"]), "allOf": [_json_schema(schema)]}
        for error in jsonschema.Draft7Validator(root).iter_errors(request.response):
            problems.append(f"{request.method} {path}: {error.message[:120]}")
        checked += 1
    assert checked >= 10
    assert not problems


@requires_spec
def test_users_carry_the_spec_zone_fields(
    server: FakeZendeskServer, make_desk: MakeDesk, specs: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """Side-loaded users show time_zone and iana_time_zone, string properties of the spec's user
    as an admin and as an end user see it."""
    support, _ = specs
    schemas = support["components"]["schemas"]
    _scenario(server, make_desk)
    users = [
        user
        for request in server.requests
        if isinstance(request.response, Mapping)
        for user in request.response.get("users") or ()
    ]
    assert users
    for name in ("time_zone", "iana_time_zone"):
        for seen_as in ("UserForAdmin", "UserForEndUser"):
            assert schemas[seen_as]["properties"][name]["type"] == "string"
        assert all(isinstance(user[name], str) for user in users)
