"""What an evaluation ran on: deescalate's version and the source checkout's commit.

``deescalate eval`` prints this above its figures so that two runs can be compared knowing which
code produced each. The commit is read with ``git`` from the checkout the package was imported
from; an installed package (no checkout) or a machine without ``git`` reports no commit.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Provenance", "provenance"]

_SOURCE_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class Provenance:
    """The version, and the commit when the code runs from a git checkout.

    ``modified`` is true when tracked files differ from that commit: the figures then belong to
    uncommitted code.
    """

    version: str
    commit: str | None
    modified: bool = False

    def describe(self) -> str:
        """One line: ``deescalate 0.1.0, commit 1a2b3c4 (with local changes)``."""
        if self.commit is None:
            return f"deescalate {self.version}, no git checkout (commit unknown)"
        changes = " (with local changes)" if self.modified else ""
        return f"deescalate {self.version}, commit {self.commit}{changes}"

    def to_dict(self) -> dict[str, str | bool | None]:
        return {"version": self.version, "commit": self.commit, "modified": self.modified}


def provenance(root: Path | None = None) -> Provenance:
    """The provenance of the code in ``root`` (default: the checkout deescalate runs from)."""
    folder = root or _SOURCE_ROOT
    commit = _git(folder, "rev-parse", "--short=12", "HEAD")
    version = _version()
    if commit is None:
        return Provenance(version, None)
    status = _git(folder, "status", "--porcelain", "--untracked-files=no")
    return Provenance(version, commit, modified=bool(status))


def _version() -> str:
    try:
        return importlib.metadata.version("deescalate")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _git(folder: Path, *args: str) -> str | None:
    git = shutil.which("git")
    if git is None or not (folder / ".git").exists():
        return None
    try:
        done = subprocess.run(
            [git, "-C", str(folder), *args],
            capture_output=True, text=True, check=False, timeout=10,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None
