"""Find the rules of a pack whose patterns backtrack: slow on hostile text, and growing.

A ``pattern`` rule is a regular expression a team writes, and one such as ``\\s+-`` tried at every
position of a long run of spaces takes time that grows with the square of the run, or worse.
:func:`find_slow_rules` runs every phrase and pattern of a compiled signal pack, or of a reply
coach's rule set, over :func:`~deescalate.hostile.hostile_texts` and reports those that are slow
on the larger texts and take far more than four times as long when the text grows four times.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from deescalate.assessment.packs import CompiledPack
from deescalate.coach.packs import RuleSet
from deescalate.errors import InputError
from deescalate.hostile import hostile_texts

__all__ = ["SlowRule", "find_slow_rules"]

# A linear pattern takes about 4x as long on a text 4x as long; a quadratic one about 16x.
GROWTH_LIMIT = 8.0
# Below this on the larger text, growth is noise: the pattern is fast whatever its shape.
FLOOR_SECONDS = 0.005
_TIMINGS = 3  # best of, for the two timings that decide


@dataclass(frozen=True, slots=True)
class SlowRule:
    """A rule whose phrase or pattern backtracks on one of the hostile texts.

    ``seconds`` is its time on ``chars`` characters of the ``shape`` text and ``growth`` how
    many times longer it took than on a quarter of them. ``out_of_time`` says the run was
    stopped when its budget ran out: then ``seconds`` is the budget, and ``growth`` is at least
    what it says (0.0 when even the quarter ran out of time).
    """

    rule: str
    source: str
    matcher: str
    shape: str
    chars: int
    seconds: float
    growth: float
    out_of_time: bool = False

    def describe(self) -> str:
        """One line naming the rule, its file, the text and the times."""
        where = f"{self.source}: rule {self.rule!r}: '{self.matcher}'"
        text = f"{self.chars:,} characters of {self.shape!r}"
        if self.out_of_time and not self.growth:
            return f"{where} was stopped after {self.seconds:g} s on {text}"
        took = f"over {self.seconds:g} s" if self.out_of_time else f"{self.seconds * 1000:,.0f} ms"
        more = "more than " if self.out_of_time else ""
        return (
            f"{where} takes {took} on {text}, {more}{self.growth:.0f}x its time on a quarter"
            " of them (quadratic or worse)"
        )


@dataclass(frozen=True, slots=True)
class _Probe:
    """One phrase or pattern to time, and the rule it belongs to."""

    rule: str
    source: str
    written: str
    regex: re.Pattern[str]
    lower: bool  # phrases run on lower-cased text


def _probes(pack: CompiledPack | RuleSet) -> list[_Probe]:
    if isinstance(pack, RuleSet):
        return [
            _Probe(c.rule.name, c.rule.source, c.phrase.phrase, c.phrase.regex, True)
            for c in pack.checks
        ]
    probes = []
    shared: set[int] = set()  # a sentence rule's companions and vetoes, shared by its phrases
    for matcher in pack.matchers:
        rule = matcher.rule
        if matcher.phrase is not None:
            phrase = matcher.phrase
            probes.append(_Probe(rule.id, rule.source, phrase.phrase, phrase.regex, True))
            for phrases in (matcher.companions, matcher.vetoes):
                if phrases is not None and id(phrases) not in shared:
                    shared.add(id(phrases))
                    probes.extend(
                        _Probe(rule.id, rule.source, other.phrase, other.regex, True)
                        for other in phrases.phrases
                    )
        elif matcher.pattern is not None:
            # each expression of the rule on its own, so the report names the one written
            flags = matcher.pattern.flags
            for written in matcher.regexes or (matcher.pattern.pattern,):
                regex = re.compile(written, flags)
                probes.append(_Probe(rule.id, rule.source, written, regex, False))
    return probes


def find_slow_rules(
    pack: CompiledPack | RuleSet, *, size: int = 16_000, budget: float = 1.0
) -> list[SlowRule]:
    """The rules of ``pack`` that backtrack on hostile texts of ``size`` characters, worst first.

    ``pack`` is a compiled signal pack (:func:`~deescalate.assessment.packs.compile_packs`) or a
    reply coach's rule set (:func:`~deescalate.coach.packs.load_rule_set`).

    Each phrase and pattern runs over every hostile text, on its own (not behind the word index
    that usually spares it). One that takes at least 5 ms on ``size`` characters and at least 8
    times as long as on a quarter of them is reported, with the text it is slowest on.
    ``budget`` bounds one run, in seconds: a run still going then is stopped and reported. The
    budget needs a timer signal, so it holds only in the main thread on systems that have one
    (not Windows) and while no other timer is set; otherwise runs go to their end.
    """
    if size < 64:
        raise InputError("size must be at least 64 characters")
    if budget <= 0:
        raise InputError("budget must be positive")
    quarter, whole = hostile_texts(size // 4), hostile_texts(size)
    texts = {  # by whether the probe runs on lower-cased text, as phrases do
        False: (quarter, whole),
        True: (_lowered(quarter), _lowered(whole)),
    }
    slow: list[SlowRule] = []
    for probe in _probes(pack):
        smaller, larger = texts[probe.lower]
        worst: SlowRule | None = None
        for shape, text in larger.items():
            found = _slowness(probe, shape, smaller[shape], text, budget)
            if found is not None and (worst is None or _rank(found) > _rank(worst)):
                worst = found
                if found.out_of_time:
                    break  # as slow as it gets: the other texts would tell no more
        if worst is not None:
            slow.append(worst)
    slow.sort(key=_rank, reverse=True)
    return slow


def _lowered(texts: dict[str, str]) -> dict[str, str]:
    return {shape: text.lower() for shape, text in texts.items()}


def _slowness(
    probe: _Probe, shape: str, smaller: str, larger: str, budget: float
) -> SlowRule | None:
    regex = probe.regex

    def run(text: str) -> float:
        # CPU time of this thread, not the wall clock: on a busy machine a run that is preempted
        # would otherwise look slow, and a linear pattern could look as if it grew 8x.
        start = time.thread_time()
        for _ in regex.finditer(text):
            pass
        return time.thread_time() - start

    def report(chars: int, seconds: float, growth: float, out_of_time: bool) -> SlowRule:
        return SlowRule(
            probe.rule, probe.source, probe.written, shape, chars, seconds, growth, out_of_time
        )

    try:
        with _time_limit(budget):
            seconds = run(larger)  # most patterns: well under the floor, and done
    except _OutOfTimeError:
        seconds = budget
    if seconds < FLOOR_SECONDS:
        return None
    try:
        with _time_limit(budget):
            quarter = min(run(smaller) for _ in range(_TIMINGS))
    except _OutOfTimeError:
        return report(len(smaller), budget, 0.0, True)  # too slow even on the quarter
    if seconds >= budget:
        return report(len(larger), budget, budget / max(quarter, 1e-9), True)
    seconds = min([seconds, *(run(larger) for _ in range(_TIMINGS - 1))])
    growth = seconds / max(quarter, 1e-9)
    return report(len(larger), seconds, growth, False) if growth >= GROWTH_LIMIT else None


def _rank(slow: SlowRule) -> tuple[bool, float, float]:
    return slow.out_of_time, slow.seconds, slow.growth


class _OutOfTimeError(Exception):
    """A run outlived its budget (raised from the timer signal's handler)."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block with :class:`_OutOfTimeError` after ``seconds`` (main thread only).

    The regular expression engine checks for signals as it runs, so a pattern that backtracks
    for minutes is stopped here instead of hanging the check.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield  # no timer signal here (another thread, or Windows): the run goes to its end
        return
    if signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield  # the caller's own timer is running (a test timeout, say): leave it alone
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise _OutOfTimeError

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
