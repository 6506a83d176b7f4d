"""The conversation tracker: stages over time, the trend, the steps shown and the next step."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deescalate import Conversation, InputError, Message, Role, Stage, Trend, summarize


def conv(*pairs: tuple[str, str]) -> Conversation:
    return Conversation.of(list(pairs))


def test_current_and_peak_stage() -> None:
    """Current is the latest customer message's stage; peak the highest so far."""
    summary = summarize(
        conv(
            ("customer", "This is unacceptable, I'm furious about the missing refund!!"),
            ("agent", "I'm so sorry, I understand. I'll process the refund today."),
            ("customer", "Thanks, that really helped."),
        )
    )
    assert summary.peak_stage >= Stage.ANGRY
    assert summary.current_stage is Stage.CALM
    assert summary.trend is Trend.DE_ESCALATING
    assert [index for index, _ in summary.assessments] == [0, 2]


def test_rising_stage_is_escalating() -> None:
    """A higher stage than the previous customer message escalates."""
    summary = summarize(
        conv(
            ("customer", "Where is my order?"),
            ("agent", "Let me check."),
            ("customer", "I'm really disappointed, it's a week late."),
        )
    )
    assert summary.trend is Trend.ESCALATING


def test_repeating_after_a_reply_is_escalating_even_when_mild() -> None:
    """The customer restating their problem after an answer means they feel unheard."""
    summary = summarize(
        conv(
            ("customer", "My March invoice shows the wrong amount for the premium plan."),
            ("agent", "Thanks! Have you tried logging out and in again?"),
            ("customer", "The March invoice has the wrong amount for the premium plan."),
        )
    )
    assert summary.repeated
    assert summary.current_stage <= Stage.FRUSTRATED
    assert summary.trend is Trend.ESCALATING
    assert summary.next_step == "listen-actively"


def test_saying_not_heard_is_escalating() -> None:
    """'You're not listening' after a reply escalates and calls for active listening."""
    summary = summarize(
        conv(
            ("customer", "The app crashes."),
            ("agent", "Please reinstall it."),
            ("customer", "You're not listening, I did that."),
        )
    )
    assert summary.feels_unheard
    assert summary.trend is Trend.ESCALATING
    assert summary.next_step == "listen-actively"


def test_angry_and_unacknowledged_gets_acknowledge_first() -> None:
    """An angry customer who has not been acknowledged: acknowledge before solving."""
    summary = summarize(
        conv(("customer", "This is ridiculous, you people lost my parcel. Unacceptable!"))
    )
    assert summary.next_step == "acknowledge"
    assert summary.reason.startswith(summary.current_stage.value)
    assert "acknowledge" in summary.reason


def test_steps_shown_come_from_public_agent_replies() -> None:
    """Internal notes do not count as playbook steps shown to the customer."""
    messages = [
        Message(Role.CUSTOMER, "I'm really upset, the sofa arrived ripped."),
        Message(Role.AGENT, "I'm so sorry, I understand how upsetting this is.", public=False),
    ]
    assert summarize(messages).steps_shown == frozenset()
    messages[1] = Message(Role.AGENT, "I'm so sorry, I understand how upsetting this is.")
    assert {"apologize", "acknowledge"} <= summarize(messages).steps_shown


def test_handoff_request_is_the_next_step() -> None:
    """Asking for a manager makes handoff the next step."""
    summary = summarize(conv(("customer", "Get me your supervisor now.")))
    assert summary.next_step == "handoff"


def test_no_customer_message_yet() -> None:
    """A conversation with no customer message is calm and steady."""
    summary = summarize(conv(("agent", "Hello! How can I help?")))
    assert summary.current_stage is Stage.CALM
    assert summary.trend is Trend.STEADY


def test_messages_validate_their_role() -> None:
    """An unknown role is an input error; role strings are accepted."""
    assert Message("customer", "hi").role is Role.CUSTOMER  # type: ignore[arg-type]
    with pytest.raises(InputError, match="robot"):
        Message("robot", "beep")  # type: ignore[arg-type]


def test_summary_to_dict() -> None:
    """The dict form is JSON-ready."""
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    data = summarize([Message(Role.CUSTOMER, "Where is my parcel?", at=at)]).to_dict()
    assert data["current_stage"] == "calm"
    assert data["messages"][0]["index"] == 0
