"""Signal detectors written as code, for evidence that phrase lists cannot express.

Each detector is a small callable over the prepared text returning ``(code, start, end, weight,
rule)`` tuples with offsets into that text; the assessor maps them back to the original.
"""

from __future__ import annotations

import bisect
import itertools
import re
import string
from collections.abc import Iterable, Iterator
from itertools import filterfalse

__all__ = [
    "DEFAULT_ACRONYMS",
    "Hit",
    "PunctuationDetector",
    "ShoutingDetector",
    "SpanCover",
    "detect_language",
    "loudness_screen",
    "quoted_spans",
]

Hit = tuple[str, int, int, float, str]

DEFAULT_ACRONYMS = frozenset(
    """
    AI API ATM AWS BBC CC CEO CFO CNN CPU CSS CSV CTO DHL DM DMS DNS DSL EMEA ETA EU FAQ FBI FEDEX
    FYI GB GDPR GPS GPU HBO HD HDMI HP HQ HR HTML HTTP HTTPS IBAN ID IMEI IOS IP IRS ISP IT JSON KB
    LAN LCD LED MB MMS NFC NHS NYC OS PC PDF PIN PM PO PR PS PSA QA RAM SIM SKU SMS SQL SSD SSH SSL
    SSN TV UI UK UPS URL US USA USB USPS UX VAT VIP VPN WAN XML ZIP AM ASAP PST EST CET UTC GMT EDT
    PDT CST MST BST IBM NASA ETC TBD TBA AKA RMA RSVP SLA ACH USD EUR GBP APAC NA LTE WIFI OK OKAY
    """.split()
)

# Capitalized words that carry emphasis on their own even when short ("NOW", "NEVER").
_EMPHATIC = frozenset(
    "NOW NEVER NOT NO STILL AGAIN STOP WHY WORST ANY ALL EVER NOTHING NOBODY DONE ENOUGH REALLY "
    "SO VERY HOURS DAYS WEEKS MONTHS THREE FOUR FIVE SIX TEN TWICE".split()
)
_FUNCTION_WORDS = frozenset(
    "I ME MY YOU YOUR WE OUR IT IS ARE WAS WERE THE A AN THIS THAT AND OR BUT NOT NO DO DOES DID "
    "HAVE HAS HAD TO OF IN ON FOR WITH WHAT WHY HOW WHEN CAN CANT CAN'T WONT WON'T DONT DON'T "
    "JUST STILL AGAIN ANY ALL GET FIX".split()
)
_LETTERS = re.compile(r"[^\W\d_]")
_UPPERS = re.compile(r"[A-Z]")
# A capitalized word ("NOT", "DON'T") or a lone capital letter; written to open with a character
# class, which lets the regex engine skip lower-case text quickly (a leading word boundary would
# make it try every position), with the boundaries checked after it.
_CAPS_WORD = re.compile(r"[A-Z](?<!\w[A-Z])(?:[A-Z'’]*[A-Z])?(?!\w)")
# What may stand between two capitalized words of one run: one to four spaces or marks.
_RUN_GAP = frozenset(" \t\n\r\f\v,.;:!?'’\"-")
# Runs of "!" and "?" open with a single-mark class for the same reason ("[!?]{2,}" would be
# tried at every position).
_PUNCT_RUN = re.compile(r"[!?][!?]+")
# Words that make a run of two loud words shout.
_RUN_CUES = _FUNCTION_WORDS | _EMPHATIC

# A run of capitalized words: its start and end, and its words with straight apostrophes.
_Run = tuple[int, int, list[str]]

# ASCII text is matched through a copy in character classes, one byte per character: "A" a
# capital, "a" a lower-case letter, "0" a digit or "_", "'" the apostrophe, "M" a mark ("!" or
# "?"), " " what else may stand between the words of a run, "#" anything else. On that copy one
# regex finds whole runs (where the general path makes a match object and several Python steps
# per word), and it opens with one literal byte, which the regex engine skips to far faster than
# to a character class.
_CLASS_OF = {
    **dict.fromkeys(string.ascii_uppercase, "A"),
    **dict.fromkeys(string.ascii_lowercase, "a"),
    **dict.fromkeys(string.digits + "_", "0"),
    **dict.fromkeys(' \t\n\r\x0c\x0b,.;:"-', " "),
    "'": "'",
    "!": "M",
    "?": "M",
}
_ASCII_CLASSES = bytes(ord(_CLASS_OF.get(chr(b), "#")) for b in range(256))
# A word of two or more capitals (apostrophes inside), then more words of one or more capitals
# after gaps of one to four characters. Words end where no word character follows.
_RUN_OF_CLASSES = re.compile(rb"A(?<![Aa0]A)[A']*A(?![Aa0])(?:[ 'M]{1,4}A(?:[A']*A)?(?![Aa0]))*")
_GAP_CLASSES = frozenset(b" 'M")
# Keeps capitals and apostrophes, and turns every other byte into a space.
_GAPS_TO_SPACES = bytes(b if chr(b) in string.ascii_uppercase + "'" else 0x20 for b in range(256))
# A run of marks, on the copy: opening with a literal, it is searched far faster than "[!?]".
_MARKS_OF_CLASSES = re.compile(rb"MM+")


