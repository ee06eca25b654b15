"""Funding chains: the same money followed across three publishers' IATI files.

The fixtures (``data/chains``) are small activity files of three publishers: JICA's loan
(an incoming commitment from an activity outside the register, an outgoing commitment and a
disbursement to the implementer's activity), the implementer's activity (incoming funds from
the loan, a works contract to a contractor) and the contractor's activity further down;
``loop-back.xml`` closes a loop back to the loan. They are imported with the real IATI importer
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from cajad.iati import import_file
from cajad.register import InputError, NotFoundError, session_scope
from cajad.register.fx import RateBook
from cajad.tracker import CountingRule, Measure, funding_chain, progress
from cajad.tracker.chains import Side

DATA = Path(__file__).parent / "data" / "chains"
CHAIN_FILES = ("funder-jica.xml", "implementer-water.xml", "contractor-pipes.xml")
LOAN = "XM-DAC-701-8-CHAIN-LOAN"
WATER = "UZ-INN-200000001-WATER-1"
PIPES = "UZ-INN-300000002-PIPES-1"
REFUND = "UZ-INN-300000002-REFUND-1"
BUDGET = "XM-DAC-701-1-ODA-BUDGET-2026"


def import_chain(engine: Engine, *extra: str) -> Engine:
    """Import the three publishers' files (and ``extra`` ones) with the IATI importer."""
    for name in (*CHAIN_FILES, *extra):
        report = import_file(engine, DATA / name)
        assert report.created and not report.left_out, report.problems
    return engine


@pytest.fixture
def chained(empty_engine: Engine) -> Engine:
    return import_chain(empty_engine)


def test_upstream_and_downstream_of_the_implementer(chained: Engine) -> None:
    with session_scope(chained) as session:
        chain = funding_chain(session, WATER, currency="JPY", depth=3)
    sides = {n.activity: (n.side, n.distance) for n in chain.nodes}
    assert sides == {
        WATER: (Side.ROOT, 0),
        LOAN: (Side.UPSTREAM, 1),
        BUDGET: (Side.UPSTREAM, 2),
        PIPES: (Side.DOWNSTREAM, 1),
    }
    [funding] = chain.funders(WATER)
    assert funding.provider == LOAN
    # The same money reported by both publishers: JICA's commitment and disbursement, the
    # implementer's incoming commitment and incoming funds.
    assert [(m.reported_by, m.type) for m in funding.transactions] == [
        (LOAN, 2),
        (WATER, 11),
        (LOAN, 3),
        (WATER, 1),
    ]
    assert funding.reported_by == sorted([LOAN, WATER])
    [works] = chain.funded(WATER)
    assert works.receiver == PIPES
    assert [(m.reported_by, m.type, m.value, m.currency) for m in works.transactions] == [
        (WATER, 2, Decimal("5000000"), "USD"),
        (PIPES, 11, Decimal("5000000"), "USD"),
    ]


def test_downstream_of_the_funder_to_the_depth_limit(chained: Engine) -> None:
    with session_scope(chained) as session:
        deep = funding_chain(session, LOAN, depth=2)
        shallow = funding_chain(session, LOAN, depth=1)
    assert [(n.activity, n.distance) for n in deep.downstream] == [(WATER, 1), (PIPES, 2)]
    assert [n.activity for n in deep.upstream] == [BUDGET]
    assert [n.activity for n in shallow.downstream] == [WATER]
    assert PIPES not in {link.receiver for link in shallow.links}


def test_an_activity_outside_the_register_is_an_external_node(chained: Engine) -> None:
    with session_scope(chained) as session:
        chain = funding_chain(session, LOAN)
    budget = chain.node(BUDGET)
    assert budget is not None
    assert not budget.in_register and budget.title is None
    assert budget.organisation == "Ministry of Foreign Affairs of Japan"
    loan = chain.node(LOAN)
    assert loan is not None and loan.in_register
    assert loan.title == "Samarkand water supply loan" and loan.counts_toward_goal


