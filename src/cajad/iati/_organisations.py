"""Importing IATI organisation files: the register's organisations by their identifiers.

An organisation file describes its publishers (identifier, name, type) and their budgets and
expenditure. Each organisation is matched by identifier; a new one is created, a known one
updated when its name, type, budgets or file metadata changed (budgets are replaced whole, as
the file states them). A record older (``last-updated-datetime``) than the one the register
holds is ignored with a warning. A record with any error is left out whole.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cajad.iati import _org_budgets as ob
from cajad.iati import _values as v
from cajad.iati._import import IatiImportReport
from cajad.iati._mapping import country_of
from cajad.iati._reader import read_records
from cajad.iati._validate import record_problems
from cajad.iati.errors import IatiProblem, StrictValidationError
from cajad.register import Actor, Organisation, OrganisationSpec, audit, is_code, session_scope


class _DryRunError(Exception):
    """Rolls a dry run back."""


def import_organisations(
    engine: Engine,
    path: Path,
    *,
    strict: bool = False,
    dry_run: bool = False,
    actor: str | Actor = "cajad import",
    name: str | None = None,
) -> IatiImportReport:
    """Import one IATI organisation file in one transaction."""
    report = IatiImportReport(source=name or str(path), dry_run=dry_run, kind="organisations")
    try:
        with session_scope(engine, actor=actor) as session:
            for info, element in read_records(path, name=report.source):
                report.version, report.records = info.version, report.records + 1
                found = _organisation(element, report)
                if found is not None and not (strict and report.refused):
                    spec, budgets = found
                    _upsert(session, spec, budgets, ob.read_source(element, info.version), report)
            if strict and report.refused:
                raise StrictValidationError(
                    f"{report.source}: refused (--strict): {report.refused} errors, "
                    "nothing imported",
                    [p for p in report.problems if p.level == "error"],
                )
            if dry_run:
                raise _DryRunError
    except _DryRunError:
        pass
    return report


def _organisation(
    element: etree._Element, report: IatiImportReport
) -> tuple[OrganisationSpec, list[ob.OrgBudget]] | None:
    problems = record_problems("organisations", element, report.source)
    budgets, budget_problems = ob.read_budgets(element, report.source)
    problems += budget_problems
    report.problems += problems
    ref = (element.findtext("organisation-identifier") or "").strip()
    name = v.pick(element.find("name"), str(element.get(v.XML_LANG) or ""))
    if any(p.level == "error" for p in problems) or not ref or len(ref) > 120 or not name:
        if ref and not name:
            report.problems.append(
                IatiProblem(
                    report.source,
                    v.line_of(element),
                    "iati-organisation/name",
                    "no name",
                    "error",
                )
            )
        report.left_out.append(ref or f"line {v.line_of(element)}")
        return None
    reporting = element.find("reporting-org")
    kind = reporting.get("type") if reporting is not None and reporting.get("ref") == ref else None
    spec = OrganisationSpec(
        name=name[:300],
        ref=ref,
        type=kind if kind and is_code("OrganisationType", kind) else None,
        country=country_of(ref),
    )
    return spec, budgets


def _upsert(
    session: Session,
    spec: OrganisationSpec,
    budgets: list[ob.OrgBudget],
    source: ob.OrgSource,
    report: IatiImportReport,
) -> None:
    org = session.scalar(select(Organisation).where(Organisation.ref == spec.ref))
    if org is not None and _older(session, org, source, report, spec):
        return
    changed = _upsert_organisation(session, org, spec)
    org = session.scalar(select(Organisation).where(Organisation.ref == spec.ref))
    assert org is not None
    budgets_changed = _sync_budgets(session, org, budgets, source)
    changed = changed or budgets_changed
    if changed is None:
        report.unchanged.append(str(spec.ref))
    else:
        (report.created if changed == "created" else report.updated).append(str(spec.ref))


def _older(
    session: Session,
    org: Organisation,
    source: ob.OrgSource,
    report: IatiImportReport,
    spec: OrganisationSpec,
) -> bool:
    """Whether the register holds a newer version of the record (then it is kept)."""
    stored = ob.stored_source(session, org.id)
    when = stored.last_updated if stored is not None else None
    new = source.last_updated
    if when is None or new is None or new >= when:
        return False
    report.kept_newer.append(str(spec.ref))
    report.problems.append(
        IatiProblem(
            report.source,
            source.line,
            "iati-organisation/@last-updated-datetime",
            f"{spec.ref}: the register holds a newer version ({when.isoformat()}); "
            f"this one ({new.isoformat()}) is ignored",
            "warning",
        )
    )
    return True


def _sync_budgets(
    session: Session, org: Organisation, budgets: list[ob.OrgBudget], source: ob.OrgSource
) -> str | None:
    """Store the record's budgets and metadata when they changed ("updated"), else None."""
    before_source = ob.stored_source(session, org.id)
    before_budgets = ob.state(ob.stored_budgets(session, org.id))
    after_budgets = ob.state(budgets)
    if before_source is not None and before_budgets == after_budgets:
        # The same record read again (say, from cajad's 2.03 export of it) keeps its version.
        source = replace(source, version=before_source.version)
    if before_source == source and before_budgets == after_budgets:
        return None
    if before_budgets != after_budgets:
        ob.replace_budgets(session, org, budgets)
    ob.keep_source(session, org, source)
    audit.record(
        session,
        action="update" if before_source is not None else "insert",
        entity="organisation_budgets",
        key=str(org.ref),
        before=None if before_source is None else _budget_audit(before_source, before_budgets),
        after=_budget_audit(source, after_budgets),
    )
    session.flush()
    return "updated"


def _budget_audit(source: ob.OrgSource, budgets: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "version": source.version,
        "last_updated": source.last_updated.isoformat() if source.last_updated else None,
        "language": source.language,
        "default_currency": source.default_currency,
        "budgets": budgets,
    }


def _upsert_organisation(
    session: Session, org: Organisation | None, spec: OrganisationSpec
) -> str | None:
    """Create or update the organisation: "created", "updated", or None when unchanged."""
    taken = session.scalar(select(Organisation).where(Organisation.name == spec.name))
    name = spec.name if taken is None or taken is org else f"{spec.name} ({spec.ref})"[:300]
    if org is None:
        org = Organisation(name=name, ref=spec.ref)
        session.add(org)
        before = None
    else:
        before = _state(org)
    org.name = name if before is None or taken is None or taken is org else org.name
    org.type = spec.type or org.type
    org.country = org.country or spec.country
    after = _state(org)
    if before == after:
        return None
    audit.record(
        session,
        action="insert" if before is None else "update",
        entity="organisation",
        key=org.name,
        before=before,
        after=after,
    )
    session.flush()
    return "created" if before is None else "updated"


def _state(org: Organisation) -> dict[str, str | None]:
    return {"name": org.name, "ref": org.ref, "type": org.type, "country": org.country}
