"""Invariants of the planner on random small instances, against brute force."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cajad.portfolio import (
    Candidate,
    Cost,
    CountLimit,
    Policy,
    ShareLimit,
    build_model,
    feasible,
    make_problem,
    plan,
)

from .checks import broken, feasible_values

AREAS = ("green", "connectivity", "hrd")
COUNTRIES = ("KZ", "UZ", "KG")
YEARS = (2026, 2027)
GAP = Decimal("0.25")


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Candidate], Policy]:
    n = draw(st.integers(min_value=1, max_value=9))
    candidates: list[Candidate] = []
    for i in range(n):
        # Now and then a second variant of the project before.
        variant = i > 0 and draw(st.integers(0, 5)) == 0 and not candidates[-1].variant
        project = candidates[-1].project if variant else f"p{i}"
        years = draw(st.lists(st.sampled_from(YEARS), min_size=1, max_size=2, unique=True))
        costs = tuple(
            Cost(year=y, amount=Decimal(draw(st.integers(0, 40))), currency="JPY")
            for y in sorted(years)
        )
        earlier = sorted({c.project for c in candidates} - {project})
        links = (
            st.lists(st.sampled_from(earlier), max_size=1, unique=True) if earlier else st.just([])
        )
        candidates.append(
            Candidate(
                project=project,
                variant=f"v{i}" if variant else "",
                costs=costs,
                benefit=Decimal(draw(st.integers(0, 20))),
                area=draw(st.sampled_from(AREAS)),
                country=draw(st.sampled_from(COUNTRIES)),
                grade=draw(st.sampled_from(["A", "B", "C", "D", "F", None])),
                requires=tuple(draw(links)) if draw(st.integers(0, 3)) == 0 else (),
                excludes=tuple(draw(links)) if draw(st.integers(0, 3)) == 0 else (),
                tags=("minerals",) if draw(st.booleans()) else (),
            )
        )
    # variants of one project share its links (the CSV reader makes them so)
    shares = st.builds(
        ShareLimit,
        dimension=st.sampled_from(["area", "country", "tag"]),
        name=st.sampled_from([*AREAS, *COUNTRIES, "minerals"]),
        bound=st.sampled_from(["min", "max"]),
        share=st.integers(0, 20).map(lambda k: Decimal(k) / 20),
    )
    counts = st.builds(
        CountLimit,
        dimension=st.just("tag"),
        name=st.just("minerals"),
        bound=st.sampled_from(["min", "max"]),
        count=st.integers(0, 2),
    )
    projects = sorted({c.project for c in candidates})
    policy = Policy(
        currency="JPY",
        budgets={y: Decimal(draw(st.integers(0, 60))) for y in YEARS if draw(st.integers(0, 4))}
        or {2026: Decimal(30)},
        carry_over=draw(st.booleans()),
        shares=tuple(draw(st.lists(shares, max_size=2))),
        counts=tuple(draw(st.lists(counts, max_size=1))),
        min_grade=draw(st.sampled_from([None, None, "B", "C", "D"])),
        include=tuple(draw(st.lists(st.sampled_from(projects), max_size=1))),
    )
    return candidates, policy


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(instances())
def test_plan_is_feasible_optimal_with_the_next_best_alternatives(
    instance: tuple[list[Candidate], Policy],
) -> None:
    candidates, policy = instance
    result = plan(make_problem(candidates, policy), alternatives_count=3, gap=GAP, explain=False)
    every = feasible_values(candidates, policy)
    if not every:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    assert result.best is not None
    assert broken(candidates, policy, result.selected) == []
    assert result.objective == every[0][0]  # brute force
    floor = every[0][0] - GAP * abs(every[0][0])
    seen = {frozenset(result.selected)}
    for alternative in result.alternatives:
        assert broken(candidates, policy, alternative.selected) == []
        assert floor <= alternative.objective <= result.best.objective
        assert frozenset(alternative.selected) not in seen
        seen.add(frozenset(alternative.selected))
    # They are the next best: their values are brute force's next values within the gap.
    within = [value for value, _ in every[1:] if value >= floor][:3]
    assert [a.objective for a in result.alternatives] == within


@SETTINGS
@given(instances())
def test_a_conflict_is_infeasible_and_minimal(instance: tuple[list[Candidate], Policy]) -> None:
    candidates, policy = instance
    problem = make_problem(candidates, policy)
    result = plan(problem, explain=False)
    if result.status == "optimal":
        return
    model = build_model(problem)
    assert result.conflict
    assert not feasible(model.only(result.conflict))
    for name in result.conflict:
        rest = [n for n in result.conflict if n != name]
        assert feasible(model.only(rest)), f"{name} can go: the conflict is not minimal"


@settings(max_examples=25, deadline=None)
@given(instances())
def test_why_names_every_project_and_flips_are_consistent(
    instance: tuple[list[Candidate], Policy],
) -> None:
    candidates, policy = instance
    result = plan(make_problem(candidates, policy))
    assert set(result.why) == {c.project for c in candidates}
    chosen = {c.project for c in candidates if c.key in result.selected}
    for project, reason in result.why.items():
        if result.status == "infeasible":
            continue
        assert reason.startswith("selected") == (project in chosen), (project, reason)
