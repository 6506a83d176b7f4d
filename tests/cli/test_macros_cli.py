"""``deescalate macros``: list, show, render, suggest and export from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deescalate.cli", "macros", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={"NO_COLOR": "1", "PATH": ""},
    )


CONVERSATION = {
    "customer_name": "Dana",
    "agent_name": "Sam",
    "company": "Northwind Broadband",
    "locale": "en_US",
    "tz": "America/New_York",
    "messages": [
        {
            "role": "customer",
            "text": "Hi. My internet has been down since Monday and you people keep ignoring me!!",
            "at": "2026-11-23T09:00:00-05:00",
        },
        {"role": "agent", "text": "Thanks, checking.", "at": "2026-11-23T09:30:00-05:00"},
    ],
}


def test_list_json_names_every_macro() -> None:
    """list --format json gives each macro with its languages."""
    done = run_cli("list", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["name"] for r in rows][:2] == ["apology", "acknowledgement"]
    assert all(r["languages"] == ["en", "es"] for r in rows)


def test_show_prints_variants() -> None:
    """show prints every variant with its stages."""
    done = run_cli("show", "restatement")
    assert done.returncode == 0, done.stderr
    assert "correct" in done.stdout
    assert "Is that correct?" in done.stdout


def test_render_in_spanish_with_a_local_time() -> None:
    """render fills values and formats the time for the customer's locale and zone."""
    done = run_cli(
        "render",
        "apology",
        "--variant",
        "missed-update",
        "--customer-name",
        "Lucía",
        "--promised-at",
        "2026-11-24T14:00:00+00:00",
        "--locale",
        "es",
        "--tz",
        "Europe/Madrid",
    )
    assert done.returncode == 0, done.stderr
    assert "Lucía" in done.stdout
    assert "24 de noviembre de 2026" in done.stdout
    assert "15:00" in done.stdout


def test_render_with_missing_values_exits_2_listing_them() -> None:
    """Missing values are a one-line error that names every one of them."""
    done = run_cli("render", "follow-through-update", "--variant", "as-promised")
    assert done.returncode == 2
    assert "customer_name, next_contact_at, promised_at, status" in done.stderr
    assert done.stdout == ""


def test_suggest_reads_stdin_and_prints_json() -> None:
    """suggest prints ranked suggestions with macro, variant, text and reason."""
    done = run_cli("suggest", "--format", "json", stdin=json.dumps(CONVERSATION))
    assert done.returncode == 0, done.stderr
    suggestions = json.loads(done.stdout)
    assert suggestions[0]["macro"] == "acknowledgement"
    assert {"macro", "variant", "text", "reason"} <= set(suggestions[0])
    assert "Dana" in suggestions[0]["text"]


def test_suggest_with_a_broken_promise_from_a_file(tmp_path: Path) -> None:
    """--broken-promise and --solved bring the follow-through apology first."""
    path = tmp_path / "ticket.json"
    path.write_text(json.dumps(CONVERSATION), encoding="utf-8")
    done = run_cli("suggest", str(path), "--solved", "--broken-promise", "2026-11-23T17:00")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("apology / missed-update-solved")
    assert "5:00" in done.stdout


def test_suggest_rejects_bad_json() -> None:
    """Malformed input exits 2 with one line."""
    done = run_cli("suggest", stdin="{not json")
    assert done.returncode == 2
    assert "malformed JSON" in done.stderr


def test_suggest_rejects_unknown_role() -> None:
    """A message whose role is neither customer nor agent is named."""
    bad = {"messages": [{"role": "bot", "text": "hi"}]}
    done = run_cli("suggest", stdin=json.dumps(bad))
    assert done.returncode == 2
    assert "message 1" in done.stderr


def test_suggest_rejects_unknown_time_zone() -> None:
    """An unknown time zone exits 2."""
    done = run_cli("suggest", stdin=json.dumps({**CONVERSATION, "tz": "Mars/Base"}))
    assert done.returncode == 2
    assert "Mars/Base" in done.stderr


def test_export_zendesk_is_json() -> None:
    """export --to zendesk prints macro definitions."""
    done = run_cli("export", "--to", "zendesk", "--language", "en")
    assert done.returncode == 0, done.stderr
    macros = json.loads(done.stdout)["macros"]
    assert macros[0]["title"].startswith("deescalate::en::")


def test_broken_team_file_exits_2(tmp_path: Path) -> None:
    """A team file with an error names the file and exits 2."""
    path = tmp_path / "team.yaml"
    path.write_text("library: x\nlanguage: en\nmacros: [{name: a}]\n", encoding="utf-8")
    done = run_cli("list", "--library", str(path))
    assert done.returncode == 2
    assert "team.yaml" in done.stderr
