"""The model against published figures (validation.csv), per route family, with tolerance."""

from __future__ import annotations

import pytest

from cajad.corridor import Outcome, load_expectations, run_validation

FAMILIES = ("Middle Corridor", "Northern route", "Sea via Suez")


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return run_validation()


def test_each_route_family_has_held_out_checks(outcomes: list[Outcome]) -> None:
    for family in FAMILIES:
        checks = [
            o for o in outcomes if o.expectation.family == family and o.expectation.use == "check"
        ]
        assert len(checks) >= 3, family
        metrics = {o.expectation.metric for o in checks}
        assert "time_days" in metrics, family


@pytest.mark.parametrize("row", [e.id for e in load_expectations() if e.use != "excluded"])
def test_model_matches_published_figure_within_tolerance(outcomes: list[Outcome], row: str) -> None:
    outcome = next(o for o in outcomes if o.expectation.id == row)
    low, high = outcome.expectation.bounds
    assert outcome.passed, f"{row}: model {outcome.value:.3f} outside [{low:.3f}, {high:.3f}]"


def test_tolerance_is_stated_and_excluded_rows_give_a_reason() -> None:
    for e in load_expectations():
        assert 0 < e.tolerance <= 0.3
        assert e.source
        if e.use == "excluded":
            assert e.note and len(e.note) > 15, e.id


def test_a_wrong_model_would_fail(outcomes: list[Outcome]) -> None:
    """The check can fail: twice the model's Altynkol-Baku time is outside the band."""
    row = next(o for o in outcomes if o.expectation.id == "mc-altynkol-baku")
    low, high = row.expectation.bounds
    assert row.value is not None and not (low <= 2 * row.value <= high)
