"""Background jobs: work an account asks the server to do without waiting for it (a
prospectivity run, a corridor scenario), with its state, progress and result.

Below the web: the portal and API submit jobs (:func:`check_params`, :func:`submit`) and show
them (:func:`get_job`, :func:`list_jobs`); a :class:`Worker` thread of the server runs them.
The kinds of job and their parameters are in :mod:`cajad.jobs.kinds`, the state machine in
:mod:`cajad.jobs.service`.
"""

from cajad.jobs.errors import JobError, JobInputError, JobNotFoundError
from cajad.jobs.kinds import KINDS, CorridorParams, ProspectivityParams, check_params
from cajad.jobs.models import Job
from cajad.jobs.service import (
    STALE_AFTER,
    JobInfo,
    State,
    claim_next,
    fail,
    fail_stale,
    finish,
    get_job,
    list_jobs,
    report,
    submit,
)
from cajad.jobs.worker import Worker, run_job

__all__ = [
    "KINDS",
    "STALE_AFTER",
    "CorridorParams",
    "Job",
    "JobError",
    "JobInfo",
    "JobInputError",
    "JobNotFoundError",
    "ProspectivityParams",
    "State",
    "Worker",
    "check_params",
    "claim_next",
    "fail",
    "fail_stale",
    "finish",
    "get_job",
    "list_jobs",
    "report",
    "run_job",
    "submit",
]
