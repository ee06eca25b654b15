"""Money columns stay exact on both stores, and floats are refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from cajad.register import session_scope
from cajad.register.models import FxRate, Rollup
from cajad.register.rollup import allocate

AMOUNTS = [Decimal("0.01"), Decimal("0.10"), Decimal("123456789012.34"), Decimal("-5.55")]


def test_money_sums_exactly_in_sql(empty_engine: Engine) -> None:
    with session_scope(empty_engine) as session:
        for i, amount in enumerate(AMOUNTS * 100):
            session.add(
                Rollup(
                    dimension="t",
                    key=str(i),
                    type=2,
                    value_date=dt.date(2026, 1, 1),
                    jpy=amount,
                    usd=amount,
                    eur=amount,
                    n=1,
                )
            )
    with session_scope(empty_engine) as session:
        total = session.scalar(select(func.sum(Rollup.jpy)))
        stored = sorted(session.scalars(select(Rollup.usd)))
    assert Decimal(total).quantize(Decimal("0.01")) == sum(AMOUNTS) * 100
    assert stored == sorted(AMOUNTS * 100)


def test_rates_keep_every_digit(empty_engine: Engine) -> None:
    rate = Decimal("149.657926890952")
    with session_scope(empty_engine) as session:
        stored = session.scalar(
            select(FxRate.rate).where(
                FxRate.source == "WDI",
                FxRate.currency == "JPY",
                FxRate.period_start == dt.date(2025, 1, 1),
            )
        )
    assert stored == rate


@pytest.mark.parametrize(
    ("reported", "read_back"),
    [("10000000000", "10000000000"), ("1.50", "1.5"), ("0.000001230", "0.00000123")],
)
def test_a_value_reads_back_the_same_from_both_stores(
    empty_engine: Engine, reported: str, read_back: str
) -> None:
    """PostgreSQL's NUMERIC(38, 12) would give ``10000000000.000000000000``; both stores give
    the plain value, so the API and exports show the same text whichever store is used."""
    row = FxRate(
        source="TEST",
        granularity="day",
        period_start=dt.date(2026, 1, 1),
        base="USD",
        currency="XTS",
        rate=Decimal(reported),
    )
    with session_scope(empty_engine) as session:
        session.add(row)
    with session_scope(empty_engine) as session:
        stored = session.scalar(select(FxRate.rate).where(FxRate.source == "TEST"))
    assert str(stored) == read_back


def test_float_is_refused(empty_engine: Engine) -> None:
    with pytest.raises(Exception, match="Decimal, not float"), session_scope(empty_engine) as s:
        s.add(
            Rollup(
                dimension="t",
                key="f",
                type=2,
                value_date=dt.date(2026, 1, 1),
                jpy=0.1,
                usd=0,
                eur=0,
                n=1,
            )  # type: ignore[arg-type]
        )


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False),
    st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=8),
)
def test_allocation_conserves_the_total_to_the_cent(amount: Decimal, shares: list[Decimal]) -> None:
    parts = allocate(amount, shares)
    assert sum(parts) == amount
    total = sum(shares)
    if total:
        for part, share in zip(parts, shares, strict=True):
            assert abs(part - amount * share / total) < Decimal("0.01")
