"""The hands-off story, end to end: a ticket escalates and deescalate handles it by itself.

Run: python examples/hands_off.py      (``make demo`` runs it; ``--help`` for the options)

Everything is the real thing except the helpdesk's site and the clock: the webhook service
(Starlette on uvicorn) listens on 127.0.0.1 with a SQLite database in a temporary folder, the
Zendesk adapter talks HTTP to a local fake Zendesk, and the deliveries are signed and sent over
HTTP. The customer writes, gets angrier, the agent promises a call-back and misses it, apologises,
keeps the next promise and solves the ticket; the service tags the ticket, posts one internal
note with suggested wording, opens obligations for the promises, and its worker reminds, flags
the broken promise and asks the agent to check back. The clock is simulated so that the
afternoon and the two days until the check-back pass in seconds.

Without the Zendesk adapter installed the in-memory ``FakeHelpdesk`` stands in for the same
story. Import :func:`tell` to run it from code: it returns what happened, chapter by chapter.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO
from zoneinfo import ZoneInfo

import httpx

from deescalate.cli.io import STAGE_COLOURS, Style
from deescalate.helpdesk import Helpdesk, find_note_marker
from deescalate.obligations import Obligation, ObligationKind
from deescalate.runtime import Runtime
from deescalate.settings import Settings
from deescalate.store import EntryState
from deescalate.testing import FakeHelpdesk, FrozenClock

if TYPE_CHECKING:
    from deescalate.service.background import BackgroundProcessor

__all__ = ["Chapter", "Story", "main", "tell"]

AGENTS_ZONE = "Europe/Berlin"
ZONE = ZoneInfo(AGENTS_ZONE)
MONDAY = datetime(2026, 3, 2, tzinfo=ZONE)  # Monday 2 March 2026, a business day
COMPANY = "Northwind Broadband"
RULE_WIDTH = 78
WAIT_SECONDS = 20.0
"""How long to wait for the service to finish a piece of work before giving up."""

Signed = tuple[dict[str, str], bytes]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the story: ``day`` days after Monday, at ``hour:minute`` in Berlin."""
    return (MONDAY + timedelta(days=day)).replace(hour=hour, minute=minute).astimezone(UTC)


def local(moment: datetime) -> str:
    """``Mon 15:00``: a moment as the agents read it."""
    return moment.astimezone(ZONE).strftime("%a %H:%M")


# --- the local helpdesk ---------------------------------------------------------------------------


class LocalHelpdesk(Protocol):
    """A helpdesk on this machine with one ticket: what the story writes and reads back."""

    helpdesk: Helpdesk
    ticket: str

    def write(self, role: str, text: str, event_id: str) -> Signed:
        """Add a public comment by the customer or the agent; its signed delivery."""

    def solve(self, event_id: str) -> Signed:
        """Mark the ticket solved; the signed delivery of that status change."""

    def tags(self) -> list[str]: ...

    def notes(self) -> list[str]: ...

    def priority(self) -> str | None: ...

    def close(self) -> None: ...


