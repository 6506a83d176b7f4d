"""Property tests: arbitrary text never crashes the analysers, and every span fits the text."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from deescalate import assess, find_promises, lint_reply

# Text that mixes the characters real messages contain with the ones that break naive code:
# markup, quotes, apostrophes, capitals, exclamation marks, emoji, non-Latin scripts, controls.
ALPHABET = st.sampled_from(
    [
        *"abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ!?.,'\"<>&/:;-\n\t0123456789",
        *["’", "“", "”", "😡", "🙏", "é", "ß", "İ", "Ω", "中", "\u200b", "\x00"],
    ]
)
TEXTS = st.text(ALPHABET, max_size=300) | st.sampled_from(
    [
        "<p>I have been <b>on hold</b> for 45 minutes!!!</p>",
        "On Mon, 2 Mar 2026 someone wrote:\n> YOU PEOPLE",
        "Thanks,\nJane",
        "I'll call you back by 3pm tomorrow, and we will email the label today.",
    ]
)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_assess_spans_fit_the_text(text: str) -> None:
    """Every signal and cue points at its own text."""
    result = assess(text)
    assert 0.0 <= result.score <= 1.0
    for signal in result.signals:
        assert text[signal.start : signal.end] == signal.text
    for cue in result.cues:
        assert text[cue.start : cue.end] == cue.text


@settings(max_examples=300, deadline=None)
@given(TEXTS, TEXTS)
def test_lint_spans_fit_the_draft(draft: str, customer: str) -> None:
    """Every finding points at its own text, sorted, without duplicates."""
    findings = lint_reply(draft, customer)
    keys = [(f.start, f.end, f.code) for f in findings]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    for finding in findings:
        assert draft[finding.start : finding.end] == finding.text


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_promises_spans_and_due_times(text: str) -> None:
    """Every promise points at its own text and is due after it was made, if at all."""
    sent = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for promise in find_promises(text, sent, "Europe/Berlin"):
        assert text[promise.start : promise.end] == promise.text
        assert promise.due_at is None or promise.due_at >= sent
