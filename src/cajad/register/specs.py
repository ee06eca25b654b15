"""What an import wants the register to hold: validated, source-independent project specs.

Every reader (deals CSV, transactions CSV, later IATI XML) turns its input into these specs;
the importer compares them with the register and writes the difference.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OrganisationSpec(_Spec):
    name: str
    ref: str | None = None
    type: str | None = None
    country: str | None = None


class ParticipationSpec(_Spec):
    organisation: OrganisationSpec
    role: int
    note: str | None = None


class CountrySpec(_Spec):
    code: str
    percentage: Decimal
    is_region: bool = False


class SectorSpec(_Spec):
    code: str
    percentage: Decimal
    vocabulary: str = "1"


class DocumentSpec(_Spec):
    url: str
    title: str | None = None
    category: str | None = None
    published: dt.date | None = None


class TransactionSpec(_Spec):
    line: int | None = Field(default=None, exclude=True)
    ref: str
    type: int
    value: Decimal
    currency: str
    value_date: dt.date | None
    transaction_date: dt.date | None = None
    qualifier: str | None = None
    instrument: str | None = None
    finance_type: str | None = None
    description: str | None = None
    provider: OrganisationSpec | None = None
    provider_activity: str | None = None
    receiver: OrganisationSpec | None = None
    receiver_activity: str | None = None


class ProjectSpec(_Spec):
    line: int | None = Field(default=None, exclude=True)
    identifier: str
    title: str
    description: str | None = None
    stage: str
    instrument: str | None = None
    default_currency: str | None = None
    agreement_date: dt.date | None = None
    agreement_date_precision: str | None = None
    package: str | None = None
    priority_area_override: str | None = None
    counts_toward_goal: bool = True
    count_decision: str | None = None
    countries: tuple[CountrySpec, ...] = Field(default=())
    sectors: tuple[SectorSpec, ...] = Field(default=())
    participants: tuple[ParticipationSpec, ...] = Field(default=())
    documents: tuple[DocumentSpec, ...] = Field(default=())
    transactions: tuple[TransactionSpec, ...] = Field(default=())
