"""The worker: claim due obligations, remind and follow up through the helpdesk, flag broken ones.

Each dispatched write carries an idempotency key (``<obligation id>:<task>``), so a worker that
dies after writing and before recording it does no harm: the lease expires, another worker
reclaims the obligation, and the repeated write has no further effect. Failures are retried with
exponential backoff that honours the helpdesk's ``Retry-After``. Logs name obligations and
tickets, never customer text.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import FrameType

from deescalate.errors import HelpdeskError, RateLimited
from deescalate.helpdesk import Helpdesk, Priority, Reminder, TicketChange, TicketRef
from deescalate.macros import MacroLibrary, MacroValues, render_macro
from deescalate.obligations.ledger import Ledger
from deescalate.obligations.model import Obligation, ObligationKind, Task

__all__ = ["Worker", "WorkerStats"]

log = logging.getLogger("deescalate.worker")


@dataclass(slots=True)
class WorkerStats:
    """What a worker has done so far."""

    dispatched: int = 0
    deferred: int = 0
    retried: int = 0
    lost_leases: int = 0


class Worker:
    """Dispatches due obligations from a ledger to a helpdesk.

    ``batch`` obligations are claimed at a time under a ``lease``; ``poll`` seconds pass between
    empty claims. ``max_backoff`` caps the retry delay. ``clock`` is injectable for tests. Notes
    come from the ``macros`` library (its ``reminder-note``, ``broken-promise-note`` and
    ``follow-up-note``) in ``note_locale``, the agents' language.
    """

    def __init__(
        self,
        ledger: Ledger,
        helpdesk: Helpdesk,
        *,
        worker_id: str,
        batch: int = 100,
        lease: timedelta = timedelta(minutes=5),
        poll: float = 5.0,
        base_backoff: timedelta = timedelta(seconds=30),
        max_backoff: timedelta = timedelta(hours=1),
        clock: Callable[[], datetime] | None = None,
        macros: MacroLibrary | None = None,
        note_locale: str = "en",
    ) -> None:
        self.ledger = ledger
        self.helpdesk = helpdesk
        self.worker_id = worker_id
        self.batch = batch
        self.lease = lease
        self.poll = poll
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.clock = clock or (lambda: datetime.now(UTC))
        self.macros = macros
        self.note_locale = note_locale
        self.stats = WorkerStats()
        self._stop = threading.Event()
        self._attempts: dict[str, int] = {}

    def stop(self) -> None:
        """Ask the loop to finish the obligation in hand and return."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``, waking at once when asked to stop."""
        self._stop.wait(seconds)

    def install_signal_handlers(self) -> None:
        """Stop gracefully on SIGTERM and SIGINT (main thread only)."""

        def handle(signum: int, frame: FrameType | None) -> None:
            log.info(
                "worker %s received signal %s: stopping after the current obligation",
                self.worker_id,
                signum,
            )
            self.stop()

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)

    def run(self) -> WorkerStats:
        """Claim and dispatch until stopped."""
        log.info("worker %s started", self.worker_id)
        while not self._stop.is_set():
            if self.run_once() == 0:
                self._stop.wait(self.poll)
        log.info("worker %s stopped: %s", self.worker_id, self.stats)
        return self.stats

    def run_once(self) -> int:
        """Claim one batch and handle it; returns how many obligations were claimed."""
        claimed = self.ledger.claim_due(self.clock(), self.worker_id, self.batch, self.lease)
        for obligation in claimed:
            if self._stop.is_set():
                # Leave the rest leased: the lease expires and another worker takes them.
                break
            self._handle(obligation)
        return len(claimed)

    def _handle(self, obligation: Obligation) -> None:
        task = obligation.next_task
        if task is None:
            return
        now = self.clock()
        calendar = self.ledger.calendar
        if (
            task is not Task.BREAK
            and not self.ledger.policy.remind_outside_hours
            and not calendar.is_open(now)
        ):
            opening = calendar.next_opening(now)
            self.ledger.release(obligation, self.worker_id, opening, "outside business hours")
            self.stats.deferred += 1
            log.info("deferred %s on %s to the next opening", obligation.id, obligation.ticket)
            return
        try:
            self._dispatch(obligation, task)
        except RateLimited as exc:
            self._retry(obligation, exc, exc.retry_after)
            return
        except HelpdeskError as exc:
            self._retry(obligation, exc, None)
            return
        if self.ledger.complete(obligation, self.worker_id, task):
            self.stats.dispatched += 1
            self._attempts.pop(obligation.id, None)
            log.info("%s %s on %s", task.value, obligation.id, obligation.ticket)
        else:
            self.stats.lost_leases += 1
            log.warning("lease on %s was lost before completing %s", obligation.id, task.value)

    def _dispatch(self, obligation: Obligation, task: Task) -> None:
        ref = TicketRef.parse(obligation.ticket)
        change = self._change_for(obligation, task)
        if not change.empty:
            self.helpdesk.apply(ref, change, idempotency_key=f"{obligation.id}:{task.value}")

    def _change_for(self, obligation: Obligation, task: Task) -> TicketChange:
        """The one ticket change a task makes: tags, a note and maybe a priority, together."""
        policy = self.ledger.policy
        if task is Task.REMIND:
            return TicketChange(
                reminder=Reminder(policy.reminder_tag, obligation.due_at),
                note=self._note("reminder-note", obligation),
            )
        if task is Task.BREAK:
            return TicketChange(
                add_tags=frozenset(policy.escalate_tags),
                # The promise is no longer coming due: it was broken.
                remove_tags=frozenset({policy.reminder_tag} - set(policy.escalate_tags)),
                priority=Priority.parse(policy.escalate_priority)
                if policy.escalate_priority
                else None,
                note=self._note("broken-promise-note", obligation)
                if policy.escalate_note
                else None,
            )
        if obligation.kind is ObligationKind.FOLLOW_UP:
            return TicketChange(
                add_tags={policy.follow_up_tag}, note=self._note("follow-up-note", obligation)
            )
        return TicketChange()

    def _note(self, macro: str, obligation: Obligation) -> str:
        """An internal note from the macro library, in the agents' language and zone."""
        values = MacroValues(
            promised_at=obligation.due_at,
            locale=self.note_locale,
            tz=self.ledger.calendar.tz,
            extra={"action": obligation.source},
        )
        return render_macro(macro, values, library=self.macros).text

    def _retry(self, obligation: Obligation, error: Exception, retry_after: float | None) -> None:
        attempts = self._attempts.get(obligation.id, 0) + 1
        self._attempts[obligation.id] = attempts
        backoff = min(self.max_backoff, self.base_backoff * (2 ** (attempts - 1)))
        if retry_after is not None:
            backoff = max(backoff, timedelta(seconds=retry_after))
        retry_at = self.clock() + backoff
        reason = f"{error.__class__.__name__}; attempt {attempts}, retry in {int(backoff.total_seconds())}s"
        self.ledger.release(obligation, self.worker_id, retry_at, reason)
        self.stats.retried += 1
        log.warning("retrying %s on %s: %s", obligation.id, obligation.ticket, reason)
