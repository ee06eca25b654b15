"""The SQL parts of the outlier check that the findings tests cannot see, on SQLite (integer
hundredths) and PostgreSQL (NUMERIC): the pre-selection of candidates (``_outside``; a wider
one gives the same findings, only slower, so each bound is pinned to the cent) and the order
of one project's outliers of several instruments (``_first_seen``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from cajad.register import Project, Transaction, import_specs, session_scope
from cajad.register.specs import ProjectSpec, TransactionSpec
from cajad.tracker import CountingRule, findings
from cajad.tracker.quality import (
    _band,
    _candidates,
    _far,
    _instrument_key,
    _outside,
    _read,
    _robust_z,
)
from tests.tracker import quality_orm

#: Amounts around the bounds below, and far past both ends of what is stored.
AMOUNTS = (
    "-5", "0", "999.99", "1000.00", "1000.01", "3162274.49", "3162274.50", "3162280.82",
    "3162280.83", "3162280.84", "99999900.00", "99999900.01", "10000010000000000.00",
    "20000000000000000.00",
)  # fmt: skip


@pytest.fixture
def amounts(empty_engine: Engine) -> Engine:
    day = dt.date(2026, 6, 1)
    with session_scope(empty_engine) as session:
        project = Project(identifier="p", title="p", stage="mou")
        project.transactions = [
            Transaction(
                ref=a, type=2, value=Decimal(a), currency="USD", value_date=day,
                value_jpy=Decimal(a), value_usd=Decimal(a), value_eur=Decimal(a),
            )
            for a in AMOUNTS
        ]  # fmt: skip
        session.add(project)
    return empty_engine


def _kept(engine: Engine, low: float, high: float) -> list[str]:
    with session_scope(engine) as session:
        kept = session.scalars(select(Transaction.ref).where(_outside(low, high))).all()
    return sorted(kept, key=Decimal)


@pytest.mark.parametrize(
    ("low", "high", "kept"),
    [
        # 10³ × 1.000001 = 1000.001, rounded up to 1000.01 (amounts below it are kept);
        # 10⁶·⁵ × 0.999999 = 3162274.4978…, rounded down to 3162274.49 (amounts above it)
        (3.0, 6.5, ["-5", "0", "999.99", "1000.00", "3162274.50", "3162280.82", "3162280.83",
                    "3162280.84", "99999900.00", "99999900.01", "10000010000000000.00",
                    "20000000000000000.00"]),
        # 10⁶·⁵ × 1.000001 = 3162280.8224…, rounded up to 3162280.83; 10⁸ × 0.999999 = 99999900
        (6.5, 8.0, ["-5", "0", "999.99", "1000.00", "1000.01", "3162274.49", "3162274.50",
                    "3162280.82", "99999900.01", "10000010000000000.00",
                    "20000000000000000.00"]),
        # at the lowest and highest bounds nothing is compared: no amount is outside
        (-3.0, 16.0, []),
        # a lower bound of exactly 10¹⁶ is still compared (rounded up past 10¹⁶ × 1.000001)…
        (16.0, 17.0, ["-5", "0", "999.99", "1000.00", "1000.01", "3162274.49", "3162274.50",
                      "3162280.82", "3162280.83", "3162280.84", "99999900.00", "99999900.01"]),
        # …past it every amount is a candidate
        (16.5, 17.0, list(AMOUNTS)),
        # a bound under 10⁻³ is read as 10⁻³: all but the smallest are above it
        (-3.0, -4.0, list(AMOUNTS[2:])),
    ],
)  # fmt: skip
def test_the_pre_selection_keeps_amounts_past_its_bounds_to_the_cent(
    amounts: Engine, low: float, high: float, kept: list[str]
) -> None:
    assert _kept(amounts, low, high) == kept


def _money(*rows: tuple[str, int, str, str, str]) -> tuple[TransactionSpec, ...]:
    """Transactions (ref, type, USD amount, instrument, value date) in the order given."""
    return tuple(
        TransactionSpec(
            ref=ref, type=kind, value=Decimal(usd), currency="USD",
            value_date=dt.date.fromisoformat(day), instrument=instrument,
        )
        for ref, kind, usd, instrument, day in rows
    )  # fmt: skip


def _usual(prefix: str, instrument: str, day: str = "2026-06-01") -> list[ProjectSpec]:
    """Five ordinary amounts of one instrument, a project each."""
    return [
        ProjectSpec(
            identifier=f"{prefix}-{i}", title="usual", stage="mou",
            transactions=_money(("a", 2, str(1_000_000 + 100_000 * i), instrument, day)),
        )
        for i in range(5)
    ]  # fmt: skip


#: Outliers of three instruments in one project (``Z-multi``, stored bond, lease, agency). The
#: order of its findings is each instrument's first outgoing amount in the register: agency in
#: ``A-agency-0``; lease and bond both first in ``B-0``, where lease is paid before bond. Money
#: that is not outgoing does not count as a first appearance: ``A-00``'s incoming lease and
#: ``B-0``'s earlier incoming bond. Only ``B-0``'s own order counts, not the register's
#: (``B-bond``'s are paid earlier).
SEVERAL = [
    ProjectSpec(
        identifier="A-00", title="incoming", stage="mou",
        transactions=_money(("in", 1, "1200000", "lease", "2026-01-01")),
    ),
    *_usual("A-agency", "agency loan"),
    ProjectSpec(
        identifier="B-0", title="usual", stage="mou",
        transactions=_money(
            ("in", 1, "1200000", "bond", "2026-01-01"),
            ("l", 2, "1100000", "lease", "2026-05-01"),
            ("b", 2, "1100000", "bond", "2026-06-01"),
            # no log10 of these: a refund and a nil amount are no amounts to compare
            ("refund", 4, "-500000", "bond", "2026-06-05"),
            ("nil", 2, "0", "bond", "2026-06-06"),
        ),
    ),
    *_usual("B-bond", "bond", "2026-04-01"),  # paid before any lease, but not first
    *_usual("B-lease", "lease"),
    ProjectSpec(
        identifier="Z-multi", title="several", stage="mou",
        transactions=_money(
            ("bond", 2, "1000000000000", "bond", "2026-06-01"),
            ("lease", 2, "1000000000000", "lease", "2026-06-02"),
            ("agency", 2, "1000000000000", "agency loan", "2026-06-03"),
        ),
    ),
]  # fmt: skip


def test_one_projects_outliers_follow_their_instruments_first_outgoing_amounts(
    empty_engine: Engine,
) -> None:
    import_specs(empty_engine, SEVERAL, source="test")
    with session_scope(empty_engine) as session:
        found = [f for f in findings(session) if f.kind == "outlier"]
        old = [f for f in quality_orm.findings(session) if f.kind == "outlier"]
    assert [(f.project, f.transaction) for f in found] == [
        ("Z-multi", "agency"),
        ("Z-multi", "lease"),
        ("Z-multi", "bond"),
    ]
    assert found == old


def _write(
    engine: Engine, identifier: str, *rows: tuple[str, int, str, str | None, str | None]
) -> None:
    """A project with transactions (ref, type, currency, USD amount, value date) written as
    given, past the importer's checks: what a store may hold after a manual edit."""
    with session_scope(engine) as session:
        project = Project(identifier=identifier, title=identifier, stage="mou")
        project.transactions = [
            Transaction(
                ref=ref, type=kind, value=Decimal(usd or 1), currency=currency,
                value_date=dt.date.fromisoformat(day) if day else None,
                value_usd=Decimal(usd) if usd is not None else None,
            )
            for ref, kind, currency, usd, day in rows
        ]  # fmt: skip
        session.add(project)


