"""``deescalate obligations list|show|settle``: the ledger for operators."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from deescalate.cli.context import add_db_argument, build_runtime
from deescalate.cli.io import CliInputError, write_json

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "obligations",
        help="list, show and settle follow-through and follow-up obligations",
        description="Inspect and settle the obligation ledger.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list obligations")
    add_db_argument(listing)
    listing.add_argument("--state", choices=("open", "reminded", "kept", "broken", "cancelled"))
    listing.add_argument("--ticket", help="a ticket reference such as zendesk:123")
    listing.add_argument("--due-before", help="ISO 8601 time with an offset")
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--format", choices=("text", "json"), default="text")
    show = actions.add_parser("show", help="one obligation with its history")
    add_db_argument(show)
    show.add_argument("id")
    show.add_argument("--format", choices=("text", "json"), default="text")
    settle = actions.add_parser("settle", help="settle an obligation by hand")
    add_db_argument(settle)
    settle.add_argument("id")
    settle.add_argument("--state", choices=("kept", "broken", "cancelled"), required=True)
    settle.add_argument("--note", default="")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deescalate.errors import StoreError
    from deescalate.obligations import ObligationState

    runtime = build_runtime(args, must_exist=True)
    ledger = runtime.ledger
    try:
        if args.action == "list":
            due_before = _aware(args.due_before) if args.due_before else None
            found = ledger.store.search(
                state=ObligationState(args.state) if args.state else None,
                ticket=args.ticket, due_before=due_before, limit=args.limit,
            )  # fmt: skip
            if args.format == "json":
                write_json([o.to_dict() for o in found], indent=2)
            for ob in found if args.format == "text" else []:
                sys.stdout.write(
                    f"{ob.id}  {ob.kind.value:<14} {ob.state.value:<9} {ob.ticket:<16} "
                    f"due {ob.due_at.isoformat(timespec='minutes')}  {ob.action or ''}\n"
                )
            return 0
        try:
            if args.action == "show":
                ob = ledger.store.get(args.id)
            else:
                ob = ledger.settle(args.id, ObligationState(args.state), args.note)
        except StoreError as exc:
            raise CliInputError(str(exc)) from exc
        if getattr(args, "format", "text") == "json":
            write_json(ob.to_dict(), indent=2)
        else:
            data = ob.to_dict()
            for key in (
                "id",
                "kind",
                "state",
                "ticket",
                "action",
                "source",
                "due_at",
                "remind_at",
                "outcome",
            ):
                sys.stdout.write(f"{key:>10}: {data[key]}\n")
            for event in data["history"]:
                sys.stdout.write(f"    {event['at']}  {event['kind']}  {event['detail']}\n")
        return 0
    finally:
        runtime.close()


def _aware(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CliInputError(f"--due-before {value!r} is not ISO 8601") from exc
    if moment.tzinfo is None:
        raise CliInputError("--due-before needs a UTC offset, e.g. 2026-03-02T17:00+01:00")
    return moment
