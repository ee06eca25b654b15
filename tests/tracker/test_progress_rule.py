"""Progress under the counting rule at its boundaries, on a made-up register: the first and
last day of the period, cancelled projects, the guarantee flag, each measure, the date the goal
is converted at, the priority-area breakdown and the pace's year, on both paths (the rollup
and the direct recomputation). Pinned for the mutation run (``benchmarks/mutation.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import ROUND_DOWN, Decimal, localcontext
from typing import Any

import pytest
from sqlalchemy import Engine, select

from cajad.register import Project, RateBook, Transaction, rollup, session_scope
from cajad.register.specs import CountrySpec, DocumentSpec, ProjectSpec, TransactionSpec
from cajad.register.vocab import Stage
from cajad.tracker import CountingRule, Dimension, Measure, progress
from cajad.tracker.progress import AGGREGATE_AREA_UNKNOWN, Progress, _pace_days, _percent

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


def test_the_answer_names_its_breakdown_and_the_headline_its_parts(engine: Engine) -> None:
    plain = _progress(engine)
    assert plain.by is None and plain.breakdown is None and plain.data_as_of is None
    assert _progress(engine, by=Dimension.COUNTRY).by is Dimension.COUNTRY
    # 835 m of 3 tn; itemised and signed: the first and last day's and green's 515 m; the
    # aggregate's 256 m
    assert plain.headline == (
        "0.03 % of the goal, of which 0.02 % itemised and signed and 0.01 % unitemised "
        "aggregate totals"
    )


@pytest.mark.parametrize("direct", [False, True])
@pytest.mark.parametrize("by", [None, Dimension.YEAR])
def test_a_period_with_nothing_counted_is_zero(
    engine: Engine, direct: bool, by: Dimension | None
) -> None:
    empty = CountingRule.from_options(start=dt.date(2031, 1, 1), end=dt.date(2031, 12, 31))
    result = _progress(engine, rule=empty, direct=direct, by=by)
    assert (result.total, result.transactions, result.share_of_goal) == (0, 0, 0)
    assert result.composition == [] and result.pace.to_date == 0
    assert result.measures == {"announced": 0, "signed": 0, "disbursed": 0}


def test_a_percentage_rounds_half_to_even_whatever_the_context() -> None:
    with localcontext() as context:
        context.rounding = ROUND_DOWN
        assert _percent(Decimal(2), Decimal(3)) == Decimal("66.67")
        assert _percent(Decimal("0.125"), Decimal(1)) == Decimal("12.50")
    assert _percent(Decimal(1), Decimal(1)) == Decimal("100.00")
    assert _percent(Decimal(5), Decimal(0)) == 0


@pytest.mark.parametrize(
    ("today", "day", "year_from"),
    [
        (START - 5 * DAY, START, START),  # before the period: its first day
        (START + 100 * DAY, START + 100 * DAY, START),  # under a year in: the whole period
        (START + 364 * DAY, START + 364 * DAY, START),  # 365 days, all of the period
        (START + 365 * DAY, START + 365 * DAY, START + DAY),  # a year and a day in
        (START + 500 * DAY, START + 500 * DAY, START + 136 * DAY),
        (END + 9 * DAY, END, END - 364 * DAY),  # after the period: its last day
    ],
)
def test_the_pace_reads_the_365_days_to_its_day(
    today: dt.date, day: dt.date, year_from: dt.date
) -> None:
    assert _pace_days(CountingRule(), today) == (day, year_from)


#: Money on two days of one year, two aggregate totals (a commitment and a pledge: two rows
#: of the rollup), and a dated source document.
MORE = [
    spec("two-days", dt.date(2026, 3, 1), 1),
    spec("two-days-b", dt.date(2026, 9, 1), 2),
    spec("agg-1", dt.date(2026, 6, 1), 4, basis="aggregate"),
    spec(
        "agg-2", dt.date(2026, 7, 1), 8, type=12, basis="aggregate",
        documents=(DocumentSpec(url="https://example.org/a", published=dt.date(2026, 8, 15)),),
    ),
]  # fmt: skip


@pytest.fixture(scope="module")
def more(policy_register: Callable[[Iterable[ProjectSpec]], Engine]) -> Engine:
    return policy_register(MORE)


@pytest.mark.parametrize("direct", [False, True])
def test_a_years_days_and_aggregates_add_up(more: Engine, direct: bool) -> None:
    result = _progress(more, by=Dimension.YEAR, as_of=dt.date(2026, 12, 1), direct=direct)
    assert _rows(result) == {"2026": (15 * M, 4)}
    assert result.pace.aggregate_share == Decimal("80.00")  # 12 of 15
    assert result.data_as_of == dt.date(2026, 8, 15)


@pytest.mark.parametrize("direct", [False, True])
def test_no_aggregate_is_no_aggregate_share_however_small_the_total(
    policy_register: Callable[[Iterable[ProjectSpec]], Engine], direct: bool
) -> None:
    money = TransactionSpec(ref="a", type=2, value=Decimal(100), currency="JPY", value_date=MID)
    tiny = ProjectSpec(identifier="tiny", title="t", stage="financing", transactions=(money,))
    engine = policy_register([tiny])
    result = _progress(engine, direct=direct)
    assert (result.total, result.pace.aggregate_share) == (100, 0)


def test_the_rollup_path_reads_the_rollup(
    policy_register: Callable[[Iterable[ProjectSpec]], Engine],
) -> None:
    """Money written past the register's services (no rollup kept) shows on the direct path
    at once and on the rollup path after a rebuild: the rollup serves the default figures."""
    engine = policy_register(SPECS[:1])
    with session_scope(engine) as session:
        project = session.scalars(select(Project)).one()
        project.transactions.append(
            Transaction(
                ref="late", type=2, value=2 * M, currency="JPY", value_date=MID,
                value_jpy=2 * M, value_usd=Decimal(1), value_eur=Decimal(1),
            )
        )  # fmt: skip
    assert (_progress(engine).total, _progress(engine, direct=True).total) == (1 * M, 3 * M)
    with session_scope(engine) as session:
        rollup.rebuild(session)
    assert _progress(engine).total == 3 * M
