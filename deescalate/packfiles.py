"""Reading YAML pack files (signal packs, reply-coach packs, macro libraries) into typed models.

Every pack error is a :class:`~deescalate.errors.RulePackError` that names the file, the entry
(by its ``id`` or ``name``, else its position) and the key, so a support team can fix its own
files without reading a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deescalate.errors import RulePackError

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["check_phrases", "read_pack_mapping", "shipped_files", "validate_pack_file"]


def shipped_files(package: str, folder: str) -> list[Path]:
    """The YAML files shipped in ``package``'s ``folder``, in load order."""
    from importlib import resources

    directory = resources.files(package) / folder
    return sorted(Path(str(entry)) for entry in directory.iterdir() if entry.name.endswith(".yaml"))


def check_phrases(phrases: Iterable[str]) -> None:
    """Compile each phrase once so a pack with a bad phrase fails when it loads."""
    from deescalate.phrases import compile_phrase, refuse_nested_choices

    for phrase in phrases:
        refuse_nested_choices(phrase)
        compile_phrase(phrase)


def read_pack_mapping(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML file, or a RulePackError saying why there is none."""
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulePackError(f"cannot read the pack: {exc.strerror or exc}", path=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise RulePackError("the pack is not UTF-8 text", path=str(path)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise RulePackError(f"not valid YAML{where}", path=str(path)) from exc
    if not isinstance(raw, dict):
        raise RulePackError("a pack must be a mapping with 'pack' and 'rules'", path=str(path))
    return raw


def validate_pack_file(
    path: str | Path,
    model: type[BaseModel],
    *,
    entries: str = "rules",
    tags: Sequence[str] = (),
) -> BaseModel:
    """Read ``path`` and validate it with ``model``; ``entries`` names the list of rules.

    ``tags`` are the values of a discriminated union's ``kind``, which pydantic puts into error
    locations and which are dropped from the reported key.
    """
    from pydantic import ValidationError

    path = Path(path)
    raw = read_pack_mapping(path)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _pack_error(exc, raw, path, entries, tags) from exc


def _pack_error(
    exc: Any, raw: dict[str, Any], path: Path, entries: str, tags: Sequence[str]
) -> RulePackError:
    first = exc.errors()[0]
    loc: Sequence[Any] = first["loc"]
    rule_name: str | None = None
    key: str | None = None
    if len(loc) >= 2 and loc[0] == entries and isinstance(loc[1], int):
        items = raw.get(entries) or []
        entry = items[loc[1]] if loc[1] < len(items) else None
        label = entry.get("id") or entry.get("name") if isinstance(entry, dict) else None
        rule_name = str(label) if label else f"#{loc[1] + 1}"
        rest = [str(part) for part in loc[2:] if isinstance(part, str)]
        if rest and rest[0] in tags and len(rest) > 1:
            rest = rest[1:]  # the discriminated-union tag pydantic puts in the location
        key = rest[0] if rest else None
        if key is None and first["type"] in {"union_tag_invalid", "union_tag_not_found"}:
            key = "kind"
    elif loc:
        key = str(loc[0])
    message = first["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return RulePackError(message, path=str(path), rule=rule_name, key=key)
