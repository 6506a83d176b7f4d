"""Regenerate docs/images/report.png: the report over the tests' scripted month, in Chromium.

Usage: .venv/bin/python tools/report_screenshot.py  (needs the report extra and a Chromium binary)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deescalate.cli import main as deescalate  # noqa: E402 - after the repository is on the path
from tests.report.month import END, START, play_month  # noqa: E402
from tests.report.test_report_page import chromium  # noqa: E402

TARGET = ROOT / "docs" / "images" / "report.png"


def main() -> int:
    browser = chromium()
    if browser is None:
        print("no Chromium binary: apt install chromium, or set DEESCALATE_CHROMIUM")
        return 1
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        month = play_month(where / "ledger.db")
        page = where / "report.html"
        period = ["--since", START.isoformat(), "--until", END.isoformat()]
        deescalate(["report", "--db", month.database, *period, "--out", str(page)])
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        flags = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync", "--hide-scrollbars",
            f"--user-data-dir={where / 'profile'}", "--window-size=900,1300",
        ]  # fmt: skip
        subprocess.run(
            [browser, *flags, f"--screenshot={TARGET}", page.as_uri()],
            check=True,
            capture_output=True,
        )
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
