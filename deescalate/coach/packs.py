"""Reply-coach rule packs: YAML validated into typed rules, in the style of vale's checks.

Rule kinds (a discriminated union on ``kind``):

``existence``
    Flag any of ``phrases`` (the phrase language of :mod:`deescalate.phrases`).
``substitution``
    Flag each key of ``swap`` and suggest its value instead.
``code``
    A rule implemented in Python (absence rules, shouting); the pack holds its code, severity,
    message and suggestion so every rule is documented and configured the same way.

Phrase rules take ``unless_before`` and ``unless_after`` (words that excuse a match just before or
after it, one word apart at most), ``unless_next`` (words that excuse a match only as the very next
word: "you should have" is blame before "read the terms", not before "received an email" or "the
refund by Friday"), ``in_quotes`` (flag quoted words too, except where the draft quotes the
customer) and ``unless_shows`` (playbook step evidence, such as ``next-step``, that excuses a
match anywhere in the draft: "I don't know" is fine when the draft says what happens next).

Several entries may share a rule ``name`` (an existence list and a substitution table for the same
behaviour); switching a rule off by name switches off all of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from deescalate.coach.finding import Severity
from deescalate.errors import RulePackError
from deescalate.once import once
from deescalate.packfiles import check_phrases, shipped_files, validate_pack_file
from deescalate.phrases import (
    WORD_BYTES,
    CompiledPhrase,
    compile_phrase,
    indexed_candidates,
    phrase_alternatives,
    word_list_regex,
)
from deescalate.steps import STEPS

__all__ = [
    "CODE_RULES",
    "CheckIndex",
    "CoachRule",
    "PhraseCheck",
    "RuleSet",
    "builtin_coach_pack_paths",
    "load_coach_pack",
    "load_rule_set",
]

# Rules whose logic lives in code; a pack entry of kind "code" must name one of these.
CODE_RULES = frozenset(
    {
        "shouting",
        "missing-apology",
        "missing-acknowledgement",
        "missing-restatement",
        "missing-next-step",
    }
)


@dataclass(frozen=True, slots=True)
class CoachRule:
    """A rule's identity and what it tells the agent."""

    name: str
    code: str
    severity: Severity
    message: str
    suggestion: str | None
    description: str
    kind: str
    examples: tuple[tuple[str, str], ...]
    source: str


