"""``deescalate inbox list|retry``: the webhook deliveries waiting, done, or parked after failing.

``deescalate outbox`` (:mod:`deescalate.cli.outbox_cmd`) is the same command for the helpdesk
writes; both are built by :func:`register_queue`.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any, Literal

from deescalate.cli.context import add_db_argument, build_runtime
from deescalate.cli.io import CliInputError, write_json

__all__ = ["register", "register_queue"]

Queue = Literal["inbox", "outbox"]

_WHAT = {
    "inbox": ("webhook deliveries", "deliveries"),
    "outbox": ("helpdesk writes (ticket changes)", "writes"),
}


def register(subparsers: Any) -> None:
    register_queue(subparsers, "inbox")


def register_queue(subparsers: Any, queue: Queue) -> None:
    """Add ``deescalate <queue> list|retry``."""
    what, items = _WHAT[queue]
    parser = subparsers.add_parser(
        queue,
        help=f"list and retry the {queue}'s {items}",
        description=f"Inspect the {queue} of {what}: pending ones wait to be processed, done "
        f"ones were processed, failed ones were parked after too many attempts and wait for "
        f"'deescalate {queue} retry'.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help=f"list {items}, oldest first")
    add_db_argument(listing)
    listing.add_argument("--state", choices=("pending", "done", "failed"))
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--format", choices=("text", "json"), default="text")
    retry = actions.add_parser(
        "retry", help=f"move failed {items} back to pending (all of them without SEQ)"
    )
    add_db_argument(retry)
    retry.add_argument("seqs", nargs="*", type=int, metavar="SEQ", help="entries by number")
    parser.set_defaults(func=run, queue=queue)


def run(args: argparse.Namespace) -> int:
    from deescalate.store import EntryState

    if args.action == "list" and args.limit < 1:
        raise CliInputError("--limit must be at least 1")
    with build_runtime(args, must_exist=True) as runtime:
        store = runtime.store
        if args.action == "retry":
            seqs = list(args.seqs) or None
            now = datetime.now(UTC)
            if args.queue == "inbox":
                moved = store.inbox_requeue(seqs, now)
            else:
                moved = store.outbox_requeue(seqs, now)
            asked = f" of {len(seqs)}" if seqs else ""
            note = " (only failed entries are retried)" if seqs and moved < len(seqs) else ""
            print(f"{moved}{asked} {args.queue} entries moved back to pending{note}")
            return 0
        state = EntryState(args.state) if args.state else None
        if args.queue == "inbox":
            rows = [_inbox_row(e) for e in store.inbox_list(state=state, limit=args.limit)]
        else:
            rows = [_outbox_row(e) for e in store.outbox_list(state=state, limit=args.limit)]
    if args.format == "json":
        write_json(rows, indent=2)
        return 0
    for row in rows:
        error = f"  {row['last_error']}" if row["last_error"] else ""
        sys.stdout.write(
            f"{row['seq']:>8}  {row['state']:<7} {row['attempts']:>2} tries  "
            f"{row['ticket'] or '-':<16} {row['id']:<28} next {row['next_try_at']}{error}\n"
        )
    return 0


def _inbox_row(entry: Any) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "id": entry.delivery.id,
        "system": entry.delivery.system,
        "ticket": entry.ticket,
        "state": entry.state.value,
        "attempts": entry.attempts,
        "next_try_at": entry.next_try_at.isoformat(timespec="seconds"),
        "last_error": entry.last_error,
        "updated_at": entry.updated_at.isoformat(timespec="seconds"),
    }


def _outbox_row(entry: Any) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "id": entry.key,
        "ticket": entry.ticket,
        "state": entry.state.value,
        "attempts": entry.attempts,
        "next_try_at": entry.next_try_at.isoformat(timespec="seconds"),
        "last_error": entry.last_error,
        "created_at": entry.created_at.isoformat(timespec="seconds"),
        "updated_at": entry.updated_at.isoformat(timespec="seconds"),
    }
