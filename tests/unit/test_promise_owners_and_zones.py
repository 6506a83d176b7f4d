"""Company commitments as promises (who owes them), the missed families, and named time zones."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from deescalate import UnknownTimeZoneError, find_promises
from deescalate.promises import PROMISE_OWNERS, Promise

TZ = "Europe/Berlin"
MONDAY_10 = datetime(2026, 3, 2, 10, 0)  # a Monday, 10:00 in Berlin (UTC+1)


def only(text: str, tz: str = TZ, customer_tz: str | None = None) -> Promise:
    (promise,) = find_promises(text, MONDAY_10, tz, customer_tz=customer_tz)
    return promise


def local(promise: Promise, tz: str = TZ) -> str:
    assert promise.due_at is not None
    return promise.due_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("I'll call you back this afternoon.", "agent"),
        ("We will email you the invoice.", "agent"),
        ("Our billing team will email you the invoice.", "team"),
        ("Someone from that team will get back to you soon.", "team"),
        ("An engineer will visit tomorrow afternoon.", "team"),
        ("A member of our social care team will follow up with you.", "team"),
        ("I've raised it with a colleague; she'll reply by Thursday.", "team"),
        ("Your replacement will be delivered by the 13th.", "third-party"),
        ("The courier will drop it off tomorrow.", "third-party"),
        ("Your refund will be processed within 3 working days.", "team"),
    ],
)
def test_each_promise_names_who_owes_it(text: str, owner: str) -> None:
    """The owner is the writer, a team of the company, or a third party acting for it."""
    promise = only(text)
    assert promise.owner == owner
    assert promise.owner in PROMISE_OWNERS


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("I'll call you on your mobile, the number ending 42.", "callback"),
        ("I'll give you a call at the number on your account.", "callback"),
        ("Our escalations team will be in touch ASAP.", "callback"),
        ("We'll be reaching out to you by email.", "callback"),
        ("I'll DM you now so we can sort this out privately.", "callback"),
        ("We'll get that sent out today!", "send"),
        ("We'll have this fixed by noon.", "investigate"),
    ],
)
def test_missed_families_are_promises(text: str, action: str) -> None:
    """Calls with where but not when, hand-offs with a time word, private channels, done-forms."""
    assert only(text).action == action


@pytest.mark.parametrize(
    "text",
    [
        "DM us and we'll help you out.",
        "We'll refund you within 5 business days of receiving your receipts.",
        "I can't promise anything, but we'll try to get it to you sooner.",
        "We can't guarantee it, but we'll try to call you tomorrow.",
    ],
)
def test_conditionals_and_hedges_are_not_promises(text: str) -> None:
    """A promise waiting on the customer, or hedged as a try, opens nothing."""
    assert find_promises(text, MONDAY_10, TZ) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'll call you back by noon.", "2026-03-02 12:00"),
        ("I'll send the label before noon tomorrow.", "2026-03-03 12:00"),
        ("I'll call you at 4 this afternoon.", "2026-03-02 16:00"),
        ("She'll reply by close of business Thursday.", "2026-03-05 17:00"),
        ("Your replacement will be delivered by the 13th.", "2026-03-13 17:00"),
        ("I'll update you in the next hour.", "2026-03-02 11:00"),
        ("A new technician will visit on Thursday morning.", "2026-03-05 12:00"),
        ("We're closed on Sunday, but I'll phone you first thing Tuesday.", "2026-03-03 10:00"),
    ],
)
def test_everyday_due_times(text: str, expected: str) -> None:
    """Noon, a bare hour with the part of the day, a named weekday's close, a day of the month."""
    assert local(only(text)) == expected


def test_a_time_in_another_sentence_is_not_the_promises() -> None:
    """Opening hours or a holiday in another sentence leave the promise without a due time."""
    text = "Our offices are closed Friday for the holiday. We open at 9am. I'll email you the form."
    assert only(text).due_at is None


def test_two_timed_actions_in_one_sentence_are_two_promises() -> None:
    """A second action sharing the subject, with its own time, is its own obligation."""
    text = "I'll refund the fee today and send a confirmation email by Friday."
    first, second = find_promises(text, MONDAY_10, TZ)
    assert (local(first), local(second)) == ("2026-03-02 17:00", "2026-03-06 17:00")


def test_one_time_for_two_actions_is_one_promise() -> None:
    """'Look into it and get back to you by EOD' is one commitment."""
    (promise,) = find_promises(
        "Our tech team will look into it and get back to you by EOD.", MONDAY_10, TZ
    )
    assert local(promise) == "2026-03-02 17:00"


def test_an_abbreviated_zone_is_honoured() -> None:
    """'Tomorrow at 9am PST' from Berlin is 09:00 in Los Angeles, 18:00 in Berlin."""
    promise = only("I'll call you tomorrow at 9am PST.")
    assert local(promise, "America/Los_Angeles") == "2026-03-03 09:00"
    assert local(promise) == "2026-03-03 18:00"


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("I'll call you at 10am Eastern tomorrow.", "America/New_York", "2026-03-03 10:00"),
        ("I'll call you at 3pm (CET) tomorrow.", "Europe/Berlin", "2026-03-03 15:00"),
        ("We'll email you by 11am Central time tomorrow.", "America/Chicago", "2026-03-03 11:00"),
        ("I'll call you at 4pm UK time tomorrow.", "Europe/London", "2026-03-03 16:00"),
    ],
)
def test_named_zones_are_honoured(text: str, zone: str, expected: str) -> None:
    """Zone names and abbreviations after a clock time set the clock's zone."""
    assert local(only(text), zone) == expected


def test_your_time_uses_the_customers_zone() -> None:
    """'5pm your time' is 17:00 where the customer is, given in the agent's zone."""
    promise = only("I'll send the quote by 5pm your time today.", customer_tz="America/New_York")
    assert local(promise, "America/New_York") == "2026-03-02 17:00"
    assert local(promise) == "2026-03-02 23:00"


def test_your_time_without_the_customers_zone_is_the_agents() -> None:
    """With no customer zone known, 'your time' falls back to the promise maker's zone."""
    assert local(only("I'll send the quote by 5pm your time today.")) == "2026-03-02 17:00"


def test_a_signature_is_not_a_zone() -> None:
    """'ET' signing off a tweet does not move a clock time in the sentence before."""
    assert local(only("I'll call you back at 3pm. ET")) == "2026-03-02 15:00"


def test_unknown_customer_zone_is_refused() -> None:
    """A customer zone that does not exist is named in the error."""
    with pytest.raises(UnknownTimeZoneError, match="Mars/Olympus"):
        find_promises("I'll call you.", MONDAY_10, TZ, customer_tz="Mars/Olympus")


def test_owner_is_in_the_dict() -> None:
    """to_dict carries the owner for the CLI's JSON."""
    assert only("Our billing team will email you.").to_dict()["owner"] == "team"
