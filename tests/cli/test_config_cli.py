"""``deescalate.toml`` and ``deescalate config check``: one settings file, every error naming its key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deescalate.config import load_configuration


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deescalate.cli", *args],
        capture_output=True, text=True, check=False, cwd=cwd,
        env={"NO_COLOR": "1", "PATH": os.environ.get("PATH", ""), **(env or {})},
    )  # fmt: skip


def test_the_file_sets_what_the_environment_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File values apply; a DEESCALATE_ variable wins over the file."""
    config = tmp_path / "deescalate.toml"
    config.write_text('timezone = "Europe/Berlin"\ntag_prefix = "esc-"\n', encoding="utf-8")
    monkeypatch.setenv("DEESCALATE_TAG_PREFIX", "env-")
    loaded = load_configuration(config)
    assert loaded.settings.timezone == "Europe/Berlin"
    assert loaded.settings.tag_prefix == "env-"


def test_a_helpdesk_table_reaches_the_adapter_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[zendesk] url = ... becomes DEESCALATE_ZENDESK_URL for from_env, below the environment."""
    config = tmp_path / "deescalate.toml"
    config.write_text(
        '[zendesk]\nurl = "http://127.0.0.1:9"\nemail = "bot@example.test"\n', encoding="utf-8"
    )
    monkeypatch.setenv("DEESCALATE_ZENDESK_EMAIL", "other@example.test")
    loaded = load_configuration(config)
    assert loaded.environ["DEESCALATE_ZENDESK_URL"] == "http://127.0.0.1:9"
    assert loaded.environ["DEESCALATE_ZENDESK_EMAIL"] == "other@example.test"


def test_check_names_a_bad_key_in_the_file(tmp_path: Path) -> None:
    """A value of the wrong type exits 2 naming the file and the key."""
    (tmp_path / "deescalate.toml").write_text('max_chars = "lots"\n', encoding="utf-8")
    done = run_cli("config", "check", cwd=tmp_path)
    assert done.returncode == 2
    assert "deescalate.toml: key 'max_chars'" in done.stderr


def test_check_names_an_unknown_key(tmp_path: Path) -> None:
    """A misspelt key is refused, not ignored."""
    (tmp_path / "deescalate.toml").write_text('time_zone = "UTC"\n', encoding="utf-8")
    done = run_cli("config", "check", cwd=tmp_path)
    assert done.returncode == 2
    assert "unknown key 'time_zone'" in done.stderr


def test_check_reports_broken_toml(tmp_path: Path) -> None:
    """A file that is not TOML says so in one line."""
    bad = tmp_path / "other.toml"
    bad.write_text("timezone = \n", encoding="utf-8")
    done = run_cli("--config", str(bad), "config", "check", cwd=tmp_path)
    assert done.returncode == 2
    assert "not valid TOML" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_check_prints_the_effective_settings(tmp_path: Path) -> None:
    """A good file is ok, with the values in force and where they came from."""
    (tmp_path / "deescalate.toml").write_text(
        'helpdesk = "fake"\ncompany = "Acme"\n', encoding="utf-8"
    )
    done = run_cli("config", "check", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["settings"]["company"] == "Acme"
    assert shown["source"] == "deescalate.toml"
    assert shown["helpdesk"] is not None


def test_check_names_the_adapters_missing_variable(tmp_path: Path) -> None:
    """With helpdesk = "zendesk" and no credentials, the missing variable is named."""
    (tmp_path / "deescalate.toml").write_text(
        'helpdesk = "zendesk"\n[zendesk]\nurl = "http://127.0.0.1:9"\n', encoding="utf-8"
    )
    done = run_cli("config", "check", cwd=tmp_path)
    assert done.returncode == 2
    assert "DEESCALATE_ZENDESK_" in done.stderr


def test_the_configuration_page_lists_every_setting() -> None:
    """docs/reference/configuration.md documents every Settings field and its variable."""
    from deescalate.settings import Settings

    page = (
        Path(__file__).resolve().parents[2] / "docs" / "reference" / "configuration.md"
    ).read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`{name}`" in page, name
        assert f"`DEESCALATE_{name.upper()}`" in page, name