class LocalZendesk:
    """The Zendesk adapter (zenpy over HTTP) against the fake Zendesk server on 127.0.0.1."""

    def __init__(self, clock: FrozenClock) -> None:
        from deescalate_zendesk import ZendeskHelpdesk
        from deescalate_zendesk.testing import FakeZendeskServer

        self.clock = clock
        self.server = FakeZendeskServer(clock=clock).start()
        self.customer = self.server.add_user("Dana Whitfield")
        self.agent = self.server.add_user("Sam Okafor", role="agent")
        self.ticket_id = self.server.add_ticket(
            "Router drops every evening", requester=self.customer, assignee=self.agent
        )
        settings = self.server.settings(bot_user_id=self.server.bot_id, time_zone=AGENTS_ZONE)
        self.helpdesk: Helpdesk = ZendeskHelpdesk(settings, clock=clock)
        self.ticket = f"zendesk:{self.ticket_id}"

    def write(self, role: str, text: str, event_id: str) -> Signed:
        author = self.customer if role == "customer" else self.agent
        added = self.server.add_comment(self.ticket_id, author, text)
        return self.server.comment_added_delivery(
            self.ticket_id, text, event_id=event_id, author_id=author, comment_id=int(added["id"])
        )

    def solve(self, event_id: str) -> Signed:
        # The agent solves the ticket in Zendesk, which sends a ticket.status_changed event.
        ticket = self.server.state.tickets[self.ticket_id]
        ticket["status"] = "solved"
        stamp = self.clock().strftime("%Y-%m-%dT%H:%M:%SZ")
        payload = {
            "id": event_id,
            "type": "zen:event-type:ticket.status_changed",
            "account_id": 1,
            "subject": f"zen:ticket:{self.ticket_id}",
            "time": stamp,
            "zendesk_event_version": "2022-11-06",
            "detail": {"id": str(self.ticket_id), "status": "SOLVED", "tags": ticket["tags"]},
            "event": {"current": "SOLVED", "previous": "OPEN"},
        }
        body = json.dumps(payload).encode("utf-8")
        return self.server.sign(body), body

    def tags(self) -> list[str]:
        return sorted(self.server.tags(self.ticket_id))

    def notes(self) -> list[str]:
        return [str(note["body"]) for note in self.server.notes(self.ticket_id)]

    def priority(self) -> str | None:
        value = self.server.state.tickets[self.ticket_id]["priority"]
        return str(value) if value else None

    def close(self) -> None:
        self.server.stop()


class LocalFake:
    """The in-memory :class:`~deescalate.testing.FakeHelpdesk`, when no adapter is installed."""

    def __init__(self, clock: FrozenClock) -> None:
        self.desk = FakeHelpdesk(clock=clock)
        self.helpdesk: Helpdesk = self.desk
        self.ref = self.desk.create_ticket(
            "Router drops every evening", requester_name="Dana Whitfield", assignee="Sam Okafor"
        )
        self.ticket = str(self.ref)

    def write(self, role: str, text: str, event_id: str) -> Signed:
        comment = self.desk.add_comment(self.ref, role, text)
        data = {"id": comment.id, "author_role": role, "body": text, "public": True}
        return self._delivery(event_id, "comment-added", comment.created_at, comment=data)

    def solve(self, event_id: str) -> Signed:
        self.desk.set_status(self.ref, "solved")
        return self._delivery(event_id, "solved", self.desk.clock(), status="solved")

    def _delivery(self, event_id: str, kind: str, moment: datetime, **extra: Any) -> Signed:
        event = {
            "kind": kind,
            "ticket": self.ticket,
            "at": moment.isoformat(),
            "delivery_id": event_id,
            **extra,
        }
        body = json.dumps({"delivery_id": event_id, "events": [event]}).encode("utf-8")
        return self.desk.sign(body), body

    def tags(self) -> list[str]:
        return sorted(self.desk.tickets[self.ref].tags)

    def notes(self) -> list[str]:
        return [note.body for note in self.desk.notes(self.ref)]

    def priority(self) -> str | None:
        value = self.desk.tickets[self.ref].priority
        return value.value if value else None

    def close(self) -> None:
        """Nothing to stop: the runtime closes the helpdesk."""


def local_helpdesk(choice: str, clock: FrozenClock, say: Callable[[str], None]) -> LocalHelpdesk:
    """The Zendesk adapter on its fake when installed (``choice`` ``auto`` or ``zendesk``),
    else the in-memory fake, saying how to install the adapter."""
    if choice == "fake":
        return LocalFake(clock)
    try:
        return LocalZendesk(clock)
    except ImportError:
        if choice == "zendesk":
            raise
    say(
        "The Zendesk adapter is not installed, so the in-memory FakeHelpdesk plays the helpdesk.\n"
        "For the real adapter against a local fake Zendesk: pip install -e adapters/zendesk\n"
        '(from a clone), or pip install "deescalate[zendesk]".\n'
    )
    return LocalFake(clock)


