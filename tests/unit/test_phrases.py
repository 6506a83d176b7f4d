"""The phrase language shared by the rule packs: matching, screening words and indexing."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deescalate.phrases import CompiledPhrase, _tokens, compile_phrase, find_all, text_words
from tests.unit.phrase_samples import realize_token


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


def test_a_word_with_letters_outside_ascii_is_indexed_by_its_rarest_piece() -> None:
    """ "inútiles" tokenizes as "in" and "tiles": the index waits for "tiles", not any "in"."""
    compiled = compile_phrase("inútiles")
    assert compiled.trigger == frozenset({"tiles"})
    assert compiled.possible(set(text_words("son unos inútiles")))
    assert spans("inútiles", "Son unos INÚTILES.") == ["INÚTILES"]


def test_a_choice_of_plain_words_becomes_one_phrase_per_word() -> None:
    from deescalate.phrases import phrase_alternatives

    assert phrase_alternatives("angry|furious|livid") == ["angry", "furious", "livid"]
    # apostrophes, stems, optional words and letters three times in a row stay together
    for phrase in ("you're|youre", "furious|rag*", "angry|mad?", "grr|grrr", "so angry|mad"):
        assert phrase_alternatives(phrase) == [phrase]
    text = "Angry, furious and livid: furiously angry"
    together = spans("angry|furious|livid", text)
    assert together == ["Angry", "furious", "livid", "angry"]
    apart = [s for word in ("angry", "furious", "livid") for s in spans(word, text)]
    assert sorted(apart) == sorted(together)


def test_every_required_position_is_screened() -> None:
    compiled = compile_phrase("you (should have|should've) (called|read)")
    assert compiled.possible(set(text_words("you should have called")))
    assert not compiled.possible(set(text_words("you should have")))


def test_text_words_are_lower_case_ascii_words() -> None:
    assert text_words("don't stop — 3 times!") == ["don", "t", "stop", "3", "times"]


def _shipped_phrases() -> list[CompiledPhrase]:
    from deescalate.assessment import default_assessor
    from deescalate.coach import default_coach

    coach = [check.phrase for check in default_coach().rule_set.checks]
    assessor = [m.phrase for m in default_assessor().pack.matchers if m.phrase is not None]
    return coach + assessor


SPLIT = [phrase for phrase in _shipped_phrases() if len(phrase.parts) > 1]


def _whole(compiled: CompiledPhrase) -> CompiledPhrase:
    """The same phrase searched with its one regex, as before the split."""
    return dataclasses.replace(compiled, parts=(compiled.regex,))


def test_phrases_opening_with_a_mixed_choice_are_split_by_first_letter() -> None:
    split = compile_phrase("(it's|it is|that's|that is) our policy")
    assert [part.pattern[:2] for part in split.parts] == ["(?", "(?"]
    assert len(split.parts) == 2
    assert len(compile_phrase("calm down").parts) == 1
    assert len(compile_phrase("(so)? sorry").parts) == 1  # an optional opening is left whole
    assert len(SPLIT) >= 10


@pytest.mark.parametrize("compiled", SPLIT, ids=lambda c: c.phrase)
def test_every_sequence_of_a_split_choice_is_found_as_before(compiled: CompiledPhrase) -> None:
    first, *rest = _tokens(compiled.phrase)
    choices = first[1:-1].split("|") if first.startswith("(") else first.split("|")
    for choice in choices:
        words = [realize_token(token) for token in [*_tokens(choice), *rest]]
        text = "Well, " + " ".join(filter(None, words)) + " and so on."
        found = find_all(compiled, text, text.lower())
        assert found, (compiled.phrase, text)
        assert found == find_all(_whole(compiled), text, text.lower())


@settings(max_examples=3000, deadline=None)
@given(st.data())
def test_split_phrases_find_exactly_what_their_whole_regex_finds(data: st.DataObject) -> None:
    compiled = data.draw(st.sampled_from(SPLIT))
    own = re.findall(r"[a-z0-9']+", compiled.phrase.lower())
    piece = st.sampled_from([*own, *(w.upper() for w in own), "sit", "bit's", "x", "3", ""])
    gap = st.sampled_from([" ", "  ", "\n", ", ", "-", "’", "'", "_"])
    text = "".join(data.draw(st.lists(st.tuples(piece, gap).map("".join), max_size=25)))
    assert find_all(compiled, text, text.lower()) == find_all(_whole(compiled), text, text.lower())


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("we can't do anything.", ["we can't do anything"]),
        ("we can't do anything, sorry", ["we can't do anything"]),
        ("we can't do anything else.", ["we can't do anything else"]),
        ("we can't do anything  else", ["we can't do anything  else"]),
        ("we can't do anythingelse", []),
    ],
)
def test_a_trailing_optional_word_may_be_absent(text: str, found: list[str]) -> None:
    """The word before a trailing optional one needs no whitespace after it."""
    assert spans("(i|we) can't do anything (else|more)?", text) == found


@pytest.mark.parametrize(
    "text", ["called 3-4 times", "called four or five times", "called 2 to 3 times"]
)
def test_a_number_may_be_a_range_of_two(text: str) -> None:
    """{n} reads "3-4", "four or five" and "2 to 3" as one number."""
    assert spans("called {n} times", text) == [text]


def test_a_word_gap_takes_a_number_with_a_plus() -> None:
    """{w} takes "60+" as one word."""
    assert spans("apparently {w:0-3} means nothing", "Apparently 60+ flights means nothing") == [
        "Apparently 60+ flights means nothing"
    ]
