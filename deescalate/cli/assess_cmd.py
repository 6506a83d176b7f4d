"""``deescalate assess``: rate customer messages from a file or stdin."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from deescalate.cli.io import STAGE_COLOURS, Progress, Style, iter_jsonl, read_input, write_json

__all__ = ["register", "render_assessment"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "assess",
        help="rate customer messages on the escalation scale",
        description="Rate a customer message (a file, or stdin) on the escalation scale, with the evidence.",
    )
    parser.add_argument("path", nargs="?", help="file to read (default: stdin)")
    parser.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="text (highlighted evidence), json (indented), or jsonl (one compact line)",
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help='read one JSON object per line ({"id": ..., "text": ...}) and print one result per line',
    )
    parser.add_argument(
        "--pack", action="append", default=[], metavar="FILE", help="extra signal pack (repeatable)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deescalate.assessment import Assessor
    from deescalate.cli.context import settings_of
    from deescalate.cli.io import CliInputError
    from deescalate.errors import RulePackError

    settings = settings_of(args)
    try:
        assessor = Assessor(
            [*settings.extra_packs, *args.pack],
            acronyms=settings.acronyms,
            max_chars=settings.max_chars,
        )
    except RulePackError as exc:
        raise CliInputError(str(exc)) from exc
    if args.jsonl:
        progress = Progress("assessed")
        for _, item in iter_jsonl(args.path):
            write_json({"id": item.get("id"), **assessor.assess(item["text"]).to_dict()})
            progress.step()
        progress.done()
        return 0
    text = read_input(args.path)
    result = assessor.assess(text)
    if args.format in ("json", "jsonl"):
        write_json(result.to_dict(), indent=2 if args.format == "json" else None)
    else:
        sys.stdout.write(render_assessment(text, result, Style()) + "\n")
    return 0


def render_assessment(text: str, result: Any, style: Style) -> str:
    """The stage, score and evidence, with the evidence highlighted in the text."""
    if not result.language_supported:
        language = result.language or "unknown"
        return style(f"UNKNOWN  language {language!r} is not supported: not rated", "1")
    stage = result.stage.value
    lines = [
        f"{style(stage.upper(), STAGE_COLOURS[stage], '1')}  score {result.score:.2f}"
        + ("  (asks for someone else)" if result.wants_handoff else "")
    ]
    for note in result.notes:
        lines.append(style(f"note: {note}", "2"))
    if result.signals:
        lines.append(_highlight(text, [(s.start, s.end) for s in result.signals], style))
        lines.append("")
        for signal in result.signals:
            lines.append(
                f"  {style(signal.code, '1'):<28} {signal.weight:+.1f}  {signal.text!r}"
                f"  {style(signal.rule, '2')}"
            )
    return "\n".join(lines)


def _highlight(text: str, spans: list[tuple[int, int]], style: Style) -> str:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, cursor = [], 0
    for start, end in merged:
        out.append(text[cursor:start])
        piece = text[start:end]
        out.append(style(piece, "4", "33") if style.color else f"[{piece}]")
        cursor = end
    out.append(text[cursor:])
    return "".join(out).strip()
