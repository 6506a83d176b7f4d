"""Exporting macros as plain text, one block per variant, for helpdesks without macro import.

Placeholders the helpdesk can fill itself are mapped to its own syntax and every other one is
left as a visible ``[name]`` marker for the agent. Adapters render macros for their own systems
(the Zendesk adapter's ``deescalate_zendesk.macros``, say); this module does no network I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from deescalate.macros.models import Macro
from deescalate.macros.render import fill_placeholders
from deescalate.stages import Stage

__all__ = ["JIRA_PLACEHOLDERS", "selected", "stage_list", "to_jira_text"]

JIRA_PLACEHOLDERS: Mapping[str, str] = {}
"""Jira has no placeholders of its own for comments: everything stays a ``[name]`` marker."""


def selected(macros: Iterable[Macro], language: str | None) -> list[Macro]:
    """The macros in ``language`` (all of them for None)."""
    return [m for m in macros if language is None or m.language == language]


def to_jira_text(
    macros: Iterable[Macro],
    *,
    language: str | None = None,
    placeholders: Mapping[str, str] = JIRA_PLACEHOLDERS,
) -> str:
    """Plain text, one block per variant, ready to paste as Jira comments or canned responses."""
    blocks: list[str] = []
    for macro in selected(macros, language):
        for variant in macro.variants:
            visibility = "public comment" if macro.public else "internal comment"
            header = [
                f"{macro.name} / {variant.id} ({macro.language}): {macro.title}",
                f"stages: {stage_list(variant.stages)}; {visibility}"
                + (f"; labels: {', '.join(macro.tags)}" if macro.tags else ""),
            ]
            blocks.append("\n".join([*header, "", fill_placeholders(variant.text, placeholders)]))
    return "\n\n----\n\n".join(blocks) + ("\n" if blocks else "")


def stage_list(stages: Iterable[Stage]) -> str:
    """Stage names in order, comma-separated."""
    return ", ".join(stage.value for stage in sorted(stages))
