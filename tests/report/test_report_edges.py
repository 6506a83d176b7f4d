"""The report over an empty ledger, bad arguments, and anonymised examples."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deescalate.cli import main
from deescalate.errors import InputError
from deescalate.report import build_report, ticket_link
from deescalate.report.anonymise import anonymise
from deescalate.store import SQLiteStore, open_store


@pytest.fixture
def empty_db(tmp_path: Path) -> str:
    """A migrated ledger with nothing in it."""
    path = tmp_path / "empty.db"
    SQLiteStore(path).close()
    return str(path)


def test_an_empty_ledger_is_said_plainly_in_json(
    empty_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The JSON says empty, with zero counts rather than missing keys."""
    assert main(["report", "--db", empty_db, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["empty"] is True
    assert data["promises"]["made"] == data["follow_ups"]["opened"] == 0
    assert sum(data["stages"].values()) == 0
    assert data["agents"] == []


def test_an_empty_ledger_draws_no_charts(empty_db: str, tmp_path: Path) -> None:
    """The page says there is nothing to report and holds no chart."""
    out = tmp_path / "report.html"
    assert main(["report", "--db", empty_db, "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Nothing to report" in page
    assert "<svg" not in page


def test_a_missing_ledger_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A ledger path that does not exist exits 2 naming it, and creates nothing."""
    missing = tmp_path / "nope.db"
    assert main(["report", "--db", str(missing)]) == 2
    assert "no ledger" in capsys.readouterr().err
    assert not missing.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--since", "a while"], "--since takes"),
        (["--until", "2026-03-01T00:00"], "--now needs a time-zone offset"),
        (["--since", "2026-04-02", "--until", "2026-04-01T00:00+00:00"], "is not before"),
        (["--tz", "Mars/Olympus"], "unknown time zone"),
    ],
)
def test_bad_arguments_exit_2_with_a_reason(
    empty_db: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """Each bad period or zone is one line on stderr naming the problem."""
    assert main(["report", "--db", empty_db, *argv]) == 2
    assert message in capsys.readouterr().err


def test_a_period_needs_aware_times() -> None:
    """build_report refuses a naive start time."""
    store = open_store("memory://")
    with pytest.raises(InputError, match="aware"):
        build_report(store, start=datetime(2026, 3, 1), end=datetime(2026, 4, 1, tzinfo=UTC))


def test_ticket_links_fill_the_template() -> None:
    """{system} and {id} are filled from the ticket reference; no template, no link."""
    assert ticket_link("https://acme.zendesk.com/agent/tickets/{id}", "zendesk:12") == (
        "https://acme.zendesk.com/agent/tickets/12"
    )
    assert ticket_link(None, "zendesk:12") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi Maria, please calm down.", "Hi [name], please calm down."),
        ("Mail ana.b@example.com or call +49 30 1234567.", "Mail [email] or call [number]."),
        ("I told John Smith that I'm sorry.", "I told [name] [name] that I'm sorry."),
        ("See https://example.com/t/9 for order 12345.", "See [link] for order [number]."),
        ("Calm down. Okay?", "Calm down. Okay?"),
    ],
)
def test_examples_lose_names_addresses_and_numbers(text: str, expected: str) -> None:
    """Names, email addresses, links and numbers are replaced; sentence starts and "I" stay."""
    assert anonymise(text) == expected
