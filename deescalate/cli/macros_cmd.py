"""``deescalate macros``: list, show, render, suggest and export reply macros."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deescalate.cli.io import CliInputError, read_input, write_json

if TYPE_CHECKING:
    from deescalate.conversation import Conversation
    from deescalate.macros import MacroLibrary, MacroValues

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "macros",
        help="list, render and suggest reply macros",
        description="The macro library: apology, acknowledgement, restatement and more.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="list the macros and their languages")
    _common(listing)
    listing.set_defaults(func=run_list)

    show = actions.add_parser("show", help="show a macro's variants and templates")
    show.add_argument("name")
    _common(show)
    show.add_argument("--language", default="en", help="language code (default: en)")
    show.set_defaults(func=run_show)

    render = actions.add_parser(
        "render",
        help="render a macro with the values given, or every macro for a helpdesk (--for)",
    )
    render.add_argument("name", nargs="?", help="the macro (optional with --for)")
    render.add_argument(
        "--for",
        dest="target",
        metavar="SYSTEM",
        help="print canned texts for a helpdesk without macro import (jira), or its own format",
    )
    _common(render)
    _value_options(render)
    render.add_argument("--variant", help="variant id (default: the first one for --stage)")
    render.add_argument("--stage", choices=("calm", "frustrated", "upset", "angry", "irate"))
    render.set_defaults(func=run_render)

    suggest = actions.add_parser(
        "suggest",
        help="rank macros for a conversation (JSON from a file or stdin)",
        description=(
            'Read {"customer_name", "agent_name", "company", "locale", "tz", "messages": '
            '[{"role", "text", "at"}]} and print ranked suggestions.'
        ),
    )
    suggest.add_argument("path", nargs="?", help="conversation JSON file (default: stdin)")
    _common(suggest)
    suggest.add_argument("--solved", action="store_true", help="the ticket is solved")
    suggest.add_argument(
        "--broken-promise",
        action="append",
        default=[],
        metavar="ISO",
        help="due time of a promise that was not kept (repeatable)",
    )
    suggest.add_argument("--status", help="where things stand, for follow-through updates")
    suggest.add_argument(
        "--next-contact-at", metavar="ISO", help="when the agent will be back in touch"
    )
    suggest.add_argument("--seed", help="vary the wording reproducibly (a ticket id, say)")
    suggest.add_argument("--limit", type=int, help="print at most this many suggestions")
    suggest.set_defaults(func=run_suggest)

    export = actions.add_parser(
        "export", help="export the macros for Zendesk (JSON) or Jira (text)"
    )
    export.add_argument("--to", choices=("zendesk", "jira"), required=True)
    export.add_argument("--language", help="only this language (default: all)")
    export.add_argument(
        "--library",
        action="append",
        default=[],
        metavar="FILE",
        help="a team's macro file (repeatable)",
    )
    export.set_defaults(func=run_export)

    sync = actions.add_parser(
        "sync",
        help="create or update the library's macros in a helpdesk (never duplicated)",
        description="Upsert every customer-facing macro variant into the helpdesk, by a stable "
        "name (language::macro::variant); a second run updates them in place.",
    )
    sync.add_argument("helpdesk", metavar="NAME", help="an installed adapter, e.g. zendesk")
    sync.add_argument("--language", help="only this language (default: all)")
    sync.add_argument(
        "--library", action="append", default=[], metavar="FILE", help="a team's macro file"
    )
    sync.set_defaults(func=run_sync)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--library",
        action="append",
        default=[],
        metavar="FILE",
        help="a team's macro file, loaded after the shipped ones (repeatable)",
    )


def _value_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customer-name")
    parser.add_argument("--agent-name")
    parser.add_argument("--company")
    parser.add_argument("--problem", help="the problem, as it should be read back to the customer")
    parser.add_argument("--promised-at", metavar="ISO", help="the promised time (ISO 8601)")
    parser.add_argument("--next-contact-at", metavar="ISO", help="the next contact (ISO 8601)")
    parser.add_argument("--status", help="where things stand")
    parser.add_argument("--locale", default="en", help="the customer's locale (default: en)")
    parser.add_argument("--tz", default="UTC", help="the customer's IANA time zone (default: UTC)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a team's own placeholder (repeatable)",
    )


@contextmanager
def _bad_input() -> Iterator[None]:
    """Turn the library's errors about input into the CLI's exit-2 error."""
    from deescalate.errors import InputError, RulePackError, TemplateError

    try:
        yield
    except (InputError, RulePackError, TemplateError) as exc:
        raise CliInputError(str(exc)) from exc


def _library(args: argparse.Namespace) -> MacroLibrary:
    from deescalate.macros import MacroLibrary

    with _bad_input():
        return MacroLibrary.load(args.library) if args.library else MacroLibrary.default()


def run_list(args: argparse.Namespace) -> int:
    library = _library(args)
    rows: list[dict[str, Any]] = []
    for name in library.names:
        languages = library.languages_of(name)
        macro = library.get(name, "en" if "en" in languages else languages[0])
        rows.append(
            {
                "name": name,
                "languages": list(languages),
                "title": macro.title,
                "variants": len(macro.variants),
            }
        )
    if args.format == "json":
        write_json(rows, indent=2)
        return 0
    for row in rows:
        langs = ",".join(row["languages"])
        sys.stdout.write(
            f"{row['name']:<24} {langs:<8} {row['variants']} variants  {row['title']}\n"
        )
    return 0


def run_show(args: argparse.Namespace) -> int:
    library = _library(args)
    with _bad_input():
        macro = library.get(args.name, args.language)
    if args.format == "json":
        write_json(
            {
                "name": macro.name,
                "language": macro.language,
                "title": macro.title,
                "description": macro.description,
                "steps": sorted(macro.steps),
                "public": macro.public,
                "tags": list(macro.tags),
                "variants": [
                    {
                        "id": v.id,
                        "stages": [s.value for s in sorted(v.stages)],
                        "situations": sorted(v.situations),
                        "text": v.text,
                    }
                    for v in macro.variants
                ],
            },
            indent=2,
        )
        return 0
    out = [f"{macro.name} ({macro.language}): {macro.title}"]
    if macro.description:
        out.append(macro.description)
    for v in macro.variants:
        when = ", ".join(s.value for s in sorted(v.stages))
        if v.situations:
            when += "; when " + ", ".join(sorted(v.situations))
        out += ["", f"  {v.id}  [{when}]", f"    {v.text}"]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _when(text: str | None, tz: str, what: str) -> datetime | None:
    """An ISO 8601 time; one without an offset is read in the customer's time zone ``tz``."""
    if text is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CliInputError(f"{what}: {text!r} is not an ISO 8601 time") from exc
    if moment.tzinfo is None:
        try:
            moment = moment.replace(tzinfo=ZoneInfo(tz))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CliInputError(
                f"unknown time zone {tz!r}: use an IANA name such as 'Europe/Berlin'"
            ) from exc
    return moment


