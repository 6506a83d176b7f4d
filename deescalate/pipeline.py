"""On a ticket event, a :class:`Plan`: the tags, the one internal note, and the ledger steps.

:meth:`Pipeline.plan` is pure: given the event and the ticket as the helpdesk shows it, it says
what should change, and writes nothing. Applying a plan is separate (:mod:`deescalate.inbox`
writes its ledger steps and queues its ticket change in one store transaction; the outbox sends
the change to the helpdesk with the plan's idempotency key), so a crash between any two steps
loses nothing and repeats nothing visible.

* A customer comment: the conversation is assessed up to that comment; the ticket is tagged
  with its current stage (the old stage tag removed in the same change) and the routing signals
  (``deescalate-handoff`` for a request for a manager, ``deescalate-legal`` for a legal threat).
  When the stage rose to ``upset`` or above, or a routing tag is new, ONE internal note explains
  it: the stage with its evidence quoted, the next playbook step, suggested wording rendered in
  the customer's language, and the reply coach's findings on the agent reply that came before.
  The comment may also cancel a promised contact or report that a solved problem is back.
* A public agent reply: keeps the promises it fulfils; its own promises open follow-through
  obligations, read against the comment's time in the agents' zone.
* A logged call keeps promises; a solve opens a follow-up when the peak stage calls for one.
* Internal notes, system comments, and the helpdesk's echoes of deescalate's own notes (they carry
  :func:`~deescalate.helpdesk.note_marker`) plan nothing.

Each customer comment and public agent reply is also recorded (``Plan.messages``, a
:class:`~deescalate.records.MessageRecord`: the stage and signal codes, or the reply coach's
findings), so the report counts what the running system saw.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from deescalate.assessment import Assessment, Assessor, default_assessor
from deescalate.calendar import BusinessCalendar, zone
from deescalate.coach import Coach, Finding, default_coach
from deescalate.conversation import Conversation, ConversationSummary, Message, Role, summarize
from deescalate.errors import UnknownTimeZoneError
from deescalate.helpdesk import (
    AuthorRole,
    Comment,
    Ticket,
    TicketChange,
    TicketEvent,
    TicketEventKind,
    TicketRef,
    find_note_marker,
)
from deescalate.macros import MacroLibrary, MacroValues, Suggestion, suggest_macros
from deescalate.promises import Promise, find_promises
from deescalate.records import MessageRecord, MessageRole
from deescalate.stages import Stage

__all__ = [
    "CachedAssessor",
    "ContactMade",
    "CustomerWrote",
    "FollowThroughPromised",
    "LedgerStep",
    "Pipeline",
    "Plan",
    "TagPolicy",
    "TicketSolved",
    "stage_tag",
]

log = logging.getLogger("deescalate.pipeline")

SOLVED_STATUSES = frozenset({"solved", "closed", "resolved", "done"})
_EVIDENCE_SHOWN = 5
_SUGGESTIONS_SHOWN = 2
_FINDINGS_SHOWN = 4
_QUOTE_CHARS = 80


@dataclass(frozen=True, slots=True)
class TagPolicy:
    """The tags deescalate writes, all under one ``prefix`` (``DEESCALATE_TAG_PREFIX``)."""

    prefix: str = "deescalate-"

    def stage(self, stage: Stage) -> str:
        """The tag for a ticket's current stage (``deescalate-stage-angry``)."""
        return f"{self.prefix}stage-{stage.value}"

    @property
    def unknown_stage(self) -> str:
        """The stage tag for a latest message in a language no pack covers (not rated)."""
        return f"{self.prefix}stage-unknown"

    def stage_of(self, tags: frozenset[str]) -> Stage | None:
        """The stage a ticket's tags record, if any (the highest, should there be several)."""
        stages = [s for s in Stage if self.stage(s) in tags]
        return max(stages) if stages else None

    @property
    def handoff(self) -> str:
        return f"{self.prefix}handoff"

    @property
    def legal(self) -> str:
        return f"{self.prefix}legal"

    @property
    def promise_due(self) -> str:
        return f"{self.prefix}promise-due"

    @property
    def follow_up_due(self) -> str:
        return f"{self.prefix}follow-up-due"

    @property
    def broken_promise(self) -> str:
        return f"{self.prefix}broken-promise"


