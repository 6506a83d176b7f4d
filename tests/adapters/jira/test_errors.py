"""Errors: every failure reaches callers as deescalate's own, with no bodies in messages."""

from __future__ import annotations

import pytest
from deescalate_jira.testing import FakeJiraServer

from deescalate.errors import AdapterError, AuthError, NotFound, RateLimited
from deescalate.helpdesk import TicketChange, TicketRef
from tests.adapters.jira.conftest import Build


def test_a_deleted_issue_is_not_found(server: FakeJiraServer, build: Build) -> None:
    """Reading an issue someone deleted raises NotFound."""
    key = server.add_issue()
    server.delete_issue(key)
    with pytest.raises(NotFound, match="404"):
        build(server).get_ticket(TicketRef("jira", key))


def test_429_is_raised_at_once_with_retry_after(cloud: FakeJiraServer, build: Build) -> None:
    """A 429 raises RateLimited with Retry-After, after a single request (no sleeping)."""
    key = cloud.add_issue()
    desk = build(cloud)
    desk.is_cloud  # noqa: B018 - read once per process
    cloud.fail_next(429, headers={"Retry-After": "17"})
    with pytest.raises(RateLimited) as caught:
        desk.get_ticket(TicketRef("jira", key))
    assert caught.value.retry_after == 17.0
    assert cloud.calls("GET", "/rest/api/2/issue/") == 1


def test_wrong_credentials_are_an_auth_error(server: FakeJiraServer, build: Build) -> None:
    """A refused token (401) raises AuthError naming the status."""
    key = server.add_issue()
    desk = build(server, **({"token": "wrong"} if server.cloud else {"pat": "wrong"}))
    with pytest.raises(AuthError, match="401"):
        desk.get_ticket(TicketRef("jira", key))


def test_forbidden_is_an_auth_error(cloud: FakeJiraServer, build: Build) -> None:
    """A 403 on a write raises AuthError."""
    key = cloud.add_issue()
    desk = build(cloud)
    cloud.fail_next(403, path_prefix=f"/rest/api/2/issue/{key}")
    with pytest.raises(AuthError, match="403"):
        desk.apply(TicketRef("jira", key), TicketChange(add_tags={"x"}))


def test_a_server_error_is_an_adapter_error_without_the_body(
    cloud: FakeJiraServer, build: Build
) -> None:
    """A 500 raises AdapterError with the status; the body's words stay out of the message."""
    key = cloud.add_issue()
    desk = build(cloud)
    desk.is_cloud  # noqa: B018 - read once per process
    cloud.fail_next(500, body=b'{"errorMessages": ["customer secret words"]}')
    with pytest.raises(AdapterError, match="500") as caught:
        desk.get_ticket(TicketRef("jira", key))
    assert "secret words" not in str(caught.value)
    assert "secret words" not in str(caught.value.__cause__)


def test_a_malformed_answer_is_an_adapter_error(cloud: FakeJiraServer, build: Build) -> None:
    """A 200 whose body is not JSON raises AdapterError saying so."""
    key = cloud.add_issue()
    desk = build(cloud)
    desk.is_cloud  # noqa: B018 - read once per process
    cloud.fail_next(200, body=b"<html>oops")
    with pytest.raises(AdapterError, match="not JSON"):
        desk.get_ticket(TicketRef("jira", key))


def test_a_stalled_answer_is_a_timeout(cloud: FakeJiraServer, build: Build) -> None:
    """An answer slower than the timeout raises AdapterError naming the timeout."""
    key = cloud.add_issue()
    desk = build(cloud, timeout=0.2)
    desk.is_cloud  # noqa: B018 - read once per process
    cloud.stall_next(0.6)
    with pytest.raises(AdapterError, match="timeout"):
        desk.get_ticket(TicketRef("jira", key))


def test_an_unreachable_site_is_an_adapter_error(build: Build) -> None:
    """A site nobody listens on raises AdapterError at the first call, not at construction."""
    with FakeJiraServer() as fake:
        desk = build(fake)
    with pytest.raises(AdapterError, match="connection"):
        desk.get_ticket(TicketRef("jira", "SUP-1"))


def test_a_bad_reference_is_refused(cloud: FakeJiraServer, build: Build) -> None:
    """A reference that is not a Jira issue key is refused before any request."""
    from deescalate.errors import InputError

    with pytest.raises(InputError, match="issue key"):
        build(cloud).get_ticket(TicketRef("jira", "../../admin"))
    assert cloud.requests == []
