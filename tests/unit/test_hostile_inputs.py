"""Texts built to make patterns backtrack are read in time, with sensible results.

A webhook service assesses whatever customers write, so one message must never stall it. Each
test here finishes in well under a second; the timeout only turns a pattern that backtracks
over a long run (minutes or hours on these texts) into a failure instead of a hung suite.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deescalate import InputError, Stage, assess, find_promises, lint_reply
from deescalate.hostile import hostile_texts
from deescalate.macros import find_problem

HOSTILE = hostile_texts(100_000)
# Far above what any of these takes (under a second each), far below a quadratic pattern's time.
HANG_GUARD_SECONDS = 60


@pytest.mark.timeout(HANG_GUARD_SECONDS)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_assess_reads_hostile_text(name: str) -> None:
    """Assessing a hostile text gives a bounded assessment whose spans fit the text."""
    text = HOSTILE[name]
    result = assess(text)
    assert 0.0 <= result.score <= 1.0
    assert result.stage is Stage.from_rank(min(int(result.score * len(Stage)), len(Stage) - 1))
    assert result.assessed_chars <= 100_000
    for signal in result.signals:
        assert text[signal.start : signal.end] == signal.text


@pytest.mark.timeout(HANG_GUARD_SECONDS)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_lint_reads_hostile_draft_and_customer(name: str) -> None:
    """Coaching a hostile draft against a hostile customer message gives findings that fit."""
    text = HOSTILE[name]
    for finding in lint_reply(text, customer=text):
        assert 0 <= finding.start <= finding.end <= len(text)


@pytest.mark.timeout(HANG_GUARD_SECONDS)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_find_promises_reads_hostile_text(name: str) -> None:
    """Promise extraction on a hostile text gives promises whose spans fit the text."""
    text = HOSTILE[name]
    for promise in find_promises(text, sent_at=datetime(2026, 3, 2, 10, tzinfo=UTC), tz="UTC"):
        assert text[promise.start : promise.end] == promise.text


def test_many_blank_lines_before_the_words_leave_them_evidence() -> None:
    """Blank lines ahead of a message are no reply header: the words after them still count."""
    text = "\n" * 5_000 + "On hold for two hours and nobody answers. This is UNACCEPTABLE!!!"
    result = assess(text)
    assert {"waiting", "shouting"} <= set(result.codes)
    assert all(signal.start >= 5_000 for signal in result.signals)


def test_reply_header_after_blank_lines_is_still_set_aside() -> None:
    """A quoted reply below blank lines is still cut off, whatever whitespace comes first."""
    text = (
        "Still broken.\n\n\n\n  On Mon, 2 Mar 2026, Support wrote:\nyou people are useless idiots"
    )
    # "Still broken." is the writer's own complaint; the quoted reply's insults are not theirs
    assert not {"profanity", "blame"} & assess(text).codes
    assert "profanity" in assess(text.replace("wrote:", "said")).codes


def test_hostile_texts_have_the_size_asked_for() -> None:
    """Every hostile text is about the size asked for, no longer, and ends in a letter."""
    texts = hostile_texts(1_000)
    assert len(texts) >= 50
    for text in texts.values():
        assert 960 <= len(text) <= 1_000
        assert text[-1].isalpha()


def test_hostile_texts_refuse_a_size_below_one() -> None:
    """A size below one is an input error, not an empty battery."""
    with pytest.raises(InputError, match="at least 1"):
        hostile_texts(0)


@pytest.mark.timeout(HANG_GUARD_SECONDS)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_find_problem_reads_hostile_messages(name: str) -> None:
    """Picking the problem statement out of hostile messages gives a span that fits."""
    text = HOSTILE[name]
    problem = find_problem([text, text[:5_000]])
    if problem is not None:
        source = [text, text[:5_000]][problem.message_index]
        assert 0 <= problem.start <= problem.end <= len(source)
