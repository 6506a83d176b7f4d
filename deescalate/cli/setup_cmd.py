"""``deescalate setup NAME --endpoint URL``: register deescalate's webhook in a helpdesk."""

from __future__ import annotations

import argparse
import sys
from typing import Any
from urllib.parse import urlparse

from deescalate.cli.context import build_runtime
from deescalate.cli.io import CliInputError

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "setup",
        help="register deescalate's webhook in a helpdesk (idempotent)",
        description="Create what the helpdesk needs to send its events to deescalate serve "
        "(Zendesk: a webhook and a trigger; Jira: a webhook). Running it again creates nothing new.",
    )
    parser.add_argument("helpdesk", metavar="NAME", help="an installed adapter, e.g. zendesk")
    parser.add_argument(
        "--endpoint",
        required=True,
        help="the public URL of deescalate serve's hook, e.g. https://deescalate.example.com/hooks/zendesk",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deescalate.helpdesk import WebhookInstaller

    url = urlparse(args.endpoint)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise CliInputError(f"--endpoint must be an http(s) URL, not {args.endpoint!r}")
    args.db = "memory://"  # setup touches no ledger
    with build_runtime(args, helpdesk=args.helpdesk) as runtime:
        desk = runtime.helpdesk
        if not isinstance(desk, WebhookInstaller):
            raise CliInputError(f"the {args.helpdesk!r} adapter cannot register webhooks")
        for line in desk.install_webhook(args.endpoint):
            sys.stdout.write(line + "\n")
    return 0
