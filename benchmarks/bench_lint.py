"""``lint_reply`` throughput beside VADER on the same synthetic agent drafts."""

from __future__ import annotations

import random

from benchmarks.measure import interleaved_medians, ratio_line

__all__ = ["agent_drafts", "run"]

_OPENERS = [
    "Hi Sam,",
    "Hello,",
    "Thanks for reaching out.",
    "",
    "I'm sorry to hear that.",
    "Hi there!",
]
_MIDDLES = [
    "I understand how frustrating a late delivery is.",
    "I've checked order {n} and it left our warehouse on {day}.",
    "Please calm down, the parcel will arrive.",
    "It's our policy that refunds take {d} days.",
    "Are you sure you entered the right address?",
    "I'll call you back by {h} pm today with an update.",
    "So the router drops every evening, is that correct?",
    "The technician is booked for {day} between {h} and {h2}.",
    "You should have contacted us sooner.",
    "PLEASE READ THE INSTRUCTIONS!!",
    "I've escalated this to our billing team and will update you tomorrow.",
    "Could you share a photo of the damage so I can arrange a replacement?",
]
_CLOSERS = ["Kind regards, Alex", "Thanks for your patience!", "Have a great day.", "", "-Becky"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def agent_drafts(count: int, *, seed: int = 11) -> list[str]:
    """Synthetic agent drafts of roughly 10 to 60 words, reproducible by seed."""
    rng = random.Random(seed)
    drafts = []
    for _ in range(count):
        parts = [rng.choice(_OPENERS)]
        for _ in range(rng.randint(1, 4)):
            parts.append(
                rng.choice(_MIDDLES).format(
                    n=rng.randint(10000, 99999),
                    d=rng.randint(3, 30),
                    day=rng.choice(_DAYS),
                    h=rng.randint(1, 5),
                    h2=rng.randint(6, 8),
                )
            )
        parts.append(rng.choice(_CLOSERS))
        drafts.append(" ".join(p for p in parts if p))
    return drafts


def run(quick: bool) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from deescalate.coach import Coach

    count = 2_000 if quick else 20_000
    runs = 3 if quick else 5
    drafts = agent_drafts(count)
    coach = Coach()
    vader = SentimentIntensityAnalyzer()

    ours_s, vader_s, ratio = interleaved_medians(
        coach.lint, vader.polarity_scores, drafts, runs=runs
    )
    return [
        f"drafts: {count} synthetic agent drafts, 10-60 words; medians of {runs} runs, "
        "the two sides interleaved 200 drafts at a time",
        f"lint_reply: {count / ours_s:,.0f} drafts/s ({ours_s * 1e6 / count:.0f} µs each)",
        f"VADER:      {count / vader_s:,.0f} drafts/s ({vader_s * 1e6 / count:.0f} µs each)",
        ratio_line("lint_reply throughput", ours_s, "VADER", vader_s, 5, ratio=ratio),
    ]
