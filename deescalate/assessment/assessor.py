"""The assessor: prepared text -> signals and cues -> a stage with a score."""

from __future__ import annotations

import enum
import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from deescalate.assessment.detectors import (
    DEFAULT_ACRONYMS,
    Hit,
    PunctuationDetector,
    ShoutingDetector,
    SpanCover,
    detect_language,
    language_by_letters,
    loudness_screen,
    quoted_spans,
)
from deescalate.assessment.lexicon import Lexicon, find_word, load_lexicon
from deescalate.assessment.packs import (
    CompiledPack,
    CompiledRule,
    Matcher,
    builtin_pack_paths,
    compile_packs,
)
from deescalate.assessment.result import Assessment, Cue, Signal
from deescalate.errors import InputError
from deescalate.once import once
from deescalate.phrases import find_all, text_words
from deescalate.stages import Stage
from deescalate.text import (
    PreparedText,
    decode_text,
    prepared_if_changed,
    sentence_numbers,
)

__all__ = ["Assessor", "Detector", "ScoringWeights", "assess", "assess_many", "default_assessor"]

Detector = Callable[[str], list[Hit]]

_ELONGATION = re.compile(r"([a-z])\1{2,}")
# The check before folding: "\1\1" searches faster than "\1{2,}" and finds the same texts.
_TRIPLE_LETTER = re.compile(r"([a-z])\1\1")
# Contractions need their apostrophe ("don't", "isn't"), or one of the common spellings without
# it ("dont"): a bare "nt" would also match "want", "account" and "payment".
_NEGATION_BEFORE = re.compile(
    r"(?:\b(?:not|no|never|nothing|without|hardly|nor|cannot|dont|doesnt|didnt|isnt|wasnt|arent"
    r"|werent|havent|hasnt|hadnt|cant|wont|wouldnt|couldnt|shouldnt|aint)\b|n['’]t\b)"
    r"(?:\W+\w+){0,2}\W*$"
    # "it's not that I'm angry", "not because I am upset": the denial reaches three words on
    r"|(?:\bnot|n['’]t|\b(?:isnt|wasnt|aint))\s+(?:that|because)\b(?:\W+\w+){0,3}\W*$"
)
# Every match of _NEGATION_BEFORE holds one of these among the last five runs of word characters
# ("n't" is the run "t"; "not that a b c" is the longest reach), so their absence there is a
# cheap screen; it looks six back to be safe.
_NEGATORS = frozenset(
    "not no never nothing without hardly nor cannot dont doesnt didnt isnt wasnt arent werent "
    "havent hasnt hadnt cant wont wouldnt couldnt shouldnt aint t".split()
)
_NEGATION_REACH = 6
_WORD_RUN = re.compile(r"\w+")
# "never been so offended" intensifies rather than negates.
_NEVER_SO = re.compile(
    r"\bnever (?:been|felt|was|seen|heard|had) (?:so|this|more|such)\W*(?:\w+\W+)?$"
)
_CLAUSE_BREAK = re.compile(r"[.!?;,\n]|\bbut\b")
# A clause opening with a negative question asserts, it does not deny: "isn't it ridiculous".
_RHETORICAL_QUESTION = re.compile(
    r"\W*(?:and\s+|so\s+)?(?:(?:is|was|are|were|does|did)(?:n['’]?t|\s+not)\s+(?:it|this|that|these|those)"
    r"|(?:is|was|are|were)\s+(?:it|this|that|these|those)\s+not)\b"
)
_TEXT_TYPES = (str, bytes, bytearray)
_DE_ESCALATING = "gratitude"
_SHOUTING = "shouting"
# Two spans read the same words when their overlap is this share of the longer one.
_SAME_WORDS = 0.8
_HANDOFF = "asks-for-manager"
_STAGE_COUNT = len(Stage)
_SARCASM_WEIGHT = 2.4
_SINCERE_WEIGHT = -1.0  # gratitude this strong, of a rule not read as sarcasm, is sincere
_LOUD_WEIGHT = 0.25  # lexicon words this angry shout even alone in capitals


