"""The core macro library rendered as Zendesk macros, and the actions of one macro.

Every macro deescalate manages has a title starting with :data:`MACRO_PREFIX` (``::`` makes
Zendesk group the macros in its menu), so a sync finds its own macros again and never duplicates
them. Placeholders Zendesk fills itself (:data:`ZENDESK_PLACEHOLDERS`) are mapped to its syntax;
every other one stays a visible ``[name]`` marker for the agent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from deescalate.macros.export import selected, stage_list
from deescalate.macros.models import Macro
from deescalate.macros.render import fill_placeholders

__all__ = [
    "MACRO_PREFIX",
    "ZENDESK_PLACEHOLDERS",
    "macro_actions",
    "macro_title",
    "to_zendesk",
    "zendesk_title",
]

MACRO_PREFIX = "deescalate::"

ZENDESK_PLACEHOLDERS: Mapping[str, str] = {
    "customer_name": "{{ticket.requester.first_name}}",
    "agent_name": "{{current_user.first_name}}",
    "company": "{{ticket.brand.name}}",
}
"""Our placeholders that Zendesk fills itself when an agent applies the macro."""


def macro_title(name: str) -> str:
    """The title of a macro deescalate manages: ``name`` under :data:`MACRO_PREFIX`."""
    return name if name.startswith(MACRO_PREFIX) else f"{MACRO_PREFIX}{name}"


def zendesk_title(macro: Macro, variant_id: str) -> str:
    """The stable title a variant has in Zendesk."""
    return f"{MACRO_PREFIX}{macro.language}::{macro.name}::{variant_id}"


def macro_actions(body: str, *, public: bool, tags: Sequence[str] = ()) -> list[dict[str, str]]:
    """The actions of a macro: the comment text, whether it is public, and tags to add."""
    actions = [
        {"field": "comment_value", "value": body},
        {"field": "comment_mode_is_public", "value": "true" if public else "false"},
    ]
    if tags:
        actions.append({"field": "current_tags", "value": " ".join(tags)})
    return actions


def to_zendesk(
    macros: Iterable[Macro],
    *,
    language: str | None = None,
    placeholders: Mapping[str, str] = ZENDESK_PLACEHOLDERS,
) -> list[dict[str, Any]]:
    """Zendesk macro inputs (``title``, ``description``, ``active``, ``actions``), one per variant.

    The actions set the comment text, whether the comment is public (``public`` in the library;
    ``false`` makes an internal note) and add the macro's tags to the ticket.
    """
    exported: list[dict[str, Any]] = []
    for macro in selected(macros, language):
        for variant in macro.variants:
            text = fill_placeholders(variant.text, placeholders)
            exported.append(
                {
                    "title": zendesk_title(macro, variant.id),
                    "description": f"{macro.title} (stages: {stage_list(variant.stages)})",
                    "active": True,
                    "actions": macro_actions(text, public=macro.public, tags=macro.tags),
                }
            )
    return exported
