"""Rendering macros: every shipped one renders, dates follow the customer, nothing leaks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from deescalate import (
    InputError,
    MacroLibrary,
    MacroValues,
    MissingValuesError,
    TemplateError,
    UnknownTimeZoneError,
    render_macro,
)
from deescalate.macros import render_template
from tests.unit.macro_factories import values

SHIPPED = [
    (macro.name, macro.language, variant.id)
    for macro in MacroLibrary.default()
    for variant in macro.variants
    if macro.public
]
NOTES = [
    (macro.name, macro.language, variant.id)
    for macro in MacroLibrary.default()
    for variant in macro.variants
    if not macro.public
]


@pytest.mark.parametrize(("name", "language", "variant"), SHIPPED)
def test_every_shipped_variant_renders(name: str, language: str, variant: str) -> None:
    """Each variant of each macro renders with realistic values and no template syntax left."""
    rendered = render_macro(name, values(language), variant=variant)
    assert rendered.language == language
    assert "{{" not in rendered.text
    assert "}}" not in rendered.text
    assert values(language).customer_name in rendered.text  # type: ignore[operator]
    assert "  " not in rendered.text


@pytest.mark.parametrize(("name", "language", "variant"), NOTES)
def test_every_internal_note_renders(name: str, language: str, variant: str) -> None:
    """Each internal note renders with the promise's words and its due time, no syntax left."""
    note_values = replace(values(language), extra={"action": "I'll call you back by 3pm"})
    rendered = render_macro(name, note_values, variant=variant)
    assert "{{" not in rendered.text
    assert "}}" not in rendered.text
    if name != "follow-up-note":
        assert "I'll call you back by 3pm" in rendered.text


def test_dates_follow_the_customers_locale_and_zone() -> None:
    """14:00 UTC is 15:00 in Madrid, in Spanish; 9:00 AM in New York, in English."""
    spanish = render_macro("apology", values("es"), variant="missed-update").text
    assert "martes, 24 de noviembre de 2026" in spanish
    assert "15:00" in spanish
    english = render_macro("apology", values("en"), variant="missed-update").text
    assert "Tuesday, November 24, 2026" in english
    assert "9:00" in english
    assert "AM" in english


def test_british_english_uses_its_own_formats() -> None:
    """en_GB writes the day before the month and a 24-hour clock."""
    text = render_macro(
        "apology", values("en", locale="en_GB", tz="Europe/London"), variant="missed-update"
    ).text
    assert "Tuesday, 24 November 2026" in text
    assert "14:00" in text


def test_missing_values_are_all_listed() -> None:
    """Rendering without the values it needs names every one of them, not just the first."""
    with pytest.raises(MissingValuesError) as caught:
        render_macro("follow-through-update", MacroValues(), variant="as-promised")
    assert caught.value.missing == ("customer_name", "next_contact_at", "promised_at", "status")
    assert "customer_name, next_contact_at, promised_at, status" in str(caught.value)


def test_blank_value_counts_as_missing() -> None:
    """A name of spaces would be a blank in front of the customer: it is missing."""
    with pytest.raises(MissingValuesError, match="customer_name"):
        render_macro("apology", values(customer_name="  "), variant="regret")


def test_team_placeholders_come_from_extra() -> None:
    """A team's own placeholder is filled from ``extra``."""
    text = render_template(
        "{{ customer_name }}: {{ bank_days }} days", values(extra={"bank_days": "3"})
    )
    assert text == "Dana: 3 days"


def test_naive_time_is_refused() -> None:
    """A time without a zone cannot be shown in the customer's zone."""
    with pytest.raises(InputError, match="time-zone aware"):
        render_macro(
            "apology", values(promised_at=datetime(2026, 1, 5, 9)), variant="missed-update"
        )


def test_unknown_time_zone() -> None:
    """An unknown zone name is an UnknownTimeZoneError."""
    with pytest.raises(UnknownTimeZoneError):
        render_macro("apology", values(tz="Mars/Olympus"), variant="regret")


def test_unknown_locale() -> None:
    """An unknown locale is an InputError naming it."""
    with pytest.raises(InputError, match="unknown locale 'xx_YY'"):
        render_template("{{ customer_name }}", values(locale="xx_YY"))


def test_unknown_variant_names_the_known_ones() -> None:
    """Asking for a variant that does not exist lists the ones that do."""
    with pytest.raises(InputError, match="regret"):
        render_macro("apology", values(), variant="grovel")


def test_stage_picks_a_fitting_variant() -> None:
    """Without a variant id, the first wording written for the stage is used."""
    assert render_macro("acknowledgement", values(), stage=None).variant == "frustration"
    from deescalate import Stage

    assert render_macro("acknowledgement", values(), stage=Stage.IRATE).variant == "anger"


ESCAPES = [
    "{{ customer_name.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ customer_name.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ customer_name.format.__self__ }}",
    "{% set x = [] %}{{ x.append(1) }}",
    "{{ extra.update({'a': 'b'}) }}",
    "{{ 'ab' * 1000000 }}",
    "{{ customer_name * 100000 }}",
    "{{ 2 ** 2 }}",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_sandbox_escapes_fail_safely(source: str) -> None:
    """Templates that reach for Python internals or mutate values raise TemplateError."""
    with pytest.raises((TemplateError, MissingValuesError)):
        render_template(source, values(extra={"extra": "x"}))


def test_sandbox_error_does_not_render_anything() -> None:
    """A template that tries to escape fails as a whole: no partial text is returned."""
    with pytest.raises(TemplateError, match="sandbox forbids"):
        render_template("Hi {{ customer_name }} {{ customer_name.__class__ }}", values())


def test_team_file_with_an_escape_fails_at_render(tmp_path: Path) -> None:
    """A team's template that reaches for internals loads, but rendering it raises TemplateError."""
    path = tmp_path / "evil.yaml"
    path.write_text(
        "library: evil\nlanguage: en\nmacros:\n  - name: evil\n    title: Evil\n"
        "    variants:\n      - id: a\n        stages: [calm]\n"
        '        text: "{{ customer_name.__class__.__base__.__subclasses__() }}"\n',
        encoding="utf-8",
    )
    library = MacroLibrary.load([path])
    with pytest.raises(TemplateError, match="sandbox forbids"):
        render_macro("evil", values(), library=library)


def test_small_repetition_is_allowed() -> None:
    """Ordinary use of ``*`` in a template still works."""
    assert render_template("{{ '-' * 3 }} {{ customer_name }}", values()) == "--- Dana"
