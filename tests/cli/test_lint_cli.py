"""``deescalate lint``: exit 1 on errors, SARIF 2.1.0 output, JSON lines batches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_assess_cli import run_cli


def test_error_finding_exits_1() -> None:
    """A draft with an error-severity finding makes lint exit 1."""
    done = run_cli("lint", stdin="Please calm down.")
    assert done.returncode == 1
    assert "DE103" in done.stdout
    assert "tells-to-calm-down" in done.stdout


def test_clean_draft_exits_0() -> None:
    """A fine draft exits 0 and says so."""
    done = run_cli("lint", stdin="Thanks for your patience, the refund is on its way.")
    assert done.returncode == 0
    assert "no findings" in done.stdout


def test_customer_file_enables_absence_rules(tmp_path: Path) -> None:
    """--customer FILE gives the message being answered."""
    customer = tmp_path / "customer.txt"
    customer.write_text("I'm furious, you people lost my parcel AGAIN!!", encoding="utf-8")
    done = run_cli("lint", "--format", "json", "--customer", str(customer), stdin="I'll check.")
    rules = {f["rule"] for f in json.loads(done.stdout)}
    assert {"missing-apology", "missing-acknowledgement"} <= rules
    assert done.returncode == 0  # absence rules are warnings and suggestions


def test_sarif_output_is_a_valid_2_1_0_log(tmp_path: Path) -> None:
    """SARIF output has the schema, version, rules and located results."""
    draft = tmp_path / "draft.txt"
    draft.write_text("Hello.\nPlease calm down!!!", encoding="utf-8")
    done = run_cli("lint", "--format", "sarif", str(draft))
    log = json.loads(done.stdout)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    run = log["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert "DE103" in rule_ids
    result = next(r for r in run["results"] if r["ruleId"] == "DE103")
    assert result["level"] == "error"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "DE103"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (2, 8)
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == str(draft)


def test_jsonl_batch(tmp_path: Path) -> None:
    """--jsonl lints each line with its own customer and keeps ids."""
    lines = [
        {"id": "a", "text": "Calm down."},
        {"id": "b", "text": "Sure, done.", "customer": "Could you resend the invoice?"},
    ]
    done = run_cli("lint", "--jsonl", stdin="\n".join(json.dumps(x) for x in lines))
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in results] == ["a", "b"]
    assert results[0]["findings"][0]["rule"] == "tells-to-calm-down"
    assert results[1]["findings"] == []
    assert done.returncode == 1


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("--jsonl",), '{"id": 1, "text": "ok"}\n{oops\n', "line 2"),
        (("--jsonl",), '{"id": 1, "text": "ok", "customer": 5}\n', "line 1"),
        (("--customer", "/nonexistent/customer.txt"), "hi", "customer.txt"),
        (("--disable", "no-such-rule"), "hi", "no-such-rule"),
    ],
)
def test_bad_input_exits_2(args: tuple[str, ...], stdin: str, message: str) -> None:
    """Bad input exits 2 with one line naming what is wrong."""
    done = run_cli("lint", *args, stdin=stdin)
    assert done.returncode == 2
    assert message in done.stderr
