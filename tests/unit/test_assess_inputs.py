"""Unusual input never crashes and says what happened."""

from __future__ import annotations

import pytest

from deescalate import Assessor, InputError, Stage, assess
from deescalate.assessment.assessor import SIGNALS_PER_CODE


@pytest.mark.parametrize("text", ["", "   \n\t ", b""])
def test_empty_text_is_calm_without_evidence(text: str | bytes) -> None:
    """Empty and whitespace-only text is calm with nothing to show."""
    result = assess(text)
    assert result.stage is Stage.CALM
    assert result.signals == ()
    assert result.assessed_chars == 0


def test_enormous_text_is_bounded_and_says_so() -> None:
    """A 1 MB message is assessed up to the limit, with a note, in bounded time and memory."""
    text = ("Where is my order? " * 60_000)[:1_000_000] + " YOU PEOPLE ARE USELESS!!!"
    result = assess(text)
    assert result.assessed_chars == 100_000
    assert any("first 100000" in note for note in result.notes)


def test_max_chars_is_configurable() -> None:
    """A larger limit reaches evidence at the end of a long text."""
    text = "a " * 60_000 + "you people are useless idiots"
    assert "profanity" not in assess(text).codes
    assert "profanity" in Assessor(max_chars=200_000).assess(text).codes


def test_invalid_max_chars_is_refused() -> None:
    """A non-positive limit is a clear input error."""
    with pytest.raises(InputError, match="max_chars"):
        Assessor(max_chars=0)


def test_non_utf8_bytes_are_decoded() -> None:
    """Windows-1252 bytes are read, and the evidence in them found."""
    result = assess("I’m furious, this is unacceptable".encode("cp1252"))
    assert "expresses-anger" in result.codes


def test_non_text_input_is_an_input_error() -> None:
    """Passing a number is a clear error naming the type."""
    with pytest.raises(InputError, match="int"):
        assess(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ich bin sehr enttäuscht, das ist nicht akzeptabel und ich will mein Geld zurück.", "de"),
        ("Je suis très déçu, c'est inacceptable et je veux parler au responsable.", "fr"),
        ("Это совершенно неприемлемо, я требую вернуть деньги немедленно.", "und"),
    ],
)
def test_uncovered_language_says_so_instead_of_guessing(text: str, language: str) -> None:
    """Text in a language the packs do not cover is flagged, not rated."""
    result = assess(text)
    assert result.language == language
    assert result.language_supported is False
    assert result.stage is Stage.CALM
    assert result.signals == ()
    assert result.notes


def test_english_is_detected_and_supported() -> None:
    """Ordinary English text is covered."""
    result = assess("The tracking page has not changed for a week and I need this for work.")
    assert result.language == "en"
    assert result.language_supported


def test_signal_spans_match_their_text() -> None:
    """Every signal's text is exactly the original text at its span."""
    text = "I've been on hold for 45 minutes!!! You people are a JOKE. Get me a manager."
    result = assess(text)
    assert len(result.signals) >= 4
    for signal in result.signals:
        assert text[signal.start : signal.end] == signal.text


def test_cues_point_at_words_with_learned_weight() -> None:
    """Lexicon cues carry spans into the original text."""
    text = "honestly the worst nightmare of a week, I hate this"
    result = assess(text)
    assert result.cues
    for cue in result.cues:
        assert text[cue.start : cue.end] == cue.text
        assert cue.weight != 0


def test_to_dict_is_json_ready() -> None:
    """The dict form uses string stage names and plain values."""
    data = assess("Let me speak to your supervisor now!!").to_dict()
    assert data["stage"] in {"calm", "frustrated", "upset", "angry", "irate"}
    assert data["wants_handoff"] is True
    assert {s["code"] for s in data["signals"]} >= {"asks-for-manager"}


def test_assess_many_matches_assess() -> None:
    """The batch form gives the same results in the same order."""
    texts = ["thanks!", "THIS IS THE THIRD TIME", "where is it"]
    assert [a.stage for a in Assessor().assess_many(texts)] == [assess(t).stage for t in texts]


def test_lexicon_total_and_contributions_agree() -> None:
    """The summed weight counts each known word once and ignores words the lexicon lacks."""
    from deescalate.assessment.lexicon import Lexicon

    lexicon = Lexicon({"furious": 0.9, "thanks": -0.4, "late": 0.25}, 0.1)
    total, known = lexicon.total({"furious", "late", "zebra"})
    assert known == {"furious", "late"}
    assert total == pytest.approx(1.15)
    summed, contributions = lexicon.contributions({"furious", "late", "zebra"})
    assert summed == pytest.approx(1.15)
    assert contributions == {"furious": 0.9, "late": 0.25}
    assert lexicon.total(set()) == (0, set())


def test_cues_with_equal_weights_come_in_the_same_order_every_run() -> None:
    """Ties between equally weighted words are broken by the word, not by set order."""
    from deescalate.assessment.lexicon import Lexicon

    words = ["blick", "dorp", "fepp", "gazz", "jint", "klor", "mirv", "plon", "quib"]
    lexicon = Lexicon(dict.fromkeys(words, 0.3), 0.0)
    cues = Assessor(lexicon=lexicon).assess(" ".join(reversed(words))).cues
    assert sorted(cue.text for cue in cues) == words[:8]


def test_signals_of_one_code_are_capped_and_the_rest_noted() -> None:
    """Thousands of signals of one code keep the first few, in text order, and say so."""
    text = "furious " + "😡 " * 5_000
    result = assess(text)
    anger = [s for s in result.signals if s.code == "expresses-anger"]
    assert len(anger) == SIGNALS_PER_CODE
    assert [s.start for s in anger] == sorted(s.start for s in anger)
    assert anger[0].text == "furious"
    assert any(f"of {5_001} 'expresses-anger' signals" in note for note in result.notes)
    assert result.stage >= Stage.ANGRY


def test_a_message_over_the_cap_rates_as_one_at_the_cap() -> None:
    """Ten times the cap of one signal rates the same as the cap, and only it carries a note."""
    at_cap = assess("😡 " * SIGNALS_PER_CODE)
    over_cap = assess("😡 " * (SIGNALS_PER_CODE * 10))
    assert over_cap.score == pytest.approx(at_cap.score)
    assert at_cap.notes == ()
    assert len(over_cap.signals) == len(at_cap.signals)
