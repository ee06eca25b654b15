"""Writing project specs into the register: atomic, idempotent, audited, rollups in step.

One call is one database transaction. Input with any problem is refused whole unless
``partial`` is set; ``dry_run`` does all the work and rolls it back, so its report is exactly
what a real run would change. Projects are matched by identifier; a project whose stored state
equals the spec is left alone, so importing the same file twice changes nothing.

This module decides what changes and keeps the rollups in step; organisations are resolved by
:mod:`cajad.register._organisations` and the rows written by :mod:`cajad.register._rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from cajad.register import audit, rollup, search
from cajad.register._organisations import Organisations, resolve_organisations
from cajad.register._rows import Change, Converted, write_changes
from cajad.register.bounds import amount_error, spec_problems
from cajad.register.errors import ConversionError, InputError, Problem
from cajad.register.fx import RateBook
from cajad.register.models import MATERIALISED, Organisation, Participation, Project, Transaction
from cajad.register.specs import ProjectSpec
from cajad.register.store import Actor, writing_scope
from cajad.register.views import project_spec, stored_projects


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    source: str
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> int:
        return len([p for p in self.problems if p.level == "error"])

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "problems": [str(p) for p in self.problems],
        }


ProgressCallback = Callable[[int, int], None]


class _DryRunError(Exception):
    """Raised inside the transaction to roll a dry run back."""


def import_specs(
    engine: Engine,
    specs: Sequence[ProjectSpec],
    *,
    source: str,
    problems: Sequence[Problem] = (),
    partial: bool = False,
    dry_run: bool = False,
    actor: str | Actor = "cajad",
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Write ``specs`` in one transaction; refuse everything on any problem unless ``partial``.

    ``on_progress(done, total)`` is called as projects are compared and written.
    """
    report = ImportReport(source=source, dry_run=dry_run, problems=list(problems))
    if report.problems and not partial:
        raise InputError(f"{source}: refused, nothing imported", report.problems)
    return import_batches(
        engine,
        lambda _session: [specs],
        report=report,
        partial=partial,
        actor=actor,
        on_progress=on_progress,
    )


def import_batches(
    engine: Engine,
    batches: Callable[[Session], Iterable[Sequence[ProjectSpec]]],
    *,
    report: ImportReport,
    partial: bool = False,
    actor: str | Actor = "cajad",
    on_progress: ProgressCallback | None = None,
    keep_unconvertible: bool = False,
    book: RateBook | None = None,
) -> ImportReport:
    """Write batches of specs, as they come, in one transaction (streaming readers).

    ``batches(session)`` may be a generator that reads a large file (and may read the register
    through ``session``): each batch is written and flushed before the next is read, so memory
    holds one batch. An exception raised by the generator rolls the whole transaction back.
    ``report.dry_run`` rolls back at the end. ``keep_unconvertible`` keeps (with its problem
    reported) a project whose money has no rate, unconverted and so not counted, instead of
    leaving it out. ``book`` saves reading the rates again when the caller has them.
    """
    try:
        # The write lock first: wait for another writer now, not fail midway.
        with writing_scope(engine, actor=actor) as session:
            book = book or RateBook.from_session(session)
            for specs in batches(session):
                _write(
                    session,
                    specs,
                    report,
                    partial,
                    on_progress or _quiet,
                    book,
                    keep_unconvertible=keep_unconvertible,
                )
                session.flush()
                session.expunge_all()
            if report.dry_run:
                raise _DryRunError
    except _DryRunError:
        pass
    return report


def _quiet(done: int, total: int) -> None:
    """No progress to show."""


