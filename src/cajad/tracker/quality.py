"""Data-quality findings: what is not counted and why, and what looks wrong.

Each finding names its kind, the project (and transaction) it is about, and a message a
person can act on. Kinds:

* ``not-counted``       a project in the period whose money the register decided not to count
* ``amount-unknown``    a project in the period with no reported amount
* ``package-overlap``   a part of a package counted as well as the package total
* ``parts-exceed``      the parts of a package add up to more than the package total
* ``funding-chain``     money received from another registered activity: counted once, at the
                        provider (a warning when both sides also report it as their own)
* ``stale-rate``        counted money converted at a rate older than its value date's year
* ``possible-duplicate`` two projects that look like one reported twice (co-financiers)
* ``missing-value-date`` a transaction without a value date (cannot be converted or counted)
* ``imprecise-date``    a date known only to the month or year
* ``unknown-code``      a code not in its IATI codelist
* ``outlier``           an amount far from the others of its instrument (robust z-score)

The first seven of these (:data:`NOT_COUNTED`) explain money left out of the total, or counted
once where it is reported more than once: :func:`left_out` groups them for the dashboard.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from itertools import groupby
from typing import Any, NamedTuple

from pydantic import BaseModel
from sqlalchemy import (
    BigInteger,
    and_,
    case,
    false,
    func,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from cajad.register import (
    INCOMING_TYPES,
    ConversionError,
    Organisation,
    Participation,
    Project,
    ProjectCountry,
    ProjectSector,
    RateBook,
    Transaction,
    codelists,
    exact_sum,
)
from cajad.tracker.rule import CountingRule


class QualityFinding(BaseModel):
    kind: str
    severity: str  # info | warning | error
    project: str
    transaction: str | None = None
    message: str


#: Finding kinds that explain money left out of the total (or counted once), in reading order.
NOT_COUNTED: tuple[str, ...] = (
    "not-counted",
    "amount-unknown",
    "package-overlap",
    "parts-exceed",
    "funding-chain",
    "possible-duplicate",
    "missing-value-date",
)

_WORD = re.compile(r"[a-z0-9]{4,}")
_OUTLIER_Z = 3.5
_MAD_SCALE = 0.6745  # the MAD of a standard normal distribution
_SEVERITY = {"error": 0, "warning": 1, "info": 2}

#: Outgoing money: every transaction type but the incoming ones.
_OUTGOING = Transaction.type.not_in(sorted(INCOMING_TYPES))
#: Outgoing money with a USD value that is not zero: what is summed and compared.
_PAYING = and_(_OUTGOING, Transaction.value_usd.is_not(None), Transaction.value_usd != 0)
#: The order of a project's transactions (its relationship's ``value_date``; then the row).
_TX_ORDER = (Transaction.value_date, Transaction.id)


class FindingRow(NamedTuple):
    """A finding as a plain tuple: what a large register's hundreds of thousands of findings
    are kept as (a tenth of a model's memory); :meth:`finding` makes the model of one."""

    kind: str
    severity: str
    project: str
    transaction: str | None
    message: str

    def finding(self) -> QualityFinding:
        if self.transaction is None:
            return QualityFinding(
                kind=self.kind, severity=self.severity, project=self.project, message=self.message
            )
        return QualityFinding(
            kind=self.kind,
            severity=self.severity,
            project=self.project,
            transaction=self.transaction,
            message=self.message,
        )


def _finding(
    kind: str, severity: str, project: str, message: str, transaction: str | None = None
) -> FindingRow:
    return FindingRow(kind, severity, project, transaction, message)


@dataclass
class _Project:
    """The columns of one project that the checks read, and sums of its transactions."""

    id: int
    identifier: str
    title: str
    package_id: int | None
    counts: bool
    decision: str | None
    agreement_date: dt.date | None
    precision: str | None
    counting_date: dt.date | None
    dated: int  # transactions with a value date
    dated_in: int  # of them, dated in the period
    outgoing: int  # transactions of an outgoing type
    paying: int  # of them, with a USD value that is not zero
    own_usd: Decimal  # the sum of those USD values
    countries: list[tuple[str, bool]] = field(default_factory=list)  # (code, is_region)
    sectors: list[tuple[str, str]] = field(default_factory=list)  # (vocabulary, code)
    org_types: list[str | None] = field(default_factory=list)


@dataclass
class _Register:
    """Every project's columns in identifier order, by id."""

    projects: list[_Project]
    by_id: dict[int, _Project]


def findings(
    session: Session,
    rule: CountingRule | None = None,
    *,
    book: RateBook | None = None,
    kinds: Collection[str] | None = None,
) -> list[QualityFinding]:
    """Every finding about the register (or only those of ``kinds``), most severe first."""
    return [row.finding() for row in finding_rows(session, rule, book=book, kinds=kinds)]


def finding_rows(
    session: Session,
    rule: CountingRule | None = None,
    *,
    book: RateBook | None = None,
    kinds: Collection[str] | None = None,
) -> list[FindingRow]:
    """:func:`findings` as tuples, most severe first.

    One query per check, over columns and SQL sums, never the ORM's object graph: a register
    of a million transactions is read as a few thousand project rows, and only the
    transactions a finding is about are read one by one (see ``benchmarks/portal_load.py
    --cold``)."""
    rule = rule or CountingRule()
    wanted = set(kinds) if kinds is not None else None
    register = _read(session, rule)
    found: list[FindingRow] = []
    for check, made in _CHECKS:
        if wanted is None or wanted & made:
            found.extend(check(session, register, rule))
    if wanted is None or "stale-rate" in wanted:
        found.extend(_stale_rates(session, register, book or RateBook.from_session(session)))
    if wanted is not None:
        found = [f for f in found if f.kind in wanted]
    return sorted(found, key=lambda f: (_SEVERITY[f.severity], f.kind, f.project))


def _read(session: Session, rule: CountingRule) -> _Register:
    """Every project's columns, with its transactions counted and summed in SQL."""
    t = Transaction
    dated_in = t.value_date.between(rule.period_start, rule.period_end)
    money = (
        select(
            t.project_id,
            func.count(t.value_date).label("dated"),
            func.count(case((dated_in, t.id))).label("dated_in"),
            func.count(case((_OUTGOING, t.id))).label("outgoing"),
            func.count(case((_PAYING, t.id))).label("paying"),
            exact_sum(case((_PAYING, t.value_usd))).label("own"),  # NULL when none is paying
        )
        .group_by(t.project_id)
        .subquery()
    )
    p = Project
    rows = session.execute(
        select(
            p.id,
            p.identifier,
            p.title,
            p.package_id,
            p.counts_toward_goal,
            p.count_decision,
            p.agreement_date,
            p.agreement_date_precision,
            p.counting_date,
            money.c.dated,
            money.c.dated_in,
            money.c.outgoing,
            money.c.paying,
            money.c.own,
        )
        .outerjoin(money)  # on its project_id, a foreign key
        .order_by(p.identifier)
    )
    projects = [
        _Project(
            id=row.id,
            identifier=row.identifier,
            title=row.title,
            package_id=row.package_id,
            counts=row.counts_toward_goal,
            decision=row.count_decision,
            agreement_date=row.agreement_date,
            precision=row.agreement_date_precision,
            counting_date=row.counting_date,
            dated=row.dated or 0,
            dated_in=row.dated_in or 0,
            outgoing=row.outgoing or 0,
            paying=row.paying or 0,
            own_usd=row.own if row.own is not None else Decimal(0),
        )
        for row in rows
    ]
    by_id = {project.id: project for project in projects}
    countries = select(ProjectCountry.project_id, ProjectCountry.code, ProjectCountry.is_region)
    for pid, code, is_region in session.execute(countries.order_by(ProjectCountry.code)):
        by_id[pid].countries.append((code, is_region))
    sectors = select(ProjectSector.project_id, ProjectSector.vocabulary, ProjectSector.code)
    # Not mutated (nor the organisations' order below): SQLite reads these rows through the
    # primary key, in this order, even unordered; PostgreSQL, which does not, pins them
    # (``test_quality_columns.py``).
    by_code = sectors.order_by(ProjectSector.code)  # pragma: no mutate
    for pid, vocabulary, code in session.execute(by_code):
        by_id[pid].sectors.append((vocabulary, code))
    org_types = (
        select(Participation.project_id, Organisation.type)
        .join(Participation.organisation)
        .order_by(Participation.organisation_id)  # pragma: no mutate
    )
    for pid, org_type in session.execute(org_types):
        by_id[pid].org_types.append(org_type)
    return _Register(projects, by_id)


def _in_period(project: _Project, rule: CountingRule) -> bool:
    """Whether a project falls in the period: by its money's value dates, or, without money,
    by the day its curation places it (the summit window's documents) or its agreement date."""
    if project.dated:
        return project.dated_in > 0
    day = project.counting_date or project.agreement_date
    return day is not None and rule.period_start <= day <= rule.period_end


def _counting(session: Session, register: _Register, rule: CountingRule) -> Iterator[FindingRow]:
    for p in register.projects:
        if not _in_period(p, rule):
            continue
        if not p.counts:
            yield _finding(
                "not-counted",
                "info",
                p.identifier,
                f"not counted toward the goal: {p.decision or 'no reason recorded'}",
            )
        if not p.outgoing:
            yield _finding(
                "amount-unknown",
                "info",
                p.identifier,
                "no amount reported; not counted until one is",
            )


def _packages(session: Session, register: _Register, rule: CountingRule) -> Iterator[FindingRow]:
    parts_of: dict[int, list[_Project]] = defaultdict(list)
    for p in register.projects:
        if p.package_id is not None and p.paying:
            parts_of[p.package_id].append(p)
    for package in register.projects:
        parts = parts_of.get(package.id)
        if not parts:
            continue
        own = package.own_usd
        for part in parts:
            if part.counts and package.counts and own:
                yield _finding(
                    "package-overlap",
                    "warning",
                    part.identifier,
                    f"counted as well as its package {package.identifier}, whose total "
                    "may already include it",
                )
        inside = sum(part.own_usd for part in parts)
        if own and inside > own:
            yield _finding(
                "parts-exceed",
                "warning",
                package.identifier,
                f"parts add up to USD {inside:,.0f}, more than the package total USD {own:,.0f}",
            )


def _chains(session: Session, register: _Register, rule: CountingRule) -> Iterator[FindingRow]:
    provider = aliased(Project)
    rows = session.execute(
        select(Transaction.project_id, Transaction.ref, provider.id)
        .join(provider, provider.identifier == Transaction.provider_activity)
        .where(provider.id != Transaction.project_id)
        .order_by(*_TX_ORDER)
    )
    for pid, ref, provider_id in rows:
        p, source = register.by_id[pid], register.by_id[provider_id]
        twice = p.counts and source.counts and bool(p.paying)
        yield _finding(
            "funding-chain",
            "warning" if twice else "info",
            p.identifier,
            f"money from {source.identifier}, also in the register: "
            + (
                "both report outgoing money and both count; mark one not counted"
                if twice
                else "incoming funds never count, so it is counted once, at the provider"
            ),
            ref,
        )


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _duplicates(session: Session, register: _Register, rule: CountingRule) -> Iterator[FindingRow]:
    """Pairs of counted projects with money in the same countries, agreed within 90 days,
    sharing half their title words; compared only within a set of countries."""
    with_money = [p for p in register.projects if p.paying and p.counts]
    same_places: dict[frozenset[str], list[int]] = defaultdict(list)
    for i, p in enumerate(with_money):
        same_places[frozenset(code for code, _ in p.countries)].append(i)
    words = [_words(p.title) for p in with_money]
    for i, a in enumerate(with_money):
        for j in same_places[frozenset(code for code, _ in a.countries)]:
            if j <= i:
                continue
            b = with_money[j]
            if a.package_id == b.id or b.package_id == a.id:
                continue
            da, db = a.agreement_date, b.agreement_date
            if da is None or db is None or abs((da - db).days) > 90:
                continue
            wa, wb = words[i], words[j]
            shorter = min(len(wa), len(wb))
            overlap = len(wa & wb) / shorter if shorter else 0.0
            if overlap >= 0.5:
                yield _finding(
                    "possible-duplicate",
                    "warning",
                    a.identifier,
                    f"looks like {b.identifier} (same country, dates within 90 days, "
                    f"{overlap:.0%} of title words shared): one project reported twice?",
                )


def _dates(session: Session, register: _Register, rule: CountingRule) -> Iterator[FindingRow]:
    undated = select(Transaction.project_id, Transaction.ref).where(
        Transaction.value_date.is_(None)
    )
    # Not mutated: both stores return rows written in one import in id order even unordered;
    # the order is kept for when they do not (a table rewritten, a parallel scan).
    for pid, ref in session.execute(undated.order_by(Transaction.id)):  # pragma: no mutate
        yield _finding(
            "missing-value-date",
            "error",
            register.by_id[pid].identifier,
            "no value date: cannot be converted or counted",
            ref,
        )
    for p in register.projects:
        if p.precision in ("month", "year") and _in_period(p, rule):
            yield _finding(
                "imprecise-date",
                "info",
                p.identifier,
                f"date known only to the {p.precision}; dated at the latest day consistent "
                "with its report",
            )


def _codes(session: Session, register: _Register, rule: CountingRule) -> Iterator[FindingRow]:
    """Codes outside their IATI codelists: each distinct transaction code is looked up once,
    and only the transactions with a bad one are read."""
    currencies = session.scalars(select(Transaction.currency).distinct()).all()
    types = session.scalars(select(Transaction.type).distinct()).all()
    bad_currencies = sorted(c for c in currencies if not codelists.is_code("Currency", c))
    bad_types = sorted(t for t in types if not codelists.is_code("TransactionType", str(t)))
    in_transactions: dict[int, list[str]] = defaultdict(list)
    if bad_currencies or bad_types:
        rows = session.execute(
            select(Transaction.project_id, Transaction.currency, Transaction.type)
            .where(or_(Transaction.currency.in_(bad_currencies), Transaction.type.in_(bad_types)))
            .order_by(*_TX_ORDER)
        )
        for pid, currency, tx_type in rows:
            if currency in bad_currencies:
                in_transactions[pid].append(f"currency {currency}")
            if tx_type in bad_types:
                in_transactions[pid].append(f"transaction type {tx_type}")
    for p in register.projects:
        bad = [
            f"sector {code}"
            for vocabulary, code in p.sectors
            if vocabulary == "1" and not codelists.is_code("Sector", code)
        ]
        for code, is_region in p.countries:
            listname = "Region" if is_region else "Country"
            if not codelists.is_code(listname, code):
                bad.append(f"{listname.lower()} {code}")
        bad.extend(in_transactions.get(p.id, ()))
        for org_type in p.org_types:
            if org_type and not codelists.is_code("OrganisationType", org_type):
                bad.append(f"organisation type {org_type}")
        for code in bad:
            yield _finding(
                "unknown-code", "error", p.identifier, f"{code} is not in its IATI codelist"
            )


def _instrument_key(project_instrument: Any) -> Any:
    """The instrument an amount is compared within: its own, else its project's, else
    ``unknown`` (an empty text counts as none)."""
    return func.coalesce(
        func.nullif(Transaction.instrument, ""), func.nullif(project_instrument, ""), "unknown"
    )


def _usd_cents(session: Session) -> Any:
    """``value_usd`` as the store keeps it: integer hundredths on SQLite (read without making
    a Decimal of each), NUMERIC on PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        return type_coerce(Transaction.value_usd, BigInteger)
    return Transaction.value_usd


def _log10_usd(session: Session) -> Callable[[Any], float]:
    """``log10(float(value_usd))`` of what :func:`_usd_cents` reads: hundredths divided in
    Python are the correctly rounded float of the Decimal, as ``float(Decimal)`` is."""
    if session.get_bind().dialect.name == "sqlite":
        return lambda cents: math.log10(cents / 100)
    return lambda value: math.log10(float(value))


def _outliers(session: Session, register: _Register, rule: CountingRule) -> Iterator[FindingRow]:
    """Amounts far from the others of their instrument (robust z-score of log10 USD).

    The median and MAD need every amount (read as floats, one column), then only the
    transactions outside the bounds they give are read back, and judged as before."""
    key = _instrument_key(Project.instrument)
    positive = and_(_OUTGOING, Transaction.value_usd > 0)
    joined = select(key, _usd_cents(session)).join(Transaction.project)
    log10 = _log10_usd(session)
    logs: dict[str, array[float]] = defaultdict(lambda: array("d"))
    for instrument, value in session.execute(joined.where(positive)):
        logs[instrument].append(log10(value))
    bounds: dict[str, tuple[float, float]] = {}
    for instrument, xs in logs.items():
        if len(xs) < 5:
            continue
        median = statistics.median(xs)
        mad = statistics.median(array("d", (abs(x - median) for x in xs)))
        if mad != 0:
            bounds[instrument] = (median, mad)
    del logs
    if not bounds:
        return
    # Candidates by SQL (a little wider than the bounds), each then judged exactly in Python.
    rows = session.execute(
        select(key, Transaction.project_id, Transaction.ref, Transaction.value_usd)
        .join(Transaction.project)
        .where(positive, _candidates(key, bounds))
        .order_by(*_TX_ORDER)
    )
    flagged: dict[str, list[tuple[_Project, str, Decimal, float]]] = defaultdict(list)
    for instrument, pid, ref, value in rows:
        z = _robust_z(math.log10(float(value)), *bounds[instrument])
        if _far(z):
            flagged[instrument].append((register.by_id[pid], ref, value, z))
    for instrument in _first_seen(session, register, key, positive, flagged):
        for p, ref, value, z in flagged[instrument]:
            yield _finding(
                "outlier",
                "warning",
                p.identifier,
                f"USD {value:,.0f} is far from other {instrument} amounts (robust z = {z:.1f})",
                ref,
            )


def _robust_z(x: float, median: float, mad: float) -> float:
    """How far ``x`` is from ``median`` in MADs, scaled so that a normal sample's z-scores
    are standard (Iglewicz and Hoaglin's modified z-score)."""
    return _MAD_SCALE * (x - median) / mad


def _far(z: float) -> bool:
    """Whether a robust z-score makes an outlier: beyond 3.5 either way, not at it."""
    return abs(z) > _OUTLIER_Z


def _band(median: float, mad: float) -> tuple[float, float]:
    """The log10 amounts whose robust z is within ±3.5 (up to float rounding)."""
    reach = _OUTLIER_Z * mad / _MAD_SCALE
    return median - reach, median + reach


def _candidates(key: Any, bounds: dict[str, tuple[float, float]]) -> Any:
    """Amounts outside the band of their instrument's (median, MAD) in ``bounds``; those of
    other instruments are no candidates."""
    return or_(
        *(and_(key == k, _outside(*_band(median, mad))) for k, (median, mad) in bounds.items())
    )


#: Bounds (log10 USD) past which SQL need not compare: no stored amount is beyond them, and
#: their hundredths still fit SQLite's 64-bit integers.
_LOWEST, _HIGHEST = -3.0, 16.0
_WIDER, _NARROWER = Decimal("1.000001"), Decimal("0.999999")
_CENT = Decimal("0.01")


def _outside(low: float, high: float) -> Any:
    """USD amounts below ``10**low`` or above ``10**high``, widened by a millionth to whole
    cents, so that the SQL pre-selection keeps every amount the float test may flag."""
    if low > _HIGHEST:
        return true()
    outside = []
    if low > _LOWEST:
        bound = (Decimal(10**low) * _WIDER).quantize(_CENT, ROUND_CEILING)
        outside.append(Transaction.value_usd < bound)
    if high < _HIGHEST:
        bound = (Decimal(10 ** max(high, _LOWEST)) * _NARROWER).quantize(_CENT, ROUND_FLOOR)
        outside.append(Transaction.value_usd > bound)
    return or_(*outside) if outside else false()


def _first_seen(
    session: Session, register: _Register, key: Any, positive: Any, flagged: dict[str, Any]
) -> list[str]:
    """The instruments of ``flagged`` in the order their first amount appears (projects by
    identifier, then each project's transactions): the order the findings were made in,
    which decides the order of one project's outliers of several instruments (only then is
    it looked up)."""
    instruments_of: dict[int, set[str]] = defaultdict(set)
    for instrument, rows in flagged.items():
        for project, *_ in rows:
            instruments_of[project.id].add(instrument)
    if all(len(found) < 2 for found in instruments_of.values()):
        return list(flagged)
    first = (
        select(key, func.min(Project.identifier))
        .join(Transaction.project)
        .where(positive, key.in_(list(flagged)))
        .group_by(key)
    )
    firsts: dict[str, str] = {row[0]: row[1] for row in session.execute(first)}
    rank = {p.identifier: i for i, p in enumerate(register.projects)}
    within: defaultdict[str, int] = defaultdict(int)  # place in a first project shared
    for identifier, n in Counter(firsts.values()).items():
        if n < 2:
            continue
        seen = session.execute(
            select(key)
            .join(Transaction.project)
            .where(positive, Project.identifier == identifier)
            .order_by(*_TX_ORDER)
        ).scalars()
        within.update((k, i) for i, k in enumerate(dict.fromkeys(seen)))
    return sorted(flagged, key=lambda k: (rank[firsts[k]], within[k]))


def _unindexed(session: Session, column: Any) -> Any:
    """``column``, kept out of SQLite's index search: a pass over most transactions reads the
    table in order (seconds) rather than one index entry at a time (minutes on a cold cache,
    what the planner picks for a date range). PostgreSQL estimates its rows and needs no help."""
    if session.get_bind().dialect.name == "sqlite":
        return func.coalesce(column, column)
    return column


def _stale_rates(session: Session, register: _Register, book: RateBook) -> Iterator[FindingRow]:
    """Counted money converted at a stale rate: each (currency, value date) the register holds
    is looked up once; only the transactions of stale ones are read."""
    dated = and_(_PAYING, Transaction.value_date.is_not(None))
    distinct = select(Transaction.currency, Transaction.value_date).where(dated).distinct()
    # Not mutated: each currency's days must come in order, and both stores sort a DISTINCT
    # of these two columns anyway, so a mutant here would survive without being right.
    by_day = distinct.order_by(Transaction.currency, Transaction.value_date)  # pragma: no mutate
    read = session.execute(by_day)
    pairs: list[tuple[str, dt.date]] = [(c, d) for c, d in read]  # type: ignore[misc]  # dated
    messages: dict[tuple[str, dt.date], str] = {}
    for currency, day in pairs:
        try:
            method = book.rate(currency, "JPY", day)[1]
        except ConversionError:
            continue  # no rate at all, not a stale one (an unknown code, or before every rate)
        if "stale" in method:
            messages[(currency, day)] = (
                f"{currency} converted at the {method}: no rate yet for {day.year}"
            )
    # consecutive stale days the register holds, one range of days each
    runs = []
    for (currency, stale), run in groupby(pairs, key=lambda pair: (pair[0], pair in messages)):
        if stale:
            days = [day for _, day in run]
            runs.append((currency, days[0], days[-1]))
    if not runs:
        return
    day = _unindexed(session, Transaction.value_date)
    where = or_(
        *(
            and_(Transaction.currency == currency, day.between(first, end))
            for currency, first, end in runs
        )
    )
    rows = session.execute(
        select(
            Transaction.project_id, Transaction.ref, Transaction.currency, Transaction.value_date
        )
        .where(dated, where)
        .order_by(*_TX_ORDER)
    )
    for pid, ref, currency, value_date in rows:
        message = messages[(currency, value_date)]  # type: ignore[index]  # dated
        yield _finding("stale-rate", "info", register.by_id[pid].identifier, message, ref)


_CHECKS: tuple[
    tuple[Callable[[Session, _Register, CountingRule], Iterator[FindingRow]], frozenset[str]],
    ...,
] = (
    (_counting, frozenset({"not-counted", "amount-unknown"})),
    (_packages, frozenset({"package-overlap", "parts-exceed"})),
    (_chains, frozenset({"funding-chain"})),
    (_duplicates, frozenset({"possible-duplicate"})),
    (_dates, frozenset({"missing-value-date", "imprecise-date"})),
    (_codes, frozenset({"unknown-code"})),
    (_outliers, frozenset({"outlier"})),
)


def left_out(found: Iterable[QualityFinding]) -> list[tuple[str, list[QualityFinding]]]:
    """The findings of ``found`` that explain money left out, grouped by kind in the order of
    :data:`NOT_COUNTED` (kinds with no finding are omitted)."""
    grouped: dict[str, list[QualityFinding]] = defaultdict(list)
    for f in found:
        if f.kind in NOT_COUNTED:
            grouped[f.kind].append(f)
    return [(kind, grouped[kind]) for kind in NOT_COUNTED if kind in grouped]
