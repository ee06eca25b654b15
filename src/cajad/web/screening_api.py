"""The screening API: the catalogue, a project's verdict, its history, its questions, and the
grade, category and flags of every screened project for the planner and the broker.

A thin edge over :mod:`cajad.screening`. A verdict is the object ``cajad screen ID --json``
prints. GETs write nothing: a project's verdict is the latest stored screening when it is
current, else the verdict computed now and not recorded (``"screening": null``); only the POST
(or ``cajad screen``) records one. The screening's own errors reach the one handler of
:mod:`cajad.web.errors` untouched: a project not in the register is a 404
(``NotScreenedError`` is a ``LookupError``); any other refusal of the screening engine a 422.
Writes need an account (:mod:`cajad.web.auth`): recording a screening a reviewer, an analyst or
an admin; a reviewer's answer with its evidence (``POST …/answers``) a reviewer or an admin,
recorded under the account, never a typed name.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from cajad.accounts import Action, Principal, acting, authorize_project, without_addresses
from cajad.register import session_scope
from cajad.screening import (
    ProjectQuality,
    history,
    load_catalogue,
    quality,
    questionnaire,
    record_answer,
    screen_project,
)
from cajad.screening.filters import CATEGORIES, QualityFilter, grades, select_quality
from cajad.screening.service import assess
from cajad.web.auth import PrincipalDep
from cajad.web.deps import SessionDep
from cajad.web.errors import ParameterError, error_responses
from cajad.web.params import Day
from cajad.web.schemas import UtcDateTime

router = APIRouter(
    prefix="/api",
    tags=["screening"],
    responses=error_responses(
        not_found="No such project, or not screened yet", invalid="Invalid parameters or refused"
    ),
)

Identifier = Annotated[str, Path(description="Project identifier.")]
Grade = Annotated[str | None, Query(max_length=4, description="Only this grade (A–D, F).")]
Category = Annotated[
    str | None, Query(max_length=4, description="Only this E&S category (A, B, C, FI).")
]
Blocked = Annotated[bool | None, Query(description="Only blocked (or not) by a red flag.")]


class ProjectQualityOut(BaseModel):
    """A project's current screening as the planner and the broker read it."""

    project: str
    grade: str
    category: str
    score: float | None
    blocked: bool
    red_flags: list[str]
    missing_evidence: int
    catalogue_version: str
    screening: int
    screened_at: UtcDateTime
    pending: int
    pre_screening: bool


def quality_out(found: ProjectQuality) -> ProjectQualityOut:
    return ProjectQualityOut(
        project=found.project,
        grade=found.grade,
        category=found.category,
        score=float(found.score) if found.score is not None else None,
        blocked=found.blocked,
        red_flags=list(found.red_flags),
        missing_evidence=found.missing_evidence,
        catalogue_version=found.catalogue_version,
        screening=found.screening,
        screened_at=found.screened_at,
        pending=found.pending,
        pre_screening=found.pre_screening,
    )


def quality_filter(
    grade: str | None = None, category: str | None = None, blocked: bool | None = None
) -> QualityFilter:
    """The filter the parameters ask for, grade and category upper-cased; a ParameterError
    names the one refused."""
    allowed = grades()
    if grade and grade.upper() not in allowed:
        raise ParameterError("grade", f"must be one of {', '.join(allowed)}; got {grade!r}")
    if category and category.upper() not in CATEGORIES:
        choices = ", ".join(CATEGORIES)
        raise ParameterError("category", f"must be one of {choices}; got {category!r}")
    return QualityFilter(
        grade=grade.upper() if grade else None,
        category=category.upper() if category else None,
        blocked=blocked,
    )


@router.get("/screening/catalogue", summary="The screening catalogue (latest version)")
def catalogue() -> dict[str, Any]:
    """Every standard, rule, question and grading band of the current catalogue version."""
    return load_catalogue().as_dict()


@router.get(
    "/screening",
    response_model=list[ProjectQualityOut],
    summary="Grade, category and flags of screened projects",
)
def screened(
    session: SessionDep, grade: Grade = None, category: Category = None, blocked: Blocked = None
) -> list[ProjectQualityOut]:
    """The current screening of every screened project matching the filters, by identifier."""
    where = quality_filter(grade, category, blocked)
    return [quality_out(q) for q in select_quality(quality(session), where)]


