"""``deescalate eval promises``: promises found in real agent replies (twcs outbound tweets).

There is no public gold set of support commitments, so on the real replies this reports what is
found (how many, per action and owner, with and without a stated time) and prints an evenly spaced
sample of 50 for checking by hand. The project's own written cases (development and held-aside
parts, tweets and written replies) give precision, recall, F1 and due times right, beside
dateparser's due times on the same cases.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from deescalate.evaluation.datasets import read_twcs
from deescalate.evaluation.promise_cases import (
    CaseFigures,
    dateparser_due_right,
    default_cases_dir,
    load_cases,
    score_cases,
)
from deescalate.promises import Promise, find_promises

__all__ = ["PromiseReport", "evaluate_promises"]

SAMPLE_SIZE = 50
# The case files by part: tuned on, held aside in the first round (seen since), held aside in the
# second round (written before its rule changes).
_PARTS = (
    ("development", "dev"),
    ("held-aside", "holdout"),
    ("held-aside 2", "holdout2"),
)


@dataclass(frozen=True, slots=True)
class PromiseReport:
    replies: int
    replies_with_promise: int
    promises: int
    by_action: dict[str, int]
    with_due: int
    sample: list[tuple[str, Promise]]
    by_owner: dict[str, int]
    # per part and kind ("held-aside written"), and dateparser's (right, total) per part
    cases: dict[str, CaseFigures]
    dateparser: dict[str, tuple[int, int] | None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "twcs_replies": self.replies,
            "replies_with_promise": self.replies_with_promise,
            "promises": self.promises,
            "by_action": self.by_action,
            "by_owner": self.by_owner,
            "with_due_time": self.with_due,
            "cases": {name: figures.to_dict() for name, figures in self.cases.items()},
            "dateparser_due_right": {
                part: None if value is None else round(value[0] / max(1, value[1]), 3)
                for part, value in self.dateparser.items()
            },
            "sample": [{"reply": text, **p.to_dict()} for text, p in self.sample],
        }

    def to_text(self) -> str:
        lines = [
            "Promise extraction on real agent replies (computed now):",
            f"  twcs outbound replies: {self.replies}",
            f"  replies with a promise: {self.replies_with_promise}",
            f"  promises: {self.promises} ({self.with_due} with a due time)",
            "  by action: "
            + ", ".join(f"{a} {n}" for a, n in sorted(self.by_action.items(), key=lambda i: -i[1])),
            "  by owner: "
            + ", ".join(f"{o} {n}" for o, n in sorted(self.by_owner.items(), key=lambda i: -i[1])),
        ]
        if self.cases:
            lines.append("Promise cases written for the project (computed now):")
            lines.append(
                f"  {'part':<22} {'cases':>5} {'P':>6} {'R':>6} {'F1':>6} {'due':>6} {'owner':>6}"
            )
            for name, f in self.cases.items():
                lines.append(
                    f"  {name:<22} {f.cases:>5} {f.precision:>6.2f} {f.recall:>6.2f} {f.f1:>6.2f}"
                    f" {f.rate(f.due_right):>6.2f} {f.rate(f.owner_right):>6.2f}"
                )
            for part, value in self.dateparser.items():
                shown = (
                    "not installed"
                    if value is None
                    else f"{value[0]}/{value[1]} = {value[0] / max(1, value[1]):.2f}"
                )
                lines.append(f"  dateparser due times right, {part}: {shown}")
        lines.append(f"Evenly spaced sample of {len(self.sample)} for checking by hand:")
        for number, (reply, promise) in enumerate(self.sample, start=1):
            due = promise.due_at.isoformat(timespec="minutes") if promise.due_at else "-"
            lines.append(f"{number:3}. [{promise.action}] {promise.text!r} due {due}")
            lines.append(f"      in: {reply!r}")
        return "\n".join(lines)


def _sent_at(created_at: str) -> datetime:
    return datetime.strptime(created_at, "%a %b %d %H:%M:%S %z %Y")


def evaluate_promises(
    data_dir: Path, tz: str = "UTC", cases_dir: Path | None = None
) -> PromiseReport:
    """Find promises in every twcs outbound reply, sent at its own timestamp, and score the
    project's cases (skipped when ``cases_dir``, tests/eval/cases by default, is absent)."""
    replies = [t for t in read_twcs(data_dir) if not t.inbound]
    found: list[tuple[str, Promise]] = []
    with_promise = 0
    for reply in replies:
        promises = find_promises(reply.text, _sent_at(reply.created_at), tz)
        with_promise += bool(promises)
        found.extend((reply.text, p) for p in promises)
    step = max(1, len(found) // SAMPLE_SIZE)
    return PromiseReport(
        replies=len(replies),
        replies_with_promise=with_promise,
        promises=len(found),
        by_action=dict(Counter(p.action for _, p in found)),
        with_due=sum(p.due_at is not None for _, p in found),
        sample=found[::step][:SAMPLE_SIZE],
        by_owner=dict(Counter(p.owner for _, p in found)),
        **_case_figures(cases_dir or default_cases_dir()),
    )


def _case_figures(cases_dir: Path) -> dict[str, Any]:
    figures: dict[str, CaseFigures] = {}
    dateparser: dict[str, tuple[int, int] | None] = {}
    for part, name in _PARTS:
        path = cases_dir / f"promises_{name}.yaml"
        if not path.is_file():
            continue
        cases = load_cases(path)
        for kind in ("tweet", "written"):
            figures[f"{part} {kind}"] = score_cases(c for c in cases if c.kind == kind)
        dateparser[part] = dateparser_due_right(cases)
    return {"cases": figures, "dateparser": dateparser}
