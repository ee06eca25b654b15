"""Screening operations as the CLI and the web call them: screen, read back, explain, rank.

Writes take an engine and run in one transaction with an actor for the audit log; reads take
a session. A project is screened again only when its facts (answers included) or the
catalogue changed; otherwise its latest screening stands (``force`` records it anyway).
:func:`assess` is the read-only form the portal's GETs use: the current verdict, computed when
the stored one is out of date, and never written.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cajad.register import Actor, ProgressCallback, Project, writing_scope
from cajad.screening.catalogue import Catalogue, load_catalogue
from cajad.screening.engine import screen
from cajad.screening.errors import NotScreenedError
from cajad.screening.layers import Layer
from cajad.screening.loader import load_subjects
from cajad.screening.models import Screening
from cajad.screening.store import (
    ensure_catalogue,
    latest,
    latest_keys,
    project_id,
    save,
    stored_catalogue,
)
from cajad.screening.subject import Subject, inputs_digest
from cajad.screening.verdict import Verdict, counts, states

CatalogueRef = Catalogue | str | None
_BATCH = 1000  # verdicts written per statement in screen_all


def resolve(catalogue: CatalogueRef) -> Catalogue:
    """A catalogue given as itself, as a bundled version or a folder, or the latest bundled."""
    return catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)


@dataclass(frozen=True)
class Screened:
    """A screening: its id (None: computed, not stored), when and by whom, and the verdict."""

    id: int | None
    project: str
    screened_at: dt.datetime
    actor: str
    result: dict[str, Any]
    recorded: bool = False  # whether this call recorded it

    @property
    def stored(self) -> bool:
        return self.id is not None

    @property
    def grade(self) -> str:
        return str(self.result["grade"])

    @property
    def category(self) -> str:
        return str(self.result["category"])

    def as_dict(self) -> dict[str, Any]:
        """The object ``cajad screen --json`` prints."""
        return {
            "screening": self.id,
            "project": self.project,
            "screened_at": self.screened_at.isoformat(timespec="seconds"),
            "actor": self.actor,
            **self.result,
        }


def _screened(
    session: Session, row: Screening, identifier: str, recorded: bool = False
) -> Screened:
    catalogue = stored_catalogue(session, row.catalogue_version)
    result = expand(row.result, catalogue, reviewed=bool(row.inputs.get("answers")))
    return Screened(row.id, identifier, row.screened_at, row.actor, result, recorded)


#: Who a screening computed for reading, and not stored, is attributed to.
NOT_RECORDED = "computed now, not recorded"


def expand(result: dict[str, Any], catalogue: Catalogue, *, reviewed: bool) -> dict[str, Any]:
    """A stored verdict with the catalogue's texts: rule titles, flag messages, evidence wanted;
    each finding's state (met, pending, shortfall, red flag) and their counts; and whether it
    is an automatic pre-screening (no reviewer has answered: no evidence reviewed).

    Stored verdicts name rules only; the texts come from the catalogue snapshot they were made
    under, which never changes, so the expanded form is as fixed as the stored one.
    """
    rules = catalogue.by_id
    by_rule = states(result)
    findings = [
        {"rule": rule, "title": rules[rule].title, "outcome": outcome, "state": by_rule[rule]}
        for rule, outcome in result["outcomes"].items()
    ]
    flags = []
    for flag in result["red_flags"]:
        rule = rules[flag["rule"]]
        message = rule.red_flag.message if rule.red_flag else ""
        flags.append({"rule": rule.id, "title": rule.title, "message": message} | flag)
    missing = [
        {
            "rule": gap["rule"],
            "title": rules[gap["rule"]].title,
            "evidence": rules[gap["rule"]].evidence or "",
            "principle": rules[gap["rule"]].principle,
        }
        | gap
        for gap in result["missing_evidence"]
    ]
    return result | {
        "red_flags": flags,
        "missing_evidence": missing,
        "findings": findings,
        "counts": counts(by_rule),
        "pre_screening": not reviewed,
    }


def screen_project(
    engine: Engine,
    identifier: str,
    *,
    catalogue: CatalogueRef = None,
    layer: Layer | None = None,
    actor: str | Actor = "cajad screen",
    force: bool = False,
) -> Screened:
    """Screen one project and store the verdict, unless its latest one is for the same facts."""
    cat = resolve(catalogue)
    with writing_scope(engine, actor=actor) as session:
        pid = project_id(session, identifier)
        ensure_catalogue(session, cat)
        subject = load_subjects(session, [pid], layer=layer, radius_km=cat.layer_radius_km)[pid]
        inputs = subject.to_inputs()
        digest = inputs_digest(inputs)
        previous = latest(session, [pid]).get(pid)
        if (
            previous is not None
            and not force
            and (previous.catalogue_version, previous.inputs_digest) == (cat.version, digest)
        ):
            return _screened(session, previous, identifier)
        verdict = screen(subject, cat, inputs_digest=digest)
        (sid,) = save(session, [(pid, verdict, inputs)], str(actor))
        row = session.get(Screening, sid)
        assert row is not None
        return _screened(session, row, identifier, recorded=True)


def assess(
    session: Session,
    identifier: str,
    *,
    catalogue: CatalogueRef = None,
    layer: Layer | None = None,
) -> Screened:
    """The project's current verdict, written nowhere: the latest stored screening when it is
    for the same facts and catalogue version, else the verdict computed now (``id`` None)."""
    cat = resolve(catalogue)
    pid = project_id(session, identifier)
    subject = load_subjects(session, [pid], layer=layer, radius_km=cat.layer_radius_km)[pid]
    digest = inputs_digest(subject.to_inputs())
    previous = latest(session, [pid]).get(pid)
    if previous is not None and (previous.catalogue_version, previous.inputs_digest) == (
        cat.version,
        digest,
    ):
        return _screened(session, previous, identifier)
    verdict = screen(subject, cat, inputs_digest=digest)
    result = expand(verdict.summary(), cat, reviewed=bool(subject.answers))
    return Screened(None, identifier, _now(), NOT_RECORDED, result)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass
class BatchReport:
    """What ``screen_all`` did: counts, and the grades and categories now current."""

    catalogue_version: str
    projects: int = 0
    screened: int = 0
    unchanged: int = 0
    blocked: int = 0
    grades: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "catalogue_version": self.catalogue_version,
            "projects": self.projects,
            "screened": self.screened,
            "unchanged": self.unchanged,
            "blocked": self.blocked,
            "grades": dict(sorted(self.grades.items())),
            "categories": dict(sorted(self.categories.items())),
        }


def screen_all(
    engine: Engine,
    *,
    catalogue: CatalogueRef = None,
    layer: Layer | None = None,
    actor: str | Actor = "cajad screen-all",
    force: bool = False,
    progress: ProgressCallback | None = None,
) -> BatchReport:
    """Screen every project in one transaction; store the verdicts whose facts changed."""
    cat = resolve(catalogue)
    report = BatchReport(cat.version)
    with writing_scope(engine, actor=actor) as session, _collector_paused():
        ensure_catalogue(session, cat)
        subjects = load_subjects(session, layer=layer, radius_km=cat.layer_radius_km)
        previous = latest_keys(session)
        items: list[tuple[int, Verdict, dict[str, Any]]] = []
        report.projects = total = len(subjects)
        for n, (pid, subject) in enumerate(subjects.items(), start=1):
            inputs = subject.to_inputs()
            digest = inputs_digest(inputs)
            before = previous.get(pid)
            if before is not None and not force and before[:2] == (cat.version, digest):
                report.unchanged += 1
                grade, category = before[2], before[3]
            else:
                verdict = screen(subject, cat, inputs_digest=digest)
                items.append((pid, verdict, inputs))
                grade, category = verdict.grade, verdict.category.category
            report.grades[grade] += 1
            report.categories[category] += 1
            report.blocked += grade == cat.head.grading.blocked
            if n % _BATCH == 0 or n == total:
                report.screened += len(save(session, items, str(actor)))
                items.clear()  # written: let the verdicts go
                if progress is not None:
                    progress(n, total)
    return report


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a batch.

    Why: a batch allocates millions of short-lived, acyclic objects (facts, findings, rows);
    the collector's repeated passes over the growing heap cost about a quarter of the time.
    Reference counting still frees them; cycles left over are collected when it resumes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def current(session: Session, identifier: str) -> Screened:
    """The latest stored screening of a project."""
    pid = project_id(session, identifier)
    row = latest(session, [pid]).get(pid)
    if row is None:
        raise NotScreenedError(f"{identifier} has not been screened yet: run `cajad screen`")
    return _screened(session, row, identifier)


def history(session: Session, identifier: str) -> list[Screened]:
    """Every stored screening of a project, oldest first."""
    pid = project_id(session, identifier)
    rows = session.scalars(
        select(Screening).where(Screening.project_id == pid).order_by(Screening.id)
    )
    return [_screened(session, row, identifier) for row in rows]


@dataclass(frozen=True)
class Explained:
    """A stored screening with its findings recomputed from its stored inputs and catalogue."""

    screening: Screened
    verdict: Verdict
    catalogue: Catalogue
    subject: Subject
    consistent: bool  # False: recomputing gives another verdict (the engine changed since)


def explain(session: Session, identifier: str, screening_id: int | None = None) -> Explained:
    """Recompute a stored screening (latest by default) to show every finding and its reason."""
    if screening_id is None:
        stored = current(session, identifier)
    else:
        row = session.get(Screening, screening_id)
        if row is None or row.project_id != project_id(session, identifier):
            raise NotScreenedError(f"no screening {screening_id} of {identifier}")
        stored = _screened(session, row, identifier)
    catalogue = stored_catalogue(session, stored.result["catalogue_version"])
    assert stored.id is not None  # read back from the store
    row = session.get(Screening, stored.id)
    assert row is not None
    subject = Subject.from_inputs(row.inputs)
    verdict = screen(subject, catalogue)
    return Explained(stored, verdict, catalogue, subject, verdict.summary() == row.result)


@dataclass(frozen=True)
class ProjectQuality:
    """A project's current screening as the planner and the broker read it."""

    project: str
    grade: str
    category: str
    score: Decimal | None
    blocked: bool
    red_flags: tuple[str, ...]
    missing_evidence: int
    catalogue_version: str
    screening: int
    screened_at: dt.datetime
    pending: int = 0  # findings whose evidence is not yet recorded
    pre_screening: bool = True  # automatic: no reviewer has answered, no evidence reviewed