@router.get("/projects/{identifier:path}/screening/history", summary="Every screening of a project")
def screening_history(session: SessionDep, identifier: Identifier) -> list[dict[str, Any]]:
    """Every stored screening of the project, oldest first, each as ``cajad screen --json``
    (reviewers by their role, never an e-mail address)."""
    return without_addresses(session, [s.as_dict() for s in history(session, identifier)])


@router.get("/projects/{identifier:path}/screening", summary="A project's current verdict")
def screening(session: SessionDep, identifier: Identifier) -> dict[str, Any]:
    """The current verdict, the object ``cajad screen ID --json`` prints: the latest stored
    screening if the project's facts and the catalogue are unchanged, else computed now and
    not recorded (``screening`` null). Nothing is written: POST records a screening. Reviewers
    are named by their role, never an e-mail address."""
    return without_addresses(session, assess(session, identifier).as_dict())


@router.post(
    "/projects/{identifier:path}/screening",
    summary="Screen a project now",
    responses=error_responses(writes=True),
)
def screen_now(
    request: Request, session: SessionDep, who: PrincipalDep, identifier: Identifier
) -> dict[str, Any]:
    """Screen the project against the latest catalogue and answer the verdict; a new screening
    is recorded (in its own transaction, audited under the account) only if its facts or the
    catalogue changed. Needs a reviewer, an analyst or an admin."""
    allowed = authorize_project(session, who, Action.SCREEN, identifier)
    engine: Engine = request.app.state.engine
    return screen_project(engine, identifier, actor=acting(allowed)).as_dict()


class AnswerIn(BaseModel):
    """A reviewer's answer to one question of the catalogue, with its evidence."""

    model_config = {"extra": "forbid"}

    question: str = Field(max_length=60, description="The question (rule id), e.g. PS1.ESIA.")
    value: str = Field(max_length=20, description="yes, partial, no, na (or A/B/C/FI).")
    note: str | None = Field(None, max_length=4000, description="Why (required for na).")
    links: list[str] = Field(default_factory=list, max_length=20, description="Evidence URLs.")
    documents: list[int] = Field(
        default_factory=list, max_length=20, description="Evidence: register document ids."
    )
    answered_on: Day | None = Field(None, description="The day of the answer (today).")


@router.post(
    "/projects/{identifier:path}/answers",
    summary="Answer a screening question",
    status_code=201,
    responses=error_responses(writes=True, body=True),
)
async def answer(
    request: Request, who: PrincipalDep, identifier: Identifier, body: AnswerIn
) -> dict[str, Any]:
    """Record a reviewer's answer with its evidence (an override where a rule decides), then
    screen the project again; the answer and the screening as ``cajad answer --json`` prints
    them. The reviewer is the signed-in account. Needs a reviewer or an admin."""
    engine: Engine = request.app.state.engine
    return await run_in_threadpool(answer_as, engine, who, identifier, body)


def answer_as(
    engine: Engine, who: Principal | None, identifier: str, body: AnswerIn
) -> dict[str, Any]:
    """Record ``body`` as ``who``'s answer (a reviewer or an admin) and screen the project
    again; the API's answer and the screening page's form alike."""
    with session_scope(engine) as session:
        allowed = authorize_project(session, who, Action.ANSWER, identifier)
    reviewer = acting(allowed)
    recorded = record_answer(
        engine,
        identifier,
        body.question,
        body.value,
        reviewer=reviewer,
        answered_on=body.answered_on,
        note=body.note,
        links=body.links,
        documents=body.documents,
    )
    screened = screen_project(engine, identifier, actor=reviewer)
    with session_scope(engine) as session:
        return without_addresses(session, recorded.as_dict() | {"screening": screened.as_dict()})


@router.get("/projects/{identifier:path}/questions", summary="A project's questionnaire")
def questions(session: SessionDep, identifier: Identifier) -> list[dict[str, Any]]:
    """The questions that apply to the project now, what evidence satisfies each, and the
    current answers (recorded by ``POST …/answers`` or ``cajad answer``), reviewers by their
    role."""
    return without_addresses(session, [q.as_dict() for q in questionnaire(session, identifier)])
