"""The Spanish signal pack: the same signal codes, in the words Spanish-speaking customers use."""

from __future__ import annotations

import pytest

from deescalate import Stage, assess


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        (
            "Estoy muy molesto, esto es una vergüenza y quiero hablar con el gerente.",
            {"expresses-frustration", "blame", "asks-for-manager"},
        ),
        ("Llevo tres horas esperando y nadie me responde.", {"waiting"}),
        ("Es la tercera vez que escribo por lo mismo.", {"repeat-contact"}),
        ("Como ya dije, no me están escuchando.", {"feels-unheard"}),
        ("Me dijeron que me llamarían ayer y nunca me llamó nadie.", {"broken-promise"}),
        ("Si no lo arreglan hoy, me doy de baja y lo denuncio.", {"threatens-to-leave"}),
        ("Voy a hablar con mi abogado.", {"threatens-legal"}),
        ("Esto es inaceptable, estoy furiosa.", {"expresses-anger"}),
    ],
)
def test_spanish_complaints_carry_their_signals(text: str, codes: set[str]) -> None:
    """Spanish messages are assessed, not set aside, and show the signals they contain."""
    result = assess(text)
    assert result.language in ("es", None)  # short texts may have too few function words to tell
    assert result.language_supported
    assert codes <= result.codes
    assert result.stage >= Stage.FRUSTRATED


def test_spanish_without_accents_is_read_too() -> None:
    """Customers often type without accents: 'verguenza' counts like 'vergüenza'."""
    assert "blame" in assess("Esto es una verguenza, de verdad que no lo entiendo.").codes


def test_spanish_thanks_is_calm() -> None:
    """A thank-you in Spanish de-escalates."""
    result = assess("Muchas gracias por su ayuda, ya funciona perfectamente.")
    assert result.stage is Stage.CALM
    assert "gratitude" in result.codes


def test_spanish_negation_vetoes_the_feeling() -> None:
    """'no estoy enfadado' is no evidence of anger."""
    assert (
        "expresses-anger" not in assess("No estoy enfadado, solo quiero saber cuándo llega.").codes
    )


def test_spanish_manager_request_wants_handoff() -> None:
    """Asking for a supervisor in Spanish sets ``wants_handoff`` as in English."""
    assert assess("Páseme con un supervisor, por favor, esto ya es demasiado.").wants_handoff


@pytest.mark.parametrize("text", ["Muchas gracias por todo.", "Gracias por su ayuda, ya está."])
def test_spanish_sincere_thanks_is_gratitude(text: str) -> None:
    """The sincere-thanks phrases match as written (they were one phrase with a nested choice)."""
    assert any(s.rule == "es-gratitude" for s in assess(text).signals)
