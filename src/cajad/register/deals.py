"""Reader of the initiative's deals CSV (the shape of ``cajad/data/initiative/deals.csv``).

A deals row is one reported project, deal, loan, grant, MoU or agreement. Optional decision
columns (``project, package, stage, transaction_type, value_date, date_precision, counts,
sectors, priority_area, decision``) carry the curation of each row; where they are absent the
documented defaults below apply (see ``cajad/data/initiative/CURATION.md``):

* stage from status and instrument: completed → operation; financing approved → financing;
  signed loan, grant, cover, investment or cooperation → financing; signed MoU, agreement or
  other → mou; announced or unknown → idea;
* the amount becomes one transaction: a credit guarantee (10) for NEXI cover, a commitment (2)
  from the financing stage on, else a pledge (12);
* a month- or year-precision date is dated at the latest day consistent with its report:
  the source's publication date when it falls inside that month or year, else the period's
  last day;
* sectors from the free-text sector by the reviewed keyword table; the compiler's pillar, when
  one of the three areas, overrides the area derived from sectors.

Optional composition columns (``basis``, ``evidence``) say what a counted amount is: an
``itemised`` project or an ``aggregate`` package total, and the tier of its evidence
(``financier``, ``company``, ``government``, ``press``). Where empty, a project that other rows
name as their package is an aggregate, and the evidence follows the source URL's publisher
(:func:`evidence_of_url`). The choice is stored as the project's ``basis`` and ``evidence``,
which the rollup reads. The row's value date is stored as the project's ``counting_date``,
which places a project without money in the period (the summit window's documents).

Optional name columns (``title_ja``, ``title_ru``) carry the project's name in Japanese or
Russian where a source gives one; they become title narratives in those languages (beside the
English title), so that search and IATI export see them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

from cajad.register import codelists
from cajad.register.csvio import (
    RowChecker,
    parse_date,
    parse_decimal,
    parse_partial_date,
    period_end,
    read_rows,
)
from cajad.register.errors import InputError, Problem
from cajad.register.ownership import owner_of
from cajad.register.reference import organisation_aliases, sector_keywords
from cajad.register.rollup import BASES, EVIDENCE
from cajad.register.specs import (
    CountrySpec,
    DocumentSpec,
    OrganisationSpec,
    ParticipationSpec,
    ProjectSpec,
    SectorSpec,
    TextSpec,
    TransactionSpec,
)
from cajad.register.vocab import (
    CENTRAL_ASIA_REGION,
    FINANCE_TYPE,
    Instrument,
    OrganisationRole,
    PriorityArea,
    Stage,
    TransactionType,
)

COLUMNS = [
    "id",
    "title",
    "country",
    "sector",
    "pillar",
    "japanese_parties",
    "central_asian_parties",
    "instrument",
    "amount",
    "currency",
    "amount_note",
    "date",
    "status",
    "source_title",
    "source_url",
    "source_date",
]
DECISION_COLUMNS = [
    "project",
    "package",
    "stage",
    "transaction_type",
    "value_date",
    "date_precision",
    "counts",
    "sectors",
    "priority_area",
    "decision",
]
COMPOSITION_COLUMNS = ["basis", "evidence"]
#: The curation's choice of the owning organisation (an organisation identifier); where empty,
#: the rule of :mod:`cajad.register.ownership` picks one of the project's parties.
OWNER_COLUMNS = ["owner"]
NAME_COLUMNS = {"title_ja": "ja", "title_ru": "ru"}
#: Publishers whose release is the financier's own record: JICA, JBIC, NEXI, and MOFA and
#: Japan's embassies (the financier of grant aid, which signs its exchanges of notes).
FINANCIER_HOSTS = ("jica.go.jp", "jbic.go.jp", "nexi.go.jp", "mofa.go.jp", "emb-japan.go.jp")
#: Hosts of government statements: other Japanese ministries and the governments of the region.
GOVERNMENT_HOSTS = (
    "go.jp",
    "gov.uz",
    "gov.kz",
    "gov.kg",
    "gov.tm",
    "gov.tj",
    "president.uz",
    "akorda.kz",
    "mfa.kg",
    "mfa.tj",
    "mfa.uz",
)
STATUSES = ("announced", "signed", "financing approved", "completed", "unknown", "cancelled")
_PILLARS = {
    "Green & Resilience": PriorityArea.GREEN,
    "Connectivity": PriorityArea.CONNECTIVITY,
    "Human Resource Development": PriorityArea.HRD,
}
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$")
_QUALIFIERS = (
    ("up to", "up to"),
    ("maximum", "up to"),
    ("more than", "more than"),
    ("over", "more than"),
    ("approx", "about"),
    ("about", "about"),
    ("around", "about"),
    ("nearly", "about"),
    ("some", "about"),
)
_E = TypeVar("_E", Instrument, Stage, PriorityArea)
_FINANCING = {Stage.FINANCING, Stage.IMPLEMENTATION, Stage.OPERATION}


def read_deals(
    path: Path, *, curation: Path | None = None
) -> tuple[list[ProjectSpec], list[Problem]]:
    """Parse and validate a deals file (plus an optional separate curation file, joined by id).

    Returns the project specs of the valid rows and the problems of the invalid ones.
    """
    decisions = _read_curation(curation) if curation else {}
    rows: list[_Row] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    optional = [*DECISION_COLUMNS, *COMPOSITION_COLUMNS, *OWNER_COLUMNS, *NAME_COLUMNS]
    for line, raw in read_rows(path, COLUMNS, optional):
        if curation is not None:
            raw = {**raw, **decisions.get(raw["id"], {})}
        row_problems: list[Problem] = []
        row = _parse_row(str(path), line, raw, row_problems)
        if row is not None and row.id in seen:
            row_problems.append(Problem(str(path), line, "id", f"duplicate id {row.id!r}"))
        if row is not None:
            seen.add(row.id)
        if row_problems or row is None:
            problems.extend(row_problems)
        else:
            rows.append(row)
    if curation is not None:
        missing = sorted(seen - decisions.keys())
        problems += [
            Problem(str(curation), 0, "id", f"no decision for deal {i!r}") for i in missing
        ]
    return _group(rows, str(path), problems), problems


def _read_curation(path: Path) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for line, row in read_rows(
        path, ["id", *DECISION_COLUMNS], [*COMPOSITION_COLUMNS, *OWNER_COLUMNS]
    ):
        if row["id"] in table:
            raise InputError(
                f"{path}: refused", [Problem(str(path), line, "id", f"duplicate id {row['id']!r}")]
            )
        table[row["id"]] = {k: v for k, v in row.items() if k != "id"}
    return table


class _Row:
    """One valid deals row and the decisions that apply to it."""

    def __init__(self, **fields: object) -> None:
        self.__dict__.update(fields)

    id: str
    line: int
    project: str
    package: str | None
    title: str
    stage: Stage
    instrument: Instrument
    countries: tuple[CountrySpec, ...]
    sectors: tuple[SectorSpec, ...]
    area: PriorityArea | None
    date: dt.date
    precision: str
    value_date: dt.date
    transaction: TransactionSpec | None
    counts: bool
    decision: str
    participants: tuple[ParticipationSpec, ...]
    document: DocumentSpec | None
    texts: tuple[TextSpec, ...]
    basis: str | None
    evidence: str
    owner: str | None


def _parse_row(file: str, line: int, raw: dict[str, str], problems: list[Problem]) -> _Row | None:
    check = RowChecker(file, line, problems)
    ident = raw["id"]
    if not _IDENTIFIER.match(ident):
        check.fail("id", f"must be letters, digits and . _ : / - (1-200 chars); got {ident!r}")
    if not raw["title"]:
        check.fail("title", "must not be empty")
    instrument = _enum(check, "instrument", raw["instrument"], Instrument)
    status = raw["status"]
    if status not in STATUSES:
        check.fail("status", f"must be one of {', '.join(STATUSES)}; got {status!r}")
    countries = _countries(check, raw["country"])
    date, precision = _partial(check, "date", raw["date"])
    published = _published(check, raw["source_date"])
    stage = _stage(check, raw, status, instrument)
    sectors = _sectors(check, raw)
    area = _area(check, raw)
    counts = _counts(check, raw.get("counts", ""))
    value_date = _value_date(check, raw, date, precision, published)
    transaction = _transaction(check, raw, stage, instrument, value_date)
    basis = raw.get("basis") or None
    if basis is not None and basis not in BASES:
        check.fail("basis", f"must be one of {', '.join(BASES)}; got {basis!r}")
    evidence = raw.get("evidence") or evidence_of_url(raw["source_url"])
    if evidence not in EVIDENCE:
        check.fail("evidence", f"must be one of {', '.join(EVIDENCE)}; got {evidence!r}")
    if problems or instrument is None or stage is None or date is None or value_date is None:
        return None
    return _Row(
        id=ident,
        line=line,
        project=raw.get("project") or ident,
        package=raw.get("package") or None,
        title=raw["title"],
        stage=stage,
        instrument=instrument,
        countries=countries,
        sectors=sectors,
        area=area,
        date=date,
        precision=raw.get("date_precision") or precision,
        value_date=value_date,
        transaction=transaction,
        counts=counts if counts is not None else transaction is not None,
        decision=raw.get("decision") or "no curation given: counted as reported",
        participants=_participants(raw),
        texts=_names(raw),
        basis=basis,
        evidence=evidence,
        owner=raw.get("owner") or None,
        document=DocumentSpec(
            url=raw["source_url"], title=raw["source_title"] or None, published=published
        )
        if raw["source_url"]
        else None,
    )


def evidence_of_url(url: str) -> str:
    """The default evidence tier of a source: by its publisher's host (see CURATION.md)."""
    host = (urlparse(url).hostname or "").lower()
    if not host:
        return "unknown"

    def under(suffixes: tuple[str, ...]) -> bool:
        return any(host == s or host.endswith("." + s) for s in suffixes)

    if under(FINANCIER_HOSTS):
        return "financier"
    if under(GOVERNMENT_HOSTS) or host.startswith(("gov.", "president.")):
        return "government"
    return "press"


