"""Find the promises in an agent's reply (taxonomy.md section 5).

A promise is a first-person commitment (I, we, our team, a specialist ...) to a future action whose
result reaches this customer. Offers and questions, requests to the customer, conditionals on the
customer acting first, relayed feedback, past actions and statements about a service for
everyone are not promises.
"""

from __future__ import annotations

import bisect
import functools
import re
from datetime import datetime
from typing import NamedTuple

from deescalate.calendar import BusinessCalendar, zone
from deescalate.errors import InputError
from deescalate.promises.due import resolve_due
from deescalate.promises.model import Promise
from deescalate.promises.timexpr import TimeExpression, find_time_expressions
from deescalate.text import split_sentences, stripped_end

__all__ = ["find_promises"]


class _Found(NamedTuple):
    """A commitment found in a sentence: its action and owner, where it starts, and where the
    clause it owns ends (offsets in the sentence)."""

    action: str
    owner: str
    start: int
    end: int


# Who makes the commitment, by owner (PROMISE_OWNERS): the writer, a colleague or team of the
# company, or a third party acting for it.
_TEAM_WORDS = (
    r"team|teams|department|dept|specialists?|engineers?|technicians?|colleagues?|experts?|staff|"
    r"agents?|supervisor|manager|crew|desk|office"
)
_THIRD_PARTY_WORDS = r"courier|couriers|driver|carrier|postman|post\s+office|delivery\s+(?:partner|driver|company)|logistics\s+partner|partner"
_SUBJECT = (
    r"(?:(?P<by_agent>\bi|\bwe)"
    rf"|(?P<by_third_party>\b(?:the|our|your)\s+(?:{_THIRD_PARTY_WORDS}))"
    rf"|(?P<by_team>\bour\s+(?:[\w-]+\s+){{0,3}}?(?:{_TEAM_WORDS})|\bteam\s+@\w+"
    r"|\bsomeone(?:\s+(?:from|in|on)\s+(?:our|the|that|this)\s+(?:[\w-]+\s+){0,2}?(?:team|department|dept))?"
    r"|\ban?\s+(?:senior\s+)?(?:specialist|technician|engineer|member\s+of\s+(?:our|the|that)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:team|crew|staff)|colleague|supervisor|manager|team\s+member|rep|representative|new\s+technician|new\s+engineer)"
    r"|\bmy\s+(?:colleague|supervisor|manager|team)"
    rf"|\bthe\s+(?:[\w-]+\s+){{0,2}}?(?:{_TEAM_WORDS})|\bwho|\bthey|\bhe|\bshe))"
)
_MODAL = (
    r"(?:\s+will|\s*['’]ll|\s+shall|\s+(?:am|are|is)\s+going\s+to|\s*['’](?:m|re)\s+going\s+to)"
    r"(?:\s+(?:still|also|then|now)\s+be|\s+be)?"  # "we'll be reaching out"
)
# "a line", "a quick email": what "drop you", "shoot you" and "send you" take before the thing sent.
_A_NOTE = r"an?\s+(?:(?:quick|short|brief|private|direct)\s+)?"
_ACTIONS: dict[str, str] = {
    "callback": r"call|ring|phone|contact|reach\s+out|get\s+back|follow\s+up|follow-up|be\s+in\s+touch|"
    r"get\s+in\s+touch|touch\s+base|reach|reply|respond|message|dm|pm|email\s+you\s+back|in\s+touch|"
    r"in\s+contact|check\s+in|give\s+you\s+a\s+(?:call|ring|buzz)|write\s+back|text|ping|"
    rf"(?:drop|shoot)\s+you\s+{_A_NOTE}(?:line|message|dm|pm|note|text)|"
    rf"send\s+you\s+{_A_NOTE}(?:line|message|note|text)|drop\s+you\s+(?!{_A_NOTE}e-?mail)an?\b|"
    r"reaching\s+out|calling|contacting|ringing|phoning|following\s+up|getting\s+back|messaging|"
    r"continue\s+(?:this|the|our)\s+(?:conversation|chat)?\s*(?:in|via|over|by)\s+(?:dm|private|email|phone)",
    "update": r"update|keep\s+you\s+(?:posted|updated|informed|in\s+the\s+loop)|let\s+you\s+know|inform|notify|"
    r"confirm|advise|have\s+an?\s+(?:update|answer)\s+for\s+you|updating",
    "visit": r"visit|come\s+(?:out|round|around|by|over)|stop\s+by|arrive|send\s+(?:an?\s+)?"
    r"(?:engineer|technician)|with\s+you|fit|install|collect|pick\s+(?:it|them|(?:\S+\s+){0,2}?up)|"
    r"fitting|installing|collecting",
    "send": rf"write\s+to\s+you|(?:drop|shoot)\s+you\s+{_A_NOTE}e-?mail|"
    r"send|email|mail|ship|post|forward|refund|credit|reimburse|issue|reissue|process|replace|dispatch|"
    r"order|approve|authori[sz]e|"
    r"deliver|resend|reship|transfer|waive|cancel|add|apply|arrange|book|schedule|drop\s+(?:it|them)\s+off|"
    r"sending|emailing|shipping|posting|refunding|issuing|processing|dispatching|delivering|"
    r"(?:have|get)\s+(?:\S+\s+){1,3}?(?:sent|shipped|refunded|processed|approved|replaced|booked|"
    r"arranged|posted|delivered|dispatched|credited)",
    "investigate": r"look\s+into|investigate|check|review|escalate|find\s+out|dig|research|raise|look\s+at|log|"
    r"chase|sort|fix|resolve|work\s+on|take\s+care|handle|have\s+a\s+look|take\s+a\s+look|"
    r"checking|looking\s+into|investigating|reviewing|working\s+on|"
    r"(?:have|get)\s+(?:\S+\s+){1,3}?(?:fixed|sorted|resolved|repaired|done)",
}
_ACTION_NAMES = tuple(_ACTIONS)
# "your replacement will be delivered": the company's (or its carrier's) commitment, passively.
_PASSIVE = re.compile(
    r"\b(?:your|the|a|an)\s+(?:(?!and\b|but\b|or\b)[\w$£€.,-]+\s+){0,5}?(?:will|['’]ll)\s+(?:(?:also|then|now)\s+)?"
    r"(?:be\s+(?P<passive>delivered|dispatched|shipped|sent(?:\s+out)?|posted|mailed|processed|issued|"
    r"credited|refunded|arranged|reissued|redeposited|fixed|repaired|replaced|resolved|collected)"
    r"|(?P<arrive>arrive|reach\s+you|be\s+with\s+you))\b",
)
_PASSIVE_ACTIONS = {"fixed": "investigate", "repaired": "investigate", "resolved": "investigate"}
_THIRD_PARTY_PASSIVE = frozenset({"delivered", "collected"})
# "I can't promise anything, but we'll try": a hedge, not a commitment.
_HEDGE = re.compile(
    r"\b(?:can['’]?t|cannot|can\s+not|couldn['’]?t|won['’]?t\s+be\s+able\s+to)\s+(?:promise|guarantee)"
    r"|\bno\s+(?:promises|guarantees?)\b"
)
# "within 5 business days of receiving your receipts": the time starts when the customer acts.
_WAITS_ON_RECEIPT = re.compile(
    r"\b(?:of|after|from|upon|on)\s+(?:receiving|receipt\s+of|getting|we\s+(?:receive|get)|you\s+(?:send|return))\b"
)
# A second action sharing the first's subject ("I'll refund it today and send the receipt by
# Friday"): its own promise only when each half states its own time.
_AND_ACTION = re.compile(
    rf"\band\s+(?:then\s+|also\s+)?(?:{'|'.join(f'(?P<and_{n}>{p})' for n, p in _ACTIONS.items())})\b"
)
_ACTION_RE = "|".join(f"(?P<{name}>{pattern})" for name, pattern in _ACTIONS.items())
_COMMITMENT = re.compile(
    rf"{_SUBJECT}{_MODAL}\s+(?!not\b|never\b|be\s+unable|unable\b|call\s+it\b)(?:(?:also|personally|then|now|definitely|"
    rf"certainly|gladly|happily|still|make\s+sure\s+(?:to|that\s+(?:we|i|someone)\s+)?|need\s+to|be\s+able\s+to|"
    rf"try\s+(?:to|and)|be\s+sure\s+to|aim\s+to)\s+)*(?:{_ACTION_RE})\b",
)
_AND_WILL = re.compile(
    rf"{_SUBJECT}\b[^.?!]{{0,80}}?\band(?:\s+(?:we|i))?(?:\s+will|\s*['’]ll|\s+shall)\s+(?:{_ACTION_RE})\b",
)
_YOU_RECEIVE = re.compile(
    r"\byou(?:\s+will|['’]ll)\s+(?:(?:also|then)\s+)?(?P<kind>receive|get(?=\s+(?:a|an|your|the|our)\s+(?:full\s+)?(?:refund|credit|"
    r"replacement|email|call|callback|update|confirmation|reply|response|voucher|code|label|invoice|text))|"
    r"hear\s+(?:back\s+)?from|be\s+contacted|"
    r"be\s+called|see)\b(?P<rest>[^.!?]{0,60})",
)
_EXPECT = re.compile(
    r"\b(?:please\s+)?expect\s+(?:a|an|our)\s+(?P<what>call|callback|email|update|reply|visit|response)\b",
)
_RELAY = re.compile(
    r"\b(?:pass|passing|note|noting|log|logging|relay|relaying)\s+(?:this|that|it|these|those)\b"
    r"|\b(?:pass|passing|share|sharing|forward|forwarding|send|sending|note|noting|log|logging|relay|relaying)\s+"
    r"(?:your|this|that|these|those|the|all\s+(?:your|the))\s+(?:[\w-]+\s+)?"
    r"(?:feedback|comments?|suggestions?|thoughts|concerns?|ideas?)\b"
    # "send it on", "share this with the team"; "send it to you today" is a promise
    r"|\b(?:share|sharing|forward|forwarding|send|sending)\s+(?:this|that|it|these|those)\s+"
    r"(?:on|along|up|(?:over\s+)?(?:to|with)\s+(?:the|our|my|a|an|\w+['’]s)\b)"
    r"|\badd\s+(?:this|that|these|your)\s+(?:\w+\s+)?(?:comments?|feedback|suggestions?)\b"
    r"|\bfollow\s+up\s+with\s+(?:the|our|my)\s+(?:\w+\s+)?(?:team|colleagues|department)\b"
    r"|\bupdate\s+our\b"
    r"|\blet\s+(?:the|our)\s+(?:team|teams|management|product\s+team)\s+know\b"
    r"|\b(?:get\s+in\s+touch|speak|talk|check|reach\s+out)\s+with\s+(?:the|our|my)\s+(?:\w+\s+)?"
    r"(?:team|colleagues|department)\b",
)
# Relaying is a promise after all when someone is named to come back: "... who will call you".
_SOMEONE_CALLS = re.compile(
    r"\b(?:who|they|he|she)\s*(?:will|['’]ll)\s+(?:be\s+)?(?:call|contact|reach|get\s+back|in\s+touch|in\s+contact)"
)
_CUSTOMER_FIRST = re.compile(
    r"\b(?:if|once|when|as\s+soon\s+as|after|whenever)\s+(?:you|we\s+(?:receive|get|hear|have))\b",
)
# "If the app still crashes after the update, we'll dig deeper", "Should the fault return, we
# will ...", "we'll send a new one if it fails again": a commitment that waits on how things turn
# out for the customer is conditional, like one that waits on them acting. A courtesy is not a
# condition ("I'll call you at 2pm if that suits you", "if possible").
_COURTESY = (
    r"\s+(?:possible|(?:that|this|it)\s*(?:(?:['’]s|\s+is)\s+(?:ok|okay|alright|all\s+right|fine|"
    r"convenient|good|easier|better)|\s+(?:suits|works|helps|would\s+(?:help|suit|work)))\b)"
)
_CONDITION_LEAD = re.compile(
    r"(?:^|[,;:(]\s*|\b(?:and|but|so|otherwise|or)\s+)(?:@\w+\s+)*(?:if|unless|in\s+case|in\s+the\s+event|"
    r"should(?=\s+(?:the|this|that|it|your|you|there|anything|any|a|an|we|our|things)\b))\b"
    rf"(?!{_COURTESY})"
)
_CONDITION_TRAIL = re.compile(
    rf"\b(?<!even\s)(?:if|unless|in\s+case|in\s+the\s+event)\b(?!{_COURTESY})"
)
# "I'll check if it is in stock": "if" meaning "whether" after these words is no condition.
_WHETHER_BEFORE = re.compile(
    r"\b(?:check|checking|see|find\s+out|ask|asking|confirm|verify|know|sure|determine|test|clarify|"
    r"look|looking|investigate|review|wonder)(?:\s+[^\s,;]+){0,3}\s*$"
)
# A second promiser starts a clause of its own ("I'll refund it today and the new plan will start
# on Friday"): a time after it is not the first commitment's, whether or not its verb is a promise.
_OTHER_PROMISER = re.compile(
    r"(?:[,;]|\b(?:and|but|while|whereas|then))\s+(?:[\w-]+\s+){0,3}?[\w-]+"
    r"(?:\s+will|['’]ll|\s+shall|\s+(?:is|are)\s+going\s+to)\b"
)
_IMPERATIVE_THEN = re.compile(
    r"^\W*(?:please\s+)?(?:dm|message|send|reply|share|email|follow|provide|give|call|contact|"
    r"let\s+us\s+know|tell\s+us|drop|pop|reach\s+out|click|visit|fill|complete)\b.*?\band\s+"
    r"(?:we|i)(?:['’]ll|\s+will|\s+can)",
)
# What ends a clause before the next commitment: separators and one joining word.
_JOINER_MARKS = ",;"
_JOINER_WORDS = ("and", "then", "but", "also", "so")
# A request to the customer earlier in the reply makes what follows conditional on it ("Could you
# DM us your email? We'll take a look"): the customer has to act first.
_REQUEST = re.compile(
    r"\b(?:please|pls|kindly|could\s+you|can\s+you|would\s+you|will\s+you|if\s+you\s+could|"
    r"are\s+you\s+able\s+to|be\s+sure\s+to|make\s+sure\s+to|feel\s+free\s+to|just)\s+"
    r"(?:[\w/]+\s+){0,5}?(?:dm|send|share|provide|report|reply|message|email|give|let\s+us\s+know|tell\s+us|"
    r"connect|follow|fill|complete|direct\s+message|confirm|attach|drop|shoot|contact|reach\s+out|submit|"
    r"pop|see|visit|call|meet|use|check|click|tap|head|go)\b"
    r"|(?:^|[.!?:]\s+|,\s*)(?:@\w+\s+)*(?:dm|send|share|provide|report|reply|message|email|connect|shoot|drop|"
    r"fill|submit|pop|meet|head|visit|click|use)\s+(?:us|me|the|your|a|an|this|it|with)\b"
    r"|\b(?:dm|send|share|message|email|shoot|drop|tweet|connect\s+with|reach\s+out\s+to|contact|call|text|"
    r"give|meet)\s+(?:us|me)\b"
    r"|\byou\s+can\s+(?:\w+\s+){0,2}?(?:take|bring|send|visit|call|contact|go|head|return|drop|pop|use)\b",
)
_RECEIVE_ACTIONS = {
    "receive": "send",
    "get": "send",
    "see": "send",
    "be contacted": "callback",
    "be called": "callback",
}


