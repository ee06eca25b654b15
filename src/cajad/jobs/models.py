"""The jobs table, on the register's metadata (migration ``0019_jobs``).

A job is work an account asked the server to do in the background (a prospectivity run, a
corridor scenario): its kind and parameters, its state (``queued`` → ``running`` → ``done`` or
``failed``), its progress, the reference of its result and, when it failed, one line saying
why. ``heartbeat_at`` is renewed while it runs, so that a job whose server died is recognised
(and marked failed) by any other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cajad.register import Base

__all__ = ["Job"]


class Job(Base):
    """One background job of one account."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(String(200), default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    #: The account's e-mail when it asked: the audit log's author of what the job records.
    actor: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Which server process runs it (host and process id), for the operator.
    worker: Mapped[str | None] = mapped_column(String(200))
