"""End to end: signed Jira deliveries through the core pipeline, the inbox and the outbox, with
the real jira client against the fake Jira (Cloud and Data Center)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from deescalate_jira import JiraHelpdesk
from deescalate_jira.testing import FakeJiraServer

from deescalate.calendar import BusinessCalendar
from deescalate.obligations import ObligationKind
from deescalate.runtime import Runtime
from deescalate.settings import Settings

ANGRY = "You're not listening! This is the THIRD time I'm writing about the router!!"


@pytest.fixture
def runtime(desk: JiraHelpdesk, tmp_path: Path) -> Iterator[Runtime]:
    built = Runtime.build(
        Settings(database_url=str(tmp_path / "ledger.db"), timezone="Europe/Berlin"),
        helpdesk=desk,
        calendar=BusinessCalendar.standard("Europe/Berlin"),
        worker_id="w1",
    )
    yield built
    built.store.close()


def deliver(
    server: FakeJiraServer, key: str, author: str, body: str, delivery_id: str
) -> tuple[dict[str, str], bytes]:
    comment = server.add_comment(key, author, body)
    payload = server.comment_event(key, comment)
    return server.signed(payload, delivery_id), payload


def notes(server: FakeJiraServer, key: str) -> list[str]:
    return [str(c["body"]) for c in server.comments(key) if "deescalate ref:" in str(c["body"])]


def test_an_angry_comment_is_labelled_noted_and_never_duplicated(
    server: FakeJiraServer, runtime: Runtime
) -> None:
    """The stage label and one internal comment; the same delivery again changes nothing."""
    assert runtime.inbox is not None
    key = server.add_issue("Router", comments=[("customer", "My router drops every evening.")])
    headers, body = deliver(server, key, "customer", ANGRY, "wh-1")
    assert runtime.inbox.receive(headers, body).new
    runtime.run_once()
    assert any(label.startswith("deescalate-stage-") for label in server.labels(key))
    assert len(notes(server, key)) == 1
    writes = server.count("PUT") + server.count("POST", "/rest/api/2/issue")
    assert not runtime.inbox.receive(headers, body).new  # Jira retried the delivery
    runtime.run_once()
    assert len(notes(server, key)) == 1
    assert server.count("PUT") + server.count("POST", "/rest/api/2/issue") == writes


def test_the_agents_promise_opens_an_obligation(server: FakeJiraServer, runtime: Runtime) -> None:
    """An agent's public reply with a promise opens a follow-through obligation, once."""
    assert runtime.inbox is not None
    key = server.add_issue("Router", comments=[("customer", ANGRY)])
    headers, body = deliver(
        server, key, "agent", "I'm sorry. I'll call you back within 2 business days.", "wh-2"
    )
    runtime.inbox.receive(headers, body)
    runtime.run_once()
    runtime.inbox.receive(headers, body)
    runtime.run_once()
    (obligation,) = runtime.ledger.store.search(ticket=f"jira:{key}")
    assert obligation.kind is ObligationKind.FOLLOW_THROUGH
    assert obligation.action == "callback"


def test_our_own_note_echoed_back_costs_nothing(server: FakeJiraServer, runtime: Runtime) -> None:
    """Jira's delivery of deescalate's own comment plans no work and writes nothing."""
    assert runtime.inbox is not None
    key = server.add_issue("Router", comments=[("customer", "My router drops.")])
    runtime.inbox.receive(*deliver(server, key, "customer", ANGRY, "wh-3"))
    runtime.run_once()
    (ours,) = [c for c in server.comments(key) if "deescalate ref:" in str(c["body"])]
    server.reset_log()
    echo = server.comment_event(key, ours)
    runtime.inbox.receive(server.signed(echo, "wh-4"), echo)
    runtime.run_once()
    assert server.count() == 0
