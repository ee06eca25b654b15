"""Consortia: they cover the need, respect each member's ticket range, and are minimal."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from cajad.brokerage.consortia import consortia, needs_guarantor
from cajad.brokerage.matching import Candidate, match
from tests.brokerage.factories import investor, need, project


def candidates(specs: list[tuple[int | None, int | None]], amount: int) -> list[Candidate]:
    invs = [
        investor(f"i{k}", min_ticket=lo, max_ticket=None if hi is None else max(hi, lo or 0))
        for k, (lo, hi) in enumerate(specs)
    ]
    return list(match(project(), need(amount), invs).investors)


def feasible(subset: list[Candidate], amount: int) -> bool:
    lo = sum((c.min_ticket or 0) for c in subset)
    hi = sum(min(c.max_ticket if c.max_ticket is not None else amount, amount) for c in subset)
    return lo <= amount <= hi


specs_strategy = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(1, 60)), st.one_of(st.none(), st.integers(1, 80))),
    min_size=1,
    max_size=10,
)


@settings(max_examples=80, deadline=None)
@given(specs=specs_strategy, amount=st.integers(1, 250))
def test_consortia_cover_the_need_within_each_ticket_range_and_are_minimal(
    specs: list[tuple[int | None, int | None]], amount: int
) -> None:
    cands = candidates(specs, amount)
    found = consortia(cands, need(amount), guarantor=False, count=2)
    by_id = {c.investor.id: c for c in cands}
    smallest = next(
        (
            k
            for k in range(1, len(cands) + 1)
            if any(feasible(list(s), amount) for s in combinations(cands, k))
        ),
        None,
    )
    if smallest is None:
        assert found == []
        return
    assert found, "a feasible consortium exists but none was found"
    assert len(found[0].members) == smallest
    for con in found:
        assert sum(m.ticket for m in con.members) == amount == con.covers
        for m in con.members:
            c = by_id[m.id]
            assert (c.min_ticket or 0) <= m.ticket
            assert c.max_ticket is None or m.ticket <= c.max_ticket
        lead = con.members[0]
        assert lead.role == "lead" and all(lead.ticket >= m.ticket for m in con.members)
    assert len({frozenset(m.id for m in con.members) for con in found}) == len(found)


def test_fewest_members_first_then_the_best_score() -> None:
    cands = candidates([(None, 60), (None, 60), (None, 100)], 100)
    (best,) = consortia(cands, need(100), guarantor=False, count=1)
    assert [m.id for m in best.members] == ["i2"]


def test_a_japanese_guarantor_takes_its_role_when_required() -> None:
    invs = [
        investor("lender", max_ticket=100),
        investor("nexi", origin="JP", instruments=("guarantee",), max_ticket=80),
        investor("ebrd-like", instruments=("guarantee", "loan")),
    ]
    cands = list(match(project(), need(100), invs).investors)
    (con,) = consortia(cands, need(100), guarantor=True, count=1)
    roles = {m.id: m.role for m in con.members}
    assert roles["nexi"] == "guarantor" and roles.get("ebrd-like") != "guarantor"
    assert next(m.ticket for m in con.members if m.id == "nexi") == 80
    assert sum(m.ticket for m in con.members if m.role != "guarantor") == 100


def test_no_japanese_guarantor_no_consortium_when_one_is_required() -> None:
    cands = list(match(project(), need(100), [investor("lender", max_ticket=100)]).investors)
    assert consortia(cands, need(100), guarantor=True) == []


def test_the_guarantor_rule_boundaries() -> None:
    assert needs_guarantor(project(area="green", countries=("UZ",)))
    assert needs_guarantor(project(area="connectivity", countries=("KZ",)))
    assert not needs_guarantor(project(area="hrd", countries=("UZ",)))
    assert not needs_guarantor(project(area="green", countries=("TH",)))
