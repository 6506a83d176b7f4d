"""Settings: from the environment, errors naming the variable, secrets never shown."""

from __future__ import annotations

import pytest
from deescalate_zendesk import ZendeskHelpdesk, ZendeskSettings

from deescalate.errors import ConfigurationError

BASE = {
    "DEESCALATE_ZENDESK_SUBDOMAIN": "acme",
    "DEESCALATE_ZENDESK_EMAIL": "bot@acme.test",
    "DEESCALATE_ZENDESK_TOKEN": "tok-123-secret",
}


def test_reads_the_environment() -> None:
    """Subdomain, email and token build the site root https://acme.zendesk.com."""
    settings = ZendeskSettings.from_env(BASE)
    assert settings.site_root == "https://acme.zendesk.com"
    assert settings.replay_window == 300


def test_url_replaces_the_subdomain() -> None:
    """With DEESCALATE_ZENDESK_URL the subdomain is not needed."""
    env = {
        "DEESCALATE_ZENDESK_URL": "http://127.0.0.1:8123/",
        "DEESCALATE_ZENDESK_OAUTH_TOKEN": "t",
    }
    assert ZendeskSettings.from_env(env).site_root == "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "DEESCALATE_ZENDESK_SUBDOMAIN"),
        ({"DEESCALATE_ZENDESK_SUBDOMAIN": "acme"}, "DEESCALATE_ZENDESK_TOKEN"),
        ({**BASE, "DEESCALATE_ZENDESK_DUE_FIELD": "soon"}, "DEESCALATE_ZENDESK_DUE_FIELD"),
        ({**BASE, "DEESCALATE_ZENDESK_URL": "ftp://x.example"}, "DEESCALATE_ZENDESK_URL"),
        ({**BASE, "DEESCALATE_ZENDESK_TIME_ZONE": "Mars/Base"}, "DEESCALATE_ZENDESK_TIME_ZONE"),
        ({**BASE, "DEESCALATE_ZENDESK_TOKNE": "x"}, "DEESCALATE_ZENDESK_TOKNE"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], variable: str) -> None:
    """A missing or invalid setting is a ConfigurationError naming its variable."""
    with pytest.raises(ConfigurationError, match=variable):
        ZendeskSettings.from_env(env)


def test_secrets_stay_out_of_reprs() -> None:
    """Neither the settings nor the adapter show the token."""
    settings = ZendeskSettings.from_env(BASE)
    assert "tok-123-secret" not in repr(settings)
    assert "tok-123-secret" not in repr(ZendeskHelpdesk(settings))


def test_agents_zone_defaults_to_the_core_setting() -> None:
    """DEESCALATE_TIMEZONE is the agents' zone unless the adapter's own is set."""
    env = {**BASE, "DEESCALATE_TIMEZONE": "Europe/Madrid"}
    assert ZendeskSettings.from_env(env).time_zone == "Europe/Madrid"


def test_from_env_builds_the_adapter_without_a_call() -> None:
    """ZendeskHelpdesk.from_env builds an adapter; nothing is contacted."""
    desk = ZendeskHelpdesk.from_env(BASE)
    assert desk.name == "zendesk"
    assert desk.client.calls == 0
