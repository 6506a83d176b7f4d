"""Signal rule packs: YAML files validated into typed rules, then compiled into matchers.

A pack is data a support team can write without code::

    pack: acme-extra
    language: en
    rules:
      - id: acme-outage-again
        kind: phrases
        signal: repeat-contact
        weight: 1.2
        phrases: ["down again", "another outage"]

Rule kinds form a discriminated union on ``kind``:

``phrases``
    Literal phrases, matched case-insensitively at word boundaries with flexible whitespace and
    apostrophes. Inside a phrase, ``a|b`` is a choice of words, ``word?`` an optional word,
    ``(thank you|thanks)`` a choice of word sequences, ``{n}`` a number ("45", "two", "a couple
    of") or a range of two ("3-4", "four or five"), ``{w}`` any one word, ``{w:0-2}`` zero to two words, and ``stem*`` a word starting with
    ``stem`` (not as the first word).
``pattern``
    A regular expression with the words that must appear before it is tried (``triggers``;
    ``["*"]`` tries it on every text, and ``when_chars`` then limits it to texts containing one of
    those characters, such as the emoji it looks for).
``sentence``
    Phrases (as in ``phrases``) that count only in a sentence that also holds one of the
    ``with_any`` phrases (or, with ``question: true``, that ends in a question mark), and none
    of the ``unless_with`` phrases: a role ("a supervisor", "the head of billing") in a sentence
    that asks or demands ("can I", "put me through", "I want").

Every rule may name phrases that veto a match in the same sentence (``unless_with``). Every rule
names its ``signal`` (taxonomy.md section 2, or a team's own code) and a ``weight`` in
stage units (1.0 is about one stage up the scale; negative weights de-escalate). A ``gratitude``
rule with ``sarcastic_after_complaint`` reads its thanks as sarcasm when the sentence before holds
a complaint ("Charged me twice. Thanks a lot."); any thanks in the same sentence as a complaint
already is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from deescalate.errors import RulePackError
from deescalate.once import once
from deescalate.packfiles import check_phrases, shipped_files, validate_pack_file
from deescalate.phrases import (
    CompiledPhrase,
    compile_phrase,
    indexed_candidates,
    phrase_alternatives,
    word_list_regex,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = [
    "CompiledPack",
    "CompiledRule",
    "Matcher",
    "PhraseSet",
    "builtin_pack_paths",
    "compile_packs",
    "load_pack",
]

TRIGGER_ALWAYS = "*"


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One rule ready to run: what a match means and the conditions that veto it."""

    id: str
    signal: str
    weight: float
    negatable: bool
    in_quotes: bool
    unless_before: re.Pattern[str] | None
    unless_after: re.Pattern[str] | None
    source: str
    sarcastic_after_complaint: bool = False

    @property
    def conditional(self) -> bool:
        """True when the words around a match can negate or veto it."""
        return self.negatable or self.unless_before is not None or self.unless_after is not None


@dataclass(frozen=True, slots=True)
class PhraseSet:
    """A sentence rule's companions or a rule's vetoes, indexed like the pack's own phrases."""

    phrases: tuple[CompiledPhrase, ...]
    by_trigger: dict[str, tuple[int, ...]]
    trigger_words: frozenset[str]
    others: tuple[tuple[frozenset[str], ...], ...]

    @classmethod
    def of(cls, phrases: Iterable[str]) -> PhraseSet | None:
        """``phrases`` compiled and indexed; None when there are none."""
        compiled = [
            compile_phrase(alternative)
            for phrase in phrases
            for alternative in phrase_alternatives(phrase)
        ]
        if not compiled:
            return None
        by_trigger: dict[str, list[int]] = {}
        for index, phrase in enumerate(compiled):
            for word in phrase.trigger:
                by_trigger.setdefault(word, []).append(index)
        return cls(
            tuple(compiled),
            {word: tuple(indexes) for word, indexes in by_trigger.items()},
            frozenset(by_trigger),
            tuple(phrase.others for phrase in compiled),
        )

    def possible(self, words: set[str]) -> list[CompiledPhrase]:
        """The phrases whose required words all occur in ``words`` (a text's words), in order."""
        triggered = self.trigger_words.intersection(words)
        if not triggered:
            return []
        found = indexed_candidates(triggered, self.by_trigger, self.others, words, [])
        return [self.phrases[index] for index in found]


