"""Audit states: the fast canonical form of specs equals the generic one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cajad.register.audit import _canonical, canonical
from cajad.register.specs import (
    BudgetSpec,
    CountrySpec,
    IatiSourceSpec,
    LocationSpec,
    OrganisationSpec,
    ParticipationSpec,
    ProjectSpec,
    TransactionSpec,
)


def _spec() -> ProjectSpec:
    org = OrganisationSpec(name="Agency", ref="XM-1", country="JP")
    return ProjectSpec(
        identifier="a-1",
        title="A",
        stage="implementation",
        planned_start=dt.date(2025, 1, 2),
        countries=(
            CountrySpec(code="UZ", percentage=Decimal("40.000")),
            CountrySpec(code="KZ", percentage=Decimal("60.00")),
        ),
        participants=(
            ParticipationSpec(organisation=org, role=3),
            ParticipationSpec(organisation=org, role=1),
        ),
        transactions=(
            TransactionSpec(
                ref="b", type=3, value=Decimal("1E+3"), currency="USD", value_date=None
            ),
            TransactionSpec(
                ref="a",
                type=2,
                value=Decimal("-0.50"),
                currency="JPY",
                value_date=dt.date(2025, 3, 1),
                provider=org,
            ),
        ),
        budgets=(
            BudgetSpec(
                period_start=dt.date(2025, 1, 1),
                period_end=dt.date(2025, 12, 31),
                value=Decimal("100.10"),
                currency="EUR",
            ),
        ),
        locations=(LocationSpec(name="Osh", latitude=Decimal("40.5"), longitude=None),),
        iati=IatiSourceSpec(
            version="2.03", last_updated=dt.datetime(2024, 5, 6, 7, 8, 9, 123456), xml="<a/>"
        ),
    )


def test_the_canonical_form_of_a_spec_equals_the_generic_walk() -> None:
    spec = _spec()
    fast = canonical(spec)
    assert fast == _canonical(spec.model_dump(mode="python"))
    assert [c["percentage"] for c in fast["countries"]] == ["60", "40"]  # normalised, sorted
    assert {t["value"] for t in fast["transactions"]} == {"1000", "-0.5"}
    assert fast["iati"]["last_updated"] == "2024-05-06T07:08:09.123456"


def test_equal_specs_in_another_order_have_one_canonical_form() -> None:
    spec = _spec()
    shuffled = spec.model_copy(
        update={
            "countries": spec.countries[::-1],
            "transactions": spec.transactions[::-1],
            "participants": spec.participants[::-1],
        }
    )
    assert canonical(shuffled) == canonical(spec)
