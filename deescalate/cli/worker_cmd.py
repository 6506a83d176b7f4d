"""``deescalate worker``: process deliveries, write queued changes, send reminders and follow-ups."""

from __future__ import annotations

import argparse
import logging
from datetime import timedelta
from typing import Any

from deescalate.cli.context import (
    add_db_argument,
    add_helpdesk_argument,
    build_runtime,
    parse_now,
)
from deescalate.cli.io import CliInputError

__all__ = ["register"]

log = logging.getLogger("deescalate.worker")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="send reminders and follow-ups for due obligations",
        description="Process stored webhook deliveries, write queued ticket changes, and dispatch "
        "due obligations (reminders, broken promises, follow-ups) through a helpdesk until stopped "
        "(SIGTERM or Ctrl-C finish the work in hand, then exit). --once does one round and exits "
        "(for cron).",
    )
    add_db_argument(parser)
    add_helpdesk_argument(parser, required=True)
    parser.add_argument("--batch", type=int, default=100, help="items claimed at a time")
    parser.add_argument("--poll", type=float, default=5.0, help="seconds between empty rounds")
    parser.add_argument("--lease", type=float, default=300.0, help="seconds a claim is held")
    parser.add_argument("--once", action="store_true", help="do one round and exit")
    parser.add_argument(
        "--now",
        metavar="ISO",
        help="the clock's time, e.g. 2026-03-02T15:00+01:00 (for rehearsals and tests; "
        "implies --once)",
    )
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


def run(args: argparse.Namespace) -> int:
    if args.batch < 1 or args.poll < 0 or args.lease <= 0:
        raise CliInputError("--batch must be at least 1, --poll 0 or more, --lease positive")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    clock = None
    if args.now:
        moment = parse_now(args.now)
        clock = lambda: moment  # noqa: E731 - a fixed clock for the one round --now asks for
    with build_runtime(args, helpdesk=args.helpdesk, clock=clock) as runtime:
        worker = runtime.worker
        worker.batch = args.batch
        worker.poll = args.poll
        worker.lease = timedelta(seconds=args.lease)
        if args.worker_id:
            worker.worker_id = args.worker_id
        if args.once or args.now:
            stats = runtime.run_once(args.batch)
            print(
                f"deliveries processed {stats.inbox.done}, changes written {stats.outbox.written}, "
                f"obligations dispatched {worker.stats.dispatched}, deferred {worker.stats.deferred}, "
                f"retried {worker.stats.retried + stats.outbox.retried + stats.inbox.retried}"
            )
            return 0
        worker.install_signal_handlers()
        log.info("worker %s started", worker.worker_id)
        while not worker.stopping:
            stats = runtime.run_once(args.batch)
            if not (stats.inbox.done or stats.outbox.written or stats.obligations):
                worker.wait(args.poll)
        log.info("worker %s stopped: %s", worker.worker_id, worker.stats)
    return 0
