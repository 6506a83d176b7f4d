"""The report at scale: 100,000 obligations opened in a month, with their message records.

A SQLite ledger holds 100,000 obligations created over 30 days (follow-throughs in every state
and follow-ups) on 50,000 tickets handled by 25 agents, and the records of the customer
messages and agent replies that opened them (about 200,000). The figure is the time to build the
whole report (read the store, count the figures, draw the seven charts, write the page), median
of several runs; the goal is under 10 s. Reading and counting alone is shown beside it.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from deescalate.obligations.model import (
    Obligation,
    ObligationKind,
    ObligationState,
    Task,
    new_id,
)
from deescalate.records import MessageRecord, MessageRole
from deescalate.report import build_report, render_page
from deescalate.stages import Stage
from deescalate.store import open_store
from deescalate.store.protocol import Store

__all__ = ["run"]

END = datetime(2026, 4, 1, tzinfo=UTC)
START = END - timedelta(days=30)
AGENTS = tuple(f"agent-{n:02d}" for n in range(25))
STATES = (
    ObligationState.KEPT, ObligationState.KEPT, ObligationState.KEPT, ObligationState.BROKEN,
    ObligationState.OPEN, ObligationState.REMINDED, ObligationState.CANCELLED,
)  # fmt: skip
STAGES = tuple(Stage)
RULES = ("missing-apology", "missing-next-step", "tells-to-calm-down", "blame-shifting")


def _fill(store: Store, count: int) -> None:
    obligations: list[Obligation] = []
    records: list[MessageRecord] = []
    step = timedelta(days=30) / count
    for i in range(count):
        made = START + step * i
        ticket, agent = f"fake:{i // 2}", AGENTS[i % len(AGENTS)]
        follow_up = i % 5 == 4
        due = made + timedelta(hours=3 + i % 40)
        obligations.append(
            Obligation(
                id=new_id(),
                key=f"k{i}",
                kind=ObligationKind.FOLLOW_UP if follow_up else ObligationKind.FOLLOW_THROUGH,
                ticket=ticket,
                source="solved" if follow_up else "I'll call you back.",
                due_at=due,
                state=STATES[i % len(STATES)],
                comment_id=f"a{i}",
                next_task=Task.BREAK,
                next_action_at=due,
                created_at=made,
                outcome="recurred" if follow_up and i % 3 == 0 else None,
            )
        )
        records.append(
            MessageRecord(
                ticket,
                f"c{i}",
                made - timedelta(minutes=20),
                MessageRole.CUSTOMER,
                STAGES[i % len(STAGES)],
                agent,
                ("all-caps",),
            )
        )
        records.append(
            MessageRecord(
                ticket,
                f"a{i}",
                made,
                MessageRole.AGENT,
                None,
                agent,
                (RULES[i % len(RULES)],),
                ("Please calm down.",),
            )
        )
    store.add_many(obligations)
    store.record_messages(records)


def _build(store: Store, *, page: bool) -> tuple[float, float]:
    """Wall-clock and CPU seconds to build the report (the CPU figure shows a busy machine)."""
    began, cpu = time.perf_counter(), time.process_time()
    figures = build_report(store, start=START, end=END, examples=True)
    if page:
        render_page(figures, made_at=END, examples=True)
    return time.perf_counter() - began, time.process_time() - cpu


def _median(runs: list[tuple[float, float]]) -> str:
    wall = statistics.median(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    return f"{wall:.2f} s ({cpu:.2f} s CPU)"


def run(quick: bool) -> list[str]:
    count = 10_000 if quick else 100_000
    runs = 3 if quick else 5
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "report.db")
        began = time.perf_counter()
        _fill(store, count)
        fill_s = time.perf_counter() - began
        _build(store, page=True)  # warm: matplotlib's import and font cache
        counting = _median([_build(store, page=False) for _ in range(runs)])
        whole = _median([_build(store, page=True) for _ in range(runs)])
        store.close()
    return [
        f"ledger: {count:,} obligations and {2 * count:,} message records over 30 days "
        f"(loaded in {fill_s:.1f} s); medians of {runs} runs",
        f"SQLite: read and count the figures: {counting}",
        f"SQLite: whole report (figures, 7 charts, page): {whole} (goal < 10 s)",
    ]
