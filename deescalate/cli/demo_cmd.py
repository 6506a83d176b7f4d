"""``deescalate demo``: walk through a sample difficult conversation."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from deescalate.cli.io import STAGE_COLOURS, Style

__all__ = ["SAMPLE_CONVERSATION", "register"]

# Written for the demo; a customer whose printer outage escalates as they feel unheard.
SAMPLE_CONVERSATION: tuple[tuple[str, str], ...] = (
    (
        "customer",
        "Hi, my office printer shows error E-102 since this morning. Could you check on it?",
    ),
    ("agent", "Have you tried turning it off and on again?"),
    (
        "customer",
        "Yes, as I already said in my first message. I've had to wait two hours for that answer "
        "and we have a client deadline today.",
    ),
    ("agent", "Please calm down. Our policy is to go through the troubleshooting steps first."),
    (
        "customer",
        "You're not listening. This is the THIRD time I'm explaining this!!! Get me your "
        "supervisor now or I'm cancelling our contract.",
    ),
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="assess a sample difficult conversation",
        description="Assess each customer message of a sample conversation and show the evidence.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deescalate.assessment import assess
    from deescalate.cli.assess_cmd import render_assessment
    from deescalate.cli.lint_cmd import render_findings
    from deescalate.coach import lint_reply
    from deescalate.conversation import Conversation, summarize
    from deescalate.stages import STAGE_GUIDANCE

    style = Style()
    out = sys.stdout
    out.write(style("deescalate demo: a printer outage that escalates\n", "1"))
    last_customer = None
    for role, text in SAMPLE_CONVERSATION:
        out.write("\n" + style(f"{role}:", "1") + f" {text}\n")
        if role == "customer":
            last_customer = text
            body = render_assessment(text, assess(text), style)
        else:
            body = "reply coach:\n" + render_findings(text, lint_reply(text, last_customer), style)
        out.write("".join(f"    {line}\n" for line in body.splitlines()))
    summary = summarize(Conversation.of(SAMPLE_CONVERSATION))
    peak = summary.peak_stage.value
    out.write(
        "\n"
        + style("conversation:", "1")
        + f" now {style(summary.current_stage.value, STAGE_COLOURS[summary.current_stage.value])},"
        f" peak {style(peak, STAGE_COLOURS[peak])}, trend {summary.trend.value}\n"
    )
    out.write(f"next step: {style(summary.next_step, '1')} ({summary.reason})\n")
    out.write(f"guidance: {STAGE_GUIDANCE[summary.current_stage]}\n")
    return 0
