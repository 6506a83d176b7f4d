"""The reply coach's behaviour beyond single rules: spans, ordering, configuration, inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deescalate import (
    Coach,
    ConfigurationError,
    Conversation,
    InputError,
    RulePackError,
    Severity,
    lint_reply,
)
from deescalate.coach import default_coach, find_steps, steps_shown
from tests.unit.phrase_samples import samples

ANGRY_CUSTOMER = "You're not listening! The engineer never came and I took the day off for nothing."


def test_findings_carry_spans_into_the_draft() -> None:
    """Each finding's text is the draft at its span, with a suggestion."""
    draft = "Hello. Please calm down. It's our policy."
    findings = lint_reply(draft)
    assert [f.rule for f in findings] == ["tells-to-calm-down", "nothing-more-i-can-do"]
    for finding in findings:
        assert draft[finding.start : finding.end] == finding.text
        assert finding.suggestion
        assert finding.code.startswith("DE1")


def test_findings_are_sorted_and_never_duplicated() -> None:
    """Repeated phrases give one finding per place, in text order."""
    draft = "Calm down. I said calm down. CALM DOWN!!!"
    findings = lint_reply(draft)
    keys = [(f.start, f.end, f.code) for f in findings]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))
    assert sum(f.rule == "tells-to-calm-down" for f in findings) == 3


def test_findings_that_start_together_come_shorter_first() -> None:
    """A shouted phrase is two findings from one place: the shorter one first."""
    findings = lint_reply("Hi, YOU SHOULD HAVE CALLED US sooner about this.")
    assert [(f.start, f.end, f.rule) for f in findings] == [
        (4, 19, "blame-shifting"),
        (4, 29, "shouting"),
    ]


def test_absence_rules_need_a_customer() -> None:
    """Without the customer message, nothing is reported missing."""
    assert lint_reply("I'll book a new visit.") == []


def test_absence_rules_point_at_the_whole_draft() -> None:
    """An absence finding spans the whole draft."""
    draft = "I'll book a new visit."
    findings = [f for f in lint_reply(draft, ANGRY_CUSTOMER) if f.rule.startswith("missing-")]
    assert {f.rule for f in findings} >= {"missing-acknowledgement", "missing-restatement"}
    assert all((f.start, f.end) == (0, len(draft)) for f in findings)


def test_a_playbook_reply_passes() -> None:
    """A reply that acknowledges, apologizes, restates and gives a time has no findings."""
    draft = (
        "I'm so sorry, I understand how frustrating this is. So the engineer didn't arrive today "
        "after you took the day off, is that correct? I'll call you back by 4 pm with a new slot."
    )
    assert lint_reply(draft, ANGRY_CUSTOMER) == []


def test_conversation_as_customer_uses_unanswered_messages() -> None:
    """With a conversation, the customer messages after the last agent reply are answered."""
    conversation = Conversation.of(
        [
            ("customer", "I'm furious, this is the third time the parcel is lost!"),
            (
                "agent",
                "I'm so sorry. So the parcel is lost again, is that right? I'll call you by 5 pm.",
            ),
            ("customer", "Yes, thanks. Could you also send the invoice?"),
        ]
    )
    findings = lint_reply("Here is the invoice.", conversation)
    assert not [f for f in findings if f.rule.startswith("missing-")]


def test_rules_can_be_switched_off_by_name() -> None:
    """A disabled rule reports nothing."""
    coach = Coach(disabled=["tells-to-calm-down"])
    assert coach.lint("Please calm down.") == []


def test_disabling_an_unknown_rule_is_refused() -> None:
    """A misspelt rule name is a configuration error naming it."""
    with pytest.raises(ConfigurationError, match="calm-dwn"):
        Coach(disabled=["calm-dwn"])


def test_team_pack_adds_a_rule(tmp_path: Path) -> None:
    """A team's own pack adds rules with codes of its own."""
    pack = tmp_path / "team.yaml"
    pack.write_text(
        "pack: acme\nrules:\n  - name: no-cheers\n    code: AC001\n    kind: substitution\n"
        "    severity: suggestion\n    message: Sign off formally.\n"
        "    swap:\n      cheers mate: Kind regards\n",
        encoding="utf-8",
    )
    findings = Coach([pack]).lint("All fixed, cheers mate")
    assert [(f.code, f.suggestion, f.severity) for f in findings] == [
        ("AC001", "Kind regards", Severity.SUGGESTION)
    ]