@dataclass(frozen=True, slots=True)
class Matcher:
    """One phrase, or the pattern, of a rule."""

    rule: CompiledRule
    phrase: CompiledPhrase | None
    pattern: re.Pattern[str] | None = None
    when_chars: frozenset[str] = frozenset()
    # the expressions a pattern rule was written with, which ``pattern`` joins
    regexes: tuple[str, ...] = ()
    # a ``sentence`` rule's phrase: its sentence must hold one of ``companions`` (or be a
    # question, with ``question``); for every rule, its sentence must hold none of ``vetoes``
    sentence: bool = False
    companions: PhraseSet | None = None
    vetoes: PhraseSet | None = None
    question: bool = False

    def worth_trying(self, present: frozenset[str]) -> bool:
        """A pattern with ``when_chars`` runs only when one of those characters is present.

        ``present`` is :meth:`CompiledPack.when_chars_in` of the text.
        """
        return not self.when_chars or not self.when_chars.isdisjoint(present)


@dataclass(frozen=True, slots=True)
class CompiledPack:
    """All rules of one or more packs, indexed by the rarest word each phrase needs."""

    rules: tuple[CompiledRule, ...]
    matchers: tuple[Matcher, ...]
    by_trigger: dict[str, tuple[int, ...]]
    trigger_words: frozenset[str]
    always: tuple[int, ...]
    languages: frozenset[str]
    when_pattern: re.Pattern[str] | None = None
    # the ids of the rules whose thanks are sarcasm right after a complaint
    sarcastic_after_complaint: frozenset[str] = frozenset()
    # per matcher, the required word positions besides its trigger (see candidates)
    others: tuple[tuple[frozenset[str], ...], ...] = ()
    # the ``always`` matchers that have no ``when_chars``, and the ASCII ``when_chars`` of all
    ungated: tuple[int, ...] = ()
    ascii_when_chars: str = ""

    def when_chars_in(self, text: str) -> frozenset[str]:
        """Which of the patterns' ``when_chars`` occur in ``text``, found in one search."""
        if self.when_pattern is None:
            return frozenset()
        if text.isascii():  # most texts: only the ASCII characters can be there
            return frozenset(c for c in self.ascii_when_chars if c in text)
        return frozenset(self.when_pattern.findall(text))

    def candidates(self, words: set[str], present: frozenset[str] = frozenset()) -> list[Matcher]:
        """The matchers whose required words all occur in ``words`` (lower-case tokens).

        ``present`` is :meth:`when_chars_in` of the text: while it is empty, the ``always``
        matchers gated by ``when_chars`` are left out (the caller still asks
        :meth:`Matcher.worth_trying` of each pattern).
        """
        found = indexed_candidates(
            self.trigger_words.intersection(words),
            self.by_trigger,
            self.others,
            words,
            list(self.always if present else self.ungated),
        )
        return list(map(self.matchers.__getitem__, found))  # no comprehension frame: hot path


