"""Building IATI 2.03 elements from register specs (the parts the register models)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree

from cajad.iati._values import XML_LANG
from cajad.register import (
    BudgetSpec,
    CountrySpec,
    DocumentSpec,
    LocationSpec,
    OrganisationSpec,
    ParticipationSpec,
    SectorSpec,
    TextSpec,
    TransactionSpec,
)

#: Order of an activity's children in the 2.03 schema (an ``xsd:sequence``).
ORDER = (
    "iati-identifier reporting-org title description participating-org other-identifier "
    "activity-status activity-date contact-info activity-scope recipient-country "
    "recipient-region location sector tag country-budget-items humanitarian-scope "
    "policy-marker collaboration-type default-flow-type default-finance-type default-aid-type "
    "default-tied-status budget planned-disbursement capital-spend transaction document-link "
    "related-activity legacy-data conditions result crs-add fss"
).split()
TRANSACTION_ORDER = (
    "transaction-type transaction-date value description provider-org receiver-org "
    "disbursement-channel sector recipient-country recipient-region flow-type finance-type "
    "aid-type tied-status"
).split()
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
WEB_PAGE = "A12"  # DocumentCategory: activity web page


def number(value: Decimal) -> str:
    """A decimal as ``xsd:decimal`` text: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrib.items()})
    if text is not None:
        element.text = text
    return element


def narrative(parent: etree._Element, text: str, lang: str = "") -> etree._Element:
    node = sub(parent, "narrative", text)
    if lang:
        node.set(XML_LANG, lang)
    return node


def text_element(tag: str, texts: list[TextSpec], **attrib: str) -> etree._Element:
    element = etree.Element(tag, {k: v for k, v in attrib.items() if v})
    for t in texts:
        narrative(element, t.text, t.lang)
    return element


def organisation(tag: str, org: OrganisationSpec, **attrib: str) -> etree._Element:
    element = etree.Element(tag)
    if org.ref:
        element.set("ref", org.ref)
    for key, value in attrib.items():
        element.set(key.replace("_", "-"), value)
    if org.type:
        element.set("type", org.type)
    narrative(element, org.name)
    return element


def participation(p: ParticipationSpec) -> etree._Element:
    return organisation("participating-org", p.organisation, role=str(p.role))


def recipient(c: CountrySpec) -> etree._Element:
    if c.is_region:
        element = etree.Element("recipient-region", code=c.code)
        if c.vocabulary:
            element.set("vocabulary", c.vocabulary)
    else:
        element = etree.Element("recipient-country", code=c.code)
    element.set("percentage", number(c.percentage))
    return element


def sector(s: SectorSpec) -> etree._Element:
    return etree.Element(
        "sector", vocabulary=s.vocabulary, code=s.code, percentage=number(s.percentage)
    )


def location(loc: LocationSpec) -> etree._Element:
    element = etree.Element("location")
    if loc.name:
        narrative(sub(element, "name"), loc.name)
    if loc.latitude is not None and loc.longitude is not None:
        point = sub(element, "point", srsName=WGS84)
        sub(point, "pos", f"{number(loc.latitude)} {number(loc.longitude)}")
    return element


def budget(b: BudgetSpec) -> etree._Element:
    element = etree.Element("budget", type=str(b.type), status=str(b.status))
    sub(element, "period-start", iso_date=b.period_start.isoformat())
    sub(element, "period-end", iso_date=b.period_end.isoformat())
    day = (b.value_date or b.period_start).isoformat()
    sub(element, "value", number(b.value), currency=b.currency, value_date=day)
    return element


def document(d: DocumentSpec) -> etree._Element:
    element = etree.Element("document-link", url=d.url, format="text/html")
    narrative(sub(element, "title"), d.title or d.url)
    sub(element, "category", code=d.category or WEB_PAGE)
    if d.published is not None:
        sub(element, "document-date", iso_date=d.published.isoformat())
    return element


def transaction_parts(tx: TransactionSpec, day: dt.date) -> list[etree._Element]:
    """The modelled children of a transaction, in schema order."""
    parts = [etree.Element("transaction-type", code=str(tx.type))]
    parts.append(
        etree.Element("transaction-date", {"iso-date": (tx.transaction_date or day).isoformat()})
    )
    value = etree.Element("value", {"currency": tx.currency, "value-date": day.isoformat()})
    value.text = number(tx.value)
    parts.append(value)
    if tx.description:
        parts.append(text_element("description", [TextSpec(kind="", text=tx.description)]))
    if tx.provider or tx.provider_activity:
        parts.append(
            _party("provider-org", tx.provider, "provider-activity-id", tx.provider_activity)
        )
    if tx.receiver or tx.receiver_activity:
        parts.append(
            _party("receiver-org", tx.receiver, "receiver-activity-id", tx.receiver_activity)
        )
    if tx.finance_type:
        parts.append(etree.Element("finance-type", code=tx.finance_type))
    return parts


def _party(
    tag: str, org: OrganisationSpec | None, attribute: str, activity: str | None
) -> etree._Element:
    element = etree.Element(tag) if org is None else organisation(tag, org)
    if activity:
        element.set(attribute, activity)
    return element


MODELLED_IN_TRANSACTION = frozenset(
    "transaction-type transaction-date value description provider-org receiver-org "
    "finance-type".split()
)


def place(
    parent: etree._Element, tag: str, elements: list[etree._Element], order: list[str]
) -> None:
    """Replace ``parent``'s children named ``tag`` with ``elements``, in schema order."""
    old = [child for child in parent if child.tag == tag]
    if old:
        index = parent.index(old[0])
        for child in old:
            parent.remove(child)
    else:
        rank = order.index(tag)
        index = 0
        for i, child in enumerate(parent):
            if isinstance(child.tag, str) and child.tag in order and order.index(child.tag) < rank:
                index = i + 1
    for offset, element in enumerate(elements):
        parent.insert(index + offset, element)
