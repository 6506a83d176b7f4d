"""``deescalate eval``: the figures say which code made them, and 'all' runs what the data allows."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deescalate.evaluation.provenance import Provenance, provenance

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deescalate.cli", *args],
        capture_output=True, text=True, check=False, cwd=REPO_ROOT,
        env={"NO_COLOR": "1", "PATH": ""},
    )  # fmt: skip


def test_all_without_data_runs_the_written_cases_and_names_what_it_skipped(tmp_path: Path) -> None:
    """With an empty data folder, the support figures still come out; the rest say why not."""
    done = run_cli("eval", "all", "--data", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("deescalate ")
    assert "== support " in done.stdout
    for name in ("assess", "lint", "promises"):
        assert f"== {name}: skipped: evaluation data not found: {tmp_path}" in done.stdout


def test_json_output_carries_the_provenance_and_the_skipped_evaluations(tmp_path: Path) -> None:
    """The JSON document names the version and commit beside the figures."""
    done = run_cli("eval", "all", "--data", str(tmp_path), "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["provenance"]["version"]
    assert set(document["skipped"]) == {"assess", "lint", "promises"}
    assert document["support"]["signals"]


def test_a_single_evaluation_without_its_data_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """Asking for one evaluation whose data is missing is an input error, not a traceback."""
    done = run_cli("eval", "promises", "--data", str(tmp_path))
    assert done.returncode == 2
    assert "evaluation data not found" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(
    shutil.which("git") is None or not (REPO_ROOT / ".git").exists(),
    reason="needs git and a git checkout",
)
def test_the_commit_is_the_checkouts_head() -> None:
    """In a checkout, the provenance names the commit git reports for HEAD."""
    head = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "--short=12", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert provenance().commit == head


def test_outside_a_checkout_the_commit_is_unknown(tmp_path: Path) -> None:
    """A folder that is not a git checkout gives no commit, and the line says so."""
    found = provenance(tmp_path)
    assert found.commit is None
    assert "commit unknown" in found.describe()


def test_local_changes_are_named() -> None:
    """Figures from uncommitted code say so."""
    assert "with local changes" in Provenance("1.0", "abc", modified=True).describe()
    assert "with local changes" not in Provenance("1.0", "abc").describe()
