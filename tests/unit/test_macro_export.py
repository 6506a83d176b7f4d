"""Exports for helpdesks: plain text for Jira, and the reference page."""

from __future__ import annotations

import re

from deescalate import MacroLibrary
from deescalate.macros.export import to_jira_text
from deescalate.macros.reference import reference_markdown
from tests.conftest import REPO_ROOT


def test_private_macros_export_as_internal_comments(tmp_path: object) -> None:
    """A macro marked ``public: false`` is exported as an internal comment."""
    from pathlib import Path

    path = Path(str(tmp_path)) / "notes.yaml"
    path.write_text(
        "library: t\nlanguage: en\nmacros:\n  - name: note\n    title: Note\n    public: false\n"
        "    variants:\n      - id: a\n        stages: [calm]\n        text: Customer is {{ customer_name }}\n",
        encoding="utf-8",
    )
    library = MacroLibrary.load([path], builtin=False)
    assert "internal comment" in to_jira_text(library)


def test_jira_text_has_a_block_per_variant() -> None:
    """The plain-text export separates variants and keeps markers for every value."""
    library = MacroLibrary.default()
    text = to_jira_text(library, language="es")
    blocks = text.split("\n\n----\n\n")
    assert len(blocks) == sum(len(m.variants) for m in library if m.language == "es")
    assert blocks[0].startswith("apology / regret (es)")
    assert "[customer_name]" in text
    assert not re.search(r"\{\{|\{%", text)


def test_reference_page_is_up_to_date() -> None:
    """docs/reference/macros.md matches the shipped library (run tools/gen_macro_docs.py)."""
    page = REPO_ROOT / "docs" / "reference" / "macros.md"
    assert page.read_text(encoding="utf-8") == reference_markdown(MacroLibrary.default())


def test_reference_page_lists_every_macro() -> None:
    """Every shipped macro and variant is on the page."""
    page = reference_markdown(MacroLibrary.default())
    for macro in MacroLibrary.default():
        assert f"### `{macro.name}` ({macro.language})" in page
        for variant in macro.variants:
            assert f"**{variant.id}**" in page
