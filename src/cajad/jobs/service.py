"""The jobs service: submit a job, follow it, and the state machine a worker drives.

====================  ===========================================================
state                 how it is reached
====================  ===========================================================
``queued``            :func:`submit` (the parameters already checked by its kind)
``running``           :func:`claim_next`: one worker takes it (a conditional update,
                      so two server processes never take the same job)
``done``              :func:`finish`, with the reference of its result
``failed``            :func:`fail` (one line, never a traceback), or
                      :func:`fail_stale`: a running job whose heartbeat stopped
====================  ===========================================================

Submitting and finishing are writes under the asking account in the audit log (entity
``job``); progress and heartbeats are not (the table is one the register's version counter
does not watch: a progress bar changes no figure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import Engine, select, update

from cajad.jobs.errors import JobError, JobNotFoundError
from cajad.jobs.models import Job
from cajad.register import Actor, audit, session_scope

__all__ = [
    "STALE_AFTER",
    "JobInfo",
    "State",
    "beat",
    "claim_next",
    "fail",
    "fail_stale",
    "finish",
    "get_job",
    "list_jobs",
    "one_line",
    "report",
    "submit",
]

#: A running job whose heartbeat is older than this is taken for one whose server died.
STALE_AFTER: Final = dt.timedelta(minutes=2)
#: The longest error line kept (characters).
MAX_ERROR: Final = 500
ENTITY: Final = "job"


class State(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def utcnow() -> dt.datetime:
    """Now, in UTC without a zone (as every time of the register is stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class JobInfo:
    """A job as its pages and API show it."""

    id: int
    kind: str
    params: dict[str, Any]
    state: State
    progress: int
    message: str
    result: dict[str, Any] | None
    error: str | None
    account_id: int
    actor: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @property
    def finished(self) -> bool:
        """Whether the job will change no more (done or failed)."""
        return self.state in (State.DONE, State.FAILED)

    @classmethod
    def of(cls, job: Job) -> JobInfo:
        return cls(
            job.id,
            job.kind,
            dict(job.params),
            State(job.state),
            job.progress,
            job.message,
            dict(job.result) if job.result is not None else None,
            job.error,
            job.account_id,
            job.actor,
            job.created_at,
            job.started_at,
            job.finished_at,
        )


def _summary(job: Job) -> dict[str, Any]:
    """The job as the audit log keeps it."""
    return {
        "kind": job.kind,
        "params": job.params,
        "state": job.state,
        "result": job.result,
        "error": job.error,
    }


def submit(engine: Engine, kind: str, params: Mapping[str, Any], who: Actor) -> JobInfo:
    """Queue a job of ``kind`` with ``params`` (already checked) for the account ``who``."""
    if who.account is None:
        raise JobError(f"a job needs a signed-in account; {who.name!r} is none")
    with session_scope(engine, actor=who) as session:
        job = Job(
            kind=kind,
            params=dict(params),
            state=State.QUEUED.value,
            progress=0,
            message="",
            account_id=who.account,
            actor=who.name,
            created_at=utcnow(),
        )
        session.add(job)
        session.flush()
        audit.record(
            session,
            action="insert",
            entity=ENTITY,
            key=str(job.id),
            before=None,
            after=_summary(job),
        )
        return JobInfo.of(job)


def get_job(engine: Engine, job_id: int, *, account: int | None = None) -> JobInfo:
    """The job ``job_id`` (only if it is ``account``'s, when given)."""
    with session_scope(engine) as session:
        job = session.get(Job, job_id)
        if job is None or (account is not None and job.account_id != account):
            raise JobNotFoundError(f"no job {job_id}")
        return JobInfo.of(job)


def list_jobs(engine: Engine, *, account: int | None = None, limit: int = 100) -> list[JobInfo]:
    """The newest jobs first: ``account``'s, or everyone's when None."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if account is not None:
        query = query.where(Job.account_id == account)
    with session_scope(engine) as session:
        return [JobInfo.of(job) for job in session.scalars(query)]


def fail_stale(
    engine: Engine, *, now: dt.datetime | None = None, older_than: dt.timedelta = STALE_AFTER
) -> list[int]:
    """Mark failed every running job whose heartbeat stopped ``older_than`` ago (its server
    died); their ids. Read first, so that a register with none is not written to."""
    limit = (now or utcnow()) - older_than
    stale = Job.state == State.RUNNING.value, Job.heartbeat_at < limit
    with session_scope(engine) as session:
        found = list(session.scalars(select(Job.id).where(*stale)))
    failed = []
    for job_id in found:
        try:
            fail(engine, job_id, "the server stopped while the job ran; start it again", only=stale)
        except JobError:
            continue  # it beat (or ended) since it was read: alive after all
        failed.append(job_id)
    return failed


def claim_next(engine: Engine, worker: str) -> JobInfo | None:
    """Take the oldest queued job for ``worker`` (now running); None when there is none."""
    with session_scope(engine) as session:
        queued = select(Job.id).where(Job.state == State.QUEUED.value).order_by(Job.id).limit(1)
        job_id = session.scalar(queued)
    if job_id is None:
        return None
    now = utcnow()
    with session_scope(engine) as session:
        taken = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == State.QUEUED.value)
            .values(
                state=State.RUNNING.value,
                started_at=now,
                heartbeat_at=now,
                worker=worker[:200],
                message="started",
            )
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None  # another process took it first
        job = session.get(Job, job_id)
        assert job is not None
        return JobInfo.of(job)


def report(engine: Engine, job_id: int, progress: int, message: str) -> None:
    """Record how far a running job is (0–100) and what it does now."""
    with session_scope(engine) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == State.RUNNING.value)
            .values(
                progress=max(0, min(100, int(progress))),
                message=message[:200],
                heartbeat_at=utcnow(),
            )
        )


def beat(engine: Engine, job_id: int) -> None:
    """Say that the running job's server is alive."""
    with session_scope(engine) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == State.RUNNING.value)
            .values(heartbeat_at=utcnow())
        )


