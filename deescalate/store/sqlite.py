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
        self._depth = 0  # how many transactions and savepoints are open on the connection
        if migrate:
            self.migrate()

    @contextmanager
    def _transaction(self, *, immediate: bool = False) -> Iterator[Any]:
        # One connection, one open transaction: a call made inside another (an ``atomic()``
        # block) runs in a savepoint of the outer transaction, so the outermost level alone
        # begins and commits, and a failing inner call undoes only its own writes.
        with self._lock:
            depth = self._depth
            savepoint = f"deescalate_{depth}"
            cursor = self._connection.cursor()
            opened = False
            try:
                if depth == 0:
                    cursor.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
                else:
                    cursor.execute(f"SAVEPOINT {savepoint}")
                opened = True
                self._depth = depth + 1
                try:
                    yield cursor
                finally:
                    self._depth = depth
                cursor.execute("COMMIT" if depth == 0 else f"RELEASE {savepoint}")
            except sqlite3.Error as exc:
                self._undo(cursor, depth, savepoint, opened)
                raise StoreError(f"SQLite ledger error: {exc}") from exc
            except BaseException:
                self._undo(cursor, depth, savepoint, opened)
                raise
            finally:
                cursor.close()

    def _undo(self, cursor: sqlite3.Cursor, depth: int, savepoint: str, opened: bool) -> None:
        if not self._connection.in_transaction:
            return  # SQLite already rolled the whole transaction back (or it never began)
        if depth == 0:
            cursor.execute("ROLLBACK")
        elif opened:
            cursor.execute(f"ROLLBACK TO {savepoint}")
            cursor.execute(f"RELEASE {savepoint}")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._connection.close()
