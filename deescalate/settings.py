"""Settings read from arguments, then ``DEESCALATE_``-prefixed environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from deescalate.assessment import Assessor
    from deescalate.coach import Coach

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Configuration for the CLI, the service and the worker.

    Every field can be set as ``DEESCALATE_<NAME>`` in the environment (lists as JSON, e.g.
    ``DEESCALATE_EXTRA_PACKS='["team.yaml"]'``) or passed to the constructor.
    """

    model_config = SettingsConfigDict(env_prefix="DEESCALATE_", extra="forbid", frozen=True)

    extra_packs: list[Path] = Field(default_factory=list, description="Extra signal packs to load.")
    acronyms: list[str] = Field(
        default_factory=list, description="Words in capitals that never count as shouting."
    )
    max_chars: int = Field(100_000, ge=1, description="Characters of one message to assess.")
    timezone: str = Field("UTC", description="Default IANA time zone for due times.")
    data_dir: Path = Field(
        Path("../shared/data"), description="Where evaluation data sets live (development only)."
    )
    coach_packs: list[Path] = Field(
        default_factory=list, description="Extra reply-coach rule packs to load."
    )
    disabled_rules: list[str] = Field(
        default_factory=list, description="Reply-coach rules switched off, by name."
    )
    database_url: str = Field(
        "deescalate.db",
        description="The obligation ledger: a SQLite path, sqlite:///path or postgresql://...",
    )
    remind_outside_hours: bool = Field(
        False, description="Let the worker send reminders while the business calendar is closed."
    )
    helpdesk: str | None = Field(
        None, description="The helpdesk adapter the service and worker use, by entry-point name."
    )
    tag_prefix: str = Field(
        "deescalate-",
        pattern=r"^[^\s,]{1,40}$",
        description="The prefix of every tag deescalate writes (stage, routing, reminders).",
    )
    company: str | None = Field(None, description="The company name suggested wording mentions.")
    note_locale: str = Field(
        "en", description="The agents' language for internal notes (a macro library language)."
    )
    macro_files: list[Path] = Field(
        default_factory=list, description="Extra macro library files (YAML) to load."
    )
    escalate_priority: str | None = Field(
        "high", description="The priority a broken promise raises a ticket to (empty: none)."
    )

    def assessor(self) -> Assessor:
        """An :class:`~deescalate.assessment.Assessor` configured from these settings (the
        shared built-in one when nothing differs from the defaults: building costs seconds)."""
        from deescalate.assessment import Assessor, default_assessor

        default_chars = type(self).model_fields["max_chars"].default
        if not self.extra_packs and not self.acronyms and self.max_chars == default_chars:
            return default_assessor()
        return Assessor(self.extra_packs, acronyms=self.acronyms, max_chars=self.max_chars)

    def coach(self) -> Coach:
        """A :class:`~deescalate.coach.Coach` with the team's packs and disabled rules.

        The customer's words are rated by :meth:`assessor`, with the team's signal packs.
        """
        from deescalate.coach import Coach, default_coach

        if not (self.coach_packs or self.disabled_rules or self.acronyms or self.extra_packs):
            return default_coach()
        return Coach(
            self.coach_packs,
            disabled=self.disabled_rules,
            acronyms=self.acronyms,
            assessor=self.assessor(),
        )