@dataclass(frozen=True, slots=True)
class ScoringWeights:
    """How evidence adds up, in stage units (1.0 is about one stage)."""

    lexicon_scale: float = 1.5
    lexicon_floor: float = -2.0
    lexicon_cap: float = 3.5
    bias: float = 0.0
    repeat_bonus: float = 0.15
    repeat_bonus_cap: float = 0.45
    decay: tuple[float, ...] = (1.0, 0.6, 0.45, 0.35, 0.3)
    cue_threshold: float = 0.08
    max_cues: int = 8
    # Shouting on a complaint ("why is it STILL broken???") weighs this much more than either
    # alone; shouting on happy news ("best cake ever!!!") gets nothing extra.
    loud_complaint: float = 0.6
    # Where the rules found evidence, the lexicon's calm words take at most this much away ("I
    # was excited to try it, but ..."): a complaint told with pleasant words is still one.
    lexicon_floor_with_evidence: float = -0.5
    # Words alone, with no rule evidence, count this share and reach at most upset: the lexicon
    # was learnt on general comments and adds noise to plain questions and happy posts.
    lexicon_alone_scale: float = 0.9
    lexicon_alone_cap: float = 2.0
    # Shouting alone is a complaint when the lexicon leans this far to anger ("won't load!!!!")
    # and nothing thanks anyone ("Thanks!!!").
    loud_lexicon: float = 0.3


