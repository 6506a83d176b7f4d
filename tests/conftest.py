"""Shared test configuration: where the development data lives, and markers for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres_server import PostgresServer, running_server

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT.parent / "shared" / "data"


def requires_data(item: str) -> pytest.MarkDecorator:
    """Skip unless ``../shared/data/<item>`` is present (it never is in a fresh checkout)."""
    return pytest.mark.skipif(
        not (DATA_DIR / item).is_dir(), reason=f"../shared/data/{item} is not available"
    )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the session; skips, saying why, when none can be started."""
    pytest.importorskip("psycopg", reason="the postgres extra (psycopg) is not installed")
    try:
        with running_server() as server:
            yield server
    except RuntimeError as exc:
        pytest.skip(f"no PostgreSQL server could be started: {exc}")


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """An empty database on the session's server."""
    return postgres_server.new_database()
