"""The service's counting wrapper: every call that reaches the helpdesk is counted by method."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from deescalate.errors import AdapterError
from deescalate.helpdesk import BulkHelpdesk, BulkOutcome, TicketChange, TicketRef, WebhookInstaller
from deescalate.service.metrics import CountingHelpdesk, ServiceMetrics
from deescalate.testing import FakeHelpdesk


class BulkFake(FakeHelpdesk):
    """A fake that also writes many changes in one call and installs its webhook."""

    def apply_many(self, changes: Sequence[tuple[TicketRef, TicketChange]]) -> list[BulkOutcome]:
        outcomes = []
        for ref, change in changes:
            self.apply(ref, change)
            outcomes.append(BulkOutcome(ref, ok=True))
        return outcomes

    def install_webhook(self, endpoint: str) -> list[str]:
        return [f"created {endpoint}"]


def count(metrics: ServiceMetrics, method: str, status: str = "ok") -> float:
    value = metrics.registry.get_sample_value(
        "deescalate_helpdesk_calls_total", {"method": method, "status": status}
    )
    return value or 0.0


def test_apply_many_and_install_webhook_are_counted_when_the_adapter_has_them() -> None:
    """Optional protocol calls reach the helpdesk, so they are counted like apply."""
    desk = BulkFake()
    ref = desk.create_ticket("Router", [("customer", "It drops.")])
    metrics = ServiceMetrics()
    counting = CountingHelpdesk(desk, metrics)
    assert isinstance(counting, WebhookInstaller)
    counting.apply_many([(ref, TicketChange(add_tags={"vip"}))])
    counting.install_webhook("https://example.test/hook")
    assert count(metrics, "apply_many") == 1
    assert count(metrics, "install_webhook") == 1
    assert "vip" in desk.get_ticket(ref).tags


def test_an_adapter_without_the_optional_protocols_is_not_made_to_look_like_one() -> None:
    """The wrapper only offers what the wrapped adapter has."""
    counting = CountingHelpdesk(FakeHelpdesk(), ServiceMetrics())
    assert not isinstance(counting, BulkHelpdesk)
    assert not isinstance(counting, WebhookInstaller)
    assert not hasattr(counting, "apply_many")


def test_a_failing_optional_call_is_counted_with_its_error() -> None:
    """An adapter error from apply_many is counted under its class and raised unchanged."""
    desk = BulkFake()
    ref = desk.create_ticket("Router", [("customer", "It drops.")])
    desk.fail_next(AdapterError("the helpdesk answered 500"))
    metrics = ServiceMetrics()
    with pytest.raises(AdapterError):
        CountingHelpdesk(desk, metrics).apply_many([(ref, TicketChange(add_tags={"vip"}))])
    assert count(metrics, "apply_many") == 0
    assert count(metrics, "apply_many", "adapter_error") == 1
