"""Row writing for the importer: what changed, in one Core statement per table.

The importer decides what to write (:class:`Change`); this module writes it: new projects
inserted, changed ones updated with their parts replaced whole (transactions kept by ref, so
they keep their ids), packages linked and every change audited, with no ORM unit of work per
row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from cajad.register import audit
from cajad.register._organisations import Organisations
from cajad.register.models import (
    Base,
    Budget,
    Document,
    IatiActivity,
    Location,
    Participation,
    Project,
    ProjectCountry,
    ProjectSector,
    ProjectText,
    Transaction,
)
from cajad.register.specs import ProjectSpec, TransactionSpec

#: Materialised values (``value_jpy``, ``value_usd``, ``value_eur``) by (project, transaction ref).
Converted = dict[tuple[str, str], dict[str, Any]]


@dataclass
class Change:
    """A project to write: its spec, its audit states, its id (None until a new one is in)."""

    spec: ProjectSpec
    before: dict[str, Any] | None
    after: dict[str, Any]
    pid: int | None = None


_SCALARS = (
    "title description stage instrument default_currency agreement_date agreement_date_precision "
    "priority_area_override counts_toward_goal count_decision basis evidence counting_date owner "
    "language planned_start "
    "planned_end actual_start actual_end"
).split()


def write_changes(
    session: Session,
    changes: list[Change],
    organisations: Organisations,
    converted: Converted,
) -> list[int]:
    """Insert the new projects, replace the parts of the changed ones (transactions kept by
    ref), link packages and audit, one statement per table; return the projects' ids."""
    new = [c for c in changes if c.pid is None]
    if new:
        _insert_rows(session, Project, [_project_row(c.spec) for c in new])
        ids = ids_of(session, [c.spec.identifier for c in new])
        for change in new:
            change.pid = ids[change.spec.identifier]
    stored = [c.pid for c in changes if c.before is not None and c.pid is not None]
    _update_projects(session, [c for c in changes if c.before is not None])
    _clear_parts(session, stored)
    rows: dict[type[Base], list[dict[str, Any]]] = defaultdict(list)
    for change in changes:
        assert change.pid is not None
        _part_rows(rows, change.pid, change.spec, organisations, converted)
    transactions = rows.pop(Transaction, [])
    for model, params in rows.items():
        _insert_rows(session, model, params)
    _write_transactions(session, transactions, stored)
    _link_packages(session, changes)
    audit.record_many(
        session,
        entity="project",
        entries=[
            (c.spec.identifier, "insert" if c.before is None else "update", c.before, c.after)
            for c in changes
        ],
    )
    return [c.pid for c in changes if c.pid is not None]


def _project_row(spec: ProjectSpec) -> dict[str, Any]:
    return {"identifier": spec.identifier, **{n: getattr(spec, n) for n in _SCALARS}}


def _table(model: type[Base]) -> Table:
    return model.metadata.tables[model.__tablename__]


def _update_projects(session: Session, changed: list[Change]) -> None:
    """The scalar columns of stored projects, in one executemany UPDATE."""
    if not changed:
        return
    table = _table(Project)
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({n: bindparam(f"b_{n}") for n in _SCALARS})
    )
    params = [{"b_id": c.pid, **{f"b_{n}": getattr(c.spec, n) for n in _SCALARS}} for c in changed]
    session.connection().execute(stmt, params)


#: The parts of a project that an import replaces whole (transactions are kept by ref).
_PARTS: tuple[type[Base], ...] = (
    ProjectCountry,
    ProjectSector,
    Participation,
    Document,
    Budget,
    Location,
    ProjectText,
    IatiActivity,
)


def _clear_parts(session: Session, pids: list[int]) -> None:
    for start in range(0, len(pids), 500):
        chunk = pids[start : start + 500]
        for model in _PARTS:
            table = _table(model)
            session.connection().execute(delete(table).where(table.c.project_id.in_(chunk)))


