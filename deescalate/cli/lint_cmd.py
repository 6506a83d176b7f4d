"""``deescalate lint``: judge a draft reply; exits 1 when an error finding is present."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from deescalate.cli.context import settings_of
from deescalate.cli.io import (
    CliInputError,
    Progress,
    Style,
    iter_jsonl,
    read_input,
    write_json,
)

__all__ = ["register", "render_findings", "sarif_log"]

_SEVERITY_COLOURS = {"error": "31", "warning": "33", "suggestion": "36"}
_SARIF_LEVEL = {"error": "error", "warning": "warning", "suggestion": "note"}
_SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="coach a draft reply against the playbook",
        description=(
            "Lint an agent's draft reply (a file, or stdin). Exit status: 1 when an error "
            "finding is present, 0 otherwise, 2 on bad input."
        ),
    )
    parser.add_argument("path", nargs="?", help="draft to read (default: stdin)")
    parser.add_argument("--customer", metavar="FILE", help="the customer message being answered")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help='read {"id", "text", "customer"} objects, one per line; print one result per line',
    )
    parser.add_argument(
        "--pack", action="append", default=[], metavar="FILE", help="extra rule pack"
    )
    parser.add_argument(
        "--disable", action="append", default=[], metavar="RULE", help="switch a rule off by name"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deescalate.coach import Coach, default_coach
    from deescalate.errors import ConfigurationError, RulePackError

    settings = settings_of(args)
    packs = [*settings.coach_packs, *args.pack]
    disabled = [*settings.disabled_rules, *args.disable]
    try:
        if packs or disabled or settings.acronyms:
            coach = Coach(packs, disabled=disabled, acronyms=settings.acronyms)
        else:
            coach = default_coach()
    except (RulePackError, ConfigurationError) as exc:
        raise CliInputError(str(exc)) from exc
    if args.jsonl:
        return _run_batch(args, coach)
    draft = read_input(args.path)
    customer = read_input(args.customer) if args.customer else None
    findings = coach.lint(draft, customer)
    if args.format == "json":
        write_json([f.to_dict() for f in findings], indent=2)
    elif args.format == "sarif":
        write_json(sarif_log({args.path or "stdin": (draft, findings)}, coach), indent=2)
    else:
        sys.stdout.write(render_findings(draft, findings, Style()) + "\n")
    return 1 if any(f.severity.value == "error" for f in findings) else 0


def _run_batch(args: argparse.Namespace, coach: Any) -> int:
    progress = Progress("linted")
    status = 0
    for number, item in iter_jsonl(args.path):
        customer = item.get("customer")
        if customer is not None and not isinstance(customer, str):
            raise CliInputError(f"line {number}: 'customer' must be a string")
        findings = coach.lint(item["text"], customer)
        write_json({"id": item.get("id"), "findings": [f.to_dict() for f in findings]})
        if any(f.severity.value == "error" for f in findings):
            status = 1
        progress.step()
    progress.done()
    return status


def render_findings(draft: str, findings: list[Any], style: Style) -> str:
    """One line per finding with its position, rule and suggestion."""
    if not findings:
        return style("no findings", "32")
    lines = []
    for finding in findings:
        line, column = _line_column(draft, finding.start)
        severity = finding.severity.value
        lines.append(
            f"{line}:{column}: {style(severity, _SEVERITY_COLOURS[severity])} "
            f"{finding.code} {style(finding.rule, '1')}: {finding.message}"
        )
        if finding.end - finding.start < len(draft) or len(draft) < 80:
            lines.append(f"    {finding.text!r}")
        if finding.suggestion:
            lines.append(f"    try: {finding.suggestion}")
    return "\n".join(lines)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def sarif_log(documents: dict[str, tuple[str, list[Any]]], coach: Any) -> dict[str, Any]:
    """A SARIF 2.1.0 log of findings for one or more documents (name -> (text, findings))."""
    from deescalate import __version__

    rules = sorted(coach.rules.values(), key=lambda r: (r.code, r.name))
    index = {rule.name: i for i, rule in enumerate(rules)}
    results = []
    for uri, (text, findings) in documents.items():
        for finding in findings:
            start_line, start_column = _line_column(text, finding.start)
            end_line, end_column = _line_column(text, finding.end)
            result: dict[str, Any] = {
                "ruleId": finding.code,
                "ruleIndex": index.get(finding.rule, 0),
                "level": _SARIF_LEVEL[finding.severity.value],
                "message": {"text": finding.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": {
                                "startLine": start_line,
                                "startColumn": start_column,
                                "endLine": end_line,
                                "endColumn": end_column,
                                "charOffset": finding.start,
                                "charLength": finding.end - finding.start,
                            },
                        }
                    }
                ],
            }
            if finding.suggestion:
                result["properties"] = {"suggestion": finding.suggestion, "rule": finding.rule}
            results.append(result)
    return {
        "$schema": _SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "deescalate",
                        "version": __version__,
                        "informationUri": "https://deescalate.readthedocs.io/",
                        "rules": [
                            {
                                "id": rule.code,
                                "name": rule.name,
                                "shortDescription": {"text": rule.message},
                                "defaultConfiguration": {
                                    "level": _SARIF_LEVEL[rule.severity.value]
                                },
                                "help": {"text": rule.suggestion or rule.message},
                            }
                            for rule in rules
                        ],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
