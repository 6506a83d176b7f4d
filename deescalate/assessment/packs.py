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
    of"), ``{w}`` any one word, ``{w:0-2}`` zero to two words, and ``stem*`` a word starting with
    ``stem`` (not as the first word).
``pattern``
    A regular expression with the words that must appear before it is tried (``triggers``;
    ``["*"]`` tries it on every text).

Every rule names its ``signal`` (taxonomy.md section 2, or a team's own code) and a ``weight`` in
stage units (1.0 is about one stage up the scale; negative weights de-escalate).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from deescalate.errors import RulePackError

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = [
    "CompiledPack",
    "CompiledRule",
    "Matcher",
    "builtin_pack_paths",
    "compile_packs",
    "load_pack",
]

TRIGGER_ALWAYS = "*"
_TRIGGER_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = (
    r"(?:\d+(?:[.,]\d+)?\+?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|sixty|ninety|several|many|a few|a couple(?: of)?|"
    r"multiple|countless|numerous|hundreds of|dozens of)"
)
_ONE_WORD = r"[\w'’-]+"


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


@dataclass(frozen=True, slots=True)
class Matcher:
    """One phrase (or pattern) of a rule, with the words a text must contain to match it.

    ``requirements`` lists, for each required position of the phrase, the words one of which
    must occur in the text; the regex only runs when every requirement is met. ``word_start``
    asks the caller to check that a match does not begin inside a word. Phrases run on the
    lower-cased text (``on_lower``), which is faster than case-insensitive matching; ``fallback``
    is the case-insensitive form for the rare text whose lower case changes its length.
    """

    rule: CompiledRule
    regex: re.Pattern[str]
    requirements: tuple[frozenset[str], ...]
    word_start: bool
    on_lower: bool
    fallback: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class CompiledPack:
    """All rules of one or more packs, indexed by the rarest word each phrase needs."""

    rules: tuple[CompiledRule, ...]
    matchers: tuple[Matcher, ...]
    by_trigger: dict[str, tuple[int, ...]]
    trigger_words: frozenset[str]
    always: tuple[int, ...]
    languages: frozenset[str]

    def candidates(self, words: set[str]) -> list[Matcher]:
        """The matchers whose required words all occur in ``words`` (lower-case tokens)."""
        chosen: set[int] = set(self.always)
        index = self.by_trigger
        for word in self.trigger_words.intersection(words):
            chosen.update(index[word])
        matchers = self.matchers
        return [
            matchers[i]
            for i in sorted(chosen)
            if all(not need.isdisjoint(words) for need in matchers[i].requirements)
        ]


def builtin_pack_paths() -> list[Path]:
    """The packs shipped with deescalate, in load order."""
    folder = resources.files("deescalate.assessment") / "packs"
    return sorted(Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def _models() -> Any:
    """Build the pydantic models on first use, keeping pydantic out of ``import deescalate``."""
    global _MODELS
    if _MODELS is not None:
        return _MODELS
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class _RuleBase(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        id: Annotated[str, Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")]
        signal: Annotated[str, Field(min_length=1, pattern=r"^[a-z][a-z-]*$")]
        weight: Annotated[float, Field(ge=-5.0, le=5.0)]
        negatable: bool = False
        in_quotes: bool = False
        unless_before: list[str] = []
        unless_after: list[str] = []
        description: str = ""

    class PhraseRule(_RuleBase):
        kind: Literal["phrases"]
        phrases: Annotated[list[str], Field(min_length=1)]

        @field_validator("phrases")
        @classmethod
        def _phrases_compile(cls, phrases: list[str]) -> list[str]:
            for phrase in phrases:
                _phrase_regex(phrase)
                _phrase_requirements(phrase)
            return phrases

    class PatternRule(_RuleBase):
        kind: Literal["pattern"]
        regex: Annotated[list[str], Field(min_length=1)]
        triggers: Annotated[list[str], Field(min_length=1)]
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

    class Pack(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        pack: Annotated[str, Field(min_length=1)]
        language: Annotated[str, Field(min_length=2, max_length=8)] = "en"
        description: str = ""
        rules: list[Annotated[PhraseRule | PatternRule, Field(discriminator="kind")]]

    _MODELS = (Pack, PhraseRule, PatternRule)
    return _MODELS


_MODELS: Any = None


def load_pack(path: str | Path) -> BaseModel:
    """Read and validate one pack file; errors name the file, the rule and the key."""
    import yaml
    from pydantic import ValidationError

    path = Path(path)
    pack_model = _models()[0]
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulePackError(f"cannot read the pack: {exc.strerror or exc}", path=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise RulePackError("the pack is not UTF-8 text", path=str(path)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise RulePackError(f"not valid YAML{where}", path=str(path)) from exc
    if not isinstance(raw, dict):
        raise RulePackError("a pack must be a mapping with 'pack' and 'rules'", path=str(path))
    try:
        return pack_model.model_validate(raw)  # type: ignore[no-any-return]
    except ValidationError as exc:
        raise _pack_error(exc, raw, path) from exc


def _pack_error(exc: Any, raw: dict[str, Any], path: Path) -> RulePackError:
    first = exc.errors()[0]
    loc: Sequence[Any] = first["loc"]
    rule_name: str | None = None
    key: str | None = None
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = raw.get("rules") or []
        entry = rules[loc[1]] if loc[1] < len(rules) else None
        rule_name = (
            str(entry.get("id"))
            if isinstance(entry, dict) and entry.get("id")
            else f"#{loc[1] + 1}"
        )
        rest = [str(part) for part in loc[2:] if isinstance(part, str)]
        if rest and rest[0] in {"phrases", "pattern"} and len(rest) > 1:
            rest = rest[1:]  # the discriminated-union tag pydantic puts in the location
        key = rest[0] if rest else None
        if key is None and first["type"] in {"union_tag_invalid", "union_tag_not_found"}:
            key = "kind"
    elif loc:
        key = str(loc[0])
    message = first["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return RulePackError(message, path=str(path), rule=rule_name, key=key)


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


def _literal(word: str) -> str:
    escaped = re.escape(word.lower())
    return escaped.replace("'", "['’]?").replace("’", "['’]?")


_LEAD = r"(?<!\w)"
_SPECIAL = re.compile(r"^\{(n|w)(?::(\d+)-(\d+))?\}$")


_PHRASE_TOKEN = re.compile(r"\([^()]*\)\??|\S+")


def _tokens(phrase: str) -> list[str]:
    if phrase.count("(") != phrase.count(")"):
        raise ValueError(f"phrase {phrase!r}: unbalanced parentheses")
    return _PHRASE_TOKEN.findall(phrase)


def _sequence_regex(tokens: list[str], phrase: str) -> str:
    pieces: list[str] = []
    for index, token in enumerate(tokens):
        last = index == len(tokens) - 1
        gap = "" if last else r"\s+"
        special = _SPECIAL.match(token)
        optional = token.endswith("?") and len(token) > 1 and not special
        body = token[:-1] if optional else token
        if special:
            unit = _NUMBER if special.group(1) == "n" else _ONE_WORD
            if special.group(2) is not None:
                # a run of optional words carries its own trailing whitespace
                pieces.append(f"(?:{unit}\\s+){{{special.group(2)},{special.group(3)}}}")
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
            pieces.append(f"(?:\\s*{word})?" if last else f"(?:{word}\\s+)?")
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
    lead = _LEAD if re.match(r"[\w'(]", tokens[0]) else ""
    tail = r"(?!\w)" if re.search(r"[\w*})?]$", tokens[-1]) else ""
    return lead + _sequence_regex(tokens, phrase) + tail


# Words too common to be worth indexing a phrase by.
_COMMON = frozenset(
    "i you the a an to my your is it this that and of for on in me we was be have not no do don "
    "t s can will so just at with are what how why or if but as all am im ive its get got been "
    "has had did does very really".split()
)


def _token_requirement(token: str) -> frozenset[str] | None:
    """The words one of which must appear for ``token`` to match, or None if none is certain."""
    if _SPECIAL.match(token) or (token.endswith("?") and len(token) > 1):
        return None
    if token.startswith("("):
        needed: set[str] = set()
        for choice in token[1:-1].split("|"):
            first = _first_requirement(choice.strip())
            if first is None:
                return None
            needed |= first
        return frozenset(needed)
    words: set[str] = set()
    for choice in token.split("|"):
        pieces = _TRIGGER_WORD.findall(choice.lower())
        if not pieces or (
            choice.endswith("*") and len(pieces) == 1 and choice[:-1].lower() == pieces[0]
        ):
            return None
        words.add(pieces[0])
    return frozenset(words)


def _first_requirement(phrase: str) -> frozenset[str] | None:
    for token in _tokens(phrase):
        need = _token_requirement(token)
        if need is not None:
            return need
    return None


def _phrase_requirements(phrase: str) -> tuple[frozenset[str], ...]:
    needs = [need for token in _tokens(phrase) if (need := _token_requirement(token)) is not None]
    if not needs:
        raise ValueError(f"phrase {phrase!r} needs at least one required literal word")
    return tuple(dict.fromkeys(needs))


def _rarity(need: frozenset[str]) -> int:
    return min(0 if word in _COMMON else len(word) for word in need)


def _word_list_regex(words: list[str], *, before: bool) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(_literal(word) for word in words)
    if before:
        return re.compile(rf"(?:^|\W)(?:{alternatives})\W+(?:\w+\W+)?$", re.IGNORECASE)
    return re.compile(rf"^\W+(?:\w+\W+)?(?:{alternatives})(?!\w)", re.IGNORECASE)


def compile_packs(paths: Sequence[str | Path]) -> CompiledPack:
    """Load, validate and index the packs at ``paths``; later packs may add to earlier ones."""
    _, phrase_model, _ = _models()
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
                unless_before=_word_list_regex(rule.unless_before, before=True),
                unless_after=_word_list_regex(rule.unless_after, before=False),
                source=str(path),
            )
            rules.append(compiled)
            if isinstance(rule, phrase_model):
                for phrase in rule.phrases:
                    needs = _phrase_requirements(phrase)
                    body = _phrase_regex(phrase)
                    word_start = body.startswith(_LEAD)
                    body = body.removeprefix(_LEAD)
                    matcher = Matcher(
                        compiled,
                        re.compile(body),
                        needs,
                        word_start,
                        on_lower=True,
                        fallback=re.compile(body, re.IGNORECASE),
                    )
                    add(matcher, sorted(needs, key=_rarity)[-1])
            else:
                flags = 0 if rule.case_sensitive else re.IGNORECASE
                regex = re.compile("|".join(f"(?:{p})" for p in rule.regex), flags)
                triggers = [t.lower() for t in rule.triggers]
                if TRIGGER_ALWAYS in triggers:
                    always.append(len(matchers))
                    triggers = []
                add(Matcher(compiled, regex, (), False, on_lower=False), triggers)
    return CompiledPack(
        rules=tuple(rules),
        matchers=tuple(matchers),
        by_trigger={word: tuple(ids) for word, ids in by_trigger.items()},
        trigger_words=frozenset(by_trigger),
        always=tuple(always),
        languages=frozenset(languages),
    )