def test_two_entries_of_one_rule_matching_one_place_give_one_finding(tmp_path: Path) -> None:
    """An existence list and a substitution table of one rule may both match: one finding."""
    pack = tmp_path / "team.yaml"
    pack.write_text(
        "pack: acme\nrules:\n"
        "  - name: no-cheers\n    code: AC001\n    kind: existence\n    severity: warning\n"
        "    message: Sign off formally.\n    phrases: [cheers mate]\n"
        "  - name: no-cheers\n    code: AC001\n    kind: substitution\n    severity: warning\n"
        "    message: Sign off formally.\n    swap:\n      cheers mate: Kind regards\n",
        encoding="utf-8",
    )
    findings = Coach([pack]).lint("Cheers mate, all fixed. Cheers mate!")
    assert [(f.code, f.start, f.end) for f in findings] == [("AC001", 0, 11), ("AC001", 24, 35)]


def test_broken_coach_pack_names_file_rule_and_key(tmp_path: Path) -> None:
    """A broken pack fails with the file, the rule and the key."""
    pack = tmp_path / "bad.yaml"
    pack.write_text(
        "pack: x\nrules:\n  - name: loud\n    code: XX001\n    kind: existence\n"
        "    severity: fatal\n    message: m\n    phrases: [x]\n",
        encoding="utf-8",
    )
    with pytest.raises(RulePackError) as caught:
        Coach([pack])
    assert (caught.value.rule, caught.value.key) == ("loud", "severity")
    assert "bad.yaml" in str(caught.value)


def test_unknown_code_rule_is_refused(tmp_path: Path) -> None:
    """A pack cannot declare a code rule that does not exist."""
    pack = tmp_path / "bad.yaml"
    pack.write_text(
        "pack: x\nrules:\n  - name: mind-reading\n    code: XX002\n    kind: code\n"
        "    severity: warning\n    message: m\n",
        encoding="utf-8",
    )
    with pytest.raises(RulePackError, match="no code rule named"):
        Coach([pack])


@pytest.mark.parametrize("draft", ["", "   ", b""])
def test_empty_drafts_have_no_findings(draft: str | bytes) -> None:
    """An empty draft has nothing to say about it."""
    assert lint_reply(draft, ANGRY_CUSTOMER) == []


def test_non_text_draft_is_an_input_error() -> None:
    """A number is refused with the type named."""
    with pytest.raises(InputError, match="int"):
        lint_reply(7)  # type: ignore[arg-type]


def test_html_drafts_map_spans_back() -> None:
    """Findings in an HTML draft point into the HTML."""
    draft = "<p>Please <b>calm down</b>.</p>"
    (finding,) = lint_reply(draft)
    assert draft[finding.start : finding.end] == finding.text == "calm down"


def test_steps_are_found_with_evidence() -> None:
    """The playbook-step detector reports each step with its words."""
    text = (
        "I'm sorry. I understand how frustrating that is. Is that correct? I'll call you tomorrow."
    )
    assert steps_shown(text) == {"apologize", "acknowledge", "restate", "next-step"}
    for evidence in find_steps(text):
        assert text[evidence.start : evidence.end] == evidence.text


@pytest.mark.parametrize(
    "text",
    ["An engineer is booked for Wednesday.", "Your visit has been arranged for Monday morning."],
)
def test_a_booked_visit_is_a_next_step(text: str) -> None:
    """Saying what has been booked, and for when, gives the customer a next step."""
    assert "next-step" in steps_shown(text)


def test_a_negated_commitment_is_no_next_step() -> None:
    """A refusal in the words of a commitment ("we will not replace it") shows no next step."""
    assert "next-step" not in steps_shown("We will not replace it.")
    assert [f.rule for f in lint_reply("We will not replace it.")] == ["nothing-more-i-can-do"]


_DRAFT_TEXTS = st.lists(
    st.sampled_from(samples(check.phrase.phrase for check in default_coach().rule_set.checks))
    | st.sampled_from([" ", "!", "4", ", ", "PLEASE"]),
    min_size=1,
    max_size=8,
).map(" ".join)


@settings(max_examples=1500, deadline=None)
@given(_DRAFT_TEXTS)
def test_the_check_index_never_holds_back_a_check_that_matches(draft: str) -> None:
    """Every built-in phrase check that finds something in a draft is among its candidates."""
    from deescalate.phrases import find_all

    coach = default_coach()
    lower = draft.lower()
    candidates = set(map(id, coach._index.candidates_in(lower)))
    for check in coach.rule_set.checks:
        if find_all(check.phrase, draft, lower):
            assert id(check) in candidates, check.rule.name


def _team_pack(tmp_path: Path, options: str) -> Path:
    pack = tmp_path / "team.yaml"
    pack.write_text(
        "pack: acme\nrules:\n  - name: no-whatever\n    code: AC002\n    kind: existence\n"
        f"    severity: warning\n    message: Dismissive.\n    phrases: [whatever]\n{options}",
        encoding="utf-8",
    )
    return pack


