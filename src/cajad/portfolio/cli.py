"""``cajad plan``, added to the cajad CLI by :func:`register`: a thin layer over the planner.

Exit codes as in :mod:`cajad._cli`: 0 a plan was found, 1 cajad failed, 2 input refused or no
portfolio meets the policy (``--json`` still prints the result, with the conflict).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from cajad._cli import EXIT_REFUSED, err, existing_file, exit_codes, open_register, out
from cajad.portfolio.candidates import Candidate, read_candidates
from cajad.portfolio.from_register import read_benefits, register_problem
from cajad.portfolio.planner import Plan, plan
from cajad.portfolio.policy import Policy, parse_budget, policy_from_text
from cajad.portfolio.problem import Problem, make_problem
from cajad.register import session_scope

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``plan`` to ``app``."""
    app.command("plan")(plan_command)


@exit_codes
def plan_command(
    budget: Annotated[
        list[str], typer.Option(help="A year's budget, YEAR=AMOUNT (repeat for each year).")
    ],
    candidates: Annotated[
        Path | None,
        typer.Option(
            help="Candidates CSV (project, year, cost, currency, benefit, area, "
            "country, grade; optional requires, excludes, tags, variant). "
            "Default: the register's projects."
        ),
    ] = None,
    currency: Annotated[str, typer.Option(help="Plan currency.")] = "JPY",
    min_share: Annotated[
        list[str] | None, typer.Option(help="DIMENSION:NAME=SHARE, e.g. area:hrd=0.2.")
    ] = None,
    max_share: Annotated[
        list[str] | None, typer.Option(help="DIMENSION:NAME=SHARE, e.g. country:KZ=0.4.")
    ] = None,
    min_count: Annotated[
        list[str] | None, typer.Option(help="DIMENSION:NAME=N, e.g. tag:minerals=2.")
    ] = None,
    max_count: Annotated[list[str] | None, typer.Option(help="DIMENSION:NAME=N.")] = None,
    min_grade: Annotated[str | None, typer.Option(help="Minimum screening grade, A-D.")] = None,
    include: Annotated[list[str] | None, typer.Option(help="A project that must be in.")] = None,
    weight: Annotated[
        list[str] | None, typer.Option(help="Benefit multiplier, area:NAME=W or grade:G=W.")
    ] = None,
    benefits: Annotated[
        Path | None, typer.Option(help="Benefits table CSV (project, benefit, source).")
    ] = None,
    carry_over: Annotated[bool, typer.Option(help="Unspent budget carries to later years.")] = True,
    alternatives: Annotated[int, typer.Option(min=0, help="Near-optimal alternatives.")] = 0,
    gap: Annotated[float, typer.Option(min=0.0, max=1.0, help="Their gap to the optimum.")] = 0.02,
    frontier: Annotated[
        str | None, typer.Option(help="Budget factors for the frontier, e.g. 0.5,1,1.5.")
    ] = None,
    explain: Annotated[
        int, typer.Option(min=0, help="Projects and constraints explained by re-solving.")
    ] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Choose the projects to back within yearly budgets, with alternatives and reasons."""
    policy = policy_from_text(
        currency=currency,
        budgets=budget,
        min_share=min_share or (),
        max_share=max_share or (),
        min_count=min_count or (),
        max_count=max_count or (),
        min_grade=min_grade,
        include=include or (),
        weights=weight or (),
        carry_over=carry_over,
    )
    factors = _factors(frontier)
    problem = _problem(policy, candidates, benefits)
    result = plan(
        problem,
        alternatives_count=alternatives,
        gap=Decimal(str(gap)),
        frontier_factors=factors,
        explain=explain > 0,
        explain_limit=explain,
    )
    if as_json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        _print(result)
    if result.status == "infeasible":
        if not as_json:
            err.print(
                "error: no portfolio meets the policy; conflicting: " + "; ".join(result.conflict),
                markup=False,
                highlight=False,
            )
        raise typer.Exit(EXIT_REFUSED)


def _factors(text: str | None) -> list[Decimal]:
    if not text:
        return []
    return [parse_budget(f"0={part}")[1] for part in text.split(",") if part.strip()]


def _problem(policy: Policy, path: Path | None, benefits: Path | None) -> Problem:
    table = read_benefits(existing_file(benefits, "--benefits")) if benefits else None
    found: list[Candidate] | None = None
    if path is not None:
        found = read_candidates(existing_file(path, "--candidates"))
        foreign = any(k.currency != policy.currency for c in found for k in c.costs)
        if not foreign and not table:
            return make_problem(found, policy)
    with session_scope(open_register()) as session:
        return register_problem(session, policy, benefits=table, candidates=found)


def _print(result: Plan) -> None:
    if result.status == "infeasible":
        out.print("[bold]infeasible[/]: no portfolio meets the policy", highlight=False)
        for name in result.conflict:
            out.print(f"  conflicting: {name}", highlight=False)
        return
    out.print(
        f"[bold]optimal[/]: objective {result.objective}, {len(result.selected)} selected, "
        f"cost {result.currency} {result.best.cost if result.best else 0:,}",
        highlight=False,
    )
    for project, reason in result.why.items():
        out.print(f"  {project}: {reason}", highlight=False, markup=False)
    for b in result.binding:
        out.print(
            f"  binds: {b.constraint} (slack {b.slack}); {b.relaxed} adds {b.gain}",
            highlight=False,
            markup=False,
        )
    for i, a in enumerate(result.alternatives, start=1):
        out.print(
            f"  alternative {i}: objective {a.objective}: {', '.join(a.selected)}",
            highlight=False,
            markup=False,
        )
    for p in result.frontier:
        out.print(f"  frontier ×{p.factor}: objective {p.objective}", highlight=False)