class Assessor:
    """Rates customer messages on the escalation scale using rule packs, detectors and a lexicon.

    ``packs`` are extra pack files loaded after the built-in ones (``builtin=False`` leaves the
    built-ins out). ``detectors`` replaces the code detectors; ``acronyms`` extends the words in
    capitals that never count as shouting. ``max_chars`` bounds the work on enormous texts: only
    that many characters of new text are assessed, and the assessment says so in ``notes``.
    """

    def __init__(
        self,
        packs: Sequence[str | Path] = (),
        *,
        builtin: bool = True,
        lexicon: Lexicon | bool | None = True,
        detectors: Sequence[Detector] | None = None,
        acronyms: Iterable[str] = (),
        weights: ScoringWeights | None = None,
        max_chars: int = 100_000,
    ) -> None:
        if max_chars < 1:
            raise InputError("max_chars must be at least 1")
        paths = [*(builtin_pack_paths() if builtin else []), *packs]
        self.pack: CompiledPack = compile_packs(paths)
        if lexicon is True:
            self.lexicon: Lexicon = load_lexicon()
        elif isinstance(lexicon, Lexicon):
            self.lexicon = lexicon
        else:
            self.lexicon = Lexicon({}, 0.0)
        loud = [word for word, weight in self.lexicon.weights.items() if weight >= _LOUD_WEIGHT]
        self._shouting = ShoutingDetector({*DEFAULT_ACRONYMS, *acronyms}, loud_words=loud)
        self._punctuation = PunctuationDetector()
        # the built-in pair is run behind one screen (see _detector_hits)
        self._builtin_detectors = (self._shouting, self._punctuation)
        self.detectors: tuple[Detector, ...] = (
            self._builtin_detectors if detectors is None else tuple(detectors)
        )
        self.weights = weights or ScoringWeights()
        self.max_chars = max_chars

    def assess(self, text: str | bytes) -> Assessment:
        """Rate one customer message; see :func:`deescalate.assessment`."""
        if isinstance(text, str) and text.isascii():
            original = text  # plain ASCII is its own decoding: no call for the commonest text
        elif isinstance(text, _TEXT_TYPES):
            original = decode_text(bytes(text) if isinstance(text, bytearray) else text)
        else:
            raise InputError(f"assess() takes text (str or bytes), not {type(text).__name__}")
        prepared = prepared_if_changed(original)  # None for most messages: plain text
        body = original if prepared is None else prepared.text
        notes: list[str] = []
        if len(body) > self.max_chars:
            notes.append(f"assessed the first {self.max_chars} of {len(body)} characters")
            body = body[: self.max_chars]
        if not body or body.isspace():
            return Assessment(Stage.CALM, 0.0, language=None, assessed_chars=0, notes=tuple(notes))
        lower = body.lower()
        # letters repeated three times and more ("soooo") count as two
        words = text_words(
            _ELONGATION.sub(r"\1\1", lower) if _TRIPLE_LETTER.search(lower) else lower
        )
        word_set = set(words)
        language = _language_of(body, words, word_set)
        if language is not None and language not in self.pack.languages:
            notes.append(f"language {language!r} is not covered by the loaded packs")
            return Assessment(
                Stage.CALM,
                0.0,
                language=language,
                language_supported=False,
                assessed_chars=len(body),
                notes=tuple(notes),
            )
        hits, negated = self._rule_hits(body, lower, word_set)
        hits.extend(self._detector_hits(body))
        if hits:
            hits = _in_context(body, hits, word_set, self.pack.sarcastic_after_complaint)
        # The lexicon adds what the rules miss: words inside rule evidence are not counted twice,
        # and words a negation vetoed ("not angry at all") are not counted at all.
        counted = word_set
        if hits or negated:
            evidence = [lower[start:end] for _, start, end, _, _ in hits]
            evidence.extend(lower[start:end] for start, end in negated)
            counted = word_set.difference(text_words(" ".join(evidence)))
        if language is None or language == "en":
            lexicon_total, known = self.lexicon.total(counted)
        else:  # the lexicon is English: "con" and "me" are Spanish words here
            lexicon_total, known = 0.0, set()
        score = _score(self._combine(hits, lexicon_total))
        wants_handoff = any(code == _HANDOFF for code, _, _, _, _ in hits)
        if len(hits) > SIGNALS_PER_CODE:
            hits = _first_of_each_code(hits, notes)
        signals = _signals(original, prepared, hits) if hits else ()
        return Assessment(
            stage=_stage_of(score),
            score=score,
            signals=signals,
            # a tuple: a set of the same words takes about twice the memory, kept per result
            cue_source=functools.partial(self._cues, original, prepared, tuple(known)),
            wants_handoff=wants_handoff,
            language=language,
            assessed_chars=len(body),
            notes=tuple(notes),
        )

    def assess_many(self, texts: Iterable[str | bytes]) -> Iterator[Assessment]:
        """Rate many messages lazily, in order."""
        for text in texts:
            yield self.assess(text)

    def _detector_hits(self, body: str) -> list[Hit]:
        if self.detectors is not self._builtin_detectors:
            hits: list[Hit] = []
            for detector in self.detectors:
                hits.extend(detector(body))
            return hits
        capitals, marks = loudness_screen(body)  # one pass for both built-in detectors
        hits = self._shouting.unscreened(body) if capitals else []
        if marks:
            hits.extend(self._punctuation.unscreened(body))
        return hits

    def _rule_hits(
        self, body: str, lower: str, words: set[str]
    ) -> tuple[list[Hit], list[tuple[int, int]]]:
        """The accepted hits, and the spans of hits vetoed by negation ("not angry")."""
        quotes = SpanCover.of(quoted_spans(body))
        hits: list[Hit] = []
        negated: list[tuple[int, int]] = []
        present = self.pack.when_chars_in(body)
        for matcher in self.pack.candidates(words, present):
            rule = matcher.rule
            if matcher.phrase is not None:
                spans: Iterable[tuple[int, int]] = find_all(matcher.phrase, body, lower)
            elif matcher.pattern is not None and matcher.worth_trying(present):
                spans = (m.span() for m in matcher.pattern.finditer(body) if m.end() > m.start())
            else:
                continue
            conditional = rule.conditional
            for start, end in spans:
                if quotes and not rule.in_quotes and quotes.covers(start, end):
                    continue  # reported words, not the writer's own
                verdict = _verdict(rule, body, start, end) if conditional else _Verdict.ACCEPTED
                if verdict is _Verdict.ACCEPTED and (
                    matcher.sentence or matcher.vetoes is not None
                ):
                    if matcher.sentence and _covered(hits, rule.signal, start, end):
                        continue  # would merge into a hit of its signal found already
                    joined = _in_its_sentence(matcher, body, lower, words, start, end)
                    if joined is None:
                        continue
                    start, end = joined
                if verdict is _Verdict.ACCEPTED:
                    hits.append((rule.signal, start, end, rule.weight, rule.id))
                elif verdict is _Verdict.NEGATED:
                    negated.append((start, end))
        return _merge_overlapping(hits), negated

    def _combine(self, hits: list[Hit], lexicon_total: float) -> float:
        w = self.weights
        strongest, repeats, relief = _tally(hits)
        if len(strongest) - (_SHOUTING in strongest) > 1:
            # two signals may read the same words: then only the stronger counts
            scored = _one_reading_per_word(hits)
            if scored is not hits:
                strongest, repeats, relief = _tally(scored)
        evidence = 0.0
        lexical = (self.lexicon.intercept + lexicon_total) * w.lexicon_scale
        if strongest:
            decay = w.decay
            for rank, value in enumerate(sorted(strongest.values(), reverse=True)):
                evidence += value * (decay[rank] if rank < len(decay) else decay[-1])
            if _SHOUTING in strongest and (
                len(strongest) > 1 or (lexical > w.loud_lexicon and not relief)
            ):
                evidence += w.loud_complaint
            # each hit beyond the first of its signal adds a little, up to a cap
            evidence += min(w.repeat_bonus_cap, w.repeat_bonus * repeats)
            floor = max(w.lexicon_floor, w.lexicon_floor_with_evidence)
            lexical = max(floor, min(w.lexicon_cap, lexical))
        else:
            lexical = max(
                w.lexicon_floor, min(w.lexicon_alone_cap, lexical * w.lexicon_alone_scale)
            )
        combined = evidence + lexical + w.bias
        return combined + relief

    def _cues(
        self, original: str, prepared: PreparedText | None, known: tuple[str, ...]
    ) -> tuple[Cue, ...]:
        body = original if prepared is None else prepared.text
        lower = body[: self.max_chars].lower()  # as assess saw it: not kept per result
        w = self.weights
        weights = self.lexicon.weights
        strong = [(word, weights[word]) for word in known if abs(weights[word]) >= w.cue_threshold]
        strong.sort(key=lambda item: (-abs(item[1]), item[0]))  # ties by word: same every run
        cues: list[Cue] = []
        for word, value in strong[: w.max_cues]:
            start = find_word(lower, word)
            if start < 0:
                continue
            o_start, o_end = start, start + len(word)
            if prepared is not None:
                o_start, o_end = prepared.span_in_original(o_start, o_end)
            cues.append(Cue(o_start, o_end, original[o_start:o_end], value))
        cues.sort(key=lambda cue: cue.start)
        return tuple(cues)


