"""The values an assessment returns: immutable, JSON-friendly, every piece traced to a span."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from deescalate.stages import Stage

__all__ = ["INCONVENIENCE_SIGNALS", "UNKNOWN_STAGE", "Assessment", "Cue", "Signal"]

# What an assessment reports instead of a stage for text in a language no loaded pack covers.
UNKNOWN_STAGE = "unknown"

# Signals that say the company caused the customer an inconvenience: an apology is due.
INCONVENIENCE_SIGNALS = frozenset(
    {
        "waiting",
        "broken-promise",
        "repeat-contact",
        "blame",
        "feels-unheard",
        "expresses-frustration",
        "expresses-disappointment",
        "expresses-anger",
    }
)


class Signal(NamedTuple):
    """Evidence for a stage: a taxonomy signal code and the text that shows it.

    ``start`` and ``end`` are character offsets into the text given to ``assess`` (the original,
    before markup, quotes and signatures were set aside); ``weight`` is the signal's contribution
    in stage units; ``rule`` names the rule or detector that found it. Immutable; a named tuple,
    so cheap to make in bulk.
    """

    code: str
    start: int
    end: int
    text: str
    weight: float
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "weight": round(self.weight, 4),
            "rule": self.rule,
        }


@dataclass(frozen=True, slots=True)
class Cue:
    """A word whose learned weight moved the score, with its span in the original text."""

    start: int
    end: int
    text: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "weight": round(self.weight, 4),
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """How escalated one customer message is, and why.

    ``score`` lies in ``[0, 1]`` and grows with the stage: each stage owns a fifth of the range
    (calm below 0.2, irate from 0.8). ``signals`` are the rule evidence, ``cues`` the strongest
    word-level contributions of the learned lexicon. ``language`` is the detected language code
    (``None`` when the text is too short to tell) and ``language_supported`` is false when the
    loaded packs do not cover it: there is then no evidence and no rating, ``stage`` holds the
    bottom of the scale only as a placeholder, and :attr:`stage_name` (and ``to_dict``) say
    ``"unknown"``: such a message is never reported as calm.
    """

    stage: Stage
    score: float
    signals: tuple[Signal, ...] = ()
    wants_handoff: bool = False
    language: str | None = "en"
    language_supported: bool = True
    assessed_chars: int = 0
    notes: tuple[str, ...] = ()
    # Cues are located in the text only when asked for: most callers never read them, and
    # locating them for every message makes assess about a quarter slower (1.25x VADER on
    # support text without them, 0.95x with them), so this laziness earns its keep.
    cue_source: tuple[Cue, ...] | Callable[[], tuple[Cue, ...]] = field(
        default=(), repr=False, compare=False
    )

    @property
    def cues(self) -> tuple[Cue, ...]:
        """The strongest word-level contributions of the learned lexicon, in text order."""
        source = self.cue_source
        if callable(source):
            source = source()
            object.__setattr__(self, "cue_source", source)
        return source

    @property
    def stage_name(self) -> str:
        """The stage as reported: its name, or ``"unknown"`` when the language is not supported."""
        return self.stage.value if self.language_supported else UNKNOWN_STAGE

    @property
    def codes(self) -> frozenset[str]:
        """The distinct signal codes present."""
        return frozenset(signal.code for signal in self.signals)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping; the stage is its string name."""
        return {
            "stage": self.stage_name,
            "score": round(self.score, 4),
            "wants_handoff": self.wants_handoff,
            "language": self.language,
            "language_supported": self.language_supported,
            "assessed_chars": self.assessed_chars,
            "signals": [signal.to_dict() for signal in self.signals],
            "cues": [cue.to_dict() for cue in self.cues],
            "notes": list(self.notes),
        }
