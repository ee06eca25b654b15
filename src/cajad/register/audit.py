"""The append-only audit log: every change of the register, who made it, before and after.

States are the canonical JSON form of a :class:`~cajad.register.specs.ProjectSpec` (or of an
organisation), so "before" and "after" read the same way whatever the source of the change.
The database refuses UPDATE and DELETE on ``audit_log`` (triggers of the first migration).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from cajad.register.models import AuditEntry


def canonical(model: BaseModel) -> dict[str, Any]:
    """A spec as JSON-ready data: decimals normalised (``100.00`` is ``100``), lists sorted."""
    result = _canonical(model.model_dump(mode="python"))
    assert isinstance(result, dict)
    return result


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        # Collections are sets in meaning (countries, sectors, parties, money): order them.
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record(
    session: Session,
    *,
    action: str,
    entity: str,
    key: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Append one entry; the actor is the session's (``session.info['actor']``)."""
    session.add(
        AuditEntry(
            actor=str(session.info.get("actor", "cajad")),
            action=action,
            entity=entity,
            entity_key=key,
            before=before,
            after=after,
        )
    )


def history(session: Session, entity: str, key: str) -> list[AuditEntry]:
    """Every entry about one record, oldest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_key == key)
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(query))
