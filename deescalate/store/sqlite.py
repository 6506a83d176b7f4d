"""The embedded SQLite store (standard library, WAL): a file path, no server."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from deescalate.errors import StoreError
from deescalate.store.base import SQLStore

__all__ = ["SQLiteStore"]


class SQLiteStore(SQLStore):
    """Obligations in a SQLite file, safe for several processes on one machine.

    WAL mode lets readers run beside the one writer; claims take the write lock up front
    (``BEGIN IMMEDIATE``) so two workers never lease the same row. The schema is migrated on
    open unless ``migrate=False``.
    """

    dialect = "sqlite"
    placeholder = "?"

    def __init__(self, path: str | Path, *, migrate: bool = True, timeout: float = 30.0) -> None:
        self.path = str(path)
        try:
            self._connection = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the SQLite ledger at {self.path}: {exc}") from exc
        self._lock = threading.RLock()
        if migrate:
            self.migrate()

    @contextmanager
    def _transaction(self, *, immediate: bool = False) -> Iterator[Any]:
        with self._lock:
            cursor = self._connection.cursor()
            try:
                cursor.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
                yield cursor
                cursor.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._connection.in_transaction:
                    cursor.execute("ROLLBACK")
                raise StoreError(f"SQLite ledger error: {exc}") from exc
            except BaseException:
                if self._connection.in_transaction:
                    cursor.execute("ROLLBACK")
                raise
            finally:
                cursor.close()

    def close(self) -> None:
        with self._lock:
            self._connection.close()
