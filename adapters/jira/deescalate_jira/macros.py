"""The core macro library rendered for Jira: plain-text canned responses, one per variant.

Jira has no macro API, so :meth:`JiraHelpdesk.upsert_macro` keeps each as a property of the
configured project, under a stable name (``deescalate::<language>::<macro>::<variant>``);
``deescalate macros render --for jira`` prints the same texts for pasting by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from deescalate.macros.export import JIRA_PLACEHOLDERS
from deescalate.macros.models import Macro
from deescalate.macros.render import fill_placeholders

__all__ = ["JiraMacro", "jira_macro_name", "to_jira"]


@dataclass(frozen=True, slots=True)
class JiraMacro:
    """One canned response: its stable name, plain text, visibility and labels to add."""

    name: str
    body: str
    public: bool
    labels: tuple[str, ...]


def jira_macro_name(macro: Macro, variant_id: str) -> str:
    """The stable name a variant is kept under in Jira."""
    return f"deescalate::{macro.language}::{macro.name}::{variant_id}"


def to_jira(macros: Iterable[Macro], *, language: str | None = None) -> list[JiraMacro]:
    """Every variant of ``macros`` (in ``language`` only, when given) as a Jira canned response.

    Jira fills no placeholders in comments, so each stays a visible ``[name]`` marker.
    """
    return [
        JiraMacro(
            name=jira_macro_name(macro, variant.id),
            body=fill_placeholders(variant.text, JIRA_PLACEHOLDERS),
            public=macro.public,
            labels=tuple(macro.tags),
        )
        for macro in macros
        if language is None or macro.language == language
        for variant in macro.variants
    ]
