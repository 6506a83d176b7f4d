"""Shared test configuration: where the development data lives, markers for it, and the
Hypothesis profiles (``ci`` when ``CI`` is set or ``HYPOTHESIS_PROFILE=ci``; else ``default``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import settings

from tests.postgres_server import PostgresServer, running_server

REPO_ROOT = Path(__file__).resolve().parents[1]
# ../shared/data beside the checkout, or wherever DEESCALATE_SHARED_DATA points (a worktree)
DATA_DIR = Path(os.environ.get("DEESCALATE_SHARED_DATA") or REPO_ROOT.parent / "shared" / "data")

# CI runs the same examples on every run, so a red build is red again when re-run, and prints the
# blob that replays a failure; local runs keep exploring new random examples.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)


def hypothesis_profile(environ: Mapping[str, str]) -> str:
    """``HYPOTHESIS_PROFILE`` when set, else ``ci`` when ``CI`` is set, else ``default``."""
    return environ.get("HYPOTHESIS_PROFILE") or ("ci" if environ.get("CI") else "default")


settings.load_profile(hypothesis_profile(os.environ))


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
