"""Exports for helpdesks: Zendesk macro definitions and plain text for Jira."""

from __future__ import annotations

import re

from deescalate import MacroLibrary
from deescalate.macros.export import to_jira_text, to_zendesk
from deescalate.macros.reference import reference_markdown
from tests.conftest import REPO_ROOT


def test_zendesk_export_has_one_macro_per_variant() -> None:
    """Every variant becomes a Zendesk macro with a stable title."""
    library = MacroLibrary.default()
    exported = to_zendesk(library, language="en")
    variants = sum(len(m.variants) for m in library if m.language == "en")
    assert len(exported) == variants
    titles = [m["title"] for m in exported]
    assert len(set(titles)) == len(titles)
    assert "deescalate::en::apology::regret" in titles


def test_zendesk_actions_set_comment_visibility_and_tags() -> None:
    """The actions carry the comment, whether it is public, and the tags to add."""
    macro = to_zendesk(MacroLibrary.default(), language="en")[0]
    actions = {a["field"]: a["value"] for a in macro["actions"]}
    assert set(actions) == {"comment_value", "comment_mode_is_public", "current_tags"}
    assert actions["comment_mode_is_public"] == "true"
    assert "deescalate-apology" in actions["current_tags"].split()
    assert macro["active"] is True
    assert macro["title"]
    assert macro["description"]


def test_zendesk_placeholders_and_markers() -> None:
    """Names become Zendesk placeholders; other values become visible markers, never blanks."""
    texts = [
        a["value"]
        for m in to_zendesk(MacroLibrary.default())
        for a in m["actions"]
        if a["field"] == "comment_value"
    ]
    joined = "\n".join(texts)
    assert "{{ticket.requester.first_name}}" in joined
    assert "[promised_at]" in joined
    assert "[problem]" in joined
    assert "{{ " not in joined
    assert "{%" not in joined
    assert all(t.strip() for t in texts)


def test_private_macros_export_as_internal_notes(tmp_path: object) -> None:
    """A macro marked ``public: false`` is exported as a private comment."""
    from pathlib import Path

    path = Path(str(tmp_path)) / "notes.yaml"
    path.write_text(
        "library: t\nlanguage: en\nmacros:\n  - name: note\n    title: Note\n    public: false\n"
        "    variants:\n      - id: a\n        stages: [calm]\n        text: Customer is {{ customer_name }}\n",
        encoding="utf-8",
    )
    library = MacroLibrary.load([path], builtin=False)
    actions = {a["field"]: a["value"] for a in to_zendesk(library)[0]["actions"]}
    assert actions["comment_mode_is_public"] == "false"
    assert "current_tags" not in actions
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
