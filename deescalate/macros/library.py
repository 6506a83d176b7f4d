"""Macro libraries: YAML files validated into :class:`Macro` values, indexed by name and language.

A library file is data a support team can write without code::

    library: acme
    language: en
    macros:
      - name: refund-status
        title: Where the refund is
        steps: [solve]
        tags: [acme-refund]
        variants:
          - id: plain
            stages: [calm, frustrated, upset]
            text: "{{ customer_name }}, your refund was sent on {{ promised_at | date }}."

Files loaded later override earlier ones: a team's macro with a shipped name and language
replaces the shipped one. Every template is parsed (in the sandbox) when the file is loaded, so a
syntax error is reported with the file, the macro and the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from deescalate.errors import InputError, RulePackError
from deescalate.macros.models import Macro, Variant
from deescalate.once import once
from deescalate.stages import Stage

__all__ = ["MacroLibrary", "builtin_library_paths", "language_of", "load_library_file"]


def builtin_library_paths() -> list[Path]:
    """The library files shipped with deescalate, in load order."""
    folder = resources.files("deescalate.macros") / "library"
    return sorted(Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".yaml"))


@once
def _model() -> Any:
    """Build the pydantic model on first use, keeping pydantic out of ``import deescalate``."""
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    from deescalate.macros.sandbox import check_template

    stage_name = Literal["calm", "frustrated", "upset", "angry", "irate"]
    step_name = Literal[
        "let-vent", "listen-actively", "acknowledge", "apologize", "restate", "solve"
    ]

    class VariantEntry(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        id: Annotated[str, Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")]
        stages: Annotated[list[stage_name], Field(min_length=1)]
        situations: list[Literal["broken-promise", "solved", "feels-unheard"]] = []
        text: Annotated[str, Field(min_length=1)]

        @field_validator("text")
        @classmethod
        def _template_parses(cls, text: str) -> str:
            check_template(text)
            return text

    class MacroEntry(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        name: Annotated[str, Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")]
        title: Annotated[str, Field(min_length=1)]
        description: str = ""
        steps: list[step_name] = []
        public: bool = True
        tags: list[Annotated[str, Field(pattern=r"^\S+$")]] = []
        variants: Annotated[list[VariantEntry], Field(min_length=1)]

        @field_validator("variants")
        @classmethod
        def _ids_unique(cls, variants: list[VariantEntry]) -> list[VariantEntry]:
            seen: set[str] = set()
            for variant in variants:
                if variant.id in seen:
                    raise ValueError(f"duplicate variant id {variant.id!r}")
                seen.add(variant.id)
            return variants

    class LibraryFile(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        library: Annotated[str, Field(min_length=1)]
        language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
        description: str = ""
        macros: list[MacroEntry]

    return LibraryFile


def load_library_file(path: str | Path) -> tuple[Macro, ...]:
    """Read and validate one library file; errors name the file, the macro and the key."""
    from deescalate.packfiles import validate_pack_file

    path = Path(path)
    parsed: Any = validate_pack_file(path, _model(), entries="macros")
    macros: list[Macro] = []
    seen: set[str] = set()
    for entry in parsed.macros:
        if entry.name in seen:
            raise RulePackError(
                "duplicate macro name in this file", path=str(path), rule=entry.name, key="name"
            )
        seen.add(entry.name)
        variants = tuple(
            Variant(
                id=v.id,
                text=v.text.strip(),
                stages=frozenset(Stage(s) for s in v.stages),
                situations=frozenset(v.situations),
            )
            for v in entry.variants
        )
        macros.append(
            Macro(
                name=entry.name,
                language=parsed.language,
                title=entry.title,
                variants=variants,
                description=entry.description.strip(),
                steps=frozenset(entry.steps),
                public=entry.public,
                tags=tuple(entry.tags),
                source=str(path),
            )
        )
    return tuple(macros)


@dataclass(frozen=True, slots=True)
class MacroLibrary:
    """Macros indexed by ``(name, language)``; build one with :meth:`default` or :meth:`load`."""

    macros: tuple[Macro, ...]
    _index: dict[tuple[str, str], Macro] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {(m.name, m.language): m for m in self.macros})

    @classmethod
    def default(cls) -> MacroLibrary:
        """The macros shipped with deescalate (loaded once, then shared)."""
        return _default_library()

    @classmethod
    def load(cls, paths: Iterable[str | Path], *, builtin: bool = True) -> MacroLibrary:
        """The shipped macros (unless ``builtin`` is false) overridden by the files at ``paths``."""
        files = [*(builtin_library_paths() if builtin else []), *map(Path, paths)]
        merged: dict[tuple[str, str], Macro] = {}
        for path in files:
            for macro in load_library_file(path):
                merged[(macro.name, macro.language)] = macro
        return cls(tuple(merged.values()))

    def __iter__(self) -> Iterator[Macro]:
        return iter(self.macros)

    def __len__(self) -> int:
        return len(self.macros)

    @property
    def names(self) -> tuple[str, ...]:
        """Every macro name, in first-loaded order."""
        return tuple(dict.fromkeys(m.name for m in self.macros))

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language some macro is written in, sorted."""
        return tuple(sorted({m.language for m in self.macros}))

    def languages_of(self, name: str) -> tuple[str, ...]:
        """The languages macro ``name`` exists in, sorted."""
        return tuple(sorted(lang for (n, lang) in self._index if n == name))

    def has(self, name: str, language: str) -> bool:
        """True when macro ``name`` exists in ``language``."""
        return (name, language) in self._index

    def get(self, name: str, language: str = "en") -> Macro:
        """Macro ``name`` in ``language``; an InputError says which names or languages exist."""
        macro = self._index.get((name, language_of(language)))
        if macro is not None:
            return macro
        if name not in self.names:
            raise InputError(f"unknown macro {name!r} (macros: {', '.join(self.names)})")
        languages = ", ".join(self.languages_of(name))
        raise InputError(
            f"macro {name!r} is not available in {language!r} (languages: {languages})"
        )


def language_of(locale: str) -> str:
    """The language part of a locale name: ``es_MX`` and ``es-MX`` give ``es``."""
    return locale.replace("-", "_").split("_", 1)[0].lower()


@once
def _default_library() -> MacroLibrary:
    return MacroLibrary.load([], builtin=True)
