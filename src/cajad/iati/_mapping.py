"""Mapping an IATI activity element to the register's :class:`ProjectSpec`.

Each part of the register has one function here (``titles``, ``transactions``…) that reads it
from an activity; the writer calls the same functions on the stored source activity to tell
which parts were edited in cajad since the import. Everything the register does not model
stays in the stored source XML (``ProjectSpec.iati``), so an export loses nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from cajad.iati import _values as v
from cajad.iati.errors import IatiProblem
from cajad.register import (
    CENTRAL_ASIA_REGION,
    CENTRAL_ASIAN_COUNTRIES,
    BudgetSpec,
    CountrySpec,
    DocumentSpec,
    IatiSourceSpec,
    LocationSpec,
    OrganisationSpec,
    ParticipationSpec,
    ProjectSpec,
    SectorSpec,
    Stage,
    TextSpec,
    TransactionSpec,
    bounds,
    is_code,
    organisation_identifier,
    owner_of,
)

#: cajad stage of each IATI ActivityStatus code.
STAGE_OF_STATUS = {
    "1": Stage.IDEA,
    "2": Stage.IMPLEMENTATION,
    "3": Stage.OPERATION,
    "4": Stage.OPERATION,
    "5": Stage.CANCELLED,
    "6": Stage.IMPLEMENTATION,
}
DATE_FIELDS = {"1": "planned_start", "2": "actual_start", "3": "planned_end", "4": "actual_end"}
_JAPAN_DAC = re.compile(r"^XM-DAC-701(-|$)")
_COUNTRY_PREFIX = re.compile(r"^([A-Z]{2})-")
_NOT_COUNTRIES = {"XM", "XI", "XR", "XX", "XE"}
_HUNDRED = Decimal(100)
_SHARE = Decimal("0.000001")
_TOLERANCE = Decimal("0.01")


@dataclass
class Context:
    """What the parts of one activity share: its defaults, and where problems go."""

    file: str
    line: int
    lang: str = ""
    currency: str | None = None
    problems: list[IatiProblem] = field(default_factory=list)

    def warn(self, element: etree._Element | None, place: str, reason: str) -> None:
        line = v.line_of(element) or self.line
        self.problems.append(IatiProblem(self.file, line, place, reason, "warning"))

    def error(self, element: etree._Element | None, place: str, reason: str) -> None:
        line = v.line_of(element) or self.line
        self.problems.append(IatiProblem(self.file, line, place, reason, "error"))


def context_of(activity: etree._Element, file: str) -> Context:
    return Context(
        file=file,
        line=v.line_of(activity),
        lang=str(activity.get(v.XML_LANG) or "").strip(),
        currency=(activity.get("default-currency") or "").strip() or None,
    )


def map_activity(
    activity: etree._Element, ctx: Context, *, version: str, xml: str | None
) -> ProjectSpec | None:
    """The spec of one activity, or None when it cannot be read (errors in ``ctx``)."""
    identifier = (activity.findtext("iati-identifier") or "").strip()
    if not identifier or len(identifier) > 200:
        what = "is missing" if not identifier else "is longer than 200 characters"
        ctx.error(activity.find("iati-identifier"), "iati-activity/iati-identifier", what)
        return None
    before = len([p for p in ctx.problems if p.level == "error"])
    texts = titles(activity, ctx)
    title = v.pick(activity.find("title"), ctx.lang)
    if not title:
        ctx.warn(activity.find("title"), "iati-activity/title", "no title text; identifier used")
        title = identifier
    participants = participations(activity, ctx)
    countries = recipients(activity, ctx)
    spec = ProjectSpec(
        line=ctx.line,
        identifier=identifier,
        title=title,
        description=description(activity, ctx),
        stage=stage(activity),
        default_currency=ctx.currency if ctx.currency and len(ctx.currency) == 3 else None,
        language=language(activity),
        **dates(activity),
        countries=countries,
        sectors=sectors(activity, ctx),
        participants=participants,
        documents=documents(activity, ctx),
        transactions=transactions(activity, ctx),
        budgets=budgets(activity, ctx),
        locations=locations(activity, ctx),
        texts=texts,
        iati=_source(activity, version, xml),
        owner=owner(activity, ctx, participants),
        **counting(participants, countries),
    )
    errors = len([p for p in ctx.problems if p.level == "error"])
    return spec if errors == before else None


def owner(
    activity: etree._Element, ctx: Context, participants: tuple[ParticipationSpec, ...]
) -> str | None:
    """The owning organisation: the publisher (``reporting-org``), else the parties' rule."""
    reporting = organisation(activity.find("reporting-org"), ctx)
    if reporting is not None:
        return organisation_identifier(reporting)
    return owner_of(participants)