def test_unless_shows_excuses_a_phrase_when_the_draft_gives_that_step(tmp_path: Path) -> None:
    """A rule with unless_shows: [next-step] is silent once the draft says what happens next."""
    coach = Coach([_team_pack(tmp_path, "    unless_shows: [next-step]\n")], builtin=False)
    assert [f.code for f in coach.lint("Whatever you prefer.")] == ["AC002"]
    assert coach.lint("Whatever you prefer, I'll book it today.") == []


def test_unless_shows_names_an_unknown_step(tmp_path: Path) -> None:
    """A step the detector does not report is refused, naming the known ones."""
    with pytest.raises(RulePackError, match=r"next-steps.*known: acknowledge"):
        Coach([_team_pack(tmp_path, "    unless_shows: [next-steps]\n")], builtin=False)


def test_a_phrase_only_the_customer_wrote_is_still_flagged() -> None:
    """The customer writing "calm down" does not excuse the agent's own "calm down"."""
    findings = lint_reply(
        "Please calm down, the refund takes time.",
        "Don't tell me to calm down again, I want my money back.",
    )
    assert "tells-to-calm-down" in {f.rule for f in findings}


def test_a_customer_email_quoting_an_old_reply_excuses_nothing() -> None:
    """An earlier reply quoted in the customer's e-mail does not switch the rule off."""
    customer = "On Monday you wrote:\n> It's our policy, refunds take 30 days.\nStill nothing."
    findings = lint_reply("It's our policy, refunds take 30 days.", customer)
    assert "nothing-more-i-can-do" in {f.rule for f in findings}


def test_the_draft_quoting_the_customer_on_email_lines_is_exempt() -> None:
    """Words on the draft's "> " lines are the customer's, not the agent's."""
    draft = "You wrote:\n> stop telling me to calm down\nYou're right. I'll call you at 3 pm."
    assert "tells-to-calm-down" not in {f.rule for f in lint_reply(draft)}


def test_a_rule_counting_quotes_spares_only_the_customers_words(tmp_path: Path) -> None:
    """With in_quotes, a quotation is flagged unless it quotes the customer."""
    coach = Coach([_team_pack(tmp_path, "    in_quotes: true\n")], builtin=False)
    draft = 'You said "whatever" to our courier.'
    assert coach.lint(draft, "I said whatever, just bring the parcel.") == []
    assert [f.code for f in coach.lint(draft, "Please bring the parcel.")] == ["AC002"]


def test_a_non_apology_is_not_an_apology() -> None:
    """ "Sorry for any inconvenience this may have caused" leaves the apology missing."""
    customer = "The engineer didn't come again, I've had no heating for a week. I'm furious."
    rules = {
        f.rule
        for f in lint_reply("We're sorry for any inconvenience this may have caused.", customer)
    }
    assert {"missing-apology", "missing-acknowledgement"} <= rules
    assert steps_shown("We're sorry for any inconvenience this may have caused.") == frozenset()


def test_repeating_the_customers_words_restates() -> None:
    """A draft that says the problem back in the customer's words needs no "is that correct?"."""
    customer = "You charged me three times for one order and nobody answers my emails!! Disgusting."
    restated = "I'm very sorry we charged you three times for one order. I've refunded two today."
    not_restated = "I'm very sorry. I've refunded the extra charges today."
    assert "missing-restatement" not in {f.rule for f in lint_reply(restated, customer)}
    assert "missing-restatement" in {f.rule for f in lint_reply(not_restated, customer)}


def test_a_customer_who_states_no_problem_needs_no_restatement() -> None:
    """ "USELESS!!!" holds nothing to say back: the restatement is not flagged missing."""
    rules = {f.rule for f in lint_reply("I'm sorry. What went wrong?", "USELESS!!! WORST EVER!!!")}
    assert "missing-restatement" not in rules


def test_unless_next_excuses_a_match_only_by_the_very_next_word(tmp_path: Path) -> None:
    """unless_next spares a match followed at once by one of its words, and no other."""
    coach = Coach([_team_pack(tmp_path, "    unless_next: [it, that one]\n")], builtin=False)
    assert coach.lint("Whatever it costs, we'll fix it.") == []
    assert coach.lint("Whatever that one says is fine.") == []
    assert [f.code for f in coach.lint("Whatever you say, it is what it is.")] == ["AC002"]


def test_you_should_have_is_blame_unless_it_is_news() -> None:
    """A "you should have" that is not news is blame: read the terms, not received them."""
    assert [f.rule for f in lint_reply("You should have read the terms.")] == ["blame-shifting"]
    assert lint_reply("You should have received the terms by email.") == []
