"""Business calendars: opening hours per weekday in an IANA time zone, holidays, and arithmetic.

All arithmetic happens in the calendar's time zone with :mod:`zoneinfo`, so daylight-saving
changes are handled by the time-zone database: 09:00 is 09:00 local time on both sides of a
change, and an elapsed duration is counted in real hours.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deescalate.errors import InputError, UnknownTimeZoneError

__all__ = ["BusinessCalendar", "zone"]

Interval = tuple[time, time]
_MAX_SEARCH_DAYS = 3660  # ten years: a calendar with no opening at all is refused


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``Europe/Berlin``)."""
    if not isinstance(name, str) or not name:
        raise UnknownTimeZoneError(str(name))
    try:
        return ZoneInfo(name)
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
