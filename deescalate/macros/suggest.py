"""Which macro fits now: ranked by the conversation's stage and the playbook steps still missing.

The ranking follows the playbook (taxonomy.md section 3) and the follow-through obligations:

- a broken promise comes first: on a solved ticket, the apology for the missed follow-through;
  on an open one, the overdue update (even without a resolution), then the apology;
- an upset, angry or irate customer whose feelings no reply has acknowledged gets the
  acknowledgement before anything else; an apology follows when none was given;
- an angry customer (or one who says they are not heard) gets the restatement, so they can
  confirm the problem was understood;
- a request for a supervisor gets the handoff;
- an open ticket with no next step yet gets the hold-or-callback offer;
- a solved ticket that reached ``upset`` or worse gets the follow-up check.

Each :class:`~deescalate.macros.models.Suggestion` carries the rendered text and the reason. A
macro that cannot be rendered because values are unknown (an update's ``status``, say) is still
suggested, with ``text=None`` and the missing names.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from deescalate.conversation import Conversation, ConversationSummary, Role, summarize
from deescalate.errors import MissingValuesError
from deescalate.macros.models import MACRO_NAMES, MacroValues, Suggestion, Variant
from deescalate.macros.render import render_template
from deescalate.macros.restatement import find_problem
from deescalate.stages import Stage

if TYPE_CHECKING:
    from deescalate.macros.library import MacroLibrary

__all__ = ["HasDueTime", "suggest_macros"]


class HasDueTime(Protocol):
    """Anything with a due time, such as an obligation from the ledger."""

    @property
    def due_at(self) -> datetime | None: ...


@dataclass(frozen=True, slots=True)
class _Pick:
    macro: str
    score: float
    reason: str
    situations: frozenset[str] = frozenset()


def suggest_macros(
    conversation: Conversation,
    values: MacroValues | None = None,
    *,
    solved: bool = False,
    broken_promises: Sequence[datetime | HasDueTime] = (),
    library: MacroLibrary | None = None,
    seed: str | None = None,
    limit: int | None = None,
) -> tuple[Suggestion, ...]:
    """Rank the library's macros for ``conversation``, best first, rendered for the customer.

    ``values`` supplies the company, the locale and time zone, and anything else the templates
    need; the customer's and agent's names default to the conversation's, the problem to the
    sentence :func:`~deescalate.macros.restatement.find_problem` picks. ``solved`` says the
    ticket is solved; ``broken_promises`` are promises to this customer whose due time passed
    unkept (due times, or objects with ``due_at``), the latest of which fills ``promised_at``.
    A customer message with the ``broken-promise`` signal counts as a broken promise too.
    ``seed`` (a ticket id, say) varies the wording between tickets, reproducibly.
    """
    from deescalate.macros.library import MacroLibrary, language_of

    library = library or MacroLibrary.default()
    summary = summarize(conversation)
    values = _fill_values(conversation, values or MacroValues(), broken_promises)
    picks = _rank(conversation, summary, solved=solved, broken=bool(broken_promises))
    language = language_of(values.locale)
    suggestions: list[Suggestion] = []
    for pick in picks:
        if not library.has(pick.macro, language):
            continue
        macro = library.get(pick.macro, language)
        suggestions.append(_render(pick, macro.variants, summary.current_stage, values, seed))
    return tuple(suggestions[:limit] if limit is not None else suggestions)


def _fill_values(
    conversation: Conversation, values: MacroValues, broken: Sequence[datetime | HasDueTime]
) -> MacroValues:
    due = [b if isinstance(b, datetime) else b.due_at for b in broken]
    known = [d for d in due if d is not None]
    problem = values.problem
    if problem is None:
        found = find_problem(
            [m.text for m in conversation.customer_messages()], language=values.locale
        )
        problem = found.text if found else None
    return replace(
        values,
        customer_name=values.customer_name or conversation.customer_name,
        agent_name=values.agent_name or conversation.agent_name,
        problem=problem,
        promised_at=values.promised_at or (max(known) if known else None),
    )


def _rank(
    conversation: Conversation, summary: ConversationSummary, *, solved: bool, broken: bool
) -> list[_Pick]:
    stage, peak = summary.current_stage, summary.peak_stage
    steps = summary.steps_shown or _steps_in_replies(conversation)
    latest = summary.assessments[-1][1].codes if summary.assessments else frozenset()
    ever = frozenset(code for _, a in summary.assessments for code in a.codes)
    broken = broken or "broken-promise" in ever
    picks: list[_Pick] = []
    if broken and solved:
        picks.append(_Pick("apology", 1.0, "the ticket is solved but a promise to the customer "
                           "was broken: apologize for the missed follow-through",
                           frozenset({"broken-promise", "solved"})))
    elif broken:
        picks.append(_Pick("follow-through-update", 0.95, "a promise to the customer was broken: "
                           "give the update now, even without a resolution",
                           frozenset({"broken-promise"})))
        if "apologize" not in steps:
            picks.append(_Pick("apology", 0.9, "a promise to the customer was broken and no reply "
                               "has apologized for it", frozenset({"broken-promise"})))
    unheard = "feels-unheard" in latest
    if stage >= Stage.UPSET and "acknowledge" not in steps:
        score = 0.97 if stage >= Stage.ANGRY else 0.85
        picks.append(_Pick("acknowledgement", score, f"the customer is {stage} and no reply has "
                           "acknowledged how they feel", frozenset({"feels-unheard"} if unheard else ())))
    elif stage == Stage.FRUSTRATED and "acknowledge" not in steps:
        picks.append(_Pick("acknowledgement", 0.6, "the customer is frustrated and no reply has "
                           "acknowledged it yet"))
    if not broken and stage >= Stage.UPSET and "apologize" not in steps:
        picks.append(_Pick("apology", 0.7, f"the customer is {stage} and has had no apology; "
                           "regret for the trouble is not an admission of fault"))
    if not solved and "restate" not in steps:
        if unheard:
            picks.append(_Pick("restatement", 0.9, "the customer says they are not being heard: "
                               "restate the problem in their words and ask them to confirm it"))
        elif stage >= Stage.ANGRY:
            picks.append(_Pick("restatement", 0.8, f"the customer is {stage}: restate the problem "
                               "and verify it before solving"))
        else:
            picks.append(_Pick("restatement", 0.5, "no reply has restated the problem yet"))
    if "asks-for-manager" in latest:
        picks.append(_Pick("handoff", 0.92, "the customer asks for a supervisor or someone else"))
    elif stage is Stage.IRATE:
        picks.append(_Pick("handoff", 0.55, "the customer is irate: offer a supervisor if the "
                           "next reply does not help"))
    if not solved and not broken and "solve" not in steps:
        picks.append(_Pick("hold-or-callback", 0.45, "no reply has given a next step yet: offer "
                           "to keep working while they wait, or to contact them back"))
    if solved:
        score, why = (0.8, f"the ticket was solved after the customer reached {peak}") if (
            peak >= Stage.UPSET) else (0.4, "the ticket is solved")
        picks.append(_Pick("follow-up-check", score, f"{why}: check that the fix has held",
                           frozenset({"solved"})))
    order = {name: i for i, name in enumerate(MACRO_NAMES)}
    return sorted(picks, key=lambda p: (-p.score, order.get(p.macro, len(order))))


_STEP_CUES = {
    "acknowledge": re.compile(
        r"\b(?:i (?:completely |fully |totally )?(?:understand|can (?:see|hear|imagine)|know how|hear you)"
        r"|(?:must|would) be (?:so |really |very )?(?:frustrating|upsetting|annoying|disappointing)"
        r"|that sounds)",
        re.IGNORECASE,
    ),
    "apologize": re.compile(r"\b(?:sorry|apologi[sz]e|apologies)\b", re.IGNORECASE),
    "restate": re.compile(
        r"\b(?:is that (?:correct|right)|if i (?:understand|understood)|to make sure i"
        r"|have i understood|so what you(?:'re| are) saying)",
        re.IGNORECASE,
    ),
    "solve": re.compile(
        r"\b(?:i(?:'ll| will| am going to|'m going to)|let me|next step|i(?:'ve| have) "
        r"(?:sent|fixed|reset|escalated|arranged|booked|refunded|issued))\b",
        re.IGNORECASE,
    ),
}


def _steps_in_replies(conversation: Conversation) -> frozenset[str]:
    """Playbook steps the agent's public replies show, for summaries that do not say."""
    replies = [m.text for m in conversation.messages if m.role is Role.AGENT and m.public]
    return frozenset(
        step for step, cue in _STEP_CUES.items() if any(cue.search(reply) for reply in replies)
    )


