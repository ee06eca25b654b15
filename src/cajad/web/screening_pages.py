"""The screening's portal pages: the list of screened projects, a project's screening, its report.

``/screening`` lists the current grade, category and red flags of every screened project, with
filters that submit by GET. ``/projects/{id}/screening`` screens the project first (the service
does it in its own transaction and records a screening only when the project's facts or the
catalogue changed), then shows the verdict, its findings, the open questions and the history;
``/projects/{id}/screening/report`` is the printable report. The project page shows a short
"Quality screening" section through :func:`screening_for_project`, a template global installed
here. Answers are not recorded from the portal until reviewers have accounts: ``cajad answer``.
"""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi import APIRouter, Request
from sqlalchemy import Engine, select
from starlette.responses import HTMLResponse, Response

from cajad.register.models import Project
from cajad.register.store import session_scope
from cajad.screening import (
    ProjectQuality,
    history,
    load_catalogue,
    quality,
    questionnaire,
    report_html,
    screen_project,
)
from cajad.web.deps import SessionDep
from cajad.web.screening_api import (
    CATEGORIES,
    WEB_ACTOR,
    Blocked,
    Category,
    Grade,
    Identifier,
    checked_filters,
    grades,
    screening_errors,
    select_quality,
)
from cajad.web.templating import render, templates

router = APIRouter(include_in_schema=False)


@router.get("/screening")
def screening_list(
    request: Request,
    session: SessionDep,
    grade: Grade = None,
    category: Category = None,
    blocked: Blocked = None,
) -> Response:
    """Every screened project with its grade, category, block and red flags; filterable."""
    grade, category = checked_filters(grade, category)
    everything = quality(session)
    shown = select_quality(everything, grade, category, blocked)
    wanted = select(Project.identifier, Project.title).where(
        Project.identifier.in_([q.project for q in shown])
    )
    titles = dict(session.execute(wanted).all())
    context = {
        "section": "screening",
        "rows": [(q, titles.get(q.project, "")) for q in shown],
        "screened": len(everything),
        "catalogue_version": load_catalogue().version,
        "grades": grades(),
        "categories": CATEGORIES,
        "form": {
            "grade": grade or "",
            "category": category or "",
            "blocked": "" if blocked is None else str(blocked).lower(),
        },
    }
    return render(request, "screening.html", context)


@router.get("/projects/{identifier:path}/screening/report")
def screening_report(session: SessionDep, identifier: Identifier) -> Response:
    """The printable HTML report of the project's latest screening (self-contained)."""
    with screening_errors():
        page = report_html(session, identifier)
    return HTMLResponse(page)


@router.get("/projects/{identifier:path}/screening")
def project_screening(request: Request, identifier: Identifier) -> Response:
    """A project's current screening: grade, scores, red flags, gaps, questions, history."""
    engine: Engine = request.app.state.engine
    with screening_errors():
        # Its own transaction, committed before the page reads (SQLite allows one writer).
        screened = screen_project(engine, identifier, actor=WEB_ACTOR)
        with session_scope(engine, actor=WEB_ACTOR) as session:
            title = session.scalar(select(Project.title).where(Project.identifier == identifier))
            past = history(session, identifier)
            asked = questionnaire(session, identifier)
        catalogue = load_catalogue(screened.result["catalogue_version"])
    context = {
        "section": "screening",
        "identifier": identifier,
        "title": title or identifier,
        "s": screened,
        "r": screened.result,
        "principles": catalogue.head.principles,
        "history": list(reversed(past)),
        "questions": [q for q in asked if q.outcome != "na"],
    }
    return render(request, "screening_project.html", context)


@jinja2.pass_context
def screening_for_project(context: Any, identifier: str) -> ProjectQuality | None:
    """The current grade, category and flags of project ``identifier``; None if unscreened."""
    request: Request = context["request"]
    engine: Engine = request.app.state.engine
    with session_scope(engine, actor=WEB_ACTOR) as session:
        return quality(session, [identifier]).get(identifier)


templates.env.globals["screening_for"] = screening_for_project