def _customer_zone(ticket: Ticket) -> str | None:
    """The requester's zone for "5pm your time", or None when the helpdesk gave none or one the
    zone database lacks (then "your time" is read in the agents' zone, and a warning says why)."""
    name = ticket.requester_time_zone
    if name is None:
        return None
    try:
        zone(name)
    except UnknownTimeZoneError:
        log.warning(
            "ticket %s: the requester's time zone %r is unknown; reading 'your time' in the "
            "agents' zone",
            ticket.ref,
            name[:64],
        )
        return None
    return name


def stage_tag(stage: Stage, policy: TagPolicy | None = None) -> str:
    """The tag a ticket carries for its current stage."""
    return (policy or TagPolicy()).stage(stage)


# --- ledger steps: what a plan asks of the ledger -----------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactMade:
    """The agent contacted the customer (a public reply or a logged call)."""

    at: datetime
    how: str


@dataclass(frozen=True, slots=True)
class CustomerWrote:
    """The customer wrote: it may cancel a promised contact or report a recurrence."""

    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class FollowThroughPromised:
    """An agent's promise in a reply: a follow-through obligation opens."""

    promise: Promise
    comment_id: str
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class TicketSolved:
    """The ticket was solved: a follow-up opens when the peak stage calls for one."""

    at: datetime
    peak_stage: Stage


LedgerStep = ContactMade | CustomerWrote | FollowThroughPromised | TicketSolved


@dataclass(frozen=True, slots=True)
class Plan:
    """What one event should change: a ticket change and ledger steps, under one key.

    ``idempotency_key`` is derived from the delivery and the event, so planning the same event
    again yields the same key and the outbox writes the change once. ``messages`` are the records
    the report reads (stored once per comment, however often it is planned).
    """

    ref: TicketRef
    idempotency_key: str
    change: TicketChange = field(default_factory=TicketChange)
    ledger: tuple[LedgerStep, ...] = ()
    stage: Stage | None = None
    reason: str = ""
    messages: tuple[MessageRecord, ...] = ()

    @property
    def empty(self) -> bool:
        """True when the plan changes nothing anywhere."""
        return self.change.empty and not self.ledger


class CachedAssessor:
    """An assessor that remembers its last ``size`` results by text.

    An event re-reads the whole thread; with the cache, only the new messages are assessed.
    Thread-safe: the service and the worker share one pipeline.
    """

    def __init__(self, assessor: Assessor | None = None, *, size: int = 4096) -> None:
        self.assessor = assessor
        self.size = size
        self.hits = 0
        self.misses = 0
        self._cache: OrderedDict[str, Assessment] = OrderedDict()
        self._lock = threading.Lock()

    def assess(self, text: str) -> Assessment:
        """The assessment of ``text``, from the cache when it was seen."""
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                self.hits += 1
                return found
        result = (self.assessor or default_assessor()).assess(text)
        with self._lock:
            self.misses += 1
            self._cache[key] = result
            if len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return result


