"""The store contract on SQLite, plus migration of an older database in place."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from deescalate.errors import ConfigurationError, StoreError
from deescalate.store import open_store
from deescalate.store.base import LATEST_VERSION
from deescalate.store.sqlite import SQLiteStore
from tests.contracts.store_contract import StoreContract, make


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SQLiteStore]:
        store = SQLiteStore(tmp_path / "ledger.db")
        yield store
        store.close()


def test_older_database_is_upgraded_in_place(tmp_path: Path) -> None:
    """A version-1 database keeps its rows and gains the version-2 schema on open."""
    path = tmp_path / "old.db"
    old = SQLiteStore(path, migrate=False)
    assert old.migrate(target=1) == 1
    connection = sqlite3.connect(path)
    columns = {row[1] for row in connection.execute("PRAGMA table_info(obligations)")}
    assert "outcome" not in columns
    connection.execute(
        "INSERT INTO obligations (id, key, kind, ticket, source, due_at, state, created_at, updated_at)"
        " VALUES ('old1', 'k1', 'follow-through', 'fake:9', 'x', 1, 'open', 1, 1)"
    )
    connection.commit()
    connection.close()
    old.close()
    upgraded = SQLiteStore(path)
    assert upgraded.schema_version() == LATEST_VERSION
    assert upgraded.get("old1").ticket == "fake:9"
    assert upgraded.get("old1").outcome is None
    upgraded.close()


def test_open_store_urls(tmp_path: Path) -> None:
    """sqlite:/// URLs and plain paths open SQLite; unknown schemes are refused."""
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    assert isinstance(store, SQLiteStore)
    store.close()
    with pytest.raises(ConfigurationError, match="mysql"):
        open_store("mysql://localhost/ledger")


def test_unopenable_path_is_a_store_error(tmp_path: Path) -> None:
    """A path in a missing folder is a clear StoreError."""
    with pytest.raises(StoreError, match="cannot open"):
        SQLiteStore(tmp_path / "missing" / "ledger.db")


def test_two_connections_share_the_file(tmp_path: Path) -> None:
    """A second process-like connection sees what the first wrote."""
    first = SQLiteStore(tmp_path / "shared.db")
    second = SQLiteStore(tmp_path / "shared.db")
    first.add(make())
    assert len(second.search()) == 1
    first.close()
    second.close()
