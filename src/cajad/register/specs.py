"""What an import wants the register to hold: validated, source-independent project specs.

Every reader (deals CSV, transactions CSV, IATI XML) turns its input into these specs;
the importer compares them with the register and writes the difference.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer


def _plain(value: Decimal) -> str:
    """A decimal in JSON as plain normalised text: ``100.00`` is ``100`` (audit states)."""
    return format(value.normalize(), "f")


#: A decimal that dumps to JSON as plain normalised text (Python dumps keep the Decimal).
Exact = Annotated[Decimal, PlainSerializer(_plain, return_type=str, when_used="json")]


class Spec(BaseModel):
    """Base of every spec: frozen, no unknown fields; decimals dump to JSON normalised."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class OrganisationSpec(Spec):
    name: str
    ref: str | None = None
    type: str | None = None
    country: str | None = None


class ParticipationSpec(Spec):
    organisation: OrganisationSpec
    role: int
    note: str | None = None


class CountrySpec(Spec):
    code: str
    percentage: Exact
    is_region: bool = False
    vocabulary: str | None = None  # IATI RegionVocabulary of a region (None: countries)


class SectorSpec(Spec):
    code: str
    percentage: Exact
    vocabulary: str = "1"


class DocumentSpec(Spec):
    url: str
    title: str | None = None
    category: str | None = None
    published: dt.date | None = None


class LocationSpec(Spec):
    name: str
    latitude: Exact | None = None
    longitude: Exact | None = None


class BudgetSpec(Spec):
    type: int = 1
    status: int = 1
    period_start: dt.date
    period_end: dt.date
    value: Exact
    currency: str
    value_date: dt.date | None = None


class TextSpec(Spec):
    """One narrative of a text element (``title``, ``description:<type>``) in one language.

    ``seq`` numbers the elements of one kind (an activity may have several descriptions of a
    type); ``lang`` is the narrative's language, empty when it has the activity's default.
    """

    kind: str
    seq: int = 0
    lang: str = ""
    text: str


class IatiSourceSpec(Spec):
    """The IATI activity a project was imported from, kept whole so that export loses nothing."""

    version: str
    last_updated: dt.datetime | None = None
    xml: str


class TransactionSpec(Spec):
    line: int | None = Field(default=None, exclude=True)
    ref: str
    type: int
    value: Exact
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


#: What a project's counted money is: an itemised project or an aggregate package total.
Basis = Literal["itemised", "aggregate"]
#: The tier of the evidence for it, strongest first: the financier's own record (signed
#: agreement, JICA/JBIC/NEXI release, IATI), a company's disclosure, a government's statement,
#: a press report; ``unknown`` where no curation says.
Evidence = Literal["financier", "company", "government", "press", "unknown"]


class ProjectSpec(Spec):
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
    basis: Basis = "itemised"
    evidence: Evidence = "unknown"
    counting_date: dt.date | None = None
    #: The owning organisation's identifier (see :mod:`cajad.register.ownership`).
    owner: str | None = Field(default=None, max_length=300)
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