def _names(raw: dict[str, str]) -> tuple[TextSpec, ...]:
    """The title in the deals file's language plus its Japanese / Russian names, if any, and the
    free-text sector as written (kind ``sector``: the DAC codes alone lose what screening reads).
    """
    names = [
        TextSpec(kind="title", lang=lang, text=raw[column])
        for column, lang in NAME_COLUMNS.items()
        if raw.get(column)
    ]
    titles = (TextSpec(kind="title", text=raw["title"]), *names) if names else ()
    sector = (raw.get("sector") or "").strip()
    return (*titles, TextSpec(kind="sector", text=sector)) if sector else titles


def _enum(check: RowChecker, column: str, text: str, kind: type[_E]) -> _E | None:
    try:
        return kind(text)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        check.fail(column, f"must be one of {allowed}; got {text!r}")
        return None


def _countries(check: RowChecker, code: str) -> tuple[CountrySpec, ...]:
    if code == "XA":
        return (CountrySpec(code=CENTRAL_ASIA_REGION, percentage=Decimal(100), is_region=True),)
    if not codelists.is_code("Country", code):
        check.fail(
            "country", f"must be an ISO 3166-1 alpha-2 code or XA (region-wide); got {code!r}"
        )
        return ()
    return (CountrySpec(code=code, percentage=Decimal(100)),)


