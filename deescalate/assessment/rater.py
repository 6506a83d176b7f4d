"""What the conversation, the reply coach and the macro suggester need from an assessor."""

from __future__ import annotations

from typing import Protocol

from deescalate.assessment.result import Assessment

__all__ = ["Rater"]


class Rater(Protocol):
    """Anything that rates one customer message: an :class:`Assessor`, or a team's own."""

    def assess(self, text: str) -> Assessment:
        """How escalated ``text`` is, with the evidence."""
        ...
