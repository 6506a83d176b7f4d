"""Texts that phrases of the phrase language match, made from the phrases themselves."""

from __future__ import annotations

import re
from collections.abc import Iterable

from deescalate.phrases import _tokens

__all__ = ["realize", "realize_token", "samples"]


def realize_token(token: str) -> str:
    """Words that one token of a phrase matches (its first choice)."""
    if token.startswith("{"):
        return "" if ":" in token else ("3" if token == "{n}" else "word")
    if token.endswith("?"):
        return ""
    if token.startswith("("):
        return realize(token[1:-1].split("|")[0])
    word = token.split("|")[0]
    return word[:-1] + "ed" if word.endswith("*") else word


def realize(phrase: str) -> str:
    """A text the whole phrase matches (the first choice of every token)."""
    return " ".join(filter(None, map(realize_token, _tokens(phrase))))


def samples(phrases: Iterable[str]) -> list[str]:
    """The words of ``phrases`` and a text each phrase matches, to build test texts from."""
    found: set[str] = set()
    for phrase in phrases:
        found.update(re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", phrase))
        found.add(realize(phrase))
    return sorted(found)
