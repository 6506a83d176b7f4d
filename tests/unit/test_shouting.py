"""The shouting detector: its fast path for ASCII text agrees with the general one."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deescalate.assessment.detectors import (
    _ASCII_CLASSES,
    PunctuationDetector,
    ShoutingDetector,
    _ascii_runs,
    _general_runs,
    loudness_screen,
)

# Capitals (with "I" and "A" over-represented: lone capitals are the edge cases), lower case,
# digits, apostrophes, the marks that may join words of a run, and marks that may not.
ASCII_PIECES = st.sampled_from(
    [*"ABCDEIIIAAXYZ", *"abcxyz", *"09_", *"''", *'      ,.;:!?"-', *"\t\n", *"#/()@"]
)
WORDY = st.sampled_from(
    [
        "...",
        "... ",
        "  ,  ",
        " - ",
        "I",
        "I'M",
        "DON'T",
        "HATE",
        "THIS",
        "IT",
        "A",
        "OK",
        "NOW",
        "iPHONE",
        "MP3",
        "JOHN's",
    ]
)
ASCII_TEXTS = st.lists(ASCII_PIECES | WORDY, max_size=60).map("".join)


def _both(text: str) -> tuple[object, object]:
    classes = text.encode("ascii").translate(_ASCII_CLASSES)
    return _ascii_runs(text, classes), _general_runs(text)


@settings(max_examples=2000, deadline=None)
@given(ASCII_TEXTS)
def test_ascii_runs_agree_with_the_general_path(text: str) -> None:
    fast, general = _both(text)
    assert fast == general


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("I HATE THIS", [(0, 11, ["I", "HATE", "THIS"])]),
        ("so I I'M DONE now", [(3, 13, ["I", "I'M", "DONE"])]),
        ("WHY DO I HAVE TO", [(0, 16, ["WHY", "DO", "I", "HAVE", "TO"])]),
        ("THIS IS A JOKE", [(0, 7, ["THIS", "IS"]), (10, 14, ["JOKE"])]),
        ("iPHONE and MP3 and JOHN's", [(19, 23, ["JOHN"])]),
        ("STOP!!!!! NOW", [(0, 4, ["STOP"]), (10, 13, ["NOW"])]),
        ("I'm fine, I am", []),
        ("I I, and I", []),
        ("WHY... NOT ok", [(0, 10, ["WHY", "NOT"])]),  # a gap of four
        ("WHY.... NOT ok", [(0, 3, ["WHY"]), (8, 11, ["NOT"])]),  # five: two runs
    ],
)
def test_runs_of_capitals(text: str, runs: list[tuple[int, int, list[str]]]) -> None:
    fast, general = _both(text)
    assert fast == general == runs


def test_a_single_loud_word_is_found_at_its_own_span() -> None:
    detector = ShoutingDetector(loud_words=["unacceptable"])
    text = "the manual says UNACCEPTABLE, and then I HP UNACCEPTABLE in the end"
    hits = detector(text)
    spans = [(start, end) for _, start, end, _, _ in hits]
    assert spans == [(16, 28), (44, 56)]
    assert {text[start:end] for start, end in spans} == {"UNACCEPTABLE"}
    assert {rule for *_, rule in hits} == {"capitalized-word"}


def test_non_ascii_text_takes_the_general_path() -> None:
    detector = ShoutingDetector()
    text = "I asked twice and WHY IS THIS STILL BROKEN — it was fine the other día"
    hits = detector(text)
    assert [text[start:end] for _, start, end, _, _ in hits] == ["WHY IS THIS STILL BROKEN"]


MARKY = st.lists(st.sampled_from([*"!!??", "a", " ", "OK", ".", "\n", "é"]), max_size=40).map(
    "".join
)


@settings(max_examples=3000, deadline=None)
@given(MARKY)
def test_mark_runs_are_the_runs_the_plain_scan_finds(text: str) -> None:
    """Runs of marks found on the character classes are those "[!?][!?]+" finds in the text."""
    expected = [
        (m.start(), m.end())
        for m in re.finditer(r"[!?][!?]+", text)
        if not (m.end() - m.start() == 2 and m.group(0) == "??")
    ]
    found = [(start, end) for _, start, end, _, _ in PunctuationDetector().unscreened(text)]
    assert found == expected


LOUD_TEXTS = st.lists(ASCII_PIECES | WORDY | st.sampled_from(["é", "ÉTÉ", "ß", "!"]), max_size=40)


@settings(max_examples=2000, deadline=None)
@given(LOUD_TEXTS.map("".join))
def test_the_loudness_screen_passes_every_text_a_detector_finds_shouting_in(text: str) -> None:
    """The screen may let a quiet text through ("??"), never hold a loud one back."""
    capitals, marks = loudness_screen(text)
    assert capitals == bool(re.search("[A-Z]{2}", text))
    assert marks == bool(re.search("[!?]{2}", text))
    # a run with a word of two capitals in a row ("I'M" alone has none, and is never loud)
    if any(re.search("[A-Z]{2}", word) for _, _, words in _general_runs(text) for word in words):
        assert capitals
    if PunctuationDetector().unscreened(text):
        assert marks


@pytest.mark.parametrize(
    ("text", "span"),
    [
        (
            "Hi, PLEASE READ THE INSTRUCTIONS!! I know it is a lot of reading for you.",
            "PLEASE READ THE INSTRUCTIONS!!",
        ),
        ("Honestly THIS IS WRONG. I am sorry to say it", "THIS IS WRONG."),
        ("so STOP IT NOW - I mean it, please", "STOP IT NOW"),
        ("and WHY DID I even bother with this", "WHY DID I"),
        ("well I HATE THIS one", "I HATE THIS"),
    ],
)
def test_a_run_stops_before_an_i_that_opens_the_next_clause(text: str, span: str) -> None:
    (hit,) = ShoutingDetector(single_words=False)(text)
    assert text[hit[1] : hit[2]] == span
