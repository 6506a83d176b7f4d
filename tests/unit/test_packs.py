"""Rule packs are data: teams extend them, and a broken pack says exactly what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deescalate import Assessor, RulePackError
from deescalate.assessment import default_assessor
from deescalate.assessment.packs import builtin_pack_paths, compile_packs, load_pack
from tests.unit.phrase_samples import samples


def write(tmp_path: Path, body: str, name: str = "team.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


TEAM_PACK = """
pack: acme-extra
language: en
rules:
  - id: acme-outage
    kind: phrases
    signal: repeat-contact
    weight: 1.5
    phrases: ["down (again|once more)", "another acme outage"]
  - id: acme-refund-regex
    kind: pattern
    signal: broken-promise
    weight: 1.9
    triggers: [refund]
    regex: 'refund\\s+(?:never|still\\s+not)\\s+(?:came|arrived)'
"""


def test_builtin_packs_compile() -> None:
    """The shipped packs load, validate and cover every taxonomy signal."""
    pack = compile_packs(builtin_pack_paths())
    signals = {rule.signal for rule in pack.rules}
    taxonomy = {
        "waiting",
        "confusion",
        "repeat-contact",
        "feels-unheard",
        "broken-promise",
        "blame",
        "sarcasm",
        "profanity",
        "asks-for-manager",
        "threatens-to-leave",
        "threatens-legal",
        "threatens-public",
        "ultimatum",
        "gratitude",
    }
    assert taxonomy <= signals | {"shouting"}


def test_team_pack_adds_rules(tmp_path: Path) -> None:
    """An Assessor configured with an extra pack finds its phrases and patterns."""
    assessor = Assessor([write(tmp_path, TEAM_PACK)])
    result = assessor.assess("The portal is down again and my refund never came.")
    rules = {signal.rule for signal in result.signals}
    assert {"acme-outage", "acme-refund-regex"} <= rules


def test_team_pack_alone_without_builtins(tmp_path: Path) -> None:
    """builtin=False uses only the given packs."""
    assessor = Assessor([write(tmp_path, TEAM_PACK)], builtin=False)
    result = assessor.assess("You people are down again!")
    assert {s.rule for s in result.signals if s.code != "shouting"} == {"acme-outage"}


@pytest.mark.parametrize(
    ("body", "rule", "key", "message"),
    [
        (
            "pack: x\nrules:\n  - id: r1\n    kind: phrases\n    signal: blame\n    phrases: [a b]\n",
            "r1",
            "weight",
            "Field required",
        ),
        (
            "pack: x\nrules:\n  - id: r2\n    kind: pattern\n    signal: blame\n    weight: 1\n    triggers: [a]\n    regex: '(unclosed'\n",
            "r2",
            "regex",
            "invalid regular expression",
        ),
        (
            "pack: x\nrules:\n  - id: r3\n    kind: phrases\n    signal: blame\n    weight: 1\n    phrases: ['{n} {w}']\n",
            "r3",
            "phrases",
            "required literal word",
        ),
        (
            "pack: x\nrules:\n  - id: r4\n    kind: phrases\n    signal: blame\n    weight: 9\n    phrases: [x]\n",
            "r4",
            "weight",
            "less than or equal",
        ),
        (
            "pack: x\nrules:\n  - id: r5\n    kind: phrases\n    signal: blame\n    weight: 1\n    phrases: [x]\n    colour: red\n",
            "r5",
            "colour",
            "Extra inputs",
        ),
        (
            "pack: x\nrules:\n  - id: r6\n    kind: magic\n    signal: blame\n    weight: 1\n",
            "r6",
            "kind",
            "does not match any of the expected tags",
        ),
    ],
)
def test_broken_pack_error_names_file_rule_and_key(
    tmp_path: Path, body: str, rule: str, key: str, message: str
) -> None:
    """Validation errors name the file, the rule and the offending key."""
    path = write(tmp_path, body)
    with pytest.raises(RulePackError) as caught:
        load_pack(path)
    error = caught.value
    assert error.path == str(path)
    assert error.rule == rule
    assert error.key == key
    assert message in str(error)
    assert str(path) in str(error)


GAP_IN_CHOICE_PACK = """
pack: gap-in-choice
rules:
  - id: told-would
    kind: phrases
    signal: broken-promise
    weight: 1.9
    phrases: ["(i was|we were) (promised|told {w:0-6} would)"]
