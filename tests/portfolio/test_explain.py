"""Why a project is in or out, binding constraints, alternatives and the frontier, by example."""

from __future__ import annotations

from decimal import Decimal

from cajad.portfolio import Candidate, Cost, Policy, make_problem, parse_share, plan

D = Decimal


def cand(name: str, cost: int, benefit: int, area: str = "green", **kw: object) -> Candidate:
    return Candidate(
        project=name,
        costs=(Cost(year=2026, amount=D(cost), currency="JPY"),),
        benefit=D(benefit),
        area=area,
        country="KZ",
        **kw,  # type: ignore[arg-type]
    )


CANDIDATES = [cand("a", 60, 5), cand("b", 50, 4), cand("c", 40, 3)]
POLICY = Policy(currency="JPY", budgets={2026: D(100)})


def test_flip_points_are_exact() -> None:
    result = plan(make_problem(CANDIDATES, POLICY))
    assert result.selected == ("a", "c") and result.objective == D(8)
    # Without a, the best is b+c = 7: a's benefit may fall by 1.
    assert result.why["a"].startswith(
        "selected: it stays in unless its benefit falls by more than 1 "
    )
    # The best plan with b is b+c = 7: b must rise by more than 1.
    assert "rose by more than 1 " in result.why["b"]
    at = [CANDIDATES[0], cand("b", 50, 5), CANDIDATES[2]]  # exactly 1 more: a tie, a+c stays
    assert plan(make_problem(at, POLICY)).objective == D(8)
    past = [CANDIDATES[0], cand("b", 50, 6), CANDIDATES[2]]  # past the point: b comes in
    assert "b" in plan(make_problem(past, POLICY)).selected


def test_budget_binds_and_relaxing_it_is_worth_something() -> None:
    result = plan(make_problem(CANDIDATES, POLICY))
    budget = next(b for b in result.binding if b.constraint == "budget 2026")
    assert budget.slack == "0"
    relaxed = plan(make_problem(CANDIDATES, Policy(currency="JPY", budgets={2026: D(110)})))
    assert budget.gain == relaxed.objective - result.objective == D(1)  # a+b


def test_share_binding_and_its_value() -> None:
    cands = [*CANDIDATES, cand("h", 10, 1, area="hrd")]
    policy = Policy(
        currency="JPY", budgets={2026: D(100)}, shares=(parse_share("area:hrd=0.1", "min"),)
    )
    result = plan(make_problem(cands, policy))
    assert result.selected == ("b", "c", "h")
    assert result.why["h"] == "selected: no plan without it meets the constraints"


def test_alternatives_are_ranked_and_within_gap() -> None:
    result = plan(make_problem(CANDIDATES, POLICY), alternatives_count=5, gap=D("0.5"))
    values = [a.objective for a in result.alternatives]
    assert values == sorted(values, reverse=True)
    assert all(v >= D(4) for v in values) and values[0] == D(7)


def test_frontier_grows_with_the_budget() -> None:
    result = plan(make_problem(CANDIDATES, POLICY), frontier_factors=[D("0.5"), D(1), D(2)])
    objectives = [p.objective for p in result.frontier]
    assert objectives == [D(4), D(8), D(12)]


def test_contract_keys() -> None:
    data = plan(make_problem(CANDIDATES, POLICY), alternatives_count=1, gap=D("0.2")).as_dict()
    for key in ("status", "objective", "selected", "alternatives", "why", "binding", "conflict"):
        assert key in data
    assert data["alternatives"][0].keys() == {"selected", "objective"}
