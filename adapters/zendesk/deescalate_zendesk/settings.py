"""The adapter's settings: ``DEESCALATE_ZENDESK_*`` environment variables or arguments."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from deescalate.adapter_settings import settings_from_env, values_from_env

__all__ = ["ZendeskSettings"]

ENV_PREFIX = "DEESCALATE_ZENDESK_"


class ZendeskSettings(BaseSettings):
    """Where the Zendesk account is and how to sign in; secrets are never shown in reprs.

    Sign in with ``email`` and an API ``token``, or with an ``oauth_token``. ``url`` is an optional
    site root (a custom domain, a proxy, or a local fake): every request goes there, and the
    ``subdomain`` is then not needed.
    """

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    subdomain: str | None = Field(None, description="The account's subdomain (acme.zendesk.com).")
    url: str | None = Field(
        None, description="Site root that replaces https://SUBDOMAIN.zendesk.com."
    )
    email: str | None = Field(None, description="The API user's email (with an API token).")
    token: SecretStr | None = Field(None, description="An API token.")
    oauth_token: SecretStr | None = Field(None, description="An OAuth access token instead.")
    webhook_secret: SecretStr | None = Field(None, description="The webhook's signing secret.")
    due_field: int | None = Field(
        None, description="Id of a date custom field that receives a reminder's due date."
    )
    bot_user_id: int | None = Field(
        None,
        description="The API user's id, so its own comments give no events (learnt otherwise).",
    )
    time_zone: str = Field(
        "UTC", description="The agents' IANA zone (for due dates); defaults to DEESCALATE_TIMEZONE."
    )
    timeout: float = Field(10.0, gt=0, description="Seconds to wait for Zendesk on each request.")
    replay_window: int = Field(
        300, ge=1, description="Seconds a webhook's signature timestamp may be off, either way."
    )
    job_poll_interval: float = Field(
        1.0, ge=0, description="Seconds between polls of bulk-update jobs."
    )
    job_timeout: float = Field(120.0, gt=0, description="Seconds to wait for bulk-update jobs.")

    @field_validator("subdomain")
    @classmethod
    def _plain_subdomain(cls, value: str | None) -> str | None:
        if value is not None and (not value or "." in value or "/" in value):
            raise ValueError("give the subdomain alone ('acme' for acme.zendesk.com)")
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from deescalate.calendar import zone

        zone(value)  # an UnknownTimeZoneError (a ValueError) names the zone
        return value

    @field_validator("url")
    @classmethod
    def _site_root(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or "." not in parts.netloc or parts.query:
            # zenpy needs a dotted host name (127.0.0.1 rather than localhost)
            raise ValueError(
                "a site root such as https://support.example.com or http://127.0.0.1:8123"
            )
        return value.rstrip("/")

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.url is None and self.subdomain is None:
            raise ValueError("SUBDOMAIN: set the subdomain, or URL for a site root")
        if self.oauth_token is None and (self.email is None or self.token is None):
            raise ValueError("TOKEN: set EMAIL and TOKEN, or OAUTH_TOKEN")
        return self

    @property
    def site_root(self) -> str:
        """Where requests go: ``url``, or ``https://SUBDOMAIN.zendesk.com``."""
        return self.url or f"https://{self.subdomain}.zendesk.com"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ZendeskSettings:
        """Read the settings from ``environ`` (``os.environ`` by default).

        A missing or invalid value raises :class:`ConfigurationError` naming the variable.
        """
        values = values_from_env(ENV_PREFIX, environ)
        env = os.environ if environ is None else environ
        if "time_zone" not in values and env.get("DEESCALATE_TIMEZONE"):
            values["time_zone"] = env["DEESCALATE_TIMEZONE"]
        return settings_from_env(cls, values, prefix=ENV_PREFIX, system="Zendesk")
