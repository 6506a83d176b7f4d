"""Rendering macros with dates in the customer's locale and zone.

Templates run in the sandbox of :mod:`deescalate.macros.sandbox`; the time filters there use
``MacroValues.locale`` and ``MacroValues.tz``. Before rendering, every placeholder the template
uses is checked: if any has no value, :class:`~deescalate.errors.MissingValuesError` lists them
all, so a customer never sees a blank. A template that tries what the sandbox forbids fails with
:class:`~deescalate.errors.TemplateError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from deescalate.errors import InputError, MissingValuesError, UnknownTimeZoneError
from deescalate.macros.library import MacroLibrary
from deescalate.macros.models import MacroValues, RenderedMacro, Variant
from deescalate.macros.sandbox import placeholders_of, render_sandboxed

if TYPE_CHECKING:
    from deescalate.stages import Stage

__all__ = ["fill_placeholders", "pick_variant", "render_macro", "render_template"]


def _locale(name: str) -> Any:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise InputError(f"unknown locale {name!r}: use a name such as 'en_US' or 'es'") from exc


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownTimeZoneError(name) from exc


def render_template(source: str, values: MacroValues, *, macro: str | None = None) -> str:
    """Render ``source`` with ``values``; every missing placeholder is named in one error."""
    context = values.as_context()
    missing = tuple(sorted(placeholders_of(source) - context.keys()))
    if missing:
        raise MissingValuesError(missing, macro=macro)
    return render_sandboxed(source, context, locale=_locale(values.locale), tz=_zone(values.tz))


def fill_placeholders(source: str, placeholders: Mapping[str, str]) -> str:
    """Render ``source`` with text standing in for each value, for helpdesks' own macro systems.

    A placeholder without an entry in ``placeholders`` becomes ``[name]``, a visible marker the
    agent replaces before sending; the time filters pass such text through unchanged.
    """
    context = {name: placeholders.get(name, f"[{name}]") for name in placeholders_of(source)}
    return render_sandboxed(source, context, locale=None, tz=None)


def pick_variant(
    variants: tuple[Variant, ...], stage: Stage | None, situations: frozenset[str]
) -> Variant:
    """The first variant written for ``stage`` whose situations all hold, preferring the most specific.

    Variants written for situations that do not hold are skipped; when none fits, the first
    variant without situations is used.
    """
    fitting = [
        v for v in variants if v.situations <= situations and (stage is None or stage in v.stages)
    ]
    if fitting:
        return max(fitting, key=lambda v: len(v.situations))
    general = [v for v in variants if not v.situations]
    return general[0] if general else variants[0]


def render_macro(
    name: str,
    values: MacroValues | None = None,
    *,
    variant: str | None = None,
    stage: Stage | None = None,
    library: MacroLibrary | None = None,
) -> RenderedMacro:
    """Render macro ``name`` in the language of ``values.locale``.

    ``variant`` picks a wording by id; otherwise the first one written for ``stage`` is used.
    Raises :class:`~deescalate.errors.InputError` for an unknown macro, variant, locale or time
    zone and :class:`~deescalate.errors.MissingValuesError` when placeholders have no value.
    """
    values = values or MacroValues()
    macro = (library or MacroLibrary.default()).get(name, values.locale)
    if variant is not None:
        try:
            chosen = macro.variant(variant)
        except KeyError as exc:
            raise InputError(exc.args[0]) from exc
    else:
        chosen = pick_variant(macro.variants, stage, frozenset())
    text = render_template(chosen.text, values, macro=name)
    return RenderedMacro(macro=name, variant=chosen.id, language=macro.language, text=text)
