"""Where the ledger, the inbox and the outbox live: SQLite (embedded default), PostgreSQL (several
machines) or memory (tests and the demo), all behind the :class:`Store` protocol."""

from __future__ import annotations

from pathlib import Path

from deescalate.errors import ConfigurationError
from deescalate.obligations.model import Transition
from deescalate.store.base import LATEST_VERSION, SQLStore
from deescalate.store.memory import MemoryStore
from deescalate.store.protocol import Store
from deescalate.store.queues import EntryState, InboxEntry, OutboxEntry
from deescalate.store.sqlite import SQLiteStore

__all__ = [
    "LATEST_VERSION",
    "EntryState",
    "InboxEntry",
    "MemoryStore",
    "OutboxEntry",
    "SQLStore",
    "SQLiteStore",
    "Store",
    "Transition",
    "open_store",
]


def open_store(url: str | Path) -> Store:
    """Open a store from a URL: ``sqlite:///path``, a plain file path, ``postgresql://...``, or
    ``memory://`` (a new, empty store that lives as long as the object)."""
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        from deescalate.store.postgres import PostgresStore

        return PostgresStore(text)
    if text.startswith("sqlite:///"):
        return SQLiteStore(text.removeprefix("sqlite:///") or ":memory:")
    if text == "memory://":
        return MemoryStore()
    if "://" in text:
        raise ConfigurationError(
            f"unsupported ledger URL scheme in {text.split('://')[0]!r}: "
            "use sqlite:///, postgresql:// or memory://"
        )
    return SQLiteStore(text)