def find_promises(
    text: str,
    sent_at: datetime,
    tz: str,
    calendar: BusinessCalendar | None = None,
    *,
    day_first: bool = False,
    customer_tz: str | None = None,
) -> list[Promise]:
    """The promises in an agent's reply, with due times resolved by taxonomy.md section 6.

    A naive ``sent_at`` is read in ``tz``; an aware one is converted to ``tz``. ``calendar``
    defaults to Monday to Friday, 09:00 to 17:00 in ``tz``. ``day_first`` reads "3/4" as 3 April.
    ``customer_tz`` is the customer's zone, for "5pm your time"; a zone the promise names ("9am
    PST") is honoured too, and the due time is given in ``tz`` either way.
    Raises :class:`~deescalate.errors.UnknownTimeZoneError` for an unknown ``tz`` or ``customer_tz``.
    """
    if not isinstance(text, str):
        raise InputError(f"find_promises() takes text, not {type(text).__name__}")
    if not isinstance(sent_at, datetime):
        raise InputError("sent_at must be a datetime")
    zone(tz)
    if customer_tz is not None:
        zone(customer_tz)
    calendar = _calendar_in(calendar, tz)
    sent = calendar.localize(sent_at)
    promises: list[Promise] = []
    lower = _lower_same_length(text)
    if _MARKER.search(lower) is None:
        return []
    request_end = _earliest_end(_REQUEST, lower)
    for start, end in split_sentences(text):
        sentence = text[start:end]
        if _MARKER.search(lower, start, end) is None:
            continue
        sentence_lower = lower[start:end]
        found = [
            commitment
            for commitment in _commitments(sentence_lower)
            if request_end is None or request_end > start + commitment.start  # no request before
        ]
        if not found:
            continue
        expressions = find_time_expressions(sentence, day_first=day_first)
        found = _split_shared_subject(found, sentence_lower, expressions)
        starts = [expression.start for expression in expressions]  # in text order
        for index, (action, owner, offset, clause_end) in enumerate(found):
            # Each commitment owns its clause, up to the next commitment or promiser; the first
            # also owns what precedes it ("Tomorrow morning, I'll call you") back to a clause
            # break ("We're closed on Sunday, but I'll call you Monday").
            clause_start = _clause_start(sentence_lower, offset) if index == 0 else offset
            first = bisect.bisect_left(starts, clause_start)
            last = bisect.bisect_left(starts, clause_end)
            own = [e for e in expressions[first:last] if e.end <= clause_end]
            if _WAITS_ON_RECEIPT.search(sentence_lower, offset, clause_end):
                continue  # "within 5 days of receiving your receipts": the customer acts first
            time_text, due = _resolve(own, sent, calendar, customer_tz)
            cut = stripped_end(sentence, _JOINER_MARKS, words=_JOINER_WORDS, end=clause_end)
            promise_end = start + cut
            promises.append(
                Promise(
                    action=action,
                    start=start + offset,
                    end=promise_end,
                    text=text[start + offset : promise_end],
                    time_text=time_text,
                    due_at=due,
                    owner=owner,
                )
            )
    return promises


