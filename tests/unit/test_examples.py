"""The example scripts run as documented."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO_ROOT


def test_assess_a_message_example() -> None:
    """examples/assess_a_message.py prints a stage and its signals."""
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "examples" / "assess_a_message.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("stage: ")
    assert "repeat-contact" in done.stdout
    assert "broken-promise" in done.stdout
