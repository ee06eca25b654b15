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
from sqlalchemy import ColumnElement, insert, or_, select
from sqlalchemy.orm import Session

from cajad.register.models import AuditEntry
from cajad.register.specs import Spec


def canonical(model: BaseModel) -> dict[str, Any]:
    """A spec as JSON-ready data: decimals normalised (``100.00`` is ``100``), lists sorted."""
    if isinstance(model, Spec):
        # Specs dump their decimals normalised and their dates as ISO text themselves
        # (pydantic, in C), so only the collections are left to order here.
        return _sorted_dict(model.model_dump(mode="json"))
    result = _canonical(model.model_dump(mode="python"))
    assert isinstance(result, dict)
    return result


def _sorted_dict(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if type(value) is dict:
            value = _sorted_dict(value)
        elif type(value) is list:
            value = _sorted_list(value)
        out[key] = value
    return out


def _sorted_list(items: list[Any]) -> list[Any]:
    out = [
        _sorted_dict(v) if type(v) is dict else _sorted_list(v) if type(v) is list else v
        for v in items
    ]
    if len(out) > 1:
        out.sort(key=_order)
    return out


_PLAIN = (str, int, bool, type(None))


def _canonical(value: Any) -> Any:
    if type(value) in _PLAIN:  # the common case first: most leaves are text or numbers
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        # Collections are sets in meaning (countries, sectors, parties, money): order them.
        items = [_canonical(v) for v in value]
        if len(items) > 1:
            items.sort(key=_order)
        return items
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _order(item: Any) -> str:
    return json.dumps(item, sort_keys=True)


def record(
    session: Session,
    *,
    action: str,
    entity: str,
    key: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Append one entry; the actor is the session's (``session.info['actor']``, and the
    account behind it, ``session.info['account']``)."""
    session.add(
        AuditEntry(
            actor=str(session.info.get("actor", "cajad")),
            account_id=session.info.get("account"),
            action=action,
            entity=entity,
            entity_key=key,
            before=before,
            after=after,
        )
    )


def record_many(
    session: Session,
    *,
    entity: str,
    entries: list[tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]],
) -> None:
    """Append one entry per ``(key, action, before, after)`` in one statement (imports)."""
    if not entries:
        return
    actor = str(session.info.get("actor", "cajad"))
    account = session.info.get("account")
    session.connection().execute(
        insert(AuditEntry.metadata.tables[AuditEntry.__tablename__]),
        [
            {
                "actor": actor,
                "account_id": account,
                "action": action,
                "entity": entity,
                "entity_key": key,
                "before": before,
                "after": after,
            }
            for key, action, before, after in entries
        ],
    )


def history(session: Session, entity: str, key: str) -> list[AuditEntry]:
    """Every entry about one record, oldest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_key == key)
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(query))


def entries(
    session: Session,
    *,
    project: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[AuditEntry]:
    """Entries newest first, ``limit`` of them below audit id ``before_id``: every entry of
    the log, or those about one project (its own changes, screenings and answers)."""
    query = select(AuditEntry)
    if project is not None:
        query = query.where(_about(project))
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))


def _about(project: str) -> ColumnElement[bool]:
    """Entries about ``project``: keyed by its identifier, or (answers, evidence) by the
    identifier and one or two more parts (``id/QUESTION``, ``id/QUESTION/ANSWER``), so that a
    project ``a`` never shows the answers of a project ``a/b``."""
    base = project.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    key = AuditEntry.entity_key

    def parts(n: int) -> ColumnElement[bool]:
        return key.like(base + "/%" * n, escape="\\") & ~key.like(
            base + "/%" * (n + 1), escape="\\"
        )

    return or_(
        AuditEntry.entity.in_(("project", "screening")) & (key == project),
        (AuditEntry.entity == "screening_answer") & parts(1),
        (AuditEntry.entity == "screening_evidence") & parts(2),
    )
