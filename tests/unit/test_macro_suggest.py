"""suggest_macros ranks macros by the conversation's stage and the playbook steps still missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from deescalate import InputError, MacroValues, Suggestion, suggest_macros
from tests.unit.macro_factories import PROMISED, conversation

ANGRY = (
    "This is the third time I am writing. My internet has been down since Monday and you people "
    "keep ignoring me. Unacceptable!!"
)
VALUES = MacroValues(company="Northwind Broadband", tz="America/New_York", locale="en_US")


def _names(suggestions: tuple[Suggestion, ...]) -> list[str]:
    return [s.macro for s in suggestions]


def test_angry_unacknowledged_customer_gets_acknowledgement_first() -> None:
    """No reply has named the emotion yet: the acknowledgement comes first."""
    suggestions = suggest_macros(conversation(("customer", ANGRY)), VALUES)
    first = suggestions[0]
    assert first.macro == "acknowledgement"
    assert "acknowledged" in first.reason
    assert first.text is not None
    assert first.text.startswith("Dana")


def test_angry_customer_also_gets_restatement_with_their_problem() -> None:
    """The restatement quotes the problem sentence, in the second person, and verifies it."""
    suggestions = suggest_macros(conversation(("customer", ANGRY)), VALUES)
    restatement = next(s for s in suggestions if s.macro == "restatement")
    assert restatement.text is not None
    assert "your internet has been down since Monday" in restatement.text
    assert restatement.text.endswith("?")


def test_acknowledged_customer_is_not_acknowledged_again() -> None:
    """Once a reply acknowledged the feeling, the acknowledgement drops out."""
    convo = conversation(
        ("customer", ANGRY),
        ("agent", "I understand how frustrating this is, Dana, and I'm sorry. I'll look now."),
        ("customer", ANGRY),
    )
    names = _names(suggest_macros(convo, VALUES))
    assert "acknowledgement" not in names
    assert "apology" not in names


def test_solved_ticket_with_broken_promise_gets_the_follow_through_apology() -> None:
    """Solved, but the promised update never came: apologize for that first."""
    convo = conversation(
        ("customer", "My internet has been down since Monday."),
        ("agent", "I'll update you by 2 pm tomorrow."),
        ("customer", "It works now, thanks."),
    )
    suggestions = suggest_macros(convo, VALUES, solved=True, broken_promises=[PROMISED])
    first = suggestions[0]
    assert (first.macro, first.variant) == ("apology", "missed-update-solved")
    assert "November 24, 2026" in (first.text or "")
    assert "follow-up-check" in _names(suggestions)


@dataclass(frozen=True)
class _Obligation:
    due_at: datetime | None


def test_broken_promises_may_be_ledger_objects() -> None:
    """Anything with ``due_at`` counts; the latest due time is the one quoted."""
    later = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    suggestions = suggest_macros(
        conversation(("customer", "Any news on my refund?")),
        VALUES,
        solved=True,
        broken_promises=[_Obligation(PROMISED), _Obligation(later), _Obligation(None)],
    )
    assert "November 26, 2026" in (suggestions[0].text or "")


def test_broken_promise_in_the_customers_words_counts() -> None:
    """'You said someone would call me back' on an open ticket brings the overdue update first."""
    convo = conversation(
        (
            "customer",
            "You said someone would call me back yesterday and nobody did. My internet is still down.",
        )
    )
    suggestions = suggest_macros(convo, VALUES)
    assert suggestions[0].macro == "follow-through-update"
    assert "apology" in _names(suggestions)


def test_update_without_status_says_what_is_missing() -> None:
    """The overdue update cannot be written without the status: no blank, the names instead."""
    suggestions = suggest_macros(
        conversation(("customer", ANGRY)), VALUES, broken_promises=[PROMISED]
    )
    update = next(s for s in suggestions if s.macro == "follow-through-update")
    assert update.text is None
    assert "status" in update.missing
    assert update.to_dict()["missing"] == list(update.missing)


def test_update_renders_when_the_status_is_given() -> None:
    """With the status and the next contact, the overdue update is written in full."""
    values = MacroValues(
        company="Northwind Broadband",
        status="the replacement part arrives tomorrow morning.",
        next_contact_at=datetime(2026, 11, 25, 15, 0, tzinfo=UTC),
        tz="America/New_York",
    )
    suggestions = suggest_macros(
        conversation(("customer", ANGRY)), values, broken_promises=[PROMISED]
    )
    update = next(s for s in suggestions if s.macro == "follow-through-update")
    assert update.variant == "late"
    assert update.text is not None
    assert "replacement part arrives" in update.text


def test_request_for_a_manager_gets_the_handoff() -> None:
    """Asking for a manager brings the handoff near the top."""
    convo = conversation(("customer", "I want to speak to your manager. My order never arrived."))
    suggestions = suggest_macros(convo, VALUES)
    assert "handoff" in _names(suggestions)[:3]


def test_solved_difficult_ticket_gets_the_follow_up_check() -> None:
    """A solved ticket that reached upset or worse gets the follow-up check, and no restatement."""
    convo = conversation(
        ("customer", ANGRY),
        ("agent", "I understand, and I'm sorry. I've reset the line."),
        ("customer", "Thanks, it works now."),
    )
    suggestions = suggest_macros(convo, VALUES, solved=True)
    assert suggestions[0].macro == "follow-up-check"
    assert "restatement" not in _names(suggestions)


def test_calm_open_ticket_gets_restatement_and_next_step() -> None:
    """A calm first message: restate it and offer to hold or call back."""
    convo = conversation(("customer", "Hi, my order has not arrived yet, could you check on it?"))
    names = _names(suggest_macros(convo, VALUES))
    assert names == ["restatement", "hold-or-callback"]


def test_spanish_locale_gives_spanish_text() -> None:
    """The customer's locale chooses the language of every suggestion."""
    values = MacroValues(company="Northwind", locale="es_ES", tz="Europe/Madrid")
    suggestions = suggest_macros(conversation(("customer", ANGRY), name="Lucía"), values)
    assert suggestions[0].text is not None
    assert "Lucía" in suggestions[0].text
    assert any("¿" in (s.text or "") for s in suggestions)


