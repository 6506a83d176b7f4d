"""The obligation ledger: open obligations from promises and solves, settle them from what happens.

* A promise in an agent's reply opens a **follow-through** obligation, due when the promise says
  (or by the policy's default). It is **kept** when the agent contacts the customer (a public
  reply or a logged call) before the due time, and **broken** when the due time passes without
  it, even if the ticket was solved meanwhile: the promise was to call.
* Solving a ticket whose peak stage was ``upset`` or worse opens a **follow-up**: check back later
  that the problem is solved and has not come back. The customer saying it is back records the
  outcome ``recurred``.
* The customer saying the promised contact is no longer needed **cancels** it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from deescalate.calendar import BusinessCalendar
from deescalate.errors import InputError
from deescalate.obligations.model import (
    Obligation,
    ObligationEvent,
    ObligationKind,
    ObligationState,
    Task,
    Transition,
    new_id,
    obligation_key,
)
from deescalate.obligations.policy import Policy
from deescalate.promises.model import Promise
from deescalate.stages import Stage

if TYPE_CHECKING:
    from deescalate.store.protocol import Store

__all__ = ["Ledger"]

Clock = Callable[[], datetime]

_NO_LONGER_NEEDED = re.compile(
    r"\b(?:no\s+(?:longer\s+)?need\s+(?:to|for|a)|(?:don't|do\s+not|dont)\s+need\s+(?:a|the|you\s+to)\s*"
    r"(?:call|callback|update|to\s+call)?|never\s*mind|nevermind|(?:it's|it\s+is|all|already)\s+"
    r"(?:sorted|fixed|resolved|working\s+now)|(?:sorted|fixed|resolved)\s+it\s+(?:myself|already)|"
    r"cancel\s+the\s+(?:call|callback|visit|appointment))",
    re.IGNORECASE,
)
_RECURRED = re.compile(
    r"\b(?:(?:it's|it\s+is|problem\s+is|issue\s+is|it)\s+back|happening\s+again|happened\s+again|"
    r"(?:broke|broken|failing|stopped\s+working|down)\s+again|came\s+back|come\s+back|"
    r"(?:still|again)\s+(?:not\s+working|broken)|not\s+fixed\s+after\s+all|recurr\w*)",
    re.IGNORECASE,
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Ledger:
    """Obligations in a store, opened and settled by a policy on a business calendar.

    ``clock`` decides every time the ledger records (the store never reads the clock itself).
    """

    def __init__(
        self,
        store: Store,
        *,
        policy: Policy | None = None,
        calendar: BusinessCalendar | None = None,
        clock: Clock = _utc_now,
    ) -> None:
        self.store = store
        self.policy = policy or Policy()
        self.calendar = calendar or BusinessCalendar.standard("UTC")
        self.clock = clock

    # --- opening ---------------------------------------------------------------------------------

    def open_follow_through(
        self, ticket: str, promise: Promise, *, comment_id: str, sent_at: datetime
    ) -> tuple[Obligation, bool]:
        """Open the obligation for ``promise``; the same promise seen twice is one obligation."""
        if sent_at.tzinfo is None:
            raise InputError("sent_at must be an aware datetime")
        due = promise.due_at or self.policy.default_due(sent_at, self.calendar)
        remind = self.policy.remind_at(due, sent_at, self.calendar)
        now = self.clock()
        obligation = Obligation(
            id=new_id(),
            key=obligation_key(
                ObligationKind.FOLLOW_THROUGH, ticket, comment_id, promise.start, promise.end
            ),
            kind=ObligationKind.FOLLOW_THROUGH,
            ticket=ticket,
            source=promise.text,
            due_at=due,
            action=promise.action,
            owner=promise.owner,
            comment_id=comment_id,
            span=(promise.start, promise.end),
            remind_at=remind,
            next_task=Task.REMIND if remind else Task.BREAK,
            next_action_at=remind or due,
            created_at=sent_at,
            history=(
                ObligationEvent(
                    now,
                    "opened",
                    f"promise to {promise.action} ({promise.owner}), due {due.isoformat()}",
                ),
            ),
        )
        return self.store.add(obligation)

    def open_follow_up(
        self, ticket: str, *, solved_at: datetime, peak_stage: Stage
    ) -> tuple[Obligation, bool] | None:
        """Open a follow-up after solve when the ticket's peak stage calls for one."""
        due = self.policy.follow_up_due(solved_at, peak_stage, self.calendar)
        if due is None:
            return None
        obligation = Obligation(
            id=new_id(),
            key=obligation_key(ObligationKind.FOLLOW_UP, ticket, solved_at.isoformat()),
            kind=ObligationKind.FOLLOW_UP,
            ticket=ticket,
            source="solved",
            due_at=due,
            next_task=Task.FOLLOW_UP,
            next_action_at=due,
            created_at=solved_at,
            history=(
                ObligationEvent(self.clock(), "opened", f"solved at peak stage {peak_stage}"),
            ),
        )
        return self.store.add(obligation)

    # --- settling from what happens ---------------------------------------------------------------

    def record_contact(
        self, ticket: str, at: datetime, *, how: str = "public reply"
    ) -> list[Obligation]:
        """The agent contacted the customer at ``at``: keep what that fulfils."""
        settled = []
        for obligation in self.store.active_for_ticket(ticket):
            made = obligation.created_at or at
            if at < made:
                continue
            if obligation.kind is ObligationKind.FOLLOW_THROUGH and at <= obligation.due_at:
                change = Transition(ObligationState.KEPT, "kept", f"{how} before the due time")
            elif (
                obligation.kind is ObligationKind.FOLLOW_UP
                and at >= obligation.due_at - timedelta(hours=12)
            ):
                change = Transition(ObligationState.KEPT, "kept", f"follow-up check by {how}")
            else:
                continue
            settled.append(self.store.transition(obligation.id, change, self.clock()))
        return settled

    def record_customer_message(self, ticket: str, text: str, at: datetime) -> list[Obligation]:
        """A customer message: cancel contacts no longer needed, note a problem that came back."""
        changed = []
        cancels = _NO_LONGER_NEEDED.search(text) is not None
        recurred = _RECURRED.search(text) is not None
        for obligation in self.store.active_for_ticket(ticket):
            if obligation.kind is ObligationKind.FOLLOW_THROUGH and cancels:
                change = Transition(
                    ObligationState.CANCELLED, "cancelled", "the customer no longer needs it"
                )
            elif obligation.kind is ObligationKind.FOLLOW_UP and recurred:
                change = Transition(
                    obligation.state, "recurred", "the customer says the problem is back",
                    next_task=obligation.next_task, next_action_at=obligation.next_action_at,
                    outcome="recurred",
                )  # fmt: skip
            else:
                continue
            changed.append(self.store.transition(obligation.id, change, self.clock()))
        return changed

    def settle(self, obligation_id: str, state: ObligationState, note: str = "") -> Obligation:
        """An operator settles an obligation by hand."""
        if not state.final:
            raise InputError(f"settle to a final state (kept, broken, cancelled), not {state}")
        return self.store.transition(
            obligation_id,
            Transition(state, "settled", note or "settled by an operator"),
            self.clock(),
        )

    # --- the worker's side ------------------------------------------------------------------------

    def claim_due(
        self, now: datetime, worker: str, limit: int = 100, lease: timedelta = timedelta(minutes=5)
    ) -> list[Obligation]:
        """Lease the obligations whose next task is due; see :meth:`Store.claim_due`."""
        return self.store.claim_due(now, worker, limit, lease)

    def next_step_after(self, obligation: Obligation, task: Task) -> Transition:
        """The state an obligation moves to once ``task`` has been dispatched."""
        if task is Task.REMIND:
            return Transition(
                ObligationState.REMINDED, "reminded", "the agent was reminded",
                next_task=Task.BREAK, next_action_at=obligation.due_at,
            )  # fmt: skip
        if task is Task.BREAK:
            return Transition(
                ObligationState.BROKEN, "broken", "the due time passed without contact"
            )
        return Transition(
            ObligationState.REMINDED, "follow-up-due", "the agent was asked to check back"
        )

    def complete(self, obligation: Obligation, worker: str, task: Task) -> bool:
        """Record that ``task`` was dispatched; False if the lease was lost meanwhile."""
        return self.store.complete(
            obligation.id, worker, self.next_step_after(obligation, task), self.clock(), task=task
        )

    def release(self, obligation: Obligation, worker: str, retry_at: datetime, reason: str) -> bool:
        """Give a leased obligation back, due again at ``retry_at``; False if the lease was lost.

        ``reason`` goes into the obligation's history (a short message, never customer text).
        """
        return self.store.release(obligation.id, worker, retry_at, reason, at=self.clock())
