"""Rebuilding the rollup from the register in bulk gives the rows the writes kept in step."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from cajad.register import import_file, session_scope
from cajad.register.models import Organisation, Project, Transaction
from cajad.register.rollup import rebuild
from tests.conftest import rows_of


def test_rebuild_equals_the_rollup_of_the_demo_import(engine: Engine) -> None:
    before = rows_of(engine, "rollup")
    assert before, "the demo deals must roll something up"
    with session_scope(engine) as session:
        written = rebuild(session)
    assert written == len(before)
    assert rows_of(engine, "rollup") == before


def test_rebuild_equals_the_rollup_after_updates(engine: Engine, tmp_path: Path) -> None:
    """An import that replaces and adds money takes the incremental −before/+after path."""
    with session_scope(engine) as session:
        projects = session.scalars(
            select(Project)
            .where(Project.counts_toward_goal.is_(True), Project.stage != "cancelled")
            .order_by(Project.identifier)
            .limit(3)
        ).all()
        targets = [(p.identifier, [t.ref for t in p.transactions]) for p in projects]
    lines = ["project,ref,type,value,currency,value_date,instrument"]
    for i, (identifier, refs) in enumerate(targets):
        if refs:  # replace a stored transaction: subtracted, then added back changed
            lines.append(f"{identifier},{refs[0]},2,12345678.91,USD,2026-0{i + 1}-15,")
        lines.append(f"{identifier},bench-{i},12,98765.43,EUR,2027-03-0{i + 1},ODA loan")
        lines.append(f"{identifier},bench-k-{i},3,1000000,KZT,2028-11-2{i},")
    csv_path = tmp_path / "transactions.csv"
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_file(engine, csv_path)
    assert len(report.updated) == len(targets)
    incremental = rows_of(engine, "rollup")
    with session_scope(engine) as session:
        rebuild(session)
    assert rows_of(engine, "rollup") == incremental


def test_rebuild_equals_the_rollup_after_naming_a_known_provider(
    engine: Engine, tmp_path: Path
) -> None:
    with session_scope(engine) as session:
        project = session.scalars(
            select(Project)
            .where(Project.counts_toward_goal.is_(True), Project.stage != "cancelled")
            .order_by(Project.identifier)
        ).first()
        assert project is not None
        involved = {p.organisation_id for p in project.participants}
        involved |= {t.provider_org_id for t in project.transactions}
        involved |= {t.receiver_org_id for t in project.transactions}
        provider = session.scalars(  # a Japanese provider of other projects' money
            select(Organisation)
            .join(Transaction, Transaction.provider_org_id == Organisation.id)
            .where(Organisation.country == "JP", Organisation.id.not_in(involved - {None}))
            .order_by(Organisation.name)
        ).first()
        assert provider is not None
        line = f"{project.identifier},bench-p,2,1000,USD,2026-05-01,{provider.name}"
    csv_path = tmp_path / "transactions.csv"
    csv_path.write_text(f"project,ref,type,value,currency,value_date,provider\n{line}\n")
    import_file(engine, csv_path)
    incremental = rows_of(engine, "rollup")
    with session_scope(engine) as session:
        rebuild(session)
    assert rows_of(engine, "rollup") == incremental
