"""The macro library rendered as Zendesk macros, and macros synced to the fake Zendesk."""

from __future__ import annotations

from deescalate_zendesk import ZendeskHelpdesk
from deescalate_zendesk.macros import to_zendesk
from deescalate_zendesk.testing import FakeZendeskServer

from deescalate import MacroLibrary
from tests.adapters.zendesk.conftest import MakeDesk


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


def test_upsert_creates_a_macro_with_the_title_prefix(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A new macro is created under deescalate:: with its comment, visibility and tags."""
    macro_id = desk.upsert_macro("apology", "I'm so sorry.", public=False, tags=["x-used"])
    (macro,) = server.state.macros.values()
    assert str(macro["id"]) == macro_id
    assert macro["title"] == "deescalate::apology"
    actions = {a["field"]: a["value"] for a in macro["actions"]}
    assert actions == {
        "comment_value": "I'm so sorry.",
        "comment_mode_is_public": "false",
        "current_tags": "x-used",
    }


def test_upsert_updates_in_place_and_never_duplicates(
    make_desk: MakeDesk, server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """A second upsert of the same name updates the macro; a new adapter finds it by title."""
    first = desk.upsert_macro("apology", "Sorry.", public=True)
    again = make_desk().upsert_macro("apology", "Truly sorry.", public=True)
    assert first == again
    assert len(server.state.macros) == 1
    (macro,) = server.state.macros.values()
    assert macro["actions"][0]["value"] == "Truly sorry."


def test_macros_of_others_are_left_alone(server: FakeZendeskServer, desk: ZendeskHelpdesk) -> None:
    """A macro without the prefix, even with the same name, is neither updated nor reused."""
    server.state.macros[1] = {"id": 1, "title": "apology", "actions": [], "active": True}
    desk.upsert_macro("apology", "Sorry.", public=True)
    assert server.state.macros[1]["actions"] == []
    assert len(server.state.macros) == 2


def test_a_macro_deleted_by_hand_is_created_again(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """When the stored id no longer exists, the macro is created anew."""
    desk.upsert_macro("apology", "Sorry.", public=True)
    server.state.macros.clear()
    desk.upsert_macro("apology", "Sorry again.", public=True)
    assert [m["title"] for m in server.state.macros.values()] == ["deescalate::apology"]


def test_the_whole_library_syncs_in_one_listing(
    server: FakeZendeskServer, desk: ZendeskHelpdesk
) -> None:
    """Syncing every English variant lists macros once and writes one call per macro."""
    exported = to_zendesk(MacroLibrary.default(), language="en")
    for macro in exported[:5]:
        actions = {a["field"]: a["value"] for a in macro["actions"]}
        desk.upsert_macro(
            macro["title"],
            actions["comment_value"],
            public=actions["comment_mode_is_public"] == "true",
            tags=actions.get("current_tags", "").split(),
        )
    assert server.calls("GET", "/api/v2/macros") == 1
    assert server.calls("POST", "/api/v2/macros") == 5
    assert {m["title"] for m in server.state.macros.values()} == {m["title"] for m in exported[:5]}
