"""Export of the register's organisations, with their budgets, as one IATI 2.03 organisation file.

Every organisation with an identifier (``ref``) and an IATI organisation type is written: its
name, itself as reporting organisation, and the budgets and expenditure its organisation file
gave (with the file's language, default currency and last update). Each record is validated
against the bundled organisation schema before it is written; one that would not validate is
left out and reported, so the file always validates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import BinaryIO

from lxml import etree
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cajad.iati import _org_budgets as ob
from cajad.iati import _values as v
from cajad.iati._export import ExportReport, replacing
from cajad.iati._validate import schema_problems
from cajad.iati.errors import NothingToExportError
from cajad.register import Organisation, session_scope


def export_organisations(engine: Engine, out: Path | BinaryIO) -> ExportReport:
    """Write the register's organisations as IATI 2.03 organisation XML to ``out``.

    A path is written beside itself and moved into place when complete. Raises
    :class:`ExportError` when no organisation can be written (IATI requires one).
    """
    if not isinstance(out, Path):
        report = ExportReport(path="<stream>")
        _write(engine, report, out)
        _check(report)
        return report
    report = ExportReport(path=str(out))
    with replacing(out) as temp, temp.open("wb") as handle:
        _write(engine, report, handle)
        _check(report)
    return report


def _check(report: ExportReport) -> None:
    if report.written:
        return
    if not report.left_out:
        raise NothingToExportError("nothing to export: the register has no organisation")
    key, reason = next(iter(report.left_out.items()))
    raise NothingToExportError(
        f"nothing to export: every organisation was left out ({key}: {reason})"
    )


def _write(engine: Engine, report: ExportReport, target: BinaryIO) -> None:
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    with session_scope(engine, actor="cajad export") as session:
        orgs = session.scalars(select(Organisation).order_by(Organisation.ref, Organisation.name))
        with etree.xmlfile(target, encoding="utf-8") as xf:
            xf.write_declaration()
            with xf.element(
                "iati-organisations", {"version": "2.03", "generated-datetime": generated}
            ):
                for org in orgs:
                    element = _record(session, org, report)
                    if element is not None:
                        xf.write("\n")
                        xf.write(element)
                        report.written += 1
                xf.write("\n")


def _record(session: Session, org: Organisation, report: ExportReport) -> etree._Element | None:
    key = org.ref or org.name
    if not org.ref:
        report.left_out[key] = "no organisation identifier (ref)"
        return None
    if not org.type:
        report.left_out[key] = "no IATI organisation type (reporting-org/@type is required)"
        return None
    element = organisation_element(
        org, ob.stored_source(session, org.id), ob.stored_budgets(session, org.id)
    )
    problems = schema_problems("organisations", element, key)
    if problems:
        report.left_out[key] = "; ".join(f"{p.field}: {p.reason}" for p in problems[:3])
        return None
    return element


def organisation_element(
    org: Organisation, source: ob.OrgSource | None, budgets: list[ob.OrgBudget]
) -> etree._Element:
    """One ``iati-organisation`` element: identifier, name, reporting-org, budgets."""
    record = etree.Element("iati-organisation")
    if source is not None and source.last_updated is not None:
        record.set("last-updated-datetime", source.last_updated.isoformat() + "Z")
    if source is not None and source.language:
        record.set(v.XML_LANG, source.language)
    if source is not None and source.default_currency:
        record.set("default-currency", source.default_currency)
    etree.SubElement(record, "organisation-identifier").text = org.ref
    _narrative(etree.SubElement(record, "name"), org.name)
    reporting = etree.SubElement(record, "reporting-org", ref=str(org.ref), type=str(org.type))
    _narrative(reporting, org.name)
    for kind in ob.KINDS:  # the schema's order of the budget elements
        for budget in (b for b in budgets if b.kind == kind):
            _budget(record, budget)
    return record


def _narrative(parent: etree._Element, text: str, lang: str = "") -> None:
    narrative = etree.SubElement(parent, "narrative")
    narrative.text = text
    if lang:
        narrative.set(v.XML_LANG, lang)


def _budget(record: etree._Element, budget: ob.OrgBudget) -> None:
    element = etree.SubElement(record, budget.kind)
    if budget.status is not None:
        element.set("status", budget.status)
    tag = ob.KINDS[budget.kind]
    if tag is not None:
        recipient = etree.SubElement(element, tag)
        key = "ref" if tag == "recipient-org" else "code"
        if budget.recipient is not None:
            recipient.set(key, budget.recipient)
        if budget.recipient_vocabulary is not None:
            recipient.set("vocabulary", budget.recipient_vocabulary)
        if budget.recipient_vocabulary_uri is not None:
            recipient.set("vocabulary-uri", budget.recipient_vocabulary_uri)
        for lang, text in budget.narratives:
            _narrative(recipient, text, lang)
    etree.SubElement(element, "period-start", {"iso-date": budget.period_start.isoformat()})
    etree.SubElement(element, "period-end", {"iso-date": budget.period_end.isoformat()})
    _value(element, budget.amount)
    line_tag = "expense-line" if budget.kind == ob.EXPENDITURE else "budget-line"
    for line in budget.lines:
        child = etree.SubElement(element, line_tag)
        if line.ref is not None:
            child.set("ref", line.ref)
        _value(child, line.amount)
        for lang, text in line.narratives:
            _narrative(child, text, lang)


def _value(parent: etree._Element, amount: ob.Amount) -> None:
    value = etree.SubElement(
        parent,
        "value",
        {"currency": amount.currency, "value-date": amount.value_date.isoformat()},
    )
    value.text = format(amount.value.normalize(), "f")
