"""Which macro fits now: ranked by the conversation's stage and the playbook steps still missing.

The ranking follows the playbook (taxonomy.md section 3) and the follow-through obligations,
using the steps :func:`~deescalate.conversation.summarize` says the agent's replies have shown
since the customer reached the current stage (its ``next-step`` counts as ``solve``):

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

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from deescalate.conversation import Conversation, ConversationSummary, summarize
from deescalate.errors import InputError, MissingValuesError
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
    A locale whose language has no macros at all is an :class:`~deescalate.errors.InputError`;
    a macro missing in that language (a team's English-only macro, say) is left out.
    ``seed`` (a ticket id, say) varies the wording between tickets, reproducibly.
    """
    from deescalate.macros.library import MacroLibrary, language_of

    library = library or MacroLibrary.default()
    summary = summarize(conversation)
    values = _fill_values(conversation, values or MacroValues(), broken_promises)
    picks = _rank(summary, solved=solved, broken=bool(broken_promises))
    language = language_of(values.locale)
    if language not in library.languages:
        known = ", ".join(library.languages)
        raise InputError(f"no macros in {values.locale!r} (languages: {known})")
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
    if any(d.tzinfo is None or d.utcoffset() is None for d in known):
        raise InputError("broken promises' due times must be time-zone aware")
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


@dataclass(frozen=True, slots=True)
class _State:
    """What the ranking looks at: stages, steps shown, signals, and the ticket's status."""

    stage: Stage
    peak: Stage
    steps: frozenset[str]
    latest: frozenset[str]
    solved: bool
    broken: bool


def _normalized(steps: frozenset[str]) -> frozenset[str]:
    """The tracker's step names, with ``next-step`` read as the playbook's ``solve``."""
    return steps | {"solve"} if "next-step" in steps else steps


def _state(summary: ConversationSummary, *, solved: bool, broken: bool) -> _State:
    latest = summary.assessments[-1][1].codes if summary.assessments else frozenset()
    if summary.feels_unheard:
        latest |= {"feels-unheard"}
    ever = frozenset(code for _, a in summary.assessments for code in a.codes)
    return _State(
        stage=summary.current_stage,
        peak=summary.peak_stage,
        steps=_normalized(summary.steps_shown),
        latest=latest,
        solved=solved,
        broken=broken or "broken-promise" in ever,
    )


def _rank(summary: ConversationSummary, *, solved: bool, broken: bool) -> list[_Pick]:
    state = _state(summary, solved=solved, broken=broken)
    picks = [*_promise_picks(state), *_feeling_picks(state), *_progress_picks(state)]
    order = {name: i for i, name in enumerate(MACRO_NAMES)}
    return sorted(picks, key=lambda p: (-p.score, order.get(p.macro, len(order))))


_BROKEN = frozenset({"broken-promise"})


def _promise_picks(state: _State) -> list[_Pick]:
    """A broken promise: the apology on a solved ticket, else the overdue update first."""
    if not state.broken:
        return []
    if state.solved:
        why = "the ticket is solved but a promise to the customer was broken"
        return [
            _Pick(
                "apology",
                1.0,
                f"{why}: apologize for the missed follow-through",
                _BROKEN | {"solved"},
            )
        ]
    why = "a promise to the customer was broken"
    picks = [
        _Pick(
            "follow-through-update",
            0.95,
            f"{why}: give the update now, even without a resolution",
            _BROKEN,
        )
    ]
    if "apologize" not in state.steps:
        picks.append(_Pick("apology", 0.9, f"{why} and no reply has apologized for it", _BROKEN))
    return picks


def _feeling_picks(state: _State) -> list[_Pick]:
    """Acknowledge, apologize and restate for a customer whose feelings are not yet met."""
    stage, steps, picks = state.stage, state.steps, []
    unheard = "feels-unheard" in state.latest
    if stage >= Stage.FRUSTRATED and "acknowledge" not in steps:
        score = 0.97 if stage >= Stage.ANGRY else 0.85 if stage >= Stage.UPSET else 0.6
        why = f"the customer is {stage} and no reply has acknowledged how they feel"
        picks.append(
            _Pick(
                "acknowledgement",
                score,
                why,
                frozenset({"feels-unheard"}) if unheard else frozenset(),
            )
        )
    if not state.broken and stage >= Stage.UPSET and "apologize" not in steps:
        why = f"the customer is {stage} and has had no apology"
        picks.append(_Pick("apology", 0.7, f"{why}; regret for the trouble admits no fault"))
    if not state.solved and "restate" not in steps:
        if unheard:
            why = "the customer says they are not being heard: restate the problem in their words"
            picks.append(_Pick("restatement", 0.9, f"{why} and ask them to confirm it"))
        elif stage >= Stage.ANGRY:
            why = f"the customer is {stage}: restate the problem and verify it before solving"
            picks.append(_Pick("restatement", 0.8, why))
        else:
            picks.append(_Pick("restatement", 0.5, "no reply has restated the problem yet"))
    return picks


def _progress_picks(state: _State) -> list[_Pick]:
    """Handoff, a next step on an open ticket, and the follow-up check on a solved one."""
    picks = []
    if "asks-for-manager" in state.latest:
        picks.append(_Pick("handoff", 0.92, "the customer asks for a supervisor or someone else"))
    elif state.stage is Stage.IRATE:
        why = "the customer is irate: offer a supervisor if the next reply does not help"
        picks.append(_Pick("handoff", 0.55, why))
    if not state.solved and not state.broken and "solve" not in state.steps:
        why = "no reply has given a next step yet: offer to keep working while they wait"
        picks.append(_Pick("hold-or-callback", 0.45, f"{why}, or to contact them back"))
    if state.solved:
        upset = state.peak >= Stage.UPSET
        why = (
            f"the ticket was solved after the customer reached {state.peak}"
            if upset
            else ("the ticket is solved")
        )
        picks.append(
            _Pick(
                "follow-up-check",
                0.8 if upset else 0.4,
                f"{why}: check that the fix has held",
                frozenset({"solved"}),
            )
        )
    return picks


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
