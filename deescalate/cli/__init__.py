"""The ``deescalate`` command: one subcommand per module in :data:`COMMANDS`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from deescalate.cli.io import CliInputError, load_settings

__all__ = ["COMMANDS", "main"]

# Each module defines ``register(subparsers)`` which adds its parser and sets ``func``.
COMMANDS = (
    "deescalate.cli.adapters_cmd",
    "deescalate.cli.assess_cmd",
    "deescalate.cli.backfill_cmd",
    "deescalate.cli.config_cmd",
    "deescalate.cli.demo_cmd",
    "deescalate.cli.eval_cmd",
    "deescalate.cli.inbox_cmd",
    "deescalate.cli.macros_cmd",
    "deescalate.cli.lint_cmd",
    "deescalate.cli.obligations_cmd",
    "deescalate.cli.outbox_cmd",
    "deescalate.cli.packs_cmd",
    "deescalate.cli.promises_cmd",
    "deescalate.cli.report_cmd",
    "deescalate.cli.serve_cmd",
    "deescalate.cli.setup_cmd",
    "deescalate.cli.worker_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deescalate",
        description="Help support agents handle difficult customers well.",
    )
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="a settings file (default: $DEESCALATE_CONFIG, else ./deescalate.toml when present)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in COMMANDS:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input)."""
    from deescalate.errors import DeescalateError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.configuration = load_settings(args.config)
        args.settings = args.configuration.settings
        status: int = args.func(args)
    except (CliInputError, DeescalateError) as exc:
        # One line, never a traceback: a bad setting, an unreachable store, a refused credential.
        message = " ".join(str(exc).split()) or exc.__class__.__name__
        print(f"deescalate {args.command}: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return status


def _version() -> str:
    from deescalate import __version__

    return f"deescalate {__version__}"
