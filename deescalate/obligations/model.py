"""Obligations: promises to keep (follow-through) and checks to make (follow-up)."""

from __future__ import annotations

import enum
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "Obligation",
    "ObligationEvent",
    "ObligationKind",
    "ObligationState",
    "Task",
    "obligation_key",
]


class ObligationKind(enum.StrEnum):
    """taxonomy.md section 5."""

    FOLLOW_THROUGH = "follow-through"
    FOLLOW_UP = "follow-up"


class ObligationState(enum.StrEnum):
    """Where an obligation stands; ``kept``, ``broken`` and ``cancelled`` are final."""

    OPEN = "open"
    REMINDED = "reminded"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self in (ObligationState.KEPT, ObligationState.BROKEN, ObligationState.CANCELLED)


class Task(enum.StrEnum):
    """What the worker does when an obligation comes due."""

    REMIND = "remind"  # before a follow-through's due time
    BREAK = "break"  # a follow-through's due time passed without contact
    FOLLOW_UP = "follow-up"  # time to check the solved problem has not come back


@dataclass(frozen=True, slots=True)
class ObligationEvent:
    """One entry of an obligation's history."""

    at: datetime
    kind: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Obligation:
    """A promise to keep or a check to make, with its due time and history.

    ``source`` is the promise's words (follow-through) or ``"solved"`` (follow-up), with the
    promise's span in the agent's reply and that reply's comment id. ``next_task`` and
    ``next_action_at`` say what the worker does next, and when; ``outcome`` is ``recurred`` when
    a follow-up hears the problem is back. ``owner`` says who owes a follow-through (the
    promise's owner: ``agent``, ``team`` or ``third-party``); the team keeps it either way.
    """

    id: str
    key: str
    kind: ObligationKind
    ticket: str
    source: str
    due_at: datetime
    state: ObligationState = ObligationState.OPEN
    action: str | None = None
    comment_id: str | None = None
    span: tuple[int, int] | None = None
    remind_at: datetime | None = None
    next_task: Task | None = None
    next_action_at: datetime | None = None
    outcome: str | None = None
    created_at: datetime | None = None
    history: tuple[ObligationEvent, ...] = field(default=())
    owner: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "ticket": self.ticket,
            "state": self.state.value,
            "action": self.action,
            "owner": self.owner,
            "source": self.source,
            "comment_id": self.comment_id,
            "span": list(self.span) if self.span else None,
            "due_at": self.due_at.isoformat(),
            "remind_at": self.remind_at.isoformat() if self.remind_at else None,
            "next_task": self.next_task.value if self.next_task else None,
            "next_action_at": self.next_action_at.isoformat() if self.next_action_at else None,
            "outcome": self.outcome,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "history": [
                {"at": e.at.isoformat(), "kind": e.kind, "detail": e.detail} for e in self.history
            ],
        }


@dataclass(frozen=True, slots=True)
class Transition:
    """A change of state with the event that explains it and what the worker does next."""

    state: ObligationState
    event: str
    detail: str = ""
    next_task: Task | None = None
    next_action_at: datetime | None = None
    outcome: str | None = None


def new_id() -> str:
    """A random obligation id."""
    return uuid.uuid4().hex


def obligation_key(kind: ObligationKind, ticket: str, *parts: object) -> str:
    """A stable key: the same promise seen twice gives the same key (one obligation)."""
    raw = "\x1f".join([kind.value, ticket, *(str(p) for p in parts)])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]
