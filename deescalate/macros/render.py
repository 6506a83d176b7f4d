"""Rendering macros in Jinja2's immutable sandbox, with dates in the customer's locale and zone.

Templates are Jinja2 text with the placeholders of :data:`~deescalate.macros.models.PLACEHOLDERS`
(and a team's own). Three filters format times for the customer: ``date`` (the full date),
``time`` (the short time) and ``datetime`` (both), in ``MacroValues.locale`` and
``MacroValues.tz``. Before rendering, every placeholder the template uses is checked: if any has
no value, :class:`~deescalate.errors.MissingValuesError` lists them all, so a customer never sees a
blank. The sandbox refuses attribute access to Python internals (``__class__``, ``mro`` and the
like), any mutation, the power operator and huge repetitions (``"x" * 10**9``); such a template
fails with :class:`~deescalate.errors.TemplateError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deescalate.errors import InputError, MissingValuesError, TemplateError, UnknownTimeZoneError
from deescalate.macros.models import MacroValues, RenderedMacro, Variant
from deescalate.once import once

if TYPE_CHECKING:
    from jinja2.runtime import Context
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from deescalate.macros.library import MacroLibrary
    from deescalate.stages import Stage

__all__ = [
    "check_template",
    "fill_placeholders",
    "pick_variant",
    "placeholders_of",
    "render_macro",
    "render_template",
]

_LOCALE_KEY = "_deescalate_locale"
_TZ_KEY = "_deescalate_tz"
_SPACES = re.compile(r"[ \t]{2,}")

_MAX_REPEAT = 10_000  # characters or items a template may build with ``*``


@once
def _environment() -> ImmutableSandboxedEnvironment:
    from jinja2 import StrictUndefined, pass_context
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class _Sandbox(ImmutableSandboxedEnvironment):
        """The immutable sandbox, also refusing ``**`` and huge ``"x" * n`` repetitions."""

        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
            if operator == "**":
                raise SecurityError("the power operator is not allowed in macros")
            sized = [v for v in (left, right) if isinstance(v, str | list | tuple)]
            counts = [v for v in (left, right) if isinstance(v, int)]
            if sized and counts and len(sized[0]) * counts[0] > _MAX_REPEAT:
                raise SecurityError(f"repetition beyond {_MAX_REPEAT} is not allowed in macros")
            return super().call_binop(context, operator, left, right)

    env = _Sandbox(undefined=StrictUndefined, autoescape=False)
    env.filters["date"] = pass_context(_format_date)
    env.filters["time"] = pass_context(_format_time)
    env.filters["datetime"] = pass_context(_format_datetime)
    return env


def _localized(context: Context, value: object) -> tuple[datetime, Any] | None:
    if not isinstance(value, datetime):
        return None  # exports pass helpdesk placeholders through as text
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(f"times in macros must be time-zone aware, not {value.isoformat()}")
    return value.astimezone(context[_TZ_KEY]), context[_LOCALE_KEY]


def _format_date(context: Context, value: object) -> str:
    from babel.dates import format_date

    local = _localized(context, value)
    return str(value) if local is None else format_date(local[0], "full", locale=local[1])


def _format_time(context: Context, value: object) -> str:
    from babel.dates import format_time

    local = _localized(context, value)
    return str(value) if local is None else format_time(local[0], "short", locale=local[1])


def _format_datetime(context: Context, value: object) -> str:
    from babel.dates import format_date, format_time

    local = _localized(context, value)
    if local is None:
        return str(value)
    moment, locale = local
    pattern = str(locale.datetime_formats["long"]).replace("'", "")
    date = format_date(moment, "full", locale=locale)
    return pattern.format(format_time(moment, "short", locale=locale), date)


def check_template(source: str) -> None:
    """Raise ValueError when ``source`` is not a valid template (used when loading libraries)."""
    from jinja2 import TemplateSyntaxError

    try:
        _environment().parse(source)
    except TemplateSyntaxError as exc:
        raise ValueError(f"template syntax error on line {exc.lineno}: {exc.message}") from exc


def placeholders_of(source: str) -> frozenset[str]:
    """The names a template reads from its values (filters and Jinja globals excluded)."""
    from jinja2 import meta

    env = _environment()
    names = meta.find_undeclared_variables(env.parse(source))
    return frozenset(names - set(env.globals))


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
    from jinja2 import TemplateError as JinjaTemplateError
    from jinja2 import UndefinedError
    from jinja2.exceptions import SecurityError

    context = values.as_context()
    missing = tuple(sorted(placeholders_of(source) - context.keys()))
    if missing:
        raise MissingValuesError(missing, macro=macro)
    context[_LOCALE_KEY] = _locale(values.locale)
    context[_TZ_KEY] = _zone(values.tz)
    try:
        text = _environment().from_string(source).render(context)
    except SecurityError as exc:
        raise TemplateError(f"the template tried something the sandbox forbids: {exc}") from exc
    except UndefinedError as exc:
        raise TemplateError(f"the template reads a value that does not exist: {exc}") from exc
    except JinjaTemplateError as exc:
        raise TemplateError(f"the template cannot be rendered: {exc}") from exc
    return _SPACES.sub(" ", text).strip()


def fill_placeholders(source: str, placeholders: Mapping[str, str]) -> str:
    """Render ``source`` with text standing in for each value, for helpdesks' own macro systems.

    A placeholder without an entry in ``placeholders`` becomes ``[name]``, a visible marker the
    agent replaces before sending; the time filters pass such text through unchanged.
    """
    from jinja2.exceptions import SecurityError

    context: dict[str, Any] = {
        name: placeholders.get(name, f"[{name}]") for name in placeholders_of(source)
    }
    context[_LOCALE_KEY] = None
    context[_TZ_KEY] = None
    try:
        text = _environment().from_string(source).render(context)
    except SecurityError as exc:
        raise TemplateError(f"the template tried something the sandbox forbids: {exc}") from exc
    return _SPACES.sub(" ", text).strip()


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
    from deescalate.macros.library import MacroLibrary

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
