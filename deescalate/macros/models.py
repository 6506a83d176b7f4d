"""The macro library's values: macros, their variants, and what rendering and suggestion return."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from deescalate.stages import Stage

__all__ = [
    "MACRO_NAMES",
    "NOTE_MACRO_NAMES",
    "PLACEHOLDERS",
    "SITUATIONS",
    "Macro",
    "MacroValues",
    "RenderedMacro",
    "Suggestion",
    "Variant",
]

MACRO_NAMES = (
    "apology",
    "acknowledgement",
    "restatement",
    "hold-or-callback",
    "follow-through-update",
    "follow-up-check",
    "handoff",
)
"""The shipped macros' names: a public contract, never renamed or reused."""

NOTE_MACRO_NAMES = ("reminder-note", "broken-promise-note", "follow-up-note")
"""The shipped internal notes (``public: false``) the worker posts for agents; a public contract."""

PLACEHOLDERS = (
    "customer_name",
    "agent_name",
    "company",
    "problem",
    "promised_at",
    "next_contact_at",
    "status",
)
"""The placeholders every shipped template draws from; teams may add their own through ``extra``."""

SITUATIONS = ("broken-promise", "solved", "feels-unheard")
"""Conditions a variant can be written for, besides the stages."""


@dataclass(frozen=True, slots=True)
class Variant:
    """One wording of a macro, with the stages (and situations) it suits."""

    id: str
    text: str
    stages: frozenset[Stage]
    situations: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Macro:
    """A named reply building block in one language, with several wordings.

    ``steps`` are the playbook steps (taxonomy.md section 3, plus ``apologize``) that sending it
    shows; ``public`` is false for macros meant as internal notes; ``source`` is the file it came
    from.
    """

    name: str
    language: str
    title: str
    variants: tuple[Variant, ...]
    description: str = ""
    steps: frozenset[str] = frozenset()
    public: bool = True
    tags: tuple[str, ...] = ()
    source: str = ""

    def variant(self, variant_id: str) -> Variant:
        """The variant called ``variant_id``; a KeyError names the ones that exist."""
        for variant in self.variants:
            if variant.id == variant_id:
                return variant
        known = ", ".join(v.id for v in self.variants)
        raise KeyError(f"macro {self.name!r} has no variant {variant_id!r} (variants: {known})")


@dataclass(frozen=True, slots=True)
class MacroValues:
    """What a template may fill in: names, the problem, promised times, the customer's locale.

    ``promised_at`` and ``next_contact_at`` must be time-zone aware; they are shown in ``tz`` and
    formatted for ``locale`` (a Babel/CLDR locale such as ``en_US`` or ``es``). ``extra`` holds a
    team's own placeholders. ``None`` and blank strings count as missing.
    """

    customer_name: str | None = None
    agent_name: str | None = None
    company: str | None = None
    problem: str | None = None
    promised_at: datetime | None = None
    next_contact_at: datetime | None = None
    status: str | None = None
    locale: str = "en"
    tz: str = "UTC"
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def as_context(self) -> dict[str, Any]:
        """The template variables that have a value (blank strings are left out)."""
        values: dict[str, Any] = dict(self.extra)
        for name in PLACEHOLDERS:
            if getattr(self, name) is not None:
                values[name] = getattr(self, name)
        return {
            key: value
            for key, value in values.items()
            if value is not None and not (isinstance(value, str) and not value.strip())
        }


@dataclass(frozen=True, slots=True)
class RenderedMacro:
    """A macro variant rendered for one customer."""

    macro: str
    variant: str
    language: str
    text: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A macro suggested for the conversation's current state, and why.

    ``text`` is the rendered reply, or ``None`` when values it needs are not known; ``missing``
    then names them, so the agent is never handed a reply with a blank in it.
    """

    macro: str
    variant: str
    text: str | None
    reason: str
    score: float
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "macro": self.macro,
            "variant": self.variant,
            "text": self.text,
            "reason": self.reason,
            "score": round(self.score, 3),
            "missing": list(self.missing),
        }
