"""The generic commands on the Zendesk adapter: setup, macros sync and backfill, as operators run
them (settings from the environment), against the fake Zendesk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from deescalate_zendesk.testing import FakeZendeskServer

from deescalate.cli import main
from deescalate.store import open_store
from tests.adapters.zendesk.conftest import Clock

ANGRY = "You're not listening! This is the THIRD time I'm writing about the router!!"


@pytest.fixture
def env(server: FakeZendeskServer, monkeypatch: pytest.MonkeyPatch) -> FakeZendeskServer:
    """The variables an operator sets, pointing at the fake."""
    monkeypatch.setenv("DEESCALATE_ZENDESK_URL", server.url)
    monkeypatch.setenv("DEESCALATE_ZENDESK_EMAIL", server.email)
    monkeypatch.setenv("DEESCALATE_ZENDESK_TOKEN", server.token)
    monkeypatch.setenv("DEESCALATE_ZENDESK_WEBHOOK_SECRET", server.secret)
    monkeypatch.setenv("DEESCALATE_NO_PROGRESS", "1")
    return server


def test_setup_twice_creates_one_webhook_and_one_trigger(
    env: FakeZendeskServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """deescalate setup zendesk is idempotent."""
    endpoint = "https://deescalate.example.com/hooks/zendesk"
    assert main(["setup", "zendesk", "--endpoint", endpoint]) == 0
    assert main(["setup", "zendesk", "--endpoint", endpoint]) == 0
    assert "already there" in capsys.readouterr().out
    assert len(env.state.webhooks) == 1
    assert len(env.state.triggers) == 1


def test_setup_refuses_an_endpoint_that_is_not_a_url(
    env: FakeZendeskServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad endpoint is one line and exit 2; nothing is created."""
    assert main(["setup", "zendesk", "--endpoint", "deescalate.example.com"]) == 2
    assert "http(s) URL" in capsys.readouterr().err
    assert not env.state.webhooks


def test_macros_sync_twice_never_duplicates(
    env: FakeZendeskServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second sync updates the same macros; Zendesk's own placeholders are filled in."""
    assert main(["macros", "sync", "zendesk", "--language", "en"]) == 0
    first = len(env.state.macros)
    assert main(["macros", "sync", "zendesk", "--language", "en"]) == 0
    assert len(env.state.macros) == first > 5
    bodies = " ".join(str(m["actions"]) for m in env.state.macros.values())
    assert "{{ticket.requester.first_name}}" in bodies
    assert "reminder-note" not in " ".join(str(m["title"]) for m in env.state.macros.values())


def test_missing_credentials_are_one_line_naming_the_variable(
    server: FakeZendeskServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without DEESCALATE_ZENDESK_TOKEN the command says which variable is missing."""
    monkeypatch.setenv("DEESCALATE_ZENDESK_URL", server.url)
    monkeypatch.setenv("DEESCALATE_ZENDESK_EMAIL", server.email)
    monkeypatch.delenv("DEESCALATE_ZENDESK_TOKEN", raising=False)
    monkeypatch.delenv("DEESCALATE_ZENDESK_OAUTH_TOKEN", raising=False)
    assert main(["macros", "sync", "zendesk"]) == 2
    err = capsys.readouterr().err
    assert "DEESCALATE_ZENDESK_TOKEN" in err
    assert len(err.strip().splitlines()) == 1


def test_backfill_tags_the_period_and_reports(
    env: FakeZendeskServer, clock: Clock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """deescalate backfill zendesk --since 30d tags every ticket and opens promised callbacks."""
    clock.now = start = datetime.now(UTC)  # the command runs on the real clock
    for n in range(12):
        env.add_ticket(f"T{n}", [("customer", ANGRY if n % 2 else "Where is my order?")],
                       at=start - timedelta(days=3))  # fmt: skip
    env.add_ticket(
        "Callback",
        [("customer", ANGRY), ("agent", "I'm sorry. I'll call you back within 3 business days.")],
        at=start - timedelta(hours=1),
    )
    db = tmp_path / "ledger.db"
    assert main(["backfill", "zendesk", "--since", "30d", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "13 tickets" in out
    tagged = [t for t in env.state.tickets.values() if any("stage" in tag for tag in t["tags"])]
    assert len(tagged) == 13
    store = open_store(str(db))
    try:
        assert len(store.search()) == 1  # the callback still ahead; nothing for past-due history
    finally:
        store.close()
