"""Small investors and projects for the broker's tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cajad.brokerage.matching import Need, ProjectFacts
from cajad.brokerage.profiles import Investor

ON = dt.date(2025, 1, 1)


def investor(
    ident: str = "inv",
    *,
    origin: str = "MDB",
    countries: tuple[str, ...] = ("UZ",),
    sectors: tuple[str, ...] = ("green",),
    instruments: tuple[str, ...] = ("loan",),
    min_ticket: Decimal | int | None = None,
    max_ticket: Decimal | int | None = None,
    currency: str = "USD",
    min_grade: str | None = None,
    max_category: str | None = None,
) -> Investor:
    return Investor(
        id=ident,
        name=ident.upper(),
        origin=origin,
        countries=countries,
        sectors=sectors,
        instruments=instruments,
        min_ticket=None if min_ticket is None else Decimal(min_ticket),
        max_ticket=None if max_ticket is None else Decimal(max_ticket),
        currency=currency,
        min_grade=min_grade,
        max_category=max_category,
        sources=("https://example.org/mandate",),
        as_of=ON,
    )


def project(
    *,
    countries: tuple[str, ...] = ("UZ",),
    area: str = "green",
    instrument: str | None = "private investment",
    grade: str | None = "B",
    category: str | None = "B",
) -> ProjectFacts:
    return ProjectFacts(
        identifier="p",
        title="P",
        countries=countries,
        areas=((area, Decimal(100)),),
        sectors=(("23210", Decimal(100)),),
        instrument=instrument,
        grade=grade,
        category=category,
    )


def need(amount: Decimal | int, currency: str = "USD") -> Need:
    return Need(Decimal(amount), currency, ON, "test")
