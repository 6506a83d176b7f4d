"""``deescalate obligations`` and ``deescalate worker --once`` on a real SQLite ledger."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deescalate import find_promises
from deescalate.calendar import BusinessCalendar
from deescalate.obligations import Ledger
from deescalate.store import SQLiteStore

SENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deescalate.cli", *args],
        input=stdin, capture_output=True, text=True, check=False,
        env={"NO_COLOR": "1", "PATH": os.environ.get("PATH", ""), **(env or {})},
    )  # fmt: skip


def seeded(tmp_path: Path) -> tuple[Path, str]:
    db = tmp_path / "ledger.db"
    store = SQLiteStore(db)
    ledger = Ledger(store, calendar=BusinessCalendar.standard("Europe/Berlin"))
    (promise,) = find_promises("I'll call you back by 3pm.", SENT, "Europe/Berlin")
    obligation, _ = ledger.open_follow_through("fake:7", promise, comment_id="c1", sent_at=SENT)
    store.close()
    return db, obligation.id


def test_list_filters_and_json(tmp_path: Path) -> None:
    """list shows the obligation; filters by state and ticket narrow it."""
    db, ob_id = seeded(tmp_path)
    done = run_cli("obligations", "list", "--db", str(db), "--format", "json")
    assert done.returncode == 0, done.stderr
    (item,) = json.loads(done.stdout)
    assert (item["id"], item["state"], item["ticket"]) == (ob_id, "open", "fake:7")
    assert (
        json.loads(
            run_cli(
                "obligations", "list", "--db", str(db), "--format", "json", "--state", "kept"
            ).stdout
        )
        == []
    )
    assert (
        json.loads(
            run_cli(
                "obligations", "list", "--db", str(db), "--format", "json", "--ticket", "fake:8"
            ).stdout
        )
        == []
    )
    before = (SENT + timedelta(hours=1)).isoformat()
    assert (
        json.loads(
            run_cli(
                "obligations", "list", "--db", str(db), "--format", "json", "--due-before", before
            ).stdout
        )
        == []
    )


def test_settle_then_show(tmp_path: Path) -> None:
    """settle records the operator's note; show prints the history."""
    db, ob_id = seeded(tmp_path)
    done = run_cli(
        "obligations",
        "settle",
        ob_id,
        "--db",
        str(db),
        "--state",
        "kept",
        "--note",
        "called from the office",
    )
    assert done.returncode == 0, done.stderr
    shown = run_cli("obligations", "show", ob_id, "--db", str(db))
    assert "kept" in shown.stdout
    assert "called from the office" in shown.stdout


def test_unknown_obligation_and_bad_due_before_exit_2(tmp_path: Path) -> None:
    """Unknown ids and naive --due-before values are bad input."""
    db, _ = seeded(tmp_path)
    assert run_cli("obligations", "show", "nope", "--db", str(db)).returncode == 2
    done = run_cli("obligations", "list", "--db", str(db), "--due-before", "2026-03-02T10:00")
    assert done.returncode == 2
    assert "UTC offset" in done.stderr


def test_database_url_comes_from_the_environment(tmp_path: Path) -> None:
    """DEESCALATE_DATABASE_URL is used when --db is not given."""
    db, ob_id = seeded(tmp_path)
    done = run_cli(
        "obligations",
        "list",
        "--format",
        "json",
        env={"DEESCALATE_DATABASE_URL": f"sqlite:///{db}"},
    )
    assert [item["id"] for item in json.loads(done.stdout)] == [ob_id]


def test_worker_once_handles_due_work(tmp_path: Path) -> None:
    """worker --once claims what is due and exits 0 (the fake helpdesk knows no ticket: retried).

    ``--outside-hours`` keeps the test independent of the wall clock: without it, a run in the
    evening defers the reminder to the next opening instead of dispatching it.
    """
    db, ob_id = seeded(tmp_path)
    done = run_cli("worker", "--db", str(db), "--helpdesk", "fake", "--once", "--outside-hours")
    assert done.returncode == 0, done.stderr
    store = SQLiteStore(db)
    history = [event.kind for event in store.get(ob_id).history]
    store.close()
    assert history[-1] == "retry"  # claimed, the helpdesk had no such ticket, released for later
    assert "retrying" in done.stderr


