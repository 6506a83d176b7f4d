"""``deescalate worker``: dispatch due reminders, follow-ups and broken-promise escalations."""

from __future__ import annotations

import argparse
import logging
import os
import socket
from datetime import timedelta
from typing import Any

from deescalate.cli.io import CliInputError, load_settings

__all__ = ["open_ledger", "register"]


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help="the ledger: a SQLite file path, sqlite:///path or postgresql://... "
        "(default: $DEESCALATE_DATABASE_URL, else deescalate.db)",
    )
    parser.add_argument(
        "--tz", default=None, help="the business calendar's IANA time zone (default: UTC)"
    )


def open_ledger(args: argparse.Namespace) -> Any:
    from deescalate.calendar import BusinessCalendar
    from deescalate.errors import DeescalateError
    from deescalate.obligations import Ledger, Policy
    from deescalate.store import open_store

    settings = load_settings()
    outside_hours = getattr(args, "outside_hours", False) or settings.remind_outside_hours
    try:
        calendar = BusinessCalendar.standard(args.tz or settings.timezone)
        return Ledger(
            open_store(args.db or settings.database_url),
            calendar=calendar,
            policy=Policy(remind_outside_hours=outside_hours),
        )
    except DeescalateError as exc:
        raise CliInputError(str(exc)) from exc


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="send reminders and follow-ups for due obligations",
        description="Claim due obligations from the ledger and dispatch them through a helpdesk "
        "until stopped (SIGTERM or Ctrl-C finish the obligation in hand, then exit).",
    )
    add_db_argument(parser)
    parser.add_argument(
        "--helpdesk", default="fake", help="an installed adapter name, or 'fake' (default)"
    )
    parser.add_argument("--batch", type=int, default=100, help="obligations claimed at a time")
    parser.add_argument("--poll", type=float, default=5.0, help="seconds between empty claims")
    parser.add_argument("--lease", type=float, default=300.0, help="seconds a claim is held")
    parser.add_argument("--once", action="store_true", help="handle one batch and exit")
    parser.add_argument(
        "--outside-hours",
        action="store_true",
        help="send reminders even while the business calendar is closed "
        "(default: $DEESCALATE_REMIND_OUTSIDE_HOURS, else defer them to the next opening)",
    )
    parser.add_argument(
        "--id", dest="worker_id", default=None, help="worker id (default: host:pid)"
    )
    parser.set_defaults(func=run)


def _helpdesk(name: str) -> Any:
    from deescalate.errors import ConfigurationError
    from deescalate.helpdesk import Helpdesk
    from deescalate.plugins import load_helpdesk
    from deescalate.testing import FakeHelpdesk

    if name == "fake":
        return FakeHelpdesk()
    try:
        cls = load_helpdesk(name)
        desk = cls.from_environment() if hasattr(cls, "from_environment") else None
    except ConfigurationError as exc:
        raise CliInputError(str(exc)) from exc
    if not isinstance(desk, Helpdesk):
        raise CliInputError(
            f"the {name!r} adapter cannot run the worker yet: it does not implement the Helpdesk protocol"
        )
    return desk


def run(args: argparse.Namespace) -> int:
    from deescalate.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.batch < 1 or args.poll < 0 or args.lease <= 0:
        raise CliInputError("--batch must be at least 1, --poll 0 or more, --lease positive")
    ledger = open_ledger(args)
    worker = Worker(
        ledger,
        _helpdesk(args.helpdesk),
        worker_id=args.worker_id or f"{socket.gethostname()}:{os.getpid()}",
        batch=args.batch,
        poll=args.poll,
        lease=timedelta(seconds=args.lease),
    )
    try:
        if args.once:
            worker.run_once()
        else:
            worker.install_signal_handlers()
            worker.run()
    finally:
        ledger.store.close()
    return 0
