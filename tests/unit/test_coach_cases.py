"""Every reply-coach rule has its own file of pass and fail cases; one test runs them all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from deescalate.coach import default_coach, lint_reply
from tests.conftest import REPO_ROOT

CASES_DIR = REPO_ROOT / "tests" / "coach_cases"


def _load() -> list[tuple[str, str, bool, str, str | None]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        for expected, key in ((True, "fail"), (False, "pass")):
            for index, case in enumerate(data[key]):
                draft, customer = (
                    (case, None) if isinstance(case, str) else (case["draft"], case.get("customer"))
                )
                cases.append(
                    (f"{data['rule']}-{key}-{index + 1}", data["rule"], expected, draft, customer)
                )
    return cases


CASES = _load()


@pytest.mark.parametrize(
    ("case_id", "rule", "flagged", "draft", "customer"), CASES, ids=[c[0] for c in CASES]
)
def test_rule_case(
    case_id: str, rule: str, flagged: bool, draft: str, customer: str | None
) -> None:
    """A fail case is flagged by its rule; a pass case is not."""
    rules = {finding.rule for finding in lint_reply(draft, customer)}
    assert (rule in rules) is flagged, f"{case_id}: {draft!r} -> {sorted(rules)}"


def test_every_rule_has_a_case_file_with_enough_cases() -> None:
    """Each loaded rule has at least five pass and five fail cases."""
    files = {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in CASES_DIR.glob("*.yaml")
    }
    assert set(files) == set(default_coach().rules)
    for name, data in files.items():
        assert data["rule"] == name
        assert len(data["fail"]) >= 5, name
        assert len(data["pass"]) >= 5, name


def test_case_files_are_under_tests() -> None:
    """The case files live where the test expects them."""
    assert CASES_DIR.is_dir()
    assert all(isinstance(p, Path) for p in CASES_DIR.iterdir())