def test_each_project_is_read_with_its_money_counted_and_summed(empty_engine: Engine) -> None:
    """What ``_read`` counts per project in SQL: dated money, of it dated in the period,
    outgoing money, of it with a USD value other than zero (paying), and the sum paid."""
    _write(empty_engine, "r-none")
    _write(
        empty_engine, "r-mixed",
        ("paid", 2, "USD", "100.25", "2026-06-01"),
        ("zero", 2, "USD", "0", "2026-06-01"),
        ("incoming", 1, "USD", "50", "2026-06-01"),
        ("before", 3, "USD", "30", "2020-01-01"),
        ("undated", 2, "USD", None, None),
        ("refund", 4, "USD", "-0.25", "2031-01-01"),
    )  # fmt: skip
    _write(empty_engine, "r-incoming", ("in", 1, "USD", "10", "2026-06-01"))
    with session_scope(empty_engine) as session:
        read = _read(session, CountingRule())
    assert [
        (p.identifier, p.dated, p.dated_in, p.outgoing, p.paying, p.own_usd) for p in read.projects
    ] == [
        ("r-incoming", 1, 1, 0, 0, Decimal(0)),
        ("r-mixed", 5, 3, 5, 3, Decimal("130.00")),
        ("r-none", 0, 0, 0, 0, Decimal(0)),
    ]
    assert all(type(p.own_usd) is Decimal for p in read.projects)
    assert read.by_id == {p.id: p for p in read.projects}


