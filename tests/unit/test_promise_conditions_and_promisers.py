"""Conditionals on the customer's situation, writing or messaging the customer, and a second
promiser in one sentence."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from deescalate import find_promises
from deescalate.promises import Promise

TZ = "Europe/London"
MONDAY_10 = datetime(2026, 3, 2, 10, 0)  # a Monday, 10:00 in London


def promises(text: str) -> list[Promise]:
    return find_promises(text, MONDAY_10, TZ)


def local(promise: Promise) -> str | None:
    if promise.due_at is None:
        return None
    return promise.due_at.astimezone(ZoneInfo(TZ)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    "text",
    [
        "If the app still crashes after the update, we'll dig deeper.",
        "If it happens again, we'll replace the unit.",
        "Should the fault return, we will book a technician visit.",
        "Unless the issue clears up by tomorrow, we'll escalate it.",
        "In the event that the delivery is missed again, we'll arrange a collection.",
        "In case the code fails again, you'll receive a new one.",
        "If the item is faulty, your refund will be processed within 5 days.",
        "Sorry to hear that; if that still doesn't work, we'll get an engineer to call you.",
    ],
)
def test_a_condition_before_the_promise_makes_it_conditional(text: str) -> None:
    """A commitment after 'if', 'should', 'unless' or 'in case' in its clause opens nothing."""
    assert promises(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "We'll send a new one if the replacement is also faulty.",
        "We'll replace the router if the lights keep flashing.",
        "I'll call you tomorrow if you still need help.",
    ],
)
def test_a_condition_after_the_promise_makes_it_conditional(text: str) -> None:
    """'We'll send a new one if it fails again' waits on how things turn out."""
    assert promises(text) == []


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("I'll call you tomorrow at 11am if that works for you.", "2026-03-03 11:00"),
        ("If that's OK with you, I'll call you at 3pm.", "2026-03-02 15:00"),
        ("If possible, I'll call you before noon.", "2026-03-02 12:00"),
        ("I'll call you at 3pm even if the report isn't ready.", "2026-03-02 15:00"),
        ("I'll check if the part is in stock and get back to you today.", "2026-03-02 17:00"),
        ("Sorry if this was confusing; I'll call you at 3pm.", "2026-03-02 15:00"),
    ],
)
def test_a_courtesy_or_whether_is_no_condition(text: str, due: str) -> None:
    """'If that works for you', 'if possible', 'even if' and 'check if' leave the promise."""
    (promise,) = promises(text)
    assert local(promise) == due


def test_a_condition_leading_to_a_later_promise_leaves_the_first() -> None:
    """'I'll ship it today, and if it doesn't fit by Friday, we'll swap it' keeps today's."""
    (promise,) = promises("I'll ship it today, and if it doesn't fit by Friday, we'll swap it.")
    assert (promise.action, local(promise)) == ("send", "2026-03-02 17:00")


def test_a_condition_in_the_next_clause_leaves_the_first() -> None:
    """A condition after a semicolon belongs to the promise after it."""
    (promise,) = promises("I'll send it over today; if it doesn't arrive, we'll resend it Friday.")
    assert local(promise) == "2026-03-02 17:00"


@pytest.mark.parametrize(
    ("text", "action", "owner"),
    [
        ("Our complaints team will write to you with the outcome.", "send", "team"),
        ("We'll drop you an email with the tracking number.", "send", "agent"),
        ("I'll shoot you a quick email.", "send", "agent"),
        ("I'll drop you a line.", "callback", "agent"),
        ("I'll shoot you a DM shortly.", "callback", "agent"),
        ("I'll send you a message there.", "callback", "agent"),
        ("I'll message you privately.", "callback", "agent"),
        ("We will write back within 48 hours.", "callback", "agent"),
        ("Our shipping team will text you with a slot.", "callback", "team"),
        ("Someone from our team will ping you.", "callback", "team"),
    ],
)
def test_writing_or_messaging_the_customer_is_a_promise(text: str, action: str, owner: str) -> None:
    """'Write to you', 'drop you an email', 'message you', 'text you', 'ping you'."""
    (promise,) = promises(text)
    assert (promise.action, promise.owner) == (action, owner)


def test_sending_it_to_the_customer_is_not_relaying() -> None:
    """'I'll send it to you today' is a promise; 'I'll forward this to our team' is not."""
    (promise,) = promises("I'll send it to you today.")
    assert promise.action == "send"
    assert promises("I'll forward this to our billing team.") == []


@pytest.mark.parametrize(
    "text",
    [
        "I'll forward this feedback for you.",
        "I'll share your kind comments with the team.",
        "We'll pass on all your suggestions.",
    ],
)
def test_relaying_feedback_is_not_a_promise(text: str) -> None:
    """Feedback sent on, whoever's words it is in ('this feedback', 'your comments')."""
    assert promises(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I'll order the part and a technician will fit it next week.",
            [("send", "agent", None), ("visit", "team", "2026-03-13 17:00")],
        ),
        (
            "We'll refund the postage today and the courier will collect the parcel on Thursday.",
            [("send", "agent", "2026-03-02 17:00"), ("visit", "third-party", "2026-03-05 17:00")],
        ),
        (
            "I'll escalate this and a manager will be in touch by end of day.",
            [("investigate", "agent", None), ("callback", "team", "2026-03-02 17:00")],
        ),
    ],
)
def test_a_second_promiser_is_a_second_obligation(
    text: str, expected: list[tuple[str, str, str | None]]
) -> None:
    """Two promisers in one sentence are two promises, each with its own owner and time."""
    assert [(p.action, p.owner, local(p)) for p in promises(text)] == expected


def test_a_time_after_another_subject_is_not_the_promises() -> None:
    """'... and the new tariff will start on Friday' does not move the refund to Friday."""
    (promise,) = promises("I'll refund the fee today and the new tariff will start on Friday.")
    assert local(promise) == "2026-03-02 17:00"


@pytest.mark.parametrize(
    "text",
    [
        "I'll call you, if it fails " * 4000,
        "if it fails again, we'll call you " * 3000,
        "I'll call you and the team will " * 3200,
        "I'll check with the team if " * 3600,
        ", and it will " * 7000,
    ],
)
def test_long_runs_of_conditions_and_promisers_are_read(text: str) -> None:
    """Texts of 100,000 characters built of conditions and promisers give spans that fit."""
    for promise in find_promises(text + "x", datetime(2026, 3, 2, 10, tzinfo=UTC), "UTC"):
        assert text[promise.start : promise.end] == promise.text
