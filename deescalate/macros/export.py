"""Exporting macros to helpdesks: Zendesk macro JSON and plain text for Jira.

Both exports write one entry per variant, with the placeholders the helpdesk can fill itself
mapped to its own syntax and every other one left as a visible ``[name]`` marker for the agent.
The helpdesk adapters send these to their systems; this module does no network I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from deescalate.macros.models import Macro
from deescalate.macros.render import fill_placeholders
from deescalate.stages import Stage

__all__ = [
    "JIRA_PLACEHOLDERS",
    "ZENDESK_PLACEHOLDERS",
    "to_jira_text",
    "to_zendesk",
    "zendesk_title",
]

ZENDESK_PLACEHOLDERS: Mapping[str, str] = {
    "customer_name": "{{ticket.requester.first_name}}",
    "agent_name": "{{current_user.first_name}}",
    "company": "{{ticket.brand.name}}",
}
"""Our placeholders that Zendesk fills itself when an agent applies the macro."""

JIRA_PLACEHOLDERS: Mapping[str, str] = {}
"""Jira has no placeholders of its own for comments: everything stays a ``[name]`` marker."""


def _selected(macros: Iterable[Macro], language: str | None) -> list[Macro]:
    return [m for m in macros if language is None or m.language == language]


def zendesk_title(macro: Macro, variant_id: str) -> str:
    """The stable title a variant has in Zendesk (``::`` makes Zendesk group the macros)."""
    return f"deescalate::{macro.language}::{macro.name}::{variant_id}"


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
    for macro in _selected(macros, language):
        for variant in macro.variants:
            actions: list[dict[str, str]] = [
                {"field": "comment_value", "value": fill_placeholders(variant.text, placeholders)},
                {"field": "comment_mode_is_public", "value": "true" if macro.public else "false"},
            ]
            if macro.tags:
                actions.append({"field": "current_tags", "value": " ".join(macro.tags)})
            exported.append(
                {
                    "title": zendesk_title(macro, variant.id),
                    "description": f"{macro.title} (stages: {_stages(variant.stages)})",
                    "active": True,
                    "actions": actions,
                }
            )
    return exported


def to_jira_text(
    macros: Iterable[Macro],
    *,
    language: str | None = None,
    placeholders: Mapping[str, str] = JIRA_PLACEHOLDERS,
) -> str:
    """Plain text, one block per variant, ready to paste as Jira comments or canned responses."""
    blocks: list[str] = []
    for macro in _selected(macros, language):
        for variant in macro.variants:
            visibility = "public comment" if macro.public else "internal comment"
            header = [
                f"{macro.name} / {variant.id} ({macro.language}): {macro.title}",
                f"stages: {_stages(variant.stages)}; {visibility}"
                + (f"; labels: {', '.join(macro.tags)}" if macro.tags else ""),
            ]
            blocks.append("\n".join([*header, "", fill_placeholders(variant.text, placeholders)]))
    return "\n\n----\n\n".join(blocks) + ("\n" if blocks else "")


def _stages(stages: Iterable[Stage]) -> str:
    return ", ".join(stage.value for stage in sorted(stages))