def _char_class(chars: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted(set(chars))
    return re.compile("[" + "".join(re.escape(c) for c in unique) + "]") if unique else None


def builtin_pack_paths() -> list[Path]:
    """The packs shipped with deescalate, in load order."""
    return shipped_files("deescalate.assessment", "packs")


@once
def _models() -> Any:
    """Build the pydantic models on first use, keeping pydantic out of ``import deescalate``."""
    from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

    class _RuleBase(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        id: Annotated[str, Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")]
        signal: Annotated[str, Field(min_length=1, pattern=r"^[a-z][a-z-]*$")]
        weight: Annotated[float, Field(ge=-5.0, le=5.0)]
        negatable: bool = False
        in_quotes: bool = False
        unless_before: list[str] = []
        unless_after: list[str] = []
        sarcastic_after_complaint: bool = False
        unless_with: list[str] = Field(default_factory=list)
        description: str = ""

        @field_validator("unless_with")
        @classmethod
        def _vetoes_compile(cls, phrases: list[str]) -> list[str]:
            check_phrases(phrases)
            return phrases

    class PhraseRule(_RuleBase):
        kind: Literal["phrases"]
        phrases: Annotated[list[str], Field(min_length=1)]

        @field_validator("phrases")
        @classmethod
        def _phrases_compile(cls, phrases: list[str]) -> list[str]:
            check_phrases(phrases)
            return phrases

    class PatternRule(_RuleBase):
        kind: Literal["pattern"]
        regex: Annotated[list[str], Field(min_length=1)]
        triggers: Annotated[list[str], Field(min_length=1)]
        when_chars: str = ""
        case_sensitive: bool = False

        @field_validator("regex", mode="before")
        @classmethod
        def _one_or_many(cls, value: object) -> object:
            return [value] if isinstance(value, str) else value

        @field_validator("regex")
        @classmethod
        def _regex_compiles(cls, patterns: list[str]) -> list[str]:
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
            return patterns

    class SentenceRule(_RuleBase):
        kind: Literal["sentence"]
        phrases: Annotated[list[str], Field(min_length=1)]
        question: bool = False
        # checked even when absent: without it, a sentence rule needs ``question``
        with_any: list[str] = Field(default_factory=list, validate_default=True)

        @field_validator("phrases", "with_any")
        @classmethod
        def _phrases_compile(cls, phrases: list[str], info: ValidationInfo) -> list[str]:
            if info.field_name == "with_any" and not phrases and not info.data.get("question"):
                raise ValueError("a sentence rule needs with_any phrases or question: true")
            check_phrases(phrases)
            return phrases

    class Pack(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        pack: Annotated[str, Field(min_length=1)]
        language: Annotated[str, Field(min_length=2, max_length=8)] = "en"
        description: str = ""
        rules: list[Annotated[PhraseRule | PatternRule | SentenceRule, Field(discriminator="kind")]]

    return (Pack, PhraseRule, PatternRule, SentenceRule)


def load_pack(path: str | Path) -> BaseModel:
    """Read and validate one pack file; errors name the file, the rule and the key."""
    return validate_pack_file(path, _models()[0], tags=("phrases", "pattern", "sentence"))


def compile_packs(paths: Sequence[str | Path]) -> CompiledPack:
    """Load, validate and index the packs at ``paths``; later packs may add to earlier ones."""
    _, phrase_model, _, sentence_model = _models()
    rules: list[CompiledRule] = []
    matchers: list[Matcher] = []
    by_trigger: dict[str, list[int]] = {}
    always: list[int] = []
    languages: set[str] = set()
    seen_ids: dict[str, str] = {}

    def add(matcher: Matcher, triggers: Iterable[str]) -> None:
        matchers.append(matcher)
        for trigger in triggers:
            by_trigger.setdefault(trigger, []).append(len(matchers) - 1)

    for path in paths:
        pack = load_pack(path)
        languages.add(pack.language)  # type: ignore[attr-defined]
        for rule in pack.rules:  # type: ignore[attr-defined]
            if rule.id in seen_ids:
                raise RulePackError(
                    f"duplicate rule id, already defined in {seen_ids[rule.id]}",
                    path=str(path),
                    rule=rule.id,
                    key="id",
                )
            seen_ids[rule.id] = str(path)
            compiled = CompiledRule(
                id=rule.id,
                signal=rule.signal,
                weight=rule.weight,
                negatable=rule.negatable,
                in_quotes=rule.in_quotes,
                unless_before=word_list_regex(rule.unless_before, before=True),
                unless_after=word_list_regex(rule.unless_after, before=False),
                source=str(path),
                sarcastic_after_complaint=rule.sarcastic_after_complaint,
            )
            rules.append(compiled)
            vetoes = PhraseSet.of(rule.unless_with)
            if isinstance(rule, phrase_model):
                for phrase in rule.phrases:
                    for alternative in phrase_alternatives(phrase):
                        compiled_phrase = compile_phrase(alternative)
                        matcher = Matcher(compiled, compiled_phrase, vetoes=vetoes)
                        add(matcher, compiled_phrase.trigger)
            elif isinstance(rule, sentence_model):
                companions = PhraseSet.of(rule.with_any)
                for phrase in rule.phrases:
                    for alternative in phrase_alternatives(phrase):
                        compiled_phrase = compile_phrase(alternative)
                        matcher = Matcher(
                            compiled,
                            compiled_phrase,
                            sentence=True,
                            companions=companions,
                            vetoes=vetoes,
                            question=rule.question,
                        )
                        add(matcher, compiled_phrase.trigger)
            else:
                flags = 0 if rule.case_sensitive else re.IGNORECASE
                regex = re.compile("|".join(f"(?:{p})" for p in rule.regex), flags)
                triggers = [t.lower() for t in rule.triggers]
                if TRIGGER_ALWAYS in triggers:
                    always.append(len(matchers))
                    triggers = []
                matcher = Matcher(
                    compiled,
                    None,
                    regex,
                    frozenset(rule.when_chars),
                    tuple(rule.regex),
                    vetoes=vetoes,
                )
                add(matcher, triggers)
    return CompiledPack(
        rules=tuple(rules),
        matchers=tuple(matchers),
        by_trigger={word: tuple(ids) for word, ids in by_trigger.items()},
        trigger_words=frozenset(by_trigger),
        always=tuple(always),
        languages=frozenset(languages),
        sarcastic_after_complaint=frozenset(r.id for r in rules if r.sarcastic_after_complaint),
        when_pattern=_char_class(c for m in matchers for c in m.when_chars),
        others=tuple(() if m.phrase is None else m.phrase.others for m in matchers),
        ungated=tuple(i for i in always if not matchers[i].when_chars),
        ascii_when_chars="".join(
            sorted({c for m in matchers for c in m.when_chars if c.isascii()})
        ),
    )