# --- the service on loopback ----------------------------------------------------------------------


@dataclass(slots=True)
class Service:
    """The webhook service running in this process: its address and its background thread."""

    url: str
    processor: BackgroundProcessor

    def wake(self) -> None:
        """Start a background round now (the clock moved: obligations may be due)."""
        self.processor.wake()


@contextlib.contextmanager
def serve(runtime: Runtime) -> Iterator[Service]:
    """``deescalate serve``'s app under uvicorn in a thread, on a free port of 127.0.0.1."""
    import uvicorn

    from deescalate.service import create_app

    app = create_app(runtime, poll=0.2)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="demo-service", daemon=True
    )
    thread.start()
    try:
        wait_for(lambda: server.started or not thread.is_alive(), "start")
        if not thread.is_alive():
            raise RuntimeError("the service stopped while starting")
        yield Service(f"http://127.0.0.1:{port}", app.state.processor)
    finally:
        server.should_exit = True
        thread.join(30)
        listener.close()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until it holds; a clear error if the service does not ``what`` in time."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the service did not {what} within {WAIT_SECONDS:g} s")
        time.sleep(0.01)


# --- what the story records -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Chapter:
    """One step of the story and what the ticket and the ledger showed after it."""

    key: str
    title: str
    at: datetime
    answer: int | None = None
    tags: tuple[str, ...] = ()
    added_tags: tuple[str, ...] = ()
    removed_tags: tuple[str, ...] = ()
    priority: str | None = None
    """The ticket's priority when this chapter changed it."""
    notes: tuple[str, ...] = ()
    opened: tuple[Obligation, ...] = ()
    changed: tuple[Obligation, ...] = ()


@dataclass(slots=True)
class Story:
    """Everything that happened, in order; ``helpdesk`` is ``zendesk`` or ``fake``."""

    helpdesk: str
    url: str = ""
    chapters: list[Chapter] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)

    def chapter(self, key: str) -> Chapter:
        """The chapter named ``key``."""
        for chapter in self.chapters:
            if chapter.key == key:
                return chapter
        raise KeyError(key)


# --- the script -------------------------------------------------------------------------------------

# (key, title, when, who, what): written for the demo. "who" is customer, agent, solve or clock.
SCRIPT: Sequence[tuple[str, str, datetime, str, str]] = (
    ("frustrated", "The customer writes in", at(0, 9, 2), "customer",
     "Hi, my router keeps dropping the connection every evening. I restarted it twice already, "
     "which is a bit annoying. Can you help?"),
    ("angry", "Nobody answers; the customer writes again, angrier", at(0, 9, 40), "customer",
     "You're not listening. This is the third time I'm writing about the router, and I work "
     "from home."),
    ("promise", "The agent replies with a promise", at(0, 10, 5), "agent",
     "I'm sorry, Dana, you should not have had to write three times. I'll call you back by 3pm "
     "today with a fix."),
    ("reminder", "The clock reaches the reminder time", at(0, 14, 0), "clock", ""),
    ("broken", "3 pm passes and nobody has called", at(0, 15, 1), "clock", ""),
    ("again", "The customer writes again", at(0, 15, 20), "customer",
     "It's half past three and nobody called me back. I want to speak to a manager."),
    ("apology", "The agent apologises and promises again", at(0, 15, 30), "agent",
     "I'm so sorry we missed the call, that was our mistake. Our technician found the fault on "
     "your line and fixed it. I'll email you the technician's report by 5pm today."),
    ("kept", "The agent keeps the new promise", at(0, 15, 50), "agent",
     "As promised, here is the technician's report: the line card was replaced at 15:40."),
    ("solved", "The agent solves the ticket", at(0, 16, 0), "solve", ""),
    ("follow-up", "Two business days later: time to check back", at(2, 10, 0), "clock", ""),
)  # fmt: skip