def _write_transactions(session: Session, rows: list[dict[str, Any]], pids: list[int]) -> None:
    """Write transaction rows: a stored one with the same (project, ref) is updated in place
    (it keeps its id), the others inserted; stored ones the specs no longer name are deleted."""
    table = _table(Transaction)
    stored: dict[tuple[int, str], int] = {}
    for start in range(0, len(pids), 500):
        query = select(table.c.project_id, table.c.ref, table.c.id).where(
            table.c.project_id.in_(pids[start : start + 500])
        )
        stored.update(((row[0], row[1]), row[2]) for row in session.execute(query))
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    for row in rows:
        tx_id = stored.pop((row["project_id"], row["ref"]), None)
        if tx_id is None:
            inserts.append(row)
        else:
            updates.append({"b_id": tx_id, **{f"b_{k}": v for k, v in row.items()}})
    gone = sorted(stored.values())
    for start in range(0, len(gone), 500):
        session.connection().execute(delete(table).where(table.c.id.in_(gone[start : start + 500])))
    if updates:
        names = [k.removeprefix("b_") for k in updates[0] if k != "b_id"]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({n: bindparam(f"b_{n}") for n in names})
        )
        session.connection().execute(stmt, updates)
    _insert_rows(session, Transaction, inserts)


def _insert_rows(session: Session, model: type[Base], params: list[dict[str, Any]]) -> None:
    """One executemany INSERT into ``model``'s table (Core: no ORM bookkeeping per row)."""
    if params:  # an empty list would insert one row of defaults
        session.connection().execute(insert(_table(model)), params)


def ids_of(session: Session, identifiers: list[str]) -> dict[str, int]:
    """Stored project ids by identifier, for those of ``identifiers`` in the register."""
    found: dict[str, int] = {}
    for start in range(0, len(identifiers), 500):
        query = select(Project.identifier, Project.id).where(
            Project.identifier.in_(identifiers[start : start + 500])
        )
        found.update((row[0], row[1]) for row in session.execute(query))
    return found


_TX_FIELDS = tuple(
    name for name in TransactionSpec.model_fields if name not in {"line", "provider", "receiver"}
)


def _part_rows(
    rows: dict[type[Base], list[dict[str, Any]]],
    pid: int,
    spec: ProjectSpec,
    organisations: Organisations,
    converted: Converted,
) -> None:
    """The rows of a new project's parts, as :func:`_fill` would make them."""
    rows[ProjectCountry] += [
        {
            "project_id": pid,
            "code": c.code,
            "percentage": c.percentage,
            "is_region": c.is_region,
            "vocabulary": c.vocabulary,
        }
        for c in spec.countries
    ]
    rows[ProjectSector] += [
        {"project_id": pid, "code": s.code, "vocabulary": s.vocabulary, "percentage": s.percentage}
        for s in spec.sectors
    ]
    rows[Participation] += [
        {
            "project_id": pid,
            "organisation_id": organisations.get(p.organisation).id,
            "role": p.role,
            "note": p.note,
        }
        for p in spec.participants
    ]
    rows[Document] += [
        {
            "project_id": pid,
            "url": d.url,
            "title": d.title,
            "category": d.category,
            "published": d.published,
        }
        for d in spec.documents
    ]
    rows[Budget] += [{"project_id": pid, **b.model_dump()} for b in spec.budgets]
    rows[Location] += [{"project_id": pid, **loc.model_dump()} for loc in spec.locations]
    rows[ProjectText] += [{"project_id": pid, **t.model_dump()} for t in spec.texts]
    if spec.iati is not None:
        rows[IatiActivity].append(
            {
                "project_id": pid,
                "version": spec.iati.version,
                "last_updated": spec.iati.last_updated,
                "xml": spec.iati.xml,
            }
        )
    for tx in spec.transactions:
        row = {name: getattr(tx, name) for name in _TX_FIELDS}
        row.update(value_jpy=None, value_usd=None, value_eur=None)
        row.update(converted.get((spec.identifier, tx.ref), {}))
        row["project_id"] = pid
        row["provider_org_id"] = organisations.get(tx.provider).id if tx.provider else None
        row["receiver_org_id"] = organisations.get(tx.receiver).id if tx.receiver else None
        rows[Transaction].append(row)


def _link_packages(session: Session, changes: list[Change]) -> None:
    """Point each written project at its package (which may be new in this batch)."""
    wanted = sorted({c.spec.package for c in changes if c.spec.package})
    ids = ids_of(session, wanted) if wanted else {}
    links = [
        {"b_id": c.pid, "b_package": ids[c.spec.package] if c.spec.package else None}
        for c in changes
        if c.spec.package or c.before is not None
    ]
    if links:
        table = _table(Project)
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(package_id=bindparam("b_package"))
        )
        session.connection().execute(stmt, links)
