"""The policy's rules at their edges: carry-over, a share at its limit, the minimum grade."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cajad.portfolio import Candidate, Cost, Policy, ShareLimit, make_problem, parse_share, plan

D = Decimal


def cand(name: str, costs: dict[int, int], benefit: int = 10, **kw: object) -> Candidate:
    fields: dict[str, object] = {"area": "green", "country": "KZ", "grade": "B"} | kw
    return Candidate(
        project=name,
        costs=tuple(Cost(year=y, amount=D(v), currency="JPY") for y, v in costs.items()),
        benefit=D(benefit),
        **fields,  # type: ignore[arg-type]
    )


def test_unspent_money_carries_forward() -> None:
    late = cand("late", {2027: 150})
    budgets = {2026: D(100), 2027: D(100)}
    carried = plan(make_problem([late], Policy(currency="JPY", budgets=budgets)))
    assert carried.selected == ("late",)
    strict = Policy(currency="JPY", budgets=budgets, carry_over=False)
    assert plan(make_problem([late], strict)).selected == ()


def test_money_never_carries_backward() -> None:
    early = cand("early", {2026: 150})
    budgets = {2026: D(100), 2027: D(100)}
    result = plan(make_problem([early], Policy(currency="JPY", budgets=budgets)))
    assert result.selected == ()
    assert "budget 2026" in result.why["early"] or "not selected" in result.why["early"]


def test_carry_over_is_spent_once() -> None:
    # 2026's unspent 50 pays for 2027 once: 50 + 100 + 100 > 100 + 100.
    a = cand("a", {2026: 50, 2027: 100}, benefit=5)
    b = cand("b", {2027: 100}, benefit=5)
    result = plan(
        make_problem([a, b], Policy(currency="JPY", budgets={2026: D(100), 2027: D(100)}))
    )
    assert len(result.selected) == 1


def test_a_year_without_budget_has_none() -> None:
    c = cand("c", {2028: 1})
    result = plan(
        make_problem([c], Policy(currency="JPY", budgets={2026: D(10)}, carry_over=False))
    )
    assert result.selected == ()
    with_carry = plan(make_problem([c], Policy(currency="JPY", budgets={2026: D(10)})))
    assert with_carry.selected == ("c",)


@pytest.mark.parametrize(("bound", "share", "selected"), [
    ("max", "0.4", ("kz", "uz")),  # KZ is exactly 40 %: allowed
    ("max", "0.39", ("uz",)),
    ("min", "0.4", ("kz", "uz")),  # exactly 40 %: allowed
    ("min", "0.41", ("kz",)),
])  # fmt: skip
def test_a_share_holds_at_exactly_its_limit(
    bound: str, share: str, selected: tuple[str, ...]
) -> None:
    kz = cand("kz", {2026: 40}, benefit=4, country="KZ")
    uz = cand("uz", {2026: 60}, benefit=6, country="UZ")
    limit = ShareLimit(dimension="country", name="KZ", bound=bound, share=D(share))  # type: ignore[arg-type]
    policy = Policy(currency="JPY", budgets={2026: D(100)}, shares=(limit,))
    assert plan(make_problem([kz, uz], policy)).selected == selected


def test_an_empty_plan_meets_no_minimum_share() -> None:
    a = cand("a", {2026: 10}, area="green")
    policy = Policy(
        currency="JPY", budgets={2026: D(100)}, shares=(parse_share("area:hrd=0.1", "min"),)
    )
    result = plan(make_problem([a], policy))
    assert result.status == "infeasible"
    assert result.conflict == ["min-share area:hrd=0.1"]


@pytest.mark.parametrize(
    ("grade", "selectable"), [("A", True), ("C", True), ("D", False), (None, False)]
)
def test_the_minimum_grade_itself_is_selectable(grade: str | None, selectable: bool) -> None:
    c = cand("c", {2026: 10}, grade=grade)
    policy = Policy(currency="JPY", budgets={2026: D(100)}, min_grade="C")
    result = plan(make_problem([c], policy))
    assert (result.selected == ("c",)) is selectable
    if not selectable:
        assert result.why["c"].startswith("not selectable")


def test_red_flags_block_whatever_the_grade_minimum() -> None:
    flagged = cand("f", {2026: 10}, grade="F", benefit=100)
    result = plan(make_problem([flagged], Policy(currency="JPY", budgets={2026: D(100)})))
    assert result.selected == ()
    assert "red flags" in result.why["f"]


def test_weights_multiply_benefit() -> None:
    a = cand("a", {2026: 60}, benefit=10, area="green")
    b = cand("b", {2026: 60}, benefit=8, area="hrd")
    weights = {"area": {"hrd": D(2)}}
    policy = Policy(currency="JPY", budgets={2026: D(100)}, weights=weights)  # type: ignore[arg-type]
    result = plan(make_problem([a, b], policy))
    assert result.selected == ("b",) and result.objective == D(16)
