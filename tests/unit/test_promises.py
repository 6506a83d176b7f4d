"""Promises and their due times: taxonomy.md sections 5 and 6 as tests."""

from __future__ import annotations

from datetime import datetime

import pytest

from deescalate import BusinessCalendar, UnknownTimeZoneError, find_promises
from deescalate.calendar import zone

TZ = "Europe/Berlin"
MONDAY_10 = datetime(2026, 3, 2, 10, 0)  # a Monday, 10:00 in Berlin


def due(text: str, sent: datetime = MONDAY_10, tz: str = TZ) -> str | None:
    (promise,) = find_promises(text, sent, tz)
    return promise.due_at.strftime("%Y-%m-%d %H:%M") if promise.due_at else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a clock time: that time on the day named, else the day it was sent
        ("I'll call you back at 3 pm.", "2026-03-02 15:00"),
        ("I'll call you back by 3pm.", "2026-03-02 15:00"),
        ("I'll call you before 15:00.", "2026-03-02 15:00"),
        ("I'll call you back at 3:30pm.", "2026-03-02 15:30"),
        ("I'll call you tomorrow at 11 am.", "2026-03-03 11:00"),
        # ... and if that time has passed on the day it was sent, the next business day
        ("I'll call you back at 9 am.", "2026-03-03 09:00"),
        # a day without a time: end of business on that day
        ("We'll send the replacement tomorrow.", "2026-03-03 17:00"),
        ("We'll update you on Thursday.", "2026-03-05 17:00"),
        ("We'll update you by Fri.", "2026-03-06 17:00"),
        ("We'll ship it on March 9.", "2026-03-09 17:00"),
        ("We'll ship it on 3/9.", "2026-03-09 17:00"),
        # today, later today, this afternoon, end of day, EOD, close of business
        ("I'll update you today.", "2026-03-02 17:00"),
        ("I'll update you later today.", "2026-03-02 17:00"),
        ("I'll email you this afternoon.", "2026-03-02 17:00"),
        ("I'll update you by end of day.", "2026-03-02 17:00"),
        ("I'll update you by EOD.", "2026-03-02 17:00"),
        ("I'll update you by close of business.", "2026-03-02 17:00"),
        # this morning, tomorrow morning: 12:00 that day
        ("I'll call you tomorrow morning.", "2026-03-03 12:00"),
        # tomorrow afternoon: end of business that day
        ("I'll call you tomorrow afternoon.", "2026-03-03 17:00"),
        # tonight, this evening, tomorrow evening: 20:00
        ("I'll email you tonight.", "2026-03-02 20:00"),
        ("I'll email you this evening.", "2026-03-02 20:00"),
        ("I'll email you tomorrow evening.", "2026-03-03 20:00"),
        # first thing: one hour after opening
        ("I'll call you first thing tomorrow.", "2026-03-03 10:00"),
        ("I'll call you first thing Monday.", "2026-03-09 10:00"),
        # a duration: elapsed time
        ("I'll get back to you in 2 hours.", "2026-03-02 12:00"),
        ("I'll get back to you within 24h.", "2026-03-03 10:00"),
        ("I'll get back to you within the hour.", "2026-03-02 11:00"),
        ("I'll get back to you in a couple of hours.", "2026-03-02 12:00"),
        # business days: end of business on the Nth business day after
        ("We'll refund you within 2 business days.", "2026-03-04 17:00"),
        ("We'll refund you in 3 working days.", "2026-03-05 17:00"),
        # next week: end of business on the last business day of next week
        ("We'll update you next week.", "2026-03-13 17:00"),
    ],
)
def test_due_times_follow_the_taxonomy(text: str, expected: str) -> None:
    """Each row of taxonomy.md section 6 resolves as it says."""
    assert due(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'll get back to you shortly.",
        "We'll be in touch soon.",
        "I'll call you asap.",
        "I'll get back to you.",
    ],
)
def test_vague_or_missing_times_have_no_due(text: str) -> None:
    """Shortly, soon, asap or no time at all: no stated due time."""
    assert due(text) is None


def test_today_after_closing_is_late_evening() -> None:
    """'Today' said after closing time is due at 23:59 that day."""
    assert due("I'll update you today.", datetime(2026, 3, 2, 18, 0)) == "2026-03-02 23:59"


def test_today_on_a_weekend_is_late_evening() -> None:
    """'Today' on a Saturday (not a business day) is due at 23:59."""
    assert due("I'll update you today.", datetime(2026, 3, 7, 11, 0)) == "2026-03-07 23:59"


