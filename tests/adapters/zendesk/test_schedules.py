"""Zendesk business-hours schedules and holidays read into the core's BusinessCalendar."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from deescalate_zendesk import ZendeskHelpdesk
from deescalate_zendesk.schedules import RAILS_TIME_ZONES, from_zendesk_schedule, holiday_dates
from deescalate_zendesk.testing import FakeZendeskServer

from deescalate.calendar import zone
from deescalate.errors import InputError


def at(text: str, tz: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone(tz))


def test_zendesk_schedule_with_rails_time_zone() -> None:
    """Intervals in minutes from Sunday 00:00 and a Rails zone name become a calendar."""
    schedule = {
        "time_zone": "Eastern Time (US & Canada)",
        "intervals": [
            {"start_time": 1980 + 1440 * d, "end_time": 2460 + 1440 * d} for d in range(5)
        ]
        + [{"start_time": 8640, "end_time": 8880}],  # Saturday 00:00-04:00
    }
    calendar = from_zendesk_schedule(schedule)
    assert calendar.zone.key == "America/New_York"
    assert calendar.hours[0] == ((time(9), time(17)),)
    assert calendar.hours[5] == ((time(0), time(4)),)
    assert calendar.is_open(at("2026-03-07T03:00", "America/New_York"))


def test_zendesk_interval_across_midnight_is_split() -> None:
    """An interval from Monday 22:00 to Tuesday 02:00 opens both days."""
    calendar = from_zendesk_schedule(
        {"time_zone": "UTC", "intervals": [{"start_time": 1440 + 1320, "end_time": 2880 + 120}]}
    )
    assert calendar.hours[0] == ((time(22), time(0)),)
    assert calendar.hours[1] == ((time(0), time(2)),)
    assert calendar.is_open(datetime(2026, 3, 2, 23, 0, tzinfo=zone("UTC")))


@pytest.mark.parametrize(
    "schedule",
    [
        {},
        {"time_zone": "UTC", "intervals": []},
        {"time_zone": "UTC", "intervals": [{"start_time": 5}]},
    ],
)
def test_bad_zendesk_schedule_is_an_input_error(schedule: dict[str, object]) -> None:
    """A malformed schedule is refused with a clear message."""
    with pytest.raises(InputError):
        from_zendesk_schedule(schedule)


def test_every_rails_zone_name_maps_to_a_known_zone() -> None:
    """Each Rails name in the table resolves to an IANA zone the database has."""
    for iana in RAILS_TIME_ZONES.values():
        assert zone(iana).key == iana


def test_holidays_cover_every_day_of_their_range() -> None:
    """A holiday from 24 to 26 December closes all three days."""
    days = holiday_dates([{"name": "Winter", "start_date": "2026-12-24", "end_date": "2026-12-26"}])
    assert days == {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26)}


def test_bad_holiday_is_an_input_error() -> None:
    """A holiday whose end comes before its start is refused."""
    with pytest.raises(InputError, match="holiday"):
        holiday_dates([{"start_date": "2026-12-26", "end_date": "2026-12-24"}])


def test_business_calendar_reads_the_schedule_and_its_holidays(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """The adapter reads the schedule and its holidays into one calendar in two calls."""
    weekdays = [(1980 + 1440 * d, 2460 + 1440 * d) for d in range(5)]
    server.add_schedule("EU", "Berlin", weekdays, [("New Year", "2027-01-01", "2027-01-01")])
    server.reset_log()
    calendar = desk.business_calendar()
    assert calendar.zone.key == "Europe/Berlin"
    assert calendar.is_holiday(date(2027, 1, 1))
    assert not calendar.is_open(at("2027-01-01T10:00", "Europe/Berlin"))
    assert calendar.is_open(at("2027-01-04T10:00", "Europe/Berlin"))
    assert server.calls() == 2
