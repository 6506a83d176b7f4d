"""Promise figures on the project's own written cases (tests/eval/cases/promises_*.yaml).

There is no public gold set of support commitments, so the project writes its own: replies with
the promises each holds (action, owner, due time). A development part tunes the rules; parts held
aside (``promises_holdout.yaml``, then ``promises_holdout2.yaml`` for the second round of rule
changes) check that they generalise. Found promises are matched to the expected ones in text order
within a reply; precision, recall and F1 count promises, and "due right" is the share of matched
promises whose due time is the expected instant (or both have none). dateparser's
``search_dates`` is the baseline for due times: the n-th date it finds in a reply stands for the
reply's n-th expected promise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from deescalate.errors import InputError
from deescalate.promises import Promise, find_promises

__all__ = [
    "CaseFigures",
    "ExpectedPromise",
    "PromiseCase",
    "dateparser_due_right",
    "default_cases_dir",
    "load_cases",
    "score_cases",
]


@dataclass(frozen=True, slots=True)
class ExpectedPromise:
    action: str
    owner: str
    due_at: datetime | None


@dataclass(frozen=True, slots=True)
class PromiseCase:
    kind: str  # "tweet" or "written"
    text: str
    sent_at: datetime
    tz: str
    customer_tz: str | None
    promises: tuple[ExpectedPromise, ...]


@dataclass(frozen=True, slots=True)
class CaseFigures:
    """Counts and rates for one set of cases."""

    cases: int
    expected: int
    found: int
    matched: int
    due_right: int
    owner_right: int
    action_right: int

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def rate(self, count: int) -> float:
        return count / self.matched if self.matched else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "expected": self.expected,
            "found": self.found,
            "matched": self.matched,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "due_right": round(self.rate(self.due_right), 3),
            "owner_right": round(self.rate(self.owner_right), 3),
            "action_right": round(self.rate(self.action_right), 3),
        }


def default_cases_dir() -> Path:
    """``tests/eval/cases`` of the source checkout this package runs from (absent when installed)."""
    return Path(__file__).resolve().parents[2] / "tests" / "eval" / "cases"


def _moment(value: str | None, tz: str) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def load_cases(path: Path) -> list[PromiseCase]:
    """The cases in one YAML file; a missing field names the case."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"promise cases in {path} could not be read: {exc}") from exc
    defaults = document.get("defaults", {})
    cases = []
    for number, raw in enumerate(document["cases"], start=1):
        try:
            tz = raw.get("tz", defaults.get("tz"))
            sent = _moment(raw.get("sent_at", defaults.get("sent_at")), tz)
            assert sent is not None
            expected = tuple(
                ExpectedPromise(p["action"], p["owner"], _moment(p["due"], tz))
                for p in raw["promises"]
            )
            cases.append(
                PromiseCase(raw["kind"], raw["text"], sent, tz, raw.get("customer_tz"), expected)
            )
        except (KeyError, TypeError, ValueError, AssertionError) as exc:
            raise InputError(f"{path}: case {number} is malformed ({exc!r})") from exc
    return cases


Extractor = Callable[[PromiseCase], Sequence[Promise]]


def _ours(case: PromiseCase) -> list[Promise]:
    return find_promises(case.text, case.sent_at, case.tz, customer_tz=case.customer_tz)


def score_cases(cases: Iterable[PromiseCase], extract: Extractor = _ours) -> CaseFigures:
    """Match found promises to expected ones in text order, reply by reply."""
    counts = [0] * 7
    for case in cases:
        found = list(extract(case))
        pairs = list(zip(case.promises, found, strict=False))
        counts[0] += 1
        counts[1] += len(case.promises)
        counts[2] += len(found)
        counts[3] += len(pairs)
        counts[4] += sum(_same_due(e.due_at, p.due_at) for e, p in pairs)
        counts[5] += sum(e.owner == p.owner for e, p in pairs)
        counts[6] += sum(e.action == p.action for e, p in pairs)
    return CaseFigures(*counts)


def _same_due(expected: datetime | None, found: datetime | None) -> bool:
    if expected is None or found is None:
        return expected is None and found is None
    return abs((expected - found).total_seconds()) < 60


def dateparser_due_right(cases: Iterable[PromiseCase]) -> tuple[int, int] | None:
    """How many expected promises dateparser dates right, of how many; None without dateparser."""
    try:
        from dateparser.search import search_dates
    except ImportError:
        return None
    right = total = 0
    for case in cases:
        if not case.promises:
            continue
        settings = {
            "RELATIVE_BASE": case.sent_at.replace(tzinfo=None),
            "TIMEZONE": case.tz,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "PREFER_DATES_FROM": "future",
        }
        found = search_dates(case.text, languages=["en"], settings=settings) or []
        dates = [moment for _, moment in found]
        for index, expected in enumerate(case.promises):
            total += 1
            right += _same_due(expected.due_at, dates[index] if index < len(dates) else None)
    return right, total
