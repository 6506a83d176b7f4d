"""The reply coach's evaluation on real agent replies, when the data is present."""

from __future__ import annotations

import pytest

from deescalate.evaluation.lint_eval import evaluate_lint
from tests.conftest import DATA_DIR, requires_data


@requires_data("A4-twcs-customer-support-on-twitter")
@requires_data("D1-agent-phrase-references")
@pytest.mark.data
def test_lint_evaluation_counts_come_from_the_data() -> None:
    """All 2,222 agent replies are linted, and the D1 phrase lists are read."""
    report = evaluate_lint(DATA_DIR)
    assert report.replies == 2222
    assert 0 < report.with_customer <= report.replies
    assert report.harmful > 0
    assert report.recommended > 0
    assert 0 <= report.harmful_caught <= report.harmful
    assert "twcs" in report.to_text()
