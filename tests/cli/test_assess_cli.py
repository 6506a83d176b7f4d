"""``deescalate assess`` reads files or stdin, prints text or JSON, and exits 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from deescalate.cli import main


def run_cli(*args: str, stdin: str | bytes = "") -> subprocess.CompletedProcess[str]:
    data = stdin.decode("latin-1") if isinstance(stdin, bytes) else stdin
    return subprocess.run(
        [sys.executable, "-m", "deescalate.cli", *args],
        input=data,
        capture_output=True,
        text=True,
        check=False,
        env={"NO_COLOR": "1", "PATH": ""},
    )


def test_text_output_shows_stage_and_highlighted_evidence(tmp_path: Path) -> None:
    """Text mode names the stage and brackets the evidence when colour is off."""
    path = tmp_path / "message.txt"
    path.write_text("You're not listening. This is the THIRD time!!!", encoding="utf-8")
    done = run_cli("assess", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ANGRY") or done.stdout.startswith("IRATE")
    assert "[You're not listening]" in done.stdout
    assert "feels-unheard" in done.stdout


def test_json_output_from_stdin() -> None:
    """--format json prints one object with string stage names."""
    done = run_cli("assess", "--format", "json", stdin="Let me speak to your manager.")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["wants_handoff"] is True
    assert data["signals"][0]["code"] == "asks-for-manager"


def test_jsonl_format_prints_one_line() -> None:
    """--format jsonl prints the result as a single compact line."""
    done = run_cli("assess", "--format", "jsonl", stdin="Where is my order?")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1
    assert json.loads(done.stdout)["stage"] == "calm"


def test_jsonl_batch_keeps_ids_in_order() -> None:
    """--jsonl prints one result per input line with the same id."""
    lines = "\n".join(
        json.dumps({"id": i, "text": t})
        for i, t in enumerate(["thanks!", "", "WHERE IS MY ORDER?!"])
    )
    done = run_cli("assess", "--jsonl", stdin=lines + "\n\n")
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in results] == [0, 1, 2]
    assert results[2]["stage"] != "calm"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ('{"id": 1, "text": "ok"}\n{"id": 2, "text": \n', "stdin line 2: malformed JSON"),
        ('{"id": 1, "text": "ok"}\n[1, 2]\n', "stdin line 2: expected a JSON object"),
        ('{"id": 1, "body": "ok"}\n', "stdin line 1: 'text' must be a string"),
    ],
)
def test_bad_jsonl_line_exits_2_naming_the_line(stdin: str, message: str) -> None:
    """A malformed line stops the batch with exit 2 and a one-line message."""
    done = run_cli("assess", "--jsonl", stdin=stdin)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    """A missing file is exit 2 with the path in the message."""
    done = run_cli("assess", str(tmp_path / "missing.txt"))
    assert done.returncode == 2
    assert "missing.txt" in done.stderr


def test_broken_pack_exits_2(tmp_path: Path) -> None:
    """A broken --pack is exit 2 naming the file."""
    pack = tmp_path / "bad.yaml"
    pack.write_text("pack: x\nrules: [{id: r, kind: phrases}]\n", encoding="utf-8")
    done = run_cli("assess", "--pack", str(pack), stdin="hello")
    assert done.returncode == 2
    assert "bad.yaml" in done.stderr


def test_non_utf8_file_is_read(tmp_path: Path) -> None:
    """A Windows-1252 file is decoded rather than refused."""
    path = tmp_path / "legacy.txt"
    path.write_bytes("I’m furious".encode("cp1252"))
    done = run_cli("assess", "--format", "json", str(path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["signals"][0]["text"] == "I’m furious"


def test_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo assesses its sample conversation and ends with the conversation state."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "conversation:" in out
    assert "feels-unheard" in out
    assert "suggested macros:" in out
    assert "follow-through obligation: due Mon 15:00" in out


def test_demo_points_to_the_whole_story(capsys: pytest.CaptureFixture[str]) -> None:
    """The assessment walkthrough ends by naming the hands-off story and how to run it."""
    assert main(["demo"]) == 0
    assert "make demo (python examples/hands_off.py" in capsys.readouterr().out


def test_adapters_lists_installed_adapters(capsys: pytest.CaptureFixture[str]) -> None:
    """Both bundled adapters are found through their entry points."""
    assert main(["adapters", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = {row["name"]: row for row in data["installed"]}
    assert {"zendesk", "jira"} <= set(names)
    assert names["zendesk"]["distribution"] == "deescalate-zendesk"
    assert names["zendesk"]["status"] == "ok: implements the Helpdesk protocol"
    assert names["jira"]["status"] == "ok: implements the Helpdesk protocol"


def test_help_everywhere() -> None:
    """Every subcommand answers --help."""
    for command in ("assess", "demo", "eval", "adapters"):
        done = run_cli(command, "--help")
        assert done.returncode == 0
        assert "usage:" in done.stdout