class Pipeline:
    """Plans what each ticket event changes; see the module docstring.

    Everything it uses is injected: the ``assessor`` (wrapped in a :class:`CachedAssessor`), the
    reply ``coach``, the ``macros`` library, the agents' business ``calendar`` (promises are
    resolved in its zone), the ``tags`` and the ``company`` name the macros mention.
    """

    def __init__(
        self,
        *,
        assessor: Assessor | None = None,
        coach: Coach | None = None,
        macros: MacroLibrary | None = None,
        calendar: BusinessCalendar | None = None,
        tags: TagPolicy | None = None,
        company: str | None = None,
        cache_size: int = 4096,
    ) -> None:
        self.assessor = CachedAssessor(assessor, size=cache_size)
        self.coach = coach
        self.macros = macros
        self.calendar = calendar or BusinessCalendar.standard("UTC")
        self.tags = tags or TagPolicy()
        self.company = company

    # --- planning ------------------------------------------------------------------------------

    def plan(self, event: TicketEvent, ticket: Ticket) -> Plan:
        """What ``event`` should change on ``ticket`` and in the ledger; writes nothing."""
        key = plan_key(event)
        if event.kind is TicketEventKind.CALL_LOGGED:
            return Plan(
                event.ref,
                key,
                change=self._contact_change(ticket),
                ledger=(ContactMade(event.at, "logged call"),),
            )
        if event.kind is TicketEventKind.SOLVED or (
            event.kind is TicketEventKind.STATUS_CHANGED
            and (event.status or "").lower() in SOLVED_STATUSES
        ):
            summary = self._summary(ticket.comments, ticket)
            return Plan(
                event.ref,
                key,
                ledger=(TicketSolved(event.at, summary.peak_stage),),
                stage=summary.peak_stage,
                reason="solved",
            )
        if event.kind is not TicketEventKind.COMMENT_ADDED:
            return Plan(event.ref, key, reason=f"nothing to do on {event.kind.value}")
        comment, index = _locate(event, ticket)
        if comment is None:
            return Plan(event.ref, key, reason="the comment is not on the ticket")
        if find_note_marker(comment.body) is not None:
            return Plan(event.ref, key, reason="deescalate's own note")
        if comment.author_role is AuthorRole.CUSTOMER:
            return self._plan_customer(key, ticket, comment, index)
        if comment.author_role is AuthorRole.AGENT and comment.public:
            return self._plan_agent_reply(key, ticket, comment, index)
        return Plan(event.ref, key, reason="an internal or system comment")

    def plan_ticket(self, ticket: Ticket) -> Plan:
        """A whole ticket at once, as a backfill sees it: the tags its conversation calls for (no
        note), and the ledger steps of every comment in order, then its solve."""
        steps: list[LedgerStep] = []
        records: list[MessageRecord] = []
        change = TicketChange()
        stage = None
        for index, comment in enumerate(ticket.comments):
            if find_note_marker(comment.body) is not None:
                continue
            if comment.author_role is AuthorRole.CUSTOMER:
                planned = self._plan_customer("", ticket, comment, index, with_note=False)
                change, stage = planned.change, planned.stage
            elif comment.author_role is AuthorRole.AGENT and comment.public:
                planned = self._plan_agent_reply("", ticket, comment, index)
            else:
                continue
            steps += planned.ledger
            records += planned.messages
        if ticket.status.lower() in SOLVED_STATUSES and ticket.updated_at is not None:
            peak = self._summary(ticket.comments, ticket).peak_stage
            steps.append(TicketSolved(ticket.updated_at, peak))
        last = ticket.comments[-1].id if ticket.comments else "none"
        raw = f"{ticket.ref}|backfill|{last}"
        key = "backfill-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]
        return Plan(
            ticket.ref,
            key,
            change=change,
            ledger=tuple(steps),
            stage=stage,
            messages=tuple(records),
        )

    def _plan_customer(
        self, key: str, ticket: Ticket, comment: Comment, index: int, *, with_note: bool = True
    ) -> Plan:
        upto = (*ticket.comments[:index], comment)
        summary = self._summary(upto, ticket)
        latest = summary.assessments[-1][1]
        earlier = summary.assessments[-2][1].stage if len(summary.assessments) > 1 else None
        stage = summary.current_stage
        wanted = self.tags.stage(stage) if latest.language_supported else self.tags.unknown_stage
        stage_tags = {self.tags.stage(s) for s in Stage} | {self.tags.unknown_stage}
        stale = (stage_tags & ticket.tags) - {wanted}
        routing: set[str] = set()
        if latest.wants_handoff:
            routing.add(self.tags.handoff)
        if "threatens-legal" in latest.codes:
            routing.add(self.tags.legal)
        new_routing = routing - ticket.tags
        rose = stage >= Stage.UPSET and (earlier is None or stage > earlier)
        note = None
        if with_note and (rose or new_routing):
            note = self._note(ticket, upto, summary, latest)
        add = ({wanted} | routing) - ticket.tags
        change = TicketChange(add_tags=add, remove_tags=stale, note=note)
        return Plan(
            ticket.ref,
            key,
            change=change,
            ledger=(CustomerWrote(comment.body, comment.created_at),),
            stage=stage,
            reason=f"customer at {stage.value}" + (", rose" if rose else ""),
            messages=(_customer_record(ticket, comment, stage, latest),),
        )

    def _plan_agent_reply(self, key: str, ticket: Ticket, comment: Comment, index: int) -> Plan:
        promises = find_promises(
            comment.body,
            comment.created_at,
            self.calendar.tz,
            calendar=self.calendar,
            customer_tz=_customer_zone(ticket),
        )
        steps: list[LedgerStep] = [ContactMade(comment.created_at, "public reply")]
        steps += [FollowThroughPromised(p, comment.id, comment.created_at) for p in promises]
        return Plan(
            ticket.ref,
            key,
            change=self._contact_change(ticket),
            ledger=tuple(steps),
            reason=f"agent reply with {len(promises)} promise(s)",
            messages=(self._reply_record(ticket, comment, ticket.comments[:index]),),
        )

    def _contact_change(self, ticket: Ticket) -> TicketChange:
        """Contact keeps every promise not yet overdue, so a promise-due tag has done its job."""
        if self.tags.promise_due in ticket.tags:
            return TicketChange(remove_tags=frozenset({self.tags.promise_due}))
        return TicketChange()

    # --- the note --------------------------------------------------------------------------------

    def _note(
        self,
        ticket: Ticket,
        upto: Sequence[Comment],
        summary: ConversationSummary,
        latest: Assessment,
    ) -> str:
        lines = [f"deescalate: the customer is {summary.current_stage.value.upper()} now"]
        if summary.peak_stage > summary.current_stage:
            lines[0] += f" (peak {summary.peak_stage.value})"
        lines[0] += "."
        evidence = _evidence(latest)
        if evidence:
            lines += ["", "Evidence in their latest message:", *evidence]
        why = f" ({summary.reason})" if summary.reason else ""
        lines += ["", f"Next step: {summary.next_step}{why}."]
        wording = self._wording(ticket, upto)
        if wording:
            lines += ["", "Suggested wording (edit before sending):", *wording]
        findings = self._findings_on_last_reply(upto)
        if findings:
            lines += ["", "On the last agent reply:", *findings]
        return "\n".join(lines)

    def _wording(self, ticket: Ticket, upto: Sequence[Comment]) -> list[str]:
        values = MacroValues(
            customer_name=ticket.requester_name,
            company=self.company,
            locale=ticket.locale or "en",
            tz=self.calendar.tz,
        )
        try:
            suggestions = suggest_macros(
                _conversation(upto, ticket),
                values,
                library=self.macros,
                seed=str(ticket.ref),
                assessor=self.assessor,
                limit=_SUGGESTIONS_SHOWN + 2,  # room for suggestions that lack a value
            )
        except Exception as exc:  # a team's broken macro must not stop the tags and the note
            log.warning("ticket %s: no suggested wording (%s)", ticket.ref, exc.__class__.__name__)
            return []
        return [_suggestion_line(s) for s in suggestions if s.text][:_SUGGESTIONS_SHOWN]

    def _findings_on_last_reply(self, upto: Sequence[Comment]) -> list[str]:
        replies = [i for i, c in enumerate(upto) if c.author_role is AuthorRole.AGENT and c.public]
        if not replies:
            return []
        last = replies[-1]
        found = self._lint(upto[last], upto[:last])
        # A missing step's stock example ("So the engineer didn't arrive...") is not this
        # customer's; the suggested wording above is, so only wrong phrasings get a "Try:".
        return [
            f"- {f.code} {f.rule}: {f.message}"
            + (f" Try: {f.suggestion}" if f.suggestion and not f.code.startswith("DE2") else "")
            for f in found[:_FINDINGS_SHOWN]
        ]

    def _lint(self, reply: Comment, before: Sequence[Comment]) -> list[Finding]:
        """The reply coach's findings on ``reply``, read against the customer's earlier words."""
        said = [
            Message(Role.CUSTOMER, c.body, at=c.created_at)
            for c in before
            if c.author_role is AuthorRole.CUSTOMER
        ]
        coach = self.coach or default_coach()
        customer = Conversation(tuple(said)) if said else None
        return coach.lint(reply.body, customer, assessor=self.assessor)

    def _summary(self, comments: Sequence[Comment], ticket: Ticket) -> ConversationSummary:
        return summarize(_conversation(comments, ticket), assessor=self.assessor)

    # --- message records (what the report counts) -------------------------------------------------

    def _reply_record(
        self, ticket: Ticket, reply: Comment, before: Sequence[Comment]
    ) -> MessageRecord:
        """The record of an agent reply: its author and the rules the reply coach found."""
        try:
            found = self._lint(reply, before)
        except Exception as exc:  # a team's broken coach pack must not stop the ledger steps
            log.warning("ticket %s: reply not coached (%s)", ticket.ref, exc.__class__.__name__)
            found = []
        first = {f.rule: " ".join(f.text.split())[:_QUOTE_CHARS] for f in reversed(found)}
        rules = list(dict.fromkeys(f.rule for f in found))
        return MessageRecord(
            str(ticket.ref), reply.id, reply.created_at, MessageRole.AGENT,
            agent=reply.author_name or reply.author_id or ticket.assignee,
            codes=tuple(rules), quotes=tuple(first[rule] for rule in rules),
        )  # fmt: skip