# A message keeps at most this many signals of one code, the first in the text. The score has
# counted them all already (beyond three of a code they add nothing), and a message of 100,000
# emoji would otherwise carry 100,000 signals, tens of MB, into every result and JSON line.
SIGNALS_PER_CODE = 20


def _first_of_each_code(hits: list[Hit], notes: list[str]) -> list[Hit]:
    """At most :data:`SIGNALS_PER_CODE` hits of each code, the first in the text; notes the rest."""
    counts = Counter(code for code, _, _, _, _ in hits)
    if max(counts.values()) <= SIGNALS_PER_CODE:
        return hits
    kept: list[Hit] = []
    taken: Counter[str] = Counter()
    for hit in sorted(hits, key=_start_of):
        code, _, _, _, _ = hit
        if taken[code] < SIGNALS_PER_CODE:
            taken[code] += 1
            kept.append(hit)
    for code, count in sorted(counts.items()):
        if count > SIGNALS_PER_CODE:
            notes.append(f"kept the first {SIGNALS_PER_CODE} of {count} {code!r} signals")
    return kept


def _tally(hits: list[Hit]) -> tuple[dict[str, float], int, float]:
    """The strongest weight of each escalating signal, the escalating hits beyond the first of
    their signal, and the strongest relief (the most negative weight, or 0)."""
    strongest: dict[str, float] = {}
    codes: set[str] = set()
    escalating = 0
    relief = 0.0
    for code, _, _, weight, _ in hits:
        if weight < 0:
            if weight < relief:
                relief = weight
            continue
        escalating += 1
        codes.add(code)
        if weight > strongest.get(code, 0.0):
            strongest[code] = weight
    return strongest, escalating - len(codes), relief


