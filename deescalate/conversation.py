"""A ticket's conversation: customer and agent messages in order, and what they add up to."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from deescalate.assessment import Assessment, assess
from deescalate.errors import InputError
from deescalate.stages import Stage

__all__ = ["Conversation", "ConversationSummary", "Message", "Role", "Trend", "summarize"]


class Role(enum.StrEnum):
    """Who wrote a message."""

    CUSTOMER = "customer"
    AGENT = "agent"

    def __str__(self) -> str:
        return self.value


class Trend(enum.StrEnum):
    """Where the customer's stage is heading."""

    ESCALATING = "escalating"
    STEADY = "steady"
    DE_ESCALATING = "de-escalating"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Message:
    """One message of a conversation; ``public`` is false for internal notes."""

    role: Role
    text: str
    at: datetime | None = None
    public: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.role, Role):
            try:
                object.__setattr__(self, "role", Role(self.role))
            except ValueError as exc:
                raise InputError(f"unknown role {self.role!r}: use 'customer' or 'agent'") from exc
        if not isinstance(self.text, str):
            raise InputError(f"message text must be a string, not {type(self.text).__name__}")


@dataclass(frozen=True, slots=True)
class Conversation:
    """The messages of one ticket in the order they were written."""

    messages: tuple[Message, ...] = ()
    customer_name: str | None = None
    agent_name: str | None = None

    @classmethod
    def of(
        cls, messages: Iterable[Message | tuple[str, str]], **details: str | None
    ) -> Conversation:
        """Build a conversation from messages or ``(role, text)`` pairs."""
        built = tuple(m if isinstance(m, Message) else Message(Role(m[0]), m[1]) for m in messages)
        return cls(built, **details)

    def customer_messages(self) -> list[Message]:
        return [m for m in self.messages if m.role is Role.CUSTOMER]

    def agent_replies(self) -> list[Message]:
        """The agent's public replies (internal notes are not seen by the customer)."""
        return [m for m in self.messages if m.role is Role.AGENT and m.public]


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """What a conversation adds up to at its latest message."""

    assessments: tuple[tuple[int, Assessment], ...]
    current_stage: Stage
    peak_stage: Stage
    trend: Trend
    steps_shown: frozenset[str] = field(default_factory=frozenset)
    next_step: str = "solve"
    reason: str = ""


def summarize(conversation: Conversation | Sequence[Message]) -> ConversationSummary:
    """Assess every customer message and summarize the conversation's state."""
    messages = (
        conversation.messages if isinstance(conversation, Conversation) else tuple(conversation)
    )
    assessed = tuple((i, assess(m.text)) for i, m in enumerate(messages) if m.role is Role.CUSTOMER)
    stages = [a.stage for _, a in assessed] or [Stage.CALM]
    trend = Trend.STEADY
    if len(stages) >= 2 and stages[-1] != stages[-2]:
        trend = Trend.ESCALATING if stages[-1] > stages[-2] else Trend.DE_ESCALATING
    return ConversationSummary(assessed, stages[-1], max(stages), trend)
