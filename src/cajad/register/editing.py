"""Editing one project's fields, with optimistic locking.

A project's *version* is a digest of its whole canonical state (what the audit log records),
so any change by anyone (an edit, an import, a curation) makes a new one. An edit names the
version it was based on; if the stored project has moved on, the edit is refused with
:class:`StaleVersionError`, which says what the other change was, and nothing is written.
The check and the write are one transaction, the project's row locked on PostgreSQL, so two
edits based on one version cannot both land. The write goes through the importer: audited,
rollups in step.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cajad.register import audit
from cajad.register.changes import diff
from cajad.register.errors import InputError, NotFoundError, Problem, StaleVersionError
from cajad.register.fx import RateBook
from cajad.register.importer import ImportReport, import_batches
from cajad.register.models import AuditEntry, Project
from cajad.register.specs import ProjectSpec
from cajad.register.store import Actor
from cajad.register.views import project_spec, stored_projects
from cajad.register.vocab import Stage

__all__ = ["EDITABLE", "edit_project", "project_version", "version_of"]

#: The fields an edit may change; the last five are whole parts (see :mod:`.parts`).
EDITABLE = (
    "title",
    "description",
    "stage",
    "instrument",
    "agreement_date",
    "agreement_date_precision",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "priority_area_override",
    "owner",
    "participants",
    "sectors",
    "countries",
    "locations",
    "documents",
    "transactions",
)


def version_of(spec: ProjectSpec) -> str:
    """The version of a project's state: a digest of its canonical JSON (32 hex digits)."""
    state = json.dumps(audit.canonical(spec), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(state.encode("utf-8")).hexdigest()[:32]


def project_version(session: Session, identifier: str) -> str:
    """The stored project's version."""
    found = stored_projects(session, [identifier]).get(identifier)
    if found is None:
        raise NotFoundError(f"no project {identifier!r}")
    return version_of(project_spec(found))


def edit_project(
    engine: Engine,
    identifier: str,
    changes: Mapping[str, Any],
    *,
    based_on: str,
    actor: str | Actor,
    book: RateBook | None = None,
) -> tuple[ProjectSpec, str]:
    """Apply ``changes`` (fields of :data:`EDITABLE`) to the project if it is still at version
    ``based_on``; return its new state and version. Audited under ``actor``. ``book``: the
    rates the caller already holds (the web's cached book), so that the write lock is not held
    while every rate is read again."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InputError(f"`{unknown[0]}` cannot be edited; the fields are {', '.join(EDITABLE)}")
    written: list[ProjectSpec] = []

    def batches(session: Session) -> Iterator[Sequence[ProjectSpec]]:
        session.scalar(select(Project.id).where(Project.identifier == identifier).with_for_update())
        found = stored_projects(session, [identifier]).get(identifier)
        if found is None:
            raise NotFoundError(f"no project {identifier!r}")
        current = project_spec(found)
        if version_of(current) != based_on:
            raise StaleVersionError(
                f"project {identifier!r} changed since version {based_on}; it is now at "
                f"version {version_of(current)}",
                current=version_of(current),
                changes=_changed_since(session, identifier, based_on),
            )
        edited = _edited(current, changes)
        written.append(edited)
        yield [edited]

    report = ImportReport(source=f"edit of {identifier}")
    import_batches(engine, batches, report=report, actor=actor, book=book)
    if report.problems:
        raise InputError(f"edit of {identifier} refused", report.problems)
    return written[0], version_of(written[0])


def _edited(current: ProjectSpec, changes: Mapping[str, Any]) -> ProjectSpec:
    if "stage" in changes and changes["stage"] not in {s.value for s in Stage}:
        stages = ", ".join(s.value for s in Stage)
        raise InputError(f"`stage` must be one of {stages}; got {changes['stage']!r}")
    if "title" in changes and not str(changes["title"] or "").strip():
        raise InputError("`title` must not be empty")
    try:
        return ProjectSpec.model_validate({**current.model_dump(), **changes})
    except ValidationError as exc:
        problems = [
            Problem("edit", 0, ".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()
        ]
        raise InputError("edit refused", problems) from exc


def _changed_since(session: Session, identifier: str, based_on: str) -> list[str]:
    """What changed since ``based_on``, as ``field: before → after (by whom)``, from the
    audit entries whose state after was not that version; empty when none are known."""
    entries = list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "project", AuditEntry.entity_key == identifier)
            .order_by(AuditEntry.id.desc())
            .limit(20)
        )
    )
    found: list[str] = []
    for entry in entries:
        if entry.after is not None and _digest(entry.after) == based_on:
            break
        for change in diff(entry.before or {}, entry.after or {}):
            found.append(f"{change.field}: {change.before} → {change.after} (by {entry.actor})")
    return found


def _digest(state: dict[str, Any]) -> str:
    text = json.dumps(state, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
