"""Progress on the bundled deals equals an independent recomputation from the raw files."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from cajad.cli import app
from cajad.data import data_path
from cajad.register import session_scope
from cajad.tracker import CountingRule, Dimension, Measure, progress

PERIOD = (dt.date(2025, 12, 20), dt.date(2030, 12, 19))
CENT = Decimal("0.01")


def _ecb_daily() -> dict[dt.date, dict[str, Decimal]]:
    with data_path("fx", "ecb_eurofxref_daily_2015_2026.csv").open(newline="") as fh:
        return {
            dt.date.fromisoformat(r["date"]): {
                "EUR": Decimal(1),
                "USD": Decimal(r["USD_per_EUR"]),
                "JPY": Decimal(r["JPY_per_EUR"]),
            }
            for r in csv.DictReader(fh)
        }


def _independent_total(target: str, types: set[str]) -> Decimal:
    """Sum the counted rows of deals.csv + curation.csv, converted at the ECB daily rate of
    the value date or the nearest earlier business day (the rows in the period only use EUR,
    USD and JPY, which the test checks)."""
    rates = _ecb_daily()
    with data_path("initiative", "deals.csv").open(newline="") as fh:
        deals = {r["id"]: r for r in csv.DictReader(fh)}
    total = Decimal(0)
    with data_path("initiative", "curation.csv").open(newline="") as fh:
        for decision in csv.DictReader(fh):
            deal = deals[decision["id"]]
            day = dt.date.fromisoformat(decision["value_date"])
            counted = decision["counts"] == "yes" and decision["stage"] != "cancelled"
            if not (counted and decision["transaction_type"] in types and deal["amount"]):
                continue
            if not PERIOD[0] <= day <= PERIOD[1]:
                continue
            assert deal["currency"] in ("EUR", "USD", "JPY")
            while day not in rates:
                day -= dt.timedelta(days=1)
            rate = rates[day][target] / rates[day][deal["currency"]]
            total += (Decimal(deal["amount"]) * rate).quantize(CENT, rounding=ROUND_HALF_EVEN)
    return total


@pytest.mark.parametrize("currency", ["JPY", "USD"])
def test_cli_progress_json_equals_independent_recomputation(
    engine: Engine, currency: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAJAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(app, ["progress", "--currency", currency, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["currency"] == currency
    assert Decimal(data["total"]) == _independent_total(currency, {"2", "12"})
    assert data["total"] == str(Decimal(data["total"]))  # a decimal string, not a float
    assert data["period"] == {"start": "2025-12-20", "end": "2030-12-19"}
    assert data["rule"]["measure"] == "announced"
    assert Decimal(data["measures"]["signed"]) == _independent_total(currency, {"2"})
    if currency == "JPY":
        assert Decimal(data["goal"]) == Decimal("3000000000000")


@pytest.mark.parametrize("by", list(Dimension))
def test_every_breakdown_adds_up_to_the_total(engine: Engine, by: Dimension) -> None:
    with session_scope(engine) as session:
        result = progress(session, currency="EUR", by=by)
    assert result.breakdown is not None
    assert sum(row.total for row in result.breakdown) == result.total
    assert sum(row.transactions for row in result.breakdown) >= result.transactions


def test_rollup_path_equals_direct_path(engine: Engine) -> None:
    everything = CountingRule(period_start=dt.date(2015, 1, 1))
    with session_scope(engine) as session:
        for currency in ("JPY", "USD", "EUR"):
            for by in (Dimension.PILLAR, Dimension.COUNTRY, Dimension.YEAR, Dimension.ORIGIN):
                fast = progress(session, everything, currency=currency, by=by)
                direct = progress(session, everything, currency=currency, by=by, direct=True)
                assert (fast.path, direct.path) == ("rollup", "direct")
                assert fast.total == direct.total
                assert fast.breakdown == direct.breakdown
                assert fast.measures == direct.measures


def test_other_currency_converts_each_transaction_at_its_own_date(engine: Engine) -> None:
    with session_scope(engine) as session:
        kzt = progress(session, currency="KZT")
        usd = progress(session, currency="USD")
    assert kzt.path == "direct"
    assert kzt.total > usd.total * 400  # KZT trades at roughly 450-530 per USD


def test_stage_filter_and_measures(engine: Engine) -> None:
    whole = CountingRule(period_start=dt.date(2015, 1, 1))
    with session_scope(engine) as session:
        announced = progress(session, whole)
        signed = progress(session, whole.model_copy(update={"measure": Measure.SIGNED}))
        only_ideas = progress(session, whole.model_copy(update={"stages": ("idea",)}))
    assert 0 < signed.total < announced.total
    assert 0 < only_ideas.total < announced.total
    assert announced.measures["signed"] == signed.total


def test_pace_gives_no_verdict_on_the_bundled_aggregates(engine: Engine) -> None:
    with session_scope(engine) as session:
        before = progress(session, as_of=dt.date(2025, 1, 1))
        early = progress(session, as_of=dt.date(2026, 12, 18))
        year = progress(session, as_of=dt.date(2026, 12, 19))
    assert before.pace.verdict == "period not started"
    # Most of the bundled total is two unitemised package totals: never "on track".
    for during in (early, year):
        assert during.pace.aggregate_share > 50
        assert during.pace.verdict == "mostly unitemised aggregates"
    assert early.pace.days_of_data == 364 and early.pace.projection is None
    assert "Too early to project" in early.pace.note
    assert year.pace.days_of_data == 365
    assert year.pace.projection_low is not None and year.pace.projection_high is not None
    assert year.pace.projection_low <= year.pace.projection_high
    assert year.pace.projection == year.pace.projection_low


def test_bad_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="period_end must not be before period_start"):
        CountingRule(period_start=dt.date(2030, 1, 1), period_end=dt.date(2020, 1, 1))
    with pytest.raises(ValueError, match="stages must be pipeline stages"):
        CountingRule(stages=("dreaming",))


def test_data_path_is_inside_the_package() -> None:
    assert Path(str(data_path("fx"))).is_dir()
