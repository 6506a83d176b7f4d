"""The store contract on a real PostgreSQL server started by the test setup."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from deescalate.store import LATEST_VERSION, open_store
from deescalate.store.postgres import PostgresStore
from tests.contracts.store_contract import StoreContract


class TestPostgresStore(StoreContract):
    @pytest.fixture
    def store(self, postgres_url: str) -> Iterator[PostgresStore]:
        store = open_store(postgres_url)
        assert isinstance(store, PostgresStore)
        yield store
        store.close()


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
