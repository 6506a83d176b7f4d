"""The report's figures, counted from what the store keeps: obligations and message records.

Everything is counted over a half-open period ``[start, end)`` and by day in one time zone:

* **stages**: customer messages by the stage they left their ticket at; an **escalation** is a
  customer message whose stage is above the ticket's previous one (``calm`` before its first
  message), a **de-escalation** below.
* **promises**: follow-through obligations opened in the period, by where they stand now
  (``open`` counts open and reminded ones). A broken promise was **late** by the time from its
  due time to the agent's next reply on the ticket, or has had **no reply yet**.
* **follow-ups**: follow-up obligations opened in the period; ``done`` ones were kept, and
  ``recurred`` ones heard that the problem came back.
* **rules**: agent replies by the reply-coach rules they broke.
* **agents**: per agent, difficult (angry or irate) customer messages on their tickets, by day,
  and the promises they made, kept and broke.
* **attention**: tickets to look at now: a broken promise with no reply since, or an irate
  customer message that is the ticket's latest.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from deescalate.obligations.model import Obligation, ObligationKind, ObligationState
from deescalate.records import MessageRecord, MessageRole
from deescalate.report.anonymise import anonymise
from deescalate.stages import Stage

__all__ = [
    "LATENESS_BINS",
    "NO_REPLY",
    "UNASSIGNED",
    "AgentFigures",
    "AttentionTicket",
    "FollowUpFigures",
    "PromiseFigures",
    "ReportFigures",
    "RuleFigures",
    "count_figures",
]

DIFFICULT = (Stage.ANGRY, Stage.IRATE)
UNASSIGNED = "(unassigned)"
NO_REPLY = "no reply yet"
# Upper bounds of the lateness histogram's bins, with their labels.
LATENESS_BINS: tuple[tuple[timedelta, str], ...] = (
    (timedelta(hours=1), "under 1 h"),
    (timedelta(hours=4), "1-4 h"),
    (timedelta(hours=24), "4-24 h"),
    (timedelta(days=3), "1-3 days"),
    (timedelta.max, "over 3 days"),
)
_ACTIVE = (ObligationState.OPEN, ObligationState.REMINDED)


@dataclass(frozen=True, slots=True)
class PromiseFigures:
    """Follow-through obligations opened in the period, by where they stand now."""

    made: int = 0
    kept: int = 0
    broken: int = 0
    open: int = 0
    cancelled: int = 0
    late: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class FollowUpFigures:
    """Follow-up obligations opened in the period: done (kept), recurred, still open."""

    opened: int = 0
    done: int = 0
    recurred: int = 0
    open: int = 0


@dataclass(frozen=True, slots=True)
class RuleFigures:
    """A reply-coach rule, how many agent replies broke it, and the words of the first one."""

    rule: str
    replies: int
    example: str | None


@dataclass(frozen=True, slots=True)
class AgentFigures:
    """One agent's difficult contacts (per day too) and promises."""

    agent: str
    difficult: int
    difficult_per_day: tuple[int, ...]
    promises_made: int
    promises_kept: int
    promises_broken: int


@dataclass(frozen=True, slots=True)
class AttentionTicket:
    """A ticket to look at now, why, and since when."""

    ticket: str
    reason: str
    since: datetime
    agent: str | None


@dataclass(frozen=True, slots=True)
class ReportFigures:
    """Everything the report shows; :meth:`to_dict` is ``deescalate report --format json``."""

    start: datetime
    end: datetime
    timezone: str
    days: tuple[date, ...]
    stages: dict[Stage, int]
    stages_per_day: dict[Stage, tuple[int, ...]]
    escalations_per_day: tuple[int, ...]
    deescalations_per_day: tuple[int, ...]
    promises: PromiseFigures
    follow_ups: FollowUpFigures
    rules: tuple[RuleFigures, ...]
    agents: tuple[AgentFigures, ...]
    attention: tuple[AttentionTicket, ...] = field(default=())

    @property
    def customer_messages(self) -> int:
        return sum(self.stages.values())

    @property
    def empty(self) -> bool:
        """True when the period saw no customer message, no reply and no obligation."""
        return (
            self.customer_messages == 0
            and self.promises.made == 0
            and self.follow_ups.opened == 0
            and not self.rules
            and not self.agents
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": {
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "timezone": self.timezone,
            },
            "empty": self.empty,
            "stages": {stage.value: count for stage, count in self.stages.items()},
            "escalations": sum(self.escalations_per_day),
            "deescalations": sum(self.deescalations_per_day),
            "days": [
                {
                    "date": day.isoformat(),
                    "stages": {s.value: per_day[i] for s, per_day in self.stages_per_day.items()},
                    "escalations": self.escalations_per_day[i],
                    "deescalations": self.deescalations_per_day[i],
                }
                for i, day in enumerate(self.days)
            ],
            "promises": {
                "made": self.promises.made,
                "kept": self.promises.kept,
                "broken": self.promises.broken,
                "open": self.promises.open,
                "cancelled": self.promises.cancelled,
                "late": dict(self.promises.late),
            },
            "follow_ups": {
                "opened": self.follow_ups.opened,
                "done": self.follow_ups.done,
                "recurred": self.follow_ups.recurred,
                "open": self.follow_ups.open,
            },
            "rules": [
                {"rule": r.rule, "replies": r.replies}
                | ({"example": r.example} if r.example is not None else {})
                for r in self.rules
            ],
            "agents": [
                {
                    "agent": a.agent,
                    "difficult": a.difficult,
                    "difficult_per_day": list(a.difficult_per_day),
                    "promises_made": a.promises_made,
                    "promises_kept": a.promises_kept,
                    "promises_broken": a.promises_broken,
                }
                for a in self.agents
            ],
            "attention": [
                {
                    "ticket": t.ticket,
                    "reason": t.reason,
                    "since": t.since.isoformat(),
                    "agent": t.agent,
                }
                for t in self.attention
            ],
        }