class ShoutingDetector:
    """Runs of capital letters that read as shouting, not as acronyms or product names.

    A run of two or more capitalized words shouts when it holds a function word or three words
    ("THIS IS", "NOT WORKING", "WORST SERVICE EVER"), so names like "HP LASERJET" do not. A
    single capitalized word shouts only when it is emphatic ("NOW", "NEVER") or one of
    ``loud_words`` (emotionally loaded words such as "UNACCEPTABLE"), and never when
    ``single_words`` is false (an agent stressing "do NOT share your password" is not shouting).
    """

    def __init__(
        self,
        acronyms: Iterable[str] = DEFAULT_ACRONYMS,
        loud_words: Iterable[str] = (),
        *,
        single_words: bool = True,
    ) -> None:
        self.acronyms = frozenset(word.upper() for word in acronyms)
        self.loud_words = frozenset(word.upper() for word in loud_words) | _EMPHATIC
        self.single_words = single_words
        self._quiet = self.acronyms | {"I"}  # words that never make a run loud

    def __call__(self, text: str) -> list[Hit]:
        if not _has_caps_pair(text):
            return []
        return self.unscreened(text)

    def unscreened(self, text: str) -> list[Hit]:
        """:meth:`__call__` for a text already known to hold two capitals in a row."""
        ascii_classes = text.encode("ascii").translate(_ASCII_CLASSES) if text.isascii() else None
        if ascii_classes is not None:
            uppers = ascii_classes.count(b"A")
            letters = uppers + ascii_classes.count(b"a")
        else:
            uppers, letters = len(_UPPERS.findall(text)), len(_LETTERS.findall(text))
        if uppers >= 9 and uppers >= 0.7 * letters:
            start, end = _trimmed(text)
            return [("shouting", start, end, 1.3, "all-capitals")]
        runs = _general_runs(text) if ascii_classes is None else _ascii_runs(text, ascii_classes)
        hits: list[Hit] = []
        for run in runs:
            hit = self._judge(text, run)
            if hit is not None:
                hits.append(hit)
        return hits

    def _judge(self, text: str, run: _Run) -> Hit | None:
        start, end, words = run
        loud = list(filterfalse(self._quiet.__contains__, words))
        if not loud:
            return None
        if len(loud) >= 3 or (len(loud) == 2 and not _RUN_CUES.isdisjoint(loud)):
            letters = sum(map(len, loud))
            if words[-1] == "I":
                end = _without_next_clause_i(text, start, end)
            return ("shouting", start, end, 1.0 if letters >= 8 else 0.8, "capitals-run")
        word = loud[0]
        if self.single_words and len(loud) == 1 and word in self.loud_words and len(word) >= 3:
            for match in _CAPS_WORD.finditer(text, start, end):
                if match.group(0).replace("’", "'") == word:
                    return ("shouting", match.start(), match.end(), 0.6, "capitalized-word")
        return None


def _without_next_clause_i(text: str, start: int, end: int) -> int:
    """The end of a run that closes on a lone "I" opening the next clause ("WRONG. I am").

    The "I" is never loud, so the span stops before it, keeping the marks that end the shout
    ("READ THE INSTRUCTIONS!!"); an "I" with no clause break before it ("WHY DID I") stays.
    """
    if text[end - 1] != "I":
        return end
    gap_start = end - 1
    while gap_start > start and text[gap_start - 1] in _RUN_GAP:
        gap_start -= 1
    gap = text[gap_start : end - 1]
    if not any(mark in gap for mark in ".!?;:-"):
        return end
    return gap_start + len(gap) - len(gap.lstrip("!?."))


