"""Texts built to make text patterns backtrack: one short unit repeated, then a letter.

A service assesses whatever its customers write, so a pattern that takes quadratic time on a
long run of blank lines, of "!" or of unclosed tags can stall it on one message.
:func:`hostile_texts` makes such texts; ``deescalate packs check`` and the test suite run the
packs over them.
"""

from __future__ import annotations

from deescalate.errors import InputError

__all__ = ["hostile_texts"]

# Each shape is a lead-in, a unit repeated and an ending ("x" when none is given): runs of one
# character, of whitespace and of markup, and words the packs look for, some inside a sentence
# that holds a promise or a complaint, so that a pattern that backtracks over a run shows as a
# text that never ends.
_HOSTILE_SHAPES: dict[str, tuple[str, ...]] = {
    "letters": ("", "a"),
    "capitals": ("", "A"),
    "capital words": ("", "A "),
    "shouted words": ("", "THIS IS BAD "),
    "exclamations": ("", "!"),
    "question marks": ("", "?!"),
    "spaces": ("", " "),
    "tabs": ("", "\t"),
    "newlines": ("", "\n"),
    "carriage returns": ("", "\r"),
    "crlf": ("", "\r\n"),
    "blank quoted lines": ("", ">\n"),
    "quoted lines": ("", "> x\n"),
    "quote marks": ("", '"'),
    "quoted words": ("", '"a '),
    "apostrophes": ("", "'"),
    "open angles": ("", "<"),
    "tags": ("", "<b>"),
    "open tags": ("", "<a "),
    "ampersands": ("", "&"),
    "entity starts": ("", "&#"),
    "reply headers": ("", "On Monday wrote:\n"),
    "dashes": ("", "-"),
    "signature lines": ("", "--\n"),
    "underscores": ("", "_"),
    "negations": ("", "not "),
    "intensifiers": ("", "so "),
    "second person": ("", "you "),
    "anger words": ("", "angry furious "),
    "elongation": ("", "I'm sooooo angry!!! "),
    "digits": ("", "1"),
    "dots": ("", "."),
    "commas": ("", ", "),
    "hashes": ("", "#"),
    "at signs": ("", "@"),
    "links": ("", "http://"),
    "emoji": ("", "\U0001f621"),
    "no-break spaces": ("", "\u00a0"),
    "zero-width spaces": ("", "\u200b"),
    "callbacks": ("", "call you back by "),
    "promises": ("", "I'll call you back by 3 pm tomorrow. "),
    "clock times": ("", "by 3pm "),
    "day words": ("", "tomorrow "),
    "addresses": ("", "a@b.c "),
    "promise then commas": ("I'll call you back", ", "),
    "promise then spaces": ("We will send it", " "),
    "promise then joiners": ("I'll call you", " and"),
    "request then promises": ("Please send us your number", " and we'll call you"),
    "problem then exclamations": ("My order is lost", "!"),
    "problem then dots": ("My order is lost", "."),
    "problem then commas": ("My order is lost", ", "),
    "complaint then marks": ("you people are useless", "!?"),
    "unclosed comments in html": ("<p>hi</p>", "<!--"),
    "unclosed tags in html": ("<p>hi</p>", "<a "),
    "unclosed attributes in html": ("<p>hi</p><a ", "b=1 "),
    "nested quotes in html": ("<p>hi</p>", "<blockquote>"),
    "entities in html": ("<p>hi</p>", "&amp"),
    "promises in one sentence": ("I'll call you back by ", "I'll call you today, "),
    "days after a promise": ("I'll call you back by ", "monday "),
    "relays in one sentence": ("", "I'll pass this on, "),
    "conditions in one sentence": ("", "if you send it, we'll call, "),
    "praise and complaint sentences": ("", "thanks, you people suck. "),
    "sign-off lines": ("", "thanks\n"),
    "quotations among complaints": ("", '"quoted" lawyer, great job - '),
    "digits before a count": ("now ", "1", " times x"),
    "words before a count": ("now ", "a", " times x"),
    "spaces before a dash": ("so", " ", "x - y"),
}


def hostile_texts(size: int = 100_000) -> dict[str, str]:
    """Texts of about ``size`` characters built to make text patterns backtrack, by name.

    Each is one short unit repeated (a run of blank lines, of "!", of unclosed tags, of a word
    the packs look for), some after a lead-in such as a promise, then a letter or a few words
    that almost complete a phrase, so a pattern that fails only at the very end is tried at
    every position. No text is longer than ``size``. Run your own signal or coach
    packs over them: a pattern that takes quadratic time on one of these can stall a service
    on a single hostile message.
    """
    if size < 1:
        raise InputError("size must be at least 1")
    texts = {}
    for name, (lead, unit, *ending) in _HOSTILE_SHAPES.items():
        tail = ending[0] if ending else "x"
        texts[name] = lead + unit * max(1, (size - len(lead) - len(tail)) // len(unit)) + tail
    return texts
