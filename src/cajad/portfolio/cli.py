"""``cajad plan`` and ``cajad benefits``, added to the cajad CLI by :func:`register`: a thin
layer over the planner.

Exit codes as in :mod:`cajad._cli`: 0 a plan was found, 1 cajad failed, 2 input refused or no
portfolio meets the policy (``--json`` still prints the result, with the conflict).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine

from cajad._cli import (
    EXIT_REFUSED,
    ArgumentError,
    AsOption,
    as_number,
    err,
    existing_file,
    exit_codes,
    local_actor,
    open_register,
    out,
)
from cajad.accounts import acting as account_actor
from cajad.accounts import principal_of
from cajad.portfolio.benefits import (
    authorize_benefit,
    benefit_rows,
    benefit_table,
    clear_benefit,
    set_benefit,
)
from cajad.portfolio.candidates import Candidate, read_candidates
from cajad.portfolio.from_register import read_benefits, register_candidates, register_problem
from cajad.portfolio.planner import Plan, plan
from cajad.portfolio.policy import Policy, parse_budget, policy_from_text
from cajad.portfolio.problem import Problem, make_problem
from cajad.register import Actor, session_scope

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``plan`` and ``benefits set|clear|list`` to ``app``."""
    app.command("plan")(plan_command)
    benefits_app.command("set")(benefits_set_command)
    benefits_app.command("clear")(benefits_clear_command)
    benefits_app.command("list")(benefits_list_command)
    app.add_typer(benefits_app, name="benefits")


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
    """Choose the projects to back within yearly budgets, with alternatives and reasons.

    Try the bundled example (twenty real projects; see SOURCE.md beside it):

    cajad plan --candidates src/cajad/data/portfolio/example_candidates.csv
    --budget 2026=40000000000 --budget 2027=40000000000 --budget 2028=40000000000
    --budget 2029=40000000000 --budget 2030=40000000000
    --min-share area:hrd=0.2 --max-share country:UZ=0.6 --min-grade C --alternatives 2
    """
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


benefits_app = typer.Typer(
    help="The planner's benefits table: set, clear and list each project's benefit.",
    no_args_is_help=True,
)


@exit_codes
def benefits_set_command(
    project: Annotated[str, typer.Argument(help="Project identifier.")],
    value: Annotated[str, typer.Argument(help="Benefit, in the plan currency's millions.")],
    note: Annotated[str, typer.Option(help="Why this value (shown with the plan).")] = "",
    kind: Annotated[
        str, typer.Option(help="user (a judgement), or sourced, fitted, assumed with --basis.")
    ] = "user",
    basis: Annotated[str, typer.Option(help="What the value rests on (a source, a fit).")] = "",
    as_email: AsOption = None,
) -> None:
    """Set a project's benefit; it overrides the register default in every plan. Audited."""
    amount = as_number(value, "VALUE")
    if len(note) > 2000 or len(basis) > 2000:
        raise ArgumentError("--note and --basis must be at most 2000 characters")
    engine = open_register()
    actor = _benefit_actor(engine, as_email, project)
    with session_scope(engine, actor=actor) as session:
        row = set_benefit(session, project, amount, note=note, kind=kind, basis=basis)
        said = f"{project}: benefit {row.value} ({row.kind}) set by {row.updated_by}"
    out.print(said, highlight=False, markup=False)


@exit_codes
def benefits_clear_command(
    project: Annotated[str, typer.Argument(help="Project identifier.")],
    as_email: AsOption = None,
) -> None:
    """Remove a project's set benefit: the register default applies again. Audited."""
    engine = open_register()
    actor = _benefit_actor(engine, as_email, project)
    with session_scope(engine, actor=actor) as session:
        gone = clear_benefit(session, project)
    out.print(
        f"{project}: " + ("set benefit removed" if gone else "no benefit was set"),
        highlight=False,
        markup=False,
    )


@exit_codes
def benefits_list_command(
    currency: Annotated[str, typer.Option(help="Plan currency.")] = "JPY",
    since: Annotated[int, typer.Option(help="First year of the plan.", min=1900, max=2199)] = 2025,
    years: Annotated[int, typer.Option(help="Years the plan spans.", min=1, max=50)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Each candidate's benefit: the value set, else the register default, and its source."""
    policy = policy_from_text(currency=currency, budgets=[f"{since}=1"])
    with session_scope(open_register()) as session:
        found = register_candidates(session, policy.currency, since=since)
        table = benefit_table(session, found, policy.currency, years)
    if as_json:
        print(json.dumps(benefit_rows(table), indent=2, ensure_ascii=False))
        return
    for key in sorted(table):
        b = table[key]
        out.print(f"{key:<44} {b.value:>14} {b.origin:<8} {b.kind:<8}", highlight=False)
        out.print(f"    {b.source}", highlight=False, markup=False)


def _benefit_actor(engine: Engine, as_email: str | None, project: str) -> Actor:
    if as_email is None:
        return local_actor()
    with session_scope(engine) as session:
        who = authorize_benefit(session, principal_of(session, as_email), project)
    return account_actor(who)
