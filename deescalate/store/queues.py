"""The inbox and the outbox: durable queues between the webhook, the pipeline and the helpdesk.

* The **inbox** holds verified webhook deliveries until the pipeline has handled them. A sender
  that retries a delivery (same system, same delivery id) adds nothing the second time.
* The **outbox** holds helpdesk writes (one :class:`~deescalate.helpdesk.TicketChange` each)
  until the helpdesk has accepted them; its idempotency key is the one the write is sent with.

An entry is ``pending`` until it is ``done``, or ``failed`` (parked) after too many failures,
until an operator requeues it. Both queues are claimed under leases, oldest first and in order
per ticket: an entry is never handed out while an earlier pending entry of its ticket exists.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from deescalate.helpdesk import Delivery, TicketChange

__all__ = ["EntryState", "InboxEntry", "OutboxEntry"]


class EntryState(enum.StrEnum):
    """Where an inbox or outbox entry stands."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """A webhook delivery waiting for (or handled by) the pipeline.

    ``ticket`` is the ticket the delivery is about when the receiver could tell (entries of one
    ticket are handled in order; ``None`` entries are independent). ``last_error`` is a short
    message, never customer text.
    """

    seq: int
    delivery: Delivery
    ticket: str | None
    state: EntryState
    attempts: int
    next_try_at: datetime
    last_error: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A helpdesk write waiting to be applied (or applied) with its idempotency ``key``."""

    seq: int
    key: str
    ticket: str
    change: TicketChange
    state: EntryState
    attempts: int
    next_try_at: datetime
    last_error: str | None
    created_at: datetime
    updated_at: datetime