def _ascii_runs(text: str, classes: bytes) -> list[_Run]:
    """The runs of an ASCII text, found on its character classes (see ``_ASCII_CLASSES``)."""
    runs: list[_Run] = []
    for match in _RUN_OF_CLASSES.finditer(classes):
        start, end = match.span()
        if "I" in text[max(0, start - 6) : start]:
            start = _leading_lone_i(text, classes, start)
        # A run holds capitals, apostrophes and gaps only: gaps to spaces, then split.
        chunk = text[start:end]
        words = chunk.encode("ascii").translate(_GAPS_TO_SPACES).decode("ascii").split()
        if "'" in chunk:  # an apostrophe at a word's edge is a gap ("'STOP'"), inside it is not
            words = [word for piece in words if (word := piece.strip("'"))]
        if min(map(len, words)) == 1 and any(len(w) == 1 and w != "I" for w in words):
            # a lone capital ("THIS IS A JOKE") is no word and splits the run: rare, so the
            # general path sorts it out
            runs.extend(_general_runs(text, start, end))
        else:
            runs.append((start, end, words))
    return runs


def _leading_lone_i(text: str, classes: bytes, start: int) -> int:
    """Move a run's start back over lone "I" words before it ("I HATE THIS")."""
    while start >= 2:
        gap_start = start
        while gap_start > 0 and start - gap_start < 4 and classes[gap_start - 1] in _GAP_CLASSES:
            gap_start -= 1
        word = gap_start - 1
        if gap_start == start or word < 0 or text[word] != "I":
            break
        if word > 0 and classes[word - 1] in b"Aa0":
            break
        start = word
    return start


def _general_runs(text: str, start: int = 0, end: int | None = None) -> list[_Run]:
    """Capitalized words, grouped into runs separated by at most four spaces or marks.

    ``start`` and ``end`` limit the search to part of ``text``.
    """
    runs: list[_Run] = []
    words: list[str] = []
    run_start = previous_end = -10
    for match in _CAPS_WORD.finditer(text, start, len(text) if end is None else end):
        start, end = match.span()
        word = match.group(0)
        if end - start == 1 and word != "I":
            continue  # a lone capital other than "I" ("A", "B") is no word in capitals
        gap = start - previous_end
        if words and not (1 <= gap <= 4 and _RUN_GAP.issuperset(text[previous_end:start])):
            runs.append((run_start, previous_end, words))
            words = []
        if not words:
            run_start = start
        words.append(word.replace("’", "'"))
        previous_end = end
    if words:
        runs.append((run_start, previous_end, words))
    # "I" is never loud: a run of nothing else ("I", "I I") is quiet
    return [
        (first, last, words) for first, last, words in runs if any(word != "I" for word in words)
    ]


class PunctuationDetector:
    """Runs of exclamation marks, or question marks mixed with them ("!!!", "?!", "???")."""

    def __call__(self, text: str) -> list[Hit]:
        if not _has_mark_run(text):
            return []
        return self.unscreened(text)

    def unscreened(self, text: str) -> list[Hit]:
        """:meth:`__call__` for a text already known to hold a run of marks."""
        hits: list[Hit] = []
        runs: Iterator[re.Match[bytes]] | Iterator[re.Match[str]]
        if text.isascii():
            runs = _MARKS_OF_CLASSES.finditer(text.encode("ascii").translate(_ASCII_CLASSES))
        else:
            runs = _PUNCT_RUN.finditer(text)
        for match in runs:
            start, end = match.span()
            # "!!", "?!", "!?" and "???" shout; "??" alone is only a question.
            if end - start == 2 and text[start] == text[start + 1] == "?":
                continue
            weight = 0.5 if end - start == 2 else 0.8
            hits.append(("shouting", start, end, weight, "punctuation-run"))
        return hits


# Maps A-Z to "A", "!" and "?" to "M" and every other byte to a space; UTF-8 keeps non-ASCII
# text out of A-Z. Two capitals or two marks in a row are then found by a regex opening with a
# literal, which searches faster than ``in`` does on such a copy.
_LOUD_CLASSES = bytes(
    0x41 if 0x41 <= byte <= 0x5A else 0x4D if byte in b"!?" else 0x20 for byte in range(256)
)
_CAPS_PAIR = re.compile(rb"AA")
_MARK_PAIR = re.compile(rb"MM")


def loudness_screen(text: str) -> tuple[bool, bool]:
    """Whether each detector could find anything: two capitals in a row, and two marks in a row.

    One pass for callers that run both detectors and pick; a true answer for the marks may
    still find nothing ("??" alone is only a question).
    """
    loud = text.encode("utf-8", "surrogatepass").translate(_LOUD_CLASSES)
    return _CAPS_PAIR.search(loud) is not None, _MARK_PAIR.search(loud) is not None


def _has_mark_run(text: str) -> bool:
    """True for "!!", "?!", "!?" or "???" ("??" alone is only a question)."""
    return "!!" in text or "?!" in text or "!?" in text or "???" in text


