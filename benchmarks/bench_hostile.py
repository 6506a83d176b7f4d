"""Worst-case time per character on texts built to make patterns backtrack.

Each of ``deescalate.testing.hostile_texts`` (100,000 characters) is read by ``assess``,
``lint_reply`` (the text as both draft and customer message), ``find_promises`` and
``find_problem`` (the restatement macro's choice of problem sentence). The figure
is the slowest text's time per 1,000 characters against the same function's time per 1,000
characters on ordinary text of its kind (the named baseline): customer messages for ``assess``
and ``find_problem``, agent replies for ``lint_reply`` and ``find_promises``. A pattern that
backtracks over a run shows as a ratio in the hundreds or thousands, a linear one near 1.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from benchmarks.bench_lint import agent_drafts
from benchmarks.measure import support_messages

__all__ = ["run"]

_SENT_AT = datetime(2026, 3, 2, 10, tzinfo=UTC)
# Far from linear: a hostile text this many times slower per character than ordinary text.
_GOAL_RATIO = 20.0


def _per_kchar(fn: Callable[[str], Any], texts: list[str], runs: int) -> float:
    """Median seconds per 1,000 characters of running ``fn`` over ``texts``."""
    chars = sum(len(text) for text in texts)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times) / chars * 1000


def run(quick: bool) -> list[str]:
    from deescalate import find_promises, lint_reply
    from deescalate.assessment import Assessor
    from deescalate.hostile import hostile_texts
    from deescalate.macros import find_problem

    size = 20_000 if quick else 100_000
    runs = 3
    assessor = Assessor()
    functions: dict[str, Callable[[str], Any]] = {
        "assess": assessor.assess,
        "lint_reply": lambda text: lint_reply(text, customer=text),
        "find_promises": lambda text: find_promises(text, sent_at=_SENT_AT, tz="UTC"),
        "find_problem": lambda text: find_problem([text]),
    }
    customers = support_messages(2_000)
    agents = agent_drafts(2_000, seed=5)
    ordinary = {"assess": customers, "lint_reply": agents, "find_promises": agents}
    hostile = hostile_texts(size)
    lines = [f"{len(hostile)} hostile texts of {size:,} characters; medians of {runs} runs"]
    for name, fn in functions.items():
        texts = ordinary.get(name, customers)
        fn(texts[0])  # builds the default assessor, coach and calendar once
        baseline = _per_kchar(fn, texts, runs)
        worst_name, worst = max(
            ((shape, _per_kchar(fn, [text], runs)) for shape, text in hostile.items()),
            key=lambda item: item[1],
        )
        ratio = worst / baseline
        verdict = "meets" if ratio <= _GOAL_RATIO else "MISSES"
        lines.append(
            f"{name}: worst {worst * 1e6:,.0f} µs per 1,000 chars ({worst_name}), ordinary text"
            f" {baseline * 1e6:,.0f} µs: {ratio:.1f}x (goal at most {_GOAL_RATIO:g}x: {verdict})"
        )
    return lines