def _partial(check: RowChecker, column: str, text: str) -> tuple[dt.date | None, str]:
    try:
        return parse_partial_date(text)
    except ValueError as exc:
        check.fail(column, str(exc))
        return None, "day"


def _published(check: RowChecker, text: str) -> dt.date | None:
    if not text:
        return None
    start, precision = _partial(check, "source_date", text)
    return start if precision == "day" else None


def _stage(
    check: RowChecker, raw: dict[str, str], status: str, instrument: Instrument | None
) -> Stage | None:
    if raw.get("stage"):
        return _enum(check, "stage", raw["stage"], Stage)
    if status == "cancelled":
        return Stage.CANCELLED
    if status == "completed":
        return Stage.OPERATION
    if status == "financing approved":
        return Stage.FINANCING
    if status == "signed":
        soft = {Instrument.MOU, Instrument.AGREEMENT, Instrument.OTHER}
        return Stage.MOU if instrument in soft else Stage.FINANCING
    return Stage.IDEA


def _sectors(check: RowChecker, raw: dict[str, str]) -> tuple[SectorSpec, ...]:
    if raw.get("sectors"):
        return _explicit_sectors(check, raw["sectors"])
    text = raw["sector"].lower()
    codes: list[str] = []
    for keyword, code in sector_keywords():
        if keyword in text and code not in codes:
            codes.append(code)
    if not codes:
        check.fail("sector", f"no DAC sector code matches {raw['sector']!r}; give `sectors`")
        return ()
    return tuple(
        SectorSpec(code=c, percentage=p) for c, p in zip(codes, _split(len(codes)), strict=True)
    )


