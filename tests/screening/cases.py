"""Realistic screening cases as register specs, and helpers to put them in a store.

Each case is a project a JICA/JBIC investment officer could meet in Central Asia; the tests
say which verdict a practitioner would give and why. Amounts and names are made up but of the
right kind and size; organisations are real initiative parties.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Engine

from cajad.register import import_specs, session_scope
from cajad.register.models import Location, Project
from cajad.register.specs import (
    CountrySpec,
    DocumentSpec,
    OrganisationSpec,
    ParticipationSpec,
    ProjectSpec,
    SectorSpec,
    TransactionSpec,
)

JICA = OrganisationSpec(
    name="Japan International Cooperation Agency (JICA)",
    ref="XM-DAC-701-8",
    type="15",
    country="JP",
)
JBIC = OrganisationSpec(
    name="Japan Bank for International Cooperation (JBIC)", type="15", country="JP"
)
SMBC = OrganisationSpec(name="Sumitomo Mitsui Banking Corporation (SMBC)", type="70", country="JP")
MUFG = OrganisationSpec(name="MUFG Bank", type="70", country="JP")
JAPAN = OrganisationSpec(name="Government of Japan", ref="XM-DAC-701", type="10", country="JP")


def _org(name: str, kind: str, country: str) -> OrganisationSpec:
    return OrganisationSpec(name=name, type=kind, country=country)


def _tx(ref: str, kind: int, value: str, currency: str, day: str) -> TransactionSpec:
    return TransactionSpec(
        ref=ref,
        type=kind,
        value=Decimal(value),
        currency=currency,
        value_date=dt.date.fromisoformat(day),
    )


def mine(identifier: str = "XM-CAJAD-TEST-COPPER-MINE") -> ProjectSpec:
    """A greenfield open-pit copper-gold mine financed by JBIC with two EPFIs: category A."""
    return ProjectSpec(
        identifier=identifier,
        title="Yoshlik open-pit copper-gold mine and concentrator",
        description=(
            "Development of an open-pit copper-gold mine, a 60 Mtpa concentrator and a tailings "
            "storage facility in the Tashkent region, co-financed by JBIC, SMBC and MUFG Bank."
        ),
        stage="financing",
        instrument="JBIC loan",
        default_currency="USD",
        countries=(CountrySpec(code="UZ", percentage=Decimal(100)),),
        sectors=(
            SectorSpec(code="32264", percentage=Decimal(60)),
            SectorSpec(code="32265", percentage=Decimal(40)),
        ),
        participants=(
            ParticipationSpec(organisation=JBIC, role=1),
            ParticipationSpec(organisation=SMBC, role=1),
            ParticipationSpec(organisation=MUFG, role=1),
            ParticipationSpec(organisation=_org("Almalyk MMC", "15", "UZ"), role=4),
        ),
        documents=(
            DocumentSpec(
                url="https://www.jbic.go.jp/en/information/press/example-yoshlik.html",
                title="JBIC signs loan agreement for the Yoshlik copper project",
            ),
        ),
        transactions=(_tx("c-1", 2, "1200000000", "USD", "2025-09-30"),),
    )


def training(identifier: str = "XM-DAC-701-8-TC-2025-UZ-CUSTOMS") -> ProjectSpec:
    """JICA technical cooperation training customs officers: category C, published to IATI."""
    return ProjectSpec(
        identifier=identifier,
        title="Capacity development for customs officers in risk management and trade facilitation",
        description=(
            "Technical cooperation: training courses in Japan and Tashkent for 300 customs "
            "officers on risk management and single-window procedures."
        ),
        stage="implementation",
        instrument="technical cooperation",
        default_currency="JPY",
        countries=(CountrySpec(code="UZ", percentage=Decimal(100)),),
        sectors=(
            SectorSpec(code="33120", percentage=Decimal(50)),
            SectorSpec(code="33181", percentage=Decimal(50)),
        ),
        participants=(
            ParticipationSpec(organisation=JICA, role=1),
            ParticipationSpec(
                organisation=_org("State Customs Committee of Uzbekistan", "10", "UZ"), role=4
            ),
        ),
        documents=(
            DocumentSpec(
                url="https://www.jica.go.jp/english/overseas/uzbekistan/example-customs.html",
                title="Project for capacity development of customs officers",
                category="A12",
            ),
        ),
        transactions=(
            _tx("c-1", 2, "450000000", "JPY", "2025-04-01"),
            _tx("d-1", 3, "120000000", "JPY", "2025-10-01"),
        ),
    )


def port(identifier: str = "XM-CAJAD-TEST-AKTAU-PORT") -> ProjectSpec:
    """A sovereign ODA loan for a port expansion that resettles households: category A."""
    return ProjectSpec(
        identifier=identifier,
        title="Aktau port expansion: container terminal and two new berths",
        description=(
            "Construction of two berths, a container yard and rail sidings north of the existing "
            "port. The land take requires the resettlement of about 140 households and moves the "
            "landing sites of two fishing cooperatives."
        ),
        stage="financing",
        instrument="ODA loan",
        default_currency="JPY",
        countries=(CountrySpec(code="KZ", percentage=Decimal(100)),),
        sectors=(SectorSpec(code="21040", percentage=Decimal(100)),),
        participants=(
            ParticipationSpec(organisation=JICA, role=1),
            ParticipationSpec(organisation=_org("Government of Kazakhstan", "10", "KZ"), role=4),
            ParticipationSpec(organisation=_org("Port of Aktau", "15", "KZ"), role=4),
        ),
        documents=(
            DocumentSpec(
                url="https://www.jica.go.jp/english/news/press/example-aktau.html",
                title="Loan agreement signed for the Aktau port expansion",
            ),
            DocumentSpec(
                url="https://www.jica.go.jp/environmental_and_social/example-aktau-eia.pdf",
                title="Environmental Impact Assessment of the Aktau port expansion",
                category="A01",
            ),
        ),
        transactions=(_tx("c-1", 2, "45000000000", "JPY", "2025-11-20"),),
    )


def bare_grant(identifier: str = "XM-CAJAD-TEST-KHATLON-EQUIPMENT") -> ProjectSpec:
    """A grant for hospital equipment with nothing published about it."""
    return ProjectSpec(
        identifier=identifier,
        title="Grant for medical equipment of the Khatlon regional hospital",
        stage="financing",
        instrument="grant aid",
        default_currency="USD",
        countries=(CountrySpec(code="TJ", percentage=Decimal(100)),),
        sectors=(SectorSpec(code="12191", percentage=Decimal(100)),),
        participants=(
            ParticipationSpec(organisation=JAPAN, role=1),
            ParticipationSpec(
                organisation=_org("Ministry of Health of Tajikistan", "10", "TJ"), role=4
            ),
        ),
        transactions=(_tx("c-1", 2, "3000000", "USD", "2025-03-15"),),
    )


CASES = {"mine": mine, "training": training, "port": port, "bare_grant": bare_grant}


def add(engine: Engine, *specs: ProjectSpec) -> None:
    """Import specs into the register (one atomic import)."""
    import_specs(engine, list(specs), source="screening tests", actor="tests")


def locate(engine: Engine, identifier: str, name: str, latitude: str, longitude: str) -> None:
    """Give a project a location with coordinates (project specs carry none)."""
    with session_scope(engine) as session:
        project = session.query(Project).filter_by(identifier=identifier).one()
        project.locations.append(
            Location(name=name, latitude=Decimal(latitude), longitude=Decimal(longitude))
        )
