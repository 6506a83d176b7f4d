"""The service under faults: killed mid-load, stopped with SIGTERM, its database briefly gone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deescalate.assessment import Assessor
from deescalate.coach import Coach
from deescalate.runtime import Runtime
from deescalate.settings import Settings
from deescalate.store import EntryState, open_store
from tests.server.harness import ServeProcess, delivery_body, serve_in_thread, signed, wait_until

pytestmark = pytest.mark.timeout_hint


def send_all(url: str, ids: list[str], *, senders: int = 4) -> tuple[set[str], list[str]]:
    """POST a signed delivery for each id from ``senders`` threads; returns the ids answered
    2xx (acknowledged) and those that were not (refused, or the connection failed)."""
    acknowledged: set[str] = set()
    unanswered: list[str] = []
    lock = threading.Lock()
    pending = iter(ids)

    def sender() -> None:
        with httpx.Client(timeout=5) as client:
            while True:
                with lock:
                    delivery_id = next(pending, None)
                if delivery_id is None:
                    return
                body = delivery_body(delivery_id, f"fake:{int(delivery_id[2:]) % 25}")
                try:
                    status = client.post(
                        f"{url}/hooks/fake", content=body, headers=signed(body)
                    ).status_code
                except httpx.HTTPError:
                    status = 0
                with lock:
                    (acknowledged.add if 200 <= status < 300 else unanswered.append)(delivery_id)

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return acknowledged, unanswered


def inbox_states(db: Path) -> dict[str, list[EntryState]]:
    """Every delivery id in the inbox with the states of its entries."""
    store = open_store(str(db))
    try:
        found: dict[str, list[EntryState]] = {}
        for entry in store.inbox_list(limit=1_000_000):
            found.setdefault(entry.delivery.id, []).append(entry.state)
        return found
    finally:
        store.close()


def all_done(db: Path, expected: int) -> bool:
    store = open_store(str(db))
    try:
        counts = store.inbox_counts()
    finally:
        store.close()
    return counts[EntryState.DONE] == expected and counts[EntryState.PENDING] == 0


def test_a_server_killed_mid_load_loses_no_acknowledged_delivery(tmp_path: Path) -> None:
    """SIGKILL during a load, then a restart and the senders' retries: every acknowledged
    delivery is in the inbox once and done, and the retries add nothing twice."""
    db = tmp_path / "killed.db"
    ids = [f"d-{n}" for n in range(600)]
    # A short lease: what the killed process had claimed is taken up soon after the restart.
    server = ServeProcess(db, "--lease", "1")
    acknowledged: set[str] = set()
    unanswered: list[str] = []

    def load() -> None:
        done, failed = send_all(server.url, ids)
        acknowledged.update(done)
        unanswered.extend(failed)

    loader = threading.Thread(target=load)
    loader.start()
    # Kill once a good part of the load was acknowledged, while the rest is still being sent.
    assert wait_until(lambda: len(inbox_states(db)) >= 150, timeout=30)
    server.kill()
    loader.join()
    assert acknowledged, "nothing was acknowledged before the kill"
    assert unanswered, "the kill came after the whole load"
    stored_before_restart = inbox_states(db)
    assert acknowledged <= set(stored_before_restart)

    restarted = ServeProcess(db, "--lease", "1")
    try:
        # The senders retry what was not answered, and replay some of what was.
        replays = sorted(acknowledged)[:50]
        retried, still_unanswered = send_all(restarted.url, unanswered + replays)
        assert still_unanswered == []
        assert retried == set(unanswered) | set(replays)
        assert wait_until(lambda: all_done(db, len(ids)), timeout=30)
    finally:
        assert restarted.terminate() == 0
    states = inbox_states(db)
    assert set(states) == set(ids)
    assert all(entry_states == [EntryState.DONE] for entry_states in states.values())


def test_sigterm_finishes_the_work_in_hand_and_exits_cleanly(tmp_path: Path) -> None:
    """SIGTERM stops the server: exit status 0, and what it acknowledged is stored."""
    db = tmp_path / "stopped.db"
    server = ServeProcess(db, "--no-worker")
    acknowledged, unanswered = send_all(server.url, [f"d-{n}" for n in range(40)], senders=2)
    status = server.terminate()
    log = server.log.read_text()
    assert status == 0
    assert unanswered == []
    assert "background processing stopped" in log
    assert set(inbox_states(db)) == acknowledged


@pytest.fixture
def pg_runtime(postgres_url: str) -> Iterator[Runtime]:
    with Runtime.build(
        Settings(),
        helpdesk="fake",
        database_url=postgres_url,
        assessor=Assessor(),
        coach=Coach(),
    ) as runtime:
        yield runtime


def set_database_open(admin_url: str, database: str, *, open_: bool) -> None:
    """Let clients connect to ``database`` again, or refuse them and drop those connected."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {database} ALLOW_CONNECTIONS {str(open_).lower()}")
        if not open_:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            )


def test_a_database_briefly_unavailable_gets_503_then_recovers(
    pg_runtime: Runtime, postgres_url: str, postgres_server: object
) -> None:
    """While PostgreSQL refuses connections deliveries get 503 with Retry-After and readyz is
    503; once it is back the sender's retry is stored and every delivery is processed."""
    admin_url = str(getattr(postgres_server, "admin_url"))  # noqa: B009 - the fixture's type is private
    database = postgres_url.rsplit("/", 1)[1]
    first, second = delivery_body("d-before"), delivery_body("d-during")
    with serve_in_thread(pg_runtime, poll=0.1) as url, httpx.Client(timeout=10) as client:
        assert (
            client.post(f"{url}/hooks/fake", content=first, headers=signed(first)).status_code
            == 202
        )
        set_database_open(admin_url, database, open_=False)
        try:
            refused = client.post(f"{url}/hooks/fake", content=second, headers=signed(second))
            assert refused.status_code == 503
            assert refused.headers["retry-after"]
            assert client.get(f"{url}/readyz").status_code == 503
        finally:
            set_database_open(admin_url, database, open_=True)
        again = client.post(f"{url}/hooks/fake", content=second, headers=signed(second))
        assert again.status_code == 202
        assert client.get(f"{url}/readyz").status_code == 200
        assert wait_until(lambda: pg_runtime.store.inbox_counts()[EntryState.DONE] == 2)
    assert [e.delivery.id for e in pg_runtime.store.inbox_list()] == ["d-before", "d-during"]