@dataclass(frozen=True, slots=True)
class PhraseCheck:
    """One phrase of an existence or substitution rule, ready to run."""

    rule: CoachRule
    phrase: CompiledPhrase
    suggestion: str | None
    unless_before: Any
    unless_after: Any
    in_quotes: bool
    unless_shows: frozenset[str] = frozenset()
    unless_next: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every loaded rule by name, and the phrase checks in pack order (see :class:`CheckIndex`)."""

    rules: dict[str, CoachRule]
    checks: tuple[PhraseCheck, ...]


class CheckIndex:
    """The enabled checks of a rule set, looked up by the words of a text.

    Each check is indexed by its rarest required word; everything that does not depend on the
    text, the ``disabled`` rules included, is worked out here, once.
    """

    def __init__(self, rule_set: RuleSet, disabled: frozenset[str]) -> None:
        self._checks = rule_set.checks
        # per check, the required positions besides its trigger
        self._others = tuple(check.phrase.others for check in rule_set.checks)
        by_word: dict[str, list[int]] = {}
        for index, check in enumerate(rule_set.checks):
            if check.rule.name not in disabled:
                for word in check.phrase.trigger:
                    by_word.setdefault(word, []).append(index)
        self._by_word = {word: tuple(ids) for word, ids in by_word.items()}
        self._words = frozenset(by_word)
        # every word any enabled check requires: a text's other words never matter
        self._vocabulary = frozenset(
            word
            for ids in by_word.values()
            for index in ids
            for need in rule_set.checks[index].phrase.requirements
            for word in need
        )

    def candidates_in(self, lower: str) -> list[PhraseCheck]:
        """The enabled checks whose required words all occur in ``lower``, in pack order.

        ``lower`` is a lower-cased text. Only its words that some check requires are kept (far
        fewer than all its words), and tokenizing is inlined (see ``phrases.text_words``): this
        runs once per draft.
        """
        words = self._vocabulary.intersection(
            lower.encode("utf-8", "surrogatepass").translate(WORD_BYTES).decode("ascii").split()
        )
        triggered = self._words.intersection(words)
        if not triggered:
            return []
        found = indexed_candidates(triggered, self._by_word, self._others, words, [])
        return list(map(self._checks.__getitem__, found))  # no comprehension frame: hot path


def builtin_coach_pack_paths() -> list[Path]:
    """The reply-coach packs shipped with deescalate."""
    return shipped_files("deescalate.coach", "packs")


@once
def _models() -> Any:
    """Build the pydantic models on first use, keeping pydantic out of ``import deescalate``."""
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class _Base(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
        code: Annotated[str, Field(pattern=r"^[A-Z]{2}\d{3}$")]
        severity: Severity
        message: Annotated[str, Field(min_length=1)]
        suggestion: str | None = None
        description: str = ""
        examples: list[Annotated[list[str], Field(min_length=2, max_length=2)]] = Field(
            default_factory=list
        )

    class _PhraseOptions(_Base):
        unless_before: list[str] = Field(default_factory=list)
        unless_after: list[str] = Field(default_factory=list)
        unless_next: list[str] = Field(default_factory=list)
        in_quotes: bool = False
        unless_shows: list[str] = Field(default_factory=list)

        @field_validator("unless_shows")
        @classmethod
        def _known_steps(cls, names: list[str]) -> list[str]:
            unknown = sorted(set(names) - set(STEPS))
            if unknown:
                known = ", ".join(STEPS)
                raise ValueError(f"unknown step evidence {', '.join(unknown)} (known: {known})")
            return names

    class Existence(_PhraseOptions):
        kind: Literal["existence"]
        phrases: Annotated[list[str], Field(min_length=1)]

        @field_validator("phrases")
        @classmethod
        def _compiles(cls, phrases: list[str]) -> list[str]:
            check_phrases(phrases)
            return phrases

    class Substitution(_PhraseOptions):
        kind: Literal["substitution"]
        swap: Annotated[dict[str, str], Field(min_length=1)]

        @field_validator("swap")
        @classmethod
        def _compiles(cls, swap: dict[str, str]) -> dict[str, str]:
            check_phrases(swap)
            return swap

    class Code(_Base):
        kind: Literal["code"]

        @field_validator("name")
        @classmethod
        def _known(cls, name: str) -> str:
            if name not in CODE_RULES:
                known = ", ".join(sorted(CODE_RULES))
                raise ValueError(f"no code rule named {name!r} (code rules: {known})")
            return name

    class Pack(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        pack: Annotated[str, Field(min_length=1)]
        language: str = "en"
        description: str = ""
        rules: list[Annotated[Existence | Substitution | Code, Field(discriminator="kind")]]

    return Pack


def load_coach_pack(path: str | Path) -> Any:
    """Read and validate one reply-coach pack; errors name the file, the rule and the key."""
    return validate_pack_file(path, _models(), tags=("existence", "substitution", "code"))


def load_rule_set(paths: Sequence[str | Path]) -> RuleSet:
    """Load and index the packs at ``paths``."""
    rules: dict[str, CoachRule] = {}
    checks: list[PhraseCheck] = []
    for path in paths:
        pack = load_coach_pack(path)
        for entry in pack.rules:
            rule = CoachRule(
                name=entry.name,
                code=entry.code,
                severity=entry.severity,
                message=entry.message,
                suggestion=entry.suggestion,
                description=entry.description,
                kind=entry.kind,
                examples=tuple((bad, good) for bad, good in entry.examples),
                source=str(path),
            )
            known = rules.get(rule.name)
            if known is not None and known.code != rule.code:
                raise RulePackError(
                    f"rule already defined with code {known.code} in {known.source}",
                    path=str(path),
                    rule=rule.name,
                    key="code",
                )
            if known is None or (not known.examples and rule.examples):
                rules[rule.name] = rule
            if entry.kind == "code":
                continue
            swaps = (
                entry.swap.items()
                if entry.kind == "substitution"
                else ((p, None) for p in entry.phrases)
            )
            unless_before = word_list_regex(entry.unless_before, before=True)
            unless_after = word_list_regex(entry.unless_after, before=False)
            unless_next = _next_word_regex(entry.unless_next)
            for phrase, better in swaps:
                # one check per choice of a phrase that is one choice, each indexed by its own word
                for alternative in phrase_alternatives(phrase):
                    checks.append(
                        PhraseCheck(
                            rule=rule,
                            phrase=compile_phrase(alternative),
                            suggestion=better or rule.suggestion,
                            unless_before=unless_before,
                            unless_after=unless_after,
                            in_quotes=entry.in_quotes,
                            unless_shows=frozenset(entry.unless_shows),
                            unless_next=unless_next,
                        )
                    )
    return RuleSet(rules=rules, checks=tuple(checks))


def _next_word_regex(words: list[str]) -> re.Pattern[str] | None:
    """A match of the words (or word sequences) right after a phrase, with nothing between.

    Straight and typographic apostrophes match each other, as in the phrases.
    """
    if not words:
        return None
    alternatives = "|".join(
        r"\s+".join(re.escape(part).replace("'", "['’]") for part in word.lower().split())
        for word in sorted(words, key=len, reverse=True)
    )
    return re.compile(rf"^[^\w]+(?:{alternatives})(?![\w'’])", re.IGNORECASE)
