"""Tenor, the broker's soft score: the project's tenor need against the investor's published
typical range, boundaries pinned; profiles' tenor columns read and refused by line and field."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from cajad.brokerage.errors import InvestorsError
from cajad.brokerage.matching import POINTS, match
from cajad.brokerage.profiles import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, read_investors
from cajad.brokerage.store import BUNDLED

from .factories import investor, need, project


def tenor_points(low: int | None, high: int | None, wanted: int | None) -> tuple[Decimal, str]:
    inv = dataclasses.replace(investor(), min_tenor_years=low, max_tenor_years=high)
    (c,) = match(project(), dataclasses.replace(need(100), tenor_years=wanted), [inv]).investors
    (reason,) = [r for r in c.soft if r.name == "tenor"]
    assert c.score == sum((r.points for r in c.soft), Decimal(0))
    return reason.points, reason.text


def test_the_points_still_add_up_to_100() -> None:
    assert sum(POINTS.values()) == 100


@pytest.mark.parametrize(
    ("low", "high", "wanted", "points"),
    [
        (7, 12, 7, Decimal(10)),  # both ends of the range pass
        (7, 12, 12, Decimal(10)),
        (7, 12, 13, Decimal("9.23")),  # 12/13 of the points
        (None, 15, 20, Decimal("7.50")),  # EBRD: up to 15 years, a 20-year need
        (5, None, 3, Decimal("6.00")),  # shorter than the minimum: 3/5
        (5, None, 40, Decimal(10)),  # an open range covers any longer need
        (None, 15, 1, Decimal(10)),  # no minimum: any shorter need fits
    ],
)
def test_tenor_boundaries(low: int | None, high: int | None, wanted: int, points: Decimal) -> None:
    found, text = tenor_points(low, high, wanted)
    assert found == points
    assert f"{wanted} years needed" in text


def test_no_tenor_points_without_both_sides_and_the_reason_says_which() -> None:
    assert tenor_points(7, 12, None) == (Decimal(0), "the project's tenor need is not stated")
    assert tenor_points(None, None, 10) == (Decimal(0), "its typical tenor is not published")


def test_tenor_never_excludes() -> None:
    inv = dataclasses.replace(investor(), min_tenor_years=30, max_tenor_years=40)
    found = match(project(), dataclasses.replace(need(100), tenor_years=1), [inv])
    assert [c.investor.id for c in found.investors] == ["inv"]


HEADER = ",".join((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS))
ROW = "adb,ADB,MDB,UZ,green,loan,,,USD,,,https://a.org/x,2025-01-01,,,{low},{high}"


@pytest.mark.parametrize(
    ("low", "high", "field"),
    [
        ("12", "7", "max_tenor_years"),
        ("0", "", "min_tenor_years"),
        ("", "101", "max_tenor_years"),
        ("7.5", "", "min_tenor_years"),
        ("", "ten", "max_tenor_years"),
    ],
)
def test_bad_tenors_are_named(tmp_path: Path, low: str, high: str, field: str) -> None:
    path = tmp_path / "investors.csv"
    path.write_text(f"{HEADER}\n{ROW.format(low=low, high=high)}\n", encoding="utf-8")
    with pytest.raises(InvestorsError) as caught:
        read_investors(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (2, field)


def test_the_bundled_tenors_are_the_published_ones() -> None:
    found = {i.id: i for i in read_investors(BUNDLED)}
    assert (found["ifc"].min_tenor_years, found["ifc"].max_tenor_years) == (7, 12)
    assert (found["ebrd"].min_tenor_years, found["ebrd"].max_tenor_years) == (None, 15)
    published = {k for k, i in found.items() if i.min_tenor_years or i.max_tenor_years}
    assert published == {"ifc", "ebrd"}
