"""The service's Prometheus metrics, kept in one registry per app (no global state).

What is counted where:

* ``deescalate_deliveries_total{outcome}``: every answer to ``POST /hooks/<name>`` (``accepted``,
  ``duplicate``, ``unverified``, ``malformed``, ``too_large``, ``unavailable``, ``unknown_hook``, ``error``);
* ``deescalate_inbox_entries{state}``, ``deescalate_outbox_entries{state}`` and
  ``deescalate_obligations{state}``: read from the store when the metrics are scraped;
* ``deescalate_pipeline_seconds``: how long planning one ticket event took;
* ``deescalate_helpdesk_calls_total{method,status}``: every call the inbox, the outbox and the
  worker make to the helpdesk (``status`` is ``ok`` or the error, e.g. ``rate_limited``), counted
  by :class:`CountingHelpdesk`;
* ``deescalate_rate_limit_waits_total`` and ``deescalate_rate_limit_wait_seconds_total``: how
  often the helpdesk asked us to slow down, and for how long in all.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from deescalate.errors import DeescalateError, RateLimited
from deescalate.helpdesk import (
    AppliedChange,
    Delivery,
    Ticket,
    TicketChange,
    TicketEvent,
    TicketRef,
)

if TYPE_CHECKING:
    from deescalate.pipeline import Plan
    from deescalate.runtime import Runtime
    from deescalate.store import Store

__all__ = ["CONTENT_TYPE", "CountingHelpdesk", "ServiceMetrics"]

log = logging.getLogger("deescalate.service")

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

OUTCOMES = (
    "accepted",
    "duplicate",
    "unverified",
    "malformed",
    "too_large",
    "unavailable",
    "unknown_hook",
    "error",
)

# Planning an event takes about a millisecond; a slow one (a long thread, a cold cache) more.
_PIPELINE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def _status_of(error: BaseException) -> str:
    """``RateLimited`` -> ``rate_limited``: the label a failed call is counted under."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", error.__class__.__name__).lower()


class ServiceMetrics:
    """The metrics of one app, in their own :class:`CollectorRegistry`."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.deliveries = Counter(
            "deescalate_deliveries",
            "Webhook deliveries answered, by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        for outcome in OUTCOMES:
            self.deliveries.labels(outcome)
        self.pipeline_seconds = Histogram(
            "deescalate_pipeline_seconds",
            "Time to plan one ticket event.",
            buckets=_PIPELINE_BUCKETS,
            registry=self.registry,
        )
        self.helpdesk_calls = Counter(
            "deescalate_helpdesk_calls",
            "Calls to the helpdesk, by method and status (ok, or the error).",
            ["method", "status"],
            registry=self.registry,
        )
        self.rate_limit_waits = Counter(
            "deescalate_rate_limit_waits",
            "Times the helpdesk asked us to slow down.",
            registry=self.registry,
        )
        self.rate_limit_wait_seconds = Counter(
            "deescalate_rate_limit_wait_seconds",
            "Seconds the helpdesk asked us to wait, in all.",
            registry=self.registry,
        )
        self._store_collector: _StoreCollector | None = None

    def watch_store(self, store: Store) -> None:
        """Report the store's inbox, outbox and obligations by state on every scrape."""
        if self._store_collector is None:
            self._store_collector = _StoreCollector(store)
            self.registry.register(self._store_collector)

    def count_delivery(self, outcome: str) -> None:
        self.deliveries.labels(outcome).inc()

    def instrument(self, runtime: Runtime) -> None:
        """Count the runtime's helpdesk calls and time its pipeline, into these metrics.

        The helpdesk is replaced, wherever the runtime's parts hold it, by a
        :class:`CountingHelpdesk` around it, and ``Pipeline.plan`` is timed. A runtime served
        again by a new app counts into the new app's metrics.
        """
        self.watch_store(runtime.store)
        desk = runtime.helpdesk
        if isinstance(desk, CountingHelpdesk):
            desk.metrics = self
        elif desk is not None:
            counting = CountingHelpdesk(desk, self)
            runtime.helpdesk = counting
            for part in (runtime.inbox, runtime.outbox, runtime.worker):
                if part is not None:
                    part.helpdesk = counting
        pipeline = runtime.pipeline
        plan: Callable[[TicketEvent, Ticket], Plan] = type(pipeline).plan.__get__(pipeline)
        # (the class's method, not an earlier app's wrapper)
        histogram = self.pipeline_seconds

        def timed_plan(event: TicketEvent, ticket: Ticket) -> Plan:
            start = time.perf_counter()
            try:
                return plan(event, ticket)
            finally:
                histogram.observe(time.perf_counter() - start)

        # An instance attribute shadows the method for this pipeline only.
        pipeline.plan = timed_plan  # type: ignore[method-assign]  # a timing wrapper, same signature

    def exposition(self) -> bytes:
        """The Prometheus text exposition (reads the store: call it off the event loop)."""
        return generate_latest(self.registry)


