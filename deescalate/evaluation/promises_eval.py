"""``deescalate eval promises``: promises found in real agent replies (twcs outbound tweets).

There is no gold set of support commitments, so this reports what is found (how many, per action,
with and without a stated time) and prints an evenly spaced sample of 50 for checking by hand.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from deescalate.evaluation.datasets import read_twcs
from deescalate.promises import Promise, find_promises

__all__ = ["PromiseReport", "evaluate_promises"]

SAMPLE_SIZE = 50


@dataclass(frozen=True, slots=True)
class PromiseReport:
    replies: int
    replies_with_promise: int
    promises: int
    by_action: dict[str, int]
    with_due: int
    sample: list[tuple[str, Promise]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "twcs_replies": self.replies,
            "replies_with_promise": self.replies_with_promise,
            "promises": self.promises,
            "by_action": self.by_action,
            "with_due_time": self.with_due,
            "sample": [{"reply": text, **p.to_dict()} for text, p in self.sample],
        }

    def to_text(self) -> str:
        lines = [
            "Promise extraction on real agent replies (computed now):",
            f"  twcs outbound replies: {self.replies}",
            f"  replies with a promise: {self.replies_with_promise}",
            f"  promises: {self.promises} ({self.with_due} with a due time)",
            "  by action: "
            + ", ".join(f"{a} {n}" for a, n in sorted(self.by_action.items(), key=lambda i: -i[1])),
            f"Evenly spaced sample of {len(self.sample)} for checking by hand:",
        ]
        for number, (reply, promise) in enumerate(self.sample, start=1):
            due = promise.due_at.isoformat(timespec="minutes") if promise.due_at else "-"
            lines.append(f"{number:3}. [{promise.action}] {promise.text!r} due {due}")
            lines.append(f"      in: {reply!r}")
        return "\n".join(lines)


def _sent_at(created_at: str) -> datetime:
    return datetime.strptime(created_at, "%a %b %d %H:%M:%S %z %Y")


def evaluate_promises(data_dir: Path, tz: str = "UTC") -> PromiseReport:
    """Find promises in every twcs outbound reply, sent at its own timestamp."""
    replies = [t for t in read_twcs(data_dir) if not t.inbound]
    found: list[tuple[str, Promise]] = []
    with_promise = 0
    for reply in replies:
        promises = find_promises(reply.text, _sent_at(reply.created_at), tz)
        with_promise += bool(promises)
        found.extend((reply.text, p) for p in promises)
    step = max(1, len(found) // SAMPLE_SIZE)
    return PromiseReport(
        replies=len(replies),
        replies_with_promise=with_promise,
        promises=len(found),
        by_action=dict(Counter(p.action for _, p in found)),
        with_due=sum(p.due_at is not None for _, p in found),
        sample=found[::step][:SAMPLE_SIZE],
    )
