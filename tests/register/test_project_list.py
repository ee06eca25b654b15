"""The project list's date filters read a date at its precision, "new since" reads the money
first, and the amount sort puts projects without an amount last both ways (both stores)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from cajad.register import (
    InputError,
    ProjectFilter,
    import_specs,
    list_projects,
    session_scope,
)
from cajad.register.specs import ProjectSpec, TransactionSpec

SUMMIT = dt.date(2025, 12, 20)


def tx(
    ref: str, day: dt.date | None, value: str = "1", *, type: int = 2, currency: str = "JPY"
) -> TransactionSpec:
    return TransactionSpec(
        ref=ref, type=type, value=Decimal(value), currency=currency, value_date=day
    )


def spec(
    identifier: str,
    agreed: dt.date | None = None,
    precision: str | None = None,
    *txs: TransactionSpec,
    counting_date: dt.date | None = None,
) -> ProjectSpec:
    return ProjectSpec(
        identifier=identifier,
        title=identifier,
        stage="mou",
        agreement_date=agreed,
        agreement_date_precision=precision,
        counting_date=counting_date,
        transactions=txs,
    )


DATED = [
    spec("day-19-dec", dt.date(2025, 12, 19), "day"),
    spec("day-20-dec", dt.date(2025, 12, 20), "day"),
    spec("dec-2025", dt.date(2025, 12, 1), "month"),
    spec("nov-2025", dt.date(2025, 11, 1), "month"),
    spec("year-2025", dt.date(2025, 1, 1), "year"),
    spec("day-1-jan", dt.date(2026, 1, 1), None),
    spec("undated"),
]


def _listed(engine: Engine, where: ProjectFilter, sort: str = "identifier") -> list[str]:
    with session_scope(engine) as session:
        rows, total = list_projects(session, where, sort=sort, limit=500)
        assert total == len(rows)
        return [p.identifier for p in rows]


@pytest.mark.parametrize(
    ("first", "last", "kept"),
    [
        # a month or a year is kept when it overlaps the range
        (SUMMIT, None, {"day-20-dec", "dec-2025", "year-2025", "day-1-jan"}),
        (None, dt.date(2025, 11, 30), {"nov-2025", "year-2025"}),
        (None, dt.date(2025, 12, 1), {"nov-2025", "year-2025", "dec-2025"}),
        (dt.date(2025, 12, 31), dt.date(2025, 12, 31), {"dec-2025", "year-2025"}),
        (dt.date(2025, 12, 19), dt.date(2025, 12, 19), {"day-19-dec", "dec-2025", "year-2025"}),
        (dt.date(2026, 1, 1), None, {"day-1-jan"}),
        (dt.date(2025, 12, 1), dt.date(2025, 12, 1), {"dec-2025", "year-2025"}),
        (dt.date(2025, 11, 30), dt.date(2025, 11, 30), {"nov-2025", "year-2025"}),
    ],
)
def test_the_agreement_range_reads_a_date_at_its_precision(
    empty_engine: Engine, first: dt.date | None, last: dt.date | None, kept: set[str]
) -> None:
    import_specs(empty_engine, DATED, source="test")
    assert set(_listed(empty_engine, ProjectFilter(agreed_from=first, agreed_to=last))) == kept


def test_a_reversed_range_is_refused() -> None:
    with pytest.raises(InputError, match="agreed_to"):
        ProjectFilter(agreed_from=SUMMIT, agreed_to=SUMMIT - dt.timedelta(days=1))


def test_new_since_reads_the_money_first_then_the_curated_day_then_the_agreement(
    empty_engine: Engine,
) -> None:
    day = dt.timedelta(days=1)
    specs = [
        *DATED,
        # signed before, its money dated the summit day (the summit window)
        spec("window-money", SUMMIT - 2 * day, "day", tx("a", SUMMIT)),
        # its money dated before: the agreement date is not read
        spec("money-before", dt.date(2026, 1, 1), "day", tx("a", SUMMIT - day)),
        spec("money-both", SUMMIT - day, "day", tx("a", SUMMIT - day), tx("b", SUMMIT)),
        # no money: the day the curation places it wins over the agreement date
        spec("window-no-money", SUMMIT - 3 * day, "day", counting_date=SUMMIT),
        spec("placed-before", dt.date(2026, 1, 1), "day", counting_date=SUMMIT - day),
        # undated money is no money
        spec("undated-money", dt.date(2025, 12, 1), "month", tx("a", None)),
    ]
    import_specs(empty_engine, specs, source="test")
    assert set(_listed(empty_engine, ProjectFilter(new_since=SUMMIT))) == {
        "day-20-dec",
        "dec-2025",
        "year-2025",  # its year ends after the summit
        "day-1-jan",
        "window-money",
        "money-both",
        "window-no-money",
        "undated-money",
    }


def test_the_amount_sort_reads_the_largest_pledge_or_commitment_in_yen(
    empty_engine: Engine,
) -> None:
    specs = [
        spec("small", None, None, tx("a", SUMMIT, "100")),
        # the commitment, not the larger disbursement or guarantee, is its amount
        spec("medium", None, None, tx("a", SUMMIT, "200"), tx("b", SUMMIT, "9000", type=3)),
        spec("guarantee-only", None, None, tx("a", SUMMIT, "9000", type=10)),
        spec("pledge", None, None, tx("a", SUMMIT, "300", type=12), tx("b", SUMMIT, "50")),
        # USD 10 is more yen than 300 yen: the yen value decides, not the number
        spec("dollars", None, None, tx("a", SUMMIT, "10", currency="USD")),
        spec("nothing"),
    ]
    import_specs(empty_engine, specs, source="test")
    ascending = _listed(empty_engine, ProjectFilter(), "amount")
    descending = _listed(empty_engine, ProjectFilter(), "-amount")
    assert ascending == ["small", "medium", "pledge", "dollars", "guarantee-only", "nothing"]
    assert descending == ["dollars", "pledge", "medium", "small", "guarantee-only", "nothing"]


def test_an_unknown_sort_is_refused(empty_engine: Engine) -> None:
    with pytest.raises(InputError, match="amount"):
        _listed(empty_engine, ProjectFilter(), "size")
