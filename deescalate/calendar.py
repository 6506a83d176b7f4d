"""Business calendars: opening hours per weekday in an IANA time zone, holidays, and arithmetic.

All arithmetic happens in the calendar's time zone with :mod:`zoneinfo`, so daylight-saving
changes are handled by the time-zone database: 09:00 is 09:00 local time on both sides of a
change, and an elapsed duration is counted in real hours.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deescalate.errors import InputError, UnknownTimeZoneError

__all__ = ["RAILS_TIME_ZONES", "BusinessCalendar", "zone"]

Interval = tuple[time, time]
_MAX_SEARCH_DAYS = 3660  # ten years: a calendar with no opening at all is refused


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (Rails names such as "Eastern Time (US & Canada)" too)."""
    if not isinstance(name, str) or not name:
        raise UnknownTimeZoneError(str(name))
    iana = RAILS_TIME_ZONES.get(name, name)
    try:
        return ZoneInfo(iana)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownTimeZoneError(name) from exc


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time on ``day``; a time skipped by a spring-forward resolves after the gap."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz)
    if aware.utcoffset() == aware.replace(fold=1).utcoffset():
        return aware  # the usual case: the wall time exists exactly once
    # Round-trip through UTC: a non-existent wall time lands on the first real instant after it.
    round_trip = aware.astimezone(ZoneInfo("UTC")).astimezone(tz)
    return round_trip if round_trip.replace(tzinfo=None) >= naive else aware


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekly opening hours in a time zone, with holidays.

    ``hours`` maps a weekday (0 = Monday ... 6 = Sunday) to its opening intervals; a weekday
    without intervals is closed. ``holidays`` are explicit closed dates; ``country`` (and
    ``subdivision``) add public holidays from the ``holidays`` package.
    """

    tz: str = "UTC"
    hours: Mapping[int, Sequence[Interval]] = field(
        default_factory=lambda: {d: ((time(9), time(17)),) for d in range(5)}
    )
    holidays: frozenset[date] = frozenset()
    country: str | None = None
    subdivision: str | None = None

    def __post_init__(self) -> None:
        zone(self.tz)  # fail early on an unknown zone
        for weekday, intervals in self.hours.items():
            if weekday not in range(7):
                raise InputError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday}")
            for start, end in intervals:
                if not start < end and end != time(0):
                    raise InputError(
                        f"opening interval {start}-{end} on weekday {weekday} is empty"
                    )
        if not any(self.hours.values()):
            raise InputError("a business calendar needs at least one opening interval")

    # --- construction ---------------------------------------------------------------------

    @classmethod
    def standard(cls, tz: str = "UTC", **options: Any) -> BusinessCalendar:
        """Monday to Friday, 09:00 to 17:00, in ``tz``."""
        return cls(tz=tz, **options)

    @classmethod
    def from_zendesk_schedule(
        cls, schedule: Mapping[str, Any], *, holidays: Iterable[date] = ()
    ) -> BusinessCalendar:
        """A calendar from a Zendesk schedule object.

        Zendesk gives ``time_zone`` as a Rails name and ``intervals`` as minutes from Sunday
        00:00 (``{"start_time": 1980, "end_time": 2460}`` is Monday 09:00 to 17:00).
        """
        if not isinstance(schedule, Mapping):
            raise InputError("a Zendesk schedule must be a JSON object")
        tz_name = schedule.get("time_zone")
        intervals = schedule.get("intervals")
        if not isinstance(tz_name, str) or not isinstance(intervals, list) or not intervals:
            raise InputError(
                "a Zendesk schedule needs 'time_zone' and a non-empty 'intervals' list"
            )
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
        return cls(
            tz=tz_name,
            hours={d: tuple(sorted(v)) for d, v in hours.items()},
            holidays=frozenset(holidays),
        )

    # --- queries --------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.tz)

    def localize(self, moment: datetime) -> datetime:
        """``moment`` in the calendar's zone; a naive datetime is read as local time there."""
        if moment.tzinfo is None:
            return _local(moment.date(), moment.time(), self.zone)
        return moment.astimezone(self.zone)

    def is_holiday(self, day: date) -> bool:
        if day in self.holidays:
            return True
        return self.country is not None and day in _public_holidays(
            self.country, self.subdivision, day.year
        )

    def is_business_day(self, day: date) -> bool:
        """Open at some time on ``day`` (not a holiday, and the weekday has hours)."""
        return bool(self.hours.get(day.weekday())) and not self.is_holiday(day)

    def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The opening intervals of ``day`` as aware datetimes (empty on closed days)."""
        if not self.is_business_day(day):
            return []
        spans = []
        for start, end in self.hours[day.weekday()]:
            end_day = day + timedelta(days=1) if end == time(0) else day
            spans.append((_local(day, start, self.zone), _local(end_day, end, self.zone)))
        return spans

    def is_open(self, moment: datetime) -> bool:
        local = self.localize(moment)
        return any(start <= local < end for start, end in self.intervals(local.date()))

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself when open, else the next time the calendar opens."""
        local = self.localize(moment)
        for offset in range(_MAX_SEARCH_DAYS):
            day = local.date() + timedelta(days=offset)
            for start, end in self.intervals(day):
                if local < end:
                    return max(start, local)
        raise InputError("the calendar never opens")

    def opening(self, day: date) -> datetime | None:
        """When ``day`` opens, or None when it is closed."""
        spans = self.intervals(day)
        return spans[0][0] if spans else None

    def end_of_business(self, day: date) -> datetime | None:
        """When ``day`` closes, or None when it is closed."""
        spans = self.intervals(day)
        return spans[-1][1] if spans else None

    def next_business_day(self, day: date, *, after: bool = True) -> date:
        """The first business day after ``day`` (or from ``day`` on, with ``after=False``)."""
        current = day + timedelta(days=1) if after else day
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_business_day(current):
                return current
            current += timedelta(days=1)
        raise InputError("the calendar never opens")

    def add_business_days(self, day: date, days: int) -> date:
        """The ``days``-th business day after ``day`` (``day`` itself for 0 if it is one)."""
        if days < 0:
            raise InputError("add_business_days() counts forward; days must be 0 or more")
        if days == 0:
            return self.next_business_day(day, after=False)
        current = day
        for _ in range(days):
            current = self.next_business_day(current)
        return current

    def add_business_minutes(self, moment: datetime, minutes: float) -> datetime:
        """``moment`` plus ``minutes`` of open time (closed time does not count)."""
        if minutes < 0:
            raise InputError("add_business_minutes() counts forward; minutes must be 0 or more")
        remaining = timedelta(minutes=minutes)
        current = self.next_opening(moment)
        for _ in range(_MAX_SEARCH_DAYS * 4):
            for start, end in self.intervals(current.date()):
                if current >= end:
                    continue
                current = max(current, start)
                if current + remaining <= end:
                    return current + remaining
                remaining -= end - current
                current = end
            current = self.next_opening(current + timedelta(microseconds=1))
        raise InputError("the calendar never opens")

    def add_business_hours(self, moment: datetime, hours: float) -> datetime:
        """``moment`` plus ``hours`` of open time."""
        return self.add_business_minutes(moment, hours * 60)

    def subtract_business_minutes(self, moment: datetime, minutes: float) -> datetime:
        """The time ``minutes`` of open time before ``moment`` (for reminders before a due time)."""
        remaining = timedelta(minutes=minutes)
        current = self.localize(moment)
        for offset in range(_MAX_SEARCH_DAYS):
            day = current.date() - timedelta(days=offset)
            for start, end in reversed(self.intervals(day)):
                if start >= current:
                    continue
                top = min(end, current)
                if top - remaining >= start:
                    return top - remaining
                remaining -= top - start
                current = start
        raise InputError("the calendar never opens")

    def clamp_to_open(self, moment: datetime) -> datetime:
        """``moment`` if open, else the next opening: reminders never fire when closed."""
        return self.next_opening(moment)


def _split_by_day(start: int, end: int) -> Iterable[tuple[int, int, int]]:
    """Split a week-minute interval into (day index, start minute, end minute) per day."""
    while start < end:
        day = start // 1440
        day_end = min(end, (day + 1) * 1440)
        yield day, start - day * 1440, day_end - day * 1440
        start = day_end


def _minutes_to_time(minutes: int) -> time:
    return time(0) if minutes == 1440 else time(minutes // 60, minutes % 60)


@functools.cache
def _public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    try:
        import holidays as holidays_package
    except ImportError as exc:  # pragma: no cover - holidays is a core dependency
        from deescalate.errors import MissingExtraError

        raise MissingExtraError("public holidays", "calendar") from exc
    try:
        calendar = holidays_package.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError as exc:
        raise InputError(f"no public holidays known for country {country!r}") from exc
    return frozenset(calendar.keys())


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
