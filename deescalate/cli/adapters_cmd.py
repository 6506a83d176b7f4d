"""``deescalate adapters``: list the helpdesk adapters that are installed, and whether they load."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]

KNOWN = {"zendesk": "deescalate[zendesk]", "jira": "deescalate[jira]"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "adapters",
        help="list installed helpdesk adapters",
        description="List the helpdesk adapters found in the 'deescalate.helpdesks' entry-point group.",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deescalate.cli.io import write_json
    from deescalate.errors import ConfigurationError
    from deescalate.helpdesk import missing_members
    from deescalate.plugins import discover_helpdesks, load_helpdesk

    rows: list[dict[str, str | None]] = []
    for record in discover_helpdesks():
        try:
            gaps = missing_members(load_helpdesk(record.name))
            status = (
                "ok: implements the Helpdesk protocol"
                if not gaps
                else f"loads, but does not implement the Helpdesk protocol (missing: {', '.join(gaps)})"
            )
        except ConfigurationError as exc:
            status = f"fails to load: {exc.__cause__ or exc}"
        rows.append(
            {
                "name": record.name,
                "target": record.target,
                "distribution": record.distribution,
                "version": record.version,
                "status": status,
            }
        )
    found = {row["name"] for row in rows}
    missing = [
        {"name": name, "install": f'pip install "{extra}"'}
        for name, extra in KNOWN.items()
        if name not in found
    ]
    if args.format == "json":
        write_json({"installed": rows, "missing": missing}, indent=2)
        return 0
    for row in rows:
        sys.stdout.write(
            f"{row['name']:<10} {row['distribution']} {row['version']}  {row['status']}\n"
        )
    for gap in missing:
        sys.stdout.write(f"{gap['name']:<10} not installed: {gap['install']}\n")
    return 0
