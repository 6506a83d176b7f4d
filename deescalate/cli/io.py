"""Reading command-line input and writing output: files or stdin, JSON lines, colour."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from deescalate.errors import DeescalateError
from deescalate.text import decode_text, looks_binary

__all__ = [
    "CliInputError",
    "Progress",
    "Style",
    "iter_jsonl",
    "load_settings",
    "read_input",
    "write_json",
]


class CliInputError(DeescalateError):
    """Bad input on the command line; the CLI prints it on one line and exits 2."""


def read_input(path: str | None) -> str:
    """The text of ``path``, or of stdin when ``path`` is ``None`` or ``-``; binary data is refused."""
    if path in (None, "-"):
        name, data = "stdin", sys.stdin.buffer.read()
    else:
        try:
            name, data = path, Path(path).read_bytes()
        except OSError as exc:
            raise CliInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if looks_binary(data):
        raise CliInputError(f"{name} looks like binary data, not text: give a text file")
    return decode_text(data)


def _open_lines(path: str | None) -> IO[bytes]:
    if path in (None, "-"):
        return sys.stdin.buffer
    try:
        return Path(path).open("rb")
    except OSError as exc:
        raise CliInputError(f"cannot read {path}: {exc.strerror or exc}") from exc


def iter_jsonl(
    path: str | None, *, required: tuple[str, ...] = ("text",)
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank JSON line; bad lines raise with the number."""
    name = "stdin" if path in (None, "-") else path
    handle = _open_lines(path)
    try:
        for number, raw in enumerate(handle, start=1):
            line = decode_text(raw).strip()
            if not line:
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CliInputError(f"{name} line {number}: malformed JSON ({exc.msg})") from exc
            if not isinstance(value, dict):
                raise CliInputError(f"{name} line {number}: expected a JSON object")
            for key in required:
                if not isinstance(value.get(key), str):
                    raise CliInputError(f"{name} line {number}: {key!r} must be a string")
            yield number, value
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def write_json(value: Any, *, stream: IO[str] | None = None, indent: int | None = None) -> None:
    out = stream or sys.stdout
    out.write(json.dumps(value, ensure_ascii=False, indent=indent) + "\n")


class Style:
    """ANSI colours when writing to a terminal, honouring NO_COLOR and FORCE_COLOR."""

    def __init__(self, stream: IO[str] | None = None, *, color: bool | None = None) -> None:
        stream = stream or sys.stdout
        if color is None:
            if os.environ.get("NO_COLOR"):
                color = False
            elif os.environ.get("FORCE_COLOR"):
                color = True
            else:
                color = hasattr(stream, "isatty") and stream.isatty()
        self.color = color

    def __call__(self, text: str, *codes: str) -> str:
        if not self.color or not codes:
            return text
        return "\033[" + ";".join(codes) + "m" + text + "\033[0m"


STAGE_COLOURS = {"calm": "32", "frustrated": "36", "upset": "33", "angry": "31", "irate": "1;31"}


class Progress:
    """A one-line counter on stderr for long batches, shown only when stderr is a terminal."""

    def __init__(self, label: str, *, total: int | None = None, every: int = 500) -> None:
        self.label = label
        self.total = total
        self.every = every
        self.count = 0
        self.enabled = sys.stderr.isatty() and not os.environ.get("DEESCALATE_NO_PROGRESS")

    def step(self, amount: int = 1) -> None:
        self.count += amount
        if self.enabled and self.count % self.every == 0:
            of = f"/{self.total}" if self.total else ""
            sys.stderr.write(f"\r{self.label}: {self.count}{of}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled and self.count >= self.every:
            sys.stderr.write(f"\r{self.label}: {self.count} done\n")
            sys.stderr.flush()


def _env_name(message: str) -> str:
    """'error parsing value for field "disabled_rules" ...' -> the environment variable's name."""
    match = re.search(r'field "([a-z_]+)"', message)
    if match is None:
        return message
    return f"DEESCALATE_{match.group(1).upper()} cannot be parsed (lists are JSON, e.g. '[\"a\"]')"


def load_settings(config: str | None = None) -> Any:
    """The configuration (``deescalate.toml`` under the DEESCALATE_ environment); a bad value is
    bad input (exit 2), naming the file's key or the variable."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from deescalate.config import load_configuration

    try:
        return load_configuration(config)
    except SettingsError as exc:
        # pydantic-settings names the field: 'error parsing value for field "x" from source ...'
        raise CliInputError(f"bad setting: {_env_name(str(exc))}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "DEESCALATE_" + "_".join(str(part) for part in first["loc"]).upper()
        raise CliInputError(f"bad setting {name}: {first['msg']}") from exc