def plan_key(event: TicketEvent) -> str:
    """The idempotency key of an event's plan: the same for the same delivery and event."""
    what = event.comment.id if event.comment is not None else event.kind.value
    raw = f"{event.ref}|{event.delivery_id}|{what}"
    return "plan-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _locate(event: TicketEvent, ticket: Ticket) -> tuple[Comment | None, int]:
    """The event's comment as the ticket shows it, and its index (the event's own if absent)."""
    wanted = event.comment
    if wanted is None:
        # Some deliveries only say "a comment was added" (a trigger's body): read the latest one.
        for index in range(len(ticket.comments) - 1, -1, -1):
            if find_note_marker(ticket.comments[index].body) is None:
                return ticket.comments[index], index
        return None, -1
    for index, comment in enumerate(ticket.comments):
        if comment.id == wanted.id:
            return comment, index
    # The helpdesk has not shown it yet (eventual consistency): read it after the others.
    return wanted, len(ticket.comments)


def _conversation(comments: Sequence[Comment], ticket: Ticket) -> Conversation:
    messages = []
    for comment in comments:
        if comment.author_role is AuthorRole.SYSTEM or find_note_marker(comment.body):
            continue
        role = Role.CUSTOMER if comment.author_role is AuthorRole.CUSTOMER else Role.AGENT
        messages.append(Message(role, comment.body, at=comment.created_at, public=comment.public))
    return Conversation(tuple(messages), customer_name=ticket.requester_name)


def _evidence(assessment: Assessment) -> list[str]:
    seen: set[tuple[str, str]] = set()
    lines = []
    for signal in assessment.signals:
        if signal.code == "gratitude" or (signal.code, signal.text) in seen:
            continue
        seen.add((signal.code, signal.text))
        quoted = " ".join(signal.text.split())[:80]
        lines.append(f'- {signal.code}: "{quoted}"')
    return lines[:_EVIDENCE_SHOWN]


def _customer_record(
    ticket: Ticket, comment: Comment, stage: Stage, latest: Assessment
) -> MessageRecord:
    """The record of a customer message: the ticket's stage after it and its signal codes."""
    codes = tuple(dict.fromkeys(signal.code for signal in latest.signals))
    return MessageRecord(
        str(ticket.ref), comment.id, comment.created_at, MessageRole.CUSTOMER, stage,
        agent=ticket.assignee, codes=codes,
    )  # fmt: skip


def _suggestion_line(suggestion: Suggestion) -> str:
    return f"- {suggestion.macro}: {suggestion.text}"
