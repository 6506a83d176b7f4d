"""Negation before a stated feeling: the cheap screen never changes what the regexes decide."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from deescalate.assessment import assessor
from deescalate.assessment.assessor import _negated

PIECES = st.sampled_from(
    [
        "not", "no", "never", "nothing", "hardly", "don't", "isn’t", "isnt", "aint", "can't",
        "that", "because", "been", "so", "this", "i", "am", "angry", "it", "is", "but", "and",
        "t", "n't", "nt", "know", "really", "was", "not that", "isn't because", "wasnt that",
        " ", " ", "  ", ", ", ". ", "; ", "!", "?", "\n", "'", "-", "é", "_", "3",
    ]
)  # fmt: skip
CLAUSES = st.lists(PIECES, max_size=16).map(lambda pieces: " ".join(pieces)[-40:])


def _negated_by_the_regexes_alone(before: str) -> bool:
    lower = before.lower()
    breaks = list(assessor._CLAUSE_BREAK.finditer(lower))
    if breaks:
        lower = lower[breaks[-1].end() :]
    if assessor._NEGATION_BEFORE.search(lower) is None:
        return False
    if assessor._NEVER_SO.search(lower) is not None:
        return False
    return assessor._RHETORICAL_QUESTION.match(lower) is None


@settings(max_examples=3000, deadline=None)
@given(CLAUSES)
def test_the_negator_screen_agrees_with_the_regexes(before: str) -> None:
    assert _negated(before) == _negated_by_the_regexes_alone(before)


def test_negation_examples() -> None:
    assert _negated("I am not")
    assert _negated("it's not that I'm")
    assert _negated("it's not that I am so")  # the longest reach: five runs back
    assert not _negated("it's not that I am so very")
    assert _negated("I don't feel")
    assert not _negated("I was told no. Now I am")
    assert not _negated("never been so")
    assert not _negated("isn't it")
    assert not _negated("nothing works, I am")