def _extra(pairs: list[str]) -> dict[str, str]:
    extra: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CliInputError(f"--set {pair!r}: use NAME=VALUE")
        extra[name.strip()] = value
    return extra


def run_render(args: argparse.Namespace) -> int:
    from deescalate.macros import MacroValues, render_macro
    from deescalate.stages import Stage

    library = _library(args)
    if args.target:
        args.to = args.target
        if args.name is not None:
            from deescalate.macros import MacroLibrary

            library = MacroLibrary(tuple(m for m in library if m.name == args.name))
            if not len(library):
                raise CliInputError(f"no macro named {args.name!r}")
        return _export(args, library)
    if args.name is None:
        raise CliInputError("name a macro to render, or give --for SYSTEM for all of them")
    values = MacroValues(
        customer_name=args.customer_name,
        agent_name=args.agent_name,
        company=args.company,
        problem=args.problem,
        promised_at=_when(args.promised_at, args.tz, "--promised-at"),
        next_contact_at=_when(args.next_contact_at, args.tz, "--next-contact-at"),
        status=args.status,
        locale=args.locale,
        tz=args.tz,
        extra=_extra(args.set),
    )
    stage = Stage(args.stage) if args.stage else None
    with _bad_input():
        rendered = render_macro(
            args.name, values, variant=args.variant, stage=stage, library=library
        )
    if args.format == "json":
        write_json(
            {
                "macro": rendered.macro,
                "variant": rendered.variant,
                "language": rendered.language,
                "text": rendered.text,
            },
            indent=2,
        )
    else:
        sys.stdout.write(rendered.text + "\n")
    return 0


