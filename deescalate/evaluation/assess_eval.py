"""``deescalate eval assess``: the assessor beside VADER on SemEval-2018 and GoEmotions.

Every figure is computed from the data at run time. VADER's compound polarity is mapped to a
stage by fixed thresholds (:data:`VADER_THRESHOLDS`), and its negated compound serves as its
score. Nothing here is tuned on the splits it reports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from deescalate.assessment import Assessor, default_assessor
from deescalate.errors import MissingExtraError
from deescalate.evaluation.datasets import (
    IntensityItem,
    read_ei_oc,
    read_ei_reg,
    read_goemotions,
)
from deescalate.evaluation.metrics import quadratic_weighted_kappa, spearman
from deescalate.stages import Stage

__all__ = ["VADER_THRESHOLDS", "AssessReport", "Rater", "evaluate_assess", "vader_rater"]

# compound >= -0.05 calm; then frustrated, upset, angry; below -0.8 irate.
VADER_THRESHOLDS = (-0.05, -0.3, -0.55, -0.8)

Rater = Callable[[str], tuple[float, Stage]]


@dataclass(frozen=True, slots=True)
class RaterFigures:
    name: str
    ei_reg_spearman: float
    ei_oc_qwk: float
    neutral_rated_calm: float
    anger_rated_upset_or_worse: float


@dataclass(frozen=True, slots=True)
class AssessReport:
    counts: dict[str, int]
    raters: tuple[RaterFigures, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "counts": self.counts,
            "raters": [
                {
                    "name": r.name,
                    "ei_reg_dev_spearman": round(r.ei_reg_spearman, 4),
                    "ei_oc_dev_qwk": round(r.ei_oc_qwk, 4),
                    "goemotions_dev_neutral_rated_calm": round(r.neutral_rated_calm, 4),
                    "goemotions_dev_anger_rated_upset_or_worse": round(
                        r.anger_rated_upset_or_worse, 4
                    ),
                }
                for r in self.raters
            ],
        }

    def to_text(self) -> str:
        header = f"{'rater':<12} {'EI-reg ρ':>9} {'EI-oc QWK':>10} {'neutral→calm':>13} {'anger→≥upset':>13}"
        lines = [
            "Escalation assessment, evaluated on development splits (computed now):",
            "  SemEval-2018 anger EI-reg dev: Spearman of score with gold intensity "
            f"(n={self.counts['ei_reg']})",
            "  SemEval-2018 anger EI-oc dev: quadratic weighted kappa, classes 0..3 -> "
            f"calm, frustrated, upset, angry-or-irate (n={self.counts['ei_oc']})",
            "  GoEmotions dev: share of neutral comments rated calm "
            f"(n={self.counts['goemotions_neutral']}) and of anger comments rated upset or worse "
            f"(n={self.counts['goemotions_anger']})",
            "",
            header,
        ]
        for r in self.raters:
            lines.append(
                f"{r.name:<12} {r.ei_reg_spearman:>9.3f} {r.ei_oc_qwk:>10.3f} "
                f"{r.neutral_rated_calm:>12.1%} {r.anger_rated_upset_or_worse:>13.1%}"
            )
        return "\n".join(lines)


def assessor_rater(assessor: Assessor | None = None) -> Rater:
    chosen = assessor or default_assessor()

    def rate(text: str) -> tuple[float, Stage]:
        result = chosen.assess(text)
        return result.score, result.stage

    return rate


def vader_stage(compound: float) -> Stage:
    """VADER's compound polarity mapped to a stage by the fixed thresholds."""
    rank = sum(compound < threshold for threshold in VADER_THRESHOLDS)
    return Stage.from_rank(rank)


def vader_rater() -> Rater:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError as exc:
        raise MissingExtraError("the VADER baseline", "eval") from exc
    analyzer = SentimentIntensityAnalyzer()

    def rate(text: str) -> tuple[float, Stage]:
        compound = float(analyzer.polarity_scores(text)["compound"])
        return -compound, vader_stage(compound)

    return rate


def _oc_class(stage: Stage) -> int:
    return min(stage.rank, 3)


def _figures(name: str, rate: Rater, data: _Data) -> RaterFigures:
    reg_scores = [rate(item.text)[0] for item in data.ei_reg]
    oc_classes = [_oc_class(rate(item.text)[1]) for item in data.ei_oc]
    neutral = [rate(text)[1] for text in data.neutral]
    anger = [rate(text)[1] for text in data.anger]
    return RaterFigures(
        name=name,
        ei_reg_spearman=spearman(reg_scores, [item.gold for item in data.ei_reg]),
        ei_oc_qwk=quadratic_weighted_kappa([int(i.gold) for i in data.ei_oc], oc_classes, 4),
        neutral_rated_calm=sum(s == Stage.CALM for s in neutral) / len(neutral),
        anger_rated_upset_or_worse=sum(s >= Stage.UPSET for s in anger) / len(anger),
    )


@dataclass(frozen=True, slots=True)
class _Data:
    ei_reg: Sequence[IntensityItem]
    ei_oc: Sequence[IntensityItem]
    neutral: list[str]
    anger: list[str]


def evaluate_assess(
    data_dir: Path,
    *,
    assessor: Assessor | None = None,
    baseline: bool = True,
) -> AssessReport:
    """Compute the assessment figures on the development splits in ``data_dir``.

    SemEval-2018 and GoEmotions figures use their whole dev splits, which nothing is tuned on:
    rule weights and scoring choices are tuned on SemEval-2018 *train* (never reported, never
    shipped), and the lexicon is fitted on GoEmotions train with a held-out part of train.
    """
    goemotions = read_goemotions(data_dir, "dev")
    data = _Data(
        ei_reg=read_ei_reg(data_dir, "dev"),
        ei_oc=read_ei_oc(data_dir, "dev"),
        neutral=[g.text for g in goemotions if g.labels == {"neutral"}],
        anger=[g.text for g in goemotions if "anger" in g.labels],
    )
    raters = [_figures("deescalate", assessor_rater(assessor), data)]
    if assessor is None:
        # The ablation shows what the learned lexicon adds to the rules.
        raters.append(_figures("rules-only", assessor_rater(Assessor(lexicon=False)), data))
    if baseline:
        raters.append(_figures("vader", vader_rater(), data))
    counts = {
        "ei_reg": len(data.ei_reg),
        "ei_oc": len(data.ei_oc),
        "goemotions_neutral": len(data.neutral),
        "goemotions_anger": len(data.anger),
    }
    return AssessReport(counts, tuple(raters))
