"""The playbook table, and the three callers that read it: the conversation, the coach, macros."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from deescalate import (
    Assessor,
    Coach,
    Conversation,
    Stage,
    lint_reply,
    suggest_macros,
    summarize,
)
from deescalate.assessment import Assessment, Signal
from deescalate.assessment.result import INCONVENIENCE_SIGNALS
from deescalate.coach import default_coach, steps_shown
from deescalate.errors import InputError
from deescalate.playbook import PLAYBOOK, Advice, PlaybookState, Step, advise
from tests.unit.macro_factories import values

# What an agent reply shows, one sentence per kind of evidence the step detector reports.
EVIDENCE_TEXT = {
    "acknowledge": "I can see how frustrating this has been.",
    "apologize": "Our apologies.",
    "restate": "So to confirm, the router drops the line each evening?",
    "next-step": "I'll call you back tomorrow.",
}
FIRST = "My router drops the connection every evening since the upgrade."
REPEATED = "The router drops the connection every evening since the upgrade."
NOT_REPEATED = "Any news about the line? I have heard nothing from the engineers this week."
VALUES = values()

# The facts besides the stage and the steps shown, and the signal each comes from in the
# customer's words.
FACT_SIGNALS = {
    "inconvenienced": "waiting",
    "unheard": "feels-unheard",
    "promise_broken": "broken-promise",
    "wants_handoff": "asks-for-manager",
}


class FixedRater:
    """Rates every message the same: the stage and signals a test needs."""

    def __init__(self, assessment: Assessment) -> None:
        self.assessment = assessment

    def assess(self, text: str) -> Assessment:
        return self.assessment


def rated(stage: Stage, codes: frozenset[str]) -> Assessment:
    """An assessment at ``stage`` with one signal of each code."""
    signals = tuple(Signal(code, 0, 1, "x", 1.0, code) for code in sorted(codes))
    score = stage.rank / 5 + 0.1
    return Assessment(stage, score, signals, wants_handoff="asks-for-manager" in codes)


def reply_showing(evidence: frozenset[str]) -> str:
    """An agent reply that shows exactly ``evidence``."""
    text = " ".join(EVIDENCE_TEXT[name] for name in sorted(evidence)) or "Noted."
    assert steps_shown(text) == evidence, text
    return text


def situations() -> Iterator[tuple[Stage, frozenset[str], bool, frozenset[str]]]:
    """Every stage x every set of evidence shown x every combination of the other facts."""
    subsets = [
        frozenset(names)
        for size in range(len(EVIDENCE_TEXT) + 1)
        for names in itertools.combinations(sorted(EVIDENCE_TEXT), size)
    ]
    flags = itertools.product([False, True], repeat=len(FACT_SIGNALS))
    for stage, shown, repeated, facts in itertools.product(
        Stage, subsets, [False, True], list(flags)
    ):
        codes = frozenset(code for on, code in zip(facts, FACT_SIGNALS.values(), strict=True) if on)
        yield stage, shown, repeated, codes


def table_answer(
    stage: Stage, shown: frozenset[str], repeated: bool, codes: frozenset[str]
) -> Advice:
    return advise(
        PlaybookState.from_evidence(
            stage,
            shown,
            inconvenienced=bool(codes & INCONVENIENCE_SIGNALS),
            repeated=repeated,
            unheard="feels-unheard" in codes,
            promise_broken="broken-promise" in codes,
            wants_handoff="asks-for-manager" in codes,
        )
    )


def test_conversation_coach_and_suggester_agree_with_the_table_everywhere() -> None:
    """For every stage, steps shown and fact, all three callers give the table's answer."""
    checked = 0
    for stage, shown, repeated, codes in situations():
        rater = FixedRater(rated(stage, codes))
        draft = reply_showing(shown)
        latest = REPEATED if repeated else NOT_REPEATED
        conversation = Conversation.of(
            [("customer", FIRST), ("agent", draft), ("customer", latest)],
            customer_name="Dana",
            agent_name="Sam",
        )
        answer = table_answer(stage, shown, repeated, codes)
        where = f"{stage}, shown {sorted(shown)}, repeated {repeated}, signals {sorted(codes)}"

        summary = summarize(conversation, assessor=rater)
        assert (summary.next_step, summary.reason) == (answer.action, answer.reason), where

        absences = {f.rule for f in lint_reply(draft, latest, assessor=rater)}
        absences = {rule for rule in absences if rule.startswith("missing-")}
        assert absences == answer.flagged_rules, where

        first = suggest_macros(conversation, VALUES, assessor=rater, limit=1)[0]
        assert first.macro == ("handoff" if answer.handoff else answer.need.macro), where
        checked += 1
    assert checked == len(Stage) * 2 ** len(EVIDENCE_TEXT) * 2 ** (1 + len(FACT_SIGNALS))


