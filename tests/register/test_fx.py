"""The conversion policy, step by step, on the bundled rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cajad.register.errors import ConversionError
from cajad.register.fx import RateBook, bundled_quotes

BOOK = RateBook(bundled_quotes())


def test_daily_rate_on_a_business_day_is_the_ecb_cross_rate() -> None:
    result = BOOK.convert(Decimal(100), "USD", "JPY", dt.date(2025, 12, 22))
    assert result.method == "daily rate"
    # ECB 2025-12-22: 1.1745 USD/EUR, 184.77 JPY/EUR
    assert result.rate == Decimal("184.77") / Decimal("1.1745")
    assert result.converted == (Decimal(100) * result.rate).quantize(Decimal("0.01"))
    assert "European Central Bank euro foreign exchange reference rates" in result.sources


def test_weekend_takes_the_nearest_earlier_business_day() -> None:
    saturday = dt.date(2025, 12, 20)
    result = BOOK.convert(Decimal(1), "USD", "JPY", saturday)
    assert result.method == "nearest earlier daily rate"
    assert {q.period_start for q in result.quotes} == {dt.date(2025, 12, 19)}


def test_currency_without_daily_rates_takes_the_annual_average() -> None:
    result = BOOK.convert(Decimal(1000), "KZT", "USD", dt.date(2024, 5, 1))
    assert result.method == "annual average"
    assert [q.source for q in result.quotes] == ["WDI"]
    assert "2024" in result.explain()


def test_a_year_without_a_rate_takes_the_latest_earlier_one_and_says_it_is_stale() -> None:
    result = BOOK.convert(Decimal(1000), "KGS", "USD", dt.date(2025, 6, 1))
    assert "stale" in result.method
    assert result.quotes[0].period_start == dt.date(2024, 1, 1)


def test_no_common_source_goes_via_usd() -> None:
    result = BOOK.convert(Decimal(350), "TMT", "JPY", dt.date(2025, 12, 22))
    assert result.method == "annual average to USD, daily rate from USD"
    usd = Decimal(350) / Decimal("3.5")
    assert result.converted == (usd * Decimal("184.77") / Decimal("1.1745")).quantize(
        Decimal("0.01")
    )


def test_same_currency_is_identity() -> None:
    result = BOOK.convert(Decimal("12.345"), "EUR", "EUR", dt.date(2020, 1, 1))
    assert result.rate == 1
    assert result.converted == Decimal("12.34")  # half to even at the cent


def test_unknown_currency_is_refused_with_the_known_ones_listed() -> None:
    with pytest.raises(ConversionError, match=r"no exchange rate from XOF to JPY.*KZT"):
        BOOK.convert(Decimal(1), "XOF", "JPY", dt.date(2025, 1, 1))


def test_before_any_rate_is_refused() -> None:
    with pytest.raises(ConversionError):
        BOOK.convert(Decimal(1), "USD", "JPY", dt.date(1990, 1, 1))


@pytest.mark.parametrize("day", [dt.date.min, dt.date(1, 1, 7), dt.date(1, 1, 8)])
def test_the_first_days_of_the_calendar_are_refused_not_overflowed(day: dt.date) -> None:
    """The 7-day look-back must not step before year 1 (it used to raise OverflowError)."""
    with pytest.raises(ConversionError):
        BOOK.convert(Decimal(1), "USD", "JPY", day)


dates = st.dates(min_value=dt.date(2015, 1, 5), max_value=dt.date(2031, 12, 31))
amounts = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False)
currencies = st.sampled_from(["JPY", "USD", "EUR", "KZT", "UZS", "TJS", "TMT", "GBP", "CNY"])


@given(amounts, amounts, currencies, currencies, dates)
def test_conversion_is_additive_to_the_cent(
    a: Decimal, b: Decimal, source: str, target: str, day: dt.date
) -> None:
    whole = BOOK.convert(a + b, source, target, day).converted
    parts = (
        BOOK.convert(a, source, target, day).converted
        + BOOK.convert(b, source, target, day).converted
    )
    assert abs(whole - parts) <= Decimal("0.01")


@given(currencies, currencies, dates)
def test_rates_are_positive_and_round_trip(source: str, target: str, day: dt.date) -> None:
    there = BOOK.rate(source, target, day)[0]
    back = BOOK.rate(target, source, day)[0]
    assert there > 0
    assert abs(there * back - 1) < Decimal("1e-20")
