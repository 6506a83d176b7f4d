"""Normalization sets aside markup, quotes and signatures, and spans still fit the original."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deescalate import assess
from deescalate.text import (
    _SIGNATURE_DELIMITER,
    _VALEDICTION,
    _signature_cut,
    decode_text,
    looks_binary,
    prepare,
    sentence_numbers,
    split_sentences,
    strip_end,
)


def test_plain_text_is_kept_verbatim() -> None:
    """Text without markup, quotes or signature passes through unchanged."""
    prepared = prepare("Where is my refund?")
    assert prepared.text == "Where is my refund?"
    assert prepared.is_verbatim


def test_quoted_lines_are_set_aside() -> None:
    """Lines starting with '>' are earlier messages, not new words."""
    text = "Still broken.\n> You idiots never fix anything\n> Regards"
    prepared = prepare(text)
    assert "idiots" not in prepared.text
    assert "Still broken." in prepared.text


def test_reply_header_and_everything_after_are_set_aside() -> None:
    """An 'On ... wrote:' header starts the quoted earlier conversation."""
    text = "Thanks, that worked.\n\nOn Mon, 3 Mar 2026 at 10:00, Support <help@example.com> wrote:\nTHIS IS UNACCEPTABLE!!!"
    result = assess(text)
    assert "shouting" not in result.codes
    assert result.stage.value == "calm"


def test_signature_after_delimiter_is_set_aside() -> None:
    """A '-- ' line starts the signature."""
    prepared = prepare(
        "The app crashes on start.\n-- \nJane Roe\nHead of Complaints, Lawsuit Dept."
    )
    assert "Lawsuit" not in prepared.text


def test_sign_off_and_name_are_set_aside() -> None:
    """A valediction followed by a short name block is not new words."""
    prepared = prepare("The app crashes on start.\n\nThanks,\nJane")
    assert prepared.text.strip() == "The app crashes on start."


def test_html_markup_is_removed_and_spans_point_into_the_html() -> None:
    """Signals found in an HTML body carry offsets into the HTML as given."""
    html = "<div><p>I have been <b>on hold for 45 minutes</b>&nbsp;&amp; nobody cares!!!</p></div>"
    result = assess(html)
    assert result.signals
    for signal in result.signals:
        assert html[signal.start : signal.end] == signal.text
    waiting = next(s for s in result.signals if s.code == "waiting")
    assert "45 minutes" in waiting.text


def test_html_blockquote_is_quoted_text() -> None:
    """A blockquote in an HTML body is an earlier message."""
    html = "<p>Any news?</p><blockquote><p>You people are useless idiots</p></blockquote>"
    result = assess(html)
    assert "profanity" not in result.codes
    assert "blame" not in result.codes


def test_entities_map_to_their_source() -> None:
    """An entity decodes to its character but maps back to the whole entity."""
    prepared = prepare("a&amp;b <br>")
    start = prepared.text.index("&")
    assert prepared.span_in_original(start, start + 1) == (1, 6)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"caf\xc3\xa9", "café"),
        (b"caf\xe9", "café"),  # Windows-1252
        (b"\xef\xbb\xbfhello", "hello"),  # UTF-8 with a byte-order mark
        ("\ufeffcafé".encode("utf-16-le"), "café"),  # UTF-16 little-endian with its mark
        ("\ufeffcafé".encode("utf-16-be"), "café"),
        ("\ufeffcafé".encode("utf-32-le"), "café"),
    ],
)
def test_decode_text_handles_common_encodings(data: bytes, expected: str) -> None:
    """Bytes decode as UTF-8, else Windows-1252."""
    assert decode_text(data) == expected


def test_lone_surrogates_are_replaced() -> None:
    """A str with a lone surrogate becomes encodable text."""
    assert decode_text("bad \ud800 text").encode("utf-8")


def test_sentences_split_on_end_punctuation_and_lines() -> None:
    """Sentence spans exclude surrounding whitespace."""
    text = "First one. Second one!  Third?\nFourth"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one!", "Third?", "Fourth"]


# The patterns strip_end replaced; it must do what they did, in linear time.
_JOINER_PATTERN = re.compile(r"[\s,;]*(?:\b(?:and|then|but|also|so)\b)?[\s,;]*$", re.IGNORECASE)
_TRAILING_PATTERN = re.compile(r"[\s.!?…,;:]+$")
_PIECES = st.sampled_from(
    [
        *("a", "x", "_", "1", " ", "\t", "\n", ",", ";", ".", "!", "?", "…", ":", "é", "\u00a0"),
        *(
            "and",
            "AND",
            "so",
            "also",
            "then",
            "but",
            "İ",
        ),  # joiners, and a letter lower() lengthens
    ]
)


@settings(max_examples=2_000, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_strip_end_drops_what_the_joiner_pattern_drops(text: str) -> None:
    """Trailing separators and one joining word go, as the pattern they replace removed them."""
    expected = _JOINER_PATTERN.sub("", text)
    assert strip_end(text, ",;", words=("and", "then", "but", "also", "so")) == expected


@settings(max_examples=2_000, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_strip_end_drops_what_the_trailing_pattern_drops(text: str) -> None:
    """Trailing whitespace and sentence marks go, as the pattern they replace removed them."""
    assert strip_end(text, ".!?…,;:") == _TRAILING_PATTERN.sub("", text)


def test_strip_end_keeps_a_word_that_only_ends_in_a_joiner() -> None:
    """'also' is a joiner, 'xalso' is not, and 'so' inside 'also' is not one either."""
    assert strip_end("call you, xalso ,", ",;", words=("also", "so")) == "call you, xalso"
    assert strip_end("call you, also ,", ",;", words=("also", "so")) == "call you"


def test_html_comment_is_set_aside() -> None:
    """A closed comment is markup, not the customer's words; the words around it stay."""
    prepared = prepare("<p>Still broken</p><!-- you idiots --><p>Please help</p>")
    assert "idiots" not in prepared.text
    assert "Still broken" in prepared.text
    assert "Please help" in prepared.text


