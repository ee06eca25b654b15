"""The CLI toolkit's own policy boundaries, pinned: the dates and numbers it accepts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cajad._cli import EARLIEST, LATEST, ArgumentError, as_date, as_number


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


@pytest.mark.parametrize("day", [dt.date(1900, 1, 1), dt.date(2199, 12, 31), dt.date(2025, 12, 20)])
def test_dates_inside_the_window_are_taken(day: dt.date) -> None:
    assert as_date(_at(day), "--on") == day


@pytest.mark.parametrize("day", [dt.date(1899, 12, 31), dt.date(2200, 1, 1), dt.date(1, 1, 1)])
def test_dates_outside_the_window_are_refused_by_name(day: dt.date) -> None:
    with pytest.raises(ArgumentError, match=rf"^--on must be a date from {EARLIEST} to {LATEST}"):
        as_date(_at(day), "--on")


def test_the_window_is_1900_to_2199() -> None:
    assert (dt.date(1900, 1, 1), dt.date(2199, 12, 31)) == (EARLIEST, LATEST)
    assert as_date(None, "--on") is None


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-inf", "sNaN", "ten"])
def test_numbers_must_be_finite(text: str) -> None:
    with pytest.raises(ArgumentError):
        as_number(text, "AMOUNT")


def test_a_number_is_exact() -> None:
    assert as_number("37000000000.10", "AMOUNT") == Decimal("37000000000.10")
