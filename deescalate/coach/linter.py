"""The reply coach: judge an agent's draft against the playbook."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from deescalate.assessment import Rater, default_assessor
from deescalate.assessment.detectors import (
    DEFAULT_ACRONYMS,
    PunctuationDetector,
    ShoutingDetector,
    SpanCover,
    loudness_screen,
    quoted_spans,
)
from deescalate.assessment.result import INCONVENIENCE_SIGNALS
from deescalate.coach.finding import Finding, Severity
from deescalate.coach.packs import (
    CheckIndex,
    CoachRule,
    RuleSet,
    builtin_coach_pack_paths,
    load_rule_set,
)
from deescalate.coach.restating import restates, states_a_problem
from deescalate.conversation import Conversation, Message, Role
from deescalate.errors import ConfigurationError, InputError
from deescalate.inconvenience import reports_company_fault
from deescalate.once import once
from deescalate.phrases import find_all
from deescalate.playbook import PlaybookState, advise
from deescalate.stages import Stage
from deescalate.steps import steps_shown
from deescalate.text import decode_text, prepared_if_changed

__all__ = ["Coach", "CustomerContext", "lint_reply"]


Customer = str | Conversation | Sequence[Message] | None

_TEXT_TYPES = (str, bytes)

# A raw finding: rule, span in the prepared text, suggestion, and severity when not the rule's.
_Hit = tuple[CoachRule, int, int, str | None, Severity | None]


@dataclass(frozen=True, slots=True)
class CustomerContext:
    """What the reply answers: the customer's stage, signal codes and words."""

    stage: Stage
    codes: frozenset[str]
    text: str

    @classmethod
    def of(cls, customer: Customer, assessor: Rater | None = None) -> CustomerContext | None:
        """The context of a customer message, or of a conversation's unanswered messages.

        ``assessor`` rates the customer's words (the default assessor when ``None``).
        """
        if customer is None:
            return None
        if isinstance(customer, str):
            texts = [customer]
        else:
            messages = customer.messages if isinstance(customer, Conversation) else tuple(customer)
            texts = _unanswered(messages)
        if not any(t.strip() for t in texts):
            return None
        rater = default_assessor() if assessor is None else assessor
        results = [rater.assess(text) for text in texts]
        return cls(
            stage=max(r.stage for r in results),
            codes=frozenset(code for r in results for code in r.codes),
            text="\n".join(texts),
        )


def _unanswered(messages: Sequence[Message]) -> list[str]:
    """Customer messages after the agent's last public reply (all of them if there is none)."""
    texts: list[str] = []
    for message in messages:
        if message.role is Role.AGENT and message.public:
            texts = []
        elif message.role is Role.CUSTOMER:
            texts.append(message.text)
    return texts


