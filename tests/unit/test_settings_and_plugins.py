"""Settings come from the DEESCALATE_ environment; adapters from entry points."""

from __future__ import annotations

from pathlib import Path

import pytest

from deescalate import Assessor, ConfigurationError, Settings
from deescalate.plugins import discover_helpdesks, load_helpdesk


def test_settings_read_the_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """DEESCALATE_* variables fill the settings."""
    monkeypatch.setenv("DEESCALATE_MAX_CHARS", "500")
    monkeypatch.setenv("DEESCALATE_ACRONYMS", '["ACME"]')
    settings = Settings()
    assert settings.max_chars == 500
    assert settings.acronyms == ["ACME"]


def test_settings_build_an_assessor(tmp_path: Path) -> None:
    """The settings' assessor honours the configured acronyms."""
    settings = Settings(acronyms=["WIDGETPRO"], max_chars=1000)
    assessor = settings.assessor()
    assert isinstance(assessor, Assessor)
    assert assessor.max_chars == 1000


def test_invalid_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A value that cannot be parsed is a validation error naming the field."""
    monkeypatch.setenv("DEESCALATE_MAX_CHARS", "lots")
    with pytest.raises(ValueError, match="max_chars"):
        Settings()


def test_bundled_adapters_are_discovered() -> None:
    """The core finds the Zendesk and Jira adapters without importing them."""
    records = {record.name: record for record in discover_helpdesks()}
    assert records["zendesk"].target == "deescalate_zendesk:ZendeskHelpdesk"
    assert records["jira"].distribution == "deescalate-jira"


def test_loading_an_adapter_returns_its_class() -> None:
    """load_helpdesk imports the class an entry point names."""
    cls = load_helpdesk("jira")
    assert cls.__name__ == "JiraHelpdesk"


def test_unknown_adapter_is_a_configuration_error() -> None:
    """Asking for an adapter that is not installed names it and the extra."""
    with pytest.raises(ConfigurationError, match=r"freshdesk.*deescalate\[freshdesk\]"):
        load_helpdesk("freshdesk")
