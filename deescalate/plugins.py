"""Helpdesk adapters found through the ``deescalate.helpdesks`` entry-point group.

Third parties ship an adapter the same way as the bundled ones: a distribution that declares
``[project.entry-points."deescalate.helpdesks"] name = "package:Class"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

from deescalate.errors import ConfigurationError

__all__ = ["ENTRY_POINT_GROUP", "AdapterRecord", "discover_helpdesks", "load_helpdesk"]

ENTRY_POINT_GROUP = "deescalate.helpdesks"


@dataclass(frozen=True, slots=True)
class AdapterRecord:
    """An installed adapter: its name, where it points, and the distribution that ships it."""

    name: str
    target: str
    distribution: str | None
    version: str | None


def discover_helpdesks() -> list[AdapterRecord]:
    """Every adapter registered in the entry-point group, sorted by name (nothing is imported)."""
    records = []
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry.dist
        records.append(
            AdapterRecord(
                name=entry.name,
                target=entry.value,
                distribution=dist.metadata["Name"] if dist is not None else None,
                version=dist.version if dist is not None else None,
            )
        )
    return sorted(records, key=lambda record: record.name)


def load_helpdesk(name: str) -> type:
    """Import and return the adapter class registered as ``name``.

    Raises :class:`ConfigurationError` naming the adapter when it is not installed or fails to
    import; the original exception is kept as the cause.
    """
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry.name == name:
            try:
                loaded = entry.load()
            except Exception as exc:
                raise ConfigurationError(
                    f"helpdesk adapter {name!r} ({entry.value}) failed to load: {exc}"
                ) from exc
            if not isinstance(loaded, type):
                raise ConfigurationError(f"helpdesk adapter {name!r} is not a class: {entry.value}")
            return loaded
    installed = ", ".join(r.name for r in discover_helpdesks()) or "none"
    raise ConfigurationError(
        f"no helpdesk adapter named {name!r} is installed (installed: {installed}); "
        f'pip install "deescalate[{name}]"'
    )
