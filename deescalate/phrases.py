"""The phrase language shared by every rule pack, compiled to fast regular expressions.

A phrase is words separated by spaces, matched at word boundaries with any whitespace between
words and straight or typographic apostrophes:

``a|b``
    one word out of several (``stem*`` inside a choice: a word starting with ``stem``);
``(thank you|thanks)``
    one word sequence out of several;
``word?`` / ``(a b)?``
    optional;
``{n}``
    a number ("45", "two", "a couple of") or a range of two ("3-4", "four or five");
``{w}`` / ``{w:0-2}``
    any one word / zero to two words (a gap goes between words or choices, never inside a
    choice: write ``(promised|told {w:0-6} would)`` as two phrases).

Every phrase needs one required literal word. Compiled phrases run on lower-cased text (faster
than case-insensitive matching) and carry the words a text must contain before they are worth
trying, so a rule set is indexed by each phrase's rarest required word.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

__all__ = [
    "WORDS",
    "WORD_BYTES",
    "CompiledPhrase",
    "compile_phrase",
    "find_all",
    "indexed_candidates",
    "phrase_alternatives",
    "refuse_nested_choices",
    "text_words",
    "word_list_regex",
]

WORDS = re.compile(r"[a-z0-9]+")
_TRIGGER_WORD = WORDS
_COUNT_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    "fifty|sixty|ninety"
)
# A number, or a range of two ("3-4", "4 or 5", "three or four", "2 to 3").
_NUMBER = (
    rf"(?:\d+(?:[.,]\d+)?\+?(?:\s*(?:-|–|or|to)\s*\d+\+?)?"
    rf"|(?:{_COUNT_WORDS})(?:\s+(?:or|to)\s+(?:{_COUNT_WORDS}))?"
    r"|a|an|several|many|a few|a couple(?: of)?|multiple|countless|numerous|hundreds of|dozens of)"
)
_ONE_WORD = r"[\w'’+-]+"  # "60+" is one word too

# Byte table keeping a-z and 0-9 and turning every other byte into a space. UTF-8 encodes a
# non-ASCII character with bytes >= 0x80 only, so it becomes spaces too. Splitting a lower-cased
# text's UTF-8 translated by it gives its words (see text_words).
WORD_BYTES = bytes(
    byte if chr(byte) in string.ascii_lowercase + string.digits else 0x20 for byte in range(256)
)


def text_words(lower: str) -> list[str]:
    """The words of a lower-cased text, in order: ``WORDS.findall(lower)``, a few times faster."""
    kept = lower.encode("utf-8", "surrogatepass").translate(WORD_BYTES)
    return kept.decode("ascii").split()


@dataclass(frozen=True, slots=True)
class CompiledPhrase:
    """A phrase ready to run.

    ``regex`` runs on the lower-cased text; ``fallback`` is its case-insensitive form for the rare
    text whose lower case changes length. ``requirements`` lists, per required position, the
    words one of which must occur; ``trigger`` is the rarest of them, for indexing, and
    ``others`` the rest, rarest first (an index checks them after the trigger, and the rarest is
    the likeliest to be missing).
    ``word_start`` asks the caller to check that a match does not begin inside a word.
    ``parts`` is ``regex`` split by the first letter of a leading choice (see
    :func:`_by_first_letter`), or ``(regex,)``.
    """

    phrase: str
    regex: re.Pattern[str]
    fallback: re.Pattern[str]
    requirements: tuple[frozenset[str], ...]
    trigger: frozenset[str]
    others: tuple[frozenset[str], ...]
    word_start: bool
    parts: tuple[re.Pattern[str], ...]

    def possible(self, words: set[str] | frozenset[str]) -> bool:
        """True when every required position has one of its words in ``words``."""
        for need in self.requirements:  # noqa: SIM110 - a plain loop is faster on this hot path
            if need.isdisjoint(words):
                return False
        return True


def indexed_candidates(
    triggered: Iterable[str],
    by_word: Mapping[str, Sequence[int]],
    others: Sequence[tuple[frozenset[str], ...]],
    words: AbstractSet[str],
    found: list[int],
) -> list[int]:
    """The shared step of the phrase indexes: which indexed phrases a text's words allow.

    ``triggered`` are the text's words that index phrases, ``by_word`` maps each to the phrases'
    positions, ``others`` holds each phrase's other required words (``CompiledPhrase.others``),
    and ``words`` is every word of the text worth knowing. The allowed positions are added to
    ``found`` (which may hold some already), and it is returned sorted, each position once.
    """
    for word in triggered:
        for index in by_word[word]:
            for need in others[index]:
                if need.isdisjoint(words):
                    break
            else:
                found.append(index)
    if len(found) > 1:
        found = sorted(set(found))  # a phrase is indexed by each word of its trigger
    return found


_PLAIN_WORD_CHOICE = re.compile(r"[^\W_]+(?:\|[^\W_]+)+")
_TRIPLE_LETTER = re.compile(r"(\w)\1\1")


def phrase_alternatives(phrase: str) -> list[str]:
    """A phrase that is one choice of sequences, "(a b|c d)", as one phrase per sequence.

    Each sequence is then indexed by its own rarest word instead of the whole choice being tried
    whenever any of its first words (often common ones) occurs.
    """
    if _PLAIN_WORD_CHOICE.fullmatch(phrase) and not _TRIPLE_LETTER.search(phrase):
        # "angry|furious|livid": each word is its own phrase, searched only where it occurs. At
        # any position at most one whole plain word can match, so the spans are the same. A word
        # with a letter three times ("grrr") stays in its choice: the assessor's words have such
        # runs folded to two, so it could never be indexed by itself.
        return phrase.split("|")
    if not (phrase.startswith("(") and phrase.endswith(")")) or phrase.count("(") != 1:
        return [phrase]
    choices = [choice.strip() for choice in phrase[1:-1].split("|")]
    return choices if all(choices) else [phrase]


def compile_phrase(phrase: str) -> CompiledPhrase:
    """Compile one phrase; a ValueError explains what is wrong with it."""
    _refuse_gaps_in_choices(phrase)
    requirements = _phrase_requirements(phrase)
    trigger = sorted(requirements, key=_rarity)[-1]
    others = sorted(
        (need for need in requirements if need is not trigger), key=_rarity, reverse=True
    )
    body = _phrase_regex(phrase)
    # A phrase that opens with a word leaves its word-start check to the caller, so that the
    # regex opens with the word and the engine skips ahead to it. One that opens with a number,
    # a wildcard or an optional word keeps the check in the regex: without it every position
    # inside a long run of digits or letters is tried, and each tries the rest of the run.
    word_start = body.startswith(_LEAD) and _opens_with_word(_tokens(phrase)[0])
    if word_start:
        body = body.removeprefix(_LEAD)
    regex = re.compile(body)
    split = _by_first_letter(phrase)
    parts = (
        tuple(re.compile(_phrase_regex(part).removeprefix(_LEAD)) for part in split)
        if len(split) > 1
        else (regex,)
    )
    return CompiledPhrase(
        phrase=phrase,
        regex=regex,
        fallback=re.compile(body, re.IGNORECASE),
        requirements=requirements,
        trigger=trigger,
        others=tuple(others),
        word_start=word_start,
        parts=parts,
    )


def _refuse_gaps_in_choices(phrase: str) -> None:
    """A ValueError when a choice holds a gap ("{w:0-6}"), which the language does not support."""
    for token in _tokens(phrase):
        if not token.startswith("("):
            continue
        for choice in token.rstrip("?")[1:-1].split("|"):
            for inner in _tokens(choice.strip()) if choice.strip() else ():
                special = _SPECIAL.match(inner)
                if special and special.group(2) is not None:
                    raise ValueError(
                        f"phrase {phrase!r}: the gap {inner} is inside the choice {token!r}; "
                        "a gap goes only between words, so write each choice as its own phrase"
                    )


def _opens_with_word(token: str) -> bool:
    """True when ``token`` always opens with a written word (not a number, wildcard or option)."""
    if _SPECIAL.match(token) or _is_optional(token):
        return False
    if token.startswith("("):
        return all(
            choice.strip() and _opens_with_word(_tokens(choice.strip())[0])
            for choice in token[1:-1].split("|")
        )
    return True


def _by_first_letter(phrase: str) -> list[str]:
    """A phrase opening with a choice, as one phrase per first letter of the choice's sequences.

    "(it's|it is|that's|that is) our policy" becomes "(it's|it is) our policy" and
    "(that's|that is) our policy". Each part's regex opens with a literal letter, which the
    regex engine skips to far faster than to the character class a mixed choice opens with.
    Matches are the same: at any position only the part of the letter there can match, in the
    order the choice gives. A choice whose sequences do not all open with a letter or digit
    (an optional word, a number, a wildcard) is left whole.
    """
    tokens = _tokens(phrase)
    first, rest = tokens[0], tokens[1:]
    if first.endswith("?") or first.startswith("{"):
        return [phrase]  # optional, or a number or wildcard: no letter is certain
    if first.startswith("("):
        choices = [choice.strip() for choice in first[1:-1].split("|")]
    elif "|" in first:
        choices = first.split("|")
    else:
        return [phrase]
    groups: dict[str, list[str]] = {}
    for choice in choices:
        opening = _tokens(choice)[0] if choice else ""
        if not opening[:1].isalnum() or opening.endswith("?") or opening.startswith("{"):
            return [phrase]
        groups.setdefault(opening[0].lower(), []).append(choice)
    if len(groups) < 2:
        return [phrase]
    return [" ".join([f"({'|'.join(group)})", *rest]) for group in groups.values()]


def find_all(compiled: CompiledPhrase, text: str, lower: str) -> list[tuple[int, int]]:
    """Spans of ``compiled`` in ``text`` (``lower`` is ``text.lower()``), at word starts."""
    if len(lower) == len(text):
        if len(compiled.parts) > 1:
            return _find_all_in_parts(compiled, text, lower)
        regex, subject = compiled.regex, lower
    else:
        regex, subject = compiled.fallback, text
    # A loop of searches: most texts hold no match or one, and a search that fails makes no
    # objects at all, where finditer builds a scanner and an iterator for every text.
    match = regex.search(subject)
    if match is None:
        return []
    spans = []
    word_start = compiled.word_start
    while match is not None:
        start, end = match.span()
        if start == end:
            match = regex.search(subject, end + 1)
            continue
        if not (word_start and start and (text[start - 1].isalnum() or text[start - 1] == "_")):
            spans.append((start, end))
        match = regex.search(subject, end)
    return spans


def _find_all_in_parts(compiled: CompiledPhrase, text: str, lower: str) -> list[tuple[int, int]]:
    """:func:`find_all` over a phrase split by first letter: the leftmost part's match wins."""
    parts = compiled.parts
    pending = []
    for regex in parts:  # loops, not comprehensions: each comprehension is a call before 3.12
        pending.append(regex.search(lower))
    spans: list[tuple[int, int]] = []
    while True:
        best = None
        for match in pending:
            if match is not None and (best is None or match.start() < best.start()):
                best = match
        if best is None:
            return spans
        start, end = best.span()
        inside_word = start and (text[start - 1].isalnum() or text[start - 1] == "_")
        if end > start and not (compiled.word_start and inside_word):
            spans.append((start, end))
        resume = end if end > start else end + 1  # an empty match moves on by one
        for index, match in enumerate(pending):
            if match is not None and match.start() < resume:
                pending[index] = parts[index].search(lower, resume)


