"""``deescalate report [--since 30d] --out report.html``: one page for support leads, or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deescalate.cli.backfill_cmd import parse_since
from deescalate.cli.context import add_db_argument, parse_now, settings_of
from deescalate.cli.io import CliInputError

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="a self-contained HTML page (or JSON) of stages, promises and agents for a period",
        description="Count a period's customer messages by stage, escalations, promises made, kept "
        "and broken, follow-ups, the reply-coach rules that fire most and each agent's difficult "
        "contacts, from the ledger, and write one HTML page that needs no network (charts need "
        'the report extra: pip install "deescalate[report]"), or the same figures as JSON.',
    )
    add_db_argument(parser)
    parser.add_argument(
        "--since",
        default="30d",
        help="the period's start: 30d, 12h, 2w before --until, or an ISO 8601 date or time "
        "(UTC when no offset; default 30d)",
    )
    parser.add_argument(
        "--until", metavar="TIME", help="the period's end, ISO 8601 with an offset (default: now)"
    )
    parser.add_argument(
        "--out", metavar="FILE", help="where to write the page or the JSON (default: stdout)"
    )
    parser.add_argument("--format", choices=("html", "json"), default="html")
    parser.add_argument(
        "--examples",
        action="store_true",
        help="include one anonymised example of the words each reply-coach rule flagged",
    )
    parser.add_argument(
        "--ticket-url",
        metavar="TEMPLATE",
        help="link tickets to the helpdesk: an address with {id} (and {system}), e.g. "
        "https://acme.zendesk.com/agent/tickets/{id}",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deescalate.report import build_report, render_page
    from deescalate.runtime import open_ledger_store

    settings = settings_of(args)
    now = datetime.now(UTC)
    end = parse_now(args.until) if args.until else now
    start = parse_since(args.since, end)
    if start >= end:
        raise CliInputError(f"--since {args.since!r} is not before the period's end {end}")
    tz = args.tz or settings.timezone
    # Only the store: a report reads what the running system recorded and assesses nothing.
    store = open_ledger_store(args.db or settings.database_url, must_exist=True)
    try:
        figures = build_report(store, start=start, end=end, tz=tz, examples=args.examples)
    finally:
        store.close()
    if args.format == "json":
        text = json.dumps(figures.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_page(figures, made_at=now, examples=args.examples, ticket_url=args.ticket_url)
    if args.out and args.out != "-":
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CliInputError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
        if figures.empty:
            print(
                f"deescalate report: nothing recorded in the period; wrote {args.out}",
                file=sys.stderr,
            )
    else:
        sys.stdout.write(text)
    return 0
