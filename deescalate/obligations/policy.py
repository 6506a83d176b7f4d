"""When obligations open, when to remind, and what to do when one is broken."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from deescalate.calendar import BusinessCalendar
from deescalate.stages import Stage

__all__ = ["Policy"]


@dataclass(frozen=True, slots=True)
class Policy:
    """The follow-through and follow-up policy, configurable per team.

    ``default_due_business_days``: a promise without a time is due at the end of that many
    business days after it was made (1: end of next business day). ``remind_before_minutes``:
    business minutes before the due time to remind the agent. ``follow_up_days``: business days
    after solve to check back, per peak stage (tickets that stayed below ``upset`` get none).
    ``remind_outside_hours``: allow reminders when the calendar is closed. The ``escalate_*``
    fields say what happens on a broken promise: tags added, the priority set, a note posted.
    """

    default_due_business_days: int = 1
    remind_before_minutes: int = 60
    follow_up_days: dict[Stage, int] = field(
        default_factory=lambda: {Stage.UPSET: 3, Stage.ANGRY: 2, Stage.IRATE: 1}
    )
    remind_outside_hours: bool = False
    reminder_tag: str = "deescalate-promise-due"
    follow_up_tag: str = "deescalate-follow-up-due"
    escalate_tags: tuple[str, ...] = ("deescalate-broken-promise",)
    escalate_priority: str | None = "high"
    escalate_note: bool = True

    def default_due(self, sent: datetime, calendar: BusinessCalendar) -> datetime:
        """The due time of a promise that states none."""
        local = calendar.localize(sent)
        day = calendar.add_business_days(local.date(), self.default_due_business_days)
        closing = calendar.end_of_business(day)
        assert closing is not None  # add_business_days only returns business days
        return closing

    def remind_at(
        self, due: datetime, made: datetime, calendar: BusinessCalendar
    ) -> datetime | None:
        """When to remind before ``due``: within business hours, and after the promise was made."""
        remind = calendar.subtract_business_minutes(due, self.remind_before_minutes)
        return remind if remind > made else None

    def follow_up_due(
        self, solved_at: datetime, peak: Stage, calendar: BusinessCalendar
    ) -> datetime | None:
        """When to check back after solve, sooner for angrier tickets; None below ``upset``."""
        days = None
        for stage, value in sorted(self.follow_up_days.items(), key=lambda item: item[0].rank):
            if peak >= stage:
                days = value
        if days is None:
            return None
        local = calendar.localize(solved_at)
        day = calendar.add_business_days(local.date(), days)
        opening = calendar.opening(day)
        assert opening is not None
        # Mid-morning: a check-back that lands at opening time reads like an automated message.
        return calendar.add_business_minutes(opening, 60)
