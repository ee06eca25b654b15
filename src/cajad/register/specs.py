"""What an import wants the register to hold: validated, source-independent project specs.

Every reader (deals CSV, transactions CSV, IATI XML) turns its input into these specs;
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
    vocabulary: str | None = None  # IATI RegionVocabulary of a region (None: countries)


class SectorSpec(_Spec):
    code: str
    percentage: Decimal
    vocabulary: str = "1"


class DocumentSpec(_Spec):
    url: str
    title: str | None = None
    category: str | None = None
    published: dt.date | None = None


class LocationSpec(_Spec):
    name: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class BudgetSpec(_Spec):
    type: int = 1
    status: int = 1
    period_start: dt.date
    period_end: dt.date
    value: Decimal
    currency: str
    value_date: dt.date | None = None


class TextSpec(_Spec):
    """One narrative of a text element (``title``, ``description:<type>``) in one language.

    ``seq`` numbers the elements of one kind (an activity may have several descriptions of a
    type); ``lang`` is the narrative's language, empty when it has the activity's default.
    """

    kind: str
    seq: int = 0
    lang: str = ""
    text: str


class IatiSourceSpec(_Spec):
    """The IATI activity a project was imported from, kept whole so that export loses nothing."""

    version: str
    last_updated: dt.datetime | None = None
    xml: str


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
    language: str = "en"
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    countries: tuple[CountrySpec, ...] = Field(default=())
    sectors: tuple[SectorSpec, ...] = Field(default=())
    participants: tuple[ParticipationSpec, ...] = Field(default=())
    documents: tuple[DocumentSpec, ...] = Field(default=())
    transactions: tuple[TransactionSpec, ...] = Field(default=())
    budgets: tuple[BudgetSpec, ...] = Field(default=())
    locations: tuple[LocationSpec, ...] = Field(default=())
    texts: tuple[TextSpec, ...] = Field(default=())
    iati: IatiSourceSpec | None = None
