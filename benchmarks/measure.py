"""Timing and memory helpers shared by the benchmarks."""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "interleaved_medians",
    "median_seconds",
    "paired_medians",
    "peak_traced_mb",
    "ratio_line",
    "subprocess_seconds",
    "support_messages",
]


def median_seconds(fn: Callable[[], Any], *, runs: int = 5) -> float:
    """The median wall time of ``runs`` calls of ``fn``, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired_medians(
    ours: Callable[[], Any], baseline: Callable[[], Any], *, runs: int = 5
) -> tuple[float, float, float]:
    """Time ``ours`` and ``baseline`` in alternating runs, after one warm-up call of each.

    Returns the median seconds of each and the median of the per-run ratios (baseline time
    over ours). Alternating, and starting every other run with the baseline, keeps a noisy
    machine's slow spells from landing on one side only.
    """
    ours()
    baseline()
    ours_times: list[float] = []
    base_times: list[float] = []
    for run in range(runs):
        order = ((ours, ours_times), (baseline, base_times))
        for fn, times in order if run % 2 == 0 else reversed(order):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    ratios = [b / o for o, b in zip(ours_times, base_times, strict=True)]
    return statistics.median(ours_times), statistics.median(base_times), statistics.median(ratios)


def interleaved_medians(
    ours: Callable[[Any], Any],
    baseline: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    runs: int = 5,
    chunk: int = 200,
) -> tuple[float, float, float]:
    """Time ``ours`` and ``baseline`` on every item, interleaved chunk by chunk.

    Each run walks ``items`` in chunks of ``chunk``, timing both sides on each chunk, in turn
    first. A slow spell of a noisy machine then lands on both sides alike, where timing all of
    one side and then all of the other (:func:`paired_medians`) lets it fall on one only.
    Returns the median seconds of each side over the runs and the median of the per-run
    ratios (baseline time over ours), after one warm-up chunk of each.
    """
    for item in items[:chunk]:
        ours(item)
        baseline(item)
    clock = time.perf_counter
    ours_times: list[float] = []
    base_times: list[float] = []
    for _ in range(runs):
        ours_total = base_total = 0.0
        for index, first in enumerate(range(0, len(items), chunk)):
            part = items[first : first + chunk]
            for side in (0, 1) if index % 2 == 0 else (1, 0):
                fn = ours if side == 0 else baseline
                start = clock()
                for item in part:
                    fn(item)
                elapsed = clock() - start
                if side == 0:
                    ours_total += elapsed
                else:
                    base_total += elapsed
        ours_times.append(ours_total)
        base_times.append(base_total)
    ratios = [b / o for o, b in zip(ours_times, base_times, strict=True)]
    return statistics.median(ours_times), statistics.median(base_times), statistics.median(ratios)


def peak_traced_mb(fn: Callable[[], Any]) -> float:
    """Peak Python heap allocated while ``fn`` runs, in MB (tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def subprocess_seconds(code: str, *, runs: int = 7) -> float:
    """Median wall time of running ``python -c code`` in a fresh interpreter."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb(code: str) -> float:
    """Peak resident memory of a fresh interpreter running ``code``, in MB.

    Read from VmHWM in /proc/self/status, which starts afresh at exec; ru_maxrss would carry over
    the parent's peak when the parent is larger.
    """
    probe = (
        f"{code}\n"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    return int(done.stdout.strip().splitlines()[-1]) / 1024


def ratio_line(
    name: str,
    ours: float,
    baseline_name: str,
    baseline: float,
    goal: float,
    *,
    ratio: float | None = None,
) -> str:
    """``name: 3.2x BASELINE (goal 5x: MISSES)``; ``ratio`` overrides baseline / ours."""
    if ratio is None:
        ratio = baseline / ours if ours else float("inf")
    verdict = "meets" if ratio >= goal else "MISSES"
    return f"{name}: {ratio:.1f}x {baseline_name} (goal {goal:g}x: {verdict})"


_OPENERS = [
    "Hi,",
    "Hello team,",
    "Hey,",
    "",
    "Good morning,",
    "Dear support,",
    "Listen,",
    "Seriously?",
]
_BODIES = [
    "my order {n} has not arrived and the tracking page has not changed for {d} days",
    "I was charged twice for the {p} subscription this month and nobody answers my emails",
    "the {p} app keeps crashing when I open the settings page after the last update",
    "I have been on hold for {d} minutes and your chat bot keeps sending me the same article",
    "could you check why my refund for order {n} is still pending",
    "this is the third time I am writing about the broken {p} and you are not listening",
    "your technician was supposed to come yesterday between 2 and 4 pm but never showed up",
    "I want to speak to a manager about the way I was treated in your store",
    "thanks, the replacement {p} arrived today and works perfectly",
    "I do not understand why my account was locked, it makes no sense",
    "the invoice says {d} licences but we only ordered {n2}",
    "if this is not fixed by Friday I will cancel the contract and tell everyone",
]
_CLOSERS = [
    "Thanks.",
    "Please help.",
    "This is unacceptable!!",
    "Can you look into it?",
    "Regards, Sam",
    "I am really disappointed.",
    "WHAT IS GOING ON",
    "Any update would be appreciated.",
    "",
]
_PRODUCTS = ["router", "printer", "laptop", "premium", "Pro", "headset", "thermostat", "phone"]


def support_messages(count: int, *, seed: int = 7) -> list[str]:
    """Synthetic support-like messages of roughly 10 to 60 words, reproducible by seed."""
    rng = random.Random(seed)
    messages = []
    for _ in range(count):
        parts = [rng.choice(_OPENERS)]
        for _ in range(rng.randint(1, 3)):
            body = rng.choice(_BODIES).format(
                n=rng.randint(10000, 99999),
                d=rng.randint(2, 90),
                n2=rng.randint(1, 9),
                p=rng.choice(_PRODUCTS),
            )
            parts.append(body[0].upper() + body[1:] + rng.choice([".", "!", ". ", "?"]))
        parts.append(rng.choice(_CLOSERS))
        messages.append(" ".join(p for p in parts if p))
    return messages