def count_figures(
    records: Sequence[MessageRecord],
    obligations: Sequence[Obligation],
    *,
    start: datetime,
    end: datetime,
    tz: str = "UTC",
    examples: bool = False,
) -> ReportFigures:
    """The figures of ``[start, end)`` from every message record before ``end`` (in time order:
    earlier ones tell each ticket's previous stage and replies) and the obligations opened in the
    period. Rule examples are the agents' flagged words, anonymised, kept only with
    ``examples``."""
    zone = ZoneInfo(tz)
    days = _days(start, end, zone)
    day_of = _DayIndex(days, zone)
    in_period = [r for r in records if start <= r.at < end]
    stages, per_day, up, down = _stage_counts(records, start, day_of)
    replies = _replies_by_ticket(records)
    authors = {(r.ticket, r.comment_id): r.agent for r in records if r.role is MessageRole.AGENT}
    promises = [o for o in obligations if o.kind is ObligationKind.FOLLOW_THROUGH]
    follow_ups = [o for o in obligations if o.kind is ObligationKind.FOLLOW_UP]
    return ReportFigures(
        start=start, end=end, timezone=tz, days=days, stages=stages, stages_per_day=per_day,
        escalations_per_day=up, deescalations_per_day=down,
        promises=_promise_figures(promises, replies, end),
        follow_ups=_follow_up_figures(follow_ups),
        rules=_rule_figures(in_period, examples=examples),
        agents=_agent_figures(in_period, promises, authors, day_of),
        attention=_attention(records, promises, replies, authors, end),
    )  # fmt: skip


def _days(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, ...]:
    first = start.astimezone(zone).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    return tuple(first + timedelta(days=n) for n in range((last - first).days + 1))


class _DayIndex:
    """The index of a time's day in the period, by bisecting the days' starts (several times
    cheaper than converting each of a few hundred thousand times to the zone)."""

    def __init__(self, days: Sequence[date], zone: ZoneInfo) -> None:
        self.count = len(days)
        # In UTC, as stored times are: comparing times of one zone skips the offset lookups.
        self.starts = [datetime.combine(day, time(), zone).astimezone(UTC) for day in days[1:]]

    def __call__(self, at: datetime) -> int:
        return bisect_right(self.starts, at)


def _stage_counts(
    records: Iterable[MessageRecord], start: datetime, day_of: _DayIndex
) -> tuple[dict[Stage, int], dict[Stage, tuple[int, ...]], tuple[int, ...], tuple[int, ...]]:
    per_day = {stage: [0] * day_of.count for stage in Stage}
    up, down = [0] * day_of.count, [0] * day_of.count
    previous: dict[str, Stage] = {}
    for record in records:
        if record.role is not MessageRole.CUSTOMER or record.stage is None:
            continue
        before = previous.get(record.ticket, Stage.CALM)
        previous[record.ticket] = record.stage
        if record.at < start:
            continue
        day = day_of(record.at)
        per_day[record.stage][day] += 1
        if record.stage > before:
            up[day] += 1
        elif record.stage < before:
            down[day] += 1
    totals = {stage: sum(counts) for stage, counts in per_day.items()}
    return totals, {s: tuple(c) for s, c in per_day.items()}, tuple(up), tuple(down)


def _replies_by_ticket(records: Iterable[MessageRecord]) -> dict[str, list[datetime]]:
    replies: dict[str, list[datetime]] = defaultdict(list)
    for record in records:
        if record.role is MessageRole.AGENT:
            replies[record.ticket].append(record.at)  # in time order, as the records are
    return replies


