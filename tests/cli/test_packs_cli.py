"""``deescalate packs check`` exits 0 for sound packs, 1 for slow rules and 2 for broken packs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deescalate.cli import main

SLOW_PACK = r"""pack: acme
language: en
rules:
  - id: acme-dash
    kind: pattern
    signal: blame
    weight: 1.0
    triggers: ["*"]
    regex: '\s+-x'
"""


def test_shipped_packs_pass(capsys: pytest.CaptureFixture[str]) -> None:
    """The shipped packs validate and none of their rules is slow."""
    assert main(["packs", "check", "--builtin"]) == 0
    assert "none slow" in capsys.readouterr().out


def test_coach_packs_are_checked_with_coach(capsys: pytest.CaptureFixture[str]) -> None:
    """--coach reads reply-coach packs; the shipped one passes."""
    assert main(["packs", "check", "--coach", "--builtin"]) == 0
    assert "none slow" in capsys.readouterr().out


def test_slow_rule_exits_1_and_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A backtracking pattern makes the check fail and names the rule in JSON."""
    path = tmp_path / "acme.yaml"
    path.write_text(SLOW_PACK, encoding="utf-8")
    assert main(["packs", "check", "--format", "json", "--budget", "0.5", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [s["rule"] for s in report["slow"]] == ["acme-dash"]
    assert report["rules"] == 1


def test_broken_pack_exits_2_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pack with an invalid regex is bad input: one line naming the file, rule and key."""
    path = tmp_path / "acme.yaml"
    path.write_text(SLOW_PACK.replace(r"'\s+-x'", "'(unclosed'"), encoding="utf-8")
    assert main(["packs", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "acme.yaml" in err
    assert "acme-dash" in err
    assert "regex" in err


def test_no_pack_named_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """Naming no pack and not asking for the shipped ones is bad input."""
    assert main(["packs", "check"]) == 2
    assert "--builtin" in capsys.readouterr().err