def _conversation(raw: str, source: str) -> tuple[Conversation, dict[str, Any]]:
    from deescalate.conversation import Conversation, Message

    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CliInputError(f"{source}: malformed JSON at line {exc.lineno} ({exc.msg})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise CliInputError(f"{source}: expected an object with a 'messages' list")
    for key in ("customer_name", "agent_name", "company", "locale", "tz"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise CliInputError(f"{source}: {key!r} must be a string")
    tz = data.get("tz") or "UTC"
    messages = []
    for number, item in enumerate(data["messages"], start=1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise CliInputError(f"{source}: message {number} needs a 'text' string")
        if item.get("role") not in ("customer", "agent"):
            raise CliInputError(f"{source}: message {number}: 'role' must be 'customer' or 'agent'")
        at = item.get("at")
        if at is not None and not isinstance(at, str):
            raise CliInputError(f"{source}: message {number}: 'at' must be an ISO 8601 string")
        messages.append(
            Message(
                item["role"],
                item["text"],
                _when(at, tz, f"message {number}"),
                public=bool(item.get("public", True)),
            )
        )
    conversation = Conversation(
        tuple(messages), customer_name=data.get("customer_name"), agent_name=data.get("agent_name")
    )
    return conversation, data


def run_suggest(args: argparse.Namespace) -> int:
    from deescalate.macros import MacroValues, suggest_macros

    library = _library(args)
    source = "stdin" if args.path in (None, "-") else args.path
    conversation, data = _conversation(read_input(args.path), source)
    tz = data.get("tz") or "UTC"
    broken = [_when(b, tz, "--broken-promise") for b in args.broken_promise]
    broken += [_when(b, tz, "broken_promises") for b in data.get("broken_promises") or []]
    values: MacroValues = MacroValues(
        company=data.get("company"),
        status=args.status,
        next_contact_at=_when(args.next_contact_at, tz, "--next-contact-at"),
        locale=data.get("locale") or "en",
        tz=tz,
    )
    with _bad_input():
        suggestions = suggest_macros(
            conversation,
            values,
            solved=args.solved or bool(data.get("solved")),
            broken_promises=[b for b in broken if b is not None],
            library=library,
            seed=args.seed,
            limit=args.limit,
        )
    if args.format == "json":
        write_json([s.to_dict() for s in suggestions], indent=2)
        return 0
    for s in suggestions:
        sys.stdout.write(f"{s.macro} / {s.variant}  ({s.score:.2f})  {s.reason}\n")
        if s.text is not None:
            sys.stdout.write(f"    {s.text}\n\n")
        else:
            sys.stdout.write(f"    needs values for: {', '.join(s.missing)}\n\n")
    return 0


def run_export(args: argparse.Namespace) -> int:
    return _export(args, _library(args))


def _export(args: argparse.Namespace, library: MacroLibrary) -> int:
    from deescalate.macros.export import to_jira_text

    if args.to == "jira":
        sys.stdout.write(to_jira_text(library, language=args.language))
        return 0
    # The helpdesk's own macro format belongs to its adapter, found like any other plugin.
    from deescalate.errors import ConfigurationError
    from deescalate.plugins import load_helpdesk

    try:
        export = getattr(load_helpdesk(args.to), "export_macros", None)
    except ConfigurationError as exc:
        raise CliInputError(str(exc)) from exc
    if export is None:
        raise CliInputError(f"the {args.to} adapter cannot export macros")
    write_json({"macros": export(library, language=args.language)}, indent=2)
    return 0


def run_sync(args: argparse.Namespace) -> int:
    from deescalate.cli.context import build_runtime
    from deescalate.macros.export import selected
    from deescalate.macros.render import fill_placeholders

    library = _library(args)
    args.db = "memory://"  # syncing macros touches no ledger
    count = 0
    with build_runtime(args, helpdesk=args.helpdesk) as runtime:
        desk = runtime.helpdesk
        placeholders = getattr(desk, "macro_placeholders", {})
        for macro in selected(library, args.language):
            if not macro.public:
                continue  # internal notes are the worker's, not agents' macros
            for variant in macro.variants:
                name = f"{macro.language}::{macro.name}::{variant.id}"
                body = fill_placeholders(variant.text, placeholders)
                ident = desk.upsert_macro(name, body, public=True, tags=macro.tags)
                sys.stdout.write(f"{name} -> {ident}\n")
                count += 1
    sys.stdout.write(f"{count} macros synced to {args.helpdesk}\n")
    return 0
