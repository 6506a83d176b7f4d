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
    _suggest_and_follow_through(style)
    out.write(
        "\n"
        + style("the whole story:", "1")
        + " make demo (python examples/hands_off.py in a clone) runs the webhook service on "
        "a local helpdesk: signed deliveries in, tags, a note with suggested wording, the "
        "reminder before the promised call, the broken promise and the follow-up after solve.\n"
    )
    return 0


# The agent's better reply, written for the demo.
BETTER_REPLY = (
    "Mr. Novak, I'm so sorry: you explained this twice and we kept asking the same questions. "
    "So the printer shows E-102 since this morning and you have a client deadline today, is that "
    "correct? I'll call you back by 3 pm today with a replacement plan, and my supervisor will "
    "join the call."
)


def _suggest_and_follow_through(style: Style) -> None:
    """Macro suggestions, the better reply's promise, and the obligation it opens."""
    import tempfile
    from datetime import UTC, datetime
    from pathlib import Path

    from deescalate.calendar import BusinessCalendar
    from deescalate.coach import lint_reply
    from deescalate.conversation import Conversation
    from deescalate.macros import MacroValues, suggest_macros
    from deescalate.obligations import Ledger
    from deescalate.promises import find_promises
    from deescalate.store import SQLiteStore

    out = sys.stdout
    conversation = Conversation.of(SAMPLE_CONVERSATION, customer_name="Mr. Novak", agent_name="Sam")
    values = MacroValues(company="Acme Office Supplies", locale="en_US", tz="Europe/Berlin")
    out.write("\n" + style("suggested macros:", "1") + "\n")
    for suggestion in suggest_macros(conversation, values, limit=3, seed="demo"):
        text = suggestion.text or "(needs " + ", ".join(suggestion.missing) + ")"
        out.write(f"  {style(suggestion.macro, '1')}: {suggestion.reason}\n    {text}\n")
    sent = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)
    out.write("\n" + style("a better reply:", "1") + f" {BETTER_REPLY}\n")
    findings = lint_reply(BETTER_REPLY, SAMPLE_CONVERSATION[-1][1])
    out.write(f"    reply coach: {len(findings)} findings\n")
    calendar = BusinessCalendar.standard("Europe/Berlin")
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "ledger.db")
        ledger = Ledger(store, calendar=calendar)
        for promise in find_promises(BETTER_REPLY, sent, "Europe/Berlin", calendar):
            obligation, _ = ledger.open_follow_through(
                "demo:1", promise, comment_id="c6", sent_at=sent
            )
            due = obligation.due_at.astimezone(calendar.zone).strftime("%a %H:%M")
            remind = (
                obligation.remind_at.astimezone(calendar.zone).strftime("%H:%M")
                if obligation.remind_at
                else "-"
            )
            out.write(
                f"    promise: {style(promise.action, '1')} {promise.text!r}\n"
                f"    follow-through obligation: due {style(due, '36')}, reminder at {remind}; "
                "broken and escalated if nobody calls by then\n"
            )
        store.close()