class Narrator:
    """Prints the story as it happens: colour on a terminal, plain text otherwise."""

    def __init__(self, out: TextIO, *, color: bool | None, pause: float) -> None:
        self.out = out
        self.style = Style(out, color=color)
        self.pause = pause

    def say(self, text: str = "") -> None:
        self.out.write(text + ("" if text.endswith("\n") else "\n"))
        self.out.flush()

    def heading(self, title: str) -> None:
        if self.pause:
            time.sleep(self.pause)
        self.say("")
        self.say(self.style(f"── {title} ".ljust(RULE_WIDTH, "─"), "1"))

    def quote(self, who: str, text: str) -> None:
        self.say(f"{self.style(who + ':', '1')} “{text}”")

    def answer(self, path: str, response: httpx.Response) -> None:
        body = response.json()
        if "status" in body:
            events = body.get("events")
            detail = f"{body['status']}: delivery {body.get('delivery')}"
            detail += f", {events} event{'s' if events != 1 else ''}" if events is not None else ""
        else:
            detail = str(body.get("error", body))
        status = f"{response.status_code} {detail}"
        colour = "32" if response.is_success else "31"
        self.say(f"  signed delivery: POST {path} → {self.style(status, colour)}")

    def tag_list(self, tags: Sequence[str], added: Sequence[str]) -> str:
        return ", ".join(self.style(t, self._tag_colour(t)) if t in added else t for t in tags)

    @staticmethod
    def _tag_colour(tag: str) -> str:
        stage = tag.rpartition("stage-")[2]
        return STAGE_COLOURS.get(stage, "1;35")

    def note(self, body: str) -> None:
        self.say("  " + self.style("internal note posted on the ticket:", "1"))
        lines = [line for line in body.splitlines() if find_note_marker(line) is None]
        while lines and not lines[-1].strip():
            lines.pop()
        for line in lines:
            self.say(self.style("    │", "2") + (" " + line if line else ""))


class Watch:
    """The ticket and the ledger as last seen, to tell what changed after each step."""

    def __init__(self, desk: LocalHelpdesk, runtime: Runtime) -> None:
        self.desk = desk
        self.runtime = runtime
        self.tags: list[str] = []
        self.notes = 0
        self.priority: str | None = None
        self.states: dict[str, str] = {}

    def obligations(self) -> list[Obligation]:
        found = self.runtime.store.search(ticket=self.desk.ticket)
        return sorted(found, key=lambda o: o.created_at or o.due_at)

    def moved(self) -> bool:
        """True once an obligation changed state since the last :meth:`observe`."""
        return any(self.states.get(o.id) != o.state.value for o in self.obligations())

    def observe(self, key: str, title: str, when: datetime, answer: int | None) -> Chapter:
        tags = self.desk.tags()
        added = tuple(t for t in tags if t not in self.tags)
        removed = tuple(t for t in self.tags if t not in tags)
        notes = self.desk.notes()
        new_notes = tuple(notes[self.notes :])
        obligations = self.obligations()
        opened = tuple(o for o in obligations if o.id not in self.states)
        changed = tuple(
            self.runtime.store.get(o.id)  # with its history, which says why it changed
            for o in obligations
            if o.id in self.states and self.states[o.id] != o.state.value
        )
        priority = self.desk.priority()
        raised = priority if priority != self.priority else None
        self.tags, self.notes, self.priority = tags, len(notes), priority
        self.states = {o.id: o.state.value for o in obligations}
        return Chapter(
            key, title, when, answer, tuple(tags), added, removed, raised, new_notes, opened,
            changed,
        )  # fmt: skip


