"""Precision and recall of the reply coach on written drafts with the rules a reviewer flags.

The cases are the project's own (``tests/eval/cases/coach_drafts*.yaml`` in a source checkout):
each is a customer message, an agent's draft and the rules expected. A finding of any severity
counts. Figures are micro-averaged over (case, rule) pairs, and given per rule.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deescalate.coach import Coach, default_coach
from deescalate.errors import InputError

__all__ = [
    "DRAFT_CASE_FILES",
    "DraftCase",
    "DraftFigures",
    "default_cases_dir",
    "evaluate_drafts",
    "read_draft_cases",
]

DRAFT_CASE_FILES = {
    "development": "coach_drafts.yaml",
    "held aside": "coach_drafts_holdout.yaml",
    "held aside 2": "coach_drafts_holdout2.yaml",
}
"""The case files by part: the rules were tuned on the first, never on the others (the second
held-aside set was written before the second round of rule changes, for its families)."""


@dataclass(frozen=True, slots=True)
class DraftCase:
    customer: str | None
    draft: str
    expect: frozenset[str]


@dataclass(frozen=True, slots=True)
class DraftFigures:
    """Counts over (case, rule) pairs: found and expected, found only, expected only."""

    cases: int
    true_positives: int
    false_positives: int
    false_negatives: int
    by_rule: dict[str, tuple[int, int, int]]

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "by_rule": {
                rule: {"true_positives": tp, "false_positives": fp, "false_negatives": fn}
                for rule, (tp, fp, fn) in sorted(self.by_rule.items())
            },
        }


def default_cases_dir() -> Path:
    """Where a source checkout keeps the cases: ``tests/eval/cases`` beside the package."""
    return Path(__file__).resolve().parents[2] / "tests" / "eval" / "cases"


def read_draft_cases(path: Path, known_rules: frozenset[str]) -> list[DraftCase]:
    """The cases of one file; an unknown rule or a missing draft names the file and the case."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read draft cases {path}: {exc}") from exc
    entries = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"{path}: expected a mapping with a 'cases' list")
    cases: list[DraftCase] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}, case {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("draft"), str):
            raise InputError(f"{where}: each case needs a 'draft' text")
        customer = entry.get("customer")
        if customer is not None and not isinstance(customer, str):
            raise InputError(f"{where}: 'customer' must be text")
        expect = entry.get("expect", [])
        if not isinstance(expect, list) or not all(isinstance(r, str) for r in expect):
            raise InputError(f"{where}: 'expect' must be a list of rule names")
        unknown = sorted(set(expect) - known_rules)
        if unknown:
            raise InputError(f"{where}: unknown rules {', '.join(unknown)}")
        cases.append(DraftCase(customer, entry["draft"], frozenset(expect)))
    return cases


def evaluate_drafts(cases: list[DraftCase], coach: Coach | None = None) -> DraftFigures:
    """Lint each case's draft against its customer and compare the rules found with those expected."""
    chosen = coach or default_coach()
    counts: dict[str, Counter[str]] = {}
    for case in cases:
        found = {finding.rule for finding in chosen.lint(case.draft, case.customer)}
        for rule in found | case.expect:
            outcome = (
                "tp" if rule in found and rule in case.expect else "fp" if rule in found else "fn"
            )
            counts.setdefault(rule, Counter())[outcome] += 1
    by_rule = {rule: (c["tp"], c["fp"], c["fn"]) for rule, c in counts.items()}
    return DraftFigures(
        cases=len(cases),
        true_positives=sum(tp for tp, _, _ in by_rule.values()),
        false_positives=sum(fp for _, fp, _ in by_rule.values()),
        false_negatives=sum(fn for _, _, fn in by_rule.values()),
        by_rule=by_rule,
    )
