"""The embedded SQLite store (standard library, WAL): a file path, no server."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from deescalate.errors import StoreError
from deescalate.store.base import ACTIVE_SQL, SQLStore, to_micros

__all__ = ["SQLiteStore"]


class SQLiteStore(SQLStore):
    """Obligations in a SQLite file, safe for several processes on one machine.

    WAL mode lets readers run beside the one writer; claims take the write lock up front
    (``BEGIN IMMEDIATE``) so two workers never lease the same row. The schema is migrated on
    open unless ``migrate=False``.
    """

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

    def _claim_rows(
        self, cursor: Any, now: int, worker: str, limit: int, lease_until: int
    ) -> list[tuple[Any, ...]]:
        cursor.execute(
            "UPDATE obligations SET lease_owner = ?, lease_until = ? WHERE id IN ("
            f"  SELECT id FROM obligations WHERE {ACTIVE_SQL} AND next_action_at <= ?"
            "  AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_action_at LIMIT ?"
            ") RETURNING id, key, kind, ticket, source, action, comment_id, span_start, span_end, "
            "due_at, remind_at, state, next_task, next_action_at, outcome, created_at",
            (worker, lease_until, now, now, limit),
        )
        return list(cursor.fetchall())

    def explain_claim(self, now: datetime, limit: int) -> str:
        with self._transaction() as cursor:
            cursor.execute(
                f"EXPLAIN QUERY PLAN SELECT id FROM obligations WHERE {ACTIVE_SQL} "
                "AND next_action_at <= ? AND (lease_until IS NULL OR lease_until < ?) "
                "ORDER BY next_action_at LIMIT ?",
                (to_micros(now), to_micros(now), limit),
            )
            return "\n".join(str(row[-1]) for row in cursor.fetchall())

    def close(self) -> None:
        with self._lock:
            self._connection.close()
