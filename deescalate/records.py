"""What the running system remembers about each message it planned, for the report.

The pipeline records one :class:`MessageRecord` per customer message and per public agent reply
(the inbox stores them with the plan's other writes, in the same transaction). A record keeps
figures, not conversations: the stage the customer's message left the ticket at and its signal
codes, or the reply-coach rules an agent reply broke with the few words each flagged (shown only
when a report is asked for ``--examples``). Customer text is never recorded.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from deescalate.stages import Stage

__all__ = ["MessageRecord", "MessageRole"]


class MessageRole(enum.StrEnum):
    """Who wrote a recorded message."""

    CUSTOMER = "customer"
    AGENT = "agent"


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One planned message: where, when, who, and what the pipeline found in it.

    ``stage`` is the ticket's stage after a customer message (the stage it is tagged with), None
    for an agent reply. ``agent`` is the agent it concerns: the reply's author, or for a customer
    message the ticket's assignee, when the helpdesk says. ``codes`` are the customer message's
    signal codes, or the rules the reply coach found in an agent reply; ``quotes`` pair with the
    rules (the agent's flagged words) and are empty for customer messages. A message is recorded
    once: ``(ticket, comment_id)`` is its key.
    """

    ticket: str
    comment_id: str
    at: datetime
    role: MessageRole
    stage: Stage | None = None
    agent: str | None = None
    codes: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()
