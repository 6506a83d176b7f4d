"""What every command shares: the settings, the ``--db`` argument and the runtime built from them.

Every command reads the ``DEESCALATE_`` settings once (a bad value exits 2 naming the variable,
whatever the command) and builds what it runs on through :class:`~deescalate.runtime.Runtime`,
so a setting means the same thing in ``assess``, ``worker`` and ``serve``.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from deescalate.cli.io import CliInputError, load_settings

__all__ = ["add_db_argument", "add_helpdesk_argument", "build_runtime", "parse_now", "settings_of"]


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help="the store: a SQLite file path, sqlite:///relative.db, sqlite:////absolute.db or "
        "postgresql://... (default: $DEESCALATE_DATABASE_URL, else deescalate.db)",
    )
    parser.add_argument(
        "--tz",
        default=None,
        help="the business calendar's IANA time zone (default: $DEESCALATE_TIMEZONE, else UTC)",
    )


def add_helpdesk_argument(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--helpdesk",
        required=required,
        metavar="NAME",
        help="an installed helpdesk adapter (see 'deescalate adapters'), or 'fake' for rehearsals; "
        "it reads its own DEESCALATE_<NAME>_... settings",
    )


def settings_of(args: argparse.Namespace) -> Any:
    """The settings, read once per command (``main`` stores them on ``args``)."""
    return configuration_of(args).settings


def configuration_of(args: argparse.Namespace) -> Any:
    """The configuration (settings, and the environment adapters read), read once per command."""
    configuration = getattr(args, "configuration", None)
    if configuration is None:
        configuration = load_settings(getattr(args, "config", None))
        args.configuration = configuration
    return configuration


def build_runtime(
    args: argparse.Namespace,
    *,
    helpdesk: str | None = None,
    must_exist: bool = False,
    clock: Any = None,
) -> Any:
    """The runtime for a command: ``--db`` and ``--tz`` over the settings."""
    from deescalate.calendar import BusinessCalendar
    from deescalate.runtime import Runtime

    configuration = configuration_of(args)
    settings = configuration.settings
    overrides: dict[str, Any] = {}
    if getattr(args, "tz", None):
        overrides["timezone"] = args.tz
    if getattr(args, "outside_hours", False):
        overrides["remind_outside_hours"] = True
    if overrides:
        settings = settings.model_copy(update=overrides)
    return Runtime.build(
        settings,
        helpdesk=helpdesk,
        database_url=getattr(args, "db", None),
        # --tz decides; otherwise the helpdesk's own business hours, else DEESCALATE_TIMEZONE.
        calendar=BusinessCalendar.standard(args.tz) if getattr(args, "tz", None) else None,
        must_exist=must_exist,
        clock=clock,
        environ=configuration.environ,
    )


def parse_now(text: str) -> datetime:
    """An aware ISO 8601 time for ``--now`` (a clock for rehearsals and tests)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CliInputError(
            f"--now needs an ISO 8601 time such as 2026-03-02T15:00+01:00, not {text!r}"
        ) from exc
    if moment.tzinfo is None:
        raise CliInputError(f"--now needs a time-zone offset, e.g. {text}+00:00")
    return moment
