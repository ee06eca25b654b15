"""The ORM version of :func:`cajad.tracker.findings`, as it was before the column rewrite
(issue 16 item 8): every project with its transactions loaded as objects. Kept only to check
that the rewrite finds exactly the same, in the same order (``test_quality_columns.py``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cajad.register import INCOMING_TYPES, Participation, Project, RateBook, Transaction, codelists
from cajad.tracker.quality import QualityFinding
from cajad.tracker.rule import CountingRule

_WORD = re.compile(r"[a-z0-9]{4,}")
_OUTLIER_Z = 3.5


def findings(
    session: Session, rule: CountingRule | None = None, *, book: RateBook | None = None
) -> list[QualityFinding]:
    """Every finding about the register, most severe first."""
    rule = rule or CountingRule()
    projects = list(
        session.scalars(
            select(Project)
            .options(
                selectinload(Project.transactions).joinedload(Transaction.provider),
                selectinload(Project.participants).joinedload(Participation.organisation),
                selectinload(Project.parts),
            )
            .order_by(Project.identifier)
        )
    )
    found: list[QualityFinding] = []
    book = book or RateBook.from_session(session)
    for check in (_counting, _packages, _chains, _duplicates, _dates, _codes, _outliers):
        found.extend(check(projects, rule))
    found.extend(_stale_rates(projects, book))
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda f: (order[f.severity], f.kind, f.project))


def _in_period(project: Project, rule: CountingRule) -> bool:
    """Whether a project falls in the period: by its money's value dates, or, without money,
    by the day its curation places it (the summit window's documents) or its agreement date."""
    dates: list[dt.date | None] = [t.value_date for t in project.transactions if t.value_date]
    dates = dates or [project.counting_date or project.agreement_date]
    return any(d is not None and rule.period_start <= d <= rule.period_end for d in dates)


def _counting(projects: list[Project], rule: CountingRule) -> Iterator[QualityFinding]:
    for p in projects:
        if not _in_period(p, rule):
            continue
        if not p.counts_toward_goal:
            yield QualityFinding(
                kind="not-counted",
                severity="info",
                project=p.identifier,
                message=f"not counted toward the goal: {p.count_decision or 'no reason recorded'}",
            )
        if not any(t.type not in INCOMING_TYPES for t in p.transactions):
            yield QualityFinding(
                kind="amount-unknown",
                severity="info",
                project=p.identifier,
                message="no amount reported; not counted until one is",
            )


def _outgoing(project: Project) -> list[Transaction]:
    return [t for t in project.transactions if t.type not in INCOMING_TYPES and t.value_usd]


def _packages(projects: list[Project], rule: CountingRule) -> Iterator[QualityFinding]:
    for package in projects:
        parts = [p for p in package.parts if _outgoing(p)]
        if not parts:
            continue
        own = sum((t.value_usd or Decimal(0) for t in _outgoing(package)), Decimal(0))
        for part in parts:
            if part.counts_toward_goal and package.counts_toward_goal and own:
                yield QualityFinding(
                    kind="package-overlap",
                    severity="warning",
                    project=part.identifier,
                    message=f"counted as well as its package {package.identifier}, whose total "
                    "may already include it",
                )
        inside = sum((t.value_usd or Decimal(0) for p in parts for t in _outgoing(p)), Decimal(0))
        if own and inside > own:
            yield QualityFinding(
                kind="parts-exceed",
                severity="warning",
                project=package.identifier,
                message=f"parts add up to USD {inside:,.0f}, more than the package total "
                f"USD {own:,.0f}",
            )


def _chains(projects: list[Project], rule: CountingRule) -> Iterator[QualityFinding]:
    known = {p.identifier: p for p in projects}
    for p in projects:
        for t in p.transactions:
            provider = known.get(t.provider_activity or "")
            if provider is None or provider is p:
                continue
            twice = p.counts_toward_goal and provider.counts_toward_goal and bool(_outgoing(p))
            yield QualityFinding(
                kind="funding-chain",
                severity="warning" if twice else "info",
                project=p.identifier,
                transaction=t.ref,
                message=f"money from {provider.identifier}, also in the register: "
                + (
                    "both report outgoing money and both count; mark one not counted"
                    if twice
                    else "incoming funds never count, so it is counted once, at the provider"
                ),
            )


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _duplicates(projects: list[Project], rule: CountingRule) -> Iterator[QualityFinding]:
    with_money = [p for p in projects if _outgoing(p) and p.counts_toward_goal]
    for i, a in enumerate(with_money):
        for b in with_money[i + 1 :]:
            if {c.code for c in a.countries} != {c.code for c in b.countries}:
                continue
            if a.package_id == b.id or b.package_id == a.id:
                continue
            da, db = a.agreement_date, b.agreement_date
            if da is None or db is None or abs((da - db).days) > 90:
                continue
            wa, wb = _words(a.title), _words(b.title)
            overlap = len(wa & wb) / max(1, min(len(wa), len(wb)))
            if overlap >= 0.5:
                yield QualityFinding(
                    kind="possible-duplicate",
                    severity="warning",
                    project=a.identifier,
                    message=f"looks like {b.identifier} (same country, dates within 90 days, "
                    f"{overlap:.0%} of title words shared): one project reported twice?",
                )


def _dates(projects: list[Project], rule: CountingRule) -> Iterator[QualityFinding]:
    for p in projects:
        for t in p.transactions:
            if t.value_date is None:
                yield QualityFinding(
                    kind="missing-value-date",
                    severity="error",
                    project=p.identifier,
                    transaction=t.ref,
                    message="no value date: cannot be converted or counted",
                )
        if p.agreement_date_precision in ("month", "year") and _in_period(p, rule):
            yield QualityFinding(
                kind="imprecise-date",
                severity="info",
                project=p.identifier,
                message=f"date known only to the {p.agreement_date_precision}; dated at the "
                "latest day consistent with its report",
            )


def _codes(projects: list[Project], rule: CountingRule) -> Iterator[QualityFinding]:
    for p in projects:
        bad = [
            f"sector {s.code}"
            for s in p.sectors
            if s.vocabulary == "1" and not codelists.is_code("Sector", s.code)
        ]
        for c in p.countries:
            listname = "Region" if c.is_region else "Country"
            if not codelists.is_code(listname, c.code):
                bad.append(f"{listname.lower()} {c.code}")
        for t in p.transactions:
            if not codelists.is_code("Currency", t.currency):
                bad.append(f"currency {t.currency}")
            if not codelists.is_code("TransactionType", str(t.type)):
                bad.append(f"transaction type {t.type}")
        # the relationship has no order (PostgreSQL gives the rows written, SQLite the
        # key's); the column version reads organisations in id order, as does this now
        for part in sorted(p.participants, key=lambda part: part.organisation_id):
            org_type = part.organisation.type
            if org_type and not codelists.is_code("OrganisationType", org_type):
                bad.append(f"organisation type {org_type}")
        for code in bad:
            yield QualityFinding(
                kind="unknown-code",
                severity="error",
                project=p.identifier,
                message=f"{code} is not in its IATI codelist",
            )


def _outliers(projects: list[Project], rule: CountingRule) -> Iterator[QualityFinding]:
    by_instrument: dict[str, list[tuple[Project, Transaction, float]]] = {}
    for p in projects:
        for t in _outgoing(p):
            if t.value_usd and t.value_usd > 0:
                key = t.instrument or p.instrument or "unknown"
                by_instrument.setdefault(key, []).append((p, t, math.log10(float(t.value_usd))))
    for instrument, rows in by_instrument.items():
        if len(rows) < 5:
            continue
        logs = [r[2] for r in rows]
        median = statistics.median(logs)
        mad = statistics.median(abs(x - median) for x in logs)
        if mad == 0:
            continue
        for p, t, x in rows:
            z = 0.6745 * (x - median) / mad
            if abs(z) > _OUTLIER_Z:
                yield QualityFinding(
                    kind="outlier",
                    severity="warning",
                    project=p.identifier,
                    transaction=t.ref,
                    message=f"USD {t.value_usd:,.0f} is far from other {instrument} amounts "
                    f"(robust z = {z:.1f})",
                )


def _stale_rates(projects: list[Project], book: RateBook) -> Iterator[QualityFinding]:
    for p in projects:
        for t in _outgoing(p):
            if t.value_date is None:
                continue
            method = book.rate(t.currency, "JPY", t.value_date)[1]
            if "stale" in method:
                yield QualityFinding(
                    kind="stale-rate",
                    severity="info",
                    project=p.identifier,
                    transaction=t.ref,
                    message=f"{t.currency} converted at the {method}: no rate yet for "
                    f"{t.value_date.year}",
                )