def _source(activity: etree._Element, version: str, xml: str | None) -> IatiSourceSpec | None:
    if xml is None:
        return None
    updated = v.datetime(activity.get("last-updated-datetime"))
    return IatiSourceSpec(version=version, last_updated=updated, xml=xml)


def language(activity: etree._Element) -> str:
    lang = str(activity.get(v.XML_LANG) or "").strip().lower()
    return lang if 0 < len(lang) <= 8 else "en"


def stage(activity: etree._Element) -> str:
    status = activity.find("activity-status")
    code = (status.get("code") or "").strip() if status is not None else ""
    return STAGE_OF_STATUS.get(code, Stage.IDEA).value


def dates(activity: etree._Element) -> dict[str, object]:
    found: dict[str, object] = {}
    for node in activity.iterfind("activity-date"):
        name = DATE_FIELDS.get((node.get("type") or "").strip())
        day = v.date(node.get("iso-date"))
        if name and day and name not in found:
            found[name] = day
    return found


def titles(activity: etree._Element, ctx: Context) -> tuple[TextSpec, ...]:
    """Narratives of the title and of every description, in every language."""
    found: list[TextSpec] = []
    title = activity.find("title")
    found += _texts("title", 0, title)
    seqs: dict[str, int] = defaultdict(int)
    for node in activity.iterfind("description"):
        kind = f"description:{(node.get('type') or '').strip()}"[:40]
        found += _texts(kind, seqs[kind], node)
        seqs[kind] += 1
    return tuple(found)


def _texts(kind: str, seq: int, element: etree._Element | None) -> list[TextSpec]:
    return [
        TextSpec(kind=kind, seq=seq, lang=lang, text=text)
        for lang, text in v.narratives(element)
        if len(lang) <= 16
    ]


def description(activity: etree._Element, ctx: Context) -> str | None:
    for node in activity.iterfind("description"):
        if (node.get("type") or "1").strip() == "1":
            return v.pick(node, ctx.lang)
    return None


def organisation(element: etree._Element | None, ctx: Context) -> OrganisationSpec | None:
    """An organisation as IATI names it (``ref`` and narrative); None when it has neither."""
    if element is None:
        return None
    ref = (element.get("ref") or "").strip() or None
    if ref is not None and len(ref) > 120:
        ref = None
    name = v.pick(element, ctx.lang) or ref
    if not name:
        return None
    kind = (element.get("type") or "").strip() or None
    return OrganisationSpec(
        name=name[:300],
        ref=ref,
        type=kind if kind and is_code("OrganisationType", kind) else None,
        country=country_of(ref),
    )


def country_of(ref: str | None) -> str | None:
    """The country an organisation identifier is registered in, when its prefix says so."""
    if not ref:
        return None
    if _JAPAN_DAC.match(ref):
        return "JP"
    match = _COUNTRY_PREFIX.match(ref)
    if match and match.group(1) not in _NOT_COUNTRIES and is_code("Country", match.group(1)):
        return match.group(1)
    return None


def org_key(org: OrganisationSpec) -> str:
    """How the writer and the importer tell organisations apart: identifier, else name."""
    return f"ref:{org.ref}" if org.ref else f"name:{org.name}"


def participations(activity: etree._Element, ctx: Context) -> tuple[ParticipationSpec, ...]:
    found: dict[tuple[str, int], ParticipationSpec] = {}
    for node in activity.iterfind("participating-org"):
        role = (node.get("role") or "").strip()
        org = organisation(node, ctx)
        if org is None or role not in ("1", "2", "3", "4"):
            continue
        found.setdefault(
            (org_key(org), int(role)), ParticipationSpec(organisation=org, role=int(role))
        )
    return tuple(found.values())


def recipients(activity: etree._Element, ctx: Context) -> tuple[CountrySpec, ...]:
    """Recipient countries and regions; missing percentages share what is left equally."""
    rows: list[tuple[str, bool, str | None, Decimal | None, etree._Element]] = []
    for node in activity.iterfind("recipient-country"):
        rows.append((_code(node), False, None, _percentage(node), node))
    for node in activity.iterfind("recipient-region"):
        scheme = (node.get("vocabulary") or "1").strip()[:8]
        rows.append((_code(node), True, scheme, _percentage(node), node))
    shares = _fill_shares([r[3] for r in rows])
    if rows:
        _check_sum(shares, rows[0][4], "recipient countries and regions", ctx)
    merged: dict[str, CountrySpec] = {}
    for (code, region, vocabulary, _pct, node), share in zip(rows, shares, strict=True):
        if not code or len(code) > 8:
            continue
        if code in merged:
            ctx.warn(node, f"iati-activity/{node.tag}", f"{code} repeated; shares added")
            share += merged[code].percentage
        merged[code] = CountrySpec(
            code=code, percentage=share, is_region=region, vocabulary=vocabulary
        )
    return tuple(merged.values())