def _candidates(
    variants: tuple[Variant, ...], stage: Stage, situations: frozenset[str], seed: str | None
) -> list[Variant]:
    """Variants that fit, most specific first; ``seed`` rotates those equally specific."""
    fitting = [v for v in variants if v.situations <= situations and stage in v.stages]
    fitting = fitting or [v for v in variants if not v.situations] or list(variants)
    rotation = zlib.crc32(seed.encode("utf-8")) if seed else 0
    ranked: list[Variant] = []
    for size in sorted({len(v.situations) for v in fitting}, reverse=True):
        group = [v for v in fitting if len(v.situations) == size]
        shift = rotation % len(group)
        ranked.extend(group[shift:] + group[:shift])
    return ranked


def _render(
    pick: _Pick, variants: tuple[Variant, ...], stage: Stage, values: MacroValues, seed: str | None
) -> Suggestion:
    first_missing: tuple[str, tuple[str, ...]] | None = None
    for variant in _candidates(variants, stage, pick.situations, seed):
        try:
            text = render_template(variant.text, values, macro=pick.macro)
        except MissingValuesError as exc:
            first_missing = first_missing or (variant.id, exc.missing)
            continue
        return Suggestion(pick.macro, variant.id, text, pick.reason, pick.score)
    assert first_missing is not None  # every macro has at least one variant
    variant_id, missing = first_missing
    return Suggestion(pick.macro, variant_id, None, pick.reason, pick.score, missing)