def test_codes_outside_the_transaction_codelists_are_named_in_value_date_order(
    empty_engine: Engine,
) -> None:
    """A currency or transaction type the importer would refuse, written to the store by
    hand, is found, each where it occurs, in the order of the project's money; a currency
    without any rate is no stale rate and stops no other finding (KGS's is stale in 2026)."""
    _write(
        empty_engine,
        "cd-money",
        ("late", 2, "AAQ", "1", "2026-07-01"),
        ("good", 2, "JPY", "1", "2026-05-01"),
        ("early", 77, "JPY", "1", "2026-06-01"),
        ("both", 77, "AAQ", "1", "2026-06-02"),
        ("kgs", 2, "KGS", "1", "2026-06-03"),
    )
    with session_scope(empty_engine) as session:
        found = findings(session)
    codes = [f.message for f in found if f.kind == "unknown-code"]
    assert [m.removesuffix(" is not in its IATI codelist") for m in codes] == [
        "transaction type 77",
        "currency AAQ",
        "transaction type 77",
        "currency AAQ",
    ]
    assert [f.transaction for f in found if f.kind == "stale-rate"] == ["kgs"]


def test_a_robust_z_of_exactly_3_5_is_no_outlier() -> None:
    assert not _far(3.5) and not _far(-3.5)
    assert _far(3.5000001) and _far(-3.5000001)
    assert _robust_z(8.0, 6.0, 0.6745) == pytest.approx(2.0)
    assert _robust_z(5.0, 6.0, 0.6745 / 2) == pytest.approx(-2.0)


def test_the_band_is_3_5_scaled_mads_either_side_of_the_median() -> None:
    low, high = _band(6.0, 0.6745)
    assert (low, high) == (pytest.approx(2.5), pytest.approx(9.5))
    assert _robust_z(low, 6.0, 0.6745) == pytest.approx(-3.5)
    assert _robust_z(high, 6.0, 0.6745) == pytest.approx(3.5)


def test_candidates_are_read_only_outside_their_own_instruments_band(
    empty_engine: Engine,
) -> None:
    """Bond's band is 10⁵–10⁷ USD, lease's 10³–10⁵: 10⁴ is a bond candidate only, 10⁶ a lease
    one only; an instrument without a band (grant) has none."""
    rows = [
        (f"{instrument}-{usd}", usd, instrument)
        for instrument in ("bond", "lease", "grant")
        for usd in ("10000", "1000000")
    ]
    import_specs(
        empty_engine,
        [
            ProjectSpec(
                identifier="c", title="c", stage="mou",
                transactions=tuple(
                    TransactionSpec(
                        ref=ref, type=2, value=Decimal(usd), currency="USD",
                        value_date=dt.date(2026, 6, 1), instrument=instrument,
                    )
                    for ref, usd, instrument in rows
                ),
            )
        ],
        source="test",
    )  # fmt: skip
    key = _instrument_key(Project.instrument)
    mad = 0.6745 / 3.5  # a reach of one power of ten
    bounds = {"bond": (6.0, mad), "lease": (4.0, mad)}
    with session_scope(empty_engine) as session:
        kept = session.scalars(
            select(Transaction.ref)
            .join(Transaction.project)
            .where(_candidates(key, bounds))
            .order_by(Transaction.ref)
        ).all()
    assert kept == ["bond-10000", "lease-1000000"]


def test_stale_rates_are_found_over_runs_of_days_per_currency(empty_engine: Engine) -> None:
    """KGS's annual rates end in 2024 (a run of three stale days after a fresh one), KZT's in
    2025 (one stale day); RUB has no rate yet in mid-2024 (no rate, not a stale one), and money
    without a value date but with a USD value (written by hand) is no stale rate either."""
    _write(
        empty_engine,
        "sr-runs",
        ("k1", 2, "KGS", "1", "2024-06-01"),
        ("k2", 2, "KGS", "1", "2025-02-01"),
        ("k3", 2, "KGS", "1", "2025-03-01"),
        ("k4", 2, "KGS", "1", "2026-03-01"),
        ("z1", 2, "KZT", "1", "2025-02-01"),
        ("z2", 2, "KZT", "1", "2026-03-01"),
        ("r1", 2, "RUB", "1", "2024-06-01"),
        ("undated", 2, "KGS", "5", None),
    )
    with session_scope(empty_engine) as session:
        found = findings(session)
    stale = [(f.transaction, f.message.split(":")[-1]) for f in found if f.kind == "stale-rate"]
    assert stale == [
        ("k2", " no rate yet for 2025"),
        ("k3", " no rate yet for 2025"),
        ("k4", " no rate yet for 2026"),
        ("z2", " no rate yet for 2026"),
    ]
    assert [f.transaction for f in found if f.kind == "missing-value-date"] == ["undated"]
