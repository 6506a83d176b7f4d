"""A ticket's conversation: customer and agent messages in order, and what they add up to."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deescalate.assessment import Assessment, Rater, default_assessor
from deescalate.assessment.result import INCONVENIENCE_SIGNALS
from deescalate.errors import InputError
from deescalate.inconvenience import reports_company_fault
from deescalate.playbook import PlaybookState, advise
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
    """What a conversation adds up to at its latest message.

    ``assessments`` pairs each customer message's index with its assessment. ``steps_shown`` are
    the step evidence (``acknowledge``, ``apologize``, ``restate``, ``next-step``) the agent's
    public replies have shown since the customer reached the current stage; ``next_step`` is the
    playbook's next step (``listen-actively``, ``acknowledge``, ``restate``, ``solve``, or
    ``handoff`` when the customer asks for someone else; see :mod:`deescalate.playbook`) and
    ``reason`` says why in one line. ``playbook`` is the state the playbook was read for.
    """

    assessments: tuple[tuple[int, Assessment], ...]
    current_stage: Stage
    peak_stage: Stage
    trend: Trend
    steps_shown: frozenset[str] = field(default_factory=frozenset)
    next_step: str = "solve"
    reason: str = ""
    repeated: bool = False
    feels_unheard: bool = False
    playbook: PlaybookState = field(default_factory=lambda: PlaybookState(Stage.CALM))

    def to_dict(self) -> dict[str, Any]:
        return {
            "current_stage": self.current_stage.value,
            "peak_stage": self.peak_stage.value,
            "trend": self.trend.value,
            "steps_shown": sorted(self.steps_shown),
            "next_step": self.next_step,
            "reason": self.reason,
            "repeated": self.repeated,
            "feels_unheard": self.feels_unheard,
            "messages": [{"index": i, **a.to_dict()} for i, a in self.assessments],
        }


_BROKEN_PROMISE = "broken-promise"
_REPEAT_OVERLAP = 0.5
_STOP = frozenset(
    "i me my you your we our it is are was were the a an and or but to of in on for with this that "
    "have has had be been do does did not no so just please hi hello thanks thank".split()
)


def summarize(
    conversation: Conversation | Sequence[Message], *, assessor: Rater | None = None
) -> ConversationSummary:
    """Assess every customer message and summarize where the conversation stands.

    A customer who repeats an earlier message after an agent reply, or says they are not being
    heard, makes the trend ``escalating`` even when each message alone is mild. ``assessor``
    rates the customer's messages (the default assessor when ``None``); the next step comes from
    :func:`deescalate.playbook.advise`.
    """
    from deescalate.steps import steps_shown

    messages = (
        conversation.messages if isinstance(conversation, Conversation) else tuple(conversation)
    )
    rater = default_assessor() if assessor is None else assessor
    assessed = tuple(
        (i, rater.assess(m.text)) for i, m in enumerate(messages) if m.role is Role.CUSTOMER
    )
    if not assessed:
        return ConversationSummary(
            (), Stage.CALM, Stage.CALM, Trend.STEADY, reason="no customer message yet"
        )
    stages = [a.stage for _, a in assessed]
    latest_index, latest = assessed[-1]
    repeated = _repeats_after_reply(messages, latest_index)
    unheard = "feels-unheard" in latest.codes and _agent_replied_before(messages, latest_index)
    trend = Trend.STEADY
    if len(stages) >= 2 and stages[-1] > stages[-2]:
        trend = Trend.ESCALATING
    elif len(stages) >= 2 and stages[-1] < stages[-2]:
        trend = Trend.DE_ESCALATING
    if repeated or unheard:
        trend = Trend.ESCALATING
    since = _escalation_point(assessed)
    shown = frozenset().union(
        *(
            steps_shown(m.text)
            for i, m in enumerate(messages)
            if i > since and m.role is Role.AGENT and m.public
        )
    )
    state = PlaybookState.from_evidence(
        latest.stage,
        shown,
        inconvenienced=bool(latest.codes & INCONVENIENCE_SIGNALS)
        or reports_company_fault(messages[latest_index].text),
        repeated=repeated,
        unheard=unheard,
        promise_broken=any(_BROKEN_PROMISE in a.codes for _, a in assessed),
        wants_handoff=latest.wants_handoff,
    )
    advice = advise(state)
    return ConversationSummary(
        assessments=assessed,
        current_stage=latest.stage,
        peak_stage=max(stages),
        trend=trend,
        steps_shown=shown,
        next_step=advice.action,
        reason=advice.reason,
        repeated=repeated,
        feels_unheard=unheard,
        playbook=state,
    )


def _agent_replied_before(messages: Sequence[Message], index: int) -> bool:
    return any(m.role is Role.AGENT and m.public for m in messages[:index])


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9']+", text.lower()) if w not in _STOP and len(w) > 2}


def _repeats_after_reply(messages: Sequence[Message], index: int) -> bool:
    """The customer message at ``index`` restates an earlier customer message an agent answered."""
    words = _content_words(messages[index].text)
    if len(words) < 3:
        return False
    replied = False
    for earlier in reversed(messages[:index]):
        if earlier.role is Role.AGENT and earlier.public:
            replied = True
        elif earlier.role is Role.CUSTOMER and replied:
            other = _content_words(earlier.text)
            if other and len(words & other) / min(len(words), len(other)) >= _REPEAT_OVERLAP:
                return True
    return False


def _escalation_point(assessed: tuple[tuple[int, Assessment], ...]) -> int:
    """The message index where the customer first reached the latest stage in its current run."""
    latest_stage = assessed[-1][1].stage
    point = assessed[-1][0]
    for index, assessment in reversed(assessed):
        if assessment.stage < latest_stage:
            break
        point = index
    return point - 1
