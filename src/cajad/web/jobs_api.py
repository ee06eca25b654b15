"""Background jobs over the API, and the app's worker that runs them.

``POST /api/jobs`` asks for a prospectivity run or a corridor scenario (analysts and admins;
anonymous 401, another role 403); it answers 201 at once with the queued job, and
``GET /api/jobs/{id}`` follows it to its result. An account sees its own jobs; an admin sees
everyone's. The parameters are checked before anything is queued (422 naming the field).

The worker (:class:`cajad.jobs.Worker`) is one thread per server process, started on the
first request about jobs (or by ``cajad serve`` when it starts) unless the app was made with
``run_jobs=False`` (tests that only queue).
"""

from __future__ import annotations

import threading
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Path, Request
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from cajad.accounts import Action, Principal, Role, acting, authorize
from cajad.jobs import JobInfo, JobInputError, Worker, check_params, get_job, list_jobs, submit
from cajad.web.auth import PrincipalDep
from cajad.web.errors import ParameterError, error_responses
from cajad.web.schemas import UtcDateTime

__all__ = ["JobIn", "JobOut", "job_out", "result_url", "router", "start_job", "worker_of"]

router = APIRouter(
    prefix="/api/jobs",
    tags=["jobs"],
    responses=error_responses(not_found="No such job (or not yours)", writes=True, body=True),
)
JobId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The job's id.")]
_START = threading.Lock()


class JobIn(BaseModel):
    """A job to run: its kind and parameters (as the forms of ``/jobs/new/…`` take them)."""

    kind: Literal["prospectivity", "corridor"] = Field(description="What to run.")
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="prospectivity: template, model, resolution (m), background, folds, seed, "
        "project. corridor: scenario, origin, destination, avoid, max_transshipments, modes, "
        "by, k.",
    )


class JobOut(BaseModel):
    """A job: its state (queued, running, done, failed), progress 0–100 with what it is
    doing, and when done the reference of its result (``result_url``: the run page, the
    corridor answer)."""

    id: int
    kind: str
    params: dict[str, Any]
    state: str
    progress: int
    message: str
    result: dict[str, Any] | None
    result_url: str | None
    error: str | None
    created_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None


def result_url(job: JobInfo) -> str | None:
    """Where the result of a done job is shown: the run's page, or the corridor page answering
    the same question."""
    if job.result is None:
        return None
    if job.kind == "prospectivity":
        return f"/minerals/runs/{job.result['run_id']}"
    p = job.params
    query = {"scenario": p["scenario"]}
    if p.get("origin") and p.get("destination"):
        query |= {"from": p["origin"], "to": p["destination"]}
        if p.get("avoid"):
            query["avoid"] = ",".join(p["avoid"])
        if p.get("max_transshipments") is not None:
            query["max_transshipments"] = str(p["max_transshipments"])
    return f"/corridor?{urlencode(query)}"


def job_out(job: JobInfo) -> JobOut:
    return JobOut(
        id=job.id,
        kind=job.kind,
        params=job.params,
        state=job.state.value,
        progress=job.progress,
        message=job.message,
        result=job.result,
        result_url=result_url(job),
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def worker_of(app: FastAPI) -> Worker | None:
    """The app's worker, started on first use (None when the app runs no jobs)."""
    state = app.state
    if not getattr(state, "run_jobs", True):
        return None
    with _START:
        if getattr(state, "jobs_worker", None) is None:
            state.jobs_worker = Worker(state.engine, folder=state.jobs_dir).start()
    worker: Worker = state.jobs_worker
    return worker


def start_job(app: FastAPI, who: Principal, kind: str, raw: dict[str, Any]) -> JobInfo:
    """Check ``raw`` as the parameters of a ``kind`` job, queue it for ``who`` and wake the
    worker (in a worker thread: checking may read the register and the corridor network)."""
    engine: Engine = app.state.engine
    params = check_params(engine, kind, raw)
    job = submit(engine, kind, params, acting(who))
    worker = worker_of(app)
    if worker is not None:
        worker.wake()
    return job


def visible_to(who: Principal) -> int | None:
    """Whose jobs ``who`` sees: their own (None: everyone's, for an admin)."""
    return None if who.role is Role.ADMIN else who.id


@router.post("", summary="Start a background job", status_code=201, response_model=JobOut)
async def create(request: Request, who: PrincipalDep, body: JobIn) -> Response:
    """Queue a prospectivity run or a corridor scenario and answer at once (201, ``Location``
    the job). Needs an analyst or an admin."""
    allowed = authorize(who, Action.RUN)
    try:
        job = await run_in_threadpool(start_job, request.app, allowed, body.kind, body.params)
    except JobInputError as refused:
        raise ParameterError(f"params.{refused.field}", refused.message) from refused
    return JSONResponse(
        job_out(job).model_dump(mode="json"),
        status_code=201,
        headers={"Location": f"/api/jobs/{job.id}"},
    )


@router.get("", summary="Background jobs", response_model=list[JobOut])
async def jobs(request: Request, who: PrincipalDep) -> list[JobOut]:
    """The newest jobs first: the account's own (an admin's: everyone's)."""
    allowed = authorize(who, Action.RUN)
    worker_of(request.app)
    found = await run_in_threadpool(
        list_jobs, request.app.state.engine, account=visible_to(allowed)
    )
    return [job_out(j) for j in found]


@router.get("/{job_id}", summary="A background job", response_model=JobOut)
async def job(request: Request, who: PrincipalDep, job_id: JobId) -> JobOut:
    """The job's state and progress, and when done the reference of its result."""
    allowed = authorize(who, Action.RUN)
    worker_of(request.app)
    found = await run_in_threadpool(
        get_job, request.app.state.engine, job_id, account=visible_to(allowed)
    )
    return job_out(found)
