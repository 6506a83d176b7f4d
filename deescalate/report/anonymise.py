"""Examples without the people in them: names, email addresses, links and numbers replaced.

The report shows agents' flagged words only when asked (``--examples``), and then through
:func:`anonymise`: an email address becomes ``[email]``, a link ``[link]``, a run of digits (a
phone, order or account number) ``[number]``, and a capitalised word that does not start a
sentence ``[name]`` (a greeting's "Hi Maria" included). "I" and its contractions stay.
"""

from __future__ import annotations

import re

__all__ = ["anonymise"]

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_LINK = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_NUMBER = re.compile(r"\+?\d(?:[\d\s().-]*\d)?")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")
_GREETINGS = frozenset(
    {"hi", "hello", "dear", "hey", "thanks", "thank", "mr.", "mrs.", "ms.", "dr."}
)
_KEEP = frozenset({"I", "I'm", "I'll", "I've", "I'd", "I’m", "I’ll", "I’ve", "I’d"})


def anonymise(text: str) -> str:
    """``text`` with email addresses, links, numbers and names replaced by placeholders."""
    text = _EMAIL.sub("[email]", text)
    text = _LINK.sub("[link]", text)
    text = _NUMBER.sub("[number]", text)
    return _CAPITALISED.sub(lambda m: _name_or_word(text, m), text)


def _name_or_word(text: str, found: re.Match[str]) -> str:
    """A capitalised word that does not start a sentence, or follows a greeting, is a name."""
    word = found.group(0)
    before = text[: found.start()].rstrip()
    previous = before.rsplit(None, 1)[-1].strip(",").lower() if before else ""
    starts_sentence = not before or before[-1] in ".!?:;\"'“(\n"
    if word in _KEEP or (starts_sentence and previous not in _GREETINGS):
        return word
    return "[name]"