def sectors(activity: etree._Element, ctx: Context) -> tuple[SectorSpec, ...]:
    """Sectors per vocabulary (1 = OECD DAC 5-digit when none is given)."""
    by_vocabulary: dict[str, list[tuple[str, Decimal | None, etree._Element]]] = defaultdict(list)
    for node in activity.iterfind("sector"):
        vocabulary = (node.get("vocabulary") or "1").strip()
        code = _code(node)
        if not code or len(code) > 20 or len(vocabulary) > 8:
            continue
        by_vocabulary[vocabulary].append((code, _percentage(node), node))
    found: dict[tuple[str, str], SectorSpec] = {}
    for vocabulary, rows in by_vocabulary.items():
        shares = _fill_shares([r[1] for r in rows])
        _check_sum(shares, rows[0][2], f"sectors of vocabulary {vocabulary}", ctx)
        for (code, _pct, node), share in zip(rows, shares, strict=True):
            if (vocabulary, code) in found:
                ctx.warn(node, "iati-activity/sector", f"{code} repeated; shares added")
                share += found[(vocabulary, code)].percentage
            found[(vocabulary, code)] = SectorSpec(
                code=code, percentage=share, vocabulary=vocabulary
            )
    return tuple(found.values())


def _code(node: etree._Element) -> str:
    return (node.get("code") or "").strip()


def _percentage(node: etree._Element) -> Decimal | None:
    return v.decimal(node.get("percentage"))


def _check_sum(shares: list[Decimal], node: etree._Element, what: str, ctx: Context) -> None:
    """IATI rule: percentages of one kind add up to 100 (a warning: shares stay as given)."""
    total = sum(shares, Decimal(0))
    if abs(total - _HUNDRED) > _TOLERANCE:
        place = f"iati-activity/{node.tag}/@percentage"
        ctx.warn(node, place, f"{what} add up to {total.normalize():f}%, not 100%")


def _fill_shares(given: list[Decimal | None]) -> list[Decimal]:
    """Missing percentages share the rest of 100 equally (all of it when none is given)."""
    missing = given.count(None)
    if not missing:
        return [g for g in given if g is not None]
    rest = max(_HUNDRED - sum((g for g in given if g is not None), Decimal(0)), Decimal(0))
    share = (rest / missing).quantize(_SHARE)
    return [share if g is None else g for g in given]


def locations(activity: etree._Element, ctx: Context) -> tuple[LocationSpec, ...]:
    found: list[LocationSpec] = []
    for node in activity.iterfind("location"):
        name = (
            v.pick(node.find("name"), ctx.lang)
            or v.pick(node.find("description"), ctx.lang)
            or (node.get("ref") or "").strip()
        )
        lat = lon = None
        pos = node.findtext("point/pos")
        if pos:
            parts = pos.split()
            if len(parts) == 2:
                lat, lon = v.decimal(parts[0]), v.decimal(parts[1])
        found.append(LocationSpec(name=name[:300], latitude=lat, longitude=lon))
    return tuple(found)


def documents(activity: etree._Element, ctx: Context) -> tuple[DocumentSpec, ...]:
    found: list[DocumentSpec] = []
    for node in activity.iterfind("document-link"):
        url = (node.get("url") or "").strip()
        if not url:
            continue
        refused = bounds.link_error(url)
        if refused is not None:
            # Only http(s) links are stored; the activity is kept, and its source keeps the link.
            ctx.warn(node, "iati-activity/document-link/@url", f"{refused}: not stored")
            continue
        category = node.find("category")
        code = (category.get("code") or "").strip() if category is not None else ""
        found.append(
            DocumentSpec(
                url=url,
                title=v.pick(node.find("title"), ctx.lang),
                category=code[:8] or None,
                published=_iso(node.find("document-date")),
            )
        )
    return tuple(found)


