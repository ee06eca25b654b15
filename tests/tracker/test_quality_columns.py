"""The findings read from columns and SQL sums are exactly the ORM version's (issue 16 item 8):
the same findings in the same order, on the bundled deals and on a small generated register
with every kind, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from cajad.register import Project, Transaction, import_specs, session_scope
from cajad.register.specs import CountrySpec, ProjectSpec, SectorSpec, TransactionSpec
from cajad.tracker import NOT_COUNTED, CountingRule, findings, left_out
from tests.tracker import quality_orm
from tests.tracker.test_quality_kinds import SPECS

CURRENCIES = ("JPY", "USD", "EUR", "KGS", "KZT")
INSTRUMENTS = ("ODA loan", "grant aid", "JBIC loan", "", None)
COUNTRIES = ("KZ", "KG", "UZ", "TJ", "XQ")
WORDS = ("Almaty", "Bishkek", "power", "plant", "road", "water", "works", "school", "solar")


def generated(seed: int = 16, projects: int = 60) -> list[ProjectSpec]:
    """Projects with every finding kind among them: packages, chains, near twins, undated and
    same-day money (the order of ties), stale rates, odd codes, outliers, several instruments."""
    rng = random.Random(seed)
    specs = []
    for i in range(projects):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 900, 30))
        txs = []
        for j in range(rng.randrange(0, 9)):
            value_date = rng.choice([None, day, day, day + dt.timedelta(days=rng.randrange(400))])
            big = rng.random() < 0.05
            txs.append(
                TransactionSpec(
                    ref=f"t{j}",
                    type=rng.choice([1, 2, 2, 3, 11, 12, 99]),
                    value=Decimal(rng.choice(["1e12", "7"]) if big else rng.randrange(1, 10**9)),
                    currency=rng.choice(CURRENCIES),
                    value_date=value_date,
                    instrument=rng.choice(INSTRUMENTS),
                    provider_activity=f"GEN-{rng.randrange(projects):03d}"
                    if rng.random() < 0.15
                    else None,
                )
            )
        specs.append(
            ProjectSpec(
                identifier=f"GEN-{i:03d}",
                title=" ".join(rng.sample(WORDS, 3)),
                stage=rng.choice(["financing", "mou", "implementation"]),
                instrument=rng.choice(INSTRUMENTS[:3]),
                agreement_date=day if rng.random() < 0.9 else None,
                agreement_date_precision=rng.choice([None, "day", "month", "year"]),
                counts_toward_goal=rng.random() < 0.85,
                package=f"GEN-{rng.randrange(i):03d}" if i and rng.random() < 0.15 else None,
                countries=(CountrySpec(code=rng.choice(COUNTRIES), percentage=Decimal(100)),),
                sectors=(SectorSpec(code=rng.choice(["23210", "99999"]), percentage=Decimal(100)),),
                transactions=tuple(txs),
            )
        )

    # Outliers of two instruments in one project: their order is the instruments' first
    # appearance in the whole register (lease, in GEN-AUX-0's earlier transaction), not the
    # order of this project's transactions (bond first).
    def money(*rows: tuple[str, str, str, dt.date]) -> tuple[TransactionSpec, ...]:
        return tuple(
            TransactionSpec(
                ref=ref, type=2, value=Decimal(v), currency="JPY", value_date=day,
                instrument=instrument,
            )
            for ref, v, instrument, day in rows
        )  # fmt: skip

    may, june = dt.date(2026, 5, 1), dt.date(2026, 6, 1)
    for i in range(5):
        usual = str(1_000_000 + 100_000 * i)
        rows = [("l", usual, "lease", may), ("b", usual, "bond", june)]
        specs.append(
            ProjectSpec(
                identifier=f"GEN-AUX-{i}", title="aux", stage="mou", transactions=money(*rows)
            )
        )
    two = money(("big", "1e12", "bond", june), ("small", "700", "lease", june))
    specs.append(ProjectSpec(identifier="GEN-TWO", title="two", stage="mou", transactions=two))
    return specs


def _both(engine: Engine, rule: CountingRule | None = None) -> tuple[list[dict], list[dict]]:
    with session_scope(engine) as session:
        new = [f.model_dump() for f in findings(session, rule)]
        old = [f.model_dump() for f in quality_orm.findings(session, rule)]
    return new, old


def test_the_bundled_deals_give_the_same_findings(engine: Engine) -> None:
    new, old = _both(engine)
    assert new == old
    assert len(new) > 10


@pytest.mark.parametrize("source", ["kinds", "generated"])
def test_a_register_with_every_kind_gives_the_same_findings(
    empty_engine: Engine, source: str
) -> None:
    import_specs(empty_engine, SPECS if source == "kinds" else generated(), source="test")
    new, old = _both(empty_engine)
    assert new == old
    kinds = {f["kind"] for f in new}
    if source == "kinds":  # the made-up register has every kind
        assert len(kinds) == 11, kinds
    else:  # the generated one: the ties of one project's several findings of a kind
        assert {"stale-rate", "missing-value-date", "funding-chain", "unknown-code"} <= kinds
        assert max(sum(f["project"] == p for f in new) for p in {f["project"] for f in new}) > 3
        assert sorted(f["transaction"] for f in new if f["project"] == "GEN-TWO") == [
            "big",
            "small",
        ]
    narrow = CountingRule(period_start=dt.date(2026, 6, 1), period_end=dt.date(2026, 12, 31))
    new, old = _both(empty_engine, narrow)
    assert new == old


def test_the_dashboards_kinds_are_those_of_every_finding(empty_engine: Engine) -> None:
    """The dashboard asks only for the kinds that explain money left out; what it shows is
    what every finding would have shown."""
    import_specs(empty_engine, generated(seed=7), source="test")
    with session_scope(empty_engine) as session:
        every = findings(session)
        some = findings(session, kinds=NOT_COUNTED)
    assert left_out(some) == left_out(every)
    assert {f.kind for f in some} <= set(NOT_COUNTED)


def test_sums_past_64_bits_of_hundredths_are_exact(empty_engine: Engine) -> None:
    """A package and its part each with more USD than 2⁶³ hundredths: SQL sums them exactly,
    on SQLite too (``exact_sum``). The import bound (10¹⁵ in every currency, so about 6×10¹²
    USD a row) keeps a row's hundredths far inside 64 bits; rows written past it here show that
    the sum, not the row, is what could overflow, and does not."""
    big = Decimal(5) * Decimal(10) ** 16  # USD; 5×10¹⁸ hundredths, under 2⁶³ ≈ 9.2×10¹⁸
    day = dt.date(2026, 6, 1)
    with session_scope(empty_engine) as session:
        for identifier, n, package in (("big", 3, None), ("big-part", 4, "big")):
            project = Project(identifier=identifier, title=identifier, stage="mou")
            if package:
                project.package = session.scalars(
                    select(Project).where(Project.identifier == package)
                ).one()
            project.transactions = [
                Transaction(
                    ref=f"t{i}", type=2, value=big, currency="USD", value_date=day,
                    value_jpy=big, value_usd=big, value_eur=big,
                )
                for i in range(n)
            ]  # fmt: skip
            session.add(project)
            session.flush()
    new, old = _both(empty_engine)
    assert new == old
    exceed = [f["message"] for f in new if f["kind"] == "parts-exceed"]
    assert exceed == [
        "parts add up to USD 200,000,000,000,000,000, more than the package total "
        "USD 150,000,000,000,000,000"
    ]
    assert 3 * big * 100 > 2**63
