"""The errors of background jobs, in the words of the jobs service.

::

    CajadError
    └── JobError                      a job could not be stored or run (500, exit 1)
        ├── JobNotFoundError          no job has that id, or not for this account (404)
        └── JobInputError             a job's parameters were refused (422); ``field`` names one
"""

from __future__ import annotations

from cajad.errors import CajadError

__all__ = ["JobError", "JobInputError", "JobNotFoundError"]


class JobError(CajadError):
    """A job could not be stored or run."""


class JobNotFoundError(JobError, LookupError):
    """No job has the id asked for (or none the asking account may see)."""


class JobInputError(JobError, ValueError):
    """A job's parameters were refused: ``field`` names the parameter, ``message`` says why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