def _one_reading_per_word(hits: list[Hit]) -> list[Hit]:
    """The hits to score, where two signals read the same words only the stronger counts.

    "Disgraceful" is blame and a stated verdict, "#unreliable" a hashtag feeling and a judgement:
    one piece of evidence, scored once. Two spans are the same words when the shorter covers most
    of the longer. Shouting is how something is said, not what: it is never set against the rest.
    """
    # After _merge_overlapping only hits of different signals overlap, and the rules' hits come
    # in text order: one pass finds whether any overlap, and most texts have none.
    reach = previous = -1
    for code, start, end, weight, _ in hits:
        if weight <= 0 or code == _SHOUTING:
            continue
        if start < reach or start < previous:
            break  # an overlap, or hits out of order (a team's own detectors): look closer
        previous, reach = start, max(reach, end)
    else:
        return hits
    scored = [hit for hit in hits if hit[3] > 0 and hit[0] != _SHOUTING]
    ordered = sorted(scored, key=_weight_first)
    dropped: set[int] = set()
    for index, (code, start, end, _, _) in enumerate(ordered):
        for other in range(index):
            if other in dropped:
                continue
            kept_code, kept_start, kept_end, _, _ = ordered[other]
            if kept_code != code and _same_words(start, end, kept_start, kept_end):
                dropped.add(index)
                break
    if not dropped:
        return hits
    gone = {id(ordered[index]) for index in dropped}
    return [hit for hit in hits if id(hit) not in gone]


def _weight_first(hit: Hit) -> float:
    return -hit[3]


def _same_words(start: int, end: int, other_start: int, other_end: int) -> bool:
    overlap = min(end, other_end) - max(start, other_start)
    return overlap > 0 and overlap >= _SAME_WORDS * max(end - start, other_end - other_start)


# The end of a sentence, as :func:`deescalate.text.split_sentences` mostly finds it: a mark
# before a space or the end, or a line break. A sentence rule looks this far each way for one,
# so a text of one endless sentence costs it no more than a long ordinary sentence.
_SENTENCE_BREAK = re.compile(r"[.!?…]+[\"')\]]*(?=\s|\Z)|\n")
_SENTENCE_REACH = 300