def quality(
    session: Session, identifiers: Sequence[str] | None = None
) -> dict[str, ProjectQuality]:
    """The current grade, category and flags of each screened project (of the given ones)."""
    ids = None
    if identifiers is not None:
        ids = list(session.scalars(select(Project.id).where(Project.identifier.in_(identifiers))))
    names = {r[0]: r[1] for r in session.execute(select(Project.id, Project.identifier))}
    result = {}
    for pid, row in latest(session, ids).items():
        found = counts(states(row.result))
        result[names[pid]] = ProjectQuality(
            project=names[pid],
            grade=row.grade,
            category=row.category,
            score=row.score,
            blocked=row.blocked,
            red_flags=tuple(f["rule"] for f in row.result["red_flags"]),
            missing_evidence=row.missing,
            catalogue_version=row.catalogue_version,
            screening=row.id,
            screened_at=row.screened_at,
            pending=found["pending"],
            pre_screening=not row.inputs.get("answers"),
        )
    return result


@dataclass(frozen=True)
class Overview:
    """The screenings of the register at a glance (the dashboard's quality panel)."""

    projects: int  # projects in the register
    screened: int
    pre_screenings: int  # automatic: no evidence reviewed yet
    categories: dict[str, int]
    grades: dict[str, int]
    blocked: int
    red_flags: int
    pending: int  # findings whose evidence is not yet recorded, over all projects
    awaiting_evidence: int  # projects with at least one such finding

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def overview(session: Session) -> Overview:
    """Counts over the current screening of every screened project."""
    current_ = quality(session).values()
    projects = session.scalar(select(func.count(Project.id))) or 0
    return Overview(
        projects=projects,
        screened=len(current_),
        pre_screenings=sum(q.pre_screening for q in current_),
        categories=dict(sorted(Counter(q.category for q in current_).items())),
        grades=dict(sorted(Counter(q.grade for q in current_).items())),
        blocked=sum(q.blocked for q in current_),
        red_flags=sum(len(q.red_flags) for q in current_),
        pending=sum(q.pending for q in current_),
        awaiting_evidence=sum(q.pending > 0 for q in current_),
    )
