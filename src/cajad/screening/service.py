"""Screening operations as the CLI and the web call them: screen, read back, explain, rank.

Writes take an engine and run in one transaction with an actor for the audit log; reads take
a session. A project is screened again only when its facts (answers included) or the
catalogue changed; otherwise its latest screening stands (``force`` records it anyway).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cajad.register import ProgressCallback, Project, session_scope
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
from cajad.screening.verdict import Verdict

CatalogueRef = Catalogue | str | None
_BATCH = 1000  # verdicts written per statement in screen_all


def resolve(catalogue: CatalogueRef) -> Catalogue:
    """A catalogue given as itself, as a bundled version or a folder, or the latest bundled."""
    return catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)


@dataclass(frozen=True)
class Screened:
    """A stored screening: its id, when and by whom, and the verdict as stored."""

    id: int
    project: str
    screened_at: dt.datetime
    actor: str
    result: dict[str, Any]
    recorded: bool = False  # whether this call recorded it

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
    result = expand(row.result, catalogue)
    return Screened(row.id, identifier, row.screened_at, row.actor, result, recorded)


def expand(result: dict[str, Any], catalogue: Catalogue) -> dict[str, Any]:
    """A stored verdict with the catalogue's texts: rule titles, flag messages, evidence wanted.

    Stored verdicts name rules only; the texts come from the catalogue snapshot they were made
    under, which never changes, so the expanded form is as fixed as the stored one.
    """
    rules = catalogue.by_id
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
    return result | {"red_flags": flags, "missing_evidence": missing}


def screen_project(
    engine: Engine,
    identifier: str,
    *,
    catalogue: CatalogueRef = None,
    layer: Layer | None = None,
    actor: str = "cajad screen",
    force: bool = False,
) -> Screened:
    """Screen one project and store the verdict, unless its latest one is for the same facts."""
    cat = resolve(catalogue)
    with session_scope(engine, actor=actor) as session:
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
        (sid,) = save(session, [(pid, verdict, inputs)], actor)
        row = session.get(Screening, sid)
        assert row is not None
        return _screened(session, row, identifier, recorded=True)


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
    actor: str = "cajad screen-all",
    force: bool = False,
    progress: ProgressCallback | None = None,
) -> BatchReport:
    """Screen every project in one transaction; store the verdicts whose facts changed."""
    cat = resolve(catalogue)
    report = BatchReport(cat.version)
    with session_scope(engine, actor=actor) as session, _collector_paused():
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
                report.screened += len(save(session, items, actor))
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
        )
    return result
