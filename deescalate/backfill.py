"""Backfill: assess the tickets a helpdesk changed in a period, tag them in bulk, open obligations.

For each page of an adapter's bulk export (:meth:`BulkHelpdesk.export_tickets`), every ticket's
conversation is assessed and planned as the pipeline would have done comment by comment, without
notes: the stage and routing tags go out through :meth:`BulkHelpdesk.apply_many` (which groups
tickets that get the same change into one call), and the ledger hears the conversation in order,
so promises made, kept or cancelled, and solves, are recorded. History stays history: a promise
whose due time has passed and a follow-up whose check-back time has passed open nothing (the worker
would otherwise flag month-old tickets). The export cursor is stored once a batch of pages is
written, so the same backfill started again after an interruption resumes there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from deescalate.helpdesk import BulkHelpdesk, Ticket, TicketChange, TicketRef
from deescalate.inbox import apply_ledger_steps
from deescalate.obligations.ledger import Ledger
from deescalate.pipeline import FollowThroughPromised, LedgerStep, Pipeline, TicketSolved
from deescalate.store.protocol import Store

__all__ = ["Backfill", "BackfillReport"]

log = logging.getLogger("deescalate.backfill")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class BackfillReport:
    """What a backfill did (over all its runs when it resumed)."""

    pages: int = 0
    tickets: int = 0
    tagged: int = 0
    unchanged: int = 0
    closed: int = 0
    obligations_opened: int = 0
    failed: list[tuple[TicketRef, str]] = field(default_factory=list)
    resumed: bool = False

    def summary(self) -> str:
        """One paragraph for people."""
        return (
            f"{self.tickets} tickets in {self.pages} pages: {self.tagged} tagged, "
            f"{self.unchanged} already right, {self.closed} closed (cannot be updated), "
            f"{len(self.failed)} failed; {self.obligations_opened} obligations opened"
            + (" (resumed from a stored cursor)" if self.resumed else "")
        )


class Backfill:
    """Runs a backfill over one adapter; see the module docstring."""

    def __init__(
        self,
        helpdesk: BulkHelpdesk,
        pipeline: Pipeline,
        ledger: Ledger,
        store: Store,
        *,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.helpdesk = helpdesk
        self.pipeline = pipeline
        self.ledger = ledger
        self.store = store
        self.clock = clock

    def checkpoint_name(self, since: datetime, query: str | None = None) -> str:
        """Where the cursor of a backfill is stored: same arguments, same name."""
        name = f"backfill:{self.helpdesk.name}:{since.astimezone(UTC).isoformat()}"
        return name if query is None else f"{name}:{query}"

    def run(
        self,
        since: datetime,
        *,
        restart: bool = False,
        query: str | None = None,
        progress: Callable[[int], None] | None = None,
        flush_at: int = 5_000,
    ) -> BackfillReport:
        """Backfill tickets changed since ``since`` (narrowed by ``query`` where the helpdesk
        has a query language); ``progress`` hears the tickets per page.

        Changes are written in bulk once ``flush_at`` tickets wait (so tickets that get the same
        change share calls across pages), and the cursor is stored only after they are written:
        an interruption repeats at most the unwritten pages. Tickets changed after the run began
        (by this run's own writes, or by agents, whose webhooks the service handles) end it.
        """
        name = self.checkpoint_name(since, query)
        cursor = None if restart else self.store.get_checkpoint(name) or None
        report = BackfillReport(resumed=cursor is not None)
        started = self.clock()
        waiting: list[tuple[TicketRef, TicketChange]] = []
        while True:
            page = self.helpdesk.export_tickets(since=since, cursor=cursor, query=query)
            before = [t for t in page.tickets if t.updated_at is None or t.updated_at < started]
            finished = page.done or not page.cursor or len(before) < len(page.tickets)
            waiting += self._page(tuple(before), report)
            cursor = page.cursor
            report.pages += 1
            if len(waiting) >= flush_at or finished:
                self._write(waiting, report)
                waiting = []
                self.store.set_checkpoint(name, cursor or "", self.clock())
            if progress is not None:
                progress(len(before))
            if finished:
                break
        log.info("backfill %s: %s", name, report.summary())
        return report

    def _page(
        self, tickets: tuple[Ticket, ...], report: BackfillReport
    ) -> list[tuple[TicketRef, TicketChange]]:
        """Plan a page and record its ledger steps; returns the ticket changes to write."""
        now = self.clock()
        changes: list[tuple[TicketRef, TicketChange]] = []
        with self.store.atomic():
            for ticket in tickets:
                report.tickets += 1
                plan = self.pipeline.plan_ticket(ticket)
                steps = tuple(s for s in plan.ledger if self._still_ahead(s, now))
                opened, _ = apply_ledger_steps(self.ledger, ticket.ref, steps)
                report.obligations_opened += len(opened)
                self.store.record_messages(plan.messages)  # the report's figures
                if plan.change.empty:
                    report.unchanged += 1
                else:
                    changes.append((ticket.ref, plan.change))
        return changes

    def _write(self, changes: list[tuple[TicketRef, TicketChange]], report: BackfillReport) -> None:
        if not changes:
            return
        for outcome in self.helpdesk.apply_many(changes):
            if outcome.skipped == "closed":
                report.closed += 1
            elif outcome.ok:
                report.tagged += 1
            else:
                report.failed.append((outcome.ref, outcome.error or "refused"))

    def _still_ahead(self, step: LedgerStep, now: datetime) -> bool:
        """Keep a step unless it would open an obligation already past due."""
        calendar, policy = self.ledger.calendar, self.ledger.policy
        if isinstance(step, FollowThroughPromised):
            due = step.promise.due_at or policy.default_due(step.sent_at, calendar)
            return due > now
        if isinstance(step, TicketSolved):
            check_back = policy.follow_up_due(step.at, step.peak_stage, calendar)
            return check_back is not None and check_back > now
        return True
