"""What a new user found by trying assess: languages, routing wordings, sarcasm, formal fury."""

from __future__ import annotations

import pytest

from deescalate import Stage, assess


@pytest.mark.parametrize("text", ["Ich bin wütend!!!", "我很生气！！！", "Je suis très fâché."])
def test_an_unsupported_language_is_never_reported_calm(text: str) -> None:
    """Text no pack covers says its language is unsupported and its stage unknown."""
    result = assess(text)
    assert result.language_supported is False
    assert result.stage_name == "unknown"
    assert result.to_dict()["stage"] == "unknown"


def test_a_supported_message_reports_its_stage_name() -> None:
    """stage_name is the stage's own name when the language is covered."""
    assert assess("Could you check on my order, please?").stage_name == "calm"


def test_spanish_picks_up_no_english_lexicon_cues() -> None:
    """Spanish "con" and "me" are not read as the English lexicon's words."""
    result = assess("Estoy muy enfadado con me pedido, no funciona con nada")
    assert result.language == "es"
    assert result.cues == ()
    assert "expresses-anger" in result.codes


@pytest.mark.parametrize(
    "text",
    [
        "Is there anyone above you?",
        "Whoever is in charge, I want a call today.",
        "Transfer me to a human.",
    ],
)
def test_asking_past_the_agent_asks_for_a_manager(text: str) -> None:
    """Asking for someone above the agent, or for a human, wants a handoff."""
    assert assess(text).wants_handoff


@pytest.mark.parametrize("text", ["Please cancel my order.", "I'm going to leave a review."])
def test_an_ordinary_request_is_no_threat(text: str) -> None:
    """Cancelling one order or leaving a review threatens nothing."""
    result = assess(text)
    assert not {"threatens-to-leave", "threatens-public"} & result.codes
    assert result.stage is Stage.CALM


@pytest.mark.parametrize(
    "text",
    ["Thanks for nothing.", "Money well spent, the kettle broke after two days."],
)
def test_sarcasm_built_on_thanks_is_sarcasm(text: str) -> None:
    """Thanks and praise said of a failure are sarcasm."""
    assert "sarcasm" in assess(text).codes


def test_formal_fury_is_angry() -> None:
    """Weeks of waiting and repeated assurances, in polite words, rate upset or worse."""
    text = (
        "I have contacted you on five separate occasions over the last month. Each time I was "
        "assured the engineer would call within two days. I am not prepared to wait any longer "
        "and I now expect a full refund."
    )
    assert assess(text).stage >= Stage.UPSET


@pytest.mark.parametrize(
    "text",
    [
        "Still no refund after a month. Thanks a bunch.",
        "The engineer didn't turn up, again. Cheers for that, really helpful.",
        "Two hours on hold. Cheers guys.",
        "Cheers for nothing.",
    ],
)
def test_a_closing_thanks_after_a_complaint_is_sarcasm(text: str) -> None:
    """Thanks closing a message right after a complaint is sarcasm, not gratitude."""
    result = assess(text)
    assert "sarcasm" in result.codes
    assert "gratitude" not in result.codes


@pytest.mark.parametrize(
    "text",
    [
        "Thanks a bunch, the new router works perfectly.",
        "I had a problem logging in, but it's fixed now. Thanks a lot!",
        "The parcel was late but it's here now. Thanks so much for chasing it.",
    ],
)
def test_a_sincere_closing_thanks_stays_calm(text: str) -> None:
    """Thanks for a fix, or with no complaint before it, is gratitude and calm."""
    result = assess(text)
    assert "sarcasm" not in result.codes
    assert result.stage is Stage.CALM