def _has_caps_pair(text: str) -> bool:
    """True when two ASCII capitals follow each other (``[A-Z]{2}``, by a byte table: faster)."""
    loud = text.encode("utf-8", "surrogatepass").translate(_LOUD_CLASSES)
    return _CAPS_PAIR.search(loud) is not None


def _trimmed(text: str) -> tuple[int, int]:
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_DOUBLE_QUOTED = re.compile(r"\"[^\"\n]{1,400}\"|“[^”\n]{1,400}”")
_SINGLE_QUOTED = re.compile(r"(?<!\w)'[^'\n]{2,200}'(?!\w)")


class SpanCover:
    """Whether one of some spans (such as :func:`quoted_spans`) holds ``[start, end)``.

    Each question takes log time: a text of thousands of quotations and thousands of matches
    would otherwise compare each match with each quotation.
    """

    __slots__ = ("_reach", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        # the furthest end among the spans that start at or before each one
        self._reach = list(itertools.accumulate((end for _, end in ordered), max))

    @classmethod
    def of(cls, spans: list[tuple[int, int]]) -> SpanCover:
        """The cover of ``spans``; most texts have none, and share one empty cover."""
        return cls(spans) if spans else _NO_SPANS

    def __bool__(self) -> bool:
        return bool(self._starts)

    def covers(self, start: int, end: int) -> bool:
        """True when a span starting at or before ``start`` reaches ``end`` or beyond."""
        before = bisect.bisect_right(self._starts, start)
        return before > 0 and self._reach[before - 1] >= end


_NO_SPANS = SpanCover(())


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of text inside quotation marks: reported words, not the writer's own."""
    spans: list[tuple[int, int]] = []
    if '"' in text or "“" in text:
        spans.extend(m.span() for m in _DOUBLE_QUOTED.finditer(text))
    # An opening single quote follows a space, a bracket or the start; apostrophes in "I'll" or
    # "it's" follow letters, so most texts skip this search.
    if " '" in text or "('" in text or text.startswith("'"):
        spans.extend(m.span() for m in _SINGLE_QUOTED.finditer(text))
    return spans


# Function words distinctive of each language (words that are also common English are left out),
# spelled as the tokenizer sees them: it keeps ASCII letters only, so accented words are absent.
_LANGUAGE_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and is are was you your my it this that to of not have with for be".split()
    ),
    "es": frozenset("el la los las que y es por para con una un mi muy pero esto esta del".split()),
    "de": frozenset(
        "der die das und ist nicht ich bin sie ein eine mit zu von auf sehr aber wir".split()
    ),
    "fr": frozenset(
        "le la les et est je vous une un pas pour avec des du mais que ce nous".split()
    ),
    "pt": frozenset("o os que e um uma para com meu minha mas muito isso do da eu ao".split()),
    "it": frozenset("il che di non un una per con mi sono ma molto questo ho della".split()),
    "nl": frozenset("het een en niet ik je van op met voor maar zijn wij dat dit heb".split()),
}


_ALL_LANGUAGE_WORDS = frozenset().union(*_LANGUAGE_WORDS.values())


def detect_language(word_count: int, words: set[str]) -> str | None:
    """Guess the language from the distinct function words present; ``None`` when unsure.

    ``word_count`` is the number of word tokens (repeats included); under four is too few.
    """
    if word_count < 4:
        return None
    present = _ALL_LANGUAGE_WORDS.intersection(words)
    english = len(_LANGUAGE_WORDS["en"].intersection(present))
    # Another language needs three of its words, or two where no English word is present.
    needed = 2 if english == 0 else 3
    if len(present) - english < needed:
        # no other language has the words it needs: English or unsure, without counting
        return "en" if english >= 1 else None
    counts = {code: len(vocab.intersection(present)) for code, vocab in _LANGUAGE_WORDS.items()}
    best = max(counts, key=lambda code: counts[code])
    if best == "en" or counts[best] < needed or counts[best] <= 2 * counts["en"]:
        return "en" if counts["en"] >= 1 else None
    return best


# Letters that only some languages write, for texts too short to tell by their words.
_LETTER_LANGUAGES = (("de", frozenset("äöüß")), ("es", frozenset("ñ¿¡")), ("fr", frozenset("çèêœ")))


def language_by_letters(text: str) -> str | None:
    """The language whose own letters (German "ü", Spanish "ñ") occur in ``text``, if any."""
    letters = set(text.lower())
    for code, own in _LETTER_LANGUAGES:
        if not own.isdisjoint(letters):
            return code
    return None
