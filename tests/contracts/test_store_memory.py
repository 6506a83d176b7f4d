"""The store contract on the in-memory store, plus what is particular to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deescalate.errors import StoreError
from deescalate.store import LATEST_VERSION, MemoryStore, Store, open_store
from tests.contracts.queue_contract import Connect
from tests.contracts.store_contract import StoreContract, make


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def store(self) -> Iterator[Store]:
        store = open_store("memory://")
        yield store
        store.close()

    @pytest.fixture
    def connect(self, store: Store) -> Connect:
        """Memory has one handle: every claimer shares it (its lock serialises them)."""
        return lambda: store


def test_memory_url_opens_a_new_empty_store() -> None:
    """Each ``memory://`` store is its own: nothing is shared between two."""
    first, second = open_store("memory://"), open_store("memory://")
    assert isinstance(first, MemoryStore)
    first.add(make())
    assert second.search() == []
    assert first.schema_version() == LATEST_VERSION


def test_a_closed_memory_store_refuses_calls() -> None:
    """After close, a call is a StoreError rather than a silent empty answer."""
    store = MemoryStore()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.search()