def _ecb_cross(amount: str, to_per_eur: str, from_per_eur: str) -> Decimal:
    """The ECB cross rate by hand: amount × to/EUR ÷ from/EUR, to the cent, half to even."""
    value = Decimal(amount) * Decimal(to_per_eur) / Decimal(from_per_eur)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def test_amounts_are_converted_at_their_value_dates_with_the_source(chained: Engine) -> None:
    with session_scope(chained) as session:
        chain = funding_chain(session, WATER, currency="USD")
    money = {m.ref: m for link in chain.links for m in link.transactions}
    commitment = money["chain-loan-commitment"]
    assert (commitment.value, commitment.currency) == (Decimal("10000000000"), "JPY")
    assert commitment.value_date == dt.date(2026, 3, 2)
    # ECB reference rates of 2026-03-02: 1.1698 USD and 184.19 JPY per EUR.
    assert commitment.converted == _ecb_cross("10000000000", "1.1698", "184.19")
    assert commitment.target == "USD"
    assert "daily rate" in commitment.conversion and "ECB day 2026-03-02" in commitment.conversion
    assert commitment.sources == ["European Central Bank euro foreign exchange reference rates"]
    incoming = money["water-incoming-commitment"]
    # The implementer reports the same yen a week later: converted at its own date.
    assert incoming.converted == _ecb_cross("10000000000", "1.1641", "183.67")
    works = money["water-works-contract"]
    assert works.converted == Decimal("5000000.00") and works.rate == 1
    assert all(isinstance(m.value, Decimal) and m.currency for m in money.values())


def test_the_money_is_counted_once_at_the_provider(chained: Engine) -> None:
    with session_scope(chained) as session:
        book = RateBook.from_session(session)
        chain = funding_chain(session, WATER, currency="JPY", book=book)
        announced = progress(session, currency="JPY", book=book)
        direct = progress(session, currency="JPY", book=book, direct=True)
    [funding] = chain.funders(WATER)
    assert funding.counted_at == [LOAN]
    counted = {m.ref: m.counts_under for m in funding.transactions}
    assert counted == {
        "chain-loan-commitment": [Measure.ANNOUNCED, Measure.SIGNED],
        "chain-loan-disbursement": [Measure.DISBURSED],
        "water-incoming-commitment": [],
        "water-incoming-funds": [],
    }
    # Reported twice (10 bn + 10 bn committed), counted once: the tracker's total is JICA's.
    reported = sum(m.value for m in funding.transactions if m.type in (2, 11))
    assert reported == Decimal("20000000000")
    assert announced.total == direct.total == Decimal("10000000000")
    assert funding.counted_total == announced.total
    assert sum(link.counted_total for link in chain.links) == announced.total
    assert announced.measures["disbursed"] == Decimal("2500000000")
    # The implementer's own outgoing contract does not count: the project is not counted.
    [works] = chain.funded(WATER)
    assert works.counted_at == [] and works.counted_total == 0


def test_counting_follows_the_rule_period(chained: Engine) -> None:
    rule = CountingRule(period_start=dt.date(2026, 6, 1), period_end=dt.date(2027, 5, 31))
    with session_scope(chained) as session:
        chain = funding_chain(session, WATER, rule=rule)
    counted = {m.ref: m.counts_under for m in chain.funders(WATER)[0].transactions}
    assert counted["chain-loan-commitment"] == []
    assert counted["chain-loan-disbursement"] == [Measure.DISBURSED]


def test_a_cycle_terminates_and_each_activity_appears_once(empty_engine: Engine) -> None:
    import_chain(empty_engine, "loop-back.xml")
    with session_scope(empty_engine) as session:
        chain = funding_chain(session, WATER, depth=10)
    ids = [n.activity for n in chain.nodes]
    assert sorted(ids) == sorted({WATER, LOAN, BUDGET, PIPES, REFUND})
    pairs = {(link.provider, link.receiver) for link in chain.links}
    assert {(LOAN, WATER), (WATER, PIPES), (PIPES, REFUND), (REFUND, LOAN)} <= pairs
    assert len(pairs) == len(chain.links)


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement sent to ``engine`` inside the block."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_queries_are_batched_per_level_not_per_transaction(empty_engine: Engine) -> None:
    import_chain(empty_engine, "loop-back.xml")
    with session_scope(empty_engine) as session:
        book = RateBook.from_session(session)
        with _statements(empty_engine) as sent:
            chain = funding_chain(session, WATER, depth=10, book=book)
    # Each side reaches something new at levels 1-3 and nothing at level 4, where the walk
    # stops: two queries per side and level, the project check and the node lookup.
    assert len(sent) == 1 + 2 * 2 * 4 + 1
    assert sum(len(link.transactions) for link in chain.links) == 9  # all of the four files


def test_unknown_project_currency_and_depth_are_refused(chained: Engine) -> None:
    with session_scope(chained) as session:
        with pytest.raises(NotFoundError, match="no project with identifier 'nope'"):
            funding_chain(session, "nope")
        with pytest.raises(InputError, match="currency must be one with exchange rates"):
            funding_chain(session, WATER, currency="XYZ")
        with pytest.raises(InputError, match="depth must be from 1 to 10; got 0"):
            funding_chain(session, WATER, depth=0)