_CLAUSE_BREAK = re.compile(r"[;:]|\b(?:but|although|though|while|however|because)\b")


def _clause_start(sentence: str, offset: int) -> int:
    """Where the clause holding the commitment at ``offset`` starts."""
    start = 0
    for match in _CLAUSE_BREAK.finditer(sentence, 0, offset):
        start = match.end()
    return start


def _resolve(
    expressions: list[TimeExpression],
    sent: datetime,
    calendar: BusinessCalendar,
    customer_tz: str | None,
) -> tuple[str | None, datetime | None]:
    """The due time, read in a zone the promise names ("9am PST", "5pm your time") if any."""
    named = next((e.zone for e in expressions if e.kind == "zone"), None)
    if named == "customer":
        named = customer_tz
    if named is None or named == calendar.tz:
        return resolve_due(expressions, sent, calendar)
    there = _calendar_in(calendar, named)
    time_text, due = resolve_due(expressions, sent.astimezone(there.zone), there)
    return time_text, (due.astimezone(calendar.zone) if due is not None else None)


def _split_shared_subject(
    found: list[_Found], sentence: str, expressions: list[TimeExpression]
) -> list[_Found]:
    """Add "... and send the receipt by Friday" as its own promise when both halves are timed."""
    if not expressions:
        return found
    result: list[_Found] = []
    starts = [e.start for e in expressions]  # in text order
    for action, owner, offset, end in found:
        joined = _AND_ACTION.search(sentence, offset, end)
        if joined is None:
            result.append(_Found(action, owner, offset, end))
            continue
        timed = [
            e
            for e in expressions[
                bisect.bisect_left(starts, offset) : bisect.bisect_left(starts, end)
            ]
            if e.kind not in ("zone", "vague")
        ]
        if any(e.end <= joined.start() for e in timed) and any(
            e.start >= joined.end() for e in timed
        ):
            name = next(n for n, v in joined.groupdict().items() if v)
            result.append(_Found(action, owner, offset, joined.start()))
            result.append(_Found(name.removeprefix("and_"), owner, joined.start(), end))
        else:
            result.append(_Found(action, owner, offset, end))
    return result


