"""Matching: the hard requirements' boundaries pinned; every returned investor passes all."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cajad.brokerage.matching import POINTS, match
from tests.brokerage.factories import investor, need, project


def passes(inv: object, proj: object = None, amount: int = 100) -> bool:
    found = match(proj or project(), need(amount), [inv])  # type: ignore[list-item]
    return bool(found.investors)


def test_ticket_exactly_at_the_need_passes_and_one_more_fails() -> None:
    assert passes(investor(min_ticket=100), amount=100)
    assert not passes(investor(min_ticket=101), amount=100)


def test_a_maximum_below_the_need_only_limits_the_share() -> None:
    (c,) = match(project(), need(100), [investor(max_ticket=40)]).investors
    fit = next(r for r in c.soft if r.name == "ticket fit")
    assert fit.points == POINTS["ticket fit"] * Decimal("0.4")


def test_a_maximum_exactly_at_the_need_covers_it_whole() -> None:
    (c,) = match(project(), need(100), [investor(max_ticket=100)]).investors
    fit = next(r for r in c.soft if r.name == "ticket fit")
    assert fit.points == POINTS["ticket fit"] and "whole need" in fit.text


@pytest.mark.parametrize(("grade", "ok"), [("A", True), ("C", True), ("D", False), (None, False)])
def test_grade_exactly_at_min_grade_passes(grade: str | None, ok: bool) -> None:
    assert passes(investor(min_grade="C"), project(grade=grade)) is ok


@pytest.mark.parametrize(
    ("category", "ok"), [("C", True), ("B", True), ("A", False), ("FI", False), (None, False)]
)
def test_category_exactly_at_max_category_passes(category: str | None, ok: bool) -> None:
    assert passes(investor(max_category="B"), project(category=category)) is ok


def test_unpublished_limits_do_not_exclude_and_say_so() -> None:
    (c,) = match(project(grade=None, category=None), need(1), [investor()]).investors
    texts = " | ".join(c.as_dict()["requirements"])
    assert "no minimum published" in texts and "no limit published" in texts


def test_country_sector_instrument_exclude_with_reasons() -> None:
    found = match(
        project(instrument="grant aid"),
        need(10),
        [
            investor("far", countries=("TH",)),
            investor("off", sectors=("hrd",)),
            investor("lender", instruments=("loan",)),
            investor("giver", instruments=("grant",), countries=()),
            investor("code", sectors=("232",), instruments=("grant",)),
        ],
    )
    assert [c.investor.id for c in found.investors] == ["code", "giver"]
    failed = {c.investor.id: c.excluded_dict()["failed"] for c in found.excluded}
    assert "not in UZ" in failed["far"][0]
    assert failed["off"][0].startswith("sector:")
    assert failed["lender"][0].startswith("instrument:")


def test_every_score_is_the_sum_of_its_reasons() -> None:
    found = match(project(), need(100), [investor(max_ticket=50, countries=())])
    for c in found.investors:
        assert Decimal(str(c.as_dict()["score"])) == sum(r.points for r in c.soft)


investors_strategy = st.lists(
    st.builds(
        investor,
        ident=st.text("abcdefgh", min_size=1, max_size=6),
        countries=st.sampled_from([(), ("UZ",), ("KZ",), ("UZ", "KZ")]),
        sectors=st.sampled_from([("green",), ("hrd",), ("23",), ("connectivity", "green")]),
        instruments=st.sampled_from([("loan",), ("grant",), ("equity", "guarantee")]),
        min_ticket=st.one_of(st.none(), st.integers(1, 200)),
        min_grade=st.one_of(st.none(), st.sampled_from("ABCDF")),
        max_category=st.one_of(st.none(), st.sampled_from("ABC")),
    ),
    max_size=8,
    unique_by=lambda i: i.id,
)


@settings(max_examples=150, deadline=None)
@given(
    investors=investors_strategy,
    amount=st.integers(1, 200),
    grade=st.one_of(st.none(), st.sampled_from("ABCDF")),
    category=st.one_of(st.none(), st.sampled_from(["A", "B", "C", "FI"])),
    instrument=st.sampled_from([None, "grant aid", "ODA loan", "private investment", "MoU"]),
)
def test_every_returned_investor_passes_every_hard_requirement(
    investors: list, amount: int, grade: str | None, category: str | None, instrument: str | None
) -> None:
    proj = project(grade=grade, category=category, instrument=instrument)
    found = match(proj, need(amount), investors)
    grades, categories = "ABCDEF", "CBA"
    for c in found.investors:
        i = c.investor
        assert not i.countries or "UZ" in i.countries
        assert "green" in i.sectors or any("23210".startswith(s) for s in i.sectors if s.isdigit())
        assert i.min_ticket is None or i.min_ticket <= amount
        if i.min_grade:
            assert grade is not None and grades.index(grade) <= grades.index(i.min_grade)
        if i.max_category:
            assert category is not None
            cat = "A" if category == "FI" else category
            assert categories.index(cat) <= categories.index(i.max_category)
    assert len(found.investors) + len(found.excluded) == len(investors)
    scores = [c.score for c in found.investors]
    assert scores == sorted(scores, reverse=True)
