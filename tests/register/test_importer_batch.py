"""The batch writer: one audit entry per changed project, parts replaced, rollup in step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Engine, func, select

from cajad.register import import_specs, session_scope
from cajad.register.audit import canonical, history
from cajad.register.models import AuditEntry, Organisation, Participation, Project, Transaction
from cajad.register.rollup import rebuild
from cajad.register.specs import (
    CountrySpec,
    OrganisationSpec,
    ParticipationSpec,
    ProjectSpec,
    SectorSpec,
    TransactionSpec,
)
from tests.conftest import rows_of

JICA = OrganisationSpec(name="Japan International Cooperation Agency", ref="XJ-JICA", country="JP")


def _tx(ref: str, value: str, day: str, kind: int = 2) -> TransactionSpec:
    return TransactionSpec(
        ref=ref,
        type=kind,
        value=Decimal(value),
        currency="USD",
        value_date=dt.date.fromisoformat(day),
        provider=JICA,
    )


def _spec(identifier: str, *transactions: TransactionSpec, **fields: object) -> ProjectSpec:
    values: dict[str, object] = {
        "identifier": identifier,
        "title": f"Project {identifier}",
        "stage": "implementation",
        "countries": (
            CountrySpec(code="KZ", percentage=Decimal("60.00")),
            CountrySpec(code="UZ", percentage=Decimal("40")),
        ),
        "sectors": (SectorSpec(code="21020", percentage=Decimal(100)),),
        "participants": (ParticipationSpec(organisation=JICA, role=1),),
        "transactions": transactions,
    }
    values.update(fields)
    return ProjectSpec.model_validate(values)


def _audit_rows(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count(AuditEntry.id))) or 0)


def test_a_batch_audits_each_project_once_and_a_second_import_changes_nothing(
    empty_engine: Engine,
) -> None:
    specs = [
        _spec("t-1", _tx("a", "1000", "2025-01-10")),
        _spec("t-2", _tx("a", "2500.50", "2025-02-10"), _tx("b", "10", "2025-03-01", 3)),
        _spec("t-3"),
    ]
    report = import_specs(empty_engine, specs, source="batch", actor="tester")
    assert report.created == ["t-1", "t-2", "t-3"]
    with session_scope(empty_engine) as session:
        for spec in specs:
            entries = history(session, "project", spec.identifier)
            assert [(e.action, e.actor, e.before) for e in entries] == [("insert", "tester", None)]
            assert entries[0].after == canonical(spec)
        orgs = history(session, "organisation", JICA.name)
        assert [e.action for e in orgs] == ["insert"]
    count = _audit_rows(empty_engine)
    again = import_specs(empty_engine, specs, source="batch")
    assert again.created == [] and again.updated == [] and len(again.unchanged) == 3
    assert _audit_rows(empty_engine) == count


def test_an_update_is_audited_with_what_changed_and_keeps_transactions_by_ref(
    empty_engine: Engine,
) -> None:
    old = _spec("t-1", _tx("a", "1000", "2025-01-10"), _tx("b", "5", "2025-01-11"))
    import_specs(empty_engine, [old, _spec("t-2")], source="first")
    with session_scope(empty_engine) as session:
        ids = dict(session.execute(select(Transaction.ref, Transaction.id)).all())
    new = _spec(
        "t-1",
        _tx("a", "1200", "2025-01-10"),
        _tx("c", "7", "2025-04-01"),
        countries=(CountrySpec(code="KG", percentage=Decimal(100)),),
    )
    report = import_specs(empty_engine, [new, _spec("t-2")], source="second")
    assert report.updated == ["t-1"] and report.unchanged == ["t-2"]
    with session_scope(empty_engine) as session:
        entries = history(session, "project", "t-1")
        assert [e.action for e in entries] == ["insert", "update"]
        assert entries[1].before == canonical(old) and entries[1].after == canonical(new)
        assert entries[1].before["countries"] != entries[1].after["countries"]
        assert [e.action for e in history(session, "project", "t-2")] == ["insert"]
        rows = session.execute(
            select(Transaction.ref, Transaction.id, Transaction.value, Transaction.value_usd)
            .join(Project, Project.id == Transaction.project_id)
            .where(Project.identifier == "t-1")
            .order_by(Transaction.ref)
        ).all()
        countries = session.scalar(select(Project).where(Project.identifier == "t-1"))
        assert countries is not None and [c.code for c in countries.countries] == ["KG"]
    assert [r[0] for r in rows] == ["a", "c"]
    assert rows[0][1] == ids["a"]  # updated in place: same row
    assert rows[0][2] == Decimal(1200) and rows[0][3] == Decimal("1200.00")


def test_the_rollup_kept_in_step_by_batches_equals_a_rebuild(empty_engine: Engine) -> None:
    specs = [
        _spec(f"r-{i}", _tx("a", f"{1000 + i}.33", "2025-05-01"), _tx("b", "77", "2026-01-01"))
        for i in range(5)
    ]
    import_specs(empty_engine, specs, source="first")
    changed = [
        specs[0].model_copy(update={"transactions": (_tx("a", "999", "2025-05-02"),)}),
        specs[1].model_copy(update={"stage": "cancelled"}),
        _spec("r-new", _tx("z", "3.01", "2027-01-01")),
    ]
    import_specs(empty_engine, changed, source="second")
    incremental = rows_of(empty_engine, "rollup")
    assert incremental
    with session_scope(empty_engine) as session:
        rebuild(session)
    assert rows_of(empty_engine, "rollup") == incremental


def test_one_organisation_named_twice_by_its_ref_in_a_batch_is_renamed_not_doubled(
    empty_engine: Engine,
) -> None:
    first = OrganisationSpec(name="Agency (old name)", ref="XM-DAC-1", type="10")
    second = OrganisationSpec(name="Agency", ref="XM-DAC-1")
    specs = [
        _spec("o-1", participants=(ParticipationSpec(organisation=first, role=1),)),
        _spec("o-2", participants=(ParticipationSpec(organisation=second, role=1),)),
    ]
    import_specs(empty_engine, specs, source="orgs")
    with session_scope(empty_engine) as session:
        named = session.execute(
            select(Organisation.name, Organisation.ref, Organisation.type).where(
                Organisation.ref == "XM-DAC-1"
            )
        ).all()
        assert named == [("Agency", "XM-DAC-1", "10")]
        links = session.scalars(select(Participation.organisation_id)).all()
        assert len(links) == 2 and len(set(links)) == 1
        assert [e.action for e in history(session, "organisation", "Agency")] == ["update"]


def test_a_package_new_in_the_same_batch_is_linked_and_unlinked(empty_engine: Engine) -> None:
    specs = [_spec("p-part", package="p-whole"), _spec("p-whole")]
    import_specs(empty_engine, specs, source="packages")
    with session_scope(empty_engine) as session:
        part = session.scalar(select(Project).where(Project.identifier == "p-part"))
        assert part is not None and part.package is not None
        assert part.package.identifier == "p-whole"
    import_specs(empty_engine, [_spec("p-part")], source="unlink")
    with session_scope(empty_engine) as session:
        part = session.scalar(select(Project).where(Project.identifier == "p-part"))
        assert part is not None and part.package_id is None