# A promise needs one of these words; texts and sentences without any are skipped cheaply.
_MARKER = re.compile(r"will|['’]ll|going to|shall|expect")


def _earliest_end(pattern: re.Pattern[str], text: str) -> int | None:
    """Where the earliest-ending match of ``pattern`` in ``text`` ends, or None without one.

    A commitment after a request ("DM us and we'll call") or a condition ("once you send it,
    we'll ...") waits on the customer. The match is found once per text or sentence: searching
    again up to each commitment is quadratic in the commitments, and a long reply full of them
    would take minutes.
    """
    return min((match.end() for match in pattern.finditer(text)), default=None)


def _lower_same_length(text: str) -> str:
    """Lower-case ``text`` keeping every offset (the patterns are written in lower case)."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@functools.cache
def _standard_calendar(tz: str) -> BusinessCalendar:
    return BusinessCalendar.standard(tz)


def _calendar_in(calendar: BusinessCalendar | None, tz: str) -> BusinessCalendar:
    """The calendar to resolve due times with, in the zone of whoever made the promise."""
    if calendar is None:
        return _standard_calendar(tz)
    if calendar.tz == tz:
        return calendar
    return BusinessCalendar(
        tz=tz,
        hours=calendar.hours,
        holidays=calendar.holidays,
        country=calendar.country,
        subdivision=calendar.subdivision,
    )


def _owner(match: re.Match[str]) -> str:
    if match.group("by_agent"):
        return "agent"
    return "third-party" if match.group("by_third_party") else "team"


def _action(match: re.Match[str]) -> str:
    return next(name for name in _ACTION_NAMES if match.group(name))


def _commitments(sentence: str) -> list[_Found]:
    """The action, owner, start and clause end of each promise in one sentence, in order."""
    stripped = sentence.rstrip()
    if stripped.endswith("?") or _IMPERATIVE_THEN.search(sentence) or _HEDGE.search(sentence):
        return []
    matches = list(_COMMITMENT.finditer(sentence)) or list(_AND_WILL.finditer(sentence))
    passive = _PASSIVE.search(sentence)
    if passive is not None and any(m.start() <= passive.start() < m.end() for m in matches):
        passive = None
    candidates = sorted(
        [(m.start(), m.end(), m) for m in matches]
        + ([(passive.start(), passive.end(), None)] if passive is not None else []),
        key=lambda item: item[0],
    )
    if not candidates:
        single = _other_commitment(sentence)
        if single is None or _Conditions(sentence).hold(single.start, single.start, single.end):
            return []
        return [single]
    conditions = _Conditions(sentence)
    clause_ends = _clause_ends(sentence, [(s, e) for s, e, _ in candidates], conditions)
    # Found once per sentence, not searched again before or after each commitment.
    condition_end = _earliest_end(_CUSTOMER_FIRST, sentence)
    callback_start = max((m.start() for m in _SOMEONE_CALLS.finditer(sentence)), default=-1)
    found: list[_Found] = []
    for (start, own_end, match), clause_end in zip(candidates, clause_ends, strict=True):
        if condition_end is not None and condition_end <= start:
            continue  # waits on the customer: "once you send it, we'll ..."
        if conditions.hold(start, own_end, clause_end):
            continue  # waits on how things turn out: "if it happens again, we'll ..."
        if match is None:
            assert passive is not None
            action, owner = _passive_commitment(passive)
            found.append(_Found(action, owner, start, clause_end))
            continue
        if (
            _RELAY.search(sentence, start, clause_end)
            and callback_start < start  # no one named to call back after it
        ):
            continue
        found.append(_Found(_action(match), _owner(match), start, clause_end))
    return found


def _clause_ends(
    sentence: str, spans: list[tuple[int, int]], conditions: _Conditions | None = None
) -> list[int]:
    """Where each commitment's clause ends: at the next commitment, or after its own words at a
    second promiser ("... and the new plan will start on Friday") or a condition that leads to
    a later one ("..., and if it does not fit, we'll swap it"), else at the sentence end."""
    others = [m.start() for m in _OTHER_PROMISER.finditer(sentence)]
    later = max([*others, *(start for start, _ in spans)], default=-1)
    if conditions is not None:
        others = sorted(others + [s for s, e in conditions.leads if e < later])
    ends = []
    for index, (_, own_end) in enumerate(spans):
        end = spans[index + 1][0] if index + 1 < len(spans) else len(sentence)
        after = bisect.bisect_left(others, own_end)
        if after < len(others):
            end = min(end, others[after])
        ends.append(end)
    return ends


class _Conditions:
    """The conditions in one sentence that a commitment may wait on, found once."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        # where each leading condition starts (its separator) and where its word ends
        self.leads = [m.span() for m in _CONDITION_LEAD.finditer(sentence)]
        self._lead_ends = [end for _, end in self.leads]
        self._breaks = [m.end() for m in _CLAUSE_BREAK.finditer(sentence)]

    def hold(self, start: int, own_end: int, clause_end: int) -> bool:
        """A condition before the commitment in its clause, or one after it in its clause
        ("we'll send a new one if it fails again"; "I'll check if it's in stock" is no condition)."""
        lead = bisect.bisect_right(self._lead_ends, start) - 1
        if lead >= 0:
            broken = bisect.bisect_right(self._breaks, start) - 1
            if broken < 0 or self._breaks[broken] <= self._lead_ends[lead]:
                return True
        trail = _CONDITION_TRAIL.search(self.sentence, own_end, clause_end)
        return trail is not None and not _WHETHER_BEFORE.search(self.sentence, start, trail.start())


