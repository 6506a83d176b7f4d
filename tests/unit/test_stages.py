"""Stages are ordered by escalation, not alphabetically."""

from __future__ import annotations

import pytest

from deescalate import STAGE_GUIDANCE, Stage


def test_stages_order_by_escalation() -> None:
    """calm < frustrated < upset < angry < irate."""
    assert sorted(Stage, reverse=True)[0] is Stage.IRATE
    assert Stage.CALM < Stage.FRUSTRATED < Stage.UPSET < Stage.ANGRY < Stage.IRATE
    assert Stage.ANGRY > Stage.CALM  # alphabetically "angry" < "calm"
    assert Stage.UPSET >= Stage.UPSET
    assert not Stage.UPSET <= Stage.FRUSTRATED


def test_string_values_are_the_taxonomy_names() -> None:
    """The values are the public contract strings."""
    assert [s.value for s in Stage] == ["calm", "frustrated", "upset", "angry", "irate"]
    assert str(Stage.ANGRY) == "angry"
    assert Stage("irate") is Stage.IRATE


@pytest.mark.parametrize(("rank", "stage"), [(-3, Stage.CALM), (2, Stage.UPSET), (9, Stage.IRATE)])
def test_from_rank_clamps(rank: int, stage: Stage) -> None:
    """Ranks outside the scale clamp to its ends."""
    assert Stage.from_rank(rank) is stage


def test_every_stage_has_guidance() -> None:
    """Each stage carries a line of guidance for the agent."""
    assert set(STAGE_GUIDANCE) == set(Stage)