"""


def test_a_word_gap_inside_a_choice_is_refused(tmp_path: Path) -> None:
    """A gap such as {w:0-6} inside a choice is a pack error naming file, rule and phrase."""
    path = write(tmp_path, GAP_IN_CHOICE_PACK)
    with pytest.raises(RulePackError) as caught:
        load_pack(path)
    error = caught.value
    assert (error.path, error.rule, error.key) == (str(path), "told-would", "phrases")
    assert "(i was|we were) (promised|told {w:0-6} would)" in str(error)
    assert "inside the choice" in str(error)


@pytest.mark.parametrize(
    "text",
    [
        "We were told by your courier that it would come today.",
        "I was told I'd have a new router within the week.",
        "We were promised a callback.",
    ],
)
def test_the_told_would_rule_matches_as_its_two_phrases(text: str) -> None:
    """The broken-promise rule once written with a gap in a choice fires on both its readings."""
    assert "broken-promise" in default_assessor().assess(text).codes


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    """A YAML syntax error reports the file and line."""
    path = write(tmp_path, "pack: x\nrules:\n  - id: [unclosed\n")
    with pytest.raises(RulePackError, match=r"line \d+"):
        load_pack(path)


def test_missing_pack_file_is_a_pack_error(tmp_path: Path) -> None:
    """An unreadable pack names the file."""
    with pytest.raises(RulePackError, match="cannot read"):
        load_pack(tmp_path / "absent.yaml")


def test_duplicate_rule_ids_across_packs_are_refused(tmp_path: Path) -> None:
    """Two packs cannot define the same rule id."""
    first = write(tmp_path, TEAM_PACK, "one.yaml")
    second = write(tmp_path, TEAM_PACK, "two.yaml")
    with pytest.raises(RulePackError, match="duplicate rule id") as caught:
        compile_packs([first, second])
    assert caught.value.rule == "acme-outage"


def test_pack_must_be_a_mapping(tmp_path: Path) -> None:
    """A list at the top level is refused with a clear message."""
    with pytest.raises(RulePackError, match="must be a mapping"):
        load_pack(write(tmp_path, "- just\n- a list\n"))


def test_phrase_syntax_choices_optional_numbers(tmp_path: Path) -> None:
    """Choices, optional words, numbers and word gaps behave as documented."""
    body = """
pack: syntax
rules:
  - id: syntax-demo
    kind: phrases
    signal: waiting
    weight: 1
    phrases: ["waited (almost|nearly)? {n} days|weeks", "stuck {w:0-2} queue"]
"""
    assessor = Assessor([write(tmp_path, body)], builtin=False, lexicon=False)
    texts = {
        "I waited 3 days": True,
        "I waited nearly two weeks": True,
        "we are stuck in the queue": True,
        "we are stuck in the long slow queue": False,
        "I waited days": False,
    }
    for text, expected in texts.items():
        assert ("waiting" in assessor.assess(text).codes) is expected, text


def test_when_chars_limits_an_always_run_pattern(tmp_path: Path) -> None:
    """A pattern with when_chars runs only on texts containing one of those characters."""
    body = """
pack: chars
rules:
  - id: hash-tag-rage
    kind: pattern
    signal: expresses-anger
    weight: 2
    triggers: ["*"]
    when_chars: "#"
    regex: 'rage'
"""
    assessor = Assessor([write(tmp_path, body)], builtin=False, lexicon=False)
    assert "expresses-anger" not in assessor.assess("road rage again").codes
    assert "expresses-anger" in assessor.assess("#road rage again").codes


_PACK_WORDS = samples(
    matcher.phrase.phrase for matcher in default_assessor().pack.matchers if matcher.phrase
)
_PACK_TEXTS = st.lists(
    st.sampled_from(_PACK_WORDS) | st.sampled_from(["#", " ", "!", "45", "😡", "*", ", "]),
    min_size=1,
    max_size=8,
).map(" ".join)


@settings(max_examples=1500, deadline=None)
@given(_PACK_TEXTS)
def test_the_index_never_holds_back_a_matcher_that_matches(text: str) -> None:
    """Every built-in matcher that finds something in a text is among its candidates."""
    from deescalate.phrases import find_all, text_words

    pack = default_assessor().pack
    lower = text.lower()
    candidates = set(map(id, pack.candidates(set(text_words(lower)), pack.when_chars_in(text))))
    for matcher in pack.matchers:
        if matcher.phrase is not None:
            found = bool(find_all(matcher.phrase, text, lower))
        else:
            assert matcher.pattern is not None
            found = matcher.pattern.search(text) is not None and (
                not matcher.when_chars or not matcher.when_chars.isdisjoint(text)
            )
        if found:
            assert id(matcher) in candidates, matcher.rule.id


def closing_thanks_pack(sarcastic: bool) -> str:
    """A team pack: a complaint phrase and a closing thanks, sarcastic after a complaint or not."""
    return f"""
pack: closing-thanks
rules:
  - id: team-lost-again
    kind: phrases
    signal: repeat-contact
    weight: 1.3
    phrases: ["parcel went missing"]
  - id: team-closing-thanks
    kind: phrases
    signal: gratitude
    weight: -1.3
    sarcastic_after_complaint: {str(sarcastic).lower()}
    phrases: ["much obliged"]
"""


@pytest.mark.parametrize(("sarcastic", "code"), [(True, "sarcasm"), (False, "gratitude")])
def test_sarcastic_after_complaint_reads_a_closing_thanks_as_sarcasm(
    tmp_path: Path, sarcastic: bool, code: str
) -> None:
    """A rule with sarcastic_after_complaint is sarcasm after a complaint sentence; else thanks."""
    assessor = Assessor([write(tmp_path, closing_thanks_pack(sarcastic))], builtin=False)
    result = assessor.assess("My parcel went missing. Much obliged.")
    assert [s.code for s in result.signals if s.rule.startswith("team-closing-thanks")] == [code]


def test_a_closing_thanks_without_a_complaint_before_it_is_thanks(tmp_path: Path) -> None:
    """With no complaint in the sentence before, a sarcastic_after_complaint rule is gratitude."""
    assessor = Assessor([write(tmp_path, closing_thanks_pack(True))], builtin=False)
    result = assessor.assess("It arrived today. Much obliged.")
    assert result.codes == {"gratitude"}
