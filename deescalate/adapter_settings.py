"""Reading an adapter's ``DEESCALATE_<SYSTEM>_...`` variables into its settings model.

Adapters share this so their ``from_env`` behaves alike: only the given environment is read (never
the process environment behind the caller's back), blank values count as unset, an unknown
variable under the prefix is refused (a misspelt name must not pass silently), and every problem
is a :class:`~deescalate.errors.ConfigurationError` naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from deescalate.errors import ConfigurationError

__all__ = ["describe_errors", "settings_from_env", "values_from_env"]

ModelT = TypeVar("ModelT", bound=BaseModel)


def values_from_env(prefix: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The non-blank variables under ``prefix``, keyed by lower-cased field name."""
    env = os.environ if environ is None else environ
    return {
        name.removeprefix(prefix).lower(): value
        for name, value in env.items()
        if name.startswith(prefix) and value != ""
    }


def settings_from_env(
    model: type[ModelT], values: Mapping[str, Any], *, prefix: str, system: str
) -> ModelT:
    """Validate ``values`` (from :func:`values_from_env`, plus any defaults the adapter adds)."""
    known = set(model.model_fields)
    unknown = sorted(f"{prefix}{name.upper()}" for name in values if name not in known)
    if unknown:
        raise ConfigurationError(f"unknown {system} setting: {', '.join(unknown)}")
    try:
        # model_validate reads only these values, never the process environment again.
        return model.model_validate(dict(values))
    except ValidationError as exc:
        raise ConfigurationError(describe_errors(exc, prefix=prefix, system=system)) from None


def describe_errors(exc: ValidationError, *, prefix: str, system: str) -> str:
    """One line naming each bad variable. A check across fields names its variable at the start
    of its message (``"TOKEN: set EMAIL and TOKEN"``)."""
    problems = []
    for error in exc.errors():
        location = [str(part) for part in error["loc"]]
        message = str(error["msg"]).removeprefix("Value error, ")
        if location:
            variable = f"{prefix}{location[0].upper()}"
        else:
            name, _, message = message.partition(": ")
            variable = f"{prefix}{name}"
        problems.append(f"{variable}: {message}")
    return f"invalid {system} settings: " + "; ".join(problems)
