"""Evaluation figures are computed from ../shared/data when it is present."""

from __future__ import annotations

import math

import pytest

from deescalate.evaluation import quadratic_weighted_kappa, spearman
from deescalate.evaluation.assess_eval import evaluate_assess, vader_stage
from deescalate.stages import Stage
from tests.conftest import DATA_DIR, requires_data


def test_spearman_and_kappa_on_known_values() -> None:
    """The metrics agree with hand-computed values."""
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486832980505138)
    assert quadratic_weighted_kappa([0, 1, 2, 3], [0, 1, 2, 3], 4) == pytest.approx(1.0)
    assert quadratic_weighted_kappa([0, 0, 1, 1], [1, 1, 0, 0], 2) == pytest.approx(-1.0)
    assert math.isnan(spearman([1, 1, 1], [1, 2, 3]))


def test_vader_thresholds_map_to_stages() -> None:
    """VADER's compound maps to stages by fixed thresholds."""
    assert vader_stage(0.5) is Stage.CALM
    assert vader_stage(-0.2) is Stage.FRUSTRATED
    assert vader_stage(-0.9) is Stage.IRATE


@requires_data("A2-semeval2018-task1-anger")
@requires_data("A3-goemotions")
@pytest.mark.data
def test_evaluation_runs_on_the_data() -> None:
    """The report computes every figure for both raters from the data."""
    report = evaluate_assess(DATA_DIR)
    ours, rules_only, vader = report.raters
    assert rules_only.name == "rules-only"
    assert report.counts["ei_reg"] > 350  # the whole dev split
    assert ours.name == "deescalate"
    assert vader.name == "vader"
    # Real correlations on anger intensity are clearly positive for both raters.
    assert ours.ei_reg_spearman > 0.3
    assert vader.ei_reg_spearman > 0.3
    assert 0.0 < ours.neutral_rated_calm <= 1.0
    assert "EI-reg" in report.to_text()
