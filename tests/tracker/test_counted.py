"""What of each project counts: the amounts add up to the tracker's total, and each reason why
nothing counts is the first that applies, at boundaries that fail these tests when they move."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select

from cajad.register import Project, RateBook, import_specs, session_scope
from cajad.register.specs import ProjectSpec, TransactionSpec
from cajad.tracker import (
    CountingRule,
    Measure,
    ProjectCount,
    Uncounted,
    counted,
    progress,
    reported_amount,
)

START, END = dt.date(2025, 12, 20), dt.date(2030, 12, 19)
DAY = dt.timedelta(days=1)


def tx(ref: str, day: dt.date | None, *, type: int = 2, value: str = "1000000") -> TransactionSpec:
    return TransactionSpec(ref=ref, type=type, value=Decimal(value), currency="JPY", value_date=day)


def spec(identifier: str, *txs: TransactionSpec, **fields: Any) -> ProjectSpec:
    fields.setdefault("stage", "financing")
    return ProjectSpec(identifier=identifier, title=identifier, transactions=txs, **fields)


#: One project per boundary and reason; the comment names what it pins.
SPECS = [
    spec("first-day", tx("a", START)),
    spec("last-day", tx("a", END)),
    spec("day-before", tx("a", START - DAY)),
    spec("day-after", tx("a", END + DAY)),
    spec("cancelled", tx("a", START), stage="cancelled"),
    # cancelled first, though it is also marked not to count and inside a counted package
    spec("cancelled-part", stage="cancelled", counts_toward_goal=False, package="package"),
    spec("package", tx("a", START - DAY, type=12, value="5000000")),
    spec(
        "part",
        tx("a", START),
        counts_toward_goal=False,
        package="package",
        count_decision="inside the package",
    ),
    spec("part-no-money", counts_toward_goal=False, package="package"),
    spec("empty-package"),
    spec("part-of-empty", tx("a", START), counts_toward_goal=False, package="empty-package"),
    spec("marked", tx("a", START), counts_toward_goal=False, count_decision="a second report"),
    spec("no-money"),
    spec("incoming-only", tx("a", START, type=11)),
    spec("undated", tx("a", None)),
    spec("guarantee", tx("a", START, type=10)),
    # the dates are read before the types: its guarantee is dated outside the period
    spec("guarantee-before", tx("a", START - DAY, type=10)),
    spec("mixed", tx("a", START - DAY), tx("b", START, type=10)),
    spec("idea", tx("a", START), stage="idea"),
]


@pytest.fixture
def counts(empty_engine: Engine) -> dict[str, ProjectCount]:
    import_specs(empty_engine, SPECS, source="test")
    with session_scope(empty_engine) as session:
        return counted(session)


def test_the_reasons_keep_their_first_match_order() -> None:
    assert [r.value for r in Uncounted] == [
        "cancelled",
        "stage",
        "in-package",
        "decision",
        "no-amount",
        "undated",
        "outside-period",
        "type",
        "no-rate",
    ]


@pytest.mark.parametrize(
    ("project", "reason"),
    [
        ("first-day", None),
        ("last-day", None),
        ("day-before", Uncounted.OUTSIDE_PERIOD),
        ("day-after", Uncounted.OUTSIDE_PERIOD),
        ("cancelled", Uncounted.CANCELLED),
        ("cancelled-part", Uncounted.CANCELLED),
        ("package", Uncounted.OUTSIDE_PERIOD),
        ("part", Uncounted.IN_PACKAGE),
        ("part-no-money", Uncounted.IN_PACKAGE),
        ("empty-package", Uncounted.NO_AMOUNT),
        ("part-of-empty", Uncounted.DECISION),
        ("marked", Uncounted.DECISION),
        ("no-money", Uncounted.NO_AMOUNT),
        ("incoming-only", Uncounted.NO_AMOUNT),
        ("undated", Uncounted.UNDATED),
        ("guarantee", Uncounted.TYPE),
        ("guarantee-before", Uncounted.OUTSIDE_PERIOD),
        ("mixed", Uncounted.TYPE),
        ("idea", None),
    ],
)
def test_each_project_counts_or_names_its_first_reason(
    counts: dict[str, ProjectCount], project: str, reason: Uncounted | None
) -> None:
    found = counts[project]
    assert found.reason == reason
    assert found.counted is (reason is None)
    if reason is None:
        assert found.amount == Decimal("1000000.00") and found.transactions == 1
        assert found.label == "counted: JPY 1.0 m in the period"
    else:
        assert found.amount == 0 and found.label.startswith("not counted: ")


def test_the_reasons_say_what_and_when(counts: dict[str, ProjectCount]) -> None:
    assert "a second report" in counts["marked"].detail
    assert counts["part"].label == "not counted: inside package"
    assert "inside the package" in counts["part"].detail
    assert counts["day-before"].label == "not counted: dated before the period"
    assert counts["day-after"].label == "not counted: dated after the period"
    assert str(START - DAY) in counts["day-before"].detail
    assert counts["guarantee"].label == "not counted: credit guarantee not counted"


def test_guarantees_count_when_the_rule_takes_them(empty_engine: Engine) -> None:
    import_specs(empty_engine, SPECS, source="test")
    rule = CountingRule(include_guarantees=True)
    with session_scope(empty_engine) as session:
        found = counted(session, rule)
    assert found["guarantee"].counted
    assert found["mixed"].amount == Decimal("1000000.00")


def test_a_stage_the_rule_leaves_out_is_named(empty_engine: Engine) -> None:
    import_specs(empty_engine, SPECS, source="test")
    rule = CountingRule.from_options(stages=["financing"])
    with session_scope(empty_engine) as session:
        found = counted(session, rule)
    assert found["idea"].reason is Uncounted.STAGE
    assert found["cancelled"].reason is Uncounted.CANCELLED
    assert found["first-day"].counted


def test_a_chosen_set_keeps_its_order(empty_engine: Engine) -> None:
    import_specs(empty_engine, SPECS, source="test")
    with session_scope(empty_engine) as session:
        chosen = list(
            session.scalars(select(Project).where(Project.identifier.in_(["marked", "idea"])))
        )
        chosen.sort(key=lambda p: p.identifier, reverse=True)
        assert list(counted(session, projects=chosen)) == ["marked", "idea"]


def test_counted_amounts_add_up_to_the_progress_total(engine: Engine) -> None:
    with session_scope(engine) as session:
        for currency in ("JPY", "USD", "KZT"):
            for measure in Measure:
                rule = CountingRule(measure=measure)
                found = counted(session, rule, currency=currency)
                total = progress(session, rule, currency=currency).total
                assert sum((c.amount for c in found.values()), Decimal(0)) == total
                assert {c.currency for c in found.values()} == {currency}
        announced = counted(session)
    assert sum(c.counted for c in announced.values()) >= 2


def test_the_reported_amount_is_the_largest_pledge_or_commitment(engine: Engine) -> None:
    with session_scope(engine) as session:
        project = session.scalar(
            select(Project).where(Project.identifier == "uz-acwa-sazagan-solar-storage-jbic")
        )
        assert project is not None
        amount = reported_amount(project, "JPY", RateBook.from_session(session))
    assert amount is not None
    # the USD 425 m guarantee is not a pledge or commitment; the USD 635 m commitment is
    assert (amount.value, amount.currency, amount.type) == (Decimal(635000000), "USD", 2)
    assert amount.target == "JPY" and amount.converted and amount.converted > amount.value
