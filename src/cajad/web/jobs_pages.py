"""Background jobs in the portal: analysts and admins start a prospectivity run or a corridor
scenario from a form, and follow it on its page while the server works.

``/jobs/new/prospectivity`` and ``/jobs/new/corridor`` are the forms (the options of
``cajad prospect demo`` and ``cajad corridor scenario`` that make sense on a server). A post is
checked as the API checks it (:func:`cajad.web.jobs_api.start_job`): a refused field is shown
beside it (422); an accepted one queues the job and redirects (303) to ``/jobs/{id}``, which
refreshes itself until the job is done or failed and then links to the result. ``/jobs`` lists
the account's jobs (an admin's: everyone's). Anonymous visitors go to the sign-in page;
another role is refused (403).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from cajad.accounts import Action, authorize
from cajad.jobs import JobInfo, JobInputError, JobNotFoundError, get_job, list_jobs
from cajad.jobs.kinds import (
    CORRIDOR_BY,
    CORRIDOR_MODES,
    MAX_RESOLUTION,
    MIN_RESOLUTION,
    PROSPECT_MODELS,
)
from cajad.web.auth import PrincipalDep
from cajad.web.corridor_service import corridor_of
from cajad.web.i18n import N_
from cajad.web.jobs_api import JobId, job_out, start_job, visible_to, worker_of
from cajad.web.templating import render

__all__ = ["STEPS", "router"]

router = APIRouter(include_in_schema=False)

#: What a job says it is doing, in words (translated where shown).
STEPS: dict[str, str] = {
    "": N_("Waiting for the worker"),
    "started": N_("Started"),
    "evidence": N_("Building the evidence layers"),
    "sample": N_("Sampling deposits and background"),
    "validate": N_("Spatial cross-validation"),
    "fit": N_("Fitting the model"),
    "maps": N_("Drawing the maps"),
    "targets": N_("Ranking the target areas"),
    "figures": N_("Drawing the figures"),
    "recording": N_("Recording the run in the register"),
    "network": N_("Loading the network"),
    "comparing": N_("Comparing the scenario with the base"),
    "done": N_("Done"),
    "failed": N_("Failed"),
}
KIND_NAMES = {"prospectivity": N_("Prospectivity run"), "corridor": N_("Corridor scenario")}
STATE_NAMES = {
    "queued": N_("queued"),
    "running": N_("running"),
    "done": N_("done"),
    "failed": N_("failed"),
}
#: The fields of each form, as the job's parameters name them; lists are comma-separated.
FIELDS = {
    "prospectivity": ("template", "model", "resolution", "background", "folds", "seed", "project"),
    "corridor": ("scenario", "origin", "destination", "avoid", "max_transshipments", "by", "k"),
}


def _to_sign_in(target: str) -> Response:
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


@router.get("/jobs")
async def jobs_list(request: Request, who: PrincipalDep) -> Response:
    """The account's jobs, newest first (an admin's: everyone's)."""
    if who is None:
        return _to_sign_in("/jobs")
    allowed = authorize(who, Action.RUN)
    worker_of(request.app)
    found = await run_in_threadpool(
        list_jobs, request.app.state.engine, account=visible_to(allowed)
    )
    context = {
        "section": "jobs",
        "jobs": [_shown(j) for j in found],
        "everyone": visible_to(allowed) is None,
    }
    return render(request, "jobs.html", context)


@router.get("/jobs/new/{kind}")
async def new_job(request: Request, who: PrincipalDep, kind: str) -> Response:
    """The form of a new ``kind`` job (prospectivity, corridor)."""
    if kind not in FIELDS:
        return await _not_found(request, kind)
    if who is None:
        return _to_sign_in(f"/jobs/new/{kind}")
    authorize(who, Action.RUN)
    return await _form(request, kind, {}, {}, status_code=200)


@router.post("/jobs/new/{kind}")
async def post_job(request: Request, who: PrincipalDep, kind: str) -> Response:
    """Queue the job the form asks for and go to its page; a refused field is shown."""
    allowed = authorize(who, Action.RUN)
    if kind not in FIELDS:
        return await _not_found(request, kind)
    form = await request.form()
    values = {name: str(form.get(name, "")).strip()[:200] for name in FIELDS[kind]}
    try:
        job = await run_in_threadpool(
            start_job, request.app, allowed, kind, _params(kind, values, form)
        )
    except JobInputError as refused:
        modes = [str(m) for m in form.getlist("modes")]
        problems = {refused.field: [refused.message]}
        return await _form(request, kind, values | {"modes": modes}, problems, status_code=422)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}")
async def job_page(request: Request, who: PrincipalDep, job_id: JobId) -> Response:
    """A job's state and progress; it refreshes itself until the job ends, then links to the
    result."""
    if who is None:
        return _to_sign_in(f"/jobs/{job_id}")
    allowed = authorize(who, Action.RUN)
    worker_of(request.app)
    job = await run_in_threadpool(
        get_job, request.app.state.engine, job_id, account=visible_to(allowed)
    )
    return render(request, "job.html", {"section": "jobs", "job": _shown(job)})


def _params(kind: str, values: dict[str, str], form: FormData) -> dict[str, Any]:
    """The job's parameters from the form: blank fields left to their defaults."""
    params: dict[str, Any] = {name: value for name, value in values.items() if value}
    if kind == "corridor":
        if "avoid" in params:
            params["avoid"] = [c.strip() for c in params["avoid"].split(",") if c.strip()]
        modes = [str(m) for m in form.getlist("modes")]
        if modes and set(modes) != set(CORRIDOR_MODES):
            params["modes"] = modes
    return params


def _shown(job: JobInfo) -> dict[str, Any]:
    shown = job_out(job).model_dump()
    shown["finished"] = job.finished
    shown["kind_name"] = KIND_NAMES.get(job.kind, job.kind)
    shown["state_name"] = STATE_NAMES.get(job.state.value, job.state.value)
    shown["doing"] = STEPS.get(job.message)
    return shown


async def _form(
    request: Request,
    kind: str,
    values: dict[str, Any],
    problems: dict[str, list[str]],
    *,
    status_code: int,
) -> Response:
    choices = await run_in_threadpool(_choices, request, kind)
    context = {
        "section": "jobs",
        "kind": kind,
        "kind_name": KIND_NAMES[kind],
        "values": values,
        "problems": problems,
        **choices,
    }
    return render(request, "job_new.html", context, status_code=status_code)


def _choices(request: Request, kind: str) -> dict[str, Any]:
    """What the form offers: templates and models, or scenarios, criteria and modes."""
    if kind == "prospectivity":
        from cajad.minerals.templates import load_template, template_names

        templates = [(n, load_template(n).mineral_system) for n in template_names()]
        return {
            "templates": templates,
            "models": PROSPECT_MODELS,
            "min_resolution": int(MIN_RESOLUTION),
            "max_resolution": int(MAX_RESOLUTION),
        }
    corridor = corridor_of(request)
    return {
        "scenarios": [(s.name, s.title) for s in corridor.scenarios.values()],
        "criteria": CORRIDOR_BY,
        "modes": CORRIDOR_MODES,
    }


async def _not_found(request: Request, kind: str) -> Response:
    raise JobNotFoundError(f"no kind of job {kind!r}; the kinds are: {', '.join(FIELDS)}")
