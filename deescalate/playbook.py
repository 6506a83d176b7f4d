"""The playbook (taxonomy.md section 3): what the agent should do next, as one table.

:data:`PLAYBOOK` lists what a reply should show, in the playbook's order, with the stage (and the
fact) that calls for it, the reply-coach rule that flags a reply without it and the macro that
provides it. :func:`advise` reads the table for one situation (a :class:`PlaybookState`) and
answers with the next step and what is still missing (an :class:`Advice`). The conversation's
recommended step, the reply coach's absence rules and the macro suggester's ranking all come from
this one answer, so they cannot disagree.

Two readings of the taxonomy are written into the table: an apology acknowledges (step 4 names the
apology as part of acknowledging), so a reply that apologizes has shown ``acknowledge``; and every
customer is better served by a restated problem and a next contact, but the coach flags their
absence only from the stages the taxonomy's rules name (DE202 from ``angry``, DE203 from
``upset``). An inconvenience the company caused is apologized for at every stage: a customer who
reports a double charge calmly is owed the apology an angry one is (DE104 from ``calm``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from deescalate.errors import InputError
from deescalate.stages import Stage

__all__ = [
    "EVIDENCE_STEPS",
    "HANDOFF",
    "HANDOFF_OFFER_FROM",
    "KEEP_THE_PROMISE",
    "LOWEST_FLAGGED_STAGE",
    "PLAYBOOK",
    "Advice",
    "Condition",
    "Need",
    "PlaybookState",
    "Step",
    "advise",
    "table_markdown",
]


class Step(enum.StrEnum):
    """The playbook's steps, in order; the values are the taxonomy's names."""

    GET_FOCUSED = "get-focused"
    LET_VENT = "let-vent"
    LISTEN_ACTIVELY = "listen-actively"
    ACKNOWLEDGE = "acknowledge"
    RESTATE = "restate"
    SOLVE = "solve"

    def __str__(self) -> str:
        return self.value


HANDOFF = "handoff"
"""What to do first, before any step, when the customer asks for someone else."""


class Condition(enum.StrEnum):
    """What, besides the stage, must hold for a row of the playbook to apply."""

    ALWAYS = "always"
    FEELS_UNHEARD = "they say they are not being heard"
    REPEATED = "they repeat an answered message"
    PROMISE_BROKEN = "a promise to them was broken"
    INCONVENIENCED = "the company caused them an inconvenience"
    PROBLEM_STATED = "they have stated a problem to restate"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Need:
    """One row of the playbook: something a reply to the customer should show.

    The row applies from ``from_stage`` up when ``condition`` holds. ``flagged_from`` is the
    stage from which the reply coach reports a reply without it (by ``rule``); ``None`` when the
    coach never does. A row is shown by its ``step``, or by ``shown_by`` when another step shows
    it too (an acknowledgement is how a written reply shows it listened); ``apology`` marks a row
    only an apology shows. ``macro`` is the shipped macro that provides it. The reason reads
    "<stage> <missing>: <should>".
    """

    step: Step
    condition: Condition
    from_stage: Stage
    flagged_from: Stage | None
    rule: str | None
    macro: str
    missing: str
    should: str
    shown_by: Step | None = None
    apology: bool = False

    def reason(self, stage: Stage) -> str:
        """Why this row comes next for a customer at ``stage``, in one line."""
        return f"{stage} {self.missing}: {self.should}"


_HEARD = "stop solving and show you have heard everything they said"

PLAYBOOK: tuple[Need, ...] = (
    Need(
        Step.LISTEN_ACTIVELY,
        Condition.FEELS_UNHEARD,
        from_stage=Stage.CALM,
        flagged_from=None,
        rule=None,
        macro="acknowledgement",
        missing="and says they are not being heard",
        should=_HEARD,
        shown_by=Step.ACKNOWLEDGE,
    ),
    Need(
        Step.LISTEN_ACTIVELY,
        Condition.REPEATED,
        from_stage=Stage.CALM,
        flagged_from=None,
        rule=None,
        macro="acknowledgement",
        missing="and repeating themselves",
        should=_HEARD,
        shown_by=Step.ACKNOWLEDGE,
    ),
    Need(
        Step.SOLVE,
        Condition.PROMISE_BROKEN,
        from_stage=Stage.CALM,
        flagged_from=None,
        rule=None,
        macro="follow-through-update",
        missing="and a promise to them was broken",
        should="give the update now, even without a resolution",
    ),
    Need(
        Step.ACKNOWLEDGE,
        Condition.PROMISE_BROKEN,
        from_stage=Stage.CALM,
        flagged_from=None,
        rule=None,
        macro="apology",
        missing="after a broken promise and no apology yet",
        should="apologize for the missed follow-through",
        apology=True,
    ),
    Need(
        Step.ACKNOWLEDGE,
        Condition.ALWAYS,
        from_stage=Stage.UPSET,
        flagged_from=Stage.UPSET,
        rule="missing-acknowledgement",
        macro="acknowledgement",
        missing="and not yet acknowledged",
        should="acknowledge how they feel before solving",
    ),
    Need(
        Step.ACKNOWLEDGE,
        Condition.INCONVENIENCED,
        from_stage=Stage.CALM,
        flagged_from=Stage.CALM,
        rule="missing-apology",
        macro="apology",
        missing="about an inconvenience and no apology yet",
        should="apologize, sincerely and without blame",
        apology=True,
    ),
    Need(
        Step.RESTATE,
        Condition.PROBLEM_STATED,
        from_stage=Stage.CALM,
        flagged_from=Stage.ANGRY,
        rule="missing-restatement",
        macro="restatement",
        missing="and the problem not yet restated",
        should="restate the problem in their words and ask if that is correct",
    ),
    Need(
        Step.SOLVE,
        Condition.ALWAYS,
        from_stage=Stage.CALM,
        flagged_from=Stage.UPSET,
        rule="missing-next-step",
        macro="hold-or-callback",
        missing="and no next step yet",
        should="give a plan with a time for the next contact",
    ),
)
"""The playbook's rows in the order a reply should show them."""

