"""When a promise is due: taxonomy.md section 6, on a business calendar.

The due time is resolved from the time the reply was sent, in the time zone of whoever made it.
"End of business" is the calendar's closing time on that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from deescalate.calendar import BusinessCalendar
from deescalate.promises.timexpr import TimeExpression

__all__ = ["resolve_due"]

_LATE = time(23, 59)
_NOON = time(12)
_EVENING = time(20)
_DAY_KINDS = ("weekday", "date", "numeric_date")
_UNIT_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}
_END_OF_DAY_WORDS = {
    "today",
    "later today",
    "end of day",
    "end of the day",
    "end of business day",
    "end of the business day",
    "eod",
    "cob",
    "close of business",
    "end of business",
}


def resolve_due(
    expressions: Sequence[TimeExpression], sent: datetime, calendar: BusinessCalendar
) -> tuple[str | None, datetime | None]:
    """The time text and due time of a promise's time expressions (None, None when vague/absent).

    ``sent`` must be aware and in the calendar's zone.
    """
    expressions = [e for e in expressions if e.kind != "zone"]
    if not expressions or any(e.kind == "vague" for e in expressions):
        vague = next((e for e in expressions if e.kind == "vague"), None)
        return (vague.text if vague else None), None
    text = " ".join(e.text for e in expressions)
    for kind in ("duration", "business_days", "next_week"):
        chosen = next((e for e in expressions if e.kind == kind), None)
        if chosen is not None:
            return chosen.text, _relative(chosen, sent, calendar)
    clock = next((e for e in expressions if e.kind == "clock"), None)
    # A named day beats "end of day" for the day: "by close of business Thursday" is Thursday's.
    anchor = next((e for e in expressions if e.kind in _DAY_KINDS), None) or next(
        (e for e in expressions if e.kind != "clock"), None
    )
    if anchor is None and clock is not None:
        return clock.text, _clock_on_sent_day(clock, sent, calendar)
    if anchor is None:
        return None, None
    day = _anchor_day(anchor, sent, calendar)
    if clock is not None:
        return text, _at(day, time(clock.hour or 0, clock.minute), calendar)
    part = next((e for e in expressions if e.kind in ("part_of_day", "first_thing")), anchor)
    return text, _day_due(part, day, sent, calendar)


def _relative(expression: TimeExpression, sent: datetime, calendar: BusinessCalendar) -> datetime:
    count = expression.count or 1.0
    if expression.kind == "business_days":
        day = calendar.add_business_days(sent.date(), round(count))
        return _end_of_business_or_late(day, calendar)
    if expression.kind == "next_week":
        monday = sent.date() + timedelta(days=7 - sent.weekday())
        for offset in range(6, -1, -1):
            day = monday + timedelta(days=offset)
            if calendar.is_business_day(day):
                return _end_of_business_or_late(day, calendar)
        return _at(monday + timedelta(days=6), _LATE, calendar)
    seconds = count * _UNIT_SECONDS[expression.unit or "hours"]
    # Elapsed time: add in UTC so a daylight-saving change does not stretch or shrink it.
    return (sent.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(calendar.zone)


def _clock_on_sent_day(
    clock: TimeExpression, sent: datetime, calendar: BusinessCalendar
) -> datetime:
    at = time(clock.hour or 0, clock.minute)
    due = _at(sent.date(), at, calendar)
    if due <= sent:
        due = _at(calendar.next_business_day(sent.date()), at, calendar)
    return due


def _anchor_day(anchor: TimeExpression, sent: datetime, calendar: BusinessCalendar) -> date:
    today = sent.date()
    if anchor.kind == "weekday" and anchor.weekday is not None:
        ahead = (anchor.weekday - today.weekday()) % 7
        if anchor.next_week_day:
            monday_next = today + timedelta(days=7 - today.weekday())
            return monday_next + timedelta(days=anchor.weekday)
        day = today + timedelta(days=ahead)
        if ahead == 0 and _end_of_business_or_late(day, calendar) <= sent:
            day += timedelta(days=7)
        return day
    if anchor.kind == "date" and anchor.month is None and anchor.day:
        return _day_of_month(anchor.day, today)
    if anchor.kind in ("date", "numeric_date") and anchor.month and anchor.day:
        year = anchor.year or today.year
        try:
            day = date(year, anchor.month, anchor.day)
        except ValueError:
            return today
        if anchor.year is None and day < today:
            day = date(year + 1, anchor.month, anchor.day)
        return day
    if anchor.relative_day == "tomorrow" or (anchor.relative_day or "").startswith("tomorrow"):
        return today + timedelta(days=1)
    if anchor.kind == "first_thing" and anchor.weekday is not None:
        return today + timedelta(days=(anchor.weekday - today.weekday()) % 7 or 7)
    return today


def _day_of_month(number: int, today: date) -> date:
    """The next day numbered ``number`` ("by the 13th"), today included; months without it skip."""
    year, month = today.year, today.month
    for _ in range(13):
        try:
            day = date(year, month, number)
        except ValueError:
            day = None
        if day is not None and day >= today:
            return day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return today


def _day_due(
    anchor: TimeExpression, day: date, sent: datetime, calendar: BusinessCalendar
) -> datetime:
    word = anchor.relative_day or ""
    part = anchor.part
    if anchor.kind == "first_thing":
        opening = calendar.next_opening(_at(day, time(0), calendar))
        return opening + timedelta(hours=1)
    if word == "tonight" or part == "evening":
        return _at(day, _EVENING, calendar)
    if part == "morning":
        return _at(day, _NOON, calendar)
    if word in _END_OF_DAY_WORDS or (word == "this" and part == "afternoon"):
        due = calendar.end_of_business(day)
        if due is None or due <= sent:
            return _at(day, _LATE, calendar)
        return due
    return _end_of_business_or_late(day, calendar)


def _end_of_business_or_late(day: date, calendar: BusinessCalendar) -> datetime:
    return calendar.end_of_business(day) or _at(day, _LATE, calendar)


def _at(day: date, at: time, calendar: BusinessCalendar) -> datetime:
    return calendar.localize(datetime.combine(day, at))