class Coach:
    """Lints agent drafts with rule packs and code rules.

    ``packs`` are extra pack files loaded after the built-in ones (``builtin=False`` leaves those
    out); ``disabled`` switches rules off by name; ``acronyms`` adds words in capitals that are
    never shouting (product names, team jargon).
    """

    def __init__(
        self,
        packs: Sequence[str | Path] = (),
        *,
        builtin: bool = True,
        disabled: Iterable[str] = (),
        acronyms: Iterable[str] = (),
        assessor: Rater | None = None,
    ) -> None:
        self.assessor = assessor
        self.rule_set: RuleSet = load_rule_set(
            [*(builtin_coach_pack_paths() if builtin else []), *packs]
        )
        self.disabled = frozenset(disabled)
        unknown = self.disabled - set(self.rule_set.rules)
        if unknown:
            raise ConfigurationError(f"cannot disable unknown rules: {', '.join(sorted(unknown))}")
        self._shouting = ShoutingDetector({*DEFAULT_ACRONYMS, *acronyms}, single_words=False)
        self._punctuation = PunctuationDetector()
        self._shouting_rule = self._enabled("shouting")
        self._index = CheckIndex(self.rule_set, self.disabled)

    @property
    def rules(self) -> dict[str, CoachRule]:
        """Every loaded rule by name."""
        return dict(self.rule_set.rules)

    def lint(
        self, draft: str | bytes, customer: Customer = None, *, assessor: Rater | None = None
    ) -> list[Finding]:
        """Findings for ``draft``, sorted by position; see :func:`lint_reply`.

        ``assessor`` rates the customer's words for this call, in place of the coach's own.
        """
        # plain ASCII is its own decoding: no call for the commonest draft
        if isinstance(draft, str) and draft.isascii():
            original = draft
        elif isinstance(draft, _TEXT_TYPES):
            original = decode_text(draft)
        else:
            raise InputError(f"lint_reply() takes text (str or bytes), not {type(draft).__name__}")
        prepared = prepared_if_changed(original)  # None for most drafts: plain text
        body = original if prepared is None else prepared.text
        if not body or body.isspace():
            return []
        context = (
            None
            if customer is None
            else CustomerContext.of(customer, assessor if assessor is not None else self.assessor)
        )
        quotes = SpanCover.of(_quoted_in_draft(body))
        hits = self._phrase_hits(body, context, quotes)
        if self._shouting_rule is not None:
            capitals, marks = loudness_screen(body)
            if capitals or marks:
                hits.extend(self._shouting_hits(body, quotes, capitals=capitals, marks=marks))
        findings: list[Finding] = []
        for rule, start, end, suggestion, severity in hits:
            if prepared is not None:
                start, end = prepared.span_in_original(start, end)
            findings.append(
                Finding(
                    code=rule.code,
                    rule=rule.name,
                    severity=severity or rule.severity,
                    message=rule.message,
                    start=start,
                    end=end,
                    text=original[start:end],
                    suggestion=suggestion,
                )
            )
        if context is not None:
            for rule in self._absences(body, context):
                findings.append(
                    Finding(
                        code=rule.code,
                        rule=rule.name,
                        severity=rule.severity,
                        message=rule.message,
                        start=0,
                        end=len(original),
                        text=original,
                        suggestion=rule.suggestion,
                    )
                )
        if len(findings) < 2:  # most drafts: nothing to order, nest or repeat
            return findings
        findings.sort(key=_nesting_order)
        return _without_nested(findings)

    def _enabled(self, name: str) -> CoachRule | None:
        if name in self.disabled:
            return None
        return self.rule_set.rules.get(name)

    def _phrase_hits(
        self, body: str, context: CustomerContext | None, quotes: SpanCover
    ) -> list[_Hit]:
        """Matches of the phrase checks, less those quoted or excused by the words around them."""
        lower = body.lower()
        checks = self._index.candidates_in(lower)
        if not checks:
            return []
        customer_words = context.text.lower() if context else ""
        quoting: dict[str, bool] = {}  # per matched text: one search of the customer's words each
        shown: frozenset[str] | None = None  # the draft's playbook steps, found when first asked
        hits: list[_Hit] = []
        for check in checks:
            for start, end in find_all(check.phrase, body, lower):
                if quotes and quotes.covers(start, end):
                    if not check.in_quotes:
                        continue  # reported words, not the agent's own
                    if customer_words and _quotes_customer(
                        lower[start:end], customer_words, quoting
                    ):
                        continue  # the draft quotes the customer's own words back to them
                if check.unless_before is not None and check.unless_before.search(
                    body[max(0, start - 40) : start]
                ):
                    continue
                if check.unless_after is not None and check.unless_after.search(
                    body[end : end + 40]
                ):
                    continue
                if check.unless_next is not None and check.unless_next.match(body[end : end + 40]):
                    continue  # "you should have received ...": the next word excuses it
                if check.unless_shows:
                    if shown is None:
                        shown = steps_shown(body)
                    if check.unless_shows & shown:
                        continue  # "I don't know, I'll ask the team by 3 pm" gives a way on
                hits.append((check.rule, start, end, check.suggestion, None))
        return hits

    def _shouting_hits(
        self, body: str, quotes: SpanCover, *, capitals: bool, marks: bool
    ) -> list[_Hit]:
        """Shouting, once ``loudness_screen`` has said which detector could find it."""
        rule = self._shouting_rule
        assert rule is not None  # lint() asks only when the rule is enabled
        hits: list[_Hit] = []
        if capitals:
            for _, start, end, _, _ in self._shouting.unscreened(body):
                if not (quotes and quotes.covers(start, end)):
                    hits.append((rule, start, end, rule.suggestion, None))
        if marks:
            for _, start, end, _, _ in self._punctuation.unscreened(body):
                if not (quotes and quotes.covers(start, end)):
                    # "Thanks!!" is enthusiasm more often than a raised voice: a suggestion only
                    mild = Severity.SUGGESTION if end - start == 2 else None
                    hits.append((rule, start, end, rule.suggestion, mild))
        return hits

    def _absences(self, body: str, context: CustomerContext | None) -> list[CoachRule]:
        """The absence rules the playbook flags for a reply to this customer that shows ``body``."""
        if context is None:
            return []
        inconvenienced = bool(context.codes & INCONVENIENCE_SIGNALS) or reports_company_fault(
            context.text
        )
        problem_stated = states_a_problem(context.text)
        # what a reply showing nothing would miss: a step shown only takes rules away
        if not advise(
            PlaybookState(
                context.stage, inconvenienced=inconvenienced, problem_stated=problem_stated
            )
        ).flagged:
            return []  # nothing is flagged: no need to look for the steps the draft shows
        evidence = steps_shown(body)
        if "restate" not in evidence and restates(body, context.text):
            evidence |= {"restate"}
        state = PlaybookState.from_evidence(
            context.stage,
            evidence,
            inconvenienced=inconvenienced,
            problem_stated=problem_stated,
        )
        due = advise(state).flagged_rules
        return [rule for name in sorted(due) if (rule := self._enabled(name)) is not None]


