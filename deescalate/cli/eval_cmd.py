"""``deescalate eval``: evaluation figures computed from ../shared/data (development only)."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from typing import Any

__all__ = ["EVALUATIONS", "register"]

# name -> module with ``run(data_dir: Path, fmt: str) -> int``
EVALUATIONS = {
    "assess": "deescalate.evaluation.assess_eval",
    "lint": "deescalate.evaluation.lint_eval",
    "promises": "deescalate.evaluation.promises_eval",
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
    from deescalate.cli.io import CliInputError
    from deescalate.errors import InputError
    from deescalate.evaluation.datasets import default_data_dir

    data_dir = args.data or default_data_dir()
    if not data_dir.is_dir():
        raise CliInputError(f"data folder not found: {data_dir}")
    module = importlib.import_module(EVALUATIONS[args.target])
    try:
        status: int = module.run(data_dir, args.format)
    except InputError as exc:
        raise CliInputError(str(exc)) from exc
    return status
