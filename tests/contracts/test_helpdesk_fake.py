"""The helpdesk contract on FakeHelpdesk, plus the fake's own test helpers."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pytest

from deescalate.errors import (
    AdapterError,
    ConfigurationError,
    RateLimited,
    WebhookVerificationError,
)
from deescalate.helpdesk import Helpdesk, TicketChange, TicketEventKind, TicketRef
from deescalate.testing import FakeHelpdesk
from tests.contracts.helpdesk_contract import HelpdeskContract, Seed, Signed


def _body(ref: TicketRef, delivery_id: str, text: str, kind: str = "comment-added") -> bytes:
    event = {"kind": kind, "ticket": str(ref), "at": "2026-03-02T10:00:00+00:00"}
    event["delivery_id"] = delivery_id
    if kind == "comment-added":
        event["comment"] = {"id": "c-" + delivery_id, "author_role": "customer", "body": text}  # type: ignore[assignment]
    return json.dumps({"delivery_id": delivery_id, "events": [event]}).encode()


class TestFakeHelpdesk(HelpdeskContract):
    @pytest.fixture
    def desk(self) -> FakeHelpdesk:
        return FakeHelpdesk()

    @pytest.fixture
    def seed(self, desk: FakeHelpdesk) -> Seed:
        def make(comments: Sequence[tuple[str, str]]) -> TicketRef:
            return desk.create_ticket("A ticket", comments)

        return make

    @pytest.fixture
    def signed(self, desk: FakeHelpdesk) -> Signed:
        def make(ref: TicketRef, delivery_id: str, text: str) -> tuple[Mapping[str, str], bytes]:
            body = _body(ref, delivery_id, text)
            return desk.sign(body), body

        return make


def test_signed_webhook_is_parsed() -> None:
    """A correctly signed delivery gives its events."""
    desk = FakeHelpdesk()
    body = _body(TicketRef("fake", "1"), "d1", "", kind="solved")
    (event,) = desk.parse_webhook(desk.sign(body), body)
    assert event.kind is TicketEventKind.SOLVED
    assert event.ref == TicketRef("fake", "1")


def test_signature_headers_match_whatever_their_case() -> None:
    """ASGI servers lower-case header names; the check does not care."""
    desk = FakeHelpdesk()
    body = _body(TicketRef("fake", "1"), "d1", "", kind="solved")
    headers = {key.upper(): value for key, value in desk.sign(body).items()}
    assert desk.verify_webhook(headers, body).id == "d1"


def test_bad_signature_is_refused() -> None:
    """A delivery with a wrong signature raises WebhookVerificationError."""
    desk = FakeHelpdesk()
    with pytest.raises(WebhookVerificationError):
        desk.parse_webhook({"X-Deescalate-Signature": "sha256=00"}, b"{}")


def test_malformed_delivery_is_an_adapter_error() -> None:
    """A signed body that is not the expected JSON is an AdapterError."""
    desk = FakeHelpdesk()
    body = b"not json"
    with pytest.raises(AdapterError, match="malformed"):
        desk.parse_webhook(desk.sign(body), body)


def test_injected_failures_are_raised_in_order() -> None:
    """fail_next makes the next calls fail, then the fake recovers."""
    desk = FakeHelpdesk()
    ref = desk.create_ticket("x")
    desk.fail_next(RateLimited("slow down", retry_after=30))
    with pytest.raises(RateLimited):
        desk.add_tags(ref, ["a"])
    desk.add_tags(ref, ["a"])
    assert [c.method for c in desk.calls] == ["apply", "apply"]
    assert "a" in desk.tickets[ref].tags


def test_from_env_reads_the_secret() -> None:
    """from_env builds a fake whose deliveries are signed with the configured secret."""
    desk = FakeHelpdesk.from_env({"DEESCALATE_FAKE_WEBHOOK_SECRET": "s3"})
    assert isinstance(desk, Helpdesk)
    assert desk.secret == b"s3"
    with pytest.raises(ConfigurationError, match="DEESCALATE_FAKE_WEBHOOK_SECRET"):
        FakeHelpdesk.from_env({"DEESCALATE_FAKE_WEBHOOK_SECRET": ""})


def test_a_closed_fake_refuses_calls() -> None:
    """After close, calls fail instead of silently working."""
    desk = FakeHelpdesk()
    ref = desk.create_ticket("x")
    with desk:
        desk.get_ticket(ref)
    with pytest.raises(AdapterError, match="closed"):
        desk.get_ticket(ref)


def test_a_change_cannot_add_and_remove_one_tag() -> None:
    """A contradictory change is refused when it is built."""
    from deescalate.errors import InputError

    with pytest.raises(InputError, match="both added and removed"):
        TicketChange(add_tags={"a"}, remove_tags={"a"})


def test_protocol_members_list_every_member() -> None:
    """PROTOCOL_MEMBERS names exactly what the Helpdesk protocol declares."""
    from deescalate.helpdesk import PROTOCOL_MEMBERS

    declared = {
        name
        for name in vars(Helpdesk)
        if not name.startswith("_") or name in {"__enter__", "__exit__"}
    } | set(Helpdesk.__annotations__)
    declared -= {"_is_protocol", "_is_runtime_protocol"}
    assert declared == set(PROTOCOL_MEMBERS)


def test_the_requesters_time_zone_is_read_back() -> None:
    """A ticket created with the requester's zone shows it; one created without shows none."""
    desk = FakeHelpdesk()
    with_zone = desk.create_ticket("A ticket", requester_time_zone="America/New_York")
    without = desk.create_ticket("Another")
    assert desk.get_ticket(with_zone).requester_time_zone == "America/New_York"
    assert desk.get_ticket(without).requester_time_zone is None
