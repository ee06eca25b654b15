"""Screening tables, on the register's metadata (migration ``0003_screening``).

Screenings and answers are only ever added: a re-screening or a new answer is a new row, the
latest row per project (and question) is the current one, and the older rows stay as they
were. Each catalogue version is stored once with its digest and content, so that any stored
verdict can be explained again under exactly the catalogue it was made with.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cajad.register import Base, ExactDecimal


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class CatalogueSnapshot(Base):
    """A catalogue version as first used: its digest and parsed content (never changed)."""

    __tablename__ = "screening_catalogue"

    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class Screening(Base):
    """One screening of one project under one catalogue version: the verdict and its inputs."""

    __tablename__ = "screening"
    __table_args__ = (Index("ix_screening_project_latest", "project_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    catalogue_version: Mapped[str] = mapped_column(
        ForeignKey("screening_catalogue.version", ondelete="RESTRICT"), index=True
    )
    screened_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(2))
    grade: Mapped[str] = mapped_column(String(2))
    score: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    blocked: Mapped[bool] = mapped_column(default=False)
    red_flags: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    inputs_digest: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)


class Answer(Base):
    """A reviewer's answer to one question of the catalogue about one project."""

    __tablename__ = "screening_answer"
    __table_args__ = (Index("ix_screening_answer_project_question", "project_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(120))
    answered_on: Mapped[dt.date] = mapped_column(Date)
    catalogue_version: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)

    evidence: Mapped[list[Evidence]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Evidence.id"
    )


class Evidence(Base):
    """Evidence attached to an answer: a register document or a link."""

    __tablename__ = "screening_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("screening_answer.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # document | link
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"))
