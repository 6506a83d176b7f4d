"""The store contract on a real PostgreSQL server started by the test setup."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deescalate.store import open_store
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
    assert first.schema_version() == second.schema_version() == 2
    first.close()
    second.close()
