"""The register's data model: organisations, projects (IATI activities), money, rates, audit.

Money columns are exact (see :mod:`cajad.register.types`); every amount sits beside its
currency. Converted values for the goal currency and the two headline currencies (JPY, USD,
EUR) are materialised on each transaction when it is written, at the rate the conversion
policy picks for its value date, so that totals are SQL sums.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from cajad.register.types import ExactDecimal, Money
from cajad.register.vocab import Stage

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Currencies whose converted values are materialised on every transaction and rollup.
MATERIALISED = ("JPY", "USD", "EUR")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Organisation(Base):
    """A government, agency, company, bank or university taking part in projects."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    ref: Mapped[str | None] = mapped_column(String(120), unique=True)
    type: Mapped[str | None] = mapped_column(String(4))  # IATI OrganisationType
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2


class Project(Base):
    """A project, deal, loan, grant, MoU or agreement: an IATI activity."""

    __tablename__ = "project"
    __table_args__ = (
        CheckConstraint(
            "stage IN ({})".format(", ".join(f"'{s.value}'" for s in Stage)), name="stage"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="en")
    stage: Mapped[str] = mapped_column(String(20), index=True)
    instrument: Mapped[str | None] = mapped_column(String(40), index=True)
    default_currency: Mapped[str | None] = mapped_column(String(3))
    agreement_date: Mapped[dt.date | None] = mapped_column(Date)
    agreement_date_precision: Mapped[str | None] = mapped_column(String(5))
    planned_start: Mapped[dt.date | None] = mapped_column(Date)
    planned_end: Mapped[dt.date | None] = mapped_column(Date)
    actual_start: Mapped[dt.date | None] = mapped_column(Date)
    actual_end: Mapped[dt.date | None] = mapped_column(Date)
    package_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL"), index=True
    )
    priority_area_override: Mapped[str | None] = mapped_column(String(20))
    counts_toward_goal: Mapped[bool] = mapped_column(default=True)
    count_decision: Mapped[str | None] = mapped_column(Text)
    #: What its counted money is: an ``itemised`` project or an ``aggregate`` package total,
    #: and the tier of the evidence for it (see ``cajad.register.rollup.EVIDENCE``).
    basis: Mapped[str] = mapped_column(String(10), default="itemised", server_default="itemised")
    evidence: Mapped[str] = mapped_column(String(12), default="unknown", server_default="unknown")
    #: The day the curation places a project without money of its own in time (the summit
    #: window's 2025-12-20 for a document signed at the visits of 17-19 Dec); None: its
    #: agreement date. Money is placed by its own transactions' value dates.
    counting_date: Mapped[dt.date | None] = mapped_column(Date)
    #: The organisation that owns the project's record (its editors change it): an IATI
    #: organisation identifier, or the organisation's name where it has none
    #: (:mod:`cajad.register.ownership`). None: only an admin changes it.
    owner: Mapped[str | None] = mapped_column(String(300), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)

    package: Mapped[Project | None] = relationship(remote_side=[id], back_populates="parts")
    parts: Mapped[list[Project]] = relationship(back_populates="package")
    countries: Mapped[list[ProjectCountry]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProjectCountry.code"
    )
    sectors: Mapped[list[ProjectSector]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProjectSector.code"
    )
    participants: Mapped[list[Participation]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    locations: Mapped[list[Location]] = relationship(cascade="all, delete-orphan")
    documents: Mapped[list[Document]] = relationship(cascade="all, delete-orphan")
    #: By value date, then in the order written: one order on both stores (PostgreSQL would
    #: otherwise return the undated, or those of one day, in any order).
    transactions: Mapped[list[Transaction]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: [Transaction.value_date, Transaction.id]
    )
    budgets: Mapped[list[Budget]] = relationship(cascade="all, delete-orphan")
    texts: Mapped[list[ProjectText]] = relationship(
        cascade="all, delete-orphan", order_by="ProjectText.id"
    )
    iati_source: Mapped[IatiActivity | None] = relationship(
        cascade="all, delete-orphan", uselist=False
    )


class ProjectCountry(Base):
    """A recipient country (ISO alpha-2) or region (IATI Region code) with its share."""

    __tablename__ = "project_country"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    is_region: Mapped[bool] = mapped_column(default=False)
    percentage: Mapped[Decimal] = mapped_column(ExactDecimal)
    vocabulary: Mapped[str | None] = mapped_column(String(8))  # IATI RegionVocabulary


class ProjectSector(Base):
    """A sector of the project with its share; vocabulary 1 is the OECD DAC 5-digit list."""

    __tablename__ = "project_sector"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    vocabulary: Mapped[str] = mapped_column(String(8), primary_key=True, default="1")
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    percentage: Mapped[Decimal] = mapped_column(ExactDecimal)


class Participation(Base):
    """An organisation's IATI role (funding, accountable, extending, implementing) in a project."""

    __tablename__ = "participation"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    role: Mapped[int] = mapped_column(Integer, primary_key=True)
    note: Mapped[str | None] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Location(Base):
    """A named place of the project, with WGS 84 coordinates when known."""

    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    latitude: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    longitude: Mapped[Decimal | None] = mapped_column(ExactDecimal)


class Document(Base):
    """A document or web page about the project (the public source of a reported deal)."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(8))  # IATI DocumentCategory
    published: Mapped[dt.date | None] = mapped_column(Date)


class Transaction(Base):
    """Money: a pledge, commitment, disbursement, guarantee… with its currency and value date."""

    __tablename__ = "transaction"
    __table_args__ = (
        UniqueConstraint("project_id", "ref", name="uq_transaction_ref"),
        Index("ix_transaction_type_date", "type", "value_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    ref: Mapped[str] = mapped_column(String(200))
    type: Mapped[int] = mapped_column(Integer)  # IATI TransactionType
    value: Mapped[Decimal] = mapped_column(ExactDecimal)
    currency: Mapped[str] = mapped_column(String(3))
    value_date: Mapped[dt.date | None] = mapped_column(Date)
    transaction_date: Mapped[dt.date | None] = mapped_column(Date)
    qualifier: Mapped[str | None] = mapped_column(String(40))
    instrument: Mapped[str | None] = mapped_column(String(40))
    finance_type: Mapped[str | None] = mapped_column(String(8))
    description: Mapped[str | None] = mapped_column(Text)
    provider_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    provider_activity: Mapped[str | None] = mapped_column(String(200), index=True)
    receiver_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    receiver_activity: Mapped[str | None] = mapped_column(String(200), index=True)
    value_jpy: Mapped[Decimal | None] = mapped_column(Money)
    value_usd: Mapped[Decimal | None] = mapped_column(Money)
    value_eur: Mapped[Decimal | None] = mapped_column(Money)

    project: Mapped[Project] = relationship(back_populates="transactions")
    provider: Mapped[Organisation | None] = relationship(foreign_keys=[provider_org_id])
    receiver: Mapped[Organisation | None] = relationship(foreign_keys=[receiver_org_id])


class Budget(Base):
    """A planned amount for a period (IATI budget)."""

    __tablename__ = "budget"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    type: Mapped[int] = mapped_column(Integer, default=1)  # IATI BudgetType
    status: Mapped[int] = mapped_column(Integer, default=1)  # IATI BudgetStatus
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(ExactDecimal)
    currency: Mapped[str] = mapped_column(String(3))
    value_date: Mapped[dt.date | None] = mapped_column(Date)


class ProjectText(Base):
    """A narrative of the project's title or a description, in one language (IATI narratives)."""

    __tablename__ = "project_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))  # title | description:<DescriptionType>
    seq: Mapped[int] = mapped_column(Integer, default=0)
    lang: Mapped[str] = mapped_column(String(16), default="")
    text: Mapped[str] = mapped_column(Text)


class IatiActivity(Base):
    """The IATI activity XML a project was imported from, whole: export loses nothing of it."""

    __tablename__ = "iati_activity"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(String(8))
    last_updated: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    xml: Mapped[str] = mapped_column(Text)


class FxRate(Base):
    """Units of ``currency`` per one unit of ``base`` over a day, month or year, from a source."""

    __tablename__ = "fx_rate"
    __table_args__ = (
        UniqueConstraint(
            "source", "granularity", "period_start", "currency", name="uq_fx_rate_key"
        ),
        Index("ix_fx_rate_lookup", "currency", "granularity", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    granularity: Mapped[str] = mapped_column(String(5))  # day | month | year
    period_start: Mapped[dt.date] = mapped_column(Date)
    base: Mapped[str] = mapped_column(String(3))
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(ExactDecimal)


class Rollup(Base):
    """Counted money per breakdown key and day, kept in step with every write.

    ``dimension`` is ``total``, ``area``, ``country``, ``instrument``, ``sector``, ``finance``
    (public/private) or ``origin`` (Japanese/other funders); ``key`` is the value within it.
    Each has a twin ``c:<dimension>`` whose key is prefixed by the composition code (basis and
    evidence tier, see :mod:`cajad.register.rollup`).
    Only money of projects that count toward the goal and are not cancelled is rolled up.
    """

    __tablename__ = "rollup"
    # Stored in key order on SQLite, so that summing one dimension reads its rows in sequence
    # (migration 0011); PostgreSQL ignores the option.
    __table_args__ = ({"sqlite_with_rowid": False},)

    dimension: Mapped[str] = mapped_column(String(12), primary_key=True)
    # 40 for a breakdown key, and 3 more for its composition code (``c:<dimension>`` rows).
    key: Mapped[str] = mapped_column(String(43), primary_key=True)
    type: Mapped[int] = mapped_column(Integer, primary_key=True)
    value_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    jpy: Mapped[Decimal] = mapped_column(Money)
    usd: Mapped[Decimal] = mapped_column(Money)
    eur: Mapped[Decimal] = mapped_column(Money)
    n: Mapped[int] = mapped_column(Integer)


class AuditEntry(Base):
    """One change of the register: who, when, what, the state before and after. Append-only."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    #: The account that made the change (``cajad.accounts``; accounts are disabled, never
    #: deleted); None for the local operator of a server shell and for cajad's own loads.
    account_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(10))  # insert | update | delete
    entity: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(String(200), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class IatiOrganisation(Base):
    """What an IATI organisation file said about an organisation beyond its name and type:
    its version, last update, default language and currency (the file's newer one wins)."""

    __tablename__ = "iati_organisation"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(String(8))
    last_updated: Mapped[dt.datetime | None] = mapped_column(DateTime)
    language: Mapped[str | None] = mapped_column(String(16))
    default_currency: Mapped[str | None] = mapped_column(String(3))


class OrganisationBudget(Base):
    """An organisation's budget or expenditure for a period (IATI organisation file).

    ``kind`` is the IATI element: ``total-budget``, ``recipient-org-budget``,
    ``recipient-region-budget``, ``recipient-country-budget`` or ``total-expenditure``; the
    recipient (an organisation ref, a region or a country code) is given for the three
    ``recipient-*`` kinds. ``narratives`` are the recipient's ``[lang, text]`` pairs.
    """

    __tablename__ = "organisation_budget"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str | None] = mapped_column(String(8))  # IATI BudgetStatus
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(ExactDecimal)
    currency: Mapped[str] = mapped_column(String(3))
    value_date: Mapped[dt.date] = mapped_column(Date)
    recipient: Mapped[str | None] = mapped_column(String(200))
    recipient_vocabulary: Mapped[str | None] = mapped_column(String(8))
    recipient_vocabulary_uri: Mapped[str | None] = mapped_column(Text)
    narratives: Mapped[list[list[str]] | None] = mapped_column(JSON)

    lines: Mapped[list[OrganisationBudgetLine]] = relationship(
        cascade="all, delete-orphan", order_by="OrganisationBudgetLine.seq"
    )


class OrganisationBudgetLine(Base):
    """A sub-total of an organisation budget (``budget-line``) or expenditure
    (``expense-line``), described by its narratives (``[lang, text]`` pairs)."""

    __tablename__ = "organisation_budget_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(
        ForeignKey("organisation_budget.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    ref: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[Decimal] = mapped_column(ExactDecimal)
    currency: Mapped[str] = mapped_column(String(3))
    value_date: Mapped[dt.date] = mapped_column(Date)
    narratives: Mapped[list[list[str]]] = mapped_column(JSON)


class ProjectSearch(Base):
    """The words a project is found by (titles in every language, descriptions, participants,
    sector names), normalised by :mod:`cajad.register.search`; rewritten with every import."""

    __tablename__ = "project_search"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    words: Mapped[str] = mapped_column(Text)


class RegisterVersion(Base):
    """One row: a counter bumped in the same transaction as every write to the register, so a
    cache of figures computed from it knows, in any process, whether they are still current
    (:mod:`cajad.register.version`)."""

    __tablename__ = "register_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, nullable=False)