def settled(runtime: Runtime) -> bool:
    """No delivery waits in the inbox and no change waits in the outbox."""
    inbox = runtime.store.inbox_counts()
    outbox = runtime.store.outbox_counts()
    return inbox.get(EntryState.PENDING, 0) == 0 and outbox.get(EntryState.PENDING, 0) == 0


def tell(
    out: TextIO | None = None,
    *,
    pause: float = 0.0,
    color: bool | None = None,
    helpdesk: str = "auto",
) -> Story:
    """Tell the story on ``out`` (stdout by default) and return what happened.

    ``pause`` is the real time in seconds to wait before each chapter, so a reader can follow;
    ``color`` forces colour on or off (default: on for a terminal, honouring NO_COLOR);
    ``helpdesk`` is ``auto`` (the Zendesk adapter when installed), ``zendesk`` or ``fake``.
    """
    if helpdesk not in ("auto", "zendesk", "fake"):
        raise ValueError(f"helpdesk must be auto, zendesk or fake, not {helpdesk!r}")
    narrator = Narrator(out or sys.stdout, color=color, pause=pause)
    style = narrator.style
    clock = FrozenClock(at(0, 9, 0))
    desk = local_helpdesk(helpdesk, clock, narrator.say)
    story = Story("zendesk" if isinstance(desk, LocalZendesk) else "fake")
    with contextlib.ExitStack() as stack:
        stack.callback(desk.close)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="deescalate-demo-")))
        settings = Settings(
            database_url=str(folder / "deescalate.db"), timezone=AGENTS_ZONE, company=COMPANY
        )
        runtime = stack.enter_context(
            Runtime.build(settings, helpdesk=desk.helpdesk, clock=clock, worker_id="demo")
        )
        service = stack.enter_context(serve(runtime))
        client = stack.enter_context(httpx.Client(base_url=service.url, timeout=10))
        story.url = service.url
        path = f"/hooks/{desk.helpdesk.name}"
        helpdesk_line = (
            "the Zendesk adapter against a local fake Zendesk"
            if story.helpdesk == "zendesk"
            else "the in-memory FakeHelpdesk"
        )
        narrator.say(
            style("deescalate, hands off", "1") + f": a ticket escalates on {COMPANY}'s helpdesk."
        )
        narrator.say(
            f"  service   {service.url} (POST {path}, /readyz: {client.get('/readyz').json()['status']})"
        )
        narrator.say(f"  helpdesk  {helpdesk_line}, ticket {desk.ticket}")
        narrator.say(f"  store     SQLite at {folder / 'deescalate.db'}")
        narrator.say(f"  clock     simulated, from {local(clock())}; agents work in {AGENTS_ZONE}, Mon-Fri 9-17")  # fmt: skip
        watch = Watch(desk, runtime)
        for number, (key, title, when, who, text) in enumerate(SCRIPT, start=1):
            clock.now = when
            narrator.heading(f"{local(when)} · {number}. {title}")
            answer = None
            if who == "clock":
                service.wake()
                wait_for(watch.moved, "dispatch the obligation that fell due")
            else:
                event_id = f"01DEMO{number:02d}"
                if who == "solve":
                    narrator.say(style("agent:", "1") + " marks the ticket solved")
                    headers, body = desk.solve(event_id)
                else:
                    narrator.quote(who, text)
                    headers, body = desk.write(who, text, event_id)
                response = client.post(path, content=body, headers=headers)
                narrator.answer(path, response)
                answer = response.status_code
                wait_for(lambda: settled(runtime), "process the delivery")
            chapter = watch.observe(key, title, when, answer)
            story.chapters.append(chapter)
            report(narrator, chapter)
        story.obligations = watch.obligations()
        summarise(narrator, story)
    return story


