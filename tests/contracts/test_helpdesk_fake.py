"""The helpdesk contract on FakeHelpdesk, plus the fake's own test helpers."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from deescalate.errors import AdapterError, RateLimited, WebhookVerificationError
from deescalate.helpdesk import TicketEventKind, TicketRef
from deescalate.testing import FakeHelpdesk
from tests.contracts.helpdesk_contract import HelpdeskContract, Seed


class TestFakeHelpdesk(HelpdeskContract):
    @pytest.fixture
    def desk(self) -> FakeHelpdesk:
        return FakeHelpdesk()

    @pytest.fixture
    def seed(self, desk: FakeHelpdesk) -> Seed:
        def make(comments: Sequence[tuple[str, str]]) -> TicketRef:
            return desk.create_ticket("A ticket", comments)

        return make


def test_signed_webhook_is_parsed() -> None:
    """A correctly signed delivery gives its events."""
    desk = FakeHelpdesk()
    body = json.dumps(
        {
            "events": [
                {
                    "kind": "solved",
                    "ticket": "fake:1",
                    "at": "2026-03-02T10:00:00+00:00",
                    "delivery_id": "d1",
                }
            ]
        }
    ).encode()
    (event,) = desk.parse_webhook(desk.sign(body), body)
    assert event.kind is TicketEventKind.SOLVED
    assert event.ref == TicketRef("fake", "1")


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
    assert [c.method for c in desk.calls] == ["add_tags", "add_tags"]
