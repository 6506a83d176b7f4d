"""A small learned word model: one weight per word, so every contribution has a span.

The shipped weights (``model/lexicon.tsv``) were fitted on the GoEmotions training set
(Apache-2.0; see ``model/LICENSE-GoEmotions.txt`` and ``tools/train_lexicon.py``) as a ridge
regression from word presence to an anger level in stage units (neutral 0, annoyance and
confusion 1, disappointment and disapproval 2, anger 3). Nothing is downloaded at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["Lexicon", "find_word", "load_lexicon"]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Word weights in stage units and the intercept of the fitted model."""

    weights: dict[str, float]
    intercept: float

    def contributions(self, words: set[str]) -> tuple[float, dict[str, float]]:
        """The summed weight of the distinct words present and each word's contribution.

        The model was fitted on word presence, negators included ("not" carries its own weight),
        so words count as they are; negation of stated emotions is the rule packs' job.
        """
        total, known = self.total(words)
        weights = self.weights
        return total, {word: weights[word] for word in known}

    def total(self, words: set[str]) -> tuple[float, set[str]]:
        """The summed weight of the distinct words present, and which of them the lexicon knows.

        :meth:`contributions` without building the mapping, for callers that may never need it.
        """
        # A set of words smaller than the lexicon is intersected by looking each word up, in C.
        known = self.weights.keys() & words
        return sum(map(self.weights.__getitem__, known)), known


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read a lexicon TSV (``word<TAB>weight``; a ``#intercept<TAB>value`` line is optional)."""
    if path is None:
        source = resources.files("deescalate.assessment") / "model" / "lexicon.tsv"
        if not source.is_file():
            return Lexicon({}, 0.0)
        content = source.read_text(encoding="utf-8")
    else:
        content = Path(path).read_text(encoding="utf-8")
    weights: dict[str, float] = {}
    intercept = 0.0
    for line in content.splitlines():
        if not line.strip():
            continue
        word, _, value = line.partition("\t")
        if word == "#intercept":
            intercept = float(value)
        elif not word.startswith("#"):
            weights[word] = float(value)
    return Lexicon(weights, intercept)


_WORD_CHARS = re.compile(r"[a-z0-9]")


def find_word(lower_text: str, word: str) -> int:
    """The offset of ``word`` as a whole token in ``lower_text``, or -1."""
    start = lower_text.find(word)
    size = len(word)
    while start != -1:
        before = lower_text[start - 1] if start else " "
        after = lower_text[start + size] if start + size < len(lower_text) else " "
        if not _WORD_CHARS.match(before) and not _WORD_CHARS.match(after):
            return start
        start = lower_text.find(word, start + 1)
    return -1
