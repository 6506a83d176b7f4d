"""``deescalate promises``: the promises in an agent's reply, with due times."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from deescalate.cli.io import CliInputError, Progress, Style, iter_jsonl, read_input, write_json

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "promises",
        help="find the agent's promises and when they are due",
        description="Find promises in an agent's reply (a file, or stdin) and resolve their due times.",
    )
    parser.add_argument("path", nargs="?", help="reply to read (default: stdin)")
    parser.add_argument("--sent-at", help="when the reply was sent, ISO 8601 (default: now)")
    parser.add_argument("--tz", default="UTC", help="IANA time zone of the agent (default: UTC)")
    parser.add_argument(
        "--customer-tz",
        metavar="ZONE",
        help='IANA time zone of the customer, for "5pm your time" (default: the agent\'s)',
    )
    parser.add_argument("--day-first", action="store_true", help='read "3/4" as 3 April')
    parser.add_argument("--format", choices=("text", "json", "jsonl"), default="text")
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help='read {"id", "text", "sent_at", "tz", "customer_tz"} objects, one per line',
    )
    parser.set_defaults(func=run)


def _sent_at(value: Any, where: str) -> datetime:
    if value is None:
        return datetime.now(UTC)
    if not isinstance(value, str):
        raise CliInputError(f"{where}: sent_at must be an ISO 8601 string")
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise CliInputError(f"{where}: sent_at {value!r} is not ISO 8601") from exc


def _zone_name(value: Any, where: str) -> str | None:
    """A customer zone as given (None for none), refused when the zone database lacks it."""
    from deescalate.calendar import zone
    from deescalate.errors import UnknownTimeZoneError

    if value is None:
        return None
    if not isinstance(value, str):
        raise CliInputError(f"{where}: customer_tz must be a string")
    try:
        zone(value)
    except UnknownTimeZoneError as exc:
        raise CliInputError(f"{where}: {exc}") from exc
    return value


def run(args: argparse.Namespace) -> int:
    from deescalate.errors import InputError
    from deescalate.promises import find_promises

    customer_tz = _zone_name(args.customer_tz, "--customer-tz")

    def find(text: str, sent: datetime, tz: str, customer: str | None, where: str) -> list[Any]:
        try:
            return find_promises(text, sent, tz, day_first=args.day_first, customer_tz=customer)
        except InputError as exc:
            raise CliInputError(f"{where}: {exc}") from exc

    if args.jsonl:
        progress = Progress("read")
        for number, item in iter_jsonl(args.path):
            where = f"line {number}"
            tz = item.get("tz", args.tz)
            if not isinstance(tz, str):
                raise CliInputError(f"{where}: tz must be a string")
            customer = (
                _zone_name(item["customer_tz"], where) if "customer_tz" in item else customer_tz
            )
            sent = _sent_at(item.get("sent_at", args.sent_at), where)
            found = find(item["text"], sent, tz, customer, where)
            write_json({"id": item.get("id"), "promises": [p.to_dict() for p in found]})
            progress.step()
        progress.done()
        return 0
    text = read_input(args.path)
    found = find(text, _sent_at(args.sent_at, "--sent-at"), args.tz, customer_tz, "--tz")
    if args.format in ("json", "jsonl"):
        write_json([p.to_dict() for p in found], indent=2 if args.format == "json" else None)
        return 0
    style = Style()
    if not found:
        sys.stdout.write("no promises\n")
    for promise in found:
        due = promise.due_at.isoformat(timespec="minutes") if promise.due_at else "no stated time"
        sys.stdout.write(
            f"{style(promise.action, '1')}: {promise.text!r}\n    due {style(due, '36')}"
            + (f" (from {promise.time_text!r})" if promise.time_text else "")
            + "\n"
        )
    return 0