def _write(
    session: Session,
    specs: Sequence[ProjectSpec],
    report: ImportReport,
    partial: bool,
    on_progress: ProgressCallback,
    book: RateBook,
    *,
    keep_unconvertible: bool = False,
) -> None:
    """Compare ``specs`` with the register and write the difference, audited, rollup in step.

    Stored projects are read through the ORM to be compared; what changed is then written with
    one Core statement per table for the whole batch (no ORM unit of work per row). Rollup
    contributions of what was written are read back in bulk, by the selects a rebuild makes.
    """
    refused = _out_of_bounds(specs, report)
    converted, unconvertible = _convert_all(
        book, [s for s in specs if s.identifier not in refused], report
    )
    unconvertible |= refused
    if report.problems and not partial:
        raise InputError(f"{report.source}: refused, nothing imported", report.problems)
    delta: dict[rollup.Key, rollup.Sums] = {}
    stale = _StaleRollups(session, delta)
    organisations = Organisations(session, on_change=stale.organisation_changes)
    organisations.prefetch(specs)
    known = {spec.identifier for spec in specs}
    if any(spec.package for spec in specs):
        known |= set(session.scalars(select(Project.identifier)))
    changes: list[Change] = []
    existing = stored_projects(session, [spec.identifier for spec in specs])
    with session.no_autoflush:
        for done, spec in enumerate(specs, start=1):
            on_progress(done, len(specs))
            if spec.identifier in refused or (
                spec.identifier in unconvertible and not keep_unconvertible
            ):
                continue
            if spec.package and spec.package not in known:
                report.problems.append(
                    Problem(
                        report.source, spec.line or 0, "package", f"no project {spec.package!r}"
                    )
                )
                continue
            change = _change_of(spec, existing.get(spec.identifier), report, stale)
            if change is not None:
                changes.append(change)
                resolve_organisations(organisations, spec)
    if report.problems and not partial:
        raise InputError(f"{report.source}: refused, nothing imported", report.problems)
    session.flush()  # organisations get their ids
    written = write_changes(session, changes, organisations, converted)
    touched = [*written, *(p.id for p in stale.projects)]
    rollup.merge(delta, rollup.of_stored(session, touched), +1)
    rollup.apply(session, delta)
    # A renamed organisation changes the words its projects are found by, as their money.
    search.reindex(session.connection(), touched)


def _change_of(
    spec: ProjectSpec, project: Project | None, report: ImportReport, stale: _StaleRollups
) -> Change | None:
    """What to write for ``spec``, reported; None when it equals the stored project."""
    after = audit.canonical(spec)
    if project is None:
        report.created.append(spec.identifier)
        return Change(spec, None, after)
    before = audit.canonical(project_spec(project))
    if before == after:
        report.unchanged.append(spec.identifier)
        return None
    stale.forget(project)  # its contribution as stored, before anything it names changes
    report.updated.append(spec.identifier)
    return Change(spec, before, after, project.id)


class _StaleRollups:
    """Projects whose stored rollup contribution is taken out before they (or an organisation
    they name) change; each is taken out once, and added back after the writes."""

    def __init__(self, session: Session, delta: dict[rollup.Key, rollup.Sums]) -> None:
        self.session, self.delta = session, delta
        self.done: set[int] = set()
        self.projects: list[Project] = []

    def forget(self, project: Project) -> None:
        if project.id in self.done:
            return
        rollup.merge(self.delta, rollup.of_project(project), -1)
        self.done.add(project.id)

    def organisation_changes(self, org: Organisation) -> None:
        """``org`` is about to change: every project that names it is counted anew."""
        if org.id is None:
            return  # made in this import: only projects of this batch name it
        query = select(Project).where(
            or_(
                Project.participants.any(Participation.organisation_id == org.id),
                Project.transactions.any(Transaction.provider_org_id == org.id),
            )
        )
        with self.session.no_autoflush:
            for project in self.session.scalars(query):
                if project.id not in self.done:
                    self.forget(project)
                    self.projects.append(project)


def _out_of_bounds(specs: Sequence[ProjectSpec], report: ImportReport) -> set[str]:
    """The projects with a value outside the register's bounds (:mod:`.bounds`), each value
    reported as a problem."""
    refused: set[str] = set()
    for spec in specs:
        problems = spec_problems(spec, report.source)
        if problems:
            report.problems += problems
            refused.add(spec.identifier)
    return refused


def _convert_all(
    book: RateBook, specs: Sequence[ProjectSpec], report: ImportReport
) -> tuple[Converted, set[str]]:
    """Materialised values (JPY, USD, EUR) of every dated transaction, or a problem each;
    and the projects with a transaction that cannot be converted (left out whole)."""
    values: Converted = {}
    failed: set[str] = set()
    for spec in specs:
        for tx in spec.transactions:
            if tx.value_date is None:
                continue
            line = tx.line or spec.line or 0
            try:
                found = {
                    c: book.convert(tx.value, tx.currency, c, tx.value_date).converted
                    for c in MATERIALISED
                }
            except ConversionError as exc:
                report.problems.append(Problem(report.source, line, "currency", str(exc)))
                failed.add(spec.identifier)
                continue
            too_large = [(c, a) for c, a in found.items() if amount_error(a) is not None]
            for currency, amount in too_large:
                why = f"must be at most 10^15 in {currency} too; got {amount} {currency}"
                field = f"transactions[{tx.ref}].value"
                report.problems.append(Problem(report.source, line, field, why))
                failed.add(spec.identifier)
            if not too_large:
                values[(spec.identifier, tx.ref)] = {
                    f"value_{c.lower()}": v for c, v in found.items()
                }
    return values, failed
