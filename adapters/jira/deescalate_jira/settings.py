"""The adapter's settings: ``DEESCALATE_JIRA_*`` environment variables or arguments."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from deescalate.adapter_settings import settings_from_env, values_from_env
from deescalate.helpdesk import Priority

__all__ = ["InternalComments", "JiraSettings"]

ENV_PREFIX = "DEESCALATE_JIRA_"

DEFAULT_PRIORITIES = "Low=low,Lowest=low,Medium=normal,High=high,Highest=urgent"
_CUSTOM_FIELD = re.compile(r"customfield_\d+")
_PROPERTY_KEY = re.compile(r"[A-Za-z0-9._\-]{1,255}")


@dataclass(frozen=True, slots=True)
class InternalComments:
    """How an internal comment is made: ``jsm`` (the ``sd.public.comment`` property), or a
    visibility restriction to a project ``role`` or a ``group`` named ``name``."""

    kind: Literal["jsm", "role", "group"]
    name: str | None = None

    @classmethod
    def parse(cls, text: str) -> InternalComments:
        """Read ``jsm``, ``role:NAME`` or ``group:NAME``."""
        if text.strip() == "jsm":
            return cls("jsm")
        kind, sep, name = text.partition(":")
        if sep and kind in ("role", "group") and name.strip():
            return cls(kind, name.strip())  # type: ignore[arg-type]  # kind checked just above
        raise ValueError("use 'jsm', 'role:NAME' (e.g. role:Developers) or 'group:NAME'")

    def visibility(self) -> dict[str, str] | None:
        """The comment's ``visibility`` object, or None for ``jsm``."""
        return None if self.kind == "jsm" else {"type": self.kind, "value": str(self.name)}


class JiraSettings(BaseSettings):
    """Where the Jira site is and how to sign in; secrets are never shown in reprs.

    Jira Cloud signs in with ``email`` and an API ``token`` (Basic auth); Data Center with a
    personal access token, ``pat`` (Bearer). Exactly one of the two must be given.
    """

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    url: str = Field(description="The site root, e.g. https://acme.atlassian.net.")
    email: str | None = Field(None, description="The API user's e-mail (Cloud, with TOKEN).")
    token: SecretStr | None = Field(None, description="An API token (Cloud).")
    pat: SecretStr | None = Field(None, description="A personal access token (Data Center).")
    webhook_secret: SecretStr | None = Field(None, description="The admin webhook's secret.")
    internal: str = Field(
        "jsm", description="How internal comments are made: jsm, role:NAME or group:NAME."
    )
    customers: Literal["reporter", "reporter+portal"] = Field(
        "reporter+portal",
        description="Whose comments are the customer's: the reporter's, and (reporter+portal) "
        "those of portal-only customer accounts.",
    )
    priorities: str = Field(
        DEFAULT_PRIORITIES,
        description="Jira priority names and the level each means; the first name of a level "
        "is the one written.",
    )
    due_field: str | None = Field(
        None,
        description="Where a reminder's time goes besides duedate: customfield_NNNNN (a "
        "date-time field) or property:KEY (an issue property).",
    )
    set_duedate: bool = Field(True, description="Whether a reminder sets the issue's due date.")
    project: str | None = Field(
        None, description="The project whose properties keep the macros (upsert_macro)."
    )
    jql: str | None = Field(
        None, description="The issues a backfill exports and the webhook reports (JQL)."
    )
    notify: bool = Field(
        True, description="Whether label and priority edits notify watchers (false needs admin)."
    )
    timeout: float = Field(10.0, gt=0, description="Seconds to wait for Jira on each request.")
    page_size: int = Field(100, ge=1, le=100, description="Issues or comments per page.")
    memo_seconds: float = Field(
        30.0,
        ge=0,
        description="How long a read's notes and labels are trusted by the next write (0: never).",
    )
    bulk_poll_interval: float = Field(1.0, ge=0, description="Seconds between bulk-task polls.")
    bulk_timeout: float = Field(120.0, gt=0, description="Seconds to wait for a bulk edit task.")

    @field_validator("url")
    @classmethod
    def _site_root(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError("a site root such as https://acme.atlassian.net")
        return value.rstrip("/")

    @field_validator("internal")
    @classmethod
    def _internal(cls, value: str) -> str:
        InternalComments.parse(value)
        return value.strip()

    @field_validator("priorities")
    @classmethod
    def _priorities(cls, value: str) -> str:
        _parse_priorities(value)
        return value

    @field_validator("due_field")
    @classmethod
    def _due_field(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if _CUSTOM_FIELD.fullmatch(value):
            return value
        kind, _, key = value.partition(":")
        if kind == "property" and _PROPERTY_KEY.fullmatch(key):
            return value
        raise ValueError("use customfield_NNNNN (a date-time field) or property:KEY")

    @model_validator(mode="after")
    def _one_sign_in(self) -> Self:
        cloud = self.email is not None or self.token is not None
        if cloud and self.pat is not None:
            raise ValueError("PAT: set EMAIL and TOKEN (Cloud) or PAT (Data Center), not both")
        if self.pat is None and (self.email is None or self.token is None):
            raise ValueError("TOKEN: set EMAIL and TOKEN (Cloud), or PAT (Data Center)")
        return self

    @property
    def internal_comments(self) -> InternalComments:
        """How internal comments are made."""
        return InternalComments.parse(self.internal)

    @property
    def priority_levels(self) -> dict[str, Priority]:
        """Each Jira priority name (lower-cased) and the level it means."""
        return {name.lower(): level for name, level in _parse_priorities(self.priorities)}

    @property
    def priority_names(self) -> dict[Priority, str]:
        """The Jira priority name written for each level (the first listed)."""
        names: dict[Priority, str] = {}
        for name, level in _parse_priorities(self.priorities):
            names.setdefault(level, name)
        return names

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> JiraSettings:
        """Read the settings from ``environ`` (``os.environ`` by default).

        A missing or invalid value raises :class:`ConfigurationError` naming the variable.
        """
        values = values_from_env(ENV_PREFIX, environ)
        return settings_from_env(cls, values, prefix=ENV_PREFIX, system="Jira")


def _parse_priorities(text: str) -> list[tuple[str, Priority]]:
    pairs = []
    for item in text.split(","):
        name, sep, level = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"expected Name=level pairs separated by commas, not {item!r}")
        try:
            pairs.append((name.strip(), Priority(level.strip().lower())))
        except ValueError:
            levels = ", ".join(p.value for p in Priority)
            raise ValueError(f"unknown level {level.strip()!r} (use {levels})") from None
    return pairs
