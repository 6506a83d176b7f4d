"""The pack check finds rules whose patterns backtrack, and passes the shipped packs."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest

from deescalate.assessment.packs import builtin_pack_paths, compile_packs
from deescalate.coach.packs import builtin_coach_pack_paths, load_rule_set
from deescalate.errors import InputError
from deescalate.hostile import hostile_texts
from deescalate.pack_check import find_slow_rules

PACK = """pack: acme
language: en
rules:
  - id: acme-fine
    kind: phrases
    signal: waiting
    weight: 1.0
    phrases: ["{n} tickets (open|pending)", "portal is down again"]
  - id: acme-dash
    kind: pattern
    signal: blame
    weight: 1.0
    triggers: ["*"]
    regex: '{regex}'
"""
# Tried from every space of a run, each try runs to the end of the run: quadratic.
QUADRATIC = r"\s+-x"
# Nested repeats over the same spaces: exponential, stopped only by the budget.
EXPONENTIAL = r"(\s+)+$"
LINEAR = r"(?<!\s)\s+-x"


def _pack(tmp_path: Path, regex: str) -> Path:
    path = tmp_path / "acme.yaml"
    path.write_text(PACK.replace("{regex}", regex), encoding="utf-8")
    return path


def test_shipped_packs_have_no_rule_that_backtracks() -> None:
    """Every shipped phrase and pattern runs in linear time on every hostile text."""
    assert find_slow_rules(compile_packs(builtin_pack_paths())) == []


def test_shipped_coach_packs_have_no_phrase_that_backtracks() -> None:
    """Every phrase of the reply coach's shipped packs runs in linear time on hostile texts."""
    assert find_slow_rules(load_rule_set(builtin_coach_pack_paths())) == []


def test_quadratic_pattern_is_reported_with_its_rule_file_and_text(tmp_path: Path) -> None:
    """A pattern retried from each space of a run is named, with the text and the growth."""
    path = _pack(tmp_path, QUADRATIC)
    slow = find_slow_rules(compile_packs([path]), budget=0.5)
    assert [(s.rule, s.source) for s in slow] == [("acme-dash", str(path))]
    assert slow[0].matcher == QUADRATIC  # as written, not as the rule's patterns are joined
    assert slow[0].growth >= 8
    text = hostile_texts(1_000)[slow[0].shape]
    assert sum(c.isspace() for c in text) > 0.9 * len(text)  # a run of whitespace
    assert "acme-dash" in slow[0].describe()
    assert "quadratic" in slow[0].describe()


def test_exponential_pattern_is_stopped_by_the_budget(tmp_path: Path) -> None:
    """A pattern that would run for ages is stopped after the budget and reported as such."""
    slow = find_slow_rules(compile_packs([_pack(tmp_path, EXPONENTIAL)]), budget=0.2)
    assert [s.rule for s in slow] == ["acme-dash"]
    assert slow[0].out_of_time
    assert slow[0].seconds == 0.2


def test_the_same_pattern_anchored_to_its_first_space_passes(tmp_path: Path) -> None:
    """Anchoring the run to its first space makes the pattern linear, and the check passes."""
    assert find_slow_rules(compile_packs([_pack(tmp_path, LINEAR)])) == []


@pytest.mark.parametrize(("size", "budget"), [(10, 1.0), (16_000, 0.0)])
def test_bad_size_or_budget_is_an_input_error(size: int, budget: float) -> None:
    """A size too small to measure or a budget of nothing is refused."""
    with pytest.raises(InputError):
        find_slow_rules(compile_packs(builtin_pack_paths()), size=size, budget=budget)


def test_check_runs_outside_the_main_thread(tmp_path: Path) -> None:
    """Away from the main thread there is no timer signal: the check still runs, unbounded."""
    pack = compile_packs([_pack(tmp_path, LINEAR)])
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(find_slow_rules(pack)))
    worker.start()
    worker.join()
    assert results == [[]]


def test_a_timer_already_running_is_left_alone(tmp_path: Path) -> None:
    """The check sets no timer of its own while the caller's runs, and that one still fires."""
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        assert find_slow_rules(compile_packs([_pack(tmp_path, LINEAR)])) == []
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 30  # still pending
        signal.setitimer(signal.ITIMER_REAL, 0.01)
        time.sleep(0.05)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
