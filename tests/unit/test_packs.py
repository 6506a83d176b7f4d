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
        (
            "pack: x\nrules:\n  - id: r7\n    kind: sentence\n    signal: blame\n    weight: 1\n    phrases: [x]\n",
            "r7",
            "with_any",
            "needs with_any phrases or question: true",
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


NESTED_CHOICE_PACK = """
pack: nested
language: en
rules:
  - id: thanks-for
    kind: phrases
    signal: gratitude
    weight: -1.0
    phrases: ["(many thanks|thanks for (the|your) help)"]
"""


def test_a_choice_inside_a_choice_is_refused(tmp_path: Path) -> None:
    """A choice nested in another would match neither; the pack error names file, rule, phrase."""
    path = write(tmp_path, NESTED_CHOICE_PACK)
    with pytest.raises(RulePackError) as caught:
        load_pack(path)
    error = caught.value
    assert (error.path, error.rule, error.key) == (str(path), "thanks-for", "phrases")
    assert "a choice inside a choice" in str(error)


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


SENTENCE_PACK = """
pack: someone-above
rules:
  - id: team-someone-above
    kind: sentence
    signal: asks-for-manager
    weight: 2.0
    phrases: ["(regional director|area boss)"]
    with_any: ["(put me through|i want)"]
    question: {question}
    unless_with: [job]
"""


def sentence_codes(tmp_path: Path, text: str, *, question: bool = False) -> list[str]:
    """The rules of the sentence pack alone that fire on ``text``."""
    body = SENTENCE_PACK.format(question=str(question).lower())
    assessor = Assessor([write(tmp_path, body)], builtin=False)
    return [s.rule for s in assessor.assess(text).signals if s.rule == "team-someone-above"]


def test_a_sentence_rule_fires_with_its_companion_in_the_sentence(tmp_path: Path) -> None:
    """A sentence rule's phrase counts when one of its with_any phrases shares its sentence."""
    assert sentence_codes(tmp_path, "Put me through to the regional director.") == [
        "team-someone-above"
    ]


def test_a_sentence_rule_spans_its_phrase_and_companion(tmp_path: Path) -> None:
    """The signal reaches from the companion to the phrase, whichever comes first."""
    assessor = Assessor([write(tmp_path, SENTENCE_PACK.format(question="false"))], builtin=False)
    [signal] = assessor.assess("The area boss, I want.").signals
    assert signal.text == "area boss, I want"


def test_a_companion_in_another_sentence_does_not_count(tmp_path: Path) -> None:
    """The companion must be in the phrase's own sentence."""
    assert sentence_codes(tmp_path, "I want a refund. The regional director knows me.") == []


def test_a_question_counts_only_when_the_rule_says_so(tmp_path: Path) -> None:
    """With question: true, a question holding the phrase needs no companion."""
    text = "Is the regional director in today?"
    assert sentence_codes(tmp_path, text) == []
    assert sentence_codes(tmp_path, text, question=True) == ["team-someone-above"]


def test_an_unless_with_phrase_in_the_sentence_vetoes_it(tmp_path: Path) -> None:
    """A phrase of unless_with in the same sentence vetoes the match."""
    assert sentence_codes(tmp_path, "I want the regional director job.") == []


def test_unless_with_vetoes_a_phrase_rule_in_its_sentence_only(tmp_path: Path) -> None:
    """A phrases rule's unless_with vetoes a match in its own sentence, not in the next."""
    body = """
pack: jokes
rules:
  - id: team-never-again
    kind: phrases
    signal: threatens-to-leave
    weight: 1.4
    phrases: ["never again"]
    unless_with: [lol]
"""
    assessor = Assessor([write(tmp_path, body)], builtin=False)

    def fired(text: str) -> bool:
        return any(s.rule == "team-never-again" for s in assessor.assess(text).signals)

    assert not fired("Never again will I forget my password, lol.")
    assert fired("Never again. Lol at your excuses.")


def test_a_companion_beyond_the_reach_of_a_sentence_does_not_count(tmp_path: Path) -> None:
    """A sentence is read 300 characters either side of the phrase, however long it runs on."""
    filler = " and then " * 40  # 400 characters without a sentence end
    assert sentence_codes(tmp_path, f"I want{filler}the regional director") == []
    assert sentence_codes(tmp_path, f"{filler}I want the regional director") == [
        "team-someone-above"
    ]


def test_the_pack_check_times_a_sentence_rules_companions_and_vetoes(tmp_path: Path) -> None:
    """find_slow_rules runs a sentence rule's with_any and unless_with phrases too."""
    from deescalate.pack_check import _probes

    pack = compile_packs([write(tmp_path, SENTENCE_PACK.format(question="false"))])
    written = {probe.written for probe in _probes(pack)}
    assert {"put me through", "i want", "job"} <= written
