"""What of each project counts, on the policy register (built in a moment, for the mutation
run, ``benchmarks/mutation.py``): every reason with its words, the rule's options, another
currency, the reported amount and the short amounts at their thresholds. The same projects as
``test_counted.py``, which runs them on both stores."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from cajad.register import Project, RateBook, session_scope
from cajad.register.specs import ProjectSpec, TransactionSpec
from cajad.tracker import CountingRule, Measure, ProjectCount, Uncounted, counted, reported_amount
from cajad.tracker.counted import short_amount

from .test_counted import DAY, END, SPECS, START, spec, tx

M = Decimal("1000000.00")

EXTRA = [
    spec("pledge-only", tx("a", START, type=12)),
    spec("both-sides", tx("a", START - DAY), tx("b", END + DAY)),
    spec("guarantee-last-day", tx("a", END, type=10)),
    spec("pledge-and-guarantee", tx("a", START, type=12), tx("b", START, type=10)),
    spec("two-days", tx("a", START), tx("b", END)),
    spec("reported-mixed", tx("a", None, type=12, value="9000000"), tx("b", START, value="1000")),
    spec(
        "reported",
        tx("small", START, value="1000"),
        tx("big", START - DAY, type=12, value="9000000"),
        tx("guarantee", START, type=10, value="99000000"),
        TransactionSpec(ref="usd", type=2, value=Decimal(100000), currency="USD", value_date=START),
    ),
    spec("reported-undated", tx("a", None, type=12)),
]  # fmt: skip


@pytest.fixture(scope="module")
def engine(policy_register: Callable[[Iterable[ProjectSpec]], Engine]) -> Engine:
    return policy_register([*SPECS, *EXTRA])


def _counts(engine: Engine, rule: CountingRule | None = None, **kw: str) -> dict[str, ProjectCount]:
    with session_scope(engine) as session:
        return counted(session, rule, **kw)


def test_every_reason_with_its_words(engine: Engine) -> None:
    found = _counts(engine)
    words = {k: (c.reason, c.label) for k, c in found.items()}
    assert words == {
        "first-day": (None, "counted: JPY 1.0 m in the period"),
        "last-day": (None, "counted: JPY 1.0 m in the period"),
        "day-before": (Uncounted.OUTSIDE_PERIOD, "not counted: dated before the period"),
        "day-after": (Uncounted.OUTSIDE_PERIOD, "not counted: dated after the period"),
        "cancelled": (Uncounted.CANCELLED, "not counted: cancelled"),
        "cancelled-part": (Uncounted.CANCELLED, "not counted: cancelled"),
        "package": (Uncounted.OUTSIDE_PERIOD, "not counted: dated before the period"),
        "part": (Uncounted.IN_PACKAGE, "not counted: inside package"),
        "part-no-money": (Uncounted.IN_PACKAGE, "not counted: inside package"),
        "empty-package": (Uncounted.NO_AMOUNT, "not counted: no amount reported"),
        "part-of-empty": (Uncounted.DECISION, "not counted: decided not to count"),
        "marked": (Uncounted.DECISION, "not counted: decided not to count"),
        "no-money": (Uncounted.NO_AMOUNT, "not counted: no amount reported"),
        "incoming-only": (Uncounted.NO_AMOUNT, "not counted: no amount reported"),
        "undated": (Uncounted.UNDATED, "not counted: no value date"),
        "guarantee": (Uncounted.TYPE, "not counted: credit guarantee not counted"),
        "guarantee-before": (Uncounted.OUTSIDE_PERIOD, "not counted: dated before the period"),
        "mixed": (Uncounted.TYPE, "not counted: credit guarantee not counted"),
        "idea": (None, "counted: JPY 1.0 m in the period"),
        "pledge-only": (None, "counted: JPY 1.0 m in the period"),
        "reported": words["reported"],
        "both-sides": words["both-sides"],
        "guarantee-last-day": (Uncounted.TYPE, "not counted: credit guarantee not counted"),
        "pledge-and-guarantee": (None, "counted: JPY 1.0 m in the period"),
        "two-days": (None, "counted: JPY 2.0 m in the period"),
        "reported-mixed": words["reported-mixed"],
        "reported-undated": (Uncounted.UNDATED, "not counted: no value date"),
    }
    first = found["first-day"]
    assert (first.amount, first.currency, first.transactions, first.counted) == (
        Decimal("1000000.00"), "JPY", 1, True,
    )  # fmt: skip
    assert first.detail == (
        "JPY 1,000,000.00 of 1 transaction(s) dated in the period 2025-12-20 to 2030-12-19 "
        "counts (announced)."
    )
    assert found["reported"].transactions == 2 and found["reported"].amount > 1000
    assert (found["two-days"].amount, found["two-days"].transactions) == (2 * M, 2)
    assert found["both-sides"].detail == (
        f"Its money is dated {START - DAY}, {END + DAY}, outside the period {START} to {END}."
    )
    for name in ("cancelled", "marked", "undated"):
        assert found[name].amount == 0 and found[name].transactions == 0
        assert found[name].counted is False and found[name].currency == "JPY"
    assert found["cancelled"].detail.startswith("Cancelled; the rule counts idea, mou, ")
    assert found["marked"].detail == "Marked not to count: a second report"
    assert found["part-of-empty"].detail == "Marked not to count: no reason recorded"
    assert (
        found["part"].detail
        == "Counted inside the total of its package package: inside the package"
    )
    assert found["no-money"].detail == "No amount reported; nothing counts."
    assert found["undated"].detail == "Its money has no value date to count it at."
    assert found["day-after"].detail == (
        f"Its money is dated {END + DAY}, outside the period 2025-12-20 to 2030-12-19."
    )
    assert found["mixed"].detail == (
        "Its money in the period is credit guarantee, which the rule (announced, without "
        "guarantees) does not count."
    )


def test_the_rules_options_move_the_reasons(engine: Engine) -> None:
    guaranteed = _counts(engine, CountingRule(include_guarantees=True))
    assert guaranteed["guarantee"].counted and guaranteed["mixed"].counted
    assert guaranteed["mixed"].amount == Decimal("1000000.00")
    signed = _counts(engine, CountingRule(measure=Measure.SIGNED))
    assert signed["pledge-only"].reason is Uncounted.TYPE
    assert signed["pledge-only"].detail == (
        "Its money in the period is outgoing pledge, which the rule (signed, without "
        "guarantees) does not count."
    )
    both = _counts(engine, CountingRule(measure=Measure.SIGNED, include_guarantees=True))
    assert both["pledge-only"].detail == (
        "Its money in the period is outgoing pledge, which the rule (signed) does not count."
    )
    assert signed["pledge-and-guarantee"].detail == (
        "Its money in the period is credit guarantee, outgoing pledge, which the rule (signed, "
        "without guarantees) does not count."
    )
    staged = _counts(engine, CountingRule.from_options(stages=["financing"]))
    assert staged["idea"].reason is Uncounted.STAGE
    assert staged["idea"].label == "not counted: stage idea left out"
    assert staged["idea"].detail == "At stage idea; the rule counts only financing."
    assert staged["cancelled"].reason is Uncounted.CANCELLED
    every = _counts(engine, CountingRule.from_options(stages=["financing", "cancelled"]))
    assert every["cancelled"].counted and every["cancelled-part"].reason is Uncounted.IN_PACKAGE
    short = CountingRule.from_options(end=START)
    assert _counts(engine, short)["last-day"].label == "not counted: dated after the period"
    wide = CountingRule.from_options(start=START - DAY, end=END + DAY)
    assert _counts(engine)["both-sides"].label == "not counted: dated outside the period"
    assert (
        _counts(engine, wide)["day-before"].counted and _counts(engine, wide)["day-after"].counted
    )


def test_another_currency_and_money_without_a_rate(engine: Engine) -> None:
    kzt = _counts(engine, currency="KZT")
    assert kzt["first-day"].currency == "KZT" and kzt["first-day"].amount > 1000000
    xof = _counts(engine, currency="XOF")  # no rate into it at all
    assert xof["first-day"].reason is Uncounted.NO_RATE
    assert xof["first-day"].label == "not counted: no XOF rate"
    assert xof["first-day"].detail == (
        "Its money in the period has no rate into XOF at its value date."
    )
    assert xof["day-before"].reason is Uncounted.OUTSIDE_PERIOD  # an earlier reason first


def test_a_chosen_set_keeps_its_order(engine: Engine) -> None:
    with session_scope(engine) as session:
        chosen = list(
            session.scalars(select(Project).where(Project.identifier.in_(["marked", "idea"])))
        )
        chosen.sort(key=lambda p: p.identifier, reverse=True)
        assert list(counted(session, projects=chosen)) == ["marked", "idea"]
        assert list(counted(session))[:3] == ["both-sides", "cancelled", "cancelled-part"]


def test_the_reported_amount_is_the_largest_pledge_or_commitment_by_yen(engine: Engine) -> None:
    with session_scope(engine) as session:
        book = RateBook.from_session(session)

        def of(identifier: str, target: str = "JPY") -> object:
            project = session.scalar(select(Project).where(Project.identifier == identifier))
            assert project is not None
            return reported_amount(project, target, book)

        # USD 100,000 is more yen than JPY 9,000,000 (a larger number); a guarantee never counts
        usd = of("reported")
        assert usd is not None and (usd.value, usd.currency, usd.type) == (
            Decimal(100000),
            "USD",
            2,
        )
        assert usd.value_date == START and usd.target == "JPY" and usd.converted > 9_000_000
        kzt = of("reported", "KZT")
        assert kzt.converted == book.convert(Decimal(100000), "USD", "KZT", START).converted
        assert of("no-money") is None and of("guarantee") is None
        mixed = of("reported-mixed")  # a converted amount before one without a yen value
        assert mixed is not None and mixed.value == Decimal(1000)
        undated = of("reported-undated", "KZT")
        assert undated is not None and undated.converted is None and undated.value_date is None
        xof = of("first-day", "XOF")
        assert xof is not None and xof.converted is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("999999", "999,999"),
        ("999999.4", "999,999"),
        ("1000000", "1.0 m"),
        ("-1000000", "-1.0 m"),
        ("999999999", "1000.0 m"),
        ("1000000000", "1.0 bn"),
        ("1234567890123", "1.2 tn"),
    ],
)
def test_short_amounts_at_their_thresholds(value: str, text: str) -> None:
    assert short_amount(Decimal(value)) == text
