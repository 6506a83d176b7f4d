"""The inbox: webhook deliveries stored before they are answered, then planned and applied.

:meth:`Inbox.receive` verifies a delivery with the helpdesk adapter, reads its events (a body
that cannot be read is refused before anything is stored), and stores it keyed by its delivery
id: a sender's retry of the same delivery is recognised and adds no work. Only after the store
has the delivery may the caller answer the sender.

:meth:`Inbox.process` leases stored deliveries, in order per ticket, reads each ticket once,
plans every event with the :class:`~deescalate.pipeline.Pipeline`, and then, in ONE store
transaction, applies the plans' ledger steps, records their messages (the report's figures),
queues their ticket changes in the outbox, and marks the delivery done. A crash anywhere before that commit leaves the delivery pending (it is
processed again; nothing was written); after it, the work is recorded exactly once. Failures wait
with backoff that honours ``Retry-After`` and park after ``max_attempts``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from deescalate.errors import DeescalateError, NotFound, RateLimited
from deescalate.helpdesk import Delivery, Helpdesk, Ticket, TicketRef
from deescalate.obligations.ledger import Ledger
from deescalate.outbox import Backoff, LeasedRound, Outbox
from deescalate.pipeline import (
    ContactMade,
    CustomerWrote,
    FollowThroughPromised,
    LedgerStep,
    Pipeline,
    Plan,
    TicketSolved,
)
from deescalate.store.base import Store
from deescalate.store.queues import InboxEntry

__all__ = ["Inbox", "ProcessStats", "Receipt", "apply_ledger_steps"]

log = logging.getLogger("deescalate.inbox")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Receipt:
    """A received delivery: ``new`` is false when the same delivery id was stored before."""

    delivery: Delivery
    new: bool
    events: int


@dataclass(slots=True)
class ProcessStats:
    """What :meth:`Inbox.process` did in one call."""

    done: int = 0
    retried: int = 0
    parked: int = 0
    plans: list[Plan] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)


class Inbox:
    """Receives deliveries into ``store`` and processes them; see the module docstring."""

    def __init__(
        self,
        store: Store,
        helpdesk: Helpdesk,
        pipeline: Pipeline,
        ledger: Ledger,
        outbox: Outbox,
        *,
        worker_id: str,
        clock: Callable[[], datetime] = _utc_now,
        lease: timedelta = timedelta(minutes=2),
        backoff: Backoff | None = None,
    ) -> None:
        self.store = store
        self.helpdesk = helpdesk
        self.pipeline = pipeline
        self.ledger = ledger
        self.outbox = outbox
        self.worker_id = worker_id
        self.clock = clock
        self.lease = lease
        self.backoff = backoff or Backoff()
        self._round = LeasedRound(store.inbox_retry_later, worker_id, clock)

    def receive(self, headers: Mapping[str, str], body: bytes) -> Receipt:
        """Verify, read and store one delivery (``WebhookVerificationError``, ``AdapterError``)."""
        delivery = self.helpdesk.verify_webhook(headers, body)
        events = self.helpdesk.parse_delivery(delivery)
        ticket = str(events[0].ref) if events else None
        new = self.store.inbox_add(delivery, ticket=ticket, at=self.clock())
        return Receipt(delivery, new, len(events))

    def process(self, limit: int = 50) -> ProcessStats:
        """Plan and apply up to ``limit`` due deliveries."""
        stats = ProcessStats()
        self._round.give_back_stranded()
        claimed = self.store.inbox_claim(self.clock(), self.worker_id, limit, self.lease)
        self._round.handle(claimed, lambda entry: self._process(entry, stats))
        return stats

    def _process(self, entry: InboxEntry, stats: ProcessStats) -> None:
        try:
            plans = self._plans(entry.delivery)
        except NotFound as exc:
            # The ticket was deleted: there is nothing left to tag or remind.
            log.info("inbox %s: %s; nothing to do", entry.seq, exc.__class__.__name__)
            plans = []
        except RateLimited as exc:
            self._fail(entry, stats, exc, exc.retry_after)
            return
        except DeescalateError as exc:
            self._fail(entry, stats, exc, None)
            return
        with self.store.atomic():
            for plan in plans:
                opened, settled = apply_ledger_steps(self.ledger, plan.ref, plan.ledger)
                stats.opened += opened
                stats.settled += settled
                self.store.record_messages(plan.messages)  # the report's figures
                self.outbox.enqueue(plan.ref, plan.change, plan.idempotency_key)
            self.store.inbox_done(entry.seq, self.worker_id, self.clock())
        stats.done += 1
        stats.plans += plans
        for plan in plans:
            log.info("ticket %s: %s", plan.ref, plan.reason or "no change")

    def _plans(self, delivery: Delivery) -> list[Plan]:
        tickets: dict[TicketRef, Ticket] = {}
        plans = []
        for event in self.helpdesk.parse_delivery(delivery):
            ticket = tickets.get(event.ref)
            if ticket is None:
                ticket = tickets[event.ref] = self.helpdesk.get_ticket(event.ref)
            plans.append(self.pipeline.plan(event, ticket))
        return plans

    def _fail(
        self,
        entry: InboxEntry,
        stats: ProcessStats,
        error: DeescalateError,
        retry_after: float | None,
    ) -> None:
        now = self.clock()
        retry = self.backoff.after_failure(entry.attempts, error, now, retry_after=retry_after)
        self.store.inbox_retry_later(
            entry.seq, self.worker_id, retry_at=retry.retry_at, error=retry.reason, at=now,
            park=retry.park,
        )  # fmt: skip
        if retry.park:
            stats.parked += 1
            log.warning("inbox %s parked: %s", entry.seq, retry.reason)
        else:
            stats.retried += 1
            log.warning(
                "inbox %s: %s, retry in %ds", entry.seq, retry.reason, retry.wait.total_seconds()
            )


def apply_ledger_steps(
    ledger: Ledger, ref: TicketRef, steps: Sequence[LedgerStep]
) -> tuple[list[str], list[str]]:
    """Carry out a plan's ledger steps; returns the ids of obligations opened and settled."""
    ticket = str(ref)
    opened: list[str] = []
    settled: list[str] = []
    for step in steps:
        if isinstance(step, ContactMade):
            settled += [o.id for o in ledger.record_contact(ticket, step.at, how=step.how)]
        elif isinstance(step, CustomerWrote):
            settled += [o.id for o in ledger.record_customer_message(ticket, step.text, step.at)]
        elif isinstance(step, FollowThroughPromised):
            obligation, created = ledger.open_follow_through(
                ticket, step.promise, comment_id=step.comment_id, sent_at=step.sent_at
            )
            if created:
                opened.append(obligation.id)
        elif isinstance(step, TicketSolved):
            follow_up = ledger.open_follow_up(ticket, solved_at=step.at, peak_stage=step.peak_stage)
            if follow_up is not None and follow_up[1]:
                opened.append(follow_up[0].id)
    return opened, settled
