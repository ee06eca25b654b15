"""Importing one IATI file into the register: read, validate, map, store in one transaction.

Activities stream through in batches: each batch is validated and mapped, its organisations
resolved, activities older than the stored version dropped, and then written by the register's
importer inside the file's single transaction. A file-level failure (hostile XML, a truncated
file, ``--strict`` with errors) rolls the whole file back.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cajad.iati._mapping import context_of, map_activity
from cajad.iati._orgs import OrganisationNames
from cajad.iati._reader import IatiFile, read_records
from cajad.iati._validate import record_problems
from cajad.iati._values import line_of
from cajad.iati.errors import IatiProblem, StrictValidationError
from cajad.register import (
    Actor,
    FxRate,
    IatiActivity,
    ImportReport,
    Problem,
    Project,
    ProjectSpec,
    RateBook,
    import_batches,
    session_scope,
)

BATCH = 100


@dataclass
class IatiImportReport(ImportReport):
    """An import report with what IATI adds: records read, left out, kept as newer."""

    version: str = ""
    kind: str = "activities"
    records: int = 0
    left_out: list[str] = field(default_factory=list)
    kept_newer: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> int:
        return len([p for p in self.problems if p.level != "error"])

    def as_dict(self) -> dict[str, Any]:
        result = super().as_dict()
        result.update(
            version=self.version,
            kind=self.kind,
            records=self.records,
            left_out=self.left_out,
            kept_newer=self.kept_newer,
            errors=self.refused,
            warnings=self.warnings,
        )
        return result


def serialise(element: etree._Element) -> str:
    """The XML of one record as it is stored: the element itself, without its tail."""
    element.tail = None
    return etree.tostring(element, encoding="unicode")


def read_specs(path: Path, report: IatiImportReport) -> Iterator[list[ProjectSpec]]:
    """Batches of specs of the file's valid activities; problems go into ``report``."""
    seen: set[str] = set()
    batch: list[ProjectSpec] = []
    info: IatiFile | None = None
    for info, element in read_records(path, name=report.source):
        report.version, report.kind = info.version, info.kind
        report.records += 1
        spec = _activity(info, element, report)
        if spec is None:
            continue
        if spec.identifier in seen:
            report.problems.append(
                IatiProblem(
                    report.source,
                    spec.line or 0,
                    "iati-activity/iati-identifier",
                    f"{spec.identifier} appears again in the file; the first is kept",
                )
            )
            report.left_out.append(spec.identifier)
            continue
        seen.add(spec.identifier)
        batch.append(spec)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if info is not None:
        for line, tag in info.strays:
            report.problems.append(
                IatiProblem(
                    report.source,
                    line,
                    f"{info.kind and 'iati-' + info.kind}/{tag}",
                    "element not allowed here (not an IATI record); ignored",
                )
            )
    if batch:
        yield batch


def _activity(
    info: IatiFile, element: etree._Element, report: IatiImportReport
) -> ProjectSpec | None:
    if info.kind != "activities":
        return None
    problems: list[Problem] = list(record_problems(info.kind, element, report.source))
    label = (element.findtext("iati-identifier") or "").strip() or f"line {line_of(element)}"
    spec = None
    if not any(p.level == "error" for p in problems):
        ctx = context_of(element, report.source)
        spec = map_activity(element, ctx, version=info.version, xml=serialise(element))
        problems += ctx.problems
    report.problems += problems
    if spec is None:
        report.left_out.append(label)
    return spec