def test_outside_hours_comes_from_the_environment(tmp_path: Path) -> None:
    """DEESCALATE_REMIND_OUTSIDE_HOURS=true has the same effect as --outside-hours."""
    db, ob_id = seeded(tmp_path)
    done = run_cli(
        "worker",
        "--db",
        str(db),
        "--helpdesk",
        "fake",
        "--once",
        env={"DEESCALATE_REMIND_OUTSIDE_HOURS": "true"},
    )
    assert done.returncode == 0, done.stderr
    store = SQLiteStore(db)
    history = [event.kind for event in store.get(ob_id).history]
    store.close()
    assert history[-1] == "retry"
    assert "deferred" not in done.stderr


def test_disabled_rules_come_from_the_environment() -> None:
    """DEESCALATE_DISABLED_RULES switches lint rules off."""
    done = run_cli(
        "lint",
        stdin="Please calm down.",
        env={"DEESCALATE_DISABLED_RULES": '["tells-to-calm-down"]'},
    )
    assert done.returncode == 0
    assert "no findings" in done.stdout


def test_bad_setting_exits_2_naming_it() -> None:
    """A malformed DEESCALATE_ value is bad input naming the variable."""
    done = run_cli("lint", stdin="hi", env={"DEESCALATE_DISABLED_RULES": "not json"})
    assert done.returncode == 2
    assert "DEESCALATE_DISABLED_RULES" in done.stderr


def test_worker_needs_a_helpdesk(tmp_path: Path) -> None:
    """worker without --helpdesk refuses to run instead of marking reminders sent to nowhere."""
    db, _ = seeded(tmp_path)
    done = run_cli("worker", "--db", str(db), "--once")
    assert done.returncode == 2
    assert "--helpdesk" in done.stderr


def test_read_commands_refuse_a_ledger_that_does_not_exist(tmp_path: Path) -> None:
    """obligations list on a missing file says so and creates nothing."""
    missing = tmp_path / "nope.db"
    done = run_cli("obligations", "list", "--db", str(missing))
    assert done.returncode == 2
    assert "no ledger at" in done.stderr
    assert not missing.exists()


def test_an_unreadable_store_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """A ledger path inside a missing folder fails with one line, no traceback, in the worker too."""
    bad = tmp_path / "no-such-dir" / "ledger.db"
    done = run_cli("worker", "--db", str(bad), "--helpdesk", "fake", "--once")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_bad_number_setting_exits_2_in_every_command() -> None:
    """DEESCALATE_MAX_CHARS=abc is refused, naming the variable, even by assess."""
    done = run_cli("assess", stdin="hello", env={"DEESCALATE_MAX_CHARS": "abc"})
    assert done.returncode == 2
    assert "DEESCALATE_MAX_CHARS" in done.stderr


def test_extra_packs_apply_to_assess(tmp_path: Path) -> None:
    """DEESCALATE_EXTRA_PACKS reaches deescalate assess."""
    pack = tmp_path / "team.yaml"
    pack.write_text(
        "pack: team\nrules:\n  - id: team-portal\n    kind: phrases\n    signal: repeat-contact\n"
        '    weight: 1.5\n    phrases: ["portal is down again"]\n',
        encoding="utf-8",
    )
    done = run_cli(
        "assess",
        "--format",
        "json",
        stdin="The portal is down again.",
        env={"DEESCALATE_EXTRA_PACKS": json.dumps([str(pack)])},
    )
    assert done.returncode == 0, done.stderr
    assert "repeat-contact" in {s["code"] for s in json.loads(done.stdout)["signals"]}


def test_db_urls_are_read_the_way_sqlalchemy_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sqlite:///name is relative to the working directory, sqlite:////path absolute."""
    from deescalate.store import open_store

    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///relative.db")
    relative.close()
    absolute_path = tmp_path / "sub" / "absolute.db"
    absolute_path.parent.mkdir()
    absolute = open_store(f"sqlite:///{absolute_path}")  # four slashes: ///  + /tmp/...
    absolute.close()
    assert (tmp_path / "relative.db").exists()
    assert absolute_path.exists()
    assert str(absolute_path).startswith("/")
