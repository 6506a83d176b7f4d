"""The PostgreSQL store (psycopg 3), for several service and worker processes on several machines.

Due obligations are claimed with ``FOR UPDATE SKIP LOCKED``: concurrent workers each take rows
no other worker holds, so every due obligation is leased to one worker at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from deescalate.errors import MissingExtraError, StoreError
from deescalate.store.base import SQLStore

__all__ = ["PostgresStore"]

_MIGRATION_LOCK = 0x0DE5CA1A7E  # advisory lock id serializing schema migrations


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise MissingExtraError("the PostgreSQL ledger", "postgres") from exc
    return psycopg


class PostgresStore(SQLStore):
    """Obligations in PostgreSQL; ``dsn`` is a ``postgresql://`` URL or a libpq string."""

    dialect = "postgresql"
    placeholder = "%s"
    _claim_lock = " FOR UPDATE SKIP LOCKED"
    _explain = ("EXPLAIN", 0)

    def __init__(self, dsn: str, *, migrate: bool = True, connect_timeout: int = 10) -> None:
        psycopg = _psycopg()
        self._psycopg = psycopg
        self._errors = psycopg.Error
        self._dsn = dsn
        self._connect_timeout = connect_timeout
        self._connection = self._connect()
        self._lock = threading.RLock()
        self._depth = 0  # transactions open on this connection (atomic() blocks nest)
        self._closed = False
        if migrate:
            self.migrate()

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(
                self._dsn, autocommit=True, connect_timeout=self._connect_timeout
            )
        except self._errors as exc:
            # The message of a failed connection can include the host but never customer text.
            raise StoreError(f"cannot connect to the PostgreSQL ledger: {exc}") from exc

    @contextmanager
    def _transaction(self, *, immediate: bool = False) -> Iterator[Any]:
        # psycopg nests transaction() blocks as savepoints, so calls inside ``atomic()`` join
        # its transaction; the lock keeps other threads off the connection until it ends.
        with self._lock:
            if self._depth == 0 and self._connection.closed and not self._closed:
                # The server went away (a restart, a failover, a dropped connection): connect
                # again, but only between transactions, so no atomic() block is split in two.
                self._connection = self._connect()
            self._depth += 1
            try:
                with self._connection.transaction(), self._connection.cursor() as cursor:
                    yield cursor
            except self._errors as exc:
                raise StoreError(
                    f"PostgreSQL ledger error: {exc.__class__.__name__}: {exc}"
                ) from exc
            finally:
                self._depth -= 1

    def _lock_for_migration(self, cursor: Any) -> None:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._closed = True
            self._connection.close()
