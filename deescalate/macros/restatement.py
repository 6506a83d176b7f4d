"""Finding the customer's central problem in their messages, and restating it back to them.

:func:`find_problem` scores every sentence of the customer's messages (quoted replies and
signatures removed) for how much it states a concrete problem (negations, failures, the
customer's own things, times and amounts) against how much it is a greeting, thanks, venting,
a threat or a demand, and keeps the best one; within it, a venting clause is dropped. The
result is paraphrased minimally with :func:`to_second_person` ("my printer" -> "your printer",
"you charged me" -> "we charged you") so the agent can say it back. Restatement is written for
English; for other languages the customer's words are kept as they are (templates quote them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from deescalate.text import prepare, split_sentences

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


def _words(*words: str) -> str:
    return r"\b(?:" + "|".join(words) + r")\b"


_I = r"(?:i|i'm|i am|i've|i have|we|we're|we are)"
_PROBLEM_CUES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), weight)
    for pattern, weight in (
        (
            r"\b(?:not|never|no longer|can['’]?t|cannot|won['’]?t|doesn['’]?t|don['’]?t|didn['’]?t|"
            r"isn['’]?t|aren['’]?t|wasn['’]?t|weren['’]?t|haven['’]?t|hasn['’]?t|couldn['’]?t|"
            r"wouldn['’]?t|no (?:internet|signal|power|service|response|reply|one|sound|water))\b",
            2.0,
        ),
        (
            r"\b(?:broke|broken|stopped|stops|fail(?:s|ed|ing|ure)?|errors?|crash(?:es|ed|ing)?|"
            r"down|outage|missing|lost|wrong|damaged|delayed|charged|overcharged|billed|"
            r"twice|double|duplicate|refund(?:ed)?|cancel(?:l)?ed|locked out|declined|keeps|"
            r"disconnect(?:s|ed|ing)?|drops?|dropped|dropping|froze|frozen|freezes|stuck|leak(?:s|ing)?|"
            r"cracked|defective|faulty|dead|arrived|delivered|deliver|shipped|overdue|blank|"
            r"bounced?|expired|deducted|disappeared|deleted|reset|shows?|showing|says|still|"
            r"again|since|overheat(?:s|ing)?|slow|loud|noise|smell|torn|stain(?:ed)?|empty)\b",
            1.2,
        ),
        (r"\b(?:my|our)\s+[a-z]", 1.0),
        (
            r"\d|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
            r"last (?:week|month|night)|hours?|days?|weeks?|months?)\b",
            0.6,
        ),
    )
)

_NOISE_CUES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), weight)
    for pattern, weight in (
        (r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|to whom|greetings)\b", 4.0),
        (r"^(?:thanks|thank you|many thanks|regards|best|cheers|sincerely|kind regards)\b", 3.5),
        (r"\b(?:hope (?:you|this)|i am writing|i'm writing|i write)\b", 1.5),
        (
            rf"\b{_I}\s+(?:\w+\s+){{0,2}}(?:angry|furious|frustrated|upset|disappointed|fed up|sick|"
            r"tired|livid|annoyed|done|disgusted|appalled|shocked|outraged|losing my patience)\b",
            2.5,
        ),
        (
            _words(
                "unacceptable",
                "ridiculous",
                "joke",
                "pathetic",
                "absurd",
                "disgrace",
                "disgraceful",
                "terrible",
                "worst",
                "useless",
                "incompetent",
                "awful",
                "shocking",
                "outrageous",
                "insane",
                "nightmare",
                "clowns",
                "scam",
                "shameful",
                "embarrassing",
                "horrible",
                "rubbish",
                "garbage",
                "seriously",
                "unbelievable",
                "fed up",
                "enough",
            ),
            2.0,
        ),
        (
            _words(
                "lawyer",
                "attorney",
                "sue",
                "court",
                "reviews?",
                "twitter",
                "social media",
                "press",
                "chargeback",
                "ombudsman",
                "regulator",
                "bbb",
                "switch(?:ing)?",
                "competitor",
                "another provider",
                "take my business",
            ),
            2.5,
        ),
        (
            _words(
                "manager", "supervisor", "someone (?:else|competent|who)", "speak to", "talk to"
            ),
            2.5,
        ),
        (r"^(?:why|how (?:hard|difficult|many times|long)|what (?:is|'s) wrong|who)\b", 1.5),
        (
            r"^(?:please|pls|can you|could you|would you|i want|i need|i expect|i demand|i'd like|"
            r"i would like|fix|sort|get)\b",
            1.8,
        ),
        (r"\b(?:i['’]?ll|i will|i['’]?m going to|i am going to|or else|otherwise)\b", 1.2),
        (_words("you people", "your company", "you guys always", "every time i", "typical"), 1.5),
        (r"\b(?:as i (?:already )?(?:said|told|mentioned|explained))\b", 0.5),
        (r"!{2,}|\?{2,}", 0.5),
    )
)

_CLAUSE_SPLIT = re.compile(
    r",\s+(?=(?:and|but|so|which|because|yet)\b)|;\s+|\s+[-–—]\s+|:\s+|,\s+(?=(?:my|our|i|the|it|this)\b)",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(
    r"^(?:(?:hi|hello|hey|so|well|basically|anyway|also|and|but|again|honestly|seriously|look|listen|ok(?:ay)?|"
    r"now|plus|first(?:ly)?|the thing is|the problem is that|the problem is|the issue is that|"
    r"the issue is|long story short|as i (?:already )?(?:said|told you|mentioned|explained)(?: before)?|"
    r"like i said|once again|for the (?:\w+ )?time)[,:]?\s+)+",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b[^,.!:;\n]{0,30}[,!:;]\s*",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"[\s.!?…,;:]+$")
_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")
_WORD = re.compile(r"[\w'’]+")


def _noise(text: str) -> float:
    total = sum(weight for pattern, weight in _NOISE_CUES if pattern.search(text))
    words = _WORD.findall(text)
    if words and len(_CAPS_WORD.findall(text)) / len(words) > 0.4:
        total += 1.0
    return total


def _problem(text: str) -> float:
    total = 0.0
    for pattern, weight in _PROBLEM_CUES:
        hits = len(pattern.findall(text))
        total += weight * min(hits, 2)
    return total


def _score(text: str) -> float:
    words = len(_WORD.findall(text))
    length = -3.0 if words < 4 else (0.5 if words <= 40 else -0.5)
    return _problem(text) - _noise(text) + length


def _best_clause(sentence: str) -> tuple[int, int]:
    """The span of the clause that states the problem, or the whole sentence."""
    pieces: list[tuple[int, int]] = []
    cursor = 0
    for match in _CLAUSE_SPLIT.finditer(sentence):
        pieces.append((cursor, match.start()))
        cursor = match.end()
    pieces.append((cursor, len(sentence)))
    if len(pieces) == 1 or _noise(sentence) < 1.0:
        return 0, len(sentence)
    quiet = [
        p
        for p in pieces
        if len(_WORD.findall(sentence[p[0] : p[1]])) >= 4 and _noise(sentence[p[0] : p[1]]) < 1.0
    ]
    if not quiet:
        return 0, len(sentence)
    return max(quiet, key=lambda p: _problem(sentence[p[0] : p[1]]))


def find_problem(messages: Sequence[str], *, language: str = "en") -> ProblemStatement | None:
    """The sentence (or clause) of the customer's ``messages`` that states their central problem.

    Returns ``None`` when the messages hold no words. Earlier messages win ties: customers state
    the problem first and vent about it afterwards.
    """
    best: tuple[float, int, int, int, str] | None = None
    for index, message in enumerate(messages):
        prepared = prepare(message)
        spans = split_sentences(prepared.text)
        for position, (start, end) in enumerate(spans):
            greeting = _GREETING.match(prepared.text, start, end)
            if greeting and len(_WORD.findall(prepared.text, greeting.end(), end)) >= 4:
                start = greeting.end()  # "Hello there, my order ..." states the problem after all
            sentence = prepared.text[start:end]
            score = _score(sentence) - 0.6 * index - 0.15 * position
            if best is None or score > best[0]:
                best = (score, index, start, end, sentence)
    if best is None:
        return None
    score, index, start, end, sentence = best
    clause_start, clause_end = _best_clause(sentence)
    clause = sentence[clause_start:clause_end]
    lead = _LEAD_IN.match(clause)
    if lead and lead.end() < len(clause):
        clause_start += lead.end()
        clause = clause[lead.end() :]
    clause = _TRAILING.sub("", clause)
    clause_end = clause_start + len(clause)
    original = prepare(messages[index])
    span = original.span_in_original(start + clause_start, start + clause_end)
    text = to_second_person(clause) if language.split("_")[0].lower() == "en" else clause
    return ProblemStatement(
        sentence=sentence,
        clause=clause,
        text=text,
        message_index=index,
        start=span[0],
        end=span[1],
        score=round(score, 3),
    )


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
    for match in _TOKEN.finditer(text):
        word = match.group(0)
        key = word.lower().replace("’", "'")
        if previous in {"i", "we"} and key in _AFTER_I:
            swapped = _AFTER_I[key]
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
