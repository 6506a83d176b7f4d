"""The store contract on SQLite, plus migration of an older database in place."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest

from deescalate.errors import ConfigurationError, StoreError
from deescalate.store import open_store
from deescalate.store.base import LATEST_VERSION
from deescalate.store.sqlite import SQLiteStore
from tests.contracts.queue_contract import CHANGE, Connect, delivery
from tests.contracts.store_contract import NOW, SQLStoreContract, make


class TestSQLiteStore(SQLStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SQLiteStore]:
        store = SQLiteStore(tmp_path / "ledger.db")
        yield store
        store.close()

    @pytest.fixture
    def connect(self, store: SQLiteStore) -> Iterator[Connect]:
        """More connections to the store's file, as other processes would open."""
        opened: list[SQLiteStore] = []

        def another() -> SQLiteStore:
            opened.append(SQLiteStore(store.path))
            return opened[-1]

        yield another
        for handle in opened:
            handle.close()


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


def test_a_version_5_database_gains_the_owner_column(tmp_path: Path) -> None:
    """Obligations stored before owners were recorded read back with no owner."""
    path = tmp_path / "v5.db"
    old = SQLiteStore(path, migrate=False)
    assert old.migrate(target=5) == 5
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO obligations (id, key, kind, ticket, source, due_at, state, created_at, updated_at)"
        " VALUES ('old5', 'k5', 'follow-through', 'fake:5', 'x', 1, 'open', 1, 1)"
    )
    connection.commit()
    connection.close()
    old.close()
    upgraded = SQLiteStore(path)
    assert upgraded.schema_version() == LATEST_VERSION
    assert upgraded.get("old5").owner is None
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


@pytest.mark.parametrize(
    ("table", "ticket_index"), [("inbox", "inbox_pending_ticket"), ("outbox", "outbox_ticket")]
)
def test_queue_claim_checks_a_tickets_earlier_entries_by_index(
    tmp_path: Path, table: Literal["inbox", "outbox"], ticket_index: str
) -> None:
    """Whether a ticket has an earlier pending entry is one index search, not a scan."""
    store = SQLiteStore(tmp_path / "ledger.db")
    plan = store.explain_claim(NOW, 100, queue=table)
    store.close()
    assert f"SEARCH earlier USING COVERING INDEX {ticket_index}" in plan or (
        f"SEARCH earlier USING INDEX {ticket_index}" in plan
    ), plan


def test_a_version_3_database_gains_the_inbox_and_outbox(tmp_path: Path) -> None:
    """Opening a version-3 ledger adds the queues and keeps its obligations."""
    path = tmp_path / "v3.db"
    old = SQLiteStore(path, migrate=False)
    assert old.migrate(target=3) == 3
    old.close()
    # Written as that version's schema has it: today's store writes columns added since.
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO obligations (id, key, kind, ticket, source, due_at, state, created_at, updated_at)"
        " VALUES ('old3', 'k3', 'follow-through', 'fake:3', 'x', 1, 'open', 1, 1)"
    )
    connection.commit()
    connection.close()
    upgraded = SQLiteStore(path)
    assert upgraded.schema_version() == LATEST_VERSION
    assert upgraded.get("old3").ticket == "fake:3"
    assert upgraded.inbox_add(delivery("d1"), ticket=None, at=NOW)
    assert upgraded.outbox_add("fake:1", CHANGE, "k1", NOW)
    upgraded.close()
