"""The planner's API and page: a portfolio of the register's projects, with reasons in words.

A thin edge over :mod:`cajad.portfolio`: ``GET /api/plan`` takes the CLI's words as query
parameters (``budget=2026=600000000000``, ``min_share=area:hrd=0.2``…) and answers the object
``cajad plan --json`` prints. An infeasible policy is an answer, not an error: ``status`` says
``infeasible`` and ``conflict`` names the constraints that cannot hold together. ``/plan`` shows
the same on a page. Without a budget, the initiative's goal is the budget: JPY 3 trillion over
five years, 600 billion a year from 2025 (the summit of December 2025 opens the five years;
the deals signed around it are dated 2025).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from cajad.accounts import Action, Role, can
from cajad.portfolio import Plan, Problem, plan
from cajad.portfolio.benefits import benefit_rows, benefit_table
from cajad.portfolio.from_register import register_candidates, register_problem
from cajad.portfolio.policy import policy_from_text
from cajad.portfolio.tables import KINDS
from cajad.screening import quality
from cajad.web.auth import current_principal
from cajad.web.deps import SessionDep
from cajad.web.errors import error_responses
from cajad.web.plan_chart import two_indices
from cajad.web.templating import render

router = APIRouter(
    tags=["planner"], responses=error_responses(invalid="A budget, share or grade refused")
)

DEFAULT_BUDGETS = tuple(f"{year}=600000000000" for year in range(2025, 2030))
#: Projects explained by re-solving (one solve each); the rest are listed without reasons.
EXPLAIN_LIMIT = 60

Budgets = Annotated[
    list[str] | None,
    Query(description="A year's budget, YEAR=AMOUNT; repeat. Default: 600 bn JPY a year 2025-29."),
]
Shares = Annotated[list[str] | None, Query(description="DIMENSION:NAME=SHARE, e.g. area:hrd=0.2.")]
Currency = Annotated[str, Query(pattern=r"^[A-Za-z]{3}$", description="Plan currency.")]
Grade = Annotated[str | None, Query(pattern=r"^[A-Da-d]$", description="Minimum grade.")]
Alternatives = Annotated[int, Query(ge=0, le=10, description="Near-optimal alternatives.")]
Gap = Annotated[float, Query(ge=0, le=1, description="Their gap to the optimum.")]


def plan_register(
    session: Session,
    *,
    currency: str,
    budgets: list[str] | None,
    min_share: list[str] | None,
    max_share: list[str] | None,
    min_grade: str | None,
    alternatives: int,
    gap: float,
) -> Plan:
    """The plan the API and the page show."""
    return plan_with_problem(
        session,
        policy_text={
            "currency": currency,
            "budgets": budgets or DEFAULT_BUDGETS,
            "min_share": min_share or (),
            "max_share": max_share or (),
            "min_grade": min_grade,
        },
        alternatives=alternatives,
        gap=gap,
    )[0]


def plan_with_problem(
    session: Session, *, policy_text: dict[str, Any], alternatives: int, gap: float
) -> tuple[Plan, Problem]:
    """The plan and the problem it solved (the page places every candidate on the chart)."""
    problem = register_problem(session, policy_from_text(**policy_text))
    found = plan(
        problem, alternatives_count=alternatives, gap=Decimal(str(gap)), explain_limit=EXPLAIN_LIMIT
    )
    return found, problem


@router.get("/api/plan", summary="A recommended portfolio of the register's projects")
def plan_api(
    session: SessionDep,
    currency: Currency = "JPY",
    budget: Budgets = None,
    min_share: Shares = None,
    max_share: Shares = None,
    min_grade: Grade = None,
    alternatives: Alternatives = 0,
    gap: Gap = 0.02,
) -> dict[str, Any]:
    """The best portfolio within the yearly budgets, alternatives, and why each project is in
    or out; ``status`` infeasible with the ``conflict`` when nothing meets the policy."""
    found = plan_register(
        session,
        currency=currency,
        budgets=budget,
        min_share=min_share,
        max_share=max_share,
        min_grade=min_grade,
        alternatives=alternatives,
        gap=gap,
    )
    return found.as_dict()


@router.get("/api/benefits", summary="Each candidate's benefit for the planner, and its source")
def benefits_api(
    session: SessionDep,
    currency: Currency = "JPY",
    since: Annotated[int, Query(ge=1900, le=2199, description="First year of the plan.")] = 2025,
    years: Annotated[int, Query(ge=1, le=50, description="Years the plan spans.")] = 5,
) -> list[dict[str, Any]]:
    """As ``cajad benefits list --json``: the value set (``origin`` set) or the register
    default (``origin`` default), its kind (sourced, fitted, assumed, user), its parts and
    source in words."""
    code = policy_from_text(currency=currency, budgets=[f"{since}=1"]).currency
    found = register_candidates(session, code, since=since)
    return benefit_rows(benefit_table(session, found, code, years))


@router.get("/plan", include_in_schema=False)
def plan_page(
    request: Request,
    session: SessionDep,
    currency: Currency = "JPY",
    budget: Budgets = None,
    min_share: Shares = None,
    max_share: Shares = None,
    min_grade: Grade = None,
    alternatives: Alternatives = 2,
    gap: Gap = 0.02,
) -> Response:
    """The plan on a page: the selection, the reasons in words, what binds, alternatives, the
    two-index chart, and (for analysts and editors) the form that sets a project's benefit."""
    found, problem = plan_with_problem(
        session,
        policy_text={
            "currency": currency,
            "budgets": budget or DEFAULT_BUDGETS,
            "min_share": min_share or (),
            "max_share": max_share or (),
            "min_grade": min_grade,
        },
        alternatives=alternatives,
        gap=gap,
    )
    data = found.as_dict()
    chosen = set(found.selected)
    who = current_principal(request)
    context = {
        "ipf": two_indices(problem, quality(session), chosen),
        "may_set_benefits": who is not None and (can(who, Action.RUN) or who.role is Role.EDITOR),
        "benefit_kinds": KINDS,
        "section": "plan",
        "p": data,
        "budgets": budget or list(DEFAULT_BUDGETS),
        "min_share": min_share or [],
        "max_share": max_share or [],
        "min_grade": min_grade or "",
        "currency": currency.upper(),
        "cost": Decimal(data["cost"]) if data.get("cost") is not None else None,
        "query": request.url.query,
        "rows": [
            {
                "project": k,
                "selected": k in chosen,
                "why": data["why"].get(k, ""),
                "benefit": data["benefits"].get(k, ""),
            }
            for k in sorted(data["why"], key=lambda k: (k not in chosen, k))
        ],
    }
    return render(request, "plan.html", context)