KEEP_THE_PROMISE = Need(
    Step.SOLVE,
    Condition.ALWAYS,
    from_stage=Stage.CALM,
    flagged_from=None,
    rule=None,
    macro="follow-through-update",
    missing="with the playbook steps shown",
    should="keep the promise you gave, on time",
)
"""What comes next once every row that applies has been shown."""

LOWEST_FLAGGED_STAGE: Stage = min(n.flagged_from for n in PLAYBOOK if n.flagged_from is not None)
"""Below this stage no reply is flagged for what it lacks."""

HANDOFF_OFFER_FROM = Stage.IRATE
"""From this stage a supervisor is worth offering, after the playbook, even unasked."""

EVIDENCE_STEPS: dict[str, Step] = {
    "acknowledge": Step.ACKNOWLEDGE,
    "apologize": Step.ACKNOWLEDGE,
    "restate": Step.RESTATE,
    "next-step": Step.SOLVE,
}
"""The step each kind of evidence the coach's step detector finds in a reply shows."""


@dataclass(frozen=True, slots=True)
class PlaybookState:
    """Where the customer stands and what the agent has already shown them.

    ``shown`` are the steps the agent's replies have shown; ``apologized`` says one of them
    apologized (which also shows ``acknowledge``). ``inconvenienced``: the company caused the
    customer an inconvenience; ``repeated``: they repeated an answered message; ``unheard``: they
    say they are not being heard; ``promise_broken``: a promise to them was not kept;
    ``wants_handoff``: they ask for someone else; ``problem_stated``: their words state a problem
    that can be said back to them (not so for "USELESS!!!" alone).
    """

    stage: Stage
    shown: frozenset[Step] = frozenset()
    apologized: bool = False
    inconvenienced: bool = False
    repeated: bool = False
    unheard: bool = False
    promise_broken: bool = False
    wants_handoff: bool = False
    problem_stated: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.stage, Stage):
            try:
                object.__setattr__(self, "stage", Stage(self.stage))
            except ValueError as exc:
                known = ", ".join(Stage)
                raise InputError(f"unknown stage {self.stage!r} (stages: {known})") from exc
        steps = set()
        for step in self.shown:
            try:
                steps.add(Step(step))
            except ValueError as exc:
                known = ", ".join(Step)
                raise InputError(f"unknown playbook step {step!r} (steps: {known})") from exc
        if self.apologized:
            steps.add(Step.ACKNOWLEDGE)  # an apology acknowledges (taxonomy.md section 3, step 4)
        object.__setattr__(self, "shown", frozenset(steps))

    @classmethod
    def from_evidence(
        cls,
        stage: Stage,
        evidence: Iterable[str],
        *,
        inconvenienced: bool = False,
        repeated: bool = False,
        unheard: bool = False,
        promise_broken: bool = False,
        wants_handoff: bool = False,
        problem_stated: bool = True,
    ) -> PlaybookState:
        """The state from the evidence names the coach's step detector reports (``steps_shown``)."""
        names = frozenset(evidence)
        unknown = sorted(names - set(EVIDENCE_STEPS))
        if unknown:
            known = ", ".join(EVIDENCE_STEPS)
            raise InputError(f"unknown step evidence {', '.join(unknown)} (known: {known})")
        return cls(
            stage,
            frozenset(EVIDENCE_STEPS[name] for name in names),
            apologized="apologize" in names,
            inconvenienced=inconvenienced,
            repeated=repeated,
            unheard=unheard,
            promise_broken=promise_broken,
            wants_handoff=wants_handoff,
            problem_stated=problem_stated,
        )

    def holds(self, condition: Condition) -> bool:
        """Whether ``condition`` is true of this customer."""
        if condition is Condition.ALWAYS:
            return True
        if condition is Condition.FEELS_UNHEARD:
            return self.unheard
        if condition is Condition.REPEATED:
            return self.repeated
        if condition is Condition.PROMISE_BROKEN:
            return self.promise_broken
        if condition is Condition.PROBLEM_STATED:
            return self.problem_stated
        return self.inconvenienced

    def has_shown(self, need: Need) -> bool:
        """Whether the agent has already shown what ``need`` asks for."""
        if need.apology:
            return self.apologized
        return need.step in self.shown or need.shown_by in self.shown