def test_unclosed_html_comment_runs_to_the_end() -> None:
    """A comment that never closes hides the rest of the body, as a browser shows it."""
    prepared = prepare("<p>Still broken</p><!-- draft: you idiots")
    assert prepared.text.strip() == "Still broken"


def test_line_break_after_an_abbreviation_ends_a_sentence() -> None:
    """The period of "p.m." ends no sentence, but a line break after it still does."""
    text = "Call me at 3 p.m.\nThanks"
    assert [text[start:end] for start, end in split_sentences(text)] == [
        "Call me at 3 p.m.",
        "Thanks",
    ]


def test_blank_line_after_an_abbreviation_ends_a_sentence() -> None:
    """A paragraph break ends a sentence whatever the word before it."""
    text = "Send it to Mr.\n\nWe are waiting"
    assert [text[start:end] for start, end in split_sentences(text)] == [
        "Send it to Mr.",
        "We are waiting",
    ]


def test_abbreviation_within_a_line_ends_no_sentence() -> None:
    """ "3 p.m. today" stays one sentence: only the line break after an abbreviation ends one."""
    text = "Call me at 3 p.m. today. Thanks"
    assert [text[start:end] for start, end in split_sentences(text)] == [
        "Call me at 3 p.m. today.",
        "Thanks",
    ]


def test_sentence_numbers_from_a_quote_after_an_abbreviation() -> None:
    """Hypothesis found this: counting from the quote after "p.m." once saw an end split_sentences did not."""
    text = '😡😡p.m.""\nword'
    spans = split_sentences(text)
    assert [text[start:end] for start, end in spans] == ['😡😡p.m.""', "word"]
    assert sentence_numbers(text, [7, 9]) == [0, 1]
    assert sentence_numbers(text, [6, 7]) == [0, 0]


_SENTENCE_PIECES = st.sampled_from(
    [
        *("word", "Thanks", "😡", "!!", "?", ".", "…", '"', "'", ")", "]", "-", "*", "•"),
        *(" ", "  ", "\n", "\n\n", "\t", "p.m.", "e.g.", "Mr.", "etc.", "3"),
    ]
)


@settings(max_examples=1_500, deadline=None)
@given(st.lists(_SENTENCE_PIECES, min_size=1, max_size=20).map("".join), st.data())
def test_sentence_numbers_agree_with_split_sentences(text: str, data: st.DataObject) -> None:
    """Two positions share a sentence number exactly when split_sentences puts them together."""
    spans = split_sentences(text)
    candidates = [i for start, end in spans for i in range(start, end) if not text[i].isspace()]
    if not candidates:
        return
    positions = sorted(set(data.draw(st.lists(st.sampled_from(candidates), min_size=1))))

    def sentence_of(position: int) -> int:
        return next(i for i, (start, end) in enumerate(spans) if start <= position < end)

    numbers = sentence_numbers(text, positions)
    for a, number_a in zip(positions, numbers, strict=True):
        for b, number_b in zip(positions, numbers, strict=True):
            assert (number_a == number_b) == (sentence_of(a) == sentence_of(b))


def _signature_cut_by_resplitting(source: str) -> int:
    """The sign-off search as it was: what follows each sign-off split again (quadratic)."""
    cut = len(source)
    delimiter = _SIGNATURE_DELIMITER.search(source)
    if delimiter:
        cut = delimiter.start()
    for match in _VALEDICTION.finditer(source, 0, cut):
        rest = [line for line in source[match.end() : cut].splitlines() if line.strip()]
        short_block = len(rest) <= 5 and all(len(line) <= 60 for line in rest)
        if short_block and (rest or match.group(1) == ","):
            return match.start()
    return cut


_LETTER_PIECES = st.sampled_from(
    [
        *(
            "Thanks",
            "thanks,",
            "Regards",
            "Best,",
            "Cheers!",
            "Sam",
            "the router is down",
            "x" * 61,
        ),
        *("\n", "\n\n", "\r\n", "\r", "\u2028", "\x0c", " ", "\t", "-- \n", "Sent from my phone"),
    ]
)


@settings(max_examples=3_000, deadline=None)
@given(st.lists(_LETTER_PIECES, max_size=16).map("".join))
def test_signature_cut_agrees_with_resplitting(text: str) -> None:
    """Splitting the lines once finds the same sign-off as splitting after each one did."""
    assert _signature_cut(text) == _signature_cut_by_resplitting(text)


@pytest.mark.parametrize(
    ("data", "binary"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", True),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", True),
        (bytes(range(1, 9)) * 20 + b"some text", True),
        ("\ufeffhello".encode("utf-16-le"), False),
        (b"plain text\twith a tab\r\n", False),
        (b"caf\xe9", False),
    ],
)
def test_looks_binary_tells_data_from_text(data: bytes, binary: bool) -> None:
    """NUL bytes or many control characters are binary; text with a byte-order mark is not."""
    assert looks_binary(data) is binary
