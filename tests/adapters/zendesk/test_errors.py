"""Failures: each a specific deescalate error, never a zenpy or requests one; nothing half-written."""

from __future__ import annotations

import pytest
from deescalate_zendesk import ZendeskHelpdesk
from deescalate_zendesk.testing import FakeZendeskServer

from deescalate.errors import AdapterError, AuthError, NotFound, RateLimited
from deescalate.helpdesk import TicketChange, TicketRef
from tests.adapters.zendesk.conftest import MakeDesk

CHANGE = TicketChange(add_tags={"deescalate-stage-angry"}, note="Acknowledge first.")


def seeded(server: FakeZendeskServer) -> TicketRef:
    return TicketRef("zendesk", str(server.add_ticket("T", [("customer", "a")])))


def test_deleted_ticket_is_not_found(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """A ticket that is gone raises NotFound on read and on write."""
    ref = seeded(server)
    del server.state.tickets[int(ref.id)]
    with pytest.raises(NotFound, match="404"):
        desk.get_ticket(ref)
    with pytest.raises(NotFound):
        desk.apply(ref, CHANGE)


def test_wrong_credentials_are_an_auth_error(
    make_desk: MakeDesk, server: FakeZendeskServer
) -> None:
    """A 401 raises AuthError and writes nothing."""
    desk = make_desk(email="someone@example.test")
    ref = seeded(server)
    with pytest.raises(AuthError, match="401"):
        desk.apply(ref, CHANGE, idempotency_key="evt-1")
    assert server.notes(int(ref.id)) == []


def test_rate_limit_is_raised_at_once_with_retry_after(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A 429 raises RateLimited with Retry-After, after one request (zenpy never sleeps)."""
    ref = seeded(server)
    server.reset_log()
    server.fail_next(429, headers={"Retry-After": "30"}, times=5)
    with pytest.raises(RateLimited) as caught:
        desk.apply(ref, CHANGE)
    assert caught.value.retry_after == 30
    assert server.calls() == 1
    assert server.notes(int(ref.id)) == []


def test_rate_limit_on_a_read_is_raised_too(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A raw read meeting 429 raises RateLimited as well."""
    ref = seeded(server)
    server.fail_next(429, headers={"Retry-After": "7"})
    with pytest.raises(RateLimited) as caught:
        desk.get_ticket(ref)
    assert caught.value.retry_after == 7


def test_server_error_is_an_adapter_error_and_not_retried(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A 503 on the write is reported, not replayed (no duplicate note)."""
    ref = seeded(server)
    server.reset_log()
    server.fail_next(503, path_prefix=f"/api/v2/tickets/{ref.id}.json")
    with pytest.raises(AdapterError, match="503"):
        desk.apply(ref, CHANGE)
    assert server.calls("PUT") == 1


def test_500_names_the_status(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """A 500 raises AdapterError with the status code and no response body."""
    ref = seeded(server)
    server.fail_next(500, body=b'{"error": "customer words here"}')
    with pytest.raises(AdapterError, match="500") as caught:
        desk.get_ticket(ref)
    assert "customer words" not in str(caught.value)


def test_timeout_is_an_adapter_error_naming_it(
    make_desk: MakeDesk, server: FakeZendeskServer
) -> None:
    """A server slower than the timeout raises AdapterError that says 'timeout'."""
    desk = make_desk(timeout=0.2)
    ref = seeded(server)
    server.stall_next(1.0)
    with pytest.raises(AdapterError, match="timeout"):
        desk.get_ticket(ref)


def test_malformed_json_answer_is_an_adapter_error(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A 200 whose body is not JSON raises AdapterError, on raw and zenpy calls alike."""
    ref = seeded(server)
    server.fail_next(200, body=b"{not json", times=1)
    with pytest.raises(AdapterError, match="not JSON"):
        desk.get_ticket(ref)
    server.fail_next(200, body=b"{not json", path_prefix="/api/v2/tickets/")
    with pytest.raises(AdapterError):
        desk.apply(ref, CHANGE)


def test_closed_ticket_write_is_refused_cleanly(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """Zendesk's 422 for a closed ticket is an AdapterError with the status."""
    ref = TicketRef("zendesk", str(server.add_ticket("T", [("customer", "a")], status="closed")))
    with pytest.raises(AdapterError, match="422"):
        desk.apply(ref, CHANGE)


def test_foreign_reference_is_not_found(desk: ZendeskHelpdesk) -> None:
    """A reference to another system or a non-numeric id is NotFound, without a call."""
    with pytest.raises(NotFound, match="zendesk:<number>"):
        desk.get_ticket(TicketRef("jira", "ABC-1"))
