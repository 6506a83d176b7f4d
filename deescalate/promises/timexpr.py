"""Time expressions in agent replies, found by narrow patterns (no general date parser).

A general date parser fires on "may", "do" or "sun"; these patterns only take what a promise's
time looks like: clock times, day names and dates, "today", "tomorrow morning", "end of day",
durations ("within 24h", "in a couple of hours"), business days and "next week", plus vague words
("shortly", "asap") that mean no stated time.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["TimeExpression", "find_time_expressions"]

_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "a couple of": 2, "a couple": 2,
    "couple of": 2, "a few": 3, "few": 3, "several": 3, "twenty-four": 24, "forty-eight": 48,
}  # fmt: skip

_DAY = (
    r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"(?:\s+(?P<wpart>morning|afternoon|evening))?"
)
# Abbreviations ("sat", "sun", "wed") are common words too: they need a preposition before them.
_DAY_ABBREVIATED = r"(?P<weekday>mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)\b\.?"
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_CLOCK = (
    r"(?P<hour>[01]?\d|2[0-3])(?:[:.](?P<minute>[0-5]\d))?\s*"
    r"(?P<meridiem>a\.m\.|p\.m\.|am|pm|a\.m|p\.m)(?![a-z])"
    r"|(?P<hour24>[01]?\d|2[0-3]):(?P<minute24>[0-5]\d)(?!\s*[ap]\.?m)(?!\d)"
    r"|\b(?P<noon>noon|midday|midnight)\b"
)
# Zones people name after a time, by abbreviation or name. "PST" is read as Pacific time all year
# (what people mean by it), "GMT" and "UTC" as UTC, "your time" as the customer's zone.
_ZONES = {
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles", "mst": "America/Denver", "mdt": "America/Denver",
    "mt": "America/Denver", "mountain": "America/Denver", "cst": "America/Chicago",
    "cdt": "America/Chicago", "ct": "America/Chicago", "central": "America/Chicago",
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
    "eastern": "America/New_York", "gmt": "UTC", "utc": "UTC", "bst": "Europe/London",
    "uk": "Europe/London", "london": "Europe/London", "cet": "Europe/Berlin",
    "cest": "Europe/Berlin", "central european": "Europe/Berlin", "eet": "Europe/Athens",
    "aest": "Australia/Sydney", "aedt": "Australia/Sydney", "sydney": "Australia/Sydney",
    "jst": "Asia/Tokyo", "tokyo": "Asia/Tokyo", "new york": "America/New_York",
    "your": "customer", "your local": "customer",
}  # fmt: skip
# A zone counts right after a clock time, or anywhere with the word "time" after it ("UK time").
_ZONE_WORDS = (
    r"\(?(?:"
    + "|".join(sorted((z for z in _ZONES if not z.startswith("your")), key=len, reverse=True))
    + r")\)?"
)
_ZONE_NAMES = "your local|your"
_COUNT = r"(?P<count>\d+|a couple of|a couple|couple of|a few|few|several|an|a|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty-four|forty-eight)"
_UNIT = r"(?P<unit>minutes?|mins?|hours?|hrs?|h|days?|weeks?)"

_PATTERNS: list[tuple[str, str]] = [
    (
        "vague",
        r"\b(?:shortly|soon|asap|as soon as (?:possible|we can|i can)|in due course|"
        r"at the earliest opportunity|in a bit|in a while|in a moment|momentarily)\b",
    ),
    (
        "business_days",
        rf"\b(?:within|in|after)\s+(?:the\s+next\s+)?{_COUNT}\s+(?:business|working)\s+days?\b",
    ),
    (
        "duration",
        rf"\b(?:within|in|inside)\s+(?:the\s+next\s+|about\s+|around\s+)?{_COUNT}\s*{_UNIT}\b",
    ),
    ("duration", r"\b(?:within|in)\s+(?:the\s+next|the\s+coming|the|an)\s+(?P<unit_only>hour)\b"),
    ("duration", r"\bwithin\s+(?P<count_h>\d+)\s*h\b"),
    ("next_week", r"\bnext\s+week\b"),
    ("first_thing", rf"\bfirst\s+thing\s+(?:(?P<ft_tomorrow>tomorrow)|(?:on\s+)?{_DAY})"),
    ("part_of_day", r"\b(?P<pday>this|tomorrow)\s+(?P<part>morning|afternoon|evening)\b"),
    (
        "part_of_day",
        r"\b(?P<pday2>tonight|later\s+today|today|tomorrow|end\s+of\s+(?:the\s+)?(?:business\s+)?day|"
        r"eod|cob|close\s+of\s+business|end\s+of\s+business)\b",
    ),
    ("weekday", rf"\b(?:on\s+|by\s+|this\s+|next\s+|before\s+|until\s+)?{_DAY}(?!\s*[:/])"),
    ("weekday", rf"\b(?:on|by|this|next|before|until)\s+{_DAY_ABBREVIATED}(?!\s*[:/])"),
    ("date", rf"\b(?P<month>{_MONTH})\.?\s+(?P<mday>[0-3]?\d)(?:st|nd|rd|th)?\b"),
    ("date", rf"\b(?P<mday2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month2>{_MONTH})\b"),
    # "3/3" is a date only after a preposition ("on 3/3") or with a year: alone it is as often a
    # thread counter ("2/2") or a ratio.
    (
        "numeric_date",
        r"\b(?:on|by|before|until|from|after)\s+(?P<a>[01]?\d|[23]\d)/(?P<b>[0-3]?\d)"
        r"(?:/(?P<year>\d{2}|\d{4}))?(?![\d/])"
        r"|(?<![\d/])(?P<a2>[01]?\d|[23]\d)/(?P<b2>[0-3]?\d)/(?P<year2>\d{2}|\d{4})(?![\d/])",
    ),
    ("clock", rf"(?:\b(?:at|by|before|around|until|till|no later than|between)\s+)?(?:{_CLOCK})"),
    # "at 4 this afternoon": an hour without am/pm, read by the part of the day after it.
    (
        "clock",
        r"\b(?:at|by|before|around|until|till)\s+(?P<bare_hour>1[0-2]|[1-9])(?:[:.](?P<bare_minute>[0-5]\d))?"
        r"(?=\s+(?:this|tomorrow|in\s+the)\s+(?P<bare_part>morning|afternoon|evening)\b|\s+tonight\b)",
    ),
    # "by the 13th": a day of this month (or the next, once it has passed).
    (
        "date",
        r"\b(?:by|on|before|until|for)\s+the\s+(?P<mday3>[0-3]?\d)(?:st|nd|rd|th)\b(?!\s+of\b)",
    ),
    # A zone named right after a clock time ("9am PST", "10am Eastern", "5pm your time") or
    # with the word "time" ("UK time"); see _ZONES.
    ("zone", rf"(?P<zone>{_ZONE_WORDS})(?:\s+time)?\b|\b(?P<zone_named>{_ZONE_NAMES})\s+time\b"),
]
# The patterns are written in lower case and run on the lower-cased text.
_COMPILED = [(kind, re.compile(pattern)) for kind, pattern in _PATTERNS]

# Words one of which each pattern needs ("#" stands for any digit): a cheap screen that spares
# most sentences most of the fifteen searches.
_DAY_WORDS = frozenset(_WEEKDAYS)
_NEEDS: dict[str, frozenset[str]] = {
    "vague": frozenset("shortly soon asap as due earliest bit while".split()),
    "business_days": frozenset({"business", "working"}),
    "duration": frozenset({"within", "in", "inside"}),
    "next_week": frozenset({"week"}),
    "first_thing": frozenset({"first"}),
    "part_of_day": frozenset(
        "morning afternoon evening tonight today tomorrow end eod cob close".split()
    ),
    "weekday": _DAY_WORDS,
    "date": frozenset(_MONTHS) | {"the"},
    "numeric_date": frozenset({"#"}),
    "clock": frozenset({"#", "noon", "midday", "midnight"}),
    "zone": frozenset(w for z in _ZONES for w in z.split()),
}
_SCREEN_WORDS = re.compile(r"[a-z]+|\d")


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """One time expression: its kind, span and the values read from it."""

    kind: str
    start: int
    end: int
    text: str
    weekday: int | None = None
    hour: int | None = None
    minute: int = 0
    month: int | None = None
    day: int | None = None
    year: int | None = None
    count: float | None = None
    unit: str | None = None
    part: str | None = None
    relative_day: str | None = None
    next_week_day: bool = False
    zone: str | None = None  # an IANA zone, or "customer" for "your time"


def _count(value: str | None) -> float | None:
    if value is None:
        return None
    value = value.lower()
    if value.isdigit():
        return float(value)
    return float(_NUMBER_WORDS.get(value, 1))


def _clock(match: re.Match[str]) -> tuple[int, int] | None:
    groups = match.groupdict()
    if groups.get("noon"):
        return (0, 0) if groups["noon"].lower() == "midnight" else (12, 0)
    if groups.get("hour") is not None and groups.get("meridiem"):
        hour = int(groups["hour"])
        if not 1 <= hour <= 12:
            return None
        minute = int(groups.get("minute") or 0)
        pm = groups["meridiem"].lower().startswith("p")
        return (hour % 12 + (12 if pm else 0), minute)
    if groups.get("hour24") is not None:
        return int(groups["hour24"]), int(groups["minute24"])
    if groups.get("bare_hour") is not None:
        hour = int(groups["bare_hour"])
        if groups.get("bare_part") != "morning" and hour < 12:
            hour += 12  # "at 4 this afternoon", "at 8 tonight"
        return hour, int(groups.get("bare_minute") or 0)
    return None


def _build(kind: str, match: re.Match[str], text: str, day_first: bool) -> TimeExpression | None:
    g = match.groupdict()
    snippet = text[match.start() : match.end()]

    def make(**values: Any) -> TimeExpression:
        return TimeExpression(kind, match.start(), match.end(), snippet, **values)

    if kind == "clock":
        clock = _clock(match)
        return None if clock is None else make(hour=clock[0], minute=clock[1])
    if kind in ("weekday", "first_thing"):
        if kind == "first_thing" and g.get("ft_tomorrow"):
            return make(relative_day="tomorrow")
        weekday = _WEEKDAYS[g["weekday"].lower().rstrip(".")]
        nxt = snippet.lower().startswith("next")
        return make(weekday=weekday, next_week_day=nxt, part=g.get("wpart"))
    if kind == "zone":
        name = re.sub(r"\s+", " ", (g.get("zone") or g.get("zone_named") or "").strip("()"))
        return make(zone=_ZONES[name])
    if kind == "date" and g.get("mday3"):
        return make(day=int(g["mday3"]))
    if kind == "date":
        month = _MONTHS[(g.get("month") or g.get("month2") or "").lower()]
        return make(month=month, day=int(g.get("mday") or g.get("mday2") or 0))
    if kind == "numeric_date":
        first, second = int(g["a"] or g["a2"]), int(g["b"] or g["b2"])
        month, day = (second, first) if day_first else (first, second)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        year_text = g.get("year") or g.get("year2")
        year = int(year_text) if year_text else None
        if year is not None and year < 100:
            year += 2000
        return make(month=month, day=day, year=year)
    if kind == "duration":
        if g.get("unit_only"):
            return make(count=1.0, unit="hours")
        if g.get("count_h"):
            return make(count=float(g["count_h"]), unit="hours")
        unit = g["unit"].lower()
        unit = {
            "h": "hours",
            "hr": "hours",
            "hrs": "hours",
            "min": "minutes",
            "mins": "minutes",
        }.get(unit, unit)
        unit = unit if unit.endswith("s") else unit + "s"
        return make(count=_count(g["count"]), unit=unit)
    if kind == "business_days":
        return make(count=_count(g["count"]), unit="business_days")
    if kind == "part_of_day":
        if g.get("pday"):
            return make(relative_day=g["pday"].lower(), part=g["part"].lower())
        word = re.sub(r"\s+", " ", g["pday2"].lower())
        return make(relative_day=word)
    return make()


def find_time_expressions(text: str, *, day_first: bool = False) -> list[TimeExpression]:
    """Every time expression in ``text``, longest first where they overlap, in text order.

    ``day_first`` reads "3/4" as 3 April (most locales) instead of March 4 (the United States).
    """
    found: list[TimeExpression] = []
    # the spans taken so far, apart and in order: an overlap check is two bisections, where a
    # scan of them all is quadratic in a sentence of thousands of day names
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    lower = text.lower()
    if len(lower) != len(text):
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    words = {"#" if w.isdigit() else w for w in _SCREEN_WORDS.findall(lower)}
    for kind, pattern in _COMPILED:
        if _NEEDS[kind].isdisjoint(words):
            continue
        for match in pattern.finditer(lower):
            m_start, m_end = match.span()
            # the first taken span ending after this start overlaps it if it starts before its end
            after = bisect.bisect_right(taken_ends, m_start)
            if after < len(taken_starts) and taken_starts[after] < m_end:
                continue
            expression = _build(kind, match, text, day_first)
            if expression is not None:
                found.append(expression)
                taken_starts.insert(after, m_start)
                taken_ends.insert(after, m_end)
    found.sort(key=lambda e: e.start)
    if any(e.kind == "zone" for e in found):
        found = _zones_after_clocks(found, lower)
    return found


def _zones_after_clocks(found: list[TimeExpression], lower: str) -> list[TimeExpression]:
    """Keep an abbreviated zone only right after a clock time: "ET" alone is often a signature."""
    kept: list[TimeExpression] = []
    for expression in found:
        if expression.kind == "zone" and not lower.endswith("time", 0, expression.end):
            previous = kept[-1] if kept else None
            if previous is None or previous.kind != "clock":
                continue
            if lower[previous.end : expression.start].strip(" (") != "":
                continue
        kept.append(expression)
    return kept
