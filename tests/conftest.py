"""Shared test configuration: where the development data lives, and markers for it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT.parent / "shared" / "data"


def requires_data(item: str) -> pytest.MarkDecorator:
    """Skip unless ``../shared/data/<item>`` is present (it never is in a fresh checkout)."""
    return pytest.mark.skipif(
        not (DATA_DIR / item).is_dir(), reason=f"../shared/data/{item} is not available"
    )