def test_seed_varies_wording_reproducibly() -> None:
    """The same seed always gives the same wording; different seeds may differ."""
    convo = conversation(("customer", ANGRY))
    first = [s.variant for s in suggest_macros(convo, VALUES, seed="ticket-1")]
    again = [s.variant for s in suggest_macros(convo, VALUES, seed="ticket-1")]
    assert first == again
    seen = {
        tuple(s.variant for s in suggest_macros(convo, VALUES, seed=f"t{i}")) for i in range(12)
    }
    assert len(seen) > 1


def test_limit_keeps_the_best() -> None:
    """``limit`` keeps the first suggestions only."""
    convo = conversation(("customer", ANGRY))
    assert suggest_macros(convo, VALUES, limit=2) == suggest_macros(convo, VALUES)[:2]


def test_suggestions_are_ordered_by_score() -> None:
    """Suggestions come best first."""
    scores = [s.score for s in suggest_macros(conversation(("customer", ANGRY)), VALUES)]
    assert scores == sorted(scores, reverse=True)


def test_locale_without_macros_is_an_error() -> None:
    """A language with no macros at all is reported, not answered with an empty list."""
    with pytest.raises(InputError, match=r"no macros in 'de_DE' \(languages: en, es\)"):
        suggest_macros(conversation(("customer", ANGRY)), MacroValues(locale="de_DE"))


def test_naive_broken_promise_is_an_error() -> None:
    """A due time without a zone cannot be shown to the customer."""
    with pytest.raises(InputError, match="time-zone aware"):
        suggest_macros(
            conversation(("customer", ANGRY)), VALUES, broken_promises=[datetime(2026, 1, 5, 9)]
        )


def test_example_script_runs() -> None:
    """examples/suggest_a_macro.py prints the acknowledgement first and the missed-time apology."""
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "examples" / "suggest_a_macro.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("acknowledgement (")
    assert "needs: next_contact_at, status" in done.stdout
    assert "4:00" in done.stdout


@pytest.mark.parametrize("locale", ["en_US", "en-US", "en-GB", "EN-us", "en"])
def test_hyphenated_locale_restates_in_the_second_person(locale: str) -> None:
    """A helpdesk's "en-US" turns "you charged my card" into "we charged your card" as "en_US" does."""
    values = MacroValues(company="Northwind", locale=locale, tz="America/New_York")
    angry = "This is the third time I am writing. You charged my card twice for one order!!"
    suggestions = suggest_macros(conversation(("customer", angry)), values)
    restatement = next(s for s in suggestions if s.macro == "restatement")
    assert restatement.text is not None
    assert "we charged your card twice" in restatement.text


def test_hyphenated_spanish_locale_gives_spanish_text() -> None:
    """Zendesk's "es-ES" chooses the Spanish macros as "es_ES" does."""
    values = MacroValues(company="Northwind", locale="es-ES", tz="Europe/Madrid")
    suggestions = suggest_macros(conversation(("customer", ANGRY), name="Lucía"), values)
    assert any("¿" in (s.text or "") for s in suggestions)
