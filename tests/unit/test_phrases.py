"""The phrase language shared by the rule packs: matching, screening words and indexing."""

from __future__ import annotations

import pytest

from deescalate.phrases import compile_phrase, find_all, text_words


def spans(phrase: str, text: str) -> list[str]:
    compiled = compile_phrase(phrase)
    return [text[start:end] for start, end in find_all(compiled, text, text.lower())]


@pytest.mark.parametrize("text", ["It's our policy", "It’s our policy", "Its our policy"])
def test_an_apostrophe_matches_straight_typographic_or_none(text: str) -> None:
    assert spans("(it's|it is) our policy", text) == [text]


@pytest.mark.parametrize("text", ["It[s our policy", "It]s our policy", "It''s our policy"])
def test_an_apostrophe_matches_nothing_but_one_apostrophe(text: str) -> None:
    assert spans("(it's|it is) our policy", text) == []


def test_a_phrase_matches_only_at_word_starts_and_ends() -> None:
    assert spans("calm down", "Please calm down now") == ["calm down"]
    assert spans("calm down", "becalm downtown") == []


def test_words_between_may_be_any_whitespace() -> None:
    assert spans("calm down", "calm\n   down") == ["calm\n   down"]


def test_text_whose_lower_case_changes_length_still_maps_spans() -> None:
    # "İ" lower-cases to two code points, so the case-insensitive fallback runs on the text.
    text = "İ said calm down"
    assert spans("calm down", text) == ["calm down"]


def test_the_index_word_is_the_rarest_required_word() -> None:
    assert compile_phrase("calm down").trigger == frozenset({"calm"})
    assert compile_phrase("you are wrong").trigger == frozenset({"wrong"})
    assert compile_phrase("(it's|it is) our policy").trigger == frozenset({"policy"})


def test_every_required_position_is_screened() -> None:
    compiled = compile_phrase("you (should have|should've) (called|read)")
    assert compiled.possible(set(text_words("you should have called")))
    assert not compiled.possible(set(text_words("you should have")))


def test_text_words_are_lower_case_ascii_words() -> None:
    assert text_words("don't stop — 3 times!") == ["don", "t", "stop", "3", "times"]
