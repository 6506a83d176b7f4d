"""The generic commands on the Jira adapter: setup, macros sync and backfill, as operators run
them (settings from the environment), against the fake Jira Cloud."""

from __future__ import annotations

from pathlib import Path

import pytest
from deescalate_jira.testing import FakeJiraServer

from deescalate.cli import main

ANGRY = "You're not listening! This is the THIRD time I'm writing about the router!!"


@pytest.fixture
def env(cloud: FakeJiraServer, monkeypatch: pytest.MonkeyPatch) -> FakeJiraServer:
    """The variables an operator sets, pointing at the fake Cloud site."""
    monkeypatch.setenv("DEESCALATE_JIRA_URL", cloud.url)
    monkeypatch.setenv("DEESCALATE_JIRA_EMAIL", cloud.email)
    monkeypatch.setenv("DEESCALATE_JIRA_TOKEN", cloud.token)
    monkeypatch.setenv("DEESCALATE_JIRA_WEBHOOK_SECRET", cloud.webhook_secret)
    monkeypatch.setenv("DEESCALATE_JIRA_PROJECT", "SUP")
    monkeypatch.setenv("DEESCALATE_NO_PROGRESS", "1")
    return cloud


def test_setup_twice_registers_one_webhook(
    env: FakeJiraServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """deescalate setup jira is idempotent."""
    endpoint = "https://deescalate.example.com/hooks/jira"
    assert main(["setup", "jira", "--endpoint", endpoint]) == 0
    assert main(["setup", "jira", "--endpoint", endpoint]) == 0
    assert len(env.webhooks) == 1


def test_macros_sync_twice_never_duplicates(env: FakeJiraServer) -> None:
    """Macros are kept as project properties; a second sync rewrites the same ones."""
    assert main(["macros", "sync", "jira", "--language", "en"]) == 0
    first = dict(env.project_properties)
    assert main(["macros", "sync", "jira", "--language", "en"]) == 0
    assert env.project_properties.keys() == first.keys()
    assert len(first) > 5


def test_both_credentials_are_refused_in_one_line(
    cloud: FakeJiraServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PAT and an e-mail with a token together are a configuration error naming them."""
    monkeypatch.setenv("DEESCALATE_JIRA_URL", cloud.url)
    monkeypatch.setenv("DEESCALATE_JIRA_EMAIL", cloud.email)
    monkeypatch.setenv("DEESCALATE_JIRA_TOKEN", cloud.token)
    monkeypatch.setenv("DEESCALATE_JIRA_PAT", cloud.pat)
    assert main(["macros", "sync", "jira"]) == 2
    err = capsys.readouterr().err
    assert "DEESCALATE_JIRA_PAT" in err
    assert len(err.strip().splitlines()) == 1


def test_backfill_follows_the_jql(
    env: FakeJiraServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """deescalate backfill jira --jql labels the matching issues only."""
    wanted = [env.add_issue(f"T{n}", comments=[("customer", ANGRY)]) for n in range(4)]
    other = env.add_issue("Ops", project="OPS", comments=[("customer", ANGRY)])
    db = tmp_path / "ledger.db"
    args = ["backfill", "jira", "--jql", "project = SUP", "--since", "1d", "--db", str(db)]
    assert main(args) == 0
    assert "4 tickets" in capsys.readouterr().out
    assert all(any("stage" in label for label in env.labels(key)) for key in wanted)
    assert not env.labels(other)