def _split(n: int) -> list[Decimal]:
    share = (Decimal(100) / n).quantize(Decimal("0.01"))
    return [Decimal(100) - share * (n - 1), *([share] * (n - 1))]


def _explicit_sectors(check: RowChecker, text: str) -> tuple[SectorSpec, ...]:
    specs: list[SectorSpec] = []
    for part in text.split(";"):
        code, _, pct = part.strip().partition(":")
        if not codelists.is_code("Sector", code):
            check.fail("sectors", f"{code!r} is not an OECD DAC 5-digit sector code")
            continue
        try:
            specs.append(SectorSpec(code=code, percentage=parse_decimal(pct)))
        except ValueError as exc:
            check.fail("sectors", f"percentage of {code}: {exc}")
    total = sum((s.percentage for s in specs), Decimal(0))
    if specs and total != 100:
        check.fail("sectors", f"percentages must sum to 100; got {total}")
    return tuple(specs)


def _area(check: RowChecker, raw: dict[str, str]) -> PriorityArea | None:
    if "priority_area" in raw and "decision" in raw:
        text = raw["priority_area"]
        return _enum(check, "priority_area", text, PriorityArea) if text else None
    return _PILLARS.get(raw["pillar"])


def _counts(check: RowChecker, text: str) -> bool | None:
    if text in ("", None):
        return None
    if text not in ("yes", "no"):
        check.fail("counts", f"must be yes or no; got {text!r}")
        return None
    return text == "yes"


def _value_date(
    check: RowChecker,
    raw: dict[str, str],
    date: dt.date | None,
    precision: str,
    published: dt.date | None,
) -> dt.date | None:
    if raw.get("value_date"):
        try:
            return parse_date(raw["value_date"])
        except ValueError as exc:
            check.fail("value_date", str(exc))
            return None
    if date is None:
        return None
    end = period_end(date, precision)
    if published is not None and date <= published <= end:
        return published
    return end


def _transaction(
    check: RowChecker,
    raw: dict[str, str],
    stage: Stage | None,
    instrument: Instrument | None,
    value_date: dt.date | None,
) -> TransactionSpec | None:
    amount, currency = raw["amount"], raw["currency"]
    if not amount:
        if raw.get("transaction_type"):
            check.fail("transaction_type", "given for a row without amount")
        return None
    try:
        value = parse_decimal(amount)
    except ValueError as exc:
        check.fail("amount", str(exc))
        return None
    if value < 0:
        check.fail("amount", f"must not be negative; got {amount}")
    if not codelists.is_code("Currency", currency):
        check.fail("currency", f"must be an ISO 4217 code; got {currency!r}")
    tx_type = _transaction_type(check, raw.get("transaction_type", ""), stage, instrument)
    if tx_type is None or instrument is None:
        return None
    note = raw["amount_note"]
    return TransactionSpec(
        line=check.line,
        ref=raw["id"],
        type=tx_type,
        value=value,
        currency=currency,
        value_date=value_date,
        qualifier=_qualifier(note),
        instrument=instrument.value,
        finance_type=FINANCE_TYPE[instrument],
        description=note or None,
        provider=_organisations(raw["japanese_parties"], "JP")[:1][0]
        if raw["japanese_parties"]
        else None,
        receiver=_organisations(raw["central_asian_parties"], raw["country"])[:1][0]
        if raw["central_asian_parties"]
        else None,
    )


