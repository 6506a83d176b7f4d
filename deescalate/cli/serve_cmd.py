"""``deescalate serve``: receive a helpdesk's webhooks into the inbox and process them."""

from __future__ import annotations

import argparse
import logging
import signal
import socket
from datetime import timedelta
from typing import Any

from deescalate.cli.context import add_db_argument, add_helpdesk_argument, build_runtime
from deescalate.cli.io import CliInputError

__all__ = ["register"]

log = logging.getLogger("deescalate.service")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="receive helpdesk webhooks and process them",
        description="Serve POST /hooks/NAME (deliveries are verified and stored in the inbox "
        "before they are answered), /healthz, /readyz and /metrics; a background thread runs "
        "the deliveries through the pipeline, writes the ticket changes and, unless "
        "--no-worker, dispatches due obligations. SIGTERM or Ctrl-C stop accepting, finish "
        "the work in hand and exit. Needs the 'server' extra.",
    )
    add_db_argument(parser)
    add_helpdesk_argument(parser, required=True)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--port", type=int, default=8000, help="port to listen on (0: any free port, logged)"
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="leave due obligations (reminders, follow-ups) to 'deescalate worker' processes; "
        "deliveries and their ticket changes are still processed here",
    )
    parser.add_argument(
        "--max-body",
        type=int,
        default=1024 * 1024,
        metavar="BYTES",
        help="the largest delivery accepted (default: 1 MiB); larger ones get 413",
    )
    parser.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="log lines as text or as JSON objects (one a line)",
    )
    parser.add_argument(
        "--batch", type=int, default=50, help="deliveries and changes claimed at a time"
    )
    parser.add_argument(
        "--poll", type=float, default=1.0, help="seconds between looks when there is no work"
    )
    parser.add_argument(
        "--lease",
        type=float,
        default=120.0,
        help="seconds a claimed delivery or write is held: after a crash, what the process "
        "held is taken up again once this passes",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.max_body < 1 or args.batch < 1 or args.poll <= 0 or args.lease <= 0:
        raise CliInputError(
            "--max-body and --batch must be at least 1, --poll and --lease positive"
        )
    if not 0 <= args.port <= 65535:
        raise CliInputError(f"--port must be between 0 and 65535, not {args.port}")
    from deescalate.service import create_app
    from deescalate.service.logs import configure_logging

    configure_logging(args.log_format)
    try:
        import uvicorn
    except ImportError as exc:
        from deescalate.errors import MissingExtraError

        raise MissingExtraError("deescalate serve", "server") from exc
    listener = _listen(args.host, args.port)
    with listener, build_runtime(args, helpdesk=args.helpdesk) as runtime:
        runtime.inbox.lease = runtime.outbox.lease = timedelta(seconds=args.lease)
        app = create_app(
            runtime,
            max_body=args.max_body,
            run_worker=not args.no_worker,
            batch=args.batch,
            poll=args.poll,
        )
        host, port = listener.getsockname()[:2]
        log.info("listening on http://%s:%d", host, port)
        config = uvicorn.Config(
            app,
            log_config=None,
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=30,
        )
        server = uvicorn.Server(config)
        # uvicorn handles SIGTERM and SIGINT while it runs: it stops accepting, lets requests
        # in flight finish, then the app's lifespan ends the background batch in hand. It then
        # raises the signal again for the handler it found: ours only notes it, so the
        # runtime is closed when this block ends and the exit status is 0.
        stopped_by: list[int] = []
        previous = {
            sig: signal.signal(sig, lambda signum, frame: stopped_by.append(signum))
            for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            server.run(sockets=[listener])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    log.info("stopped")
    return 0


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, bound before the app starts so that ``--port 0`` can be logged."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets that
    # say they are TCP, and accepted connections inherit it. Without it every keep-alive answer
    # waits ~40 ms for the client's delayed ACK.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(2048)
    except OSError as exc:
        listener.close()
        raise CliInputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    listener.set_inheritable(True)
    return listener
