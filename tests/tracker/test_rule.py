"""The counting rule at its boundaries: the period's first and last day, each measure's types,
the guarantee flag, the stages (cancelled left out), and the options' errors.

Each test fails when one boundary moves (the mutation run, ``benchmarks/mutation.py``, checks
that they do)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from cajad.register.vocab import Stage, TransactionType
from cajad.tracker.rule import DEFAULT_STAGES, CountingRule, Measure, RuleError

T = TransactionType
FIRST, LAST = dt.date(2025, 12, 20), dt.date(2030, 12, 19)
DAY = dt.timedelta(days=1)


def test_the_default_rule_is_the_readmes() -> None:
    rule = CountingRule()
    assert (rule.goal, rule.goal_currency) == (Decimal("3000000000000"), "JPY")
    assert (rule.period_start, rule.period_end) == (FIRST, LAST)
    assert rule.measure is Measure.ANNOUNCED and rule.include_guarantees is False
    assert rule.stages == DEFAULT_STAGES


def test_cancelled_projects_do_not_count_by_default_every_other_stage_does() -> None:
    assert Stage.CANCELLED.value not in DEFAULT_STAGES
    assert set(DEFAULT_STAGES) == {s.value for s in Stage} - {"cancelled"}
    assert list(DEFAULT_STAGES) == [s.value for s in Stage if s is not Stage.CANCELLED]


@pytest.mark.parametrize(
    ("day", "counts"),
    [
        (FIRST - DAY, False),
        (FIRST, True),
        (FIRST + DAY, True),
        (LAST - DAY, True),
        (LAST, True),
        (LAST + DAY, False),
        (None, False),
    ],
)
def test_the_period_includes_its_first_and_last_day(day: dt.date | None, counts: bool) -> None:
    assert CountingRule().counts(T.OUTGOING_COMMITMENT, day) is counts


@pytest.mark.parametrize(
    ("measure", "types"),
    [
        (Measure.ANNOUNCED, {T.OUTGOING_PLEDGE, T.OUTGOING_COMMITMENT}),
        (Measure.SIGNED, {T.OUTGOING_COMMITMENT}),
        (Measure.DISBURSED, {T.DISBURSEMENT, T.PURCHASE_OF_EQUITY}),
    ],
)
def test_each_measure_counts_exactly_its_types(measure: Measure, types: set[int]) -> None:
    rule = CountingRule(measure=measure)
    assert rule.types == frozenset(types)
    for tx_type in T:
        assert rule.counts(tx_type, FIRST) is (tx_type in types)
    guaranteed = CountingRule(measure=measure, include_guarantees=True)
    assert guaranteed.types == frozenset(types | {T.CREDIT_GUARANTEE})


def test_guarantees_count_only_when_the_flag_is_set() -> None:
    assert not CountingRule().counts(T.CREDIT_GUARANTEE, FIRST)
    assert CountingRule(include_guarantees=True).counts(T.CREDIT_GUARANTEE, FIRST)
    assert CountingRule.from_options(include_guarantees=True).include_guarantees is True
    assert CountingRule.from_options().include_guarantees is False


def test_incoming_money_never_counts() -> None:
    rule = CountingRule(include_guarantees=True)
    for measure in Measure:
        variant = rule.model_copy(update={"measure": measure})
        for tx_type in (T.INCOMING_FUNDS, T.INCOMING_COMMITMENT, T.INCOMING_PLEDGE):
            assert not variant.counts(tx_type, FIRST)


def test_uses_rollup_only_for_the_default_stages() -> None:
    assert CountingRule().uses_rollup
    assert CountingRule(stages=tuple(reversed(DEFAULT_STAGES))).uses_rollup
    assert not CountingRule(stages=(*DEFAULT_STAGES, "cancelled")).uses_rollup
    assert not CountingRule(stages=("mou",)).uses_rollup


def test_describe_names_the_types_period_and_stages() -> None:
    assert CountingRule(stages=("mou", "financing")).describe() == (
        "announced: outgoing commitment, outgoing pledge dated 2025-12-20 to 2030-12-19, "
        "of projects counted toward the goal at stages mou, financing"
    )
    assert (
        CountingRule(measure=Measure.DISBURSED, include_guarantees=True)
        .describe()
        .startswith("disbursed: disbursement, purchase of equity, credit guarantee dated")
    )


def test_from_options_takes_each_option_and_keeps_the_others() -> None:
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    rule = CountingRule.from_options(
        measure=Measure.DISBURSED, start=start, end=end, stages=[Stage.MOU, Stage.FINANCING]
    )
    assert rule == CountingRule(
        measure=Measure.DISBURSED,
        period_start=start,
        period_end=end,
        stages=("mou", "financing"),
    )
    assert CountingRule.from_options(start=start).period_end == LAST
    assert CountingRule.from_options(end=end).period_start == FIRST
    assert CountingRule.from_options(stages=[]).stages == DEFAULT_STAGES
    one_day = CountingRule.from_options(start=start, end=start)  # a period of one day is allowed
    assert one_day.counts(T.OUTGOING_COMMITMENT, start)


def test_from_options_names_the_option_to_change() -> None:
    with pytest.raises(RuleError, match=r"must not end before it starts; got 2031-01-01\.\.") as e:
        CountingRule.from_options(start=dt.date(2031, 1, 1))
    assert e.value.option == "start"
    with pytest.raises(RuleError) as e:
        CountingRule.from_options(start=dt.date(2026, 1, 2), end=dt.date(2026, 1, 1))
    assert e.value.option == "end"
    with pytest.raises(RuleError, match=r"stages must be among idea, mou, .*; got x, y") as e:
        CountingRule.from_options(stages=["mou", "x", "y"])
    assert e.value.option == "stages"
    assert str(e.value).startswith("stages must be among idea, mou, feasibility")


def test_the_model_refuses_a_reversed_period_and_unknown_stages() -> None:
    CountingRule(period_start=FIRST, period_end=FIRST)
    with pytest.raises(ValidationError, match="period_end must not be before period_start"):
        CountingRule(period_start=FIRST, period_end=FIRST - DAY)
    with pytest.raises(ValidationError, match=r"stages must be pipeline stages; got \['nope'\]"):
        CountingRule(stages=("mou", "nope"))
