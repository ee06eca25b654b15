"""Figures of the whole register, cached until its next write.

Findings and progress read every project (findings) or the whole rollup (progress); on a
register of a million transactions that is seconds a request. The app keeps them in a
:class:`~cajad.register.VersionedCache` keyed by the register's version counter, bumped by
every writing transaction (:mod:`cajad.register.version`): a page after a write shows the new
figure, in every worker, and a page between writes costs one small read.
"""

from __future__ import annotations

import datetime as dt

from fastapi import Request
from sqlalchemy.orm import Session

from cajad.register import RateBook, VersionedCache
from cajad.tracker import CountingRule, Dimension, Progress, findings, progress
from cajad.tracker.quality import FindingRow, QualityFinding, finding_rows


def figures_cache(request: Request) -> VersionedCache:
    """The app's cache of figures (one per app, shared by its requests)."""
    cache: VersionedCache = request.app.state.figures
    return cache


def cached_findings(
    request: Request,
    session: Session,
    book: RateBook,
    rule: CountingRule | None = None,
    *,
    kinds: tuple[str, ...] | None = None,
) -> list[QualityFinding]:
    """:func:`cajad.tracker.findings` (of ``kinds``, or all) at the register's current version
    (do not mutate). The dashboard asks only for the kinds that explain money left out: on a
    large register the others (a stale rate per transaction) are most of the work."""
    rule = rule or CountingRule()
    key = ("findings", rule.model_dump_json(), kinds)
    return figures_cache(request).get(
        session, key, lambda: findings(session, rule, book=book, kinds=kinds)
    )


def cached_finding_rows(request: Request, session: Session, book: RateBook) -> list[FindingRow]:
    """Every finding under the default rule, as tuples, at the register's current version (do
    not mutate): ``/quality`` and ``/api/quality`` count them all and show a page, so only the
    page's findings are made into models (a million transactions give half a million)."""
    rule = CountingRule()
    key = ("finding-rows", rule.model_dump_json())
    return figures_cache(request).get(session, key, lambda: finding_rows(session, rule, book=book))


def cached_progress(
    request: Request,
    session: Session,
    rule: CountingRule,
    *,
    currency: str,
    book: RateBook,
    by: Dimension | None = None,
    as_of: dt.date | None = None,
) -> Progress:
    """:func:`cajad.tracker.progress` at the register's current version (do not mutate).

    The pace depends on the day, so the key holds the day the figures are for."""
    day = as_of or dt.date.today()
    key = ("progress", rule.model_dump_json(), currency, by, day)
    return figures_cache(request).get(
        session,
        key,
        lambda: progress(session, rule, currency=currency, by=by, as_of=day, book=book),
    )
