"""Writing one register project as an IATI 2.03 activity, losing nothing of its source.

A project imported from IATI starts from its stored source activity; each part the register
models (titles, organisations, countries, sectors, money…) is compared with what the source
says, and only an edited part is rewritten. Source elements that still say the same are kept
as they were (with their narratives, extra attributes and children); so an unedited project is
written exactly as it was read. A project made in cajad is built from scratch.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from lxml import etree
from pydantic import BaseModel

from cajad.iati import _build as b
from cajad.iati import _mapping as m
from cajad.iati._orgs import OrganisationNames
from cajad.iati._values import XML_LANG
from cajad.iati.errors import UnwritableProjectError
from cajad.register import (
    FINANCE_TYPE,
    IATI_STATUS,
    Instrument,
    OrganisationSpec,
    ProjectSpec,
    Stage,
    TextSpec,
    TransactionSpec,
    audit,
)

P = TypeVar("P", bound=BaseModel)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
#: Who reports an activity made in cajad when none of its organisations has an identifier.
FALLBACK_PUBLISHER = OrganisationSpec(
    name="CA+JAD Tokyo Initiative register (cajad)", ref="XX-CAJAD", type="90"
)


def activity(spec: ProjectSpec, names: OrganisationNames) -> etree._Element:
    """The IATI activity element of ``spec`` (see the module docstring)."""
    if spec.iati is not None:
        source = etree.fromstring(spec.iati.xml, _PARSER)
        if _unedited(source, spec, names):
            return source
    else:
        source = etree.Element("iati-activity")
    ctx = m.context_of(source, "")
    _attributes(source, spec)
    _identifier(source, spec)
    _reporting_org(source, spec)
    _texts(source, spec, ctx)
    _parts(
        source,
        "participating-org",
        spec.participants,
        _resolved(m.participations, names, ctx),
        b.participation,
    )
    if not source.findall("participating-org"):
        raise UnwritableProjectError("no participating organisation (IATI requires one)")
    _status(source, spec)
    _dates(source, spec)
    _recipients(source, spec, ctx)
    _parts(source, "location", spec.locations, lambda a: m.locations(a, ctx), b.location)
    _parts(source, "sector", spec.sectors, lambda a: m.sectors(a, ctx), b.sector)
    _finance_type(source, spec)
    _parts(source, "budget", spec.budgets, lambda a: m.budgets(a, ctx), b.budget)
    _transactions(source, spec, names, ctx)
    _parts(source, "document-link", spec.documents, lambda a: m.documents(a, ctx), b.document)
    return source


def _unedited(source: etree._Element, spec: ProjectSpec, names: OrganisationNames) -> bool:
    """Whether the register still says what the source says (then it is written as it is)."""
    assert spec.iati is not None
    mapped = m.map_activity(
        source, m.context_of(source, ""), version=spec.iati.version, xml=spec.iati.xml
    )
    if mapped is None:
        return False
    return audit.canonical(names.resolve_spec(mapped)) == audit.canonical(spec)


def _key(part: BaseModel) -> str:
    return json.dumps(audit.canonical(part), sort_keys=True)


def _same(a: Sequence[BaseModel], b_: Sequence[BaseModel]) -> bool:
    return sorted(map(_key, a)) == sorted(map(_key, b_))


def _resolved(
    read: Callable[[etree._Element, m.Context], tuple[Any, ...]],
    names: OrganisationNames,
    ctx: m.Context,
) -> Callable[[etree._Element], tuple[Any, ...]]:
    def parts(element: etree._Element) -> tuple[Any, ...]:
        return tuple(
            p.model_copy(update={"organisation": names.resolve(p.organisation)})
            for p in read(element, ctx)
        )

    return parts


def _parts(
    source: etree._Element,
    tag: str,
    wanted: Sequence[P],
    read: Callable[[etree._Element], Sequence[P]],
    build: Callable[[P], etree._Element],
) -> None:
    """Rewrite the ``tag`` elements if the register's parts differ from what they say.

    A source element that reads as one of the wanted parts is kept as it is; the others
    are built anew.
    """
    if _same(wanted, read(source)):
        return
    spare: dict[str, list[etree._Element]] = {}
    for element in source.findall(tag):
        probe = etree.Element("iati-activity", {str(k): str(x) for k, x in source.attrib.items()})
        probe.append(copy.deepcopy(element))
        found = read(probe)
        if len(found) == 1:
            spare.setdefault(_key(found[0]), []).append(element)
    elements = []
    for part in wanted:
        reuse = spare.get(_key(part))
        elements.append(reuse.pop(0) if reuse else build(part))
    b.place(source, tag, elements, b.ORDER)


def _attributes(source: etree._Element, spec: ProjectSpec) -> None:
    current = (source.get("default-currency") or "").strip() or None
    if current != spec.default_currency and (
        current is None or len(current) == 3 or spec.default_currency
    ):
        if spec.default_currency:
            source.set("default-currency", spec.default_currency)
        else:
            del source.attrib["default-currency"]
    if m.language(source) != spec.language:
        source.set(XML_LANG, spec.language)


def _identifier(source: etree._Element, spec: ProjectSpec) -> None:
    node = source.find("iati-identifier")
    if node is None:
        node = etree.Element("iati-identifier")
        b.place(source, "iati-identifier", [node], b.ORDER)
    if (node.text or "").strip() != spec.identifier:
        node.text = spec.identifier


def _reporting_org(source: etree._Element, spec: ProjectSpec) -> None:
    if source.find("reporting-org") is not None:
        return
    with_ref = [p for p in spec.participants if p.organisation.ref]
    funders = [p for p in with_ref if p.role == 1] or with_ref
    org = funders[0].organisation if funders else FALLBACK_PUBLISHER
    if org.type is None:
        org = org.model_copy(update={"type": "90"})
    b.place(source, "reporting-org", [b.organisation("reporting-org", org)], b.ORDER)


def _texts(source: etree._Element, spec: ProjectSpec, ctx: m.Context) -> None:
    titles = [t for t in spec.texts if t.kind == "title"] or [
        TextSpec(kind="title", text=spec.title)
    ]
    titles = _with_scalar(titles, spec.title, ctx.lang)
    described = [t for t in spec.texts if t.kind.startswith("description:")]
    if not described:
        text = spec.description or spec.title
        described = [TextSpec(kind="description:1", text=text)]
    elif spec.description is not None:
        general = [
            t for t in described if t.kind in ("description:1", "description:") and t.seq == 0
        ]
        if general:
            fixed = _with_scalar(general, spec.description, ctx.lang)
            described = fixed + [t for t in described if t not in general]
    current = m.titles(source, ctx)
    if _same(titles, [t for t in current if t.kind == "title"]) is False:
        b.place(source, "title", [b.text_element("title", titles)], b.ORDER)
    if not _same(described, [t for t in current if t.kind != "title"]):
        groups: dict[tuple[str, int], list[TextSpec]] = {}
        for t in described:
            groups.setdefault((t.kind, t.seq), []).append(t)
        elements = [
            b.text_element("description", texts, type=kind.partition(":")[2])
            for (kind, _seq), texts in groups.items()
        ]
        b.place(source, "description", elements, b.ORDER)


def _with_scalar(texts: list[TextSpec], scalar: str, lang: str) -> list[TextSpec]:
    """Texts in which the narrative cajad shows (see ``pick``) reads ``scalar``."""
    wanted = lang.lower()
    index = next((i for i, t in enumerate(texts) if not t.lang or t.lang.lower() == wanted), 0)
    if texts[index].text.strip() == scalar.strip():
        return texts
    fixed = list(texts)
    fixed[index] = texts[index].model_copy(update={"text": scalar})
    return fixed


def _status(source: etree._Element, spec: ProjectSpec) -> None:
    node = source.find("activity-status")
    code = (node.get("code") or "").strip() if node is not None else ""
    if m.STAGE_OF_STATUS.get(code) == spec.stage and node is not None:
        return
    new = etree.Element("activity-status", code=str(IATI_STATUS[Stage(spec.stage)]))
    b.place(source, "activity-status", [new], b.ORDER)


def _dates(source: etree._Element, spec: ProjectSpec) -> None:
    current = m.dates(source)
    for code, name in m.DATE_FIELDS.items():
        day = getattr(spec, name)
        if current.get(name) == day:
            continue
        nodes = [
            n for n in source.findall("activity-date") if (n.get("type") or "").strip() == code
        ]
        if day is None:
            for node in nodes:
                source.remove(node)
        elif nodes:
            nodes[0].set("iso-date", day.isoformat())
        else:
            new = etree.Element("activity-date", {"type": code, "iso-date": day.isoformat()})
            dates = source.findall("activity-date")
            b.place(source, "activity-date", [*dates, new], b.ORDER)
    if source.find("activity-date") is None:
        if spec.agreement_date is None:
            raise UnwritableProjectError("no date (IATI requires an activity date)")
        new = etree.Element(
            "activity-date", {"type": "1", "iso-date": spec.agreement_date.isoformat()}
        )
        b.narrative(new, "Date of the agreement (cajad register)")
        b.place(source, "activity-date", [new], b.ORDER)


def _recipients(source: etree._Element, spec: ProjectSpec, ctx: m.Context) -> None:
    if _same(spec.countries, m.recipients(source, ctx)):
        return
    countries = [c for c in spec.countries if not c.is_region]
    regions = [c for c in spec.countries if c.is_region]
    for tag, wanted in (("recipient-country", countries), ("recipient-region", regions)):
        spare: dict[str, etree._Element] = {}
        for element in source.findall(tag):
            spare.setdefault((element.get("code") or "").strip(), element)
        elements = []
        for c in wanted:
            old = spare.pop(c.code, None)
            element = b.recipient(c) if old is None else old
            if old is not None:
                element.set("percentage", b.number(c.percentage))
            elements.append(element)
        b.place(source, tag, elements, b.ORDER)


def _finance_type(source: etree._Element, spec: ProjectSpec) -> None:
    if (
        spec.iati is not None
        or not spec.instrument
        or source.find("default-finance-type") is not None
    ):
        return
    try:
        code = FINANCE_TYPE[Instrument(spec.instrument)]
    except ValueError:
        return
    if code:
        b.place(
            source,
            "default-finance-type",
            [etree.Element("default-finance-type", code=code)],
            b.ORDER,
        )


def _transactions(
    source: etree._Element, spec: ProjectSpec, names: OrganisationNames, ctx: m.Context
) -> None:
    def read(element: etree._Element) -> tuple[TransactionSpec, ...]:
        return tuple(
            t.model_copy(
                update={
                    "provider": names.resolve(t.provider) if t.provider else None,
                    "receiver": names.resolve(t.receiver) if t.receiver else None,
                }
            )
            for t in m.transactions(element, ctx)
        )

    current = read(source)
    if _same(spec.transactions, current):
        return
    nodes = source.findall("transaction")
    by_ref = dict(zip(m.transaction_refs(nodes), nodes, strict=True))
    unchanged = {_key(t): t.ref for t in current}
    elements = []
    for tx in spec.transactions:
        old = by_ref.get(unchanged.get(_key(tx), "\0"))
        if old is not None and unchanged.get(_key(tx)) == tx.ref:
            elements.append(old)
            continue
        day = tx.value_date or tx.transaction_date
        if day is None:
            continue  # IATI needs a date on every transaction; the import report flags it
        element = (
            copy.deepcopy(by_ref[tx.ref]) if tx.ref in by_ref else etree.Element("transaction")
        )
        for child in list(element):
            if child.tag in b.MODELLED_IN_TRANSACTION:
                element.remove(child)
        if not tx.ref.startswith("#"):
            element.set("ref", tx.ref)
        for part in b.transaction_parts(tx, day):
            b.place(element, str(part.tag), [part], b.TRANSACTION_ORDER)
        elements.append(element)
    b.place(source, "transaction", elements, b.ORDER)
