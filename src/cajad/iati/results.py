"""The results of an imported project, read from its stored IATI activity XML.

IATI ``result`` elements (type, aggregation status, title, description, indicators with
measure, direction, baselines and periods of target and actual values) are kept losslessly in
the project's source XML (table ``iati_activity``) but have no table of their own: they are
read here, on demand, into typed values. Numbers are :class:`~decimal.Decimal`; narratives are
those in the activity's language (else the first).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from cajad.iati import _values as v
from cajad.register import IatiActivity, NotFoundError, Project, codelist

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ResultValue(_Frozen):
    """A target or actual value of a period (``None`` for a qualitative one), with its comment."""

    value: Decimal | None = None
    comment: str | None = None


class Baseline(_Frozen):
    """Where the indicator started: a year and/or date, a value, a comment."""

    year: int | None = None
    iso_date: dt.date | None = None
    value: Decimal | None = None
    comment: str | None = None


class Period(_Frozen):
    """A reporting period of an indicator with its targets and actuals."""

    start: dt.date | None = None
    end: dt.date | None = None
    targets: list[ResultValue] = []
    actuals: list[ResultValue] = []


class Indicator(_Frozen):
    """What is measured (IATI IndicatorMeasure), in which direction, and its values."""

    measure: str | None = None
    measure_name: str | None = None
    ascending: bool = True
    aggregation_status: bool | None = None
    title: str | None = None
    description: str | None = None
    baselines: list[Baseline] = []
    periods: list[Period] = []


class Result(_Frozen):
    """One IATI result: an output, outcome or impact (IATI ResultType) and its indicators."""

    type: str | None = None
    type_name: str | None = None
    aggregation_status: bool | None = None
    title: str | None = None
    description: str | None = None
    indicators: list[Indicator] = []


def project_results(session: Session, identifier: str) -> list[Result]:
    """The results of project ``identifier`` (empty when it was not imported from IATI or
    reports none). Raises :class:`NotFoundError` for an unknown project."""
    row = session.execute(
        select(Project.id, Project.language, IatiActivity.xml)
        .outerjoin(IatiActivity, IatiActivity.project_id == Project.id)
        .where(Project.identifier == identifier)
    ).first()
    if row is None:
        raise NotFoundError(f"no project {identifier!r}")
    _id, language, xml = row
    return parse_results(xml, language) if xml else []


def parse_results(xml: str, language: str = "en") -> list[Result]:
    """The results of one ``iati-activity`` element given as XML text."""
    activity = etree.fromstring(xml.encode("utf-8"), _PARSER)
    lang = str(activity.get(v.XML_LANG) or language or "en")
    return [_result(element, lang) for element in activity.iterfind("result")]


def _result(element: etree._Element, lang: str) -> Result:
    code = _attr(element, "type")
    return Result(
        type=code,
        type_name=codelist("ResultType").get(code) if code else None,
        aggregation_status=_flag(element.get("aggregation-status")),
        title=v.pick(element.find("title"), lang),
        description=v.pick(element.find("description"), lang),
        indicators=[_indicator(e, lang) for e in element.iterfind("indicator")],
    )


def _indicator(element: etree._Element, lang: str) -> Indicator:
    measure = _attr(element, "measure")
    return Indicator(
        measure=measure,
        measure_name=codelist("IndicatorMeasure").get(measure) if measure else None,
        ascending=_flag(element.get("ascending")) is not False,
        aggregation_status=_flag(element.get("aggregation-status")),
        title=v.pick(element.find("title"), lang),
        description=v.pick(element.find("description"), lang),
        baselines=[_baseline(e, lang) for e in element.iterfind("baseline")],
        periods=[_period(e, lang) for e in element.iterfind("period")],
    )


def _baseline(element: etree._Element, lang: str) -> Baseline:
    year = _attr(element, "year")
    return Baseline(
        year=int(year) if year and year.isdigit() else None,
        iso_date=v.date(element.get("iso-date")),
        value=v.decimal(element.get("value")),
        comment=v.pick(element.find("comment"), lang),
    )


def _period(element: etree._Element, lang: str) -> Period:
    start, end = element.find("period-start"), element.find("period-end")
    return Period(
        start=v.date(start.get("iso-date")) if start is not None else None,
        end=v.date(end.get("iso-date")) if end is not None else None,
        targets=[_value(e, lang) for e in element.iterfind("target")],
        actuals=[_value(e, lang) for e in element.iterfind("actual")],
    )


def _value(element: etree._Element, lang: str) -> ResultValue:
    return ResultValue(
        value=v.decimal(element.get("value")), comment=v.pick(element.find("comment"), lang)
    )


def _attr(element: etree._Element, name: str) -> str | None:
    return (element.get(name) or "").strip() or None


def _flag(text: str | None) -> bool | None:
    """An ``xsd:boolean`` attribute: True, False, or None when absent or not a boolean."""
    value = (text or "").strip().lower()
    return {"1": True, "true": True, "0": False, "false": False}.get(value)
