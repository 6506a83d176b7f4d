"""Language detection from distinctive function words."""

from __future__ import annotations

import pytest

from deescalate.assessment import detectors
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
