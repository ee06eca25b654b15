"""Importing IATI organisation files: the register's organisations by their identifiers.

An organisation file describes its publishers (identifier, name, type). Each organisation is
matched by identifier; a new one is created, a known one updated when its name or type
changed. Budgets and expenditure of organisation files are not modelled by the register.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cajad.iati import _values as v
from cajad.iati._import import IatiImportReport
from cajad.iati._mapping import country_of
from cajad.iati._reader import read_records
from cajad.iati._validate import record_problems
from cajad.iati.errors import IatiProblem, StrictValidationError
from cajad.register import audit
from cajad.register.codelists import is_code
from cajad.register.models import Organisation
from cajad.register.specs import OrganisationSpec
from cajad.register.store import session_scope


class _DryRunError(Exception):
    """Rolls a dry run back."""


def import_organisations(
    engine: Engine,
    path: Path,
    *,
    strict: bool = False,
    dry_run: bool = False,
    actor: str = "cajad import",
    name: str | None = None,
) -> IatiImportReport:
    """Import one IATI organisation file in one transaction."""
    report = IatiImportReport(source=name or str(path), dry_run=dry_run, kind="organisations")
    try:
        with session_scope(engine, actor=actor) as session:
            for info, element in read_records(path, name=report.source):
                report.version, report.records = info.version, report.records + 1
                spec = _organisation(element, report)
                if spec is not None and not (strict and report.refused):
                    _upsert(session, spec, report)
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


def _organisation(element: etree._Element, report: IatiImportReport) -> OrganisationSpec | None:
    problems = record_problems("organisations", element, report.source)
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
    return OrganisationSpec(
        name=name[:300],
        ref=ref,
        type=kind if kind and is_code("OrganisationType", kind) else None,
        country=country_of(ref),
    )


def _upsert(session: Session, spec: OrganisationSpec, report: IatiImportReport) -> None:
    org = session.scalar(select(Organisation).where(Organisation.ref == spec.ref))
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
        report.unchanged.append(str(spec.ref))
        return
    (report.created if before is None else report.updated).append(str(spec.ref))
    audit.record(
        session,
        action="insert" if before is None else "update",
        entity="organisation",
        key=org.name,
        before=before,
        after=after,
    )
    session.flush()


def _state(org: Organisation) -> dict[str, str | None]:
    return {"name": org.name, "ref": org.ref, "type": org.type, "country": org.country}
