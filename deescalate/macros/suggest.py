"""Which macro fits now: the playbook's answer for the conversation, as macros.

The ranking is read from :func:`deescalate.playbook.advise` (taxonomy.md section 3, and the
follow-through obligations of section 5), for the state
:func:`~deescalate.conversation.summarize` finds, so it agrees with the conversation's next step
and the reply coach:

- a request for a supervisor gets the handoff first;
- then one macro per row of the playbook still missing, in the table's order: the acknowledgement
  for a customer who is not heard or repeats themselves, the overdue update for a broken promise,
  the acknowledgement and the apology, the restatement, the hold-or-callback offer; once every
  row is shown, the follow-through update (keep the promise you gave);
- a solved ticket leaves out what restates or plans and gets the follow-up check;
- an irate customer who did not ask is offered a supervisor last.

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

from deescalate.assessment import Rater
from deescalate.conversation import Conversation, ConversationSummary, summarize
from deescalate.errors import InputError, MissingValuesError
from deescalate.macros.models import MacroValues, Suggestion, Variant
from deescalate.macros.render import render_template
from deescalate.macros.restatement import find_problem
from deescalate.playbook import KEEP_THE_PROMISE, PlaybookState, Step, advise
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
    assessor: Rater | None = None,
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
    ``seed`` (a ticket id, say) varies the wording between tickets, reproducibly. ``assessor``
    rates the customer's messages (the default assessor when ``None``).
    """
    from deescalate.macros.library import MacroLibrary, language_of

    library = library or MacroLibrary.default()
    summary = summarize(conversation, assessor=assessor)
    values = _fill_values(conversation, values or MacroValues(), broken_promises)
    picks = _rank(summary, solved=solved, broken=bool(broken_promises))
    language = language_of(values.locale)
    if language not in library.languages:
        known = ", ".join(library.languages)
        raise InputError(f"no macros in {values.locale!r} (languages: {known})")
    suggestions: list[Suggestion] = []
    for pick in picks:
        if limit is not None and 0 <= limit <= len(suggestions):
            break  # rendering is most of the work: no more than asked for
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


# A solved ticket needs no restatement and no plan: the problem is behind them.
_SOLVED_SKIPS = frozenset({Step.RESTATE, Step.SOLVE})
_SCORE_STEP = 0.05


def _rank(summary: ConversationSummary, *, solved: bool, broken: bool) -> list[_Pick]:
    """The playbook's answer as macros: its next row first, then the rest in the table's order.

    A broken promise (from the ledger, or in the customer's words) is a fact the playbook reads;
    a solved ticket leaves out what restates or plans, and adds the follow-up check. Scores fall
    by 0.05 a place: they order the suggestions.
    """
    state = summary.playbook
    if broken and not state.promise_broken:
        state = replace(state, promise_broken=True)
    advice = advise(state)
    situations = _situations(state, solved=solved)
    picks: list[_Pick] = []
    if advice.handoff:
        picks.append(_Pick("handoff", 0.0, advice.reason))
    for need in advice.missing or (KEEP_THE_PROMISE,):
        if solved and need.step in _SOLVED_SKIPS:
            continue
        picks.append(
            _Pick(
                need.macro, 0.0, need.reason(state.stage), situations.get(need.macro, frozenset())
            )
        )
    if solved:
        picks.append(_follow_up_check(summary.peak_stage))
    if advice.offer_handoff and not advice.handoff:
        why = f"{state.stage}: offer a supervisor if the next reply does not help"
        picks.append(_Pick("handoff", 0.0, why))
    unique: dict[str, _Pick] = {}
    for pick in picks:
        unique.setdefault(pick.macro, pick)  # a macro serving two rows keeps the first reason
    return [
        replace(pick, score=round(1.0 - _SCORE_STEP * place, 2))
        for place, pick in enumerate(unique.values())
    ]


def _situations(state: PlaybookState, *, solved: bool) -> dict[str, frozenset[str]]:
    """The situations each macro's variants are chosen for."""
    broken = frozenset({"broken-promise"}) if state.promise_broken else frozenset()
    solved_set = frozenset({"solved"}) if solved else frozenset()
    unheard = state.unheard or state.repeated
    return {
        "acknowledgement": frozenset({"feels-unheard"}) if unheard else frozenset(),
        "apology": broken | solved_set if broken else frozenset(),
        "follow-through-update": broken,
        "follow-up-check": frozenset({"solved"}),
    }


def _follow_up_check(peak: Stage) -> _Pick:
    """On a solved ticket: check that the fix has held (owed when it reached ``upset``)."""
    if peak >= Stage.UPSET:
        why = f"the ticket was solved after the customer reached {peak}"
    else:
        why = "the ticket is solved"
    return _Pick(
        "follow-up-check", 0.0, f"{why}: check that the fix has held", frozenset({"solved"})
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
