"""``find_promises`` beside dateparser's ``search_dates`` on the same agent replies."""

from __future__ import annotations

import warnings
from datetime import datetime

from benchmarks.bench_lint import agent_drafts
from benchmarks.measure import paired_medians, ratio_line

__all__ = ["run"]


def run(quick: bool) -> list[str]:
    from dateparser.search import search_dates

    from deescalate.promises import find_promises

    count = 500 if quick else 2_000
    runs = 3  # dateparser takes about ten seconds a run on 2,000 replies
    replies = agent_drafts(count, seed=5)
    sent = datetime(2026, 3, 2, 10, 0)
    settings = {"RELATIVE_BASE": sent, "PREFER_DATES_FROM": "future"}

    def ours() -> None:
        for reply in replies:
            find_promises(reply, sent, "Europe/Berlin")

    def baseline() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for reply in replies:
                search_dates(reply, languages=["en"], settings=settings)

    ours_s, base_s, ratio = paired_medians(ours, baseline, runs=runs)
    return [
        f"replies: {count} synthetic agent replies; medians of {runs} alternating runs",
        f"find_promises: {count / ours_s:,.0f} replies/s ({ours_s * 1e6 / count:.0f} µs each)",
        f"dateparser.search_dates: {count / base_s:,.0f} replies/s ({base_s * 1e6 / count:.0f} µs each)",
        ratio_line(
            "find_promises throughput", ours_s, "dateparser search_dates", base_s, 50, ratio=ratio
        ),
    ]
