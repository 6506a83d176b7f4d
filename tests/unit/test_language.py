"""Language detection from distinctive function words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deescalate.assessment import detectors
from deescalate.assessment.detectors import _LANGUAGE_WORDS, detect_language
from deescalate.phrases import text_words


def _language(text: str) -> str | None:
    words = text_words(text.lower())
    return detectors.detect_language(len(words), set(words))


def test_every_listed_word_is_a_word_the_tokenizer_can_produce() -> None:
    for language, vocabulary in detectors._LANGUAGE_WORDS.items():
        for word in vocabulary:
            assert text_words(word) == [word], (language, word)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("My parcel is late and you have not answered my emails.", "en"),
        ("El pedido no ha llegado y esta es la tercera vez que escribo para nada.", "es"),
        ("Ich habe das Paket nicht bekommen und der Support ist sehr langsam.", "de"),
        ("Je ne suis pas content, le colis est en retard et vous ne répondez pas.", "fr"),
        ("Eu fiz o pedido e ainda não chegou, isso é muito ruim para mim.", "pt"),
    ],
)
def test_plain_sentences_get_their_language(text: str, language: str) -> None:
    assert _language(text) == language


def test_three_words_are_too_few_to_tell() -> None:
    assert _language("hola que tal") is None


def test_two_words_of_another_language_and_none_of_english_tell_it() -> None:
    """A short message with two Spanish function words and no English one is Spanish."""
    assert _language("quiero mi dinero por favor") == "es"


def test_letters_tell_the_language_of_a_message_too_short_for_its_words() -> None:
    """German "ü", Spanish "ñ" and French "ç" name a language the words could not."""
    assert detectors.language_by_letters("Ich bin wütend!!!") == "de"
    assert detectors.language_by_letters("¡Qué desastre!") == "es"
    assert detectors.language_by_letters("Ça ne marche pas") == "fr"
    assert detectors.language_by_letters("plain English") is None


def _reference_detect_language(word_count: int, words: set[str]) -> str | None:
    """The detector counting every language every time: another language needs three of its
    words, or two where no English word is present."""
    if word_count < 4:
        return None
    counts = {code: len(vocab.intersection(words)) for code, vocab in _LANGUAGE_WORDS.items()}
    best = max(counts, key=lambda code: counts[code])
    needed = 2 if counts["en"] == 0 else 3
    if best == "en" or counts[best] < needed or counts[best] <= 2 * counts["en"]:
        return "en" if counts["en"] >= 1 else None
    return best


@settings(max_examples=3000, deadline=None)
@given(
    st.sets(
        st.sampled_from(sorted({w for vocab in _LANGUAGE_WORDS.values() for w in vocab}))
        | st.sampled_from(["refund", "order", "hola", "xyz"]),
        max_size=14,
    ),
    st.integers(min_value=0, max_value=30),
)
def test_the_english_shortcut_gives_the_full_count_s_answer(words: set[str], extra: int) -> None:
    count = len(words) + extra
    assert detect_language(count, words) == _reference_detect_language(count, words)
