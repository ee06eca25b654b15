"""Progress under the counting rule at its boundaries, on a made-up register: the first and
last day of the period, cancelled projects, the guarantee flag, each measure, the date the goal
is converted at, the priority-area breakdown and the pace's year, on both paths (the rollup
and the direct recomputation). Pinned for the mutation run (``benchmarks/mutation.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine

from cajad.register import RateBook, session_scope
from cajad.register.specs import CountrySpec, ProjectSpec, TransactionSpec
from cajad.register.vocab import Stage
from cajad.tracker import CountingRule, Dimension, Measure, progress
from cajad.tracker.progress import AGGREGATE_AREA_UNKNOWN, Progress

START, END = dt.date(2025, 12, 20), dt.date(2030, 12, 19)
KZ = CountrySpec(code="KZ", percentage=Decimal(100))
DAY = dt.timedelta(days=1)
MID = dt.date(2026, 6, 1)
M = Decimal(1_000_000)


def spec(identifier: str, day: dt.date, millions: int, type: int = 2, **fields: Any) -> ProjectSpec:
    fields.setdefault("stage", "financing")
    money = TransactionSpec(ref="a", type=type, value=millions * M, currency="JPY", value_date=day)
    return ProjectSpec(identifier=identifier, title=identifier, transactions=(money,), **fields)


SPECS = [
    spec("first-day", START, 1, countries=(KZ,)),
    spec("last-day", END, 2),
    spec("day-before", START - DAY, 4),
    spec("day-after", END + DAY, 8),
    spec("cancelled", START, 16, stage="cancelled"),
    spec("guarantee", START, 32, type=10),
    spec("pledge", MID, 64, type=12, countries=(KZ,)),
    spec("disbursed", MID, 128, type=3),
    spec("aggregate", MID, 256, basis="aggregate"),
    spec("green", MID, 512, priority_area_override="green"),
]
ANNOUNCED = (1 + 2 + 64 + 256 + 512) * M


@pytest.fixture(scope="module")
def engine(policy_register: Callable[[Iterable[ProjectSpec]], Engine]) -> Engine:
    return policy_register(SPECS)


def _progress(engine: Engine, **kw: Any) -> Progress:
    kw.setdefault("as_of", MID)
    with session_scope(engine) as session:
        return progress(session, **kw)


@pytest.mark.parametrize("direct", [False, True])
def test_the_period_includes_its_first_and_last_day_and_leaves_cancelled_out(
    engine: Engine, direct: bool
) -> None:
    result = _progress(engine, direct=direct)
    assert result.path == ("direct" if direct else "rollup")
    assert result.total == ANNOUNCED and result.transactions == 5
    assert result.measures == {"announced": ANNOUNCED, "signed": 771 * M, "disbursed": 128 * M}
    assert result.period == {"start": START, "end": END}


def test_cancelled_projects_count_only_when_the_rule_takes_their_stage(engine: Engine) -> None:
    every = CountingRule.from_options(stages=[s.value for s in Stage])
    assert _progress(engine, rule=every).total == ANNOUNCED + 16 * M
    only = CountingRule.from_options(stages=["financing"])
    assert _progress(engine, rule=only).total == ANNOUNCED


@pytest.mark.parametrize("direct", [False, True])
def test_guarantees_count_only_with_the_flag(engine: Engine, direct: bool) -> None:
    rule = CountingRule(include_guarantees=True)
    result = _progress(engine, rule=rule, direct=direct)
    assert result.total == ANNOUNCED + 32 * M
    assert result.measures["signed"] == 803 * M and result.measures["disbursed"] == 160 * M


@pytest.mark.parametrize("measure", list(Measure))
def test_each_measure_is_its_own_total(engine: Engine, measure: Measure) -> None:
    result = _progress(engine, rule=CountingRule(measure=measure))
    assert result.total == result.measures[measure.value]
    assert result.total == _progress(engine, rule=CountingRule(measure=measure), direct=True).total


def test_the_goal_is_converted_at_the_first_day_of_the_period(engine: Engine) -> None:
    with session_scope(engine) as session:
        book = RateBook.from_session(session)
    usd = _progress(engine, currency="USD")
    expected = book.convert(Decimal("3000000000000"), "JPY", "USD", START)
    assert usd.goal == expected.converted
    assert usd.goal_conversion == expected.explain() and "2025-12-19" in usd.goal_conversion
    later = CountingRule.from_options(start=dt.date(2026, 3, 16))
    moved = _progress(engine, currency="USD", rule=later)
    assert moved.goal == book.convert(later.goal, "JPY", "USD", later.period_start).converted
    assert moved.goal != usd.goal
    jpy = _progress(engine)
    assert jpy.goal == Decimal("3000000000000")
    assert jpy.share_of_goal == Decimal("0.03")  # 835 m of 3 tn: 0.0278 %, to the hundredth


def test_the_priority_area_breakdown_keeps_unknown_aggregates_apart(engine: Engine) -> None:
    result = _progress(engine, by=Dimension.PILLAR)
    assert result.breakdown is not None
    rows = {r.key: (r.total, r.transactions) for r in result.breakdown}
    assert rows == {
        "green": (512 * M, 1),
        "unassigned": (67 * M, 3),
        AGGREGATE_AREA_UNKNOWN: (256 * M, 1),
        "connectivity": (0, 0),
        "hrd": (0, 0),
    }
    assert [r.key for r in result.breakdown][:3] == ["green", AGGREGATE_AREA_UNKNOWN, "unassigned"]
    shares = {r.key: r.share for r in result.breakdown}
    assert shares["green"] == Decimal("61.32") and shares[AGGREGATE_AREA_UNKNOWN] == Decimal(
        "30.66"
    )
    unknown = next(r for r in result.breakdown if r.key == AGGREGATE_AREA_UNKNOWN)
    assert [(c.basis, c.share) for c in unknown.composition] == [("aggregate", Decimal(100))]


def test_the_pace_counts_money_up_to_its_day(engine: Engine) -> None:
    before = _progress(engine, as_of=MID - DAY).pace
    on = _progress(engine, as_of=MID).pace
    assert before.to_date == 1 * M  # only the first day's money so far
    assert on.to_date == (1 + 64 + 256 + 512) * M
    assert on.aggregate_share == Decimal("30.73")  # 256 of 833
    late = _progress(engine, as_of=END + 400 * DAY).pace
    assert late.as_of == END and late.to_date == ANNOUNCED


def _rows(result: Progress) -> dict[str, tuple[Decimal, int]]:
    assert result.breakdown is not None
    return {r.key: (r.total, r.transactions) for r in result.breakdown}


@pytest.mark.parametrize("direct", [False, True])
def test_breakdowns_by_year_month_and_country_on_both_paths(engine: Engine, direct: bool) -> None:
    years = _progress(engine, by=Dimension.YEAR, direct=direct)
    assert _rows(years) == {"2025": (1 * M, 1), "2026": (832 * M, 3), "2030": (2 * M, 1)}
    assert [r.key for r in years.breakdown or []] == ["2025", "2026", "2030"]  # by date
    y2026 = next(r for r in years.breakdown or [] if r.key == "2026")
    assert {(c.basis, c.status): c.total for c in y2026.composition} == {
        ("itemised", "signed"): 512 * M,
        ("itemised", "announced"): 64 * M,
        ("aggregate", "signed"): 256 * M,
    }
    assert years.total == ANNOUNCED and years.transactions == 5
    months = _progress(engine, by=Dimension.MONTH, direct=direct)
    assert _rows(months) == {"2025-12": (1 * M, 1), "2026-06": (832 * M, 3), "2030-12": (2 * M, 1)}
    countries = _rows(_progress(engine, by=Dimension.COUNTRY, direct=direct))
    assert countries["KZ"] == (65 * M, 2)  # a commitment and a pledge: one row, both summed
    assert countries["UZ"] == (0, 0) and countries["TM"] == (0, 0)  # every country listed


def test_the_direct_path_gives_the_rollups_breakdown_and_pace(engine: Engine) -> None:
    day = START + 400 * DAY  # more than a year in: the latest year's pace is its own
    fast = _progress(engine, by=Dimension.PILLAR, as_of=day)
    slow = _progress(engine, by=Dimension.PILLAR, as_of=day, direct=True)
    assert (fast.path, slow.path) == ("rollup", "direct")
    assert fast.breakdown == slow.breakdown and fast.composition == slow.composition
    assert fast.pace == slow.pace and fast.pace.per_year > 0
    early = _progress(engine, as_of=START + 100 * DAY, direct=True).pace
    assert early.to_date == 1 * M


def test_a_measure_with_no_money_is_zero_on_the_direct_path(engine: Engine) -> None:
    late = CountingRule.from_options(start=dt.date(2030, 1, 1))
    result = _progress(engine, rule=late, direct=True)
    assert result.measures == {"announced": 2 * M, "signed": 2 * M, "disbursed": 0}


def test_another_currency_converts_each_transaction_at_its_date(engine: Engine) -> None:
    with session_scope(engine) as session:
        book = RateBook.from_session(session)
    kzt = _progress(engine, currency="KZT", by=Dimension.PILLAR)
    assert kzt.path == "direct"
    parts = [(1, START), (2, END), (64, MID), (256, MID), (512, MID)]
    expected = sum(book.convert(n * M, "JPY", "KZT", day).converted for n, day in parts)
    assert kzt.total == expected
    assert _rows(kzt)["green"][0] == book.convert(512 * M, "JPY", "KZT", MID).converted


def test_unknown_aggregates_get_no_row_when_there_are_none(engine: Engine) -> None:
    result = _progress(engine, rule=CountingRule(measure=Measure.DISBURSED), by=Dimension.PILLAR)
    assert _rows(result) == {
        "unassigned": (128 * M, 1), "green": (0, 0), "connectivity": (0, 0), "hrd": (0, 0),
    }  # fmt: skip
    unassigned = next(r for r in result.breakdown or [] if r.key == "unassigned")
    assert [(c.basis, c.share) for c in unassigned.composition] == [("itemised", Decimal(100))]
