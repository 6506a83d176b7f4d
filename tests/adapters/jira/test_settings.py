"""Settings: from_env, Cloud or Data Center credentials, and errors naming the variable."""

from __future__ import annotations

import pytest
from deescalate_jira import JiraHelpdesk, JiraSettings

from deescalate.errors import ConfigurationError
from deescalate.helpdesk import Helpdesk, Priority

CLOUD = {
    "DEESCALATE_JIRA_URL": "https://acme.atlassian.net/",
    "DEESCALATE_JIRA_EMAIL": "bot@acme.test",
    "DEESCALATE_JIRA_TOKEN": "t0ken-value",
}


def test_from_env_builds_without_contacting_jira() -> None:
    """from_env reads the variables and makes no request (the site does not exist)."""
    desk = JiraHelpdesk.from_env(CLOUD)
    assert isinstance(desk, Helpdesk)
    assert desk.settings.url == "https://acme.atlassian.net"


def test_secrets_stay_out_of_reprs() -> None:
    """Neither the settings' nor the adapter's repr shows the token."""
    assert "t0ken-value" not in repr(JiraSettings.from_env(CLOUD))
    assert "t0ken-value" not in repr(JiraHelpdesk.from_env(CLOUD))


def test_a_pat_is_data_center() -> None:
    """A personal access token alone is a valid Data Center sign-in."""
    settings = JiraSettings.from_env(
        {"DEESCALATE_JIRA_URL": "https://jira.corp", "DEESCALATE_JIRA_PAT": "p"}
    )
    assert settings.pat is not None
    assert settings.email is None


def test_both_sign_ins_are_a_configuration_error() -> None:
    """EMAIL and TOKEN together with PAT is refused, naming DEESCALATE_JIRA_PAT."""
    with pytest.raises(ConfigurationError, match=r"DEESCALATE_JIRA_PAT: .*not both"):
        JiraSettings.from_env({**CLOUD, "DEESCALATE_JIRA_PAT": "p"})


def test_a_missing_token_names_the_variable() -> None:
    """An e-mail without a token is refused, naming DEESCALATE_JIRA_TOKEN."""
    with pytest.raises(ConfigurationError, match="DEESCALATE_JIRA_TOKEN"):
        JiraSettings.from_env(
            {"DEESCALATE_JIRA_URL": "https://a.test", "DEESCALATE_JIRA_EMAIL": "e"}
        )


def test_a_missing_url_names_the_variable() -> None:
    """No site root is refused, naming DEESCALATE_JIRA_URL."""
    with pytest.raises(ConfigurationError, match="DEESCALATE_JIRA_URL"):
        JiraSettings.from_env({"DEESCALATE_JIRA_PAT": "p"})


@pytest.mark.parametrize("value", ["jsm", "role:Developers", "group:support-team"])
def test_internal_modes_are_read(value: str) -> None:
    """jsm, role:NAME and group:NAME are accepted."""
    assert JiraSettings.from_env({**CLOUD, "DEESCALATE_JIRA_INTERNAL": value}).internal == value


def test_a_bad_internal_mode_names_the_variable() -> None:
    """Anything else is refused, naming DEESCALATE_JIRA_INTERNAL and the forms."""
    with pytest.raises(ConfigurationError, match=r"DEESCALATE_JIRA_INTERNAL: .*role:NAME"):
        JiraSettings.from_env({**CLOUD, "DEESCALATE_JIRA_INTERNAL": "private"})


def test_priorities_map_both_ways() -> None:
    """The first name listed for a level is the one written; every name is read."""
    settings = JiraSettings.from_env(CLOUD)
    assert settings.priority_levels["lowest"] is Priority.LOW
    assert settings.priority_names[Priority.LOW] == "Low"
    assert settings.priority_names[Priority.URGENT] == "Highest"


def test_a_bad_priority_level_names_the_variable() -> None:
    """A priority mapped to an unknown level is refused, listing the levels."""
    with pytest.raises(ConfigurationError, match=r"DEESCALATE_JIRA_PRIORITIES: .*use low"):
        JiraSettings.from_env({**CLOUD, "DEESCALATE_JIRA_PRIORITIES": "P1=critical"})


def test_a_bad_due_field_names_the_variable() -> None:
    """A due field that is neither customfield_N nor property:KEY is refused."""
    with pytest.raises(ConfigurationError, match="DEESCALATE_JIRA_DUE_FIELD"):
        JiraSettings.from_env({**CLOUD, "DEESCALATE_JIRA_DUE_FIELD": "Due Time"})


def test_an_unknown_variable_is_named() -> None:
    """A misspelt DEESCALATE_JIRA_ variable is refused by name."""
    with pytest.raises(ConfigurationError, match="DEESCALATE_JIRA_TOKNE"):
        JiraSettings.from_env({**CLOUD, "DEESCALATE_JIRA_TOKNE": "x"})