def report(narrator: Narrator, chapter: Chapter) -> None:
    """What changed on the ticket and in the ledger after one chapter."""
    style = narrator.style
    if chapter.added_tags or chapter.removed_tags:
        line = "  tags now: " + narrator.tag_list(chapter.tags, chapter.added_tags)
        if chapter.removed_tags:
            line += style(f"  (removed {', '.join(chapter.removed_tags)})", "2")
        narrator.say(line)
    if chapter.priority:
        narrator.say(f"  priority now: {style(chapter.priority, '1;31')}")
    for obligation in chapter.opened:
        narrator.say(opened_line(narrator, obligation))
    for obligation in chapter.changed:
        narrator.say(changed_line(narrator, obligation))
    for body in chapter.notes:
        narrator.note(body)
    if not (chapter.added_tags or chapter.removed_tags or chapter.opened or chapter.changed):
        narrator.say(style("  nothing new on the ticket", "2"))


def opened_line(narrator: Narrator, obligation: Obligation) -> str:
    style = narrator.style
    if obligation.kind is ObligationKind.FOLLOW_UP:
        return (
            f"  {style('follow-up opened', '1;36')}: check back {style(local(obligation.due_at), '36')} "
            "that the problem is gone (sooner the angrier the customer was)"
        )
    remind = f", reminder at {local(obligation.remind_at)}" if obligation.remind_at else ""
    return (
        f"  {style('promise found', '1;36')}: “{obligation.source}” ({obligation.action})\n"
        f"  {style('obligation opened', '1;36')}: follow-through due "
        f"{style(local(obligation.due_at), '36')}{remind}"
    )


def changed_line(narrator: Narrator, obligation: Obligation) -> str:
    style = narrator.style
    last = obligation.history[-1]
    what = "follow-up" if obligation.kind is ObligationKind.FOLLOW_UP else f"“{obligation.source}”"
    colour = {"kept": "32", "broken": "1;31"}.get(obligation.state.value, "33")
    label = {
        "reminded": "reminder fired" if last.kind == "reminded" else "check-back due",
        "broken": "promise broken",
        "kept": "promise kept",
    }.get(obligation.state.value, obligation.state.value)
    return f"  {style(label, colour)}: {what} is now {obligation.state.value} ({last.detail})"


def summarise(narrator: Narrator, story: Story) -> None:
    style = narrator.style
    narrator.heading("What deescalate did by itself")
    answers = [c.answer for c in story.chapters if c.answer is not None]
    notes = sum(len(c.notes) for c in story.chapters)
    narrator.say(
        f"  {len(answers)} signed deliveries, all acknowledged ({', '.join(map(str, sorted(set(answers))))})"
        f"; {notes} internal notes; tags {', '.join(story.chapters[-1].tags)}"
    )
    for obligation in story.obligations:
        what = (
            "follow-up" if obligation.kind is ObligationKind.FOLLOW_UP else f"“{obligation.source}”"
        )
        narrator.say(
            f"  {what}: {style(obligation.state.value, '1')}, due {local(obligation.due_at)}"
        )
    narrator.say(
        "\nFor real: deescalate setup zendesk --endpoint https://HOST/hooks/zendesk, then "
        "deescalate serve --helpdesk zendesk (docs/helpdesks/zendesk.md)."
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--pause",
        type=float,
        default=None,
        help="seconds to pause before each chapter (default: 0.5 on a terminal, else 0)",
    )
    parser.add_argument(
        "--helpdesk",
        choices=("auto", "zendesk", "fake"),
        default="auto",
        help="the local helpdesk (auto: the Zendesk adapter when installed)",
    )
    args = parser.parse_args(argv)
    pause = args.pause if args.pause is not None else (0.5 if sys.stdout.isatty() else 0.0)
    try:
        tell(sys.stdout, pause=pause, helpdesk=args.helpdesk)
    except BrokenPipeError:  # the reader stopped reading (| head): no traceback
        # As the Python docs advise: point stdout at devnull so that the flush at exit is quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except ImportError as exc:
        sys.stderr.write(
            f"The demo needs the webhook service's libraries ({exc.name or exc}): "
            "pip install 'deescalate[server]'\n"
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