@dataclass(frozen=True, slots=True)
class Advice:
    """The playbook's answer for one state.

    ``need`` is the row that comes next (:data:`KEEP_THE_PROMISE` once every row that applies is
    shown) and ``step`` its step; ``handoff`` says the customer asks for someone else, which comes
    before it (:attr:`action` is then ``"handoff"``). ``missing`` are the rows that apply and are
    not yet shown, in playbook order; ``flagged`` the part of them a reply to this customer must
    show (the reply coach reports each by its rule). ``offer_handoff`` says a supervisor is worth
    offering after the playbook even unasked. ``reason`` says why in one line.
    """

    stage: Stage
    need: Need
    reason: str
    missing: tuple[Need, ...] = ()
    flagged: tuple[Need, ...] = ()
    handoff: bool = False
    offer_handoff: bool = False

    @property
    def step(self) -> Step:
        """The next playbook step."""
        return self.need.step

    @property
    def action(self) -> str:
        """What to do first: ``"handoff"`` when asked for someone else, else the step's name."""
        return HANDOFF if self.handoff else self.need.step.value

    @property
    def missing_steps(self) -> tuple[Step, ...]:
        """The steps still missing, each once, in playbook order."""
        return tuple(dict.fromkeys(need.step for need in self.missing))

    @property
    def flagged_rules(self) -> frozenset[str]:
        """The reply-coach absence rules a reply to this customer would break."""
        return frozenset(need.rule for need in self.flagged if need.rule is not None)


def advise(state: PlaybookState) -> Advice:
    """Read the playbook for ``state``: the next step, what is missing, and why."""
    stage = state.stage
    missing = tuple(
        need
        for need in PLAYBOOK
        if stage >= need.from_stage and state.holds(need.condition) and not state.has_shown(need)
    )
    flagged = tuple(
        need for need in missing if need.flagged_from is not None and stage >= need.flagged_from
    )
    need = missing[0] if missing else KEEP_THE_PROMISE
    if state.wants_handoff:
        reason = (
            f"{stage} and asking for someone else: offer a supervisor, or say when one will call"
        )
    else:
        reason = need.reason(stage)
    return Advice(
        stage,
        need,
        reason,
        missing,
        flagged,
        handoff=state.wants_handoff,
        offer_handoff=state.wants_handoff or stage >= HANDOFF_OFFER_FROM,
    )


def table_markdown() -> str:
    """The playbook as a Markdown table, one line per row, in order (for the documentation)."""
    lines = [
        "| # | step | the reply should | applies when | from | shown by | coach flags it missing | macro |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for number, need in enumerate(PLAYBOOK, start=1):
        if need.apology:
            shown = "an apology"
        elif need.shown_by is not None:
            shown = f"`{need.step}` or `{need.shown_by}`"
        else:
            shown = f"`{need.step}`"
        flagged = (
            f"`{need.rule}` from `{need.flagged_from}`"
            if need.rule is not None and need.flagged_from is not None
            else "never"
        )
        lines.append(
            f"| {number} | `{need.step}` | {need.should} | {need.condition} | "
            f"`{need.from_stage}` | {shown} | {flagged} | `{need.macro}` |"
        )
    last = KEEP_THE_PROMISE
    lines.append(
        f"| then | `{last.step}` | {last.should} | every row that applies is shown | "
        f"`{last.from_stage}` | | never | `{last.macro}` |"
    )
    return "\n".join(lines) + "\n"