def budgets(activity: etree._Element, ctx: Context) -> tuple[BudgetSpec, ...]:
    found: list[BudgetSpec] = []
    for node in activity.iterfind("budget"):
        value = node.find("value")
        start, end = _iso(node.find("period-start")), _iso(node.find("period-end"))
        amount = v.decimal(value.text) if value is not None else None
        currency = _currency(value, ctx)
        if start is None or end is None or amount is None or currency is None:
            ctx.warn(node, "iati-activity/budget", "no period, value or currency: not modelled")
            continue
        found.append(
            BudgetSpec(
                type=_int(node.get("type"), 1),
                status=_int(node.get("status"), 1),
                period_start=start,
                period_end=end,
                value=amount,
                currency=currency,
                value_date=v.date(value.get("value-date")) if value is not None else None,
            )
        )
    return tuple(found)


def _iso(element: etree._Element | None) -> dt.date | None:
    return v.date(element.get("iso-date")) if element is not None else None


def _int(text: str | None, default: int) -> int:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 6 else default


def _currency(value: etree._Element | None, ctx: Context) -> str | None:
    code = ((value.get("currency") if value is not None else None) or "").strip() or ctx.currency
    return code if code and len(code) == 3 else None


def transaction_refs(nodes: Iterable[etree._Element]) -> list[str]:
    """The register's ref of each transaction: its own ``@ref`` when unique, else ``#n``."""
    nodes = list(nodes)
    own = [(n.get("ref") or "").strip() for n in nodes]
    counts: dict[str, int] = defaultdict(int)
    for ref in own:
        counts[ref] += 1
    return [
        ref if ref and counts[ref] == 1 and len(ref) <= 200 and not ref.startswith("#") else f"#{i}"
        for i, ref in enumerate(own, start=1)
    ]


def transactions(activity: etree._Element, ctx: Context) -> tuple[TransactionSpec, ...]:
    nodes = list(activity.iterfind("transaction"))
    found: list[TransactionSpec] = []
    for node, ref in zip(nodes, transaction_refs(nodes), strict=True):
        spec = transaction(node, ref, ctx)
        if spec is not None:
            found.append(spec)
    return tuple(found)


def transaction(node: etree._Element, ref: str, ctx: Context) -> TransactionSpec | None:
    place = "iati-activity/transaction"
    kind = node.find("transaction-type")
    code = (kind.get("code") or "").strip() if kind is not None else ""
    value = node.find("value")
    amount = v.decimal(value.text) if value is not None and value.text else None
    currency = _currency(value, ctx)
    if not code.isdigit() or amount is None or currency is None:
        what = "type" if not code.isdigit() else "value" if amount is None else "currency"
        ctx.error(node, place, f"transaction without a usable {what}")
        return None
    when = node.find("transaction-date")
    day = v.date(when.get("iso-date")) if when is not None else None
    provider, receiver = node.find("provider-org"), node.find("receiver-org")
    finance = node.find("finance-type")
    return TransactionSpec(
        line=v.line_of(node),
        ref=ref,
        type=int(code),
        value=amount,
        currency=currency,
        value_date=(v.date(value.get("value-date")) if value is not None else None) or day,
        transaction_date=day,
        finance_type=_code(finance)[:8] or None if finance is not None else None,
        description=v.pick(node.find("description"), ctx.lang),
        provider=organisation(provider, ctx),
        provider_activity=_activity_id(provider, "provider-activity-id"),
        receiver=organisation(receiver, ctx),
        receiver_activity=_activity_id(receiver, "receiver-activity-id"),
    )


def _activity_id(element: etree._Element | None, name: str) -> str | None:
    if element is None:
        return None
    text = (element.get(name) or "").strip()
    return text if 0 < len(text) <= 200 else None


def counting(
    participants: tuple[ParticipationSpec, ...], countries: tuple[CountrySpec, ...]
) -> dict[str, object]:
    """Whether the activity counts toward the goal: a Japanese funder in Central Asia. An IATI
    record is a publisher's own record of its activity: the financier's tier of evidence."""
    central = any(
        c.code in CENTRAL_ASIAN_COUNTRIES or (c.is_region and c.code == CENTRAL_ASIA_REGION)
        for c in countries
    )
    japanese = any(p.role in (1, 3) and p.organisation.country == "JP" for p in participants)
    if central and japanese:
        return {
            "counts_toward_goal": True,
            "count_decision": "IATI import: a Japanese funding or extending organisation and a "
            "Central Asian recipient, so it counts toward the goal",
            "evidence": "financier",
        }
    return {
        "counts_toward_goal": False,
        "count_decision": "IATI import: not counted toward the goal (it needs a Japanese funding "
        "or extending organisation and a Central Asian recipient)",
    }