def _sentence_around(body: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence holding ``body[start:end]``, at most a reach each way."""
    first = max(0, start - _SENTENCE_REACH)
    for found in _SENTENCE_BREAK.finditer(body, first, start):
        first = found.end()
    after = _SENTENCE_BREAK.search(body, end, end + _SENTENCE_REACH)
    return first, after.end() if after is not None else min(len(body), end + _SENTENCE_REACH)


def _covered(hits: list[Hit], signal: str, start: int, end: int) -> bool:
    """True when a hit of ``signal`` already spans ``start`` to ``end``."""
    for code, hit_start, hit_end, _, _ in hits:
        if code == signal and hit_start <= start and end <= hit_end:
            return True
    return False


def _in_its_sentence(
    matcher: Matcher,
    body: str,
    lower: str,
    words: set[str],
    start: int,
    end: int,
) -> tuple[int, int] | None:
    """The span from a sentence rule's phrase to its companion, or None when the sentence
    holds no companion (and is no question the rule accepts) or holds one of its vetoes.

    A rule of another kind with vetoes (``unless_with``) keeps its span unless one is there.
    """
    # a phrase whose words are not all in the text cannot be in the sentence: most are not,
    # and the sentence is found only when one could be
    vetoes = matcher.vetoes.possible(words) if matcher.vetoes is not None else []
    if not matcher.sentence and not vetoes:
        return start, end
    companions = matcher.companions.possible(words) if matcher.companions is not None else []
    question = matcher.question and "?" in body
    if matcher.sentence and not companions and not question:
        return None
    first, last = _sentence_around(body, start, end)
    text, folded = body[first:last], lower[first:last]
    for veto in vetoes:
        if find_all(veto, text, folded):
            return None
    if not matcher.sentence:
        return start, end
    for companion in companions:
        found = find_all(companion, text, folded)
        if found:
            cue_start, cue_end = found[0]
            return min(start, first + cue_start), max(end, first + cue_end)
    if question and "?" in text:
        return start, end
    return None


def _merge_overlapping(hits: list[Hit]) -> list[Hit]:
    """Merge overlapping hits of one signal into one piece of evidence.

    "been on hold" and "on hold for an hour" are one wait; "I am furious" and "furious" are one
    statement of anger. The merged hit spans both and keeps the stronger rule and weight.
    """
    if len(hits) < 2:
        return hits
    hits.sort(key=_start_then_longest)
    kept: list[Hit] = []
    last_of_code: dict[str, int] = {}
    for hit in hits:
        code, start, end, weight, rule = hit
        index = last_of_code.get(code)
        if index is not None:
            _, kept_start, kept_end, kept_weight, kept_rule = kept[index]
            if start < kept_end:
                if abs(weight) > abs(kept_weight):
                    kept_weight, kept_rule = weight, rule
                kept[index] = (code, kept_start, max(kept_end, end), kept_weight, kept_rule)
                continue
        last_of_code[code] = len(kept)
        kept.append(hit)
    return kept


def _start_of(hit: Hit) -> int:
    _, start, _, _, _ = hit
    return start


def _start_then_longest(hit: Hit) -> tuple[int, int]:
    _, start, end, _, _ = hit
    return start, -end


class _Verdict(enum.Enum):
    ACCEPTED = "accepted"
    NEGATED = "negated"
    VETOED = "vetoed"


def _verdict(rule: CompiledRule, body: str, start: int, end: int) -> _Verdict:
    """What the words around a match of a conditional rule make of it."""
    before = body[max(0, start - 40) : start]
    # A hashtag stands on its own ("not my address #fuming"): words before it do not negate it.
    if rule.negatable and body[start - 1 : start] != "#" and _negated(before):
        return _Verdict.NEGATED
    if rule.unless_before is not None and rule.unless_before.search(before):
        return _Verdict.VETOED
    if rule.unless_after is not None and rule.unless_after.search(body[end : end + 40]):
        return _Verdict.VETOED
    return _Verdict.ACCEPTED


def _negated(before: str) -> bool:
    lower = before.lower()
    if _NEGATORS.isdisjoint(_WORD_RUN.findall(lower)[-_NEGATION_REACH:]):
        return False  # no negator near enough: most texts, without the slow search below
    breaks = list(_CLAUSE_BREAK.finditer(lower))
    if breaks:
        lower = lower[breaks[-1].end() :]
    if _NEGATION_BEFORE.search(lower) is None or _NEVER_SO.search(lower) is not None:
        return False
    return _RHETORICAL_QUESTION.match(lower) is None


def _in_context(
    body: str,
    hits: list[Hit],
    words: set[str],
    sarcastic_after_complaint: frozenset[str] = frozenset(),
) -> list[Hit]:
    """Hits reweighed by the words around them: sarcasm, intensifiers, other people's feelings.

    Each pass changes ``hits`` in place and returns it. ``sarcastic_after_complaint`` holds the
    ids of the rules whose thanks are sarcasm right after a complaint (see :func:`_mark_sarcasm`).
    """
    hits = _intensify(body, _mark_sarcasm(body, hits, sarcastic_after_complaint))
    if _SOMEONE_ELSE_WORDS.isdisjoint(words):
        return hits  # nobody else is named anywhere: most texts
    return _third_person(body, hits)


_INTENSIFIER = re.compile(
    r"\b(?:so|really|very|extremely|absolutely|totally|utterly|completely|beyond|incredibly|"
    r"seriously|truly|fucking|fuckin|freaking|bloody|damn|super|beyond)\W+$",
    re.IGNORECASE,
)
_INTENSIFIABLE = ("expresses-", "profanity")


# "a bit annoying", "slightly disappointed": the writer plays the feeling down.
_SOFTENER = re.compile(
    r"\b(?:a\s+(?:bit|little|tad)|a\s+little\s+bit|slightly|somewhat|kind\s+of|kinda|sort\s+of"
    r"|mildly)\W+$",
    re.IGNORECASE,
)
_SOFTENED = 0.9  # a softened feeling weighs at most this: mild, frustrated alone


def _intensify(body: str, hits: list[Hit]) -> list[Hit]:
    """A stated emotion after an intensifier ("so angry", "really disappointed") weighs more,
    and after a softener ("a bit annoying", "slightly disappointed") less."""
    for index, (code, start, end, weight, rule) in enumerate(hits):
        if not code.startswith(_INTENSIFIABLE):
            continue
        if _INTENSIFIER.search(body, max(0, start - 16), start):
            hits[index] = (code, start, end, weight + 0.5, rule + "+intensifier")
        elif weight > 0 and _SOFTENER.search(body, max(0, start - 16), start):
            hits[index] = (code, start, end, min(weight, _SOFTENED), rule + "+softener")
    return hits


# Someone other than the writer: "my friend", "a driver", "the guy in the queue" as well as "he".
_PEOPLE = (
    "friend son daughter wife husband partner mum mom dad mother father brother sister kid child "
    "children baby boss neighbour neighbor colleague boyfriend girlfriend family guy dude man "
    "woman lady girl boy driver passenger person stranger customer"
).split()
_SOMEONE_ELSE = rf"(?:my|our|a|an|the|this|that|his|her|their)\s+(?:{'|'.join(_PEOPLE)})s?"
_THIRD_PERSON = re.compile(
    r"\b(?:he|she|they|his|her|their|him|them|people|everyone|everybody|someone|somebody|fans"
    rf"|{_SOMEONE_ELSE})\b"
)
# The words one of which every match of _THIRD_PERSON holds: a text without any skips the pass.
_SOMEONE_ELSE_WORDS = frozenset(
    "he she they his her their him them people everyone everybody someone somebody fans".split()
    + _PEOPLE
    + [word + "s" for word in _PEOPLE]
)
# A judgement's target: the company is often "they", so only a named someone else counts.
_OTHER_TARGET = re.compile(rf"\b(?:he|she|his|her|him|{_SOMEONE_ELSE})\b")
_SOMEONE_ELSES = re.compile(rf"\b{_SOMEONE_ELSE}\b")
_FIRST_PERSON = re.compile(r"\b(?:i|i['’]m|im|i['’]ve|me|my|mine|we|us|our)\b")
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|you['’]re|youre|u|ur|y['’]all|yall)\b")
_THIRD_PERSON_FACTOR = 0.5
_JUDGEMENT = "blame"


def _third_person(body: str, hits: list[Hit]) -> list[Hit]:
    """Someone else's feelings ("he was furious") are weaker evidence than the writer's own.

    A stated emotion whose clause names a third person and no first person weighs half ("my
    friend was livid" names a third person: the "my" is not the writer's feeling). A judgement
    ("incompetent") whose clause names someone else ("a driver who is", "he was") and not the
    company ("you", "your") weighs half too.
    """
    for index, (code, start, end, weight, rule) in enumerate(hits):
        # Emoji are the writer's own face, whoever the clause names.
        if weight <= 0 or not body[start].isalpha():
            continue
        feeling = code.startswith("expresses-")
        if not feeling and code != _JUDGEMENT:
            continue
        clause = body[max(0, start - 40) : start].lower()
        someone = _THIRD_PERSON if feeling else _OTHER_TARGET
        if not someone.search(clause):
            continue  # the clause ends this window: no third person in it either
        breaks = list(_CLAUSE_BREAK.finditer(clause))
        if breaks:
            clause = clause[breaks[-1].end() :]
        if not someone.search(clause):
            continue
        if feeling:
            writer = _FIRST_PERSON.search(_SOMEONE_ELSES.sub(" ", clause))
        else:
            writer = _SECOND_PERSON.search(clause)
        if not writer:
            hits[index] = (code, start, end, weight * _THIRD_PERSON_FACTOR, rule + "+third-person")
    return hits


def _mark_sarcasm(
    body: str, hits: list[Hit], after_complaint: frozenset[str] = frozenset()
) -> list[Hit]:
    """Praise in the same sentence as complaint evidence is sarcasm, not gratitude.

    So is a thanks of a rule in ``after_complaint`` ("thanks a bunch", "cheers for that") in the
    sentence right after one with complaint evidence ("Still no refund. Thanks a bunch."), unless
    that sentence also holds gratitude of another rule ("Thanks a lot, all sorted now").
    """
    praise = [start for code, start, _, _, _ in hits if code == _DE_ESCALATING]
    if not praise:
        return hits
    complaints = [start for code, start, _, weight, _ in hits if weight > 0 and code != "shouting"]
    if not complaints:
        return hits
    # one pass over the text between the first and the last of these hits, not a split of it all
    positions = sorted({*praise, *complaints})
    number_of = dict(zip(positions, sentence_numbers(body, positions), strict=True))
    complained = {number_of[start] for start in complaints}
    # strong gratitude of other rules ("all sorted now", "thanks for fixing it") is sincere
    sincere = {
        number_of[start]
        for code, start, _, weight, rule in hits
        if code == _DE_ESCALATING and rule not in after_complaint and weight <= _SINCERE_WEIGHT
    }
    sarcastic = complained | {
        number_of[start]
        for code, start, _, _, rule in hits
        if code == _DE_ESCALATING
        and rule in after_complaint
        and number_of[start] - 1 in complained
        and number_of[start] not in sincere
    }
    for index, (code, start, end, _, rule) in enumerate(hits):
        if code == _DE_ESCALATING and number_of[start] in sarcastic:
            hits[index] = ("sarcasm", start, end, _SARCASM_WEIGHT, rule + "+complaint")
    return hits


_NON_LATIN_LETTERS = re.compile(r"[^\W\d_\u0000-\u024f]")


def _language_of(body: str, words: list[str], word_set: set[str]) -> str | None:
    if body.isascii():
        return detect_language(len(words), word_set)
    sample = body[:2000]
    # Chinese, Arabic, Cyrillic...: a few such letters outnumbering the Latin ones decide it
    foreign = len(_NON_LATIN_LETTERS.findall(sample))
    if foreign >= 2 and foreign > len("".join(words)):
        return "und"
    language = detect_language(len(words), word_set)
    return language_by_letters(sample) if language is None else language


def _score(raw: float) -> float:
    """Map raw evidence (stage units) to ``[0, 1]``, strictly increasing, a fifth per stage.

    Below one stage unit the score approaches 0 smoothly instead of clipping, and above four it
    approaches 1, so texts within the calm or irate band still rank by their evidence.
    """
    if math.isnan(raw):
        return 0.0
    if raw < 1.0:
        return 0.2 * math.exp(raw - 1.0)
    if raw < _STAGE_COUNT - 1:
        return raw / _STAGE_COUNT
    return 1.0 - 0.2 * math.exp(-(raw - (_STAGE_COUNT - 1)))


def _stage_of(score: float) -> Stage:
    return Stage.from_rank(int(score * _STAGE_COUNT))


def _signals(original: str, prepared: PreparedText | None, hits: list[Hit]) -> tuple[Signal, ...]:
    """The hits as signals with spans in ``original`` (``prepared`` is None for plain text)."""
    signals: dict[tuple[str, int, int], Signal] = {}
    for code, start, end, weight, rule in hits:
        if prepared is not None:
            start, end = prepared.span_in_original(start, end)
        key = (code, start, end)
        existing = signals.get(key)
        if existing is None or abs(weight) > abs(existing.weight):
            signals[key] = Signal(code, start, end, original[start:end], weight, rule)
    return tuple(sorted(signals.values(), key=_position))


def _position(signal: Signal) -> tuple[int, int, str]:
    return signal.start, signal.end, signal.code


@once
def default_assessor() -> Assessor:
    """The assessor with the built-in packs, built once on first use."""
    return Assessor()


def assess(text: str | bytes) -> Assessment:
    """Rate one customer message on the escalation scale, with the evidence.

    Quoted earlier messages, signatures and HTML markup are set aside, but every span points into
    ``text`` as given. Bytes are decoded as UTF-8, falling back to Windows-1252. Empty text is
    ``calm`` with no evidence; text in a language the packs do not cover says so
    (``language_supported`` is false) instead of guessing.
    """
    return default_assessor().assess(text)


def assess_many(texts: Iterable[str | bytes]) -> Iterator[Assessment]:
    """Rate many customer messages lazily with the default assessor."""
    return default_assessor().assess_many(texts)
