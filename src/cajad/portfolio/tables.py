"""The planner's table, on the register's metadata (migration ``0016_benefits``).

``project_benefit`` holds the benefit a person set for a project, one row per project: the
value (in the plan currency's millions, the unit of the register defaults), what it rests on
(``basis``), how it was made (``kind``: sourced, fitted, assumed, or ``user`` for a judgement),
a note, and who set it when. A project without a row gets the default computed from the register
(:mod:`cajad.portfolio.benefits`); a row always overrides it. Every change is in the audit log.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cajad.register import Base, ExactDecimal, Project

__all__ = ["KINDS", "ProjectBenefit"]

#: How a benefit figure was made, strongest first: taken from a source, fitted on data,
#: assumed, or a person's judgement.
KINDS: Final = ("sourced", "fitted", "assumed", "user")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class ProjectBenefit(Base):
    """A benefit set by a person for one project (overrides the register default)."""

    __tablename__ = "project_benefit"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[Decimal] = mapped_column(ExactDecimal)
    basis: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_account: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)

    project: Mapped[Project] = relationship(lazy="joined")
