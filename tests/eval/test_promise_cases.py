"""The project's own promise cases: scored the same way by the eval, and meeting the goals."""

from __future__ import annotations

from pathlib import Path

import pytest

from deescalate.errors import InputError
from deescalate.evaluation.promise_cases import default_cases_dir, load_cases, score_cases
from deescalate.evaluation.promises_eval import evaluate_promises
from tests.conftest import DATA_DIR, requires_data

CASE = """
defaults: {sent_at: "2026-03-02T10:00", tz: Europe/London}
cases:
  - kind: tweet
    text: "I'll call you by 3pm. DM us and we'll help."
    promises: [{action: callback, owner: agent, due: "2026-03-02T15:00"}]
  - kind: tweet
    text: "We'll email you the label today and call you tomorrow."
    promises: [{action: send, owner: agent, due: "2026-03-02T12:00"}]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_scoring_counts_matches_due_times_and_extra_promises(tmp_path: Path) -> None:
    """Found promises match expected ones in order; a wrong due time and an extra one count."""
    figures = score_cases(load_cases(write(tmp_path, CASE)))
    assert (figures.expected, figures.found, figures.matched) == (2, 3, 2)
    assert figures.due_right == 1
    assert figures.precision == pytest.approx(2 / 3)
    assert figures.recall == 1.0


def test_a_malformed_case_is_named(tmp_path: Path) -> None:
    """A case without its promises is refused, naming the file and the case number."""
    path = write(
        tmp_path, "cases:\n  - {kind: tweet, text: hi, sent_at: '2026-03-02T10:00', tz: UTC}\n"
    )
    with pytest.raises(InputError, match="case 1"):
        load_cases(path)


@pytest.mark.parametrize("part", ["dev", "holdout", "holdout2"])
@pytest.mark.parametrize("kind", ["tweet", "written"])
def test_the_cases_meet_the_goals(part: str, kind: str) -> None:
    """F1 at least 0.80 and due times right at least 0.90 on each part and kind."""
    cases = [c for c in load_cases(default_cases_dir() / f"promises_{part}.yaml") if c.kind == kind]
    figures = score_cases(cases)
    assert figures.f1 >= 0.80
    assert figures.rate(figures.due_right) >= 0.90


@requires_data("A4-twcs-customer-support-on-twitter")
def test_the_eval_shows_each_part_of_the_cases() -> None:
    """deescalate eval promises scores development, held-aside and held-aside 2, tweets and
    written replies apart, and dateparser on each part."""
    report = evaluate_promises(DATA_DIR)
    parts = ("development", "held-aside", "held-aside 2")
    assert set(report.cases) == {f"{p} {k}" for p in parts for k in ("tweet", "written")}
    assert set(report.dateparser) == set(parts)
    assert "held-aside 2 written" in report.to_text()
