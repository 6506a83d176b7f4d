"""Which playbook steps an agent's reply shows (taxonomy.md section 3).

The detector looks for the words agents use when they acknowledge the emotion, apologize, restate
the problem and verify it, or give a next step, and reports each step with the span that shows
it. The conversation tracker and the absence rules of the coach both use it, so it sits below
both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deescalate.once import once
from deescalate.phrases import CompiledPhrase, compile_phrase, find_all, text_words

__all__ = ["NON_APOLOGIES", "STEPS", "StepEvidence", "find_steps", "steps_shown"]

_EMOTION = (
    "frustrating|frustrated|annoying|annoyed|upsetting|upset|disappointing|disappointed|"
    "stressful|difficult|hard|inconvenient|maddening|worrying|concerning|exhausting"
)
_FUTURE = (
    "(i'll|i will|we'll|we will|i'm going to|we're going to|i am going to|we are going to|"
    "let me|let us|i'd like to|i can|we can|i've|i have|we've|we have)"
)
_ACTIONS = (
    "call|contact|email|update|follow|get|check|look|send|escalate|arrange|investigate|refund|"
    "replace|fix|reach|process|issue|schedule|book|ring|text|message|review|raise|ask|pass|"
    "confirm|make|keep|credit|reimburse|resend|reship|dispatch|expedite|open|file|submit|"
    "connect|transfer|loop|share|set|sort|resolve|help|take|find|dig|chase|flag|notify|let"
)
_TIME = (
    "today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    "morning|afternoon|evening|eod|asap|shortly|soon|hour|hours|minutes|days|week|weeks"
)

STEPS: dict[str, tuple[str, ...]] = {
    "acknowledge": (
        "(i|we) (completely|totally|fully|really|absolutely)? (understand|get) (how|why|that|your|the|it)",
        "(i|we) can (see|understand|imagine|tell) (how|why|that|you)",
        "(concerned|sad|saddened|sorry|disappointed|upset|worried|gutted) to (hear|see|read|learn)",
        "(don't|do not) want you to (feel|be|have)",
        "oh no*",
        "uh oh",
        "(not|never) (what|how) (we|you) (want|wanted|would want|expect|expected)",
        "(that|this|it) (must|would|can|could) (be|have been|feel) (so|really|very|incredibly|extremely)? "
        + f"({_EMOTION})",
        "i hear you",
        "you (have|had) every right to be",
        "(understandably|clearly|rightly) (upset|frustrated|disappointed|annoyed|concerned)",
        "i know how (frustrating|annoying|upsetting|disappointing|stressful)",
        "(sorry|apologies|apologize) (for|about) (the|this|that|all the|any) (frustration|trouble|hassle|"
        "inconvenience|confusion|wait|delay|experience|stress|disappointment|issues|problems)",
        "sorry to (hear|see|read|learn)",
        "(not|never) the experience (we|you)",
        "(your|the) (frustration|disappointment|concern|concerns|anger) (is|are) (completely|totally|entirely)? "
        "(understandable|valid|justified)",
        "(that's|that is|this is|that sounds|this sounds) (so|really|very|definitely|certainly)? "
        "(concerning|frustrating|disappointing|upsetting|annoying|worrying|not good|not okay|not ok|unacceptable|awful|terrible|not right)",
        "(i|we) (appreciate|value) your (patience|understanding|feedback)",
        "thank you for (your patience|bearing with|your understanding|letting us know|bringing this)",
        "thanks for (your patience|bearing with|your understanding|letting us know|bringing this)",
    ),
    "apologize": (
        "sorry",
        "(i|we) (sincerely|truly|really|do)? (apologize|apologise)",
        "(my|our) (sincere|deepest|sincerest)? apologies",
        "apologies (for|about)",
        "please accept (my|our) (sincere)? (apology|apologies)",
        "(i|we) regret",
    ),
    "restate": (
        "(so|just) to (confirm|make sure|clarify|be sure|check)",
        "if i (understand|understood|have) (you|this|that|it)? (correctly|right)",
        "(is that|is this|is it|have i got that|did i get that|do i have that) (correct|right|accurate)",
        "(what|so) i'm hearing is",
        "let me make sure i (understand|have|got)",
        "correct me if i'm wrong",
        "(it sounds|sounds) like (your|the|you)",
        "you're saying (that)? (your|the)",
        "(to recap|to summarize|to sum up)",
        "(can|could) you confirm (that|whether|if)",
    ),
    "next-step": (
        f"{_FUTURE} {{w:0-2}} ({_ACTIONS})",
        "(next step|next steps|here's what (i'll|we'll|happens|will happen))",
        "(please)? (dm|message|email|send|reply|share|follow|contact|call|tell|ping) (us|me)",
        "(send|drop|shoot|give) (us|me) a (dm|message|note|line|pm|email|call|ring)",
        "(let|tell) (us|me) (more|know)",
        "(reach out|get in touch|get back to us|talk to us|chat with us|visit|head to|check out|follow the link)",
        "(today|tonight|tomorrow|later today|this afternoon|this evening|this week|next week|shortly|right away|asap)",
        f"(by|before|within|in the next|in|until|no later than) {{w:0-3}} ({_TIME})",
        "(by|before|at|around) {n} (am|pm|o'clock)",
        "(i've|i have|we've|we have) (escalated|raised|logged|filed|opened|passed|sent|issued|processed|scheduled|arranged|booked|refunded|credited)",
        f"(and|then|who|they|someone|somebody|team|colleagues|specialist|expert|technician|agent) (will|'ll|are going to|is going to) {{w:0-2}} ({_ACTIONS}|reply|respond|be in touch)",
        "(will|'ll) be in touch",
        "you can (now)? (claim|track|reset|change|download|book|request|apply|return|cancel|update|collect|reschedule)",
        "(the)? (next|first|earliest) (available)? (slot|appointment|visit|delivery|date) (is|will be)",
        # "an engineer is booked for Wednesday", "your visit has been arranged for Monday"
        "(is|are|has been|have been|'s been|'ve been) (booked|scheduled|arranged|booked in|lined up) (for|on)",
        "(please|pls|kindly) (dm|send|share|provide|confirm|follow|click|reply|call|email|check|try|contact|give|let|tell|reach|visit|use|select|go|fill|complete|restart|update|open)",
    ),
}


# Apologies that apologize for nothing in particular, or only if at all ("sorry for any
# inconvenience this may have caused", "sorry if you feel that way"): they show neither an
# apology nor an acknowledgement.
NON_APOLOGIES: tuple[str, ...] = (
    "(sorry|apologies|apologize|apologise|apology) (for|about) any (inconvenience|trouble|"
    "frustration|disappointment|issues|problems)",
    "(sorry|apologies|apologize|apologise) (for|about) the inconvenience (this|that|it) (may|might|"
    "could) have caused",
    "(sorry|apologize|apologise|apologies) if (this|that|it|we|you|our|anyone|there) (has|have|may|"
    "might|caused|was|were|felt|feel)",
    "sorry (that)? you feel (that way|this way|like that)",
)
_HOLLOW_STEPS = frozenset({"apologize", "acknowledge"})


@dataclass(frozen=True, slots=True)
class StepEvidence:
    """A playbook step shown in a reply, with the span of text that shows it."""

    step: str
    start: int
    end: int
    text: str


@once
def _compiled() -> dict[str, tuple[CompiledPhrase, ...]]:
    return {step: tuple(compile_phrase(p) for p in phrases) for step, phrases in STEPS.items()}


@once
def _non_apologies() -> tuple[CompiledPhrase, ...]:
    return tuple(compile_phrase(p) for p in NON_APOLOGIES)


# A negation inside a commitment's words ("I will not refund", "we will never send")
_NEGATED = re.compile(r"\b(?:not|never)\b")

# A question put to the customer ("Which device are you using?") moves the case on: a next step.
# So does one that opens with a question word ("What happened?"), but not "Why would I care?".
_QUESTION_TO_CUSTOMER = re.compile(
    r"[^.!?\n]*\b(?:you|your)\b[^.!?\n]*\?"
    r"|(?<![^\s.!?])(?:what|which|when|where|how|who|could|can|would|may)\b[^.!?\n]*\?",
    re.IGNORECASE,
)


def find_steps(text: str) -> list[StepEvidence]:
    """Every playbook step the text shows, with its evidence, in text order."""
    lower = text.lower()
    words = set(text_words(lower))
    found: list[StepEvidence] = []
    if "?" in text:
        for match in _QUESTION_TO_CUSTOMER.finditer(text):
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
            found.append(StepEvidence("next-step", start, match.end(), text[start : match.end()]))
    for step, phrases in _compiled().items():
        for phrase in phrases:
            if not phrase.possible(words):
                continue
            for start, end in find_all(phrase, text, lower):
                if step == "next-step" and _NEGATED.search(lower, start, end):
                    continue  # "I will not refund it" refuses; it plans nothing
                found.append(StepEvidence(step, start, end, text[start:end]))
    if found and any(e.step in _HOLLOW_STEPS for e in found):
        hollow = [
            span
            for phrase in _non_apologies()
            if phrase.possible(words)
            for span in find_all(phrase, text, lower)
        ]
        if hollow:
            found = [e for e in found if e.step not in _HOLLOW_STEPS or not _within(e, hollow)]
    found.sort(key=lambda e: (e.start, e.end))
    return found


def _within(evidence: StepEvidence, spans: list[tuple[int, int]]) -> bool:
    """True when the evidence lies inside one of ``spans``."""
    return any(start <= evidence.start and evidence.end <= end for start, end in spans)


def steps_shown(text: str) -> frozenset[str]:
    """The names of the playbook steps the text shows."""
    return frozenset(evidence.step for evidence in find_steps(text))