def test_upset_customer_with_an_apology_has_been_acknowledged() -> None:
    """An apology acknowledges: what is left for an upset customer is restating, then a plan."""
    answer = advise(PlaybookState(Stage.UPSET, apologized=True, inconvenienced=True))
    assert Step.ACKNOWLEDGE not in answer.missing_steps
    assert answer.missing_steps == (Step.RESTATE, Step.SOLVE)
    assert answer.flagged_rules == {"missing-next-step"}


UPSET_CUSTOMER = "I'm really disappointed, the sofa arrived ripped and I expected much better."
APOLOGY_ONLY = "I'm so sorry about this."


def test_upset_customer_with_an_apology_gets_one_answer_from_all_three() -> None:
    """The review's case in real words: restate next, no acknowledgement asked for anywhere."""
    conversation = Conversation.of(
        [("customer", UPSET_CUSTOMER), ("agent", APOLOGY_ONLY), ("customer", UPSET_CUSTOMER)],
        customer_name="Dana",
    )
    summary = summarize(conversation)
    assert summary.current_stage is Stage.UPSET
    assert summary.next_step == "restate"
    assert "missing-acknowledgement" not in {
        f.rule for f in lint_reply(APOLOGY_ONLY, UPSET_CUSTOMER)
    }
    assert suggest_macros(conversation, VALUES)[0].macro == "restatement"


def test_angry_customer_with_nothing_shown_misses_every_step() -> None:
    """Angry and inconvenienced, nothing shown: all four absence rules apply."""
    answer = advise(PlaybookState(Stage.ANGRY, inconvenienced=True))
    assert answer.step is Step.ACKNOWLEDGE
    assert answer.missing_steps == (Step.ACKNOWLEDGE, Step.RESTATE, Step.SOLVE)
    assert answer.flagged_rules == {
        "missing-acknowledgement",
        "missing-apology",
        "missing-restatement",
        "missing-next-step",
    }


def test_calm_customer_is_advised_but_nothing_is_flagged() -> None:
    """A calm request: restate it, then solve; a reply without either is not flagged."""
    answer = advise(PlaybookState(Stage.CALM))
    assert answer.missing_steps == (Step.RESTATE, Step.SOLVE)
    assert answer.flagged == ()


def test_frustrated_and_inconvenienced_needs_the_apology_only() -> None:
    """Below upset the emotion need not be named, but an inconvenience is apologized for."""
    answer = advise(PlaybookState(Stage.FRUSTRATED, inconvenienced=True))
    assert answer.flagged_rules == {"missing-apology"}
    assert answer.need.apology


def test_calm_and_inconvenienced_is_owed_the_apology() -> None:
    """A calm customer the company inconvenienced is flagged an apology, and nothing else."""
    answer = advise(PlaybookState(Stage.CALM, inconvenienced=True))
    assert answer.flagged_rules == {"missing-apology"}
    assert answer.need.apology


def test_request_for_someone_else_comes_before_the_step() -> None:
    """Asking for a supervisor makes the action a handoff; the step still stands behind it."""
    answer = advise(PlaybookState(Stage.IRATE, wants_handoff=True))
    assert answer.action == "handoff"
    assert answer.step is Step.ACKNOWLEDGE
    assert answer.reason.startswith("irate and asking for someone else")


def test_customer_not_heard_is_listened_to_first() -> None:
    """Saying they are not heard puts listening first, until a reply acknowledges them."""
    assert advise(PlaybookState(Stage.CALM, unheard=True)).step is Step.LISTEN_ACTIVELY
    heard = PlaybookState(Stage.CALM, frozenset({Step.ACKNOWLEDGE}), unheard=True)
    assert advise(heard).step is Step.RESTATE


def test_every_step_shown_means_keeping_the_promise() -> None:
    """With every row shown, the next step is to solve: keep the promise given, on time."""
    shown = frozenset({Step.ACKNOWLEDGE, Step.RESTATE, Step.SOLVE})
    answer = advise(PlaybookState(Stage.IRATE, shown, apologized=True, inconvenienced=True))
    assert answer.missing == ()
    assert answer.action == "solve"
    assert "keep the promise" in answer.reason


def test_steps_are_the_taxonomy_names_in_order() -> None:
    """The enum's values are taxonomy.md section 3's step names, in the playbook's order."""
    assert [step.value for step in Step] == [
        "get-focused",
        "let-vent",
        "listen-actively",
        "acknowledge",
        "restate",
        "solve",
    ]


