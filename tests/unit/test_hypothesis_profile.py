"""CI draws the same property-test examples on every run; local runs keep exploring."""

from __future__ import annotations

from hypothesis import settings

from tests.conftest import hypothesis_profile


def test_local_runs_use_the_default_profile() -> None:
    """Without CI or HYPOTHESIS_PROFILE the examples stay random."""
    assert hypothesis_profile({}) == "default"


def test_ci_selects_the_ci_profile() -> None:
    """A CI environment variable (any non-empty value) selects the derandomized profile."""
    assert hypothesis_profile({"CI": "true"}) == "ci"


def test_hypothesis_profile_wins_over_ci() -> None:
    """HYPOTHESIS_PROFILE names the profile even where CI is set."""
    assert hypothesis_profile({"CI": "true", "HYPOTHESIS_PROFILE": "default"}) == "default"


def test_ci_profile_is_reproducible() -> None:
    """The ci profile derandomizes, drops the deadline and prints the blob that replays a failure."""
    ci = settings.get_profile("ci")
    assert ci.derandomize
    assert ci.deadline is None
    assert ci.print_blob
