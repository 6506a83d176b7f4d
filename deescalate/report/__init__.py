"""``deescalate report``: one self-contained HTML page (or JSON) for support leads.

:func:`build_report` reads a period's message records and obligations from a store and counts
:class:`~deescalate.report.figures.ReportFigures`; :func:`~deescalate.report.page.render_page`
draws them (charts need the ``report`` extra: matplotlib).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deescalate.errors import InputError
from deescalate.report.figures import ReportFigures, count_figures
from deescalate.report.page import render_page, ticket_link
from deescalate.store.protocol import Store

__all__ = ["ReportFigures", "build_report", "render_page", "ticket_link"]


def build_report(
    store: Store, *, start: datetime, end: datetime, tz: str = "UTC", examples: bool = False
) -> ReportFigures:
    """The figures of ``[start, end)`` from ``store``, by day in the time zone ``tz``."""
    if start.tzinfo is None or end.tzinfo is None:
        raise InputError("a report's period needs aware times (with a UTC offset)")
    if start >= end:
        raise InputError(f"a report's period must end after it starts ({start} >= {end})")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"unknown time zone {tz!r}: use an IANA name such as Europe/Berlin"
        ) from exc
    records = store.message_records(until=end)
    obligations = store.opened_between(start, end)
    return count_figures(records, obligations, start=start, end=end, tz=tz, examples=examples)
