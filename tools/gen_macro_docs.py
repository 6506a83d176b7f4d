"""Write docs/reference/macros.md from the shipped macro library.

Usage::

    .venv/bin/python tools/gen_macro_docs.py [--check]

``--check`` exits 1 when the page is out of date instead of writing it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deescalate.macros import MacroLibrary
from deescalate.macros.reference import reference_markdown

PAGE = Path(__file__).resolve().parents[1] / "docs" / "reference" / "macros.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the page is out of date")
    args = parser.parse_args()
    text = reference_markdown(MacroLibrary.default())
    if args.check:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != text:
            print(f"{PAGE} is out of date: run tools/gen_macro_docs.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
