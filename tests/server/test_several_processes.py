"""Several machines' worth of processes on one PostgreSQL server: two ``deescalate serve
--no-worker`` and two ``deescalate worker`` handle a load (deliveries sent to either server, each
sent twice) with every delivery processed once and every ticket noted once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from deescalate.store import EntryState, open_store
from tests.server.harness import ServeProcess, wait_until

pytestmark = pytest.mark.timeout_hint

zendesk_testing = pytest.importorskip("deescalate_zendesk.testing")

ANGRY = "You're not listening! This is the THIRD time I'm writing about the router!!"
TICKETS = 30


@pytest.fixture
def zendesk() -> Iterator[Any]:
    with zendesk_testing.FakeZendeskServer() as server:
        yield server


def environment(zendesk: Any, db: str) -> dict[str, str]:
    return {
        **os.environ,
        "DEESCALATE_DATABASE_URL": db,
        "DEESCALATE_ZENDESK_URL": zendesk.url,
        "DEESCALATE_ZENDESK_EMAIL": zendesk.email,
        "DEESCALATE_ZENDESK_TOKEN": zendesk.token,
        "DEESCALATE_ZENDESK_WEBHOOK_SECRET": zendesk.secret,
        "DEESCALATE_REMIND_OUTSIDE_HOURS": "true",
    }


def test_two_servers_and_two_workers_process_each_delivery_once(
    postgres_server: Any, zendesk: Any, tmp_path: Path
) -> None:
    """Every acknowledged delivery is done once, and each angry ticket gets exactly one note."""
    db = postgres_server.new_database()
    env = environment(zendesk, db)
    deliveries = []
    for n in range(TICKETS):
        ticket_id = zendesk.add_ticket(f"Router {n}", [("customer", "It drops every evening.")])
        requester = zendesk.state.tickets[ticket_id]["requester_id"]
        added = zendesk.add_comment(ticket_id, requester, ANGRY)
        deliveries.append(
            zendesk.comment_added_delivery(
                ticket_id, ANGRY, event_id=f"01LOAD{n:04d}", author_id=requester,
                comment_id=int(added["id"]),
            )
        )  # fmt: skip
    servers = [
        ServeProcess(db, "--no-worker", env=env, helpdesk="zendesk", log_dir=tmp_path)
        for _ in range(2)
    ]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "deescalate.cli",
                "worker",
                "--helpdesk",
                "zendesk",
                "--poll",
                "0.1",
                "--id",
                f"w{n}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(2)
    ]
    try:
        with httpx.Client(timeout=10) as client:
            for server in servers:
                server.wait_ready(client)
        answers: list[int] = []
        lock = threading.Lock()

        def send(half: int) -> None:
            with httpx.Client(timeout=10) as client:
                for index, (headers, body) in enumerate(deliveries):
                    # each delivery goes to both servers: the second is the sender's retry
                    target = servers[(index + half) % 2]
                    status = client.post(
                        f"{target.url}/hooks/zendesk", content=body, headers=headers
                    ).status_code
                    with lock:
                        answers.append(status)

        senders = [threading.Thread(target=send, args=(half,)) for half in (0, 1)]
        for thread in senders:
            thread.start()
        for thread in senders:
            thread.join()
        assert sorted(set(answers)) in ([200, 202], [202])
        assert len(answers) == 2 * TICKETS
        assert answers.count(202) == TICKETS

        def settled() -> bool:
            store = open_store(db)
            try:
                inbox = store.inbox_counts()
                outbox = store.outbox_counts()
            finally:
                store.close()
            return inbox.get(EntryState.DONE, 0) == TICKETS and outbox.get(
                EntryState.DONE, 0
            ) == sum(outbox.values())

        assert wait_until(settled, timeout=120, step=0.25)
    finally:
        for server in servers:
            server.terminate()
        for worker in workers:
            worker.terminate()
            worker.wait(30)
    store = open_store(db)
    try:
        assert len(store.inbox_list(limit=1000)) == TICKETS
        assert store.inbox_counts().get(EntryState.FAILED, 0) == 0
    finally:
        store.close()
    notes = [len(zendesk.notes(ticket)) for ticket in zendesk.state.tickets]
    assert notes == [1] * TICKETS
