"""The worker: a thread of the server that runs queued jobs, one at a time.

What jobs write (a prospectivity run's folder, which its page serves) goes under
``$CAJAD_JOBS_DIR`` (default ``var/jobs``), one ``job-<id>`` folder each.

It wakes when told a job was submitted (:meth:`Worker.wake`) and otherwise looks for queued
jobs every :data:`POLL_S` seconds (one submitted to another server process). When it starts,
and before each job, running jobs whose heartbeat stopped (their server died) are marked
failed. While a job runs, a second thread renews its heartbeat, so that a long step with no
progress to report is not taken for a dead server. An error of a job is stored as one line
(logged with its trace for the operator) and the worker goes on with the next.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

from sqlalchemy import Engine

from cajad.jobs.kinds import KINDS, RunContext
from cajad.jobs.service import JobInfo, beat, claim_next, fail, fail_stale, finish, one_line, report
from cajad.register import Actor

__all__ = ["JOBS_DIR_ENV", "Worker", "jobs_folder", "run_job"]

log = logging.getLogger(__name__)
T = TypeVar("T")
JOBS_DIR_ENV: Final = "CAJAD_JOBS_DIR"
POLL_S: Final = 2.0
BEAT_S: Final = 15.0


def jobs_folder() -> Path:
    """Where jobs keep what they write: ``$CAJAD_JOBS_DIR``, else ``var/jobs`` here."""
    return Path(os.environ.get(JOBS_DIR_ENV) or "var/jobs")


def run_job(engine: Engine, job: JobInfo, *, folder: Path | None = None) -> JobInfo:
    """Run the claimed ``job`` to its end: done with its result, or failed with one line.
    What it writes goes under ``folder/job-<id>`` (``folder``: :func:`jobs_folder`)."""
    try:
        spec = KINDS[job.kind]
        params = spec.params.model_validate(job.params)

        def progress(percent: int, message: str) -> None:
            report(engine, job.id, percent, message)

        context = RunContext(
            engine,
            job.id,
            Actor(job.actor, job.account_id),
            progress,
            (folder or jobs_folder()).resolve() / f"job-{job.id}",
        )
        result = spec.run(context, params)
    except Exception as exc:
        log.exception("job %s (%s) failed", job.id, job.kind)
        return fail(engine, job.id, one_line(exc))
    return finish(engine, job.id, result)


class Worker:
    """Runs the queued jobs of the register in ``engine``, in a daemon thread."""

    def __init__(
        self,
        engine: Engine,
        *,
        folder: Path | None = None,
        poll_s: float = POLL_S,
        beat_s: float = BEAT_S,
    ) -> None:
        self.engine = engine
        self.folder = folder
        self.poll_s = poll_s
        self.beat_s = beat_s
        self.name = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Worker:
        """Start the thread (once); jobs left running by a dead server are failed first."""
        with self._lock:
            if self._thread is None:
                self._guard(fail_stale, self.engine)
                self._thread = threading.Thread(target=self._loop, name="cajad-jobs", daemon=True)
                self._thread.start()
        return self

    def wake(self) -> None:
        """Look for queued jobs now."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the job in hand, waiting at most ``timeout`` seconds."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._guard(fail_stale, self.engine)
            job = self._guard(claim_next, self.engine, self.name)
            if job is None:
                self._wake.wait(self.poll_s)
                self._wake.clear()
                continue
            done = threading.Event()
            beating = threading.Thread(target=self._beat, args=(job.id, done), daemon=True)
            beating.start()
            try:
                self._guard(self._run, job)
            finally:
                done.set()
                beating.join()

    def _run(self, job: JobInfo) -> JobInfo:
        return run_job(self.engine, job, folder=self.folder)

    def _beat(self, job_id: int, done: threading.Event) -> None:
        while not done.wait(self.beat_s):
            self._guard(beat, self.engine, job_id)

    def _guard(self, call: Callable[..., T], *args: Any) -> T | None:
        """``call(*args)``; an error of the store is logged, and the worker goes on."""
        try:
            return call(*args)
        except Exception:
            log.exception("the jobs worker could not %s", getattr(call, "__name__", call))
            return None
