"""``deescalate backfill NAME --since 30d``: assess and tag a period's tickets in bulk, resumably."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from deescalate.cli.context import add_db_argument, build_runtime
from deescalate.cli.io import CliInputError, Progress

__all__ = ["parse_since", "register"]

_AGO = re.compile(r"^(\d{1,5})([dhw])$")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "backfill",
        help="assess and tag the tickets a helpdesk changed in a period",
        description="Walk the helpdesk's bulk export of tickets changed since --since, assess each "
        "conversation, tag the stage and routing signals in bulk and open obligations for promises "
        "still ahead. Interrupted, the same command resumes from its stored cursor.",
    )
    parser.add_argument("helpdesk", metavar="NAME", help="an installed adapter, e.g. zendesk")
    parser.add_argument(
        "--since",
        required=True,
        help="how far back: 30d, 12h, 2w, or an ISO 8601 date or time (UTC when no offset)",
    )
    parser.add_argument(
        "--jql",
        dest="query",
        metavar="QUERY",
        help='narrow the tickets in the helpdesk\'s query language (Jira: "project = SUP")',
    )
    parser.add_argument(
        "--restart", action="store_true", help="ignore a stored cursor and start from --since"
    )
    add_db_argument(parser)
    parser.set_defaults(func=run)


def parse_since(text: str, now: datetime) -> datetime:
    """``30d``/``12h``/``2w`` before ``now``, or an ISO 8601 date or time."""
    found = _AGO.match(text.strip())
    if found:
        amount, unit = int(found.group(1)), found.group(2)
        unit_name = {"d": "days", "h": "hours", "w": "weeks"}[unit]
        return now - timedelta(**{unit_name: amount})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CliInputError(
            f"--since takes 30d, 12h, 2w or an ISO 8601 date, not {text!r}"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run(args: argparse.Namespace) -> int:
    from deescalate.backfill import Backfill
    from deescalate.helpdesk import BulkHelpdesk

    with build_runtime(args, helpdesk=args.helpdesk) as runtime:
        desk = runtime.helpdesk
        if not isinstance(desk, BulkHelpdesk):
            raise CliInputError(f"the {args.helpdesk!r} adapter cannot export tickets in bulk")
        since = parse_since(args.since, runtime.clock())
        progress = Progress("tickets", every=100)
        backfill = Backfill(
            desk, runtime.pipeline, runtime.ledger, runtime.store, clock=runtime.clock
        )
        report = backfill.run(since, restart=args.restart, query=args.query, progress=progress.step)
        progress.done()
    sys.stdout.write(report.summary() + "\n")
    for ref, error in report.failed[:20]:
        sys.stdout.write(f"  failed {ref}: {error}\n")
    if len(report.failed) > 20:
        sys.stdout.write(f"  ... and {len(report.failed) - 20} more\n")
    return 1 if report.failed else 0
