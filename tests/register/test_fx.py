"""The conversion policy, step by step, on the bundled rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cajad.register.errors import ConversionError
from cajad.register.fx import MAX_DAYS_EARLIER, Quote, RateBook, _days_before, bundled_quotes

BOOK = RateBook(bundled_quotes())


@pytest.fixture(autouse=True)
def _fresh_rates() -> None:
    """Every test looks its rates up again: a rate cached by an earlier test (or by the mutation
    run's first pass) must not hide a change to the policy."""
    BOOK._cached.cache_clear()


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
    assert result.rate == 1 and result.method == "same currency" and result.quotes == ()
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


# --- the policy's boundaries, on made-up rates (one per step, so each step is seen alone) ----

D = dt.date(2026, 3, 16)  # a Monday


def ecb(granularity: str, start: dt.date, currency: str, rate: str) -> Quote:
    return Quote("ECB", granularity, start, "EUR", currency, Decimal(rate))


def wdi(start: dt.date, currency: str, rate: str) -> Quote:
    return Quote("WDI", "year", start, "USD", currency, Decimal(rate))


def book(*quotes: Quote) -> RateBook:
    return RateBook(quotes)


@pytest.mark.parametrize(
    ("back", "method"),
    [
        (0, "daily rate"),
        (1, "nearest earlier daily rate"),
        (MAX_DAYS_EARLIER, "nearest earlier daily rate"),
        (MAX_DAYS_EARLIER + 1, "monthly average"),
    ],
)
def test_a_daily_rate_is_taken_up_to_7_days_before(back: int, method: str) -> None:
    assert MAX_DAYS_EARLIER == 7
    rates = book(
        ecb("day", D - dt.timedelta(days=back), "JPY", "160"),
        ecb("month", D.replace(day=1), "JPY", "150"),
    )
    result = rates.convert(Decimal(10), "EUR", "JPY", D)
    assert result.method == method
    assert result.converted == (Decimal(1600) if back <= MAX_DAYS_EARLIER else Decimal(1500))


def test_the_monthly_step_takes_the_value_dates_month_only() -> None:
    rates = book(
        ecb("month", dt.date(2026, 2, 1), "JPY", "150"),  # the month before: not taken
        ecb("month", dt.date(2026, 4, 1), "JPY", "170"),  # the month after: not taken
        ecb("year", dt.date(2026, 1, 1), "JPY", "140"),
    )
    assert rates.rate("EUR", "JPY", D)[:2] == (Decimal(140), "annual average")
    with_month = book(ecb("month", dt.date(2026, 3, 1), "JPY", "155"))
    assert with_month.rate("EUR", "JPY", dt.date(2026, 3, 31))[:2] == (
        Decimal(155),
        "monthly average",
    )
    assert with_month.rate("EUR", "JPY", dt.date(2026, 3, 1))[1] == "monthly average"


def test_the_annual_step_takes_the_value_dates_year_then_a_stale_earlier_one() -> None:
    this_year = book(wdi(dt.date(2026, 1, 1), "KZT", "500"))
    assert this_year.rate("USD", "KZT", dt.date(2026, 12, 31))[:2] == (
        Decimal(500),
        "annual average",
    )
    stale = book(wdi(dt.date(2023, 1, 1), "KZT", "450"), wdi(dt.date(2024, 1, 1), "KZT", "460"))
    rate, method, quotes = stale.rate("USD", "KZT", D)
    assert (rate, method) == (Decimal(460), "latest earlier annual average (stale)")
    assert quotes == (wdi(dt.date(2024, 1, 1), "KZT", "460"),)
    later = book(wdi(dt.date(2027, 1, 1), "KZT", "470"))
    with pytest.raises(ConversionError, match="no exchange rate from USD to KZT on or before"):
        later.rate("USD", "KZT", D)


def test_quotes_given_in_any_order_are_sorted_by_day() -> None:
    rates = book(
        ecb("day", D, "JPY", "162"),
        ecb("day", D - dt.timedelta(days=2), "JPY", "160"),
        ecb("day", D - dt.timedelta(days=1), "JPY", "161"),
    )
    assert rates.rate("EUR", "JPY", D)[0] == Decimal(162)
    assert rates.rate("EUR", "JPY", D - dt.timedelta(days=1))[0] == Decimal(161)
    assert rates.rate("EUR", "JPY", D + dt.timedelta(days=3))[0] == Decimal(162)


def test_a_cross_rate_is_taken_from_one_source_and_one_period() -> None:
    rates = book(
        ecb("day", D, "USD", "1.25"),
        ecb("day", D, "JPY", "150"),
        ecb("day", D - dt.timedelta(days=1), "GBP", "0.8"),  # another day than USD's
    )
    rate, method, quotes = rates.rate("USD", "JPY", D)
    assert (rate, method) == (Decimal(120), "daily rate")
    assert [q.currency for q in quotes] == ["USD", "JPY"]
    assert rates.rate("JPY", "USD", D)[0] == Decimal("1.25") / Decimal(150)
    # GBP's latest day is not USD's: no daily cross rate; no other step either.
    with pytest.raises(ConversionError):
        rates.rate("USD", "GBP", D)
    # From and into the base: one quote, the base's own rate of 1 left out of the quotes.
    rate, _, quotes = rates.rate("EUR", "JPY", D)
    assert rate == Decimal(150) and [q.currency for q in quotes] == ["JPY"]
    rate, _, quotes = rates.rate("JPY", "EUR", D)
    assert rate == 1 / Decimal(150) and [(q.currency, q.base) for q in quotes] == [("JPY", "EUR")]


def test_the_preferred_source_wins_and_a_missing_base_is_no_rate() -> None:
    both = book(
        ecb("year", dt.date(2026, 1, 1), "USD", "1.25"),
        ecb("year", dt.date(2026, 1, 1), "KZT", "600"),
        wdi(dt.date(2026, 1, 1), "KZT", "500"),
    )
    rate, _, quotes = both.rate("USD", "KZT", D)
    assert rate == Decimal(480) and {q.source for q in quotes} == {"ECB"}
    with pytest.raises(ConversionError, match="rates exist for KZT, USD"):
        book(wdi(dt.date(2026, 1, 1), "KZT", "500")).rate("EUR", "KZT", D)


def test_a_conversion_via_usd_names_both_legs_and_both_quotes() -> None:
    rates = book(
        ecb("day", D, "USD", "1.25"),
        Quote("PEG", "year", dt.date(2015, 1, 1), "USD", "TMT", Decimal("3.5")),
    )
    result = rates.convert(Decimal(35), "TMT", "EUR", D)
    assert result.method == ("latest earlier annual average (stale) to USD, daily rate from USD")
    assert result.rate == 1 / Decimal("3.5") / Decimal("1.25")
    assert result.converted == Decimal(8)
    assert [q.currency for q in result.quotes] == ["TMT", "USD"]
    with pytest.raises(ConversionError, match="no exchange rate from TMT to GBP"):
        rates.convert(Decimal(1), "TMT", "GBP", D)


def test_an_amount_is_rounded_once_at_the_end_and_huge_ones_are_refused() -> None:
    rates = book(ecb("day", D, "JPY", "0.333"))
    result = rates.convert(Decimal("0.015"), "EUR", "JPY", D)
    assert (result.amount, result.currency, result.value_date) == (Decimal("0.015"), "EUR", D)
    assert result.target == "JPY" and result.converted == Decimal("0.00")  # 0.004995
    assert rates.convert(Decimal(3), "EUR", "JPY", D).converted == Decimal("1.00")  # 0.999
    assert rates.convert(Decimal(10) ** 15, "EUR", "EUR", D).converted == Decimal(10) ** 15
    with pytest.raises(ConversionError, match=r"^the amount must be at most 10\^15"):
        rates.convert(Decimal(10) ** 15 + 1, "EUR", "JPY", D)
    with pytest.raises(ConversionError, match=r"^the value date must be a date from 1900"):
        rates.rate("EUR", "JPY", dt.date(1899, 12, 31))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 3, 16), dt.date(2026, 3, 9)),
        (dt.date(1, 1, 8), dt.date(1, 1, 1)),
        (dt.date(1, 1, 7), dt.date.min),
        (dt.date.min, dt.date.min),
    ],
)
def test_the_look_back_stops_at_the_first_day_of_the_calendar(
    day: dt.date, expected: dt.date
) -> None:
    assert _days_before(day, 7) == expected
