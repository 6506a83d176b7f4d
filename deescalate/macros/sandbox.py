"""The template engine macros are written for: Jinja2's immutable sandbox, with time filters.

Templates are Jinja2 text with the placeholders of :data:`~deescalate.macros.models.PLACEHOLDERS`
(and a team's own). Three filters format times for the customer: ``date`` (the full date),
``time`` (the short time) and ``datetime`` (both), in the locale and zone the caller passes. The
sandbox refuses attribute access to Python internals (``__class__``, ``mro`` and the like), any
mutation, the power operator and huge repetitions (``"x" * 10**9``); such a template fails with
:class:`~deescalate.errors.TemplateError`. Both the library loader (which parses every template
when a file is read) and the renderer use this module; it imports neither of them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deescalate.errors import InputError, TemplateError
from deescalate.once import once

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.runtime import Context
    from jinja2.sandbox import ImmutableSandboxedEnvironment

__all__ = ["check_template", "placeholders_of", "render_sandboxed"]

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


@functools.lru_cache(maxsize=2048)
def placeholders_of(source: str) -> frozenset[str]:
    """The names a template reads from its values (filters and Jinja globals excluded)."""
    from jinja2 import meta

    env = _environment()
    names = meta.find_undeclared_variables(env.parse(source))
    return frozenset(names - set(env.globals))


@functools.lru_cache(maxsize=2048)
def _compiled(source: str) -> Template:
    """A template compiled once: compiling costs milliseconds, rendering microseconds."""
    return _environment().from_string(source)


def render_sandboxed(source: str, values: Mapping[str, Any], *, locale: Any, tz: Any) -> str:
    """Render ``source`` with ``values``, the time filters in Babel ``locale`` and zone ``tz``.

    Runs of spaces the template leaves are closed up and the ends stripped. Jinja2's errors
    become :class:`~deescalate.errors.TemplateError`, saying what the template tried.
    """
    from jinja2 import TemplateError as JinjaTemplateError
    from jinja2 import UndefinedError
    from jinja2.exceptions import SecurityError

    context = {**values, _LOCALE_KEY: locale, _TZ_KEY: tz}
    try:
        text = _compiled(source).render(context)
    except SecurityError as exc:
        raise TemplateError(f"the template tried something the sandbox forbids: {exc}") from exc
    except UndefinedError as exc:
        raise TemplateError(f"the template reads a value that does not exist: {exc}") from exc
    except JinjaTemplateError as exc:
        raise TemplateError(f"the template cannot be rendered: {exc}") from exc
    return _SPACES.sub(" ", text).strip()