def _word_alternatives(token: str) -> str:
    choices = []
    for choice in token.split("|"):
        if not choice:
            raise ValueError(f"empty choice in {token!r}")
        if choice.endswith("*"):
            choices.append(_literal(choice[:-1]) + r"\w*")
        else:
            choices.append(_literal(choice))
    return choices[0] if len(choices) == 1 else "(?:" + "|".join(choices) + ")"


_APOSTROPHE = re.compile("['’]")


def _literal(word: str) -> str:
    escaped = re.escape(word.lower())
    return _APOSTROPHE.sub("['’]?", escaped)


_LEAD = r"(?<!\w)"
_APOSTROPHES = re.compile(r"\w['’]\w")
_SPECIAL = re.compile(r"^\{(n|w)(?::(\d+)-(\d+))?\}$")


_PHRASE_TOKEN = re.compile(r"\([^()]*\)\??|\S+")
# An opening parenthesis before the previous one has closed.
_NESTED_CHOICE = re.compile(r"\([^)]*\(")


def _tokens(phrase: str) -> list[str]:
    if phrase.count("(") != phrase.count(")"):
        raise ValueError(f"phrase {phrase!r}: unbalanced parentheses")
    return _PHRASE_TOKEN.findall(phrase)


def refuse_nested_choices(phrase: str) -> None:
    """A ValueError when a choice holds another choice, which the language does not support.

    "(a|b (c|d))" would otherwise compile to something matching neither.
    """
    if _NESTED_CHOICE.search(phrase):
        raise ValueError(
            f"phrase {phrase!r}: a choice inside a choice; write each outer choice as its own "
            "phrase"
        )


