"""Escalation stages: an ordered scale from ``calm`` to ``irate`` (taxonomy.md section 1)."""

from __future__ import annotations

import enum

__all__ = ["STAGE_GUIDANCE", "Stage"]


class Stage(enum.StrEnum):
    """How far a customer message has escalated; members compare in escalation order."""

    CALM = "calm"
    FRUSTRATED = "frustrated"
    UPSET = "upset"
    ANGRY = "angry"
    IRATE = "irate"

    @property
    def rank(self) -> int:
        """The position on the scale: 0 for calm up to 4 for irate."""
        return _ORDER[self]

    @classmethod
    def from_rank(cls, rank: int) -> Stage:
        """The stage at a position on the scale, clamped to the ends."""
        return _BY_RANK[max(0, min(rank, len(_BY_RANK) - 1))]

    # str already orders its instances alphabetically; the scale's order must win.
    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Stage):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Stage):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Stage):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Stage):
            return NotImplemented
        return self.rank >= other.rank

    def __hash__(self) -> int:
        return hash(self.value)

    def __str__(self) -> str:
        return self.value


_BY_RANK = tuple(Stage)
_ORDER = {stage: index for index, stage in enumerate(_BY_RANK)}

STAGE_GUIDANCE: dict[Stage, str] = {
    Stage.CALM: "Answer the question; keep the tone warm and the next step clear.",
    Stage.FRUSTRATED: "Acknowledge the inconvenience early, then solve; give a time for the next contact.",
    Stage.UPSET: "Let them finish, acknowledge the disappointment and apologize for what went wrong.",
    Stage.ANGRY: "Let them vent, name the emotion, apologize, restate the problem and verify it before solving.",
    Stage.IRATE: "Stay even; do not argue or ask them to calm down. Acknowledge, and offer a supervisor if they ask.",
}
