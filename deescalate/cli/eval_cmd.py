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
    parser.add_argument("target", choices=sorted(EVALUATIONS), help="what to evaluate")
    parser.add_argument(
        "--data", type=Path, default=None, help="data folder (default: ../shared/data)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deescalate.cli.io import CliInputError, write_json
    from deescalate.errors import InputError
    from deescalate.evaluation.datasets import default_data_dir

    data_dir = args.data or default_data_dir()
    if not data_dir.is_dir():
        raise CliInputError(f"data folder not found: {data_dir}")
    module, function = EVALUATIONS[args.target]
    evaluate = getattr(importlib.import_module(module), function)
    try:
        report = evaluate(data_dir)
    except InputError as exc:
        raise CliInputError(str(exc)) from exc
    if args.format == "json":
        write_json(report.to_dict(), indent=2)
    else:
        sys.stdout.write(report.to_text() + "\n")
    return 0
