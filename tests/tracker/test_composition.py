"""The composition of every total: basis, evidence tier and status, adding up to the cent.

The split is recomputed independently from the bundled CSVs (deals.csv + curation.csv), and
checked to add up in every currency, breakdown and path.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from cajad.cli import app
from cajad.data import data_path
from cajad.register import session_scope
from cajad.tracker import CountingRule, Dimension, progress
from cajad.tracker.progress import AGGREGATE_AREA_UNKNOWN

from .test_progress import CENT, _ecb_daily

WHOLE = CountingRule(period_start=dt.date(2015, 1, 1))
Split = dict[tuple[str, str, str], Decimal]


def _independent_split(target: str, start: dt.date, end: dt.date) -> Split:
    """Sum the counted rows by the curation's basis and evidence and by signed (type 2) or
    announced (12), converted at the ECB rate of the value date (or the day before)."""
    rates = _ecb_daily()
    with data_path("initiative", "deals.csv").open(newline="") as fh:
        deals = {r["id"]: r for r in csv.DictReader(fh)}
    split: Split = defaultdict(Decimal)
    with data_path("initiative", "curation.csv").open(newline="") as fh:
        for decision in csv.DictReader(fh):
            deal = deals[decision["id"]]
            counted = decision["counts"] == "yes" and decision["stage"] != "cancelled"
            if not (counted and decision["transaction_type"] in {"2", "12"} and deal["amount"]):
                continue
            day = dt.date.fromisoformat(decision["value_date"])
            if not start <= day <= end:
                continue
            assert deal["currency"] in ("EUR", "USD", "JPY")
            assert decision["basis"] and decision["evidence"], decision["id"]
            status = "signed" if decision["transaction_type"] == "2" else "announced"
            while day not in rates:
                day -= dt.timedelta(days=1)
            rate = rates[day][target] / rates[day][deal["currency"]]
            amount = (Decimal(deal["amount"]) * rate).quantize(CENT, rounding=ROUND_HALF_EVEN)
            split[(decision["basis"], decision["evidence"], status)] += amount
    return dict(split)


@pytest.mark.parametrize(("currency", "start"), [("JPY", "2025-12-20"), ("USD", "2015-01-01")])
def test_cli_composition_equals_independent_split(
    engine: Engine, currency: str, start: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAJAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    args = ["progress", "--currency", currency, "--from", start, "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    shown = {
        (r["basis"], r["evidence"], r["status"]): Decimal(r["total"]) for r in data["composition"]
    }
    expected = _independent_split(currency, dt.date.fromisoformat(start), dt.date(2030, 12, 19))
    assert shown == expected
    assert sum(shown.values()) == Decimal(data["total"])
    assert len(shown) >= 2


def test_the_bundled_total_is_mostly_aggregates(engine: Engine) -> None:
    with session_scope(engine) as session:
        result = progress(session, as_of=dt.date(2026, 12, 6))
    aggregate = sum((c.total for c in result.composition if c.basis == "aggregate"), Decimal(0))
    assert aggregate * 2 > result.total
    assert result.pace.verdict not in ("on track", "ahead")
    assert "itemised and signed" in result.headline


@pytest.mark.parametrize("currency", ["JPY", "USD", "EUR", "KZT"])
@pytest.mark.parametrize("direct", [False, True])
def test_composition_adds_up_in_every_currency_breakdown_and_path(
    engine: Engine, currency: str, direct: bool
) -> None:
    with session_scope(engine) as session:
        for by in [None, *Dimension]:
            result = progress(session, WHOLE, currency=currency, by=by, direct=direct)
            assert sum(c.total for c in result.composition) == result.total
            assert sum(c.transactions for c in result.composition) == result.transactions
            for row in result.breakdown or []:
                assert sum(c.total for c in row.composition) == row.total, (by, row.key)


def test_rollup_and_direct_compositions_are_equal(engine: Engine) -> None:
    with session_scope(engine) as session:
        for by in (Dimension.PILLAR, Dimension.COUNTRY, Dimension.YEAR):
            fast = progress(session, WHOLE, by=by)
            direct = progress(session, WHOLE, by=by, direct=True)
            assert fast.composition == direct.composition
            assert fast.breakdown == direct.breakdown


def test_every_country_and_area_is_shown_and_unknown_aggregates_apart(engine: Engine) -> None:
    with session_scope(engine) as session:
        countries = progress(session, by=Dimension.COUNTRY, currency="USD")
        areas = progress(session, by=Dimension.PILLAR)
    assert countries.breakdown is not None and areas.breakdown is not None
    keys = {r.key: r for r in countries.breakdown}
    assert {"KZ", "KG", "TJ", "TM", "UZ"} <= keys.keys()
    assert keys["TJ"].total == 0 and keys["TJ"].transactions == 0
    pillars = {r.key: r for r in areas.breakdown}
    assert {"green", "connectivity", "hrd", AGGREGATE_AREA_UNKNOWN} <= pillars.keys()
    unknown = pillars[AGGREGATE_AREA_UNKNOWN]
    assert unknown.total > 0 and {c.basis for c in unknown.composition} == {"aggregate"}
    assert all(c.basis != "aggregate" for c in pillars["unassigned"].composition)
    assert sum(r.total for r in areas.breakdown) == areas.total


def test_data_as_of_is_the_latest_source_date(engine: Engine) -> None:
    with data_path("initiative", "deals.csv").open(newline="") as fh:
        latest = max(
            dt.date.fromisoformat(r["source_date"])
            for r in csv.DictReader(fh)
            if len(r["source_date"]) == 10
        )
    with session_scope(engine) as session:
        assert progress(session).data_as_of == latest
