"""Turning the customer's words into the agent's: first person to second, "you" to "we"."""

from __future__ import annotations

import re

__all__ = ["to_second_person"]

_SWAPS = {
    "i": "you",
    "i'm": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "we": "you",
    "we're": "you're",
    "we've": "you've",
    "we'd": "you'd",
    "we'll": "you'll",
    "our": "your",
    "ours": "yours",
    "ourselves": "yourselves",
    "us": "you",
    "you're": "we're",
    "you've": "we've",
    "you'd": "we'd",
    "you'll": "we'll",
    "your": "our",
    "yours": "ours",
    "yourself": "ourselves",
    "yourselves": "ourselves",
}
_I_FORMS = frozenset({"i", "i'm", "i've", "i'd", "i'll"})  # capitalized anywhere, so no signal
_AFTER_I = {"am": "are", "was": "were", "wasn't": "weren't"}
_OBJECT_AFTER = frozenset(
    "to for with from at by of about on in into than me charged billed told sent gave promised "
    "asked called emailed contacted".split()
)
_NEW_SUBJECT = frozenset(
    "he she it they you we this that the a an my your our his her their".split()
)
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_LOWER_FIRST = frozenset(
    "your you you're you've you'd you'll we're we've our we the a an it its this that these those there since when after before every "
    "nothing no none both all his her their one two three four five six seven eight nine ten".split()
)


def to_second_person(text: str) -> str:
    """Turn the customer's first person into the agent's second person, and "you" into "we".

    Minimal by design: pronouns and possessives swap ("my order" -> "your order", "you sent me"
    -> "we sent you"), "I am"/"I was" agree, everything else stays the customer's own words. The
    first letter is lowered when the clause starts with a pronoun or an article.
    """
    out: list[str] = []
    cursor = 0
    previous = ""
    subject_i = False  # the customer is the subject of the clause so far
    for match in _TOKEN.finditer(text):
        word = match.group(0)
        key = word.lower().replace("’", "'")
        if key in _I_FORMS:
            subject_i = True
        elif key in _NEW_SUBJECT:
            subject_i = False
        if key in _AFTER_I and (
            previous in {"i", "we"} or (subject_i and previous in {"and", "but", "then", "or"})
        ):
            swapped = _AFTER_I[key]  # "I called and was told" -> "you called and were told"
        elif key == "you":
            swapped = "us" if previous in _OBJECT_AFTER else "we"
        else:
            swapped = _SWAPS.get(key, word)
        if swapped is not word and word[:1].isupper() and key not in _I_FORMS:
            swapped = swapped[:1].upper() + swapped[1:]
        out.append(text[cursor : match.start()])
        out.append(swapped.replace("'", "’") if "’" in word else swapped)
        cursor = match.end()
        previous = key
    out.append(text[cursor:])
    result = "".join(out)
    first = _TOKEN.match(result)
    if first and first.group(0).lower().replace("’", "'") in _LOWER_FIRST:
        result = result[:1].lower() + result[1:]
    return result