class _StoreCollector(Collector):
    """Queue depths and obligations by state, read from the store at scrape time."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def describe(self) -> Iterator[Metric]:
        return iter(())  # the families depend on the store answering; nothing to pre-declare

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("deescalate_store_up", "1 when the store answered this scrape.")
        families: list[Metric] = []
        try:
            families.append(
                _by_state(
                    "deescalate_inbox_entries",
                    "Inbox entries (webhook deliveries) by state.",
                    self.store.inbox_counts(),
                )
            )
            families.append(
                _by_state(
                    "deescalate_outbox_entries",
                    "Outbox entries (helpdesk writes) by state.",
                    self.store.outbox_counts(),
                )
            )
            families.append(
                _by_state(
                    "deescalate_obligations",
                    "Obligations by state.",
                    self.store.obligation_counts(),
                )
            )
        except DeescalateError as exc:
            log.warning("metrics: the store did not answer: %s", exc.__class__.__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families


def _by_state(name: str, documentation: str, counts: Mapping[Any, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=["state"])
    for state, count in counts.items():
        family.add_metric([str(getattr(state, "value", state))], count)
    return family


class CountingHelpdesk:
    """A helpdesk that counts every call to the one it wraps, by method and outcome.

    Local work (verifying and reading webhook deliveries) is not a call to the helpdesk and is
    not counted. A ``RateLimited`` answer also counts as a rate-limit wait of ``retry_after``.
    """

    def __init__(self, helpdesk: Any, metrics: ServiceMetrics) -> None:
        self.wrapped = helpdesk
        self.metrics = metrics
        self.name: str = helpdesk.name

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        raise NotImplementedError("build the wrapped adapter with its own from_env()")

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            result = getattr(self.wrapped, method)(*args, **kwargs)
        except RateLimited as exc:
            self.metrics.helpdesk_calls.labels(method, _status_of(exc)).inc()
            self.metrics.rate_limit_waits.inc()
            if exc.retry_after is not None:
                self.metrics.rate_limit_wait_seconds.inc(max(0.0, exc.retry_after))
            raise
        except Exception as exc:
            self.metrics.helpdesk_calls.labels(method, _status_of(exc)).inc()
            raise
        self.metrics.helpdesk_calls.labels(method, "ok").inc()
        return result

    def get_ticket(self, ref: TicketRef) -> Ticket:
        ticket: Ticket = self._call("get_ticket", ref)
        return ticket

    def apply(
        self, ref: TicketRef, change: TicketChange, *, idempotency_key: str | None = None
    ) -> AppliedChange:
        applied: AppliedChange = self._call("apply", ref, change, idempotency_key=idempotency_key)
        return applied

    def upsert_macro(self, name: str, body: str, *, public: bool, tags: Sequence[str] = ()) -> str:
        macro_id: str = self._call("upsert_macro", name, body, public=public, tags=tags)
        return macro_id

    def changed_since(self, cursor: str | None) -> tuple[list[TicketRef], str]:
        changed: tuple[list[TicketRef], str] = self._call("changed_since", cursor)
        return changed

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> Delivery:
        delivery: Delivery = self.wrapped.verify_webhook(headers, body)
        return delivery

    def parse_delivery(self, delivery: Delivery) -> list[TicketEvent]:
        events: list[TicketEvent] = self.wrapped.parse_delivery(delivery)
        return events

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[TicketEvent]:
        events: list[TicketEvent] = self.wrapped.parse_webhook(headers, body)
        return events

    def close(self) -> None:
        self.wrapped.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        # Optional protocols (BulkHelpdesk, WebhookInstaller) are counted when the wrapped adapter
        # has them (and absent when it has not, so isinstance checks stay honest); other adapter
        # extras pass through uncounted.
        if name == "wrapped":
            raise AttributeError(name)
        attribute = getattr(self.wrapped, name)
        if name in _OPTIONAL_CALLS and callable(attribute):
            return functools.partial(self._call, name)
        return attribute


#: Calls of the optional protocols that reach the helpdesk. ``export_tickets`` is counted once
#: per call, however many pages it reads.
_OPTIONAL_CALLS = frozenset({"apply_many", "export_tickets", "install_webhook"})