def test_every_flagged_row_names_a_coach_rule() -> None:
    """Each rule the table flags is a loaded absence rule, with its taxonomy code."""
    rules = default_coach().rules
    codes = {need.rule: rules[need.rule].code for need in PLAYBOOK if need.rule is not None}
    assert codes == {
        "missing-apology": "DE104",
        "missing-acknowledgement": "DE201",
        "missing-restatement": "DE202",
        "missing-next-step": "DE203",
    }
    assert all((need.rule is None) == (need.flagged_from is None) for need in PLAYBOOK)


def test_unknown_step_is_an_input_error() -> None:
    """A step name the playbook does not know is named in the error."""
    with pytest.raises(InputError, match="'apologise'"):
        PlaybookState(Stage.CALM, frozenset({"apologise"}))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="next-steps"):
        PlaybookState.from_evidence(Stage.CALM, ["next-steps"])


# A team's pack that makes a product's outage word a strong sign of anger.
TEAM_PACK = """
pack: team-extra
language: en
rules:
  - id: team-zorblax-down
    kind: phrases
    signal: expresses-anger
    weight: 3.0
    phrases:
      - zorblax
"""
TEAM_MESSAGE = "The zorblax box is doing it again."


@pytest.fixture(scope="module")
def team_assessor(tmp_path_factory: pytest.TempPathFactory) -> Assessor:
    path: Path = tmp_path_factory.mktemp("packs") / "team-extra.yaml"
    path.write_text(TEAM_PACK, encoding="utf-8")
    return Assessor([path])


def test_summarize_uses_the_injected_assessor(team_assessor: Assessor) -> None:
    """An assessor with the team's pack raises the stage summarize reports."""
    conversation = Conversation.of([("customer", TEAM_MESSAGE)])
    assert summarize(conversation).current_stage is Stage.CALM
    assert summarize(conversation, assessor=team_assessor).current_stage >= Stage.UPSET


def test_coach_uses_the_injected_assessor(team_assessor: Assessor) -> None:
    """The team's assessor makes the customer upset, so the acknowledgement is missing."""
    draft = "Please restart the box."
    assert lint_reply(draft, TEAM_MESSAGE) == []
    rules = {f.rule for f in lint_reply(draft, TEAM_MESSAGE, assessor=team_assessor)}
    assert "missing-acknowledgement" in rules


def test_suggester_uses_the_injected_assessor(team_assessor: Assessor) -> None:
    """With the team's assessor the customer's feelings come first in the suggestions."""
    conversation = Conversation.of([("customer", TEAM_MESSAGE)], customer_name="Dana")
    assert suggest_macros(conversation, VALUES)[0].macro == "restatement"
    first = suggest_macros(conversation, VALUES, assessor=team_assessor)[0]
    assert first.macro == "acknowledgement"


def test_coach_built_with_an_assessor_uses_it(team_assessor: Assessor) -> None:
    """``Coach(assessor=...)`` rates the customer with it on every lint."""
    coach = Coach(assessor=team_assessor)
    rules = {f.rule for f in coach.lint("Please restart the box.", TEAM_MESSAGE)}
    assert "missing-acknowledgement" in rules


def test_settings_coach_rates_customers_with_the_team_packs(tmp_path: Path) -> None:
    """``Settings(extra_packs=...).coach()`` assesses the customer with those packs."""
    from deescalate import Settings

    pack = tmp_path / "team-extra.yaml"
    pack.write_text(TEAM_PACK, encoding="utf-8")
    coach = Settings(extra_packs=[pack]).coach()
    rules = {f.rule for f in coach.lint("Please restart the box.", TEAM_MESSAGE)}
    assert "missing-acknowledgement" in rules


def test_docs_page_shows_the_table() -> None:
    """docs/concepts/playbook.md holds the table as the code has it (tools/generate_docs.py)."""
    from deescalate.playbook import table_markdown
    from tests.conftest import REPO_ROOT

    page = (REPO_ROOT / "docs" / "concepts" / "playbook.md").read_text(encoding="utf-8")
    assert table_markdown() in page


def test_restatement_applies_only_to_a_stated_problem() -> None:
    """Without a problem to say back, the restate row neither applies nor is flagged."""
    stated = advise(PlaybookState(Stage.IRATE, frozenset({Step.ACKNOWLEDGE, Step.SOLVE})))
    unstated = advise(
        PlaybookState(Stage.IRATE, frozenset({Step.ACKNOWLEDGE, Step.SOLVE}), problem_stated=False)
    )
    assert "missing-restatement" in stated.flagged_rules
    assert Step.RESTATE not in unstated.missing_steps
    assert "missing-restatement" not in unstated.flagged_rules
