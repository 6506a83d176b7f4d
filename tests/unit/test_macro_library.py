"""The shipped macro library: its names, languages and variants, and how files are validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from deescalate import InputError, MacroLibrary, RulePackError
from deescalate.macros import MACRO_NAMES, load_library_file
from deescalate.macros.models import NOTE_MACRO_NAMES
from deescalate.stages import Stage

SHIPPED_LANGUAGES = ("en", "es")


def test_every_stable_name_ships_in_every_language() -> None:
    """apology ... handoff exist in English and Spanish."""
    library = MacroLibrary.default()
    for name in MACRO_NAMES:
        assert library.languages_of(name) == SHIPPED_LANGUAGES


def test_stable_names_are_the_contract() -> None:
    """The macro names are exactly the ones issue 4 promises."""
    assert MACRO_NAMES == (
        "apology",
        "acknowledgement",
        "restatement",
        "hold-or-callback",
        "follow-through-update",
        "follow-up-check",
        "handoff",
    )


def test_every_macro_has_several_tagged_variants() -> None:
    """Each shipped customer macro has at least three wordings, each tagged with stages."""
    for macro in MacroLibrary.default():
        assert len(macro.variants) >= (3 if macro.public else 1), macro.name
        assert all(v.stages for v in macro.variants)


def test_every_stage_has_an_acknowledgement_and_an_apology() -> None:
    """No stage is left without a fitting wording for the two most used macros."""
    library = MacroLibrary.default()
    for name in ("acknowledgement", "apology"):
        covered = {s for v in library.get(name).variants for s in v.stages}
        assert covered == set(Stage)


def test_languages_share_variant_ids() -> None:
    """Spanish has the same wordings (by id) as English, so choices carry across languages."""
    library = MacroLibrary.default()
    for name in MACRO_NAMES:
        english = [v.id for v in library.get(name, "en").variants]
        spanish = [v.id for v in library.get(name, "es").variants]
        assert english == spanish


def test_get_by_locale_uses_its_language() -> None:
    """A locale such as es_MX finds the Spanish macro."""
    assert MacroLibrary.default().get("apology", "es_MX").language == "es"


def test_unknown_macro_names_the_known_ones() -> None:
    """Asking for a macro that does not exist lists those that do."""
    with pytest.raises(InputError, match=r"unknown macro 'apologise'.*apology"):
        MacroLibrary.default().get("apologise")


def test_missing_language_names_the_available_ones() -> None:
    """Asking for a language a macro lacks lists the languages it has."""
    with pytest.raises(InputError, match=r"not available in 'fr' \(languages: en, es\)"):
        MacroLibrary.default().get("handoff", "fr")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    return path


TEAM_FILE = """
library: acme
language: en
macros:
  - name: apology
    title: Acme's own apology
    variants:
      - id: acme
        stages: [calm, frustrated, upset, angry, irate]
        text: "Sorry for the trouble, {{ customer_name }}."
  - name: refund-status
    title: Where the refund is
    variants:
      - id: sent
        stages: [calm]
        text: "{{ customer_name }}, it takes {{ bank_days }} days."
"""


def test_team_file_overrides_and_adds(tmp_path: Path) -> None:
    """A team's macro with a shipped name replaces it; a new name is added."""
    library = MacroLibrary.load([_write(tmp_path, TEAM_FILE)])
    assert library.get("apology").title == "Acme's own apology"
    assert library.get("apology", "es").title != "Acme's own apology"
    assert "refund-status" in library.names
    assert library.get("handoff").variants  # shipped macros stay


def test_team_file_alone_without_builtin(tmp_path: Path) -> None:
    """builtin=False loads only the team's files."""
    library = MacroLibrary.load([_write(tmp_path, TEAM_FILE)], builtin=False)
    assert library.names == ("apology", "refund-status")


@pytest.mark.parametrize(
    ("broken", "pattern"),
    [
        ("stages: [calm]", None),
        ("stages: [furious]", r"team\.yaml: rule 'refund-status': key 'variants'"),
        ("stages: []", r"rule 'refund-status': key 'variants'"),
    ],
)
def test_errors_name_file_macro_and_key(tmp_path: Path, broken: str, pattern: str | None) -> None:
    """A bad stage in a variant is reported with the file, the macro and the key."""
    text = TEAM_FILE.replace("stages: [calm]", broken)
    path = _write(tmp_path, text)
    if pattern is None:
        assert load_library_file(path)
        return
    with pytest.raises(RulePackError, match=pattern):
        load_library_file(path)


def test_template_syntax_error_is_reported_at_load(tmp_path: Path) -> None:
    """An unclosed placeholder fails when the file is loaded, naming the macro."""
    path = _write(tmp_path, TEAM_FILE.replace("{{ bank_days }}", "{{ bank_days"))
    with pytest.raises(RulePackError, match=r"refund-status.*template syntax error"):
        load_library_file(path)


def test_duplicate_macro_in_one_file_is_an_error(tmp_path: Path) -> None:
    """Two macros with the same name in one file are refused."""
    path = _write(tmp_path, TEAM_FILE.replace("name: refund-status", "name: apology"))
    with pytest.raises(RulePackError, match="rule 'apology': key 'name'"):
        load_library_file(path)


def test_unknown_key_is_an_error(tmp_path: Path) -> None:
    """A misspelt key is reported rather than ignored."""
    path = _write(tmp_path, TEAM_FILE.replace("title: Where", "titel: Where"))
    with pytest.raises(RulePackError, match="refund-status"):
        load_library_file(path)


def test_not_yaml_is_an_error(tmp_path: Path) -> None:
    """A file that is not YAML names the file."""
    path = _write(tmp_path, "macros: [\n")
    with pytest.raises(RulePackError, match=r"team\.yaml: not valid YAML"):
        load_library_file(path)


def test_the_internal_notes_are_private_in_every_language() -> None:
    """The worker's notes exist in each shipped language and are never public."""
    library = MacroLibrary.default()
    for language in library.languages:
        for name in NOTE_MACRO_NAMES:
            assert not library.get(name, language).public
