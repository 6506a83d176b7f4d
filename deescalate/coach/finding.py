"""What the reply coach reports: a finding with a stable code, a span and a better phrasing."""

from __future__ import annotations

import enum
from typing import Any, NamedTuple

__all__ = ["Finding", "Severity"]


class Severity(enum.StrEnum):
    """How much a finding matters: ``error`` blocks a pre-send hook, the others advise."""

    ERROR = "error"
    WARNING = "warning"
    SUGGESTION = "suggestion"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "suggestion": 0}[self.value]


class Finding(NamedTuple):
    """One problem in a draft reply (immutable; a named tuple, so cheap to make in bulk).

    ``code`` and ``rule`` are the stable identifiers of taxonomy.md section 4 (``DE103``,
    ``tells-to-calm-down``). ``start``/``end`` are offsets into the draft (absence rules span the
    whole draft) and ``text`` the words at that span; ``suggestion`` is a better phrasing.
    """

    code: str
    rule: str
    severity: Severity
    message: str
    start: int
    end: int
    text: str
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "suggestion": self.suggestion,
        }
