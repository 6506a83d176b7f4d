"""The scripted month, played once per test session into a SQLite ledger."""

from __future__ import annotations

import pytest

from tests.report.month import Month, play_month


@pytest.fixture(scope="session")
def month(tmp_path_factory: pytest.TempPathFactory) -> Month:
    """A month of support played through the runtime (see tests/report/month.py)."""
    return play_month(tmp_path_factory.mktemp("month") / "ledger.db")
