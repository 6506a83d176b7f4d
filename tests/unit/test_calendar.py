"""Business calendars: opening hours, holidays and daylight saving."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from deescalate import BusinessCalendar, InputError, UnknownTimeZoneError
from deescalate.calendar import zone

BERLIN = BusinessCalendar.standard("Europe/Berlin")


def at(text: str, tz: str = "Europe/Berlin") -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone(tz))


def test_standard_hours_are_weekdays_nine_to_five() -> None:
    """Monday to Friday 09:00-17:00 are open; evenings and weekends are closed."""
    assert BERLIN.is_open(at("2026-03-02T09:00"))
    assert not BERLIN.is_open(at("2026-03-02T17:00"))
    assert not BERLIN.is_open(at("2026-03-07T12:00"))  # Saturday


def test_next_opening_skips_the_weekend() -> None:
    """Friday evening's next opening is Monday 09:00."""
    assert BERLIN.next_opening(at("2026-03-06T18:30")) == at("2026-03-09T09:00")


def test_add_business_minutes_spans_the_night_and_dst() -> None:
    """60 business minutes from Friday 16:30 before the spring change end Monday 09:30 CEST."""
    due = BERLIN.add_business_minutes(at("2026-03-27T16:30"), 60)
    assert due == at("2026-03-30T09:30")
    offset = due.utcoffset()
    assert offset is not None
    assert offset.total_seconds() == 7200


def test_subtract_business_minutes_goes_back_over_closed_time() -> None:
    """An hour of open time before Monday 09:30 is Friday 16:30."""
    assert BERLIN.subtract_business_minutes(at("2026-03-09T09:30"), 60) == at("2026-03-06T16:30")


def test_add_business_days_skips_weekends_and_holidays() -> None:
    """Two business days after Thursday 24 Dec 2026 in Germany is Tuesday 29 Dec."""
    germany = BusinessCalendar.standard("Europe/Berlin", country="DE")
    assert germany.add_business_days(date(2026, 12, 24), 2) == date(2026, 12, 29)
    assert not germany.is_business_day(date(2026, 12, 25))


def test_subdivision_holidays() -> None:
    """Epiphany is a holiday in Bavaria but not in Berlin."""
    bavaria = BusinessCalendar.standard("Europe/Berlin", country="DE", subdivision="BY")
    berlin = BusinessCalendar.standard("Europe/Berlin", country="DE", subdivision="BE")
    assert not bavaria.is_business_day(date(2026, 1, 6))
    assert berlin.is_business_day(date(2026, 1, 6))


def test_explicit_holidays() -> None:
    """Explicit dates close the calendar."""
    calendar = BusinessCalendar.standard("UTC", holidays=frozenset({date(2026, 3, 3)}))
    assert calendar.next_business_day(date(2026, 3, 2)) == date(2026, 3, 4)


def test_end_of_business_follows_local_time_across_dst() -> None:
    """End of business is 17:00 local on both sides of the autumn change in New York."""
    ny = BusinessCalendar.standard("America/New_York")
    before = ny.end_of_business(date(2026, 10, 30))
    after = ny.end_of_business(date(2026, 11, 2))
    assert before is not None
    assert after is not None
    assert before.time() == after.time() == time(17)
    assert before.utcoffset() != after.utcoffset()


def test_clamp_to_open_never_fires_when_closed() -> None:
    """A reminder time at night moves to the next opening."""
    assert BERLIN.clamp_to_open(at("2026-03-03T22:00")) == at("2026-03-04T09:00")
    assert BERLIN.clamp_to_open(at("2026-03-03T10:00")) == at("2026-03-03T10:00")


def test_unknown_time_zone() -> None:
    """An unknown zone name is an UnknownTimeZoneError naming it."""
    with pytest.raises(UnknownTimeZoneError, match="Mars/Olympus"):
        BusinessCalendar.standard("Mars/Olympus")


def test_calendar_without_hours_is_refused() -> None:
    """A calendar that never opens cannot be built."""
    with pytest.raises(InputError, match="opening interval"):
        BusinessCalendar(tz="UTC", hours={})