def _is_optional(token: str) -> bool:
    """An optional word or choice ("word?", "(a b)?") or a run of wildcards ("{w:0-2}")."""
    special = _SPECIAL.match(token)
    if special:
        return special.group(2) is not None
    return token.endswith("?") and len(token) > 1


def _sequence_regex(tokens: list[str], phrase: str) -> str:
    # Whitespace goes between words: after each word up to the last required one, and before
    # each optional word after it, so "second outage (today)?" matches "second outage." too.
    required = [index for index, token in enumerate(tokens) if not _is_optional(token)]
    last_required = required[-1] if required else len(tokens) - 1
    pieces: list[str] = []
    for index, token in enumerate(tokens):
        tail = index > last_required
        gap = "" if index >= last_required else r"\s+"
        special = _SPECIAL.match(token)
        optional = token.endswith("?") and len(token) > 1 and not special
        body = token[:-1] if optional else token
        if special:
            unit = _NUMBER if special.group(1) == "n" else _ONE_WORD
            if special.group(2) is not None:
                # a run of optional words carries its own whitespace
                run = f"\\s+{unit}" if tail else f"{unit}\\s+"
                pieces.append(f"(?:{run}){{{special.group(2)},{special.group(3)}}}")
                continue
            word = unit
        elif body.startswith("("):
            choices = [c.strip() for c in body[1:-1].split("|")]
            if not all(choices):
                raise ValueError(f"phrase {phrase!r}: empty choice in {token!r}")
            word = "(?:" + "|".join(_sequence_regex(_tokens(c), phrase) for c in choices) + ")"
        else:
            word = _word_alternatives(body)
        if optional:
            pieces.append(f"(?:\\s+{word})?" if tail else f"(?:{word}\\s+)?")
        else:
            pieces.append(word + gap)
    regex = "".join(pieces)
    if regex.endswith(r"\s+"):
        regex = regex[: -len(r"\s+")]
    return regex


