"""On a ticket event: assess, tag the stage, and open or settle obligations.

The pipeline is what the webhook service and a backfill call for each
:class:`~deescalate.helpdesk.TicketEvent`. It is idempotent: handling the same event twice tags
the same stage and opens no second obligation.

* A customer comment: the conversation is assessed and the ticket tagged with its current stage
  (``deescalate-stage-angry``); the comment may cancel a promised contact or report that a solved
  problem is back.
* A public agent reply or a logged call: keeps the promises it fulfils; the reply's own promises
  open follow-through obligations.
* A solve: a follow-up obligation opens when the conversation's peak stage calls for one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from deescalate.conversation import Conversation, Message, Role, summarize
from deescalate.helpdesk import (
    AuthorRole,
    Helpdesk,
    Ticket,
    TicketChange,
    TicketEvent,
    TicketEventKind,
)
from deescalate.obligations.ledger import Ledger
from deescalate.promises import find_promises
from deescalate.stages import Stage

__all__ = ["Pipeline", "PipelineResult", "stage_tag"]

log = logging.getLogger("deescalate.pipeline")

STAGE_TAG_PREFIX = "deescalate-stage-"


def stage_tag(stage: Stage) -> str:
    """The tag a ticket carries for its current stage."""
    return f"{STAGE_TAG_PREFIX}{stage.value}"


@dataclass(frozen=True, slots=True)
class PipelineResult:
    """What handling one event did."""

    stage: Stage | None = None
    opened: tuple[str, ...] = ()
    settled: tuple[str, ...] = ()
    tags_added: tuple[str, ...] = field(default=())


class Pipeline:
    """Turns ticket events into stage tags and ledger entries for one helpdesk.

    ``tz`` is the agents' time zone: promises are resolved in it.
    """

    def __init__(self, ledger: Ledger, helpdesk: Helpdesk, *, tz: str = "UTC") -> None:
        self.ledger = ledger
        self.helpdesk = helpdesk
        self.tz = tz

    def handle(self, event: TicketEvent) -> PipelineResult:
        """Handle one event; see the module docstring."""
        ticket_key = str(event.ref)
        if event.kind is TicketEventKind.CALL_LOGGED:
            kept = self.ledger.record_contact(ticket_key, event.at, how="logged call")
            return PipelineResult(settled=tuple(o.id for o in kept))
        ticket = self.helpdesk.get_ticket(event.ref)
        if event.kind is TicketEventKind.SOLVED:
            peak = summarize(_conversation(ticket)).peak_stage
            follow_up = self.ledger.open_follow_up(ticket_key, solved_at=event.at, peak_stage=peak)
            ids = (follow_up[0].id,) if follow_up is not None and follow_up[1] else ()
            return PipelineResult(stage=peak, opened=ids)
        comment = event.comment
        if event.kind is not TicketEventKind.COMMENT_ADDED or comment is None:
            return PipelineResult()
        if comment.author_role is AuthorRole.CUSTOMER:
            changed = self.ledger.record_customer_message(
                ticket_key, comment.body, comment.created_at
            )
            stage, added = self._tag_stage(ticket)
            return PipelineResult(
                stage=stage, settled=tuple(o.id for o in changed), tags_added=added
            )
        if comment.author_role is AuthorRole.AGENT and comment.public:
            kept = self.ledger.record_contact(ticket_key, comment.created_at, how="public reply")
            opened: list[str] = []
            for promise in find_promises(comment.body, comment.created_at, self.tz):
                obligation, created = self.ledger.open_follow_through(
                    ticket_key, promise, comment_id=comment.id, sent_at=comment.created_at
                )
                if created:
                    opened.append(obligation.id)
            log.info("ticket %s: %d promises opened, %d kept", ticket_key, len(opened), len(kept))
            return PipelineResult(opened=tuple(opened), settled=tuple(o.id for o in kept))
        return PipelineResult()

    def _tag_stage(self, ticket: Ticket) -> tuple[Stage, tuple[str, ...]]:
        stage = summarize(_conversation(ticket)).current_stage
        wanted = stage_tag(stage)
        stale = [t for t in ticket.tags if t.startswith(STAGE_TAG_PREFIX) and t != wanted]
        added = () if wanted in ticket.tags else (wanted,)
        change = TicketChange(add_tags=frozenset(added), remove_tags=frozenset(stale))
        if not change.empty:
            self.helpdesk.apply(ticket.ref, change)
        return stage, added


def _conversation(ticket: Ticket) -> Conversation:
    messages = []
    for comment in ticket.comments:
        if comment.author_role is AuthorRole.SYSTEM:
            continue
        role = Role.CUSTOMER if comment.author_role is AuthorRole.CUSTOMER else Role.AGENT
        messages.append(Message(role, comment.body, at=comment.created_at, public=comment.public))
    return Conversation(tuple(messages), customer_name=ticket.requester_name)
