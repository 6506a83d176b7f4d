"""Where the obligation ledger lives: SQLite (embedded default) or PostgreSQL (several machines)."""

from __future__ import annotations

from pathlib import Path

from deescalate.errors import ConfigurationError
from deescalate.obligations.model import Transition
from deescalate.store.base import LATEST_VERSION, SQLStore, Store
from deescalate.store.sqlite import SQLiteStore

__all__ = ["LATEST_VERSION", "SQLStore", "SQLiteStore", "Store", "Transition", "open_store"]


def open_store(url: str | Path) -> SQLStore:
    """Open a store from a URL: ``sqlite:///path``, a plain file path, or ``postgresql://...``."""
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        from deescalate.store.postgres import PostgresStore

        return PostgresStore(text)
    if text.startswith("sqlite:///"):
        return SQLiteStore(text.removeprefix("sqlite:///") or ":memory:")
    if "://" in text:
        raise ConfigurationError(
            f"unsupported ledger URL scheme in {text.split('://')[0]!r}: use sqlite:/// or postgresql://"
        )
    return SQLiteStore(text)
