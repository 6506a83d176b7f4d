"""A scripted month of support, played through the running system so the report's figures are known.

Every week of March 2026 eight tickets run the same eight stories, each event delivered as a
signed webhook to :class:`~deescalate.runtime.Runtime` on a :class:`FakeHelpdesk`, with one
:class:`FrozenClock` moved to the event's time and the inbox, outbox and worker run after it:

1. Ana promises a callback after an angry message and keeps it; the ticket is solved and she
   checks back when the follow-up comes due.
2. Ben answers an upset customer with "calm down" and a callback promise he breaks; he replies
   the next morning (19 hours late).
3. Ben promises a callback to an angry customer and breaks it, with no reply since.
4. An irate customer of Cy's is not answered.
5. Ana solves an angry customer's ticket; two hours later the problem is back.
6. A calm question, answered by Cy and solved (no follow-up).
7. Cy promises a callback; the customer cancels it.
8. Ana calms an angry customer down.

Per week: 11 customer messages, 4 promises (1 kept, 2 broken, 1 cancelled), 2 follow-ups (one
done, one recurred), one broken promise 4 to 24 hours late and one with no reply yet.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from deescalate.calendar import BusinessCalendar
from deescalate.helpdesk import Comment, TicketRef
from deescalate.runtime import Runtime
from deescalate.settings import Settings
from deescalate.testing import FakeHelpdesk, FrozenClock

__all__ = ["END", "MONTH", "START", "WEEKS", "Month", "play_month"]

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 4, 1, tzinfo=UTC)
MONDAYS = tuple(datetime(2026, 3, day, tzinfo=UTC) for day in (2, 9, 16, 23))
WEEKS = len(MONDAYS)

ANGRY = "You're not listening! This is the THIRD time I'm writing about the router!!"
UPSET = "I'm really disappointed. The router has been dropping for two days and nobody helps."
IRATE = "Get me your supervisor NOW or I'm calling my lawyer. This is a joke. UNACCEPTABLE!!!"
PROMISE = "I'm sorry about this. I'll call you back by 3pm."
CALM_DOWN = "Please calm down. I'll call you back by 3pm."

# The figures the script makes, per week (see the module docstring).
MONTH = {
    "customer_messages": 11 * WEEKS,
    "promises": {"made": 4 * WEEKS, "kept": WEEKS, "broken": 2 * WEEKS, "open": 0},
    "cancelled": WEEKS,
    "follow_ups": {"opened": 2 * WEEKS, "done": WEEKS, "recurred": WEEKS},
    "late": {"4-24 h": WEEKS, "no reply yet": WEEKS},
    "agents": {"Ana": (4, 0), "Ben": (8, 8), "Cy": (4, 0)},  # promises made, broken
    "calm_down_replies": WEEKS,
}

Action = Callable[[], None]


@dataclass(frozen=True, slots=True)
class Month:
    """Where the played month is stored, and the tickets left waiting."""

    database: str
    unanswered_irate: tuple[str, ...]
    broken_without_reply: tuple[str, ...]


class _Script:
    def __init__(self, desk: FakeHelpdesk) -> None:
        self.desk = desk
        self.events: list[tuple[datetime, int, Action]] = []
        self.deliveries = 0

    def at(self, moment: datetime, action: Action) -> None:
        self.events.append((moment, len(self.events), action))

    def ticket(self, assignee: str) -> TicketRef:
        return self.desk.create_ticket("Router", requester_name="Maria Lopez", assignee=assignee)

    def says(
        self, moment: datetime, ref: TicketRef, role: str, text: str, author: str = ""
    ) -> None:
        def act() -> None:
            comment = self.desk.add_comment(ref, role, text, author=author or None)
            self.deliver(ref, {"kind": "comment-added", "comment": _comment_json(comment)})

        self.at(moment, act)

    def solves(self, moment: datetime, ref: TicketRef) -> None:
        def act() -> None:
            self.desk.set_status(ref, "solved")
            self.deliver(ref, {"kind": "solved"})

        self.at(moment, act)

    def ticks(self, moment: datetime) -> None:
        self.at(moment, lambda: None)

    def deliver(self, ref: TicketRef, event: dict[str, object]) -> None:
        self.deliveries += 1
        ident = f"d-{self.deliveries}"
        at = self.desk.clock().isoformat()
        body = json.dumps(
            {
                "delivery_id": ident,
                "events": [{**event, "ticket": str(ref), "at": at, "delivery_id": ident}],
            }
        ).encode()
        self.pending.append((self.desk.sign(body), body))

    pending: list[tuple[dict[str, str], bytes]]


def _comment_json(comment: Comment) -> dict[str, object]:
    return {
        "id": comment.id,
        "author_role": comment.author_role.value,
        "body": comment.body,
        "public": comment.public,
    }


def _week(script: _Script, monday: datetime) -> tuple[str, str]:
    def on(day: int, hour: int, minute: int = 0) -> datetime:
        return monday + timedelta(days=day, hours=hour, minutes=minute)

    kept = script.ticket("Ana")
    script.says(on(0, 9), kept, "customer", ANGRY)
    script.says(on(0, 9, 30), kept, "agent", PROMISE, "Ana")
    script.says(on(0, 13), kept, "agent", "As we said: the engineer fixed the line today.", "Ana")
    script.solves(on(0, 13, 30), kept)
    script.says(on(3, 11), kept, "agent", "Checking in: is the router still stable?", "Ana")

    late = script.ticket("Ben")
    script.says(on(0, 9, 10), late, "customer", UPSET)
    script.says(on(0, 9, 40), late, "agent", CALM_DOWN, "Ben")
    script.ticks(on(0, 14, 5))
    script.ticks(on(0, 15, 5))
    script.says(on(1, 10), late, "agent", "Apologies for the delay, the line is fixed now.", "Ben")

    silent = script.ticket("Ben")
    script.says(on(1, 9), silent, "customer", ANGRY)
    script.says(on(1, 9, 30), silent, "agent", PROMISE, "Ben")
    script.ticks(on(1, 14, 5))
    script.ticks(on(1, 15, 5))

    irate = script.ticket("Cy")
    script.says(on(1, 11), irate, "customer", IRATE)

    recurred = script.ticket("Ana")
    script.says(on(2, 9), recurred, "customer", ANGRY)
    script.says(
        on(2, 9, 20), recurred, "agent", "The line is fixed now, sorry for the trouble.", "Ana"
    )
    script.solves(on(2, 9, 30), recurred)
    script.says(
        on(2, 11, 30), recurred, "customer", "It's happening again, the router broke again."
    )

    calm = script.ticket("Cy")
    script.says(on(2, 10), calm, "customer", "Could you tell me how to change my billing address?")
    script.says(on(2, 10, 15), calm, "agent", "Sure: open Settings, then Billing.", "Cy")
    script.solves(on(2, 10, 30), calm)

    cancelled = script.ticket("Cy")
    script.says(on(3, 9), cancelled, "customer", UPSET)
    script.says(on(3, 9, 20), cancelled, "agent", PROMISE, "Cy")
    script.says(on(3, 11), cancelled, "customer", "No need to call anymore, it's sorted now.")

    calmer = script.ticket("Ana")
    script.says(on(4, 9), calmer, "customer", ANGRY)
    script.says(on(4, 9, 20), calmer, "agent", "You're right, and I'm sorry: that's on us.", "Ana")
    script.says(on(4, 10), calmer, "customer", "Thank you, that helps. I appreciate it.")
    return str(irate), str(silent)


def play_month(database: Path) -> Month:
    """Play the month into a new SQLite ledger at ``database``."""
    clock = FrozenClock(MONDAYS[0])
    desk = FakeHelpdesk(clock=clock)
    script = _Script(desk)
    script.pending = []
    waiting = [_week(script, monday) for monday in MONDAYS]
    runtime = Runtime.build(
        Settings(database_url=str(database), timezone="UTC"),
        helpdesk=desk,
        clock=clock,
        calendar=BusinessCalendar.standard("UTC"),
        worker_id="month",
    )
    with runtime:
        assert runtime.inbox is not None
        for moment, _, action in sorted(script.events, key=lambda e: (e[0], e[1])):
            clock.now = moment
            action()
            for headers, body in script.pending:
                runtime.inbox.receive(headers, body)
            script.pending.clear()
            runtime.run_once()
    return Month(
        str(database),
        unanswered_irate=tuple(irate for irate, _ in waiting),
        broken_without_reply=tuple(silent for _, silent in waiting),
    )