def test_passed_clock_time_on_friday_moves_to_monday() -> None:
    """A clock time already past on Friday is due that time on Monday."""
    assert due("I'll call you at 9 am.", datetime(2026, 3, 6, 16, 0)) == "2026-03-09 09:00"


def test_duration_across_spring_forward_is_elapsed_time() -> None:
    """24 hours across the March change in Berlin is 24 real hours (25:00 wall clock later)."""
    sent = datetime(2026, 3, 28, 10, 0)
    (promise,) = find_promises("I'll get back to you within 24 hours.", sent, TZ)
    assert promise.due_at is not None
    assert promise.due_at.strftime("%Y-%m-%d %H:%M %z") == "2026-03-29 11:00 +0200"
    sent_aware = sent.replace(tzinfo=zone(TZ))
    # Same-zone subtraction in Python is wall-clock; compare instants in UTC.
    elapsed = promise.due_at.astimezone(zone("UTC")) - sent_aware.astimezone(zone("UTC"))
    assert elapsed.total_seconds() == 24 * 3600


def test_aware_sent_at_is_converted_to_the_zone() -> None:
    """An aware sent_at is read in the promise maker's zone."""
    sent = datetime(2026, 3, 2, 9, 0, tzinfo=zone("UTC"))  # 10:00 in Berlin
    (promise,) = find_promises("I'll call you back at 3 pm.", sent, TZ)
    assert promise.due_at is not None
    assert promise.due_at.hour == 15
    assert promise.due_at.tzinfo is not None


def test_holiday_calendar_moves_next_business_day() -> None:
    """Business days skip holidays of the calendar given."""
    calendar = BusinessCalendar.standard(TZ, country="DE")
    sent = datetime(2026, 12, 23, 10, 0)
    (promise,) = find_promises("We'll refund you within 2 business days.", sent, TZ, calendar)
    assert promise.due_at is not None
    assert promise.due_at.strftime("%Y-%m-%d") == "2026-12-28"


def test_day_first_numeric_dates() -> None:
    """day_first reads 3/4 as 3 April."""
    (promise,) = find_promises("We'll ship it on 3/4.", MONDAY_10, TZ, day_first=True)
    assert promise.due_at is not None
    assert (promise.due_at.month, promise.due_at.day) == (4, 3)


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("I'll call you back tomorrow.", "callback"),
        ("We'll keep you posted.", "update"),
        ("We'll send you a prepaid label.", "send"),
        ("I'll look into this for you.", "investigate"),
        ("Our engineer will visit on Thursday.", "visit"),
        ("You'll receive a refund within 5 business days.", "send"),
        ("I'll pass this to a specialist who will call you today.", "callback"),
        ("We've got your DM and will follow up there.", "callback"),
    ],
)
def test_promise_actions(text: str, action: str) -> None:
    """Each promise is classified by its action."""
    promises = find_promises(text, MONDAY_10, TZ)
    assert [p.action for p in promises] == [action]


@pytest.mark.parametrize(
    "text",
    [
        "Would you like me to call you back?",
        "DM us your number and we'll call you.",
        "If you DM us we can help.",
        "Could you send us your order number? We'll take a look.",
        "I'll pass this on to the team.",
        "I called the courier this morning.",
        "Your order shipped Monday.",
        "Our office closes at 5pm.",
        "May I ask for your order number?",
        "Online ordering will be back tomorrow.",
        "I will not be able to call you.",
        "Do you have a car?",
    ],
)
def test_non_promises(text: str) -> None:
    """Offers, questions, conditionals, relayed feedback, past actions and facts are not promises."""
    assert find_promises(text, MONDAY_10, TZ) == []


def test_promise_spans_point_into_the_text() -> None:
    """Each promise's text is the reply at its span; two clauses give two promises."""
    text = "Thanks! I'll call you back by 3pm tomorrow, and we will email the label today."
    promises = find_promises(text, MONDAY_10, TZ)
    assert [p.action for p in promises] == ["callback", "send"]
    for promise in promises:
        assert text[promise.start : promise.end] == promise.text
    assert promises[0].time_text == "by 3pm tomorrow"


def test_unknown_time_zone_is_refused() -> None:
    """An unknown tz raises UnknownTimeZoneError."""
    with pytest.raises(UnknownTimeZoneError):
        find_promises("I'll call you.", MONDAY_10, "Nowhere/Atlantis")