def store(
    session: Session,
    batches: Iterable[list[ProjectSpec]],
    report: IatiImportReport,
    *,
    strict: bool,
) -> Iterator[list[ProjectSpec]]:
    """Resolve organisations, drop activities older than the stored ones, and hand batches on."""
    names = OrganisationNames.load(session)
    for batch in batches:
        if strict and report.refused:
            continue  # keep reading to report every problem; the file is refused at the end
        stored = _stored(session, [s.identifier for s in batch])
        fresh = []
        for spec in batch:
            if spec.identifier in stored and stored[spec.identifier][2] is None:
                report.left_out.append(spec.identifier)
                report.problems.append(
                    IatiProblem(
                        report.source,
                        spec.line or 0,
                        "iati-activity/iati-identifier",
                        f"{spec.identifier} is a project made in cajad, not imported from IATI; "
                        "it is left as it is",
                        "warning",
                    )
                )
                continue
            when, version, xml = stored.get(spec.identifier, (None, None, None))
            new = spec.iati.last_updated if spec.iati else None
            if spec.iati is not None and version is not None and xml == spec.iati.xml:
                # The same activity read again (say, from cajad's own 2.03 export of it):
                # it keeps the IATI version it was first published in.
                spec = spec.model_copy(
                    update={"iati": spec.iati.model_copy(update={"version": version})}
                )
            if when is not None and new is not None and new < when:
                report.kept_newer.append(spec.identifier)
                report.problems.append(
                    IatiProblem(
                        report.source,
                        spec.line or 0,
                        "iati-activity/@last-updated-datetime",
                        f"{spec.identifier}: the register holds a newer version "
                        f"({when.isoformat()}); this one ({new.isoformat()}) is ignored",
                        "warning",
                    )
                )
                continue
            fresh.append(names.resolve_spec(spec))
        yield fresh
    if strict and report.refused:
        raise StrictValidationError(
            f"{report.source}: refused (--strict): {report.refused} errors, nothing imported",
            [p for p in report.problems if p.level == "error"],
        )


def _stored(session: Session, identifiers: list[str]) -> dict[str, tuple[Any, Any, Any]]:
    """Last-updated time, version and XML of the stored source of each identifier present
    (all None for a project made in cajad)."""
    query = (
        select(
            Project.identifier, IatiActivity.last_updated, IatiActivity.version, IatiActivity.xml
        )
        .outerjoin(IatiActivity, IatiActivity.project_id == Project.id)
        .where(Project.identifier.in_(identifiers))
    )
    return {row[0]: (row[1], row[2], row[3]) for row in session.execute(query)}


def write(
    engine: Engine,
    report: IatiImportReport,
    batches: Callable[[], Iterable[list[ProjectSpec]]],
    *,
    strict: bool,
    actor: str | Actor,
) -> IatiImportReport:
    """Write the batches in one transaction; money that cannot be converted is a warning."""
    import_batches(
        engine,
        lambda session: store(session, batches(), report, strict=strict),
        report=report,
        partial=True,
        actor=actor,
        keep_unconvertible=True,
        book=rate_book(engine),
    )
    report.problems = [_soften(p) for p in report.problems]
    return report


_BOOKS: dict[tuple[str, int, int], RateBook] = {}


def rate_book(engine: Engine) -> RateBook:
    """The register's rates, read once per process while they do not change (bulk imports)."""
    with session_scope(engine) as session:
        count, last = session.execute(select(func.count(FxRate.id), func.max(FxRate.id))).one()
        key = (engine.url.render_as_string(), int(count or 0), int(last or 0))
        if key not in _BOOKS:
            _BOOKS.clear()
            _BOOKS[key] = RateBook.from_session(session)
    return _BOOKS[key]


def _soften(problem: Problem) -> Problem:
    """A rate the register lacks does not refuse IATI money: it is kept, not counted."""
    if isinstance(problem, IatiProblem) or problem.field != "currency":
        return problem
    return IatiProblem(
        problem.file,
        problem.line,
        "iati-activity/transaction/value",
        f"{problem.reason}; the transaction is kept in its currency but not converted, so the "
        "tracker does not count it",
        "warning",
    )


def import_activities(
    engine: Engine,
    path: Path,
    *,
    strict: bool = False,
    dry_run: bool = False,
    actor: str | Actor = "cajad import",
    name: str | None = None,
) -> IatiImportReport:
    """Import one IATI activity file (see the module docstring)."""
    report = IatiImportReport(source=name or str(path), dry_run=dry_run)
    return write(engine, report, lambda: read_specs(path, report), strict=strict, actor=actor)


def chunked(items: Iterable[ProjectSpec], size: int) -> Iterator[list[ProjectSpec]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