def _without_nested(findings: list[Finding]) -> list[Finding]:
    """Drop a finding inside a larger one of the same rule ("!!" inside "STOP IT!!").

    ``findings`` come sorted by start, the longer first: a finding lies inside an earlier one of
    its code (or repeats it) exactly when it ends no later than the furthest end of that code so
    far. The result is sorted by position (start, then end).
    """
    kept: list[Finding] = []
    furthest: dict[str, int] = {}
    shared_start = False
    previous_start = -1
    for finding in findings:
        if finding.end <= furthest.get(finding.code, -1):
            continue
        kept.append(finding)
        furthest[finding.code] = finding.end
        shared_start = shared_start or finding.start == previous_start
        previous_start = finding.start
    if shared_start:  # longer first within a start until here; shorter first from now on
        kept.sort(key=_by_position)
    return kept


def _nesting_order(finding: Finding) -> tuple[int, int, str]:
    """Sorted by start, the longer first: how :func:`_without_nested` reads findings."""
    return (finding.start, -finding.end, finding.code)


def _by_position(finding: Finding) -> tuple[int, int, str]:
    return (finding.start, finding.end, finding.code)


@once
def default_coach() -> Coach:
    """The coach with the built-in packs, built once on first use."""
    return Coach()


def lint_reply(
    draft: str | bytes, customer: Customer = None, *, assessor: Rater | None = None
) -> list[Finding]:
    """Judge an agent's draft reply against the playbook.

    ``customer`` is the customer message being answered, or a conversation (its customer messages
    after the agent's last public reply are what the draft answers). The absence rules
    (``missing-apology``, ``missing-acknowledgement``, ``missing-restatement``,
    ``missing-next-step``) apply only when the customer's stage and words call for them, so
    without ``customer`` only what is wrong in the draft itself is reported; which of them apply
    is read from the playbook (:mod:`deescalate.playbook`). ``assessor`` rates the customer's
    words (the default assessor when ``None``). Findings are sorted by position and never
    duplicated.
    """
    return default_coach().lint(draft, customer, assessor=assessor)


__all__ += ["Severity", "default_coach"]


# A line of an e-mail quoting the message being answered: "> I was charged twice".
_EMAIL_QUOTE_LINE = re.compile(r"^[ \t]*>[^\n]*", re.MULTILINE)


def _quoted_in_draft(body: str) -> list[tuple[int, int]]:
    """Where the draft quotes someone: inside quotation marks, or on "> " lines of an e-mail."""
    spans = quoted_spans(body)
    if ">" in body:
        spans.extend(match.span() for match in _EMAIL_QUOTE_LINE.finditer(body))
    return spans


def _quotes_customer(matched: str, customer_words: str, known: dict[str, bool]) -> bool:
    """True when ``matched`` occurs in the customer's words; each text is searched for once."""
    found = known.get(matched)
    if found is None:
        found = known[matched] = matched in customer_words
    return found
