"""The store contract on a real PostgreSQL server started by the test setup."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

import pytest

from deescalate.store import LATEST_VERSION, open_store
from deescalate.store.postgres import PostgresStore
from tests.contracts.queue_contract import CHANGE, NOW, Connect, delivery
from tests.contracts.store_contract import SQLStoreContract


class TestPostgresStore(SQLStoreContract):
    @pytest.fixture
    def store(self, postgres_url: str) -> Iterator[PostgresStore]:
        store = open_store(postgres_url)
        assert isinstance(store, PostgresStore)
        yield store
        store.close()

    @pytest.fixture
    def connect(self, postgres_url: str, store: PostgresStore) -> Iterator[Connect]:
        """More sessions on the store's database, as other processes would open."""
        opened: list[PostgresStore] = []

        def another() -> PostgresStore:
            opened.append(PostgresStore(postgres_url))
            return opened[-1]

        yield another
        for handle in opened:
            handle.close()


def test_migrating_twice_is_harmless(postgres_url: str) -> None:
    """Opening an up-to-date database again changes nothing."""
    first = PostgresStore(postgres_url)
    second = PostgresStore(postgres_url)
    assert first.schema_version() == second.schema_version() == LATEST_VERSION
    first.close()
    second.close()


def test_obligations_leave_room_for_in_place_lease_updates(postgres_url: str) -> None:
    """Migration 3 sets a fill factor on PostgreSQL, so lease writes can be HOT updates."""
    store = PostgresStore(postgres_url)
    with store._transaction() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'obligations'")
        (options,) = cursor.fetchone()
    store.close()
    assert "fillfactor=80" in options


def test_reading_the_version_of_a_fresh_database_from_many_sessions_at_once(
    postgres_url: str,
) -> None:
    """Eight sessions asking a never-migrated database its version together all get 0.

    Unguarded, two sessions creating the version table at once collide on PostgreSQL's catalogue
    ("duplicate key value violates unique constraint pg_type_typname_nsp_index").
    """
    sessions = 8
    stores = [PostgresStore(postgres_url, migrate=False) for _ in range(sessions)]
    barrier = threading.Barrier(sessions)

    def read(store: PostgresStore) -> int:
        barrier.wait()
        return store.schema_version()

    try:
        with ThreadPoolExecutor(sessions) as pool:
            versions = list(pool.map(read, stores))
    finally:
        for store in stores:
            store.close()
    assert versions == [0] * sessions


@pytest.mark.parametrize(
    ("table", "ticket_index"), [("inbox", "inbox_pending_ticket"), ("outbox", "outbox_ticket")]
)
def test_queue_claim_checks_a_tickets_earlier_entries_by_index(
    postgres_url: str, table: Literal["inbox", "outbox"], ticket_index: str
) -> None:
    """With a backlog of 400 entries, 200 of them done, the per-ticket check is an index search."""
    store = PostgresStore(postgres_url)
    with store.atomic():
        for n in range(400):
            if table == "inbox":
                store.inbox_add(delivery(f"d{n}"), ticket=f"fake:{n % 40}", at=NOW)
            else:
                store.outbox_add(f"fake:{n % 40}", CHANGE, f"k{n}", NOW)
    with store._transaction() as cursor:
        cursor.execute(f"UPDATE {table} SET state = 'done' WHERE seq <= 200")
        cursor.execute(f"ANALYZE {table}")
    plan = store.explain_claim(NOW, 100, queue=table)
    store.close()
    assert f"{table}_pending" in plan, plan
    assert f"using {ticket_index} on {table} earlier" in plan, plan
