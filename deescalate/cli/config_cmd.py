"""``deescalate config check``: validate the settings file and environment, naming any bad key."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from deescalate.cli.context import configuration_of
from deescalate.cli.io import write_json

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "config",
        help="check the settings (deescalate.toml and DEESCALATE_ variables)",
        description="Validate the settings file and the environment. Exit 0 with the effective "
        "settings (secrets hidden), or 2 with one line naming the file's key or the variable.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate the settings and the helpdesk's")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    from deescalate.runtime import build_helpdesk

    configuration = configuration_of(args)
    settings = configuration.settings
    shown = settings.model_dump(mode="json")
    helpdesk = None
    if settings.helpdesk:
        # Building the adapter validates its own settings; adapters contact nothing until used.
        with build_helpdesk(settings.helpdesk, configuration.environ) as desk:
            helpdesk = repr(desk)
    if args.format == "json":
        write_json(
            {
                "source": str(configuration.source) if configuration.source else None,
                "settings": shown,
                "helpdesk": helpdesk,
            },
            indent=2,
        )
        return 0
    source = configuration.source or "no settings file (environment and defaults)"
    sys.stdout.write(f"settings from {source}: ok\n")
    for key, value in sorted(shown.items()):
        sys.stdout.write(f"  {key} = {value!r}\n")
    if helpdesk is not None:
        sys.stdout.write(f"helpdesk {settings.helpdesk}: ok ({helpdesk})\n")
    return 0
