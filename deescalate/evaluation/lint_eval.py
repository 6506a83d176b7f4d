"""``deescalate eval lint``: how often the reply coach flags real, published agent replies.

Two measures, computed from ../shared/data at run time:

* twcs: the share of the outbound (agent) tweets with any ``error`` or ``warning`` finding,
  linted alone and linted against the customer tweet they answer. These replies were published
  by large support teams: most are fine, so the share is a false-alarm rate (goal: under 3 %).
* D1: how many "never say this" phrases from public guides are caught, and how many of the
  recommended phrases are wrongly flagged (goal: none).
* Written drafts: precision and recall on the project's own cases (``tests/eval/cases``, in a
  source checkout), the development part and the two parts held aside from tuning
  (:mod:`deescalate.evaluation.draft_cases`; goal: precision 0.85, recall 0.70).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deescalate.coach import Coach, default_coach
from deescalate.coach.finding import Severity
from deescalate.evaluation.datasets import read_phrase_lists, read_twcs
from deescalate.evaluation.draft_cases import (
    DRAFT_CASE_FILES,
    DraftFigures,
    default_cases_dir,
    evaluate_drafts,
    read_draft_cases,
)

__all__ = ["LintReport", "evaluate_lint"]

_LOUD = (Severity.ERROR, Severity.WARNING)


@dataclass(frozen=True, slots=True)
class LintReport:
    replies: int
    flagged_alone: int
    flagged_with_customer: int
    with_customer: int
    rules_alone: dict[str, int]
    rules_with_customer: dict[str, int]
    harmful: int
    harmful_caught: int
    recommended: int
    recommended_flagged: int
    drafts: dict[str, DraftFigures] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "drafts": {part: figures.to_dict() for part, figures in self.drafts.items()},
            "twcs_replies": self.replies,
            "twcs_flagged_alone": self.flagged_alone,
            "twcs_flagged_alone_share": round(self.flagged_alone / self.replies, 4),
            "twcs_replies_with_customer": self.with_customer,
            "twcs_flagged_with_customer": self.flagged_with_customer,
            "twcs_flagged_with_customer_share": round(
                self.flagged_with_customer / max(1, self.with_customer), 4
            ),
            "rules_alone": self.rules_alone,
            "rules_with_customer": self.rules_with_customer,
            "d1_harmful_phrases": self.harmful,
            "d1_harmful_caught": self.harmful_caught,
            "d1_recommended_phrases": self.recommended,
            "d1_recommended_wrongly_flagged": self.recommended_flagged,
        }

    def to_text(self) -> str:
        alone = self.flagged_alone / self.replies
        paired = self.flagged_with_customer / max(1, self.with_customer)
        return "\n".join(
            [
                "Reply coach on real published agent replies (computed now):",
                f"  twcs outbound replies: {self.replies}",
                f"  with an error or warning, linted alone: {self.flagged_alone} ({alone:.1%}; goal < 3%)",
                f"  with an error or warning, against the customer tweet answered "
                f"({self.with_customer} replies): {self.flagged_with_customer} ({paired:.1%})",
                f"  rules firing (alone): {_counts(self.rules_alone)}",
                f"  rules firing (with customer): {_counts(self.rules_with_customer)}",
                "Public phrase lists (D1):",
                f"  harmful phrases caught: {self.harmful_caught} of {self.harmful}",
                f"  recommended phrases wrongly flagged: {self.recommended_flagged} of "
                f"{self.recommended} (goal: 0)",
                *self._draft_lines(),
            ]
        )

    def _draft_lines(self) -> list[str]:
        if not self.drafts:
            return ["Written drafts: no case files found (tests/eval/cases in a source checkout)"]
        lines = [
            "Written drafts with the rules a reviewer flags (goal: precision 0.85, recall 0.70):"
        ]
        for part, figures in self.drafts.items():
            lines.append(
                f"  {part} ({figures.cases} drafts): precision {figures.precision:.2f}, "
                f"recall {figures.recall:.2f}"
            )
            for rule, (tp, fp, fn) in sorted(figures.by_rule.items()):
                lines.append(f"    {rule}: {tp} found, {fp} wrongly, {fn} missed")
        return lines


def _counts(counter: dict[str, int]) -> str:
    return (
        ", ".join(f"{name} {n}" for name, n in sorted(counter.items(), key=lambda i: -i[1]))
        or "none"
    )


def evaluate_lint(
    data_dir: Path, coach: Coach | None = None, cases_dir: Path | None = None
) -> LintReport:
    """Lint the twcs replies, the D1 phrases and the written drafts with ``coach``.

    ``coach`` is the default one when ``None``; ``cases_dir`` holds the draft case files
    (:func:`~deescalate.evaluation.draft_cases.default_cases_dir` when ``None``; parts whose
    file is absent are left out).
    """
    chosen = coach or default_coach()
    folder = default_cases_dir() if cases_dir is None else cases_dir
    known = frozenset(chosen.rules)
    drafts = {
        part: evaluate_drafts(read_draft_cases(folder / name, known), chosen)
        for part, name in DRAFT_CASE_FILES.items()
        if (folder / name).is_file()
    }
    tweets = read_twcs(data_dir)
    by_id = {t.tweet_id: t for t in tweets}
    replies = [t for t in tweets if not t.inbound]
    alone: Counter[str] = Counter()
    paired: Counter[str] = Counter()
    flagged_alone = flagged_paired = with_customer = 0
    for reply in replies:
        loud = {f.rule for f in chosen.lint(reply.text) if f.severity in _LOUD}
        alone.update(loud)
        flagged_alone += bool(loud)
        answered = by_id.get(reply.in_response_to or "")
        if answered is not None and answered.inbound:
            with_customer += 1
            loud = {f.rule for f in chosen.lint(reply.text, answered.text) if f.severity in _LOUD}
            paired.update(loud)
            flagged_paired += bool(loud)
    harmful, recommended = read_phrase_lists(data_dir)
    return LintReport(
        replies=len(replies),
        flagged_alone=flagged_alone,
        flagged_with_customer=flagged_paired,
        with_customer=with_customer,
        rules_alone=dict(alone),
        rules_with_customer=dict(paired),
        harmful=len(harmful),
        harmful_caught=sum(bool(chosen.lint(p)) for p in harmful),
        recommended=len(recommended),
        recommended_flagged=sum(bool(chosen.lint(p)) for p in recommended),
        drafts=drafts,
    )