def finish(engine: Engine, job_id: int, result: Mapping[str, Any]) -> JobInfo:
    """The running job is done, with the reference of its ``result`` (audited)."""
    return _end(engine, job_id, State.DONE, result=dict(result))


def fail(engine: Engine, job_id: int, error: str, *, only: Any = None) -> JobInfo:
    """The job failed, saying why in one line (audited); ``only`` narrows which rows may be
    failed (the stale check's conditions)."""
    return _end(engine, job_id, State.FAILED, error=one_line(error), only=only)


def _end(
    engine: Engine,
    job_id: int,
    state: State,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    only: Any = None,
) -> JobInfo:
    with session_scope(engine) as session:
        job = session.get(Job, job_id)
        if job is None:
            raise JobNotFoundError(f"no job {job_id}")
        session.info["actor"], session.info["account"] = job.actor, job.account_id
        before = _summary(job)
        changed = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state.in_([State.QUEUED.value, State.RUNNING.value]))
            .where(*(only or ()))
            .values(
                state=state.value,
                progress=100 if state is State.DONE else job.progress,
                message=state.value,
                result=result,
                error=error,
                finished_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise JobError(f"job {job_id} is {job.state}, not running: it cannot become {state}")
        session.refresh(job)
        audit.record(
            session,
            action="update",
            entity=ENTITY,
            key=str(job.id),
            before=before,
            after=_summary(job),
        )
        return JobInfo.of(job)


def one_line(error: str | BaseException) -> str:
    """An error as the person who started the job reads it: its first line, bounded, no
    traceback."""
    text = str(error).strip()
    first = text.splitlines()[0].strip() if text else ""
    if not first and isinstance(error, BaseException):
        first = type(error).__name__
    return (first or "failed")[:MAX_ERROR]