def _next_reply(
    replies: dict[str, list[datetime]], ticket: str, after: datetime
) -> datetime | None:
    return next((at for at in replies.get(ticket, ()) if at > after), None)


def _promise_figures(
    promises: Sequence[Obligation], replies: dict[str, list[datetime]], end: datetime
) -> PromiseFigures:
    states = Counter(o.state for o in promises)
    late = Counter[str]()
    for obligation in promises:
        if obligation.state is ObligationState.BROKEN:
            late[_lateness(obligation, replies, end)] += 1
    labels = [label for _, label in LATENESS_BINS] + [NO_REPLY]
    return PromiseFigures(
        made=len(promises), kept=states[ObligationState.KEPT],
        broken=states[ObligationState.BROKEN],
        open=states[ObligationState.OPEN] + states[ObligationState.REMINDED],
        cancelled=states[ObligationState.CANCELLED],
        late=tuple((label, late[label]) for label in labels),
    )  # fmt: skip


def _lateness(obligation: Obligation, replies: dict[str, list[datetime]], end: datetime) -> str:
    reply = _next_reply(replies, obligation.ticket, obligation.due_at)
    if reply is None or reply >= end:
        return NO_REPLY
    delay = reply - obligation.due_at
    return next(label for bound, label in LATENESS_BINS if delay < bound)


def _follow_up_figures(follow_ups: Sequence[Obligation]) -> FollowUpFigures:
    return FollowUpFigures(
        opened=len(follow_ups),
        done=sum(o.state is ObligationState.KEPT for o in follow_ups),
        recurred=sum(o.outcome == "recurred" for o in follow_ups),
        open=sum(o.state in _ACTIVE for o in follow_ups),
    )


def _rule_figures(records: Iterable[MessageRecord], *, examples: bool) -> tuple[RuleFigures, ...]:
    counts = Counter[str]()
    first: dict[str, str] = {}
    for record in records:
        if record.role is not MessageRole.AGENT:
            continue
        counts.update(record.codes)
        for rule, quote in zip(record.codes, record.quotes, strict=False):
            first.setdefault(rule, quote)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        RuleFigures(rule, count, anonymise(first[rule]) if examples and rule in first else None)
        for rule, count in ranked
    )


def _agent_figures(
    records: Iterable[MessageRecord],
    promises: Sequence[Obligation],
    authors: dict[tuple[str, str], str | None],
    day_of: _DayIndex,
) -> tuple[AgentFigures, ...]:
    difficult: dict[str, list[int]] = defaultdict(lambda: [0] * day_of.count)
    for record in records:
        if record.role is MessageRole.CUSTOMER and record.stage in DIFFICULT:
            difficult[record.agent or UNASSIGNED][day_of(record.at)] += 1
    made: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    broken: Counter[str] = Counter()
    for obligation in promises:
        agent = authors.get((obligation.ticket, obligation.comment_id or "")) or UNASSIGNED
        made[agent] += 1
        kept[agent] += obligation.state is ObligationState.KEPT
        broken[agent] += obligation.state is ObligationState.BROKEN
    names = set(difficult) | set(made)
    figures = []
    for name in names:
        per_day = tuple(difficult.get(name, [0] * day_of.count))
        figures.append(
            AgentFigures(name, sum(per_day), per_day, made[name], kept[name], broken[name])
        )
    return tuple(sorted(figures, key=lambda a: (-a.difficult, -a.promises_made, a.agent)))


def _attention(
    records: Sequence[MessageRecord],
    promises: Sequence[Obligation],
    replies: dict[str, list[datetime]],
    authors: dict[tuple[str, str], str | None],
    end: datetime,
) -> tuple[AttentionTicket, ...]:
    latest: dict[str, MessageRecord] = {}
    for record in records:
        latest[record.ticket] = record
    found: dict[str, AttentionTicket] = {}
    for obligation in promises:
        if obligation.state is ObligationState.BROKEN and (
            _lateness(obligation, replies, end) == NO_REPLY
        ):
            agent = authors.get((obligation.ticket, obligation.comment_id or ""))
            reason = "broken promise, no reply since"
            found.setdefault(
                obligation.ticket,
                AttentionTicket(obligation.ticket, reason, obligation.due_at, agent),
            )
    for ticket, record in latest.items():
        if record.role is MessageRole.CUSTOMER and record.stage is Stage.IRATE:
            found.setdefault(
                ticket, AttentionTicket(ticket, "irate and unanswered", record.at, record.agent)
            )
    return tuple(sorted(found.values(), key=lambda t: (t.since, t.ticket)))