def _transaction_type(
    check: RowChecker, text: str, stage: Stage | None, instrument: Instrument | None
) -> int | None:
    if text:
        if not text.isdigit() or not codelists.is_code("TransactionType", text):
            check.fail("transaction_type", f"must be an IATI TransactionType code; got {text!r}")
            return None
        return int(text)
    if instrument is Instrument.NEXI_INSURANCE:
        return TransactionType.CREDIT_GUARANTEE
    if stage in _FINANCING:
        return TransactionType.OUTGOING_COMMITMENT
    return TransactionType.OUTGOING_PLEDGE


def _qualifier(note: str) -> str | None:
    lowered = note.lower()
    for prefix, qualifier in _QUALIFIERS:
        if lowered.startswith(prefix):
            return qualifier
    return None


def _organisations(cell: str, country: str) -> list[OrganisationSpec]:
    known = organisation_aliases()
    found: list[OrganisationSpec] = []
    for part in cell.split(";"):
        name = part.strip()
        if not name:
            continue
        spec = known.get(name) or OrganisationSpec(
            name=name, country=country if country != "XA" else None
        )
        if spec not in found:
            found.append(spec)
    return found


def _participants(raw: dict[str, str]) -> tuple[ParticipationSpec, ...]:
    funders = _organisations(raw["japanese_parties"], "JP")
    partners = _organisations(raw["central_asian_parties"], raw["country"])
    roles = [(o, OrganisationRole.FUNDING) for o in funders]
    roles += [(o, OrganisationRole.IMPLEMENTING) for o in partners]
    unique: dict[tuple[str, int], ParticipationSpec] = {}
    for org, role in roles:
        unique.setdefault((org.name, role), ParticipationSpec(organisation=org, role=role))
    return tuple(unique.values())


def _group(rows: Iterable[_Row], file: str, problems: list[Problem]) -> list[ProjectSpec]:
    """Merge rows that the curation maps onto one project; the row whose id is the project's
    identifier gives its descriptive fields, every row gives its money and parties."""
    by_project: dict[str, list[_Row]] = {}
    rows = list(rows)
    packages = {row.package for row in rows if row.package}
    for row in rows:
        by_project.setdefault(row.project, []).append(row)
    specs: list[ProjectSpec] = []
    for identifier, group in by_project.items():
        primary = next((r for r in group if r.id == identifier), None)
        if primary is None:
            problems.append(
                Problem(file, group[0].line, "project", f"no row has the id {identifier!r}")
            )
            continue
        specs.append(_merge(primary, group, identifier in packages))
    return specs


def _merge(primary: _Row, group: list[_Row], has_parts: bool) -> ProjectSpec:
    participants: dict[tuple[str, int], ParticipationSpec] = {}
    for row in group:
        for p in row.participants:
            participants.setdefault((p.organisation.name, p.role), p)
    transactions = tuple(r.transaction for r in group if r.transaction is not None)
    documents = tuple({r.document.url: r.document for r in group if r.document}.values())
    decision = (
        " | ".join(f"{r.id}: {r.decision}" for r in group) if len(group) > 1 else primary.decision
    )
    # The counted amount's row says what it is; a project without one takes its primary row's.
    source = next((r for r in group if r.counts and r.transaction), primary)
    basis = source.basis or primary.basis or ("aggregate" if has_parts else "itemised")
    return ProjectSpec(
        line=primary.line,
        identifier=primary.project,
        title=primary.title,
        stage=primary.stage.value,
        instrument=primary.instrument.value,
        default_currency=transactions[0].currency if transactions else None,
        agreement_date=primary.date,
        agreement_date_precision=primary.precision,
        package=primary.package,
        priority_area_override=primary.area.value if primary.area else None,
        counts_toward_goal=any(r.counts for r in group),
        count_decision=decision,
        basis=basis,
        evidence=source.evidence,
        counting_date=primary.value_date,
        owner=primary.owner or owner_of(participants.values()),
        countries=primary.countries,
        sectors=primary.sectors,
        participants=tuple(participants.values()),
        documents=documents,
        transactions=transactions,
        texts=primary.texts,
    )
