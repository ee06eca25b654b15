"""The pace rule's boundaries: one year of data before any projection, "most" is more than
half, and the order in which the verdicts apply."""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

import pytest

from cajad.tracker import CountingRule
from cajad.tracker.pace import MIN_DAYS, MOST, pace_of

RULE = CountingRule()
START = RULE.period_start
GOAL = Decimal("3000000000000")


def _pace(day: dt.date, to_date: str, aggregate: str = "0", last_year: str | None = None) -> str:
    amount = Decimal(to_date)
    recent = Decimal(last_year) if last_year is not None else amount
    pace = pace_of(RULE, day, GOAL, to_date=amount, aggregate=Decimal(aggregate), last_year=recent)
    return pace.verdict


def test_the_boundaries_are_policy() -> None:
    assert MIN_DAYS == 365
    assert Decimal(50) == MOST


def test_no_projection_from_less_than_a_year_of_data() -> None:
    last_early = START + dt.timedelta(days=MIN_DAYS - 2)  # day 364
    first_year = START + dt.timedelta(days=MIN_DAYS - 1)  # day 365
    early = pace_of(RULE, last_early, GOAL, to_date=GOAL, aggregate=Decimal(0), last_year=GOAL)
    year = pace_of(RULE, first_year, GOAL, to_date=GOAL, aggregate=Decimal(0), last_year=GOAL)
    assert (early.days_of_data, year.days_of_data) == (364, 365)
    assert early.verdict == "too early to project"
    assert early.projection is None and early.projection_low is None
    assert str(first_year) in early.note
    assert year.verdict == "on track"
    assert year.projection_low is not None and year.projection_high is not None


def test_most_means_more_than_half() -> None:
    day = START + dt.timedelta(days=400)
    assert _pace(day, "100", aggregate="50") != "mostly unitemised aggregates"
    assert _pace(day, "100", aggregate="50.01") == "mostly unitemised aggregates"


def test_aggregates_come_before_the_end_and_before_too_early() -> None:
    assert _pace(START - dt.timedelta(days=1), "100", aggregate="100") == "period not started"
    assert _pace(START, "100", aggregate="90") == "mostly unitemised aggregates"
    after = RULE.period_end + dt.timedelta(days=1)
    assert _pace(after, "4000000000000", aggregate="3000000000000") == (
        "mostly unitemised aggregates"
    )
    assert _pace(after, "4000000000000") == "goal reached"
    assert _pace(after, "1") == "goal missed"


def test_the_range_runs_between_the_two_paces() -> None:
    day = START + dt.timedelta(days=729)  # day 730: two years
    pace = pace_of(
        RULE, day, GOAL, to_date=Decimal("730"), aggregate=Decimal(0), last_year=Decimal("730")
    )
    remaining = Decimal((RULE.period_end - day).days)
    # whole period: 1 a day; latest year: 2 a day
    assert pace.projection_low == Decimal(730) + remaining
    assert pace.projection_high == Decimal(730) + 2 * remaining


@pytest.mark.parametrize(
    ("to_date", "last_year", "verdict"),
    [
        ("1460000000000", "1000000000000", "on track"),  # low end reaches the goal
        ("10", "10", "behind"),  # even the high end falls short
        ("900000000000", "800000000000", "uncertain"),  # the goal lies inside the range
    ],
)
def test_on_track_behind_uncertain(to_date: str, last_year: str, verdict: str) -> None:
    day = START + dt.timedelta(days=729)
    assert _pace(day, to_date, last_year=last_year) == verdict


def test_reaching_the_goal_exactly_counts_as_reaching_it() -> None:
    """At equality the goal is met: a low end, a total after the period, or a high end equal
    to the goal is on track / reached / still possible, never behind or missed."""
    from cajad.tracker.pace import _verdict

    day = START + dt.timedelta(days=400)
    after = RULE.period_end + dt.timedelta(days=1)
    zero = Decimal(0)
    assert _verdict(RULE, day, GOAL, zero, zero, GOAL, GOAL * 2) == "on track"
    assert _verdict(RULE, day, GOAL, zero, zero, GOAL - 1, GOAL) == "uncertain"
    assert _verdict(RULE, day, GOAL, zero, zero, GOAL - 2, GOAL - 1) == "behind"
    assert _verdict(RULE, after, GOAL, GOAL, zero, None, None) == "goal reached"
    assert _verdict(RULE, after, GOAL, GOAL - 1, zero, None, None) == "goal missed"


def test_the_last_day_of_the_period_still_projects_and_needs_nothing_more() -> None:
    end = RULE.period_end
    assert _pace(end, "10") == "behind"  # not yet "goal missed": the period ends after this day
    assert _pace(end, "3000000000000") == "on track"
    last = pace_of(RULE, end, GOAL, to_date=Decimal(10), aggregate=Decimal(0), last_year=Decimal(0))
    assert last.needed_per_year == 0 and last.elapsed_share == 100
    before = pace_of(
        RULE, end - dt.timedelta(days=1), GOAL, to_date=GOAL - 1, aggregate=Decimal(0),
        last_year=Decimal(0),
    )  # fmt: skip
    assert before.needed_per_year == Decimal("365.25")  # one yen in one day, a year's pace


def test_before_the_period_nothing_has_elapsed() -> None:
    early = pace_of(
        RULE, START - dt.timedelta(days=1), GOAL, to_date=Decimal(0), aggregate=Decimal(0),
        last_year=Decimal(0),
    )  # fmt: skip
    assert (early.as_of, early.days_of_data, early.elapsed_share) == (START, 0, 0)
    assert (
        early.per_year == 0
        and early.aggregate_share == 0
        and early.verdict == ("period not started")
    )
    first = pace_of(
        RULE, START, GOAL, to_date=Decimal(0), aggregate=Decimal(0), last_year=Decimal(0)
    )
    assert first.days_of_data == 1  # the first day of the period counts as a day of data


def test_pace_figures_per_year_needed_and_projection() -> None:
    # Day 365 of 1826: 1461 days (four years of 365.25 days) remain.
    day = START + dt.timedelta(days=364)
    pace = pace_of(
        RULE, day, GOAL, to_date=Decimal(365), aggregate=Decimal(0), last_year=Decimal(365)
    )
    assert pace.days_of_data == 365 and pace.per_year == Decimal("365.25")
    assert pace.needed_per_year == ((GOAL - 365) / 4).quantize(Decimal("0.01"))
    assert pace.projection == pace.projection_low == Decimal(365 + 1461)
    beyond = pace_of(RULE, day, GOAL, to_date=GOAL * 2, aggregate=Decimal(0), last_year=GOAL)
    assert beyond.needed_per_year == 0  # the goal is passed: nothing more is needed


def test_shares_round_half_to_even_whatever_the_callers_decimal_context() -> None:
    day = START + dt.timedelta(days=400)
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_DOWN
        pace = pace_of(
            RULE, day, GOAL, to_date=Decimal(3), aggregate=Decimal(2), last_year=Decimal(3)
        )
    assert pace.aggregate_share == Decimal("66.67")


def test_too_early_while_either_end_of_the_range_is_missing() -> None:
    from cajad.tracker.pace import _verdict

    day, zero = START + dt.timedelta(days=400), Decimal(0)
    assert _verdict(RULE, day, GOAL, zero, zero, GOAL, None) == "too early to project"
    assert _verdict(RULE, day, GOAL, zero, zero, None, GOAL) == "too early to project"
