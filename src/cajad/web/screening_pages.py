"""The screening's portal pages: the list of screened projects, a project's screening, its report.

``/screening`` lists the current grade, category and red flags of every screened project, with
filters that submit by GET. ``/projects/{id}/screening`` shows the current verdict, its
findings (met, pending evidence, shortfall, red flag), the open questions and the history; like
every GET it writes nothing: a verdict out of date is computed for the page and not recorded
(``cajad screen`` or the API's POST records it). ``/projects/{id}/screening/report`` is the
printable report. The project page shows a short "Quality screening" section through
:func:`screening_for_project`, and the dashboard a quality panel through
:func:`screening_overview`: template globals :func:`template_globals` gives ``create_app``.
A reviewer (or an admin) answers a question on the project's screening page: the form posts
to ``/projects/{id}/screening/answer`` (CSRF-protected, as every form), which records the answer
under the account through :func:`cajad.screening.record_answer`, exactly as the API's
``POST …/answers`` does, and screens the project again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Form, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from cajad.accounts import Action, Author, can, public_authors, without_addresses
from cajad.register import session_scope, title_of, titles
from cajad.screening import (
    AnswerError,
    ProjectQuality,
    history,
    load_catalogue,
    quality,
    questionnaire,
    report_html,
)
from cajad.screening.filters import CATEGORIES, grades, select_quality
from cajad.screening.service import Overview, assess, overview
from cajad.web.auth import PrincipalDep
from cajad.web.deps import SessionDep
from cajad.web.i18n import N_
from cajad.web.labels import Words
from cajad.web.screening_api import (
    AnswerIn,
    Blocked,
    Category,
    Grade,
    Identifier,
    answer_as,
    quality_filter,
)
from cajad.web.templating import render

router = APIRouter(include_in_schema=False)

#: Each finding state in words, as the legend and the findings table show it.
STATE_WORDS = Words(
    {
        "met": N_("Requirement met"),
        "pending": N_("Evidence not yet recorded"),
        "shortfall": N_("Shortfall (does not block)"),
        "red_flag": N_("Red flag: problem found"),
    }
)


@router.get("/screening")
def screening_list(
    request: Request,
    session: SessionDep,
    grade: Grade = None,
    category: Category = None,
    blocked: Blocked = None,
) -> Response:
    """Every screened project with its grade, category, block and red flags; filterable."""
    where = quality_filter(grade, category, blocked)
    catalogue = load_catalogue()
    everything = quality(session)
    shown = select_quality(everything, where)
    named = titles(session, [q.project for q in shown])
    context = {
        "section": "screening",
        "rows": [(q, named.get(q.project, "")) for q in shown],
        "screened": len(everything),
        "catalogue_version": catalogue.version,
        "bands": catalogue.head.grading.bands,
        "blocked_grade": catalogue.head.grading.blocked,
        "grades": grades(),
        "categories": CATEGORIES,
        "form": {
            "grade": where.grade or "",
            "category": where.category or "",
            "blocked": "" if blocked is None else str(blocked).lower(),
        },
    }
    return render(request, "screening.html", context)


@router.get("/projects/{identifier:path}/screening/report")
def screening_report(session: SessionDep, identifier: Identifier) -> Response:
    """The printable HTML report of the project's latest screening (self-contained), reviewers
    by their role."""
    return HTMLResponse(without_addresses(session, report_html(session, identifier)))


@router.get("/projects/{identifier:path}/screening")
def project_screening(
    request: Request, session: SessionDep, who: PrincipalDep, identifier: Identifier
) -> Response:
    """A project's current screening: grade, scores, red flags, gaps, questions, history; the
    answer forms for a reviewer or an admin."""
    return _screening_page(
        request,
        session,
        identifier,
        may_answer=can(who, Action.ANSWER),
        show_accounts=can(who, Action.MANAGE),
    )


def _screening_page(
    request: Request,
    session: Session,
    identifier: str,
    *,
    may_answer: bool,
    show_accounts: bool = False,
    refused: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    screened = assess(session, identifier)
    title = title_of(session, identifier)
    past = history(session, identifier)
    asked = questionnaire(session, identifier)
    actors = {screened.actor} | {h.actor for h in past}
    authors = public_authors(session, actors | {q.answer.reviewer for q in asked if q.answer})
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
        "state_words": STATE_WORDS,
        "bands": catalogue.head.grading.bands,
        "blocked_grade": catalogue.head.grading.blocked,
        "may_answer": may_answer,
        # The public reads a role for each reviewer and screener, never an e-mail address.
        "authors": authors,
        "category_because": [
            text if show_accounts else _without_addresses(text, authors)
            for text in screened.result.get("category_because", [])
        ],
        "show_accounts": show_accounts,
        "refused": refused or {},
    }
    return render(request, "screening_project.html", context, status_code=status_code)


@router.post("/projects/{identifier:path}/screening/answer")
async def answer_question(
    request: Request,
    who: PrincipalDep,
    identifier: Identifier,
    question: Annotated[str, Form(max_length=60)],
    value: Annotated[str, Form(max_length=20)],
    link: Annotated[str, Form(max_length=2000)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Record the signed-in reviewer's answer with its evidence link and note, then screen the
    project again; a refused answer comes back beside its question."""
    engine: Engine = request.app.state.engine
    body = AnswerIn(
        question=question,
        value=value,
        note=note.strip() or None,
        links=[link.strip()] if link.strip() else [],
    )
    try:
        await run_in_threadpool(answer_as, engine, who, identifier, body)
    except AnswerError as refused:
        with session_scope(engine) as session:
            return _screening_page(
                request,
                session,
                identifier,
                may_answer=True,
                refused={question: str(refused)},
                status_code=422,
            )
    target = f"/projects/{quote(identifier, safe='/:')}/screening#question-{quote(question)}"
    return RedirectResponse(target, status_code=303)


def _without_addresses(text: str, authors: Mapping[str, Author]) -> str:
    """``text`` (an override's reason names its reviewer) with each account's e-mail address
    replaced by the author's public label."""
    for actor, author in authors.items():
        if "@" in actor:
            text = text.replace(actor, str(author))
    return text


@jinja2.pass_context
def screening_for_project(context: Any, identifier: str) -> ProjectQuality | None:
    """The current grade, category and flags of project ``identifier``; None if unscreened."""
    request: Request = context["request"]
    engine: Engine = request.app.state.engine
    with session_scope(engine, actor="cajad web") as session:
        return quality(session, [identifier]).get(identifier)


@jinja2.pass_context
def screening_overview(context: Any) -> Overview:
    """The screenings at a glance, for the dashboard's quality panel."""
    request: Request = context["request"]
    engine: Engine = request.app.state.engine
    with session_scope(engine, actor="cajad web") as session:
        return overview(session)


def template_globals() -> dict[str, Callable[..., Any]]:
    """What the screening contributes to every template (the project page's section, the
    dashboard's quality panel)."""
    return {"screening_for": screening_for_project, "screening_overview": screening_overview}
