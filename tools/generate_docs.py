"""Regenerate the documentation pages that are built from code (the reply-coach rules).

Usage: .venv/bin/python tools/generate_docs.py
"""

from __future__ import annotations

from pathlib import Path

from deescalate.coach import Coach
from deescalate.coach.docs import rules_markdown

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    target = ROOT / "docs" / "reference" / "rules.md"
    target.write_text(rules_markdown(Coach()), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
