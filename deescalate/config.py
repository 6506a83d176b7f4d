"""One settings file, ``deescalate.toml``, beside the ``DEESCALATE_`` environment.

The file holds the core settings as top-level keys (the names of :class:`~deescalate.settings.Settings`
fields) and each helpdesk's settings in a table named after it::

    helpdesk = "zendesk"
    database_url = "postgresql://deescalate@db/deescalate"
    timezone = "Europe/Berlin"
    tag_prefix = "deescalate-"
    escalate_priority = "urgent"

    [zendesk]
    url = "https://acme.zendesk.com"
    email = "bot@acme.com"
    # secrets are better left to the environment: DEESCALATE_ZENDESK_TOKEN

Precedence, highest first: command-line options, the environment, the file, the defaults. A
helpdesk table's keys become ``DEESCALATE_<SYSTEM>_<KEY>`` for the adapter's ``from_env``, again
below the environment. Every error names the file and the key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from deescalate.errors import ConfigurationError
from deescalate.settings import Settings

__all__ = ["DEFAULT_CONFIG", "Configuration", "load_configuration"]

DEFAULT_CONFIG = Path("deescalate.toml")
"""Read from the working directory when it exists and no other file is named."""

_ENV_PREFIX = "DEESCALATE_"


@dataclass(frozen=True, slots=True)
class Configuration:
    """The settings, and the environment an adapter's ``from_env`` should read."""

    settings: Settings
    environ: Mapping[str, str] = field(default_factory=dict)
    source: Path | None = None


def load_configuration(path: str | Path | None = None) -> Configuration:
    """Read ``path`` (else ``$DEESCALATE_CONFIG``, else ``./deescalate.toml`` when present) under
    the process environment; ``ConfigurationError`` names the file and the key of a bad value."""
    env = dict(os.environ)
    chosen = Path(path) if path is not None else _default_path(env)
    data: dict[str, Any] = {}
    if chosen is not None:
        data = _read(chosen)
    fields = Settings.model_fields
    tables = {key: value for key, value in data.items() if isinstance(value, dict)}
    core = {key: value for key, value in data.items() if key not in tables}
    unknown = [key for key in core if key not in fields]
    if unknown:
        raise ConfigurationError(
            f"{chosen}: unknown key {unknown[0]!r} (known: {', '.join(sorted(fields))})"
        )
    from_file = {k: v for k, v in core.items() if f"{_ENV_PREFIX}{k.upper()}" not in env}
    try:
        settings = Settings(**from_file)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        where = f"{chosen}: key {key!r}" if key in from_file else f"{_ENV_PREFIX}{key.upper()}"
        raise ConfigurationError(f"{where}: {first['msg']}") from exc
    merged = dict(env)
    for system, table in tables.items():
        for key, value in table.items():
            name = f"{_ENV_PREFIX}{system.upper()}_{key.upper()}"
            merged.setdefault(name, _as_env(value, chosen, f"{system}.{key}"))
    return Configuration(settings, merged, chosen)


def _default_path(env: Mapping[str, str]) -> Path | None:
    named = env.get(f"{_ENV_PREFIX}CONFIG")
    if named:
        return Path(named)
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigurationError(f"no settings file at {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigurationError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _as_env(value: Any, path: Path | None, key: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise ConfigurationError(f"{path}: key {key!r} must be a string, number or boolean")
