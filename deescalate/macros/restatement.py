"""Finding the customer's central problem in their messages, and restating it back to them.

:func:`find_problem` scores every sentence of the customer's messages (quoted replies and
signatures removed) for how much it states a concrete problem (negations, failures, the
customer's own things, times and amounts) against how much it is a greeting, thanks, venting,
a threat or a demand, and keeps the best one; within it, a venting clause is dropped. The
result is paraphrased minimally with :func:`to_second_person` ("my printer" -> "your printer",
"you charged me" -> "we charged you") so the agent can say it back. Restatement is written for
English; for other languages the customer's words are kept as they are (templates quote them).
The cues are per language (:mod:`deescalate.macros.problem_cues`: English and Spanish).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from deescalate.macros.library import language_of
from deescalate.macros.paraphrase import to_second_person
from deescalate.macros.problem_cues import Cues, cues_for
from deescalate.text import prepare, split_sentences, strip_end

__all__ = ["ProblemStatement", "find_problem", "to_second_person"]


@dataclass(frozen=True, slots=True)
class ProblemStatement:
    """The customer's central problem: where it is, their words, and the restatable text.

    ``sentence`` is the customer's sentence, ``clause`` the part of it kept, ``text`` the clause
    turned to the second person without final punctuation; ``start``/``end`` locate ``clause``
    in message ``message_index`` of the messages given.
    """

    sentence: str
    clause: str
    text: str
    message_index: int
    start: int
    end: int
    score: float


_TRAILING_MARKS = ".!?…,;:"
# The assessor's default bound: a problem is stated near the start, and a megabyte of text
# would take seconds to weigh sentence by sentence.
MAX_CHARS = 100_000
_LEADING = re.compile(r"^[\s¿¡]+")
_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")
_WORD = re.compile(r"[\w'’]+")


def _noise(text: str, cues: Cues) -> float:
    total = sum(weight for pattern, weight in cues.noise if pattern.search(text))
    words = _WORD.findall(text)
    if words and len(_CAPS_WORD.findall(text)) / len(words) > 0.4:
        total += 1.0
    return total


def _problem(text: str, cues: Cues) -> float:
    return sum(weight * min(len(pattern.findall(text)), 2) for pattern, weight in cues.problem)


def _score(text: str, cues: Cues) -> float:
    words = len(_WORD.findall(text))
    length = -3.0 if words < 4 else (0.5 if words <= 40 else -0.5)
    return _problem(text, cues) - _noise(text, cues) + length


def _best_clause(sentence: str, cues: Cues) -> tuple[int, int]:
    """The span of the clause that states the problem, or the whole sentence."""
    pieces: list[tuple[int, int]] = []
    cursor = 0
    for match in cues.clause_split.finditer(sentence):
        pieces.append((cursor, match.start()))
        cursor = match.end()
    pieces.append((cursor, len(sentence)))
    if len(pieces) == 1 or _noise(sentence, cues) < 1.0:
        return 0, len(sentence)
    quiet = [
        (start, end)
        for start, end in pieces
        if len(_WORD.findall(sentence[start:end])) >= 4 and _noise(sentence[start:end], cues) < 1.0
    ]
    if not quiet:
        return 0, len(sentence)
    return max(quiet, key=lambda p: _problem(sentence[p[0] : p[1]], cues))


def find_problem(messages: Sequence[str], *, language: str = "en") -> ProblemStatement | None:
    """The sentence (or clause) of the customer's ``messages`` that states their central problem.

    Returns ``None`` when the messages hold no words. Earlier messages win ties: customers state
    the problem first and vent about it afterwards. Only the first :data:`MAX_CHARS` characters
    of each message are read, as the assessor reads them.
    """
    cues = cues_for(language)
    best: tuple[float, int, int, int, str] | None = None
    for index, message in enumerate(messages):
        prepared = prepare(message[:MAX_CHARS])
        spans = split_sentences(prepared.text)
        for position, (start, end) in enumerate(spans):
            greeting = cues.greeting.match(prepared.text, start, end)
            if greeting and len(_WORD.findall(prepared.text, greeting.end(), end)) >= 4:
                start = greeting.end()  # "Hello there, my order ..." states the problem after all
            sentence = prepared.text[start:end]
            score = _score(sentence, cues) - 0.6 * index - 0.15 * position
            if best is None or score > best[0]:
                best = (score, index, start, end, sentence)
    if best is None:
        return None
    score, index, start, end, sentence = best
    clause_start, clause_end = _best_clause(sentence, cues)
    clause = sentence[clause_start:clause_end]
    for lead_in in (_LEADING, cues.lead_in, _LEADING):
        lead = lead_in.match(clause)
        if lead and lead.end() < len(clause):
            clause_start += lead.end()
            clause = clause[lead.end() :]
    clause = strip_end(clause, _TRAILING_MARKS)
    clause_end = clause_start + len(clause)
    original = prepare(messages[index][:MAX_CHARS])
    span = original.span_in_original(start + clause_start, start + clause_end)
    text = to_second_person(clause) if language_of(language) == "en" else clause
    return ProblemStatement(
        sentence=sentence,
        clause=clause,
        text=text,
        message_index=index,
        start=span[0],
        end=span[1],
        score=round(score, 3),
    )
