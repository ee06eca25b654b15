"""Reading and writing screenings: catalogue snapshots, verdicts in bulk, their audit entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from cajad.register import AuditEntry, Base, Project
from cajad.screening.catalogue import Catalogue, from_content
from cajad.screening.errors import CatalogueError, NotScreenedError
from cajad.screening.models import CatalogueSnapshot, Screening
from cajad.screening.verdict import Verdict


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def ensure_catalogue(session: Session, catalogue: Catalogue) -> None:
    """Store the catalogue's snapshot on first use; refuse a version whose content changed."""
    stored = session.get(CatalogueSnapshot, catalogue.version)
    if stored is None:
        session.add(
            CatalogueSnapshot(
                version=catalogue.version,
                digest=catalogue.digest,
                content=catalogue.content,
                stored_at=utcnow(),
            )
        )
        session.flush()
    elif stored.digest != catalogue.digest:
        raise CatalogueError(
            f"catalogue {catalogue.version} changed since verdicts were recorded under it "
            f"(digest {catalogue.digest[:12]}, recorded {stored.digest[:12]}): publish the "
            "change as a new version"
        )


def stored_catalogue(session: Session, version: str) -> Catalogue:
    """The catalogue exactly as it was when first used, from its snapshot."""
    stored = session.get(CatalogueSnapshot, version)
    if stored is None:
        raise NotScreenedError(f"no catalogue {version!r} has been used in this register")
    cached = _SNAPSHOTS.get(stored.digest)
    if cached is None:
        cached = _SNAPSHOTS[stored.digest] = from_content(stored.content)
    return cached


#: Compiled catalogues by digest: a snapshot never changes, so neither does its compilation.
_SNAPSHOTS: dict[str, Catalogue] = {}


def project_id(session: Session, identifier: str) -> int:
    found = session.scalar(select(Project.id).where(Project.identifier == identifier))
    if found is None:
        raise NotScreenedError(f"no project {identifier!r} in the register")
    return found


def latest(session: Session, project_ids: Sequence[int] | None = None) -> dict[int, Screening]:
    """The latest screening of each project (of the given ones), keyed by project id."""
    newest = select(func.max(Screening.id)).group_by(Screening.project_id)
    if project_ids is not None:
        newest = newest.where(Screening.project_id.in_(project_ids))
    rows = session.scalars(select(Screening).where(Screening.id.in_(newest)))
    return {row.project_id: row for row in rows}


def latest_keys(session: Session) -> dict[int, tuple[str, str, str, str]]:
    """``project id → (catalogue version, inputs digest, grade, category)``, latest screenings."""
    newest = select(func.max(Screening.id)).group_by(Screening.project_id)
    query = select(
        Screening.project_id,
        Screening.catalogue_version,
        Screening.inputs_digest,
        Screening.grade,
        Screening.category,
    ).where(Screening.id.in_(newest))
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in session.execute(query)}


def save(
    session: Session, items: Sequence[tuple[int, Verdict, dict[str, Any]]], actor: str
) -> list[int]:
    """Insert one screening per ``(project id, verdict, inputs)`` and audit each; their ids."""
    if not items:
        return []
    now = utcnow()
    rows = [
        {
            "project_id": pid,
            "catalogue_version": v.catalogue_version,
            "screened_at": now,
            "actor": actor,
            "category": v.category.category,
            "grade": v.grade,
            "score": None if v.score is None else Decimal(str(v.score)),
            "blocked": v.blocked,
            "red_flags": len(v.red_flags),
            "missing": len(v.missing_evidence),
            "inputs_digest": v.inputs_digest,
            "result": v.summary(),
            "inputs": inputs,
        }
        for pid, v, inputs in items
    ]
    table = Base.metadata.tables[Screening.__tablename__]
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = list(session.scalars(statement, rows))
    audit_actor = str(session.info.get("actor", actor))
    account = session.info.get("account")
    session.execute(  # as audit.record writes them, in one statement (no "before": a new row)
        insert(Base.metadata.tables[AuditEntry.__tablename__]),
        [
            {
                "at": now,
                "actor": audit_actor,
                "account_id": account,
                "action": "insert",
                "entity": "screening",
                "entity_key": verdict.project,
                "after": {
                    "screening": sid,
                    "catalogue_version": verdict.catalogue_version,
                    "category": verdict.category.category,
                    "grade": verdict.grade,
                    "score": verdict.score,
                    "red_flags": [f.rule for f in verdict.red_flags],
                },
            }
            for sid, (_pid, verdict, _inputs) in zip(ids, items, strict=True)
        ],
    )
    return ids
