"""The Promise value: what the agent committed to, when it is due, and where it was said."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["PROMISE_ACTIONS", "PROMISE_OWNERS", "Promise"]

# taxonomy.md section 5: stable strings.
PROMISE_ACTIONS = ("callback", "update", "send", "investigate", "visit", "other")
# Who owes the promise: the agent writing (I, we), a team or colleague of the company (our billing
# team, a specialist, someone from that team), or a third party acting for it (the courier).
PROMISE_OWNERS = ("agent", "team", "third-party")


@dataclass(frozen=True, slots=True)
class Promise:
    """A first-person commitment to a future action whose result reaches the customer.

    ``due_at`` is an aware datetime resolved by taxonomy.md section 6, or ``None`` when the reply
    states no time; ``time_text`` is the time expression as written ("by 3pm"), if any; ``start``
    and ``end`` are the promise's span in the reply, ``text`` its words; ``owner`` says who owes
    it (one of :data:`PROMISE_OWNERS`).
    """

    action: str
    start: int
    end: int
    text: str
    time_text: str | None = None
    due_at: datetime | None = None
    owner: str = "agent"

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "owner": self.owner,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "time_text": self.time_text,
            "due_at": self.due_at.isoformat() if self.due_at else None,
        }
