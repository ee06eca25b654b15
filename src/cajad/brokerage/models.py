"""The broker's table, on the register's metadata (migration ``0015_investors``).

One row per investor profile; lists (countries, sectors, instruments, sources) are JSON arrays.
An import replaces the profiles it names and leaves the others as they were.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cajad.register import Base, ExactDecimal


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class InvestorProfile(Base):
    """An investor's published mandate, with its sources."""

    __tablename__ = "investor_profile"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    origin: Mapped[str] = mapped_column(String(8))
    countries: Mapped[list[str]] = mapped_column(JSON)  # empty: anywhere
    sectors: Mapped[list[str]] = mapped_column(JSON)
    instruments: Mapped[list[str]] = mapped_column(JSON)
    min_ticket: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    max_ticket: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    currency: Mapped[str] = mapped_column(String(3))
    min_grade: Mapped[str | None] = mapped_column(String(1))
    max_category: Mapped[str | None] = mapped_column(String(1))
    sources: Mapped[list[str]] = mapped_column(JSON)
    as_of: Mapped[dt.date] = mapped_column(Date)
    organisation: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    #: The typical tenor range it lends for, in years (migration ``0017``; None: not published).
    min_tenor_years: Mapped[int | None] = mapped_column(Integer)
    max_tenor_years: Mapped[int | None] = mapped_column(Integer)