def _phrase_regex(phrase: str) -> str:
    tokens = _tokens(phrase)
    if not tokens:
        raise ValueError("empty phrase")
    if tokens[0].endswith("*"):
        raise ValueError(f"phrase {phrase!r}: the first word cannot be a prefix pattern")
    # a number or wildcard opens at a word start too ("{n} times" is not the end of "x5 times")
    lead = _LEAD if re.match(r"[\w'({]", tokens[0]) else ""
    tail = r"(?!\w)" if re.search(r"[\w*})?]$", tokens[-1]) else ""
    return lead + _sequence_regex(tokens, phrase) + tail


# The commonest words of English text, commonest first (roughly: the index needs an order, not
# exact counts). A phrase is indexed by the required position least likely to occur.
_COMMON_IN_ORDER = (
    "the i to you a and it of is that in my for on this your me we have be not with are was do "
    "can but so just at what no all get if or our as will how an us they there don its im out up "
    "about when one like from by would now why know been he she their them here then than which "
    "who some any more only also down into over after back see way time day take call read check "
    "update help let please thanks thank very really has had did does am ive got could should "
    "were his her t s"
).split()
_WORD_ODDS = {word: 1.0 / (rank + 10) for rank, word in enumerate(_COMMON_IN_ORDER)}
_RARE_WORD_ODDS = 0.0005


def _token_requirement(token: str) -> frozenset[str] | None:
    """The words one of which must appear for ``token`` to match, or None if none is certain."""
    if _SPECIAL.match(token) or (token.endswith("?") and len(token) > 1):
        return None
    if token.startswith("("):
        # each sequence of the choice needs its own rarest word: "(the way it is|how it is)"
        # needs "way" or "how", far rarer than its first words "the" or "how"
        needed: set[str] = set()
        for choice in token[1:-1].split("|"):
            needs = _needs(choice.strip())
            if not needs:
                return None
            rarest: frozenset[str] = max(needs, key=_rarity)
            needed.update(rarest)
        return frozenset(needed)
    words: set[str] = set()
    for choice in token.split("|"):
        pieces = _TRIGGER_WORD.findall(choice.lower())
        if not pieces or (
            choice.endswith("*") and len(pieces) == 1 and choice[:-1].lower() == pieces[0]
        ):
            return None
        if len(pieces) > 1 and choice.isalnum():
            # one word with letters outside ASCII ("inútiles"): the tokenizer keeps its ASCII
            # pieces ("in", "tiles"), all present wherever it is: the rarest will do
            words.add(max(pieces, key=lambda piece: _rarity(frozenset([piece]))))
            continue
        words.add(pieces[0])
        if len(pieces) > 1 and _APOSTROPHES.search(choice):
            # The apostrophe is optional ("you're" also matches "youre"): either form will do.
            words.add("".join(pieces))
    return frozenset(words)


def _needs(phrase: str) -> list[frozenset[str]]:
    """Per required token of ``phrase``, the words one of which must appear."""
    return [need for token in _tokens(phrase) if (need := _token_requirement(token)) is not None]


def _phrase_requirements(phrase: str) -> tuple[frozenset[str], ...]:
    needs = _needs(phrase)
    if not needs:
        raise ValueError(f"phrase {phrase!r} needs at least one required literal word")
    return tuple(dict.fromkeys(needs))


def _rarity(need: frozenset[str]) -> float:
    """How rarely a required position is met (higher is rarer), from its words' rough odds."""
    return -sum(_WORD_ODDS.get(word, _RARE_WORD_ODDS) for word in need)


def word_list_regex(words: list[str], *, before: bool) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(_literal(word) for word in words)
    if before:
        return re.compile(rf"(?:^|\W)(?:{alternatives})\W+(?:\w+\W+)?$", re.IGNORECASE)
    return re.compile(rf"^\W+(?:\w+\W+)?(?:{alternatives})(?!\w)", re.IGNORECASE)
