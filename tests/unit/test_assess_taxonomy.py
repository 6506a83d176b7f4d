"""The taxonomy's examples and rules of thumb, as requirements of ``assess``."""

from __future__ import annotations

import pytest

from deescalate import Stage, assess


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("My order hasn't arrived yet, could you check on it?", Stage.CALM),
        ("I've had to wait 20 minutes to get through.", Stage.FRUSTRATED),
        ("I don't understand why this keeps happening.", Stage.FRUSTRATED),
        (
            "I'm really disappointed. I expected much better after five years as a customer.",
            Stage.UPSET,
        ),
        ("You're not listening. Let me say it again.", Stage.ANGRY),
        ("Why can't you people learn to pick up the telephone?", Stage.ANGRY),
        ("This is a joke. Get me your supervisor NOW or I'm calling my lawyer.", Stage.IRATE),
    ],
)
def test_taxonomy_examples_land_on_their_stage(text: str, stage: Stage) -> None:
    """Each stage's example in taxonomy.md is rated at that stage."""
    assert assess(text).stage is stage


def test_size_of_problem_is_not_emotion() -> None:
    """A big problem reported with a controlled tone is frustrated at most."""
    assert (
        assess("My server is down and we are losing money, please help.").stage <= Stage.FRUSTRATED
    )


def test_politeness_does_not_cancel_anger() -> None:
    """'Kindly stop wasting my time' is angry."""
    assert assess("Kindly stop wasting my time.").stage is Stage.ANGRY


@pytest.mark.parametrize(
    "text", ["No problem at all, thanks!", "Not bad.", "No complaints here, all good."]
)
def test_negation_and_praise_are_calm(text: str) -> None:
    """Negated trouble words and praise read as calm."""
    assert assess(text).stage is Stage.CALM


def test_negated_emotion_word_is_not_evidence() -> None:
    """'not unhappy' does not produce a disappointment signal."""
    result = assess("To be clear, I am not unhappy with the service.")
    assert "expresses-disappointment" not in result.codes
    assert result.stage is Stage.CALM


def test_calm_threat_carries_the_signal_at_a_low_stage() -> None:
    """A threat made calmly keeps its signal but sits at frustrated or upset."""
    result = assess("If this can't be fixed I'd like to cancel my subscription.")
    assert "threatens-to-leave" in result.codes
    assert Stage.FRUSTRATED <= result.stage <= Stage.UPSET


@pytest.mark.parametrize(
    ("text", "sarcastic"),
    [
        ("Best airline ever #not", True),
        ("Lovely queue today #Sarcasm", True),
        ("It is not my fault, not at all", False),
        ("Waiting again #notfair", False),
    ],
)
def test_a_sarcasm_hashtag_is_sarcasm(text: str, sarcastic: bool) -> None:
    assert ("sarcasm-hashtag" in {s.rule for s in assess(text).signals}) is sarcastic


def test_sarcastic_praise_is_sarcasm() -> None:
    """Praise next to a complaint in one sentence is read as sarcasm."""
    result = assess("Great job, really, third outage this week.")
    assert "sarcasm" in result.codes
    assert "gratitude" not in result.codes
    assert result.stage >= Stage.ANGRY


def test_sincere_thanks_de_escalates() -> None:
    """Thanks that stands alone is gratitude and lowers the stage."""
    result = assess("Thanks, that really helped!")
    assert "gratitude" in result.codes
    assert result.stage is Stage.CALM


@pytest.mark.parametrize(
    "text", ["This update is fucking awesome, thanks!", "Hell yeah, it works now."]
)
def test_positive_swearing_is_not_profanity(text: str) -> None:
    """Swearing as an intensifier of praise is not a profanity signal."""
    assert "profanity" not in assess(text).codes


def test_insult_aimed_at_agent_is_irate() -> None:
    """Abuse aimed at the agent or company is irate."""
    result = assess("You are useless idiots. Fuck you!!!")
    assert "profanity" in result.codes
    assert result.stage is Stage.IRATE


def test_manager_request_wants_handoff() -> None:
    """asks-for-manager sets wants_handoff."""
    result = assess("I want to speak to your manager.")
    assert result.wants_handoff
    assert not assess("Where is my parcel?").wants_handoff


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("I've been on hold for 45 minutes.", "waiting"),
        ("This makes no sense at all.", "confusion"),
        ("This is the third time I'm writing about this.", "repeat-contact"),
        ("As I already said, the device is new.", "feels-unheard"),
        ("You said someone would call me back yesterday.", "broken-promise"),
        ("You people never get anything right.", "blame"),
        ("Oh great, another update that breaks everything.", "sarcasm"),
        ("THIS IS UNACCEPTABLE!!!", "shouting"),
        ("What the hell is wrong with this thing", "profanity"),
        ("Let me speak to your manager.", "asks-for-manager"),
        ("I'm switching to another provider.", "threatens-to-leave"),
        ("My attorney will be in touch.", "threatens-legal"),
        ("I'll post this everywhere online.", "threatens-public"),
        ("Fix it by Friday or else.", "ultimatum"),
        ("Thanks, that really helped.", "gratitude"),
    ],
)
def test_every_taxonomy_signal_is_detected(text: str, code: str) -> None:
    """Each signal code of taxonomy.md section 2 has evidence it fires on."""
    assert code in assess(text).codes


def test_acronyms_and_product_names_are_not_shouting() -> None:
    """Capitalized acronyms and product names are not a shouting signal."""
    result = assess("My HP LASERJET shows a USB error when I print a PDF.")
    assert "shouting" not in result.codes


def test_score_is_monotone_with_stage() -> None:
    """Higher stages always come with higher scores."""
    texts = [
        "Could you check my order?",
        "I've been waiting for two weeks.",
        "I'm really disappointed with this.",
        "You're not listening to me at all.",
        "This is a joke. Get me your supervisor NOW or I'm calling my lawyer!!!",
    ]
    results = sorted((assess(t) for t in texts), key=lambda r: r.score)
    stages = [r.stage for r in results]
    assert stages == sorted(stages)
    assert len(set(stages)) >= 4
    scores = [r.score for r in results]
    assert all(0.0 <= s <= 1.0 for s in scores)
    for result in results:
        assert result.stage.rank == min(4, int(result.score * 5))
