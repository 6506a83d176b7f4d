"""One place that wires the running parts from :class:`~deescalate.settings.Settings`.

The CLI, the webhook service and the demo all build their store, ledger, pipeline, outbox, inbox
and worker here, so a ``DEESCALATE_`` setting means the same thing everywhere. Everything that
matters for behaviour is injectable (assessor, coach, macro library, calendar, clock, helpdesk),
and one clock is shared by every part::

    with Runtime.build(Settings(database_url="ledger.db"), helpdesk="fake") as runtime:
        runtime.inbox.receive(headers, body)
        runtime.run_once()
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from deescalate.assessment import Assessor
from deescalate.calendar import BusinessCalendar
from deescalate.coach import Coach
from deescalate.errors import ConfigurationError, HelpdeskError, StoreError
from deescalate.helpdesk import Helpdesk
from deescalate.inbox import Inbox, ProcessStats
from deescalate.macros import MacroLibrary
from deescalate.obligations import Ledger, Policy
from deescalate.outbox import DispatchStats, Outbox
from deescalate.pipeline import Pipeline, TagPolicy
from deescalate.plugins import load_helpdesk
from deescalate.settings import Settings
from deescalate.store import Store, open_store
from deescalate.worker import Worker

__all__ = ["RunStats", "Runtime", "build_helpdesk", "helpdesk_calendar", "open_ledger_store"]

Clock = Callable[[], datetime]

log = logging.getLogger("deescalate.runtime")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build_helpdesk(name: str, environ: Mapping[str, str] | None = None) -> Helpdesk:
    """The adapter registered as ``name``, built with its ``from_env(environ)`` (``fake``: the
    in-memory :class:`~deescalate.testing.FakeHelpdesk`)."""
    if name == "fake":
        from deescalate.testing import FakeHelpdesk

        return FakeHelpdesk.from_env(environ)
    cls = load_helpdesk(name)
    from_env = getattr(cls, "from_env", None)
    if from_env is None:
        raise ConfigurationError(
            f"helpdesk adapter {name!r} has no from_env(): it does not implement the Helpdesk protocol"
        )
    desk = from_env(environ)
    if not isinstance(desk, Helpdesk):
        raise ConfigurationError(
            f"helpdesk adapter {name!r} does not implement the Helpdesk protocol"
        )
    return desk


def helpdesk_calendar(desk: Helpdesk | None) -> BusinessCalendar | None:
    """The helpdesk's own business hours, when its adapter reads them (Zendesk's schedules);
    None when it has none, or cannot say (a plan without schedules answers 403 or 404)."""
    read = getattr(desk, "business_calendar", None)
    if read is None:
        return None
    try:
        calendar = read()
    except HelpdeskError as exc:
        log.info(
            "no business hours from the helpdesk (%s): using DEESCALATE_TIMEZONE",
            exc.__class__.__name__,
        )
        return None
    if not isinstance(calendar, BusinessCalendar):
        return None
    log.info("business hours from the helpdesk, in %s", calendar.tz)
    return calendar


def open_ledger_store(url: str, *, must_exist: bool = False) -> Store:
    """Open the store at ``url``; with ``must_exist`` a SQLite file that is not there is an
    error instead of a new empty database (read commands use this)."""
    if must_exist:
        path = (
            url.removeprefix("sqlite:///") if "://" not in url or url.startswith("sqlite:") else ""
        )
        if path not in ("", ":memory:") and not Path(path).exists():
            raise StoreError(f"no ledger at {path}: check --db or DEESCALATE_DATABASE_URL")
    return open_store(url)


@dataclass(slots=True)
class RunStats:
    """What one :meth:`Runtime.run_once` did."""

    inbox: ProcessStats
    outbox: DispatchStats
    obligations: int


@dataclass(slots=True)
class Runtime:
    """The running parts, built together; see the module docstring."""

    settings: Settings
    clock: Clock
    store: Store
    ledger: Ledger
    pipeline: Pipeline
    helpdesk: Helpdesk | None = None
    outbox: Outbox | None = None
    inbox: Inbox | None = None
    worker: Worker | None = None

    @classmethod
    def build(
        cls,
        settings: Settings | None = None,
        *,
        helpdesk: Helpdesk | str | None = None,
        database_url: str | None = None,
        clock: Clock | None = None,
        worker_id: str | None = None,
        assessor: Assessor | None = None,
        coach: Coach | None = None,
        macros: MacroLibrary | None = None,
        calendar: BusinessCalendar | None = None,
        must_exist: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> Runtime:
        """Build every part from ``settings`` (``Settings()`` by default); arguments override.

        Without a ``helpdesk`` (or ``settings.helpdesk``) there is no outbox, inbox or worker:
        enough for commands that only read or write the ledger. A helpdesk named here is built
        with its ``from_env(environ)`` (``os.environ`` when None).
        """
        settings = settings or Settings()
        clock = clock or _utc_now
        worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}"
        tags = TagPolicy(settings.tag_prefix)
        policy = Policy(
            remind_outside_hours=settings.remind_outside_hours,
            reminder_tag=tags.promise_due,
            follow_up_tag=tags.follow_up_due,
            escalate_tags=(tags.broken_promise,),
            escalate_priority=settings.escalate_priority or None,
        )
        if macros is None and settings.macro_files:
            macros = MacroLibrary.load(settings.macro_files)
        store = open_ledger_store(database_url or settings.database_url, must_exist=must_exist)
        try:
            name = helpdesk if helpdesk is not None else settings.helpdesk
            desk = None
            if name is not None:
                desk = build_helpdesk(name, environ) if isinstance(name, str) else name
            if calendar is None:
                calendar = helpdesk_calendar(desk) or BusinessCalendar.standard(settings.timezone)
            ledger = Ledger(store, policy=policy, calendar=calendar, clock=clock)
            pipeline = Pipeline(
                assessor=assessor or settings.assessor(),
                coach=coach or settings.coach(),
                macros=macros,
                calendar=calendar,
                tags=tags,
                company=settings.company,
            )
            runtime = cls(settings, clock, store, ledger, pipeline)
            if desk is None:
                return runtime
            runtime.helpdesk = desk
            runtime.outbox = Outbox(store, desk, worker_id=worker_id, clock=clock)
            runtime.inbox = Inbox(
                store, desk, pipeline, ledger, runtime.outbox, worker_id=worker_id, clock=clock
            )
            runtime.worker = Worker(
                ledger,
                desk,
                worker_id=worker_id,
                clock=clock,
                macros=macros,
                note_locale=settings.note_locale,
            )
            return runtime
        except BaseException:
            store.close()
            raise

    def run_once(self, limit: int = 100, *, obligations: bool = True) -> RunStats:
        """Process due deliveries, write queued changes, and dispatch due obligations, once.

        With ``obligations=False`` due obligations are left to ``deescalate worker`` processes
        (``deescalate serve --no-worker``): only deliveries and their changes are handled.
        """
        if self.inbox is None or self.outbox is None or self.worker is None:
            raise ConfigurationError("this runtime has no helpdesk: pass --helpdesk")
        inbox = self.inbox.process(limit)
        outbox = self.outbox.dispatch(limit)
        if not obligations:
            return RunStats(inbox, outbox, 0)
        dispatched = self.worker.run_once()
        outbox_after = self.outbox.dispatch(limit)
        outbox.written += outbox_after.written
        outbox.calls += outbox_after.calls
        return RunStats(inbox, outbox, dispatched)

    def close(self) -> None:
        """Close the helpdesk and the store."""
        try:
            if self.helpdesk is not None:
                self.helpdesk.close()
        finally:
            self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
