"""Zendesk API calls, counted against the local fake with the real adapter (zenpy over HTTP).

* one comment event on the common path: read the ticket, read its comments, one write (goal: at
  most 3 calls), and no write when the change alters nothing;
* ``deescalate backfill`` (the core :class:`~deescalate.backfill.Backfill`, assessing every
  conversation) over 10,000 tickets with one to five comments each (goal: at most 150 calls in
  all, reads included).

Figures are counts of HTTP requests the fake received, not timings.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from deescalate_zendesk import ZendeskHelpdesk
from deescalate_zendesk.testing import FakeZendeskServer

from deescalate.backfill import Backfill
from deescalate.helpdesk import TicketChange, TicketRef
from deescalate.runtime import Runtime
from deescalate.settings import Settings

__all__ = ["run"]

STAGES = ("calm", "frustrated", "upset", "angry", "irate")
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _common_path() -> list[str]:
    with FakeZendeskServer() as server:
        ticket_id = server.add_ticket("Router", [("customer", "It drops again!!")])
        ref = TicketRef("zendesk", str(ticket_id))
        with ZendeskHelpdesk(server.settings()) as desk:
            server.reset_log()
            desk.get_ticket(ref)
            change = TicketChange(add_tags={"deescalate-stage-angry"}, note="Acknowledge first.")
            desk.apply(ref, change, idempotency_key="evt-1")
            written = server.calls()
            server.reset_log()
            desk.get_ticket(ref)
            desk.apply(ref, TicketChange(add_tags={"deescalate-stage-angry"}))
            unchanged = server.calls()
    return [
        f"comment event, stage change and note: {written} calls (goal <= 3)",
        f"comment event, nothing changed: {unchanged} calls, {unchanged - 2} writes (goal 0)",
    ]


def _backfill(tickets: int) -> list[str]:
    with FakeZendeskServer() as server:
        customer = server.add_user("Customer")
        agent = server.add_user("Agent", role="agent")
        comments = 0
        for n in range(tickets):
            count = 1 + n % 5
            roles = [("customer" if i % 2 == 0 else "agent", f"message {i}") for i in range(count)]
            server.add_ticket(
                f"Ticket {n}",
                roles,
                requester=customer,
                assignee=agent,
                status="closed" if n % 50 == 0 else "open",
                at=START + timedelta(seconds=6 * n),
            )
            comments += count
        with ZendeskHelpdesk(server.settings(job_poll_interval=0.0)) as desk:
            runtime = Runtime.build(
                Settings(database_url="memory://"), helpdesk=desk, clock=server.clock
            )
            server.reset_log()
            began = time.perf_counter()
            backfill = Backfill(
                desk, runtime.pipeline, runtime.ledger, runtime.store, clock=server.clock
            )
            report = backfill.run(START - timedelta(days=1))
            elapsed = time.perf_counter() - began
            runtime.store.close()
    reads = server.calls("GET")
    return [
        f"deescalate backfill of {report.tickets:,} tickets ({comments:,} comments) in "
        f"{report.pages} export pages: {reads} read calls",
        f"  ticket export {server.calls('GET', '/api/v2/incremental/tickets')}, "
        f"event export {server.calls('GET', '/api/v2/incremental/ticket_events')}, "
        f"users {server.calls('GET', '/api/v2/users')}",
        f"  writes: {server.calls('PUT', '/api/v2/tickets/update_many')} update_many, "
        f"{server.calls('GET', '/api/v2/job_statuses')} job polls; "
        f"{report.tagged:,} tagged, {report.unchanged:,} already right, "
        f"{report.closed} closed skipped, {len(report.failed)} failed",
        f"  all calls: {server.calls()} (goal <= 150); {elapsed:.1f} s with assessment, "
        "against the local fake",
    ]


def run(quick: bool) -> list[str]:
    return _common_path() + _backfill(2_000 if quick else 10_000)