def _passive_commitment(match: re.Match[str]) -> tuple[str, str]:
    """ "Your replacement will be delivered", "your card will arrive": the carrier's; others the team's."""
    verb = (match.group("passive") or "").split()[0] if match.group("passive") else ""
    if match.group("arrive") or verb in _THIRD_PARTY_PASSIVE:
        return "send", "third-party"
    return _PASSIVE_ACTIONS.get(verb, "send"), "team"


def _other_commitment(sentence: str) -> _Found | None:
    """Promises phrased from the customer's side, owed by whoever they name (the team if no one)."""
    found = _received(sentence)
    if found is None:
        return None
    action, start, own_end = found
    tail = sentence[start : start + 80]
    by_us = re.search(r"\bfrom\s+(?:me|us)\b", tail) is not None
    (end,) = _clause_ends(sentence, [(start, own_end)])
    return _Found(action, "agent" if by_us else "team", start, end)


def _received(sentence: str) -> tuple[str, int, int] | None:
    """Promises phrased from the customer's side ("you'll receive", "expect a call"): the action,
    and where the promise's words start and end."""
    received = _YOU_RECEIVE.search(sentence)
    if received is not None and not _CUSTOMER_FIRST.search(sentence[: received.start()]):
        kind = re.sub(r"\s+", " ", received.group("kind").lower())
        if kind.startswith("hear"):
            return "callback", received.start(), received.start("rest")
        rest = received.group("rest").lower()
        if kind in ("get", "receive") and re.search(r"\b(?:call|callback|phone)\b", rest):
            return "callback", received.start(), received.start("rest")
        if kind in ("get", "receive") and re.search(r"\bupdate", rest):
            return "update", received.start(), received.start("rest")
        if kind == "see" and not re.search(
            r"\b(?:refund|credit|charge|delivery|parcel|order)\b", rest
        ):
            return None
        return _RECEIVE_ACTIONS.get(kind, "other"), received.start(), received.start("rest")
    expected = _EXPECT.search(sentence)
    if expected is not None:
        what = expected.group("what").lower()
        action = {
            "call": "callback",
            "callback": "callback",
            "reply": "callback",
            "response": "callback",
            "update": "update",
            "email": "send",
            "visit": "visit",
        }[what]
        return action, expected.start(), expected.end()
    return None
