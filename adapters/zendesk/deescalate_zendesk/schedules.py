"""Zendesk business-hours schedules and holidays read into deescalate's BusinessCalendar.

A schedule gives ``time_zone`` as a Rails (ActiveSupport) zone name, such as "Eastern Time (US &
Canada)", and ``intervals`` as minutes from Sunday 00:00 in that zone
(``{"start_time": 1980, "end_time": 2460}`` is Monday 09:00 to 17:00). Holidays are date ranges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time, timedelta
from typing import Any

from deescalate.calendar import BusinessCalendar
from deescalate.errors import InputError

__all__ = ["RAILS_TIME_ZONES", "from_zendesk_schedule", "holiday_dates", "iana_zone"]

Interval = tuple[time, time]


def iana_zone(name: str) -> str:
    """The IANA name of a Rails zone name; IANA names pass through unchanged."""
    return RAILS_TIME_ZONES.get(name, name)


def from_zendesk_schedule(
    schedule: Mapping[str, Any], *, holidays: Iterable[date] = ()
) -> BusinessCalendar:
    """A calendar from a Zendesk schedule object (and the dates of its holidays)."""
    if not isinstance(schedule, Mapping):
        raise InputError("a Zendesk schedule must be a JSON object")
    tz_name = schedule.get("time_zone")
    intervals = schedule.get("intervals")
    if not isinstance(tz_name, str) or not isinstance(intervals, list) or not intervals:
        raise InputError("a Zendesk schedule needs 'time_zone' and a non-empty 'intervals' list")
    hours: dict[int, list[Interval]] = {}
    for interval in intervals:
        try:
            start, end = int(interval["start_time"]), int(interval["end_time"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"bad Zendesk schedule interval: {interval!r}") from exc
        if not 0 <= start < end <= 7 * 1440:
            raise InputError(f"bad Zendesk schedule interval: {interval!r}")
        for day_index, day_start, day_end in _split_by_day(start, end):
            weekday = (day_index - 1) % 7  # Zendesk weeks start on Sunday
            hours.setdefault(weekday, []).append(
                (_minutes_to_time(day_start), _minutes_to_time(day_end))
            )
    return BusinessCalendar(
        tz=iana_zone(tz_name),
        hours={d: tuple(sorted(v)) for d, v in hours.items()},
        holidays=frozenset(holidays),
    )


def holiday_dates(holidays: Iterable[Mapping[str, Any]]) -> set[date]:
    """Every date the holidays of a schedule cover (``start_date`` to ``end_date``, inclusive)."""
    dates: set[date] = set()
    for holiday in holidays:
        try:
            first = date.fromisoformat(str(holiday["start_date"]))
            last = date.fromisoformat(str(holiday.get("end_date") or holiday["start_date"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"bad Zendesk holiday: {holiday!r}") from exc
        if last < first or (last - first).days > 366:
            raise InputError(f"bad Zendesk holiday: {holiday!r}")
        dates.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return dates


def _split_by_day(start: int, end: int) -> Iterable[tuple[int, int, int]]:
    """Split a week-minute interval into (day index, start minute, end minute) per day."""
    while start < end:
        day = start // 1440
        day_end = min(end, (day + 1) * 1440)
        yield day, start - day * 1440, day_end - day * 1440
        start = day_end


def _minutes_to_time(minutes: int) -> time:
    return time(0) if minutes == 1440 else time(minutes // 60, minutes % 60)


# ActiveSupport::TimeZone names (what Zendesk uses) mapped to IANA names.
RAILS_TIME_ZONES: dict[str, str] = {
    "International Date Line West": "Etc/GMT+12",
    "Midway Island": "Pacific/Midway",
    "American Samoa": "Pacific/Pago_Pago",
    "Hawaii": "Pacific/Honolulu",
    "Alaska": "America/Juneau",
    "Pacific Time (US & Canada)": "America/Los_Angeles",
    "Tijuana": "America/Tijuana",
    "Mountain Time (US & Canada)": "America/Denver",
    "Arizona": "America/Phoenix",
    "Chihuahua": "America/Chihuahua",
    "Mazatlan": "America/Mazatlan",
    "Central Time (US & Canada)": "America/Chicago",
    "Saskatchewan": "America/Regina",
    "Guadalajara": "America/Mexico_City",
    "Mexico City": "America/Mexico_City",
    "Monterrey": "America/Monterrey",
    "Central America": "America/Guatemala",
    "Eastern Time (US & Canada)": "America/New_York",
    "Indiana (East)": "America/Indiana/Indianapolis",
    "Bogota": "America/Bogota",
    "Lima": "America/Lima",
    "Quito": "America/Lima",
    "Atlantic Time (Canada)": "America/Halifax",
    "Caracas": "America/Caracas",
    "La Paz": "America/La_Paz",
    "Santiago": "America/Santiago",
    "Newfoundland": "America/St_Johns",
    "Brasilia": "America/Sao_Paulo",
    "Buenos Aires": "America/Argentina/Buenos_Aires",
    "Montevideo": "America/Montevideo",
    "Georgetown": "America/Guyana",
    "Puerto Rico": "America/Puerto_Rico",
    "Greenland": "America/Godthab",
    "Mid-Atlantic": "Atlantic/South_Georgia",
    "Azores": "Atlantic/Azores",
    "Cape Verde Is.": "Atlantic/Cape_Verde",
    "Dublin": "Europe/Dublin",
    "Edinburgh": "Europe/London",
    "Lisbon": "Europe/Lisbon",
    "London": "Europe/London",
    "Casablanca": "Africa/Casablanca",
    "Monrovia": "Africa/Monrovia",
    "UTC": "Etc/UTC",
    "Belgrade": "Europe/Belgrade",
    "Bratislava": "Europe/Bratislava",
    "Budapest": "Europe/Budapest",
    "Ljubljana": "Europe/Ljubljana",
    "Prague": "Europe/Prague",
    "Sarajevo": "Europe/Sarajevo",
    "Skopje": "Europe/Skopje",
    "Warsaw": "Europe/Warsaw",
    "Zagreb": "Europe/Zagreb",
    "Brussels": "Europe/Brussels",
    "Copenhagen": "Europe/Copenhagen",
    "Madrid": "Europe/Madrid",
    "Paris": "Europe/Paris",
    "Amsterdam": "Europe/Amsterdam",
    "Berlin": "Europe/Berlin",
    "Bern": "Europe/Zurich",
    "Zurich": "Europe/Zurich",
    "Rome": "Europe/Rome",
    "Stockholm": "Europe/Stockholm",
    "Vienna": "Europe/Vienna",
    "West Central Africa": "Africa/Algiers",
    "Bucharest": "Europe/Bucharest",
    "Cairo": "Africa/Cairo",
    "Helsinki": "Europe/Helsinki",
    "Kyiv": "Europe/Kiev",
    "Riga": "Europe/Riga",
    "Sofia": "Europe/Sofia",
    "Tallinn": "Europe/Tallinn",
    "Vilnius": "Europe/Vilnius",
    "Athens": "Europe/Athens",
    "Istanbul": "Europe/Istanbul",
    "Minsk": "Europe/Minsk",
    "Jerusalem": "Asia/Jerusalem",
    "Harare": "Africa/Harare",
    "Pretoria": "Africa/Johannesburg",
    "Kaliningrad": "Europe/Kaliningrad",
    "Moscow": "Europe/Moscow",
    "St. Petersburg": "Europe/Moscow",
    "Volgograd": "Europe/Volgograd",
    "Samara": "Europe/Samara",
    "Kuwait": "Asia/Kuwait",
    "Riyadh": "Asia/Riyadh",
    "Nairobi": "Africa/Nairobi",
    "Baghdad": "Asia/Baghdad",
    "Tehran": "Asia/Tehran",
    "Abu Dhabi": "Asia/Muscat",
    "Muscat": "Asia/Muscat",
    "Baku": "Asia/Baku",
    "Tbilisi": "Asia/Tbilisi",
    "Yerevan": "Asia/Yerevan",
    "Kabul": "Asia/Kabul",
    "Ekaterinburg": "Asia/Yekaterinburg",
    "Islamabad": "Asia/Karachi",
    "Karachi": "Asia/Karachi",
    "Tashkent": "Asia/Tashkent",
    "Chennai": "Asia/Kolkata",
    "Kolkata": "Asia/Kolkata",
    "Mumbai": "Asia/Kolkata",
    "New Delhi": "Asia/Kolkata",
    "Kathmandu": "Asia/Kathmandu",
    "Astana": "Asia/Dhaka",
    "Dhaka": "Asia/Dhaka",
    "Sri Jayawardenepura": "Asia/Colombo",
    "Almaty": "Asia/Almaty",
    "Novosibirsk": "Asia/Novosibirsk",
    "Rangoon": "Asia/Rangoon",
    "Bangkok": "Asia/Bangkok",
    "Hanoi": "Asia/Bangkok",
    "Jakarta": "Asia/Jakarta",
    "Krasnoyarsk": "Asia/Krasnoyarsk",
    "Beijing": "Asia/Shanghai",
    "Chongqing": "Asia/Chongqing",
    "Hong Kong": "Asia/Hong_Kong",
    "Urumqi": "Asia/Urumqi",
    "Kuala Lumpur": "Asia/Kuala_Lumpur",
    "Singapore": "Asia/Singapore",
    "Taipei": "Asia/Taipei",
    "Perth": "Australia/Perth",
    "Irkutsk": "Asia/Irkutsk",
    "Ulaanbaatar": "Asia/Ulaanbaatar",
    "Seoul": "Asia/Seoul",
    "Osaka": "Asia/Tokyo",
    "Sapporo": "Asia/Tokyo",
    "Tokyo": "Asia/Tokyo",
    "Yakutsk": "Asia/Yakutsk",
    "Darwin": "Australia/Darwin",
    "Adelaide": "Australia/Adelaide",
    "Canberra": "Australia/Melbourne",
    "Melbourne": "Australia/Melbourne",
    "Sydney": "Australia/Sydney",
    "Brisbane": "Australia/Brisbane",
    "Hobart": "Australia/Hobart",
    "Vladivostok": "Asia/Vladivostok",
    "Guam": "Pacific/Guam",
    "Port Moresby": "Pacific/Port_Moresby",
    "Magadan": "Asia/Magadan",
    "Srednekolymsk": "Asia/Srednekolymsk",
    "Solomon Is.": "Pacific/Guadalcanal",
    "New Caledonia": "Pacific/Noumea",
    "Fiji": "Pacific/Fiji",
    "Kamchatka": "Asia/Kamchatka",
    "Marshall Is.": "Pacific/Majuro",
    "Auckland": "Pacific/Auckland",
    "Wellington": "Pacific/Auckland",
    "Nuku'alofa": "Pacific/Tongatapu",
    "Tokelau Is.": "Pacific/Fakaofo",
    "Chatham Is.": "Pacific/Chatham",
    "Samoa": "Pacific/Apia",
}
