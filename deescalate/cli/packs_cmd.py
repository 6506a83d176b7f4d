"""``deescalate packs check``: validate packs and find rules whose patterns backtrack."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "packs",
        help="check signal packs",
        description="Work with signal packs (the YAML rules behind assess).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="validate packs and find rules that backtrack on hostile text",
        description=(
            "Validate signal packs, then run each phrase and pattern over texts built to make "
            "patterns backtrack. Exits 1 when a rule is slow there and grows quadratically or "
            "worse, 2 when a pack is broken."
        ),
    )
    check.add_argument("paths", nargs="*", metavar="FILE", help="signal pack files")
    check.add_argument("--builtin", action="store_true", help="check the shipped packs too")
    check.add_argument(
        "--coach", action="store_true", help="the files are reply-coach packs, not signal packs"
    )
    check.add_argument(
        "--size", type=int, default=16_000, help="characters per hostile text (default 16000)"
    )
    check.add_argument(
        "--budget", type=float, default=1.0, help="seconds one run may take (default 1)"
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    from deescalate.assessment.packs import CompiledPack, builtin_pack_paths, compile_packs
    from deescalate.cli.io import CliInputError, write_json
    from deescalate.coach.packs import RuleSet, builtin_coach_pack_paths, load_rule_set
    from deescalate.errors import InputError, RulePackError
    from deescalate.pack_check import find_slow_rules

    shipped = builtin_coach_pack_paths() if args.coach else builtin_pack_paths()
    paths = [*(shipped if args.builtin else []), *args.paths]
    if not paths:
        raise CliInputError("name a pack file, or --builtin for the shipped packs")
    try:
        pack: CompiledPack | RuleSet = load_rule_set(paths) if args.coach else compile_packs(paths)
        slow = find_slow_rules(pack, size=args.size, budget=args.budget)
    except (RulePackError, InputError) as exc:
        raise CliInputError(str(exc)) from exc
    rules = len(pack.rules)
    probes = len(pack.checks) if isinstance(pack, RuleSet) else len(pack.matchers)
    if args.format == "json":
        write_json(
            {
                "packs": [str(path) for path in paths],
                "rules": rules,
                "slow": [
                    {
                        "rule": s.rule,
                        "source": s.source,
                        "matcher": s.matcher,
                        "text": s.shape,
                        "chars": s.chars,
                        "seconds": round(s.seconds, 4),
                        "growth": round(s.growth, 1),
                        "out_of_time": s.out_of_time,
                    }
                    for s in slow
                ],
            },
            indent=2,
        )
    else:
        for found in slow:
            sys.stdout.write(found.describe() + "\n")
        verdict = f"{len(slow)} slow" if slow else "none slow"
        sys.stdout.write(
            f"{len(paths)} pack(s), {rules} rules, {probes} phrases and "
            f"patterns: {verdict} on hostile texts of {args.size:,} characters\n"
        )
    return 1 if slow else 0
