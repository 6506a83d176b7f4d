"""``deescalate eval``: evaluation figures computed from ../shared/data (development only)."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

__all__ = ["EVALUATIONS", "register"]

# name -> (module, function): ``function(data_dir)`` returns a report with to_dict() and to_text()
EVALUATIONS = {
    "assess": ("deescalate.evaluation.assess_eval", "evaluate_assess"),
    "lint": ("deescalate.evaluation.lint_eval", "evaluate_lint"),
    "promises": ("deescalate.evaluation.promises_eval", "evaluate_promises"),
    "support": ("deescalate.evaluation.support_eval", "evaluate_support"),
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="evaluate against public data sets in ../shared/data",
        description="Compute evaluation figures from the data sets in ../shared/data (never shipped).",
    )
    parser.add_argument(
        "target",
        choices=[*sorted(EVALUATIONS), "all"],
        help="what to evaluate ('all': every evaluation the data allows, in one run)",
    )
    parser.add_argument(
        "--data", type=Path, default=None, help="data folder (default: ../shared/data)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deescalate.cli.io import CliInputError, write_json
    from deescalate.errors import InputError
    from deescalate.evaluation.datasets import default_data_dir
    from deescalate.evaluation.provenance import provenance

    data_dir = args.data or default_data_dir()
    if not data_dir.is_dir():
        raise CliInputError(f"data folder not found: {data_dir}")
    origin = provenance()
    targets = sorted(EVALUATIONS) if args.target == "all" else [args.target]
    reports: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for target in targets:
        module, function = EVALUATIONS[target]
        evaluate = getattr(importlib.import_module(module), function)
        try:
            reports[target] = evaluate(data_dir)
        except InputError as exc:
            if args.target != "all":
                raise CliInputError(str(exc)) from exc
            skipped[target] = str(exc)  # 'all' runs what the data allows and says what it could not
    if not reports:
        raise CliInputError("no evaluation could run: " + "; ".join(skipped.values()))
    if args.format == "json":
        if args.target == "all":
            document = {name: report.to_dict() for name, report in reports.items()}
            document["skipped"] = skipped
        else:
            document = reports[args.target].to_dict()
        write_json({"provenance": origin.to_dict(), **document}, indent=2)
        return 0
    sections = [f"{origin.describe()}; data {data_dir}"]
    for name, report in reports.items():
        heading = f"== {name} " if args.target == "all" else ""
        sections.append((heading.ljust(72, "=") + "\n" if heading else "") + report.to_text())
    sections += [f"== {name}: skipped: {why}" for name, why in skipped.items()]
    sys.stdout.write("\n\n".join(sections) + "\n")
    return 0
