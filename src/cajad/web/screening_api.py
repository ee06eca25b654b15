"""The screening API: the catalogue, a project's verdict, its history, its questions, and the
grade, category and flags of every screened project for the planner and the broker.

A thin edge over :mod:`cajad.screening`. A verdict is the object ``cajad screen ID --json``
prints. A project not in the register, or not screened yet, is a 404; any other refusal of the
screening engine a 422; both in the one error shape. Reviewers' answers are not taken here:
they need accounts, which the portal does not have yet, so ``cajad answer`` records them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy import Engine
from starlette.exceptions import HTTPException

from cajad.register.errors import NotFoundError
from cajad.screening import (
    NotScreenedError,
    ProjectQuality,
    ScreeningError,
    current,
    history,
    load_catalogue,
    quality,
    questionnaire,
    screen_project,
)
from cajad.web.deps import SessionDep
from cajad.web.errors import ParameterError, error_responses

#: Who the audit log names for screenings recorded through the portal.
WEB_ACTOR = "cajad web"

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
    screened_at: dt.datetime


@contextmanager
def screening_errors() -> Iterator[None]:
    """The screening engine's refusals as HTTP errors: not found 404, refused 422."""
    try:
        yield
    except NotScreenedError as exc:
        raise NotFoundError(str(exc)) from exc  # the register's 404: "Not found", same title
    except ScreeningError as exc:
        raise HTTPException(422, str(exc)) from exc


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
    )


CATEGORIES = ("A", "B", "C", "FI")


def grades() -> list[str]:
    """The grades of the latest catalogue, best first, then the blocked grade."""
    grading = load_catalogue().head.grading
    return [band.grade for band in grading.bands] + [grading.blocked]


def checked_filters(grade: str | None, category: str | None) -> tuple[str | None, str | None]:
    """``grade`` and ``category`` upper-cased, or a ParameterError naming the one refused."""
    allowed = grades()
    if grade and grade.upper() not in allowed:
        raise ParameterError("grade", f"must be one of {', '.join(allowed)}; got {grade!r}")
    if category and category.upper() not in CATEGORIES:
        choices = ", ".join(CATEGORIES)
        raise ParameterError("category", f"must be one of {choices}; got {category!r}")
    return (grade.upper() if grade else None, category.upper() if category else None)


def select_quality(
    found: dict[str, ProjectQuality],
    grade: str | None = None,
    category: str | None = None,
    blocked: bool | None = None,
) -> list[ProjectQuality]:
    """The screened projects matching every filter (grade, category case-insensitive)."""
    return [
        q
        for _id, q in sorted(found.items())
        if (not grade or q.grade == grade.upper())
        and (not category or q.category.upper() == category.upper())
        and (blocked is None or q.blocked == blocked)
    ]


@router.get("/screening/catalogue", summary="The screening catalogue (latest version)")
def catalogue() -> dict[str, Any]:
    """Every standard, rule, question and grading band of the current catalogue version."""
    with screening_errors():
        return load_catalogue().as_json()


@router.get(
    "/screening",
    response_model=list[ProjectQualityOut],
    summary="Grade, category and flags of screened projects",
)
def screened(
    session: SessionDep, grade: Grade = None, category: Category = None, blocked: Blocked = None
) -> list[ProjectQualityOut]:
    """The current screening of every screened project matching the filters, by identifier."""
    grade, category = checked_filters(grade, category)
    return [quality_out(q) for q in select_quality(quality(session), grade, category, blocked)]


@router.get("/projects/{identifier:path}/screening/history", summary="Every screening of a project")
def screening_history(session: SessionDep, identifier: Identifier) -> list[dict[str, Any]]:
    """Every stored screening of the project, oldest first, each as ``cajad screen --json``."""
    with screening_errors():
        return [s.as_json() for s in history(session, identifier)]


@router.get("/projects/{identifier:path}/screening", summary="A project's current verdict")
def screening(session: SessionDep, identifier: Identifier) -> dict[str, Any]:
    """The latest stored screening, the object ``cajad screen ID --json`` prints."""
    with screening_errors():
        return current(session, identifier).as_json()


@router.post("/projects/{identifier:path}/screening", summary="Screen a project now")
def screen_now(request: Request, identifier: Identifier) -> dict[str, Any]:
    """Screen the project against the latest catalogue and answer the verdict; a new screening
    is recorded (in its own transaction, audited) only if its facts or the catalogue changed."""
    engine: Engine = request.app.state.engine
    with screening_errors():
        return screen_project(engine, identifier, actor=WEB_ACTOR).as_json()


@router.get("/projects/{identifier:path}/questions", summary="A project's questionnaire")
def questions(session: SessionDep, identifier: Identifier) -> list[dict[str, Any]]:
    """The questions that apply to the project now, what evidence satisfies each, and the
    current answers. Answers are recorded with ``cajad answer`` (no accounts here yet)."""
    with screening_errors():
        return [q.as_json() for q in questionnaire(session, identifier)]
