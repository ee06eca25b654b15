"""Writing project specs into the register: atomic, idempotent, audited, rollups in step.

One call is one database transaction. Input with any problem is refused whole unless
``partial`` is set; ``dry_run`` does all the work and rolls it back, so its report is exactly
what a real run would change. Projects are matched by identifier; a project whose stored state
equals the spec is left alone, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from cajad.register import audit, rollup
from cajad.register.errors import ConversionError, InputError, Problem
from cajad.register.fx import RateBook
from cajad.register.models import (
    Budget,
    Document,
    IatiActivity,
    Location,
    Organisation,
    Participation,
    Project,
    ProjectCountry,
    ProjectSector,
    ProjectText,
    Transaction,
)
from cajad.register.specs import OrganisationSpec, ProjectSpec, TransactionSpec
from cajad.register.store import session_scope
from cajad.register.views import project_spec


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


Progress = Callable[[int, int], None]


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
    actor: str = "cajad",
    on_progress: Progress | None = None,
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
    actor: str = "cajad",
    on_progress: Progress | None = None,
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
        with session_scope(engine, actor=actor) as session:
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
    on_progress: Progress,
    book: RateBook,
    *,
    keep_unconvertible: bool = False,
) -> None:
    converted, unconvertible = _convert_all(book, specs, report)
    if report.problems and not partial:
        raise InputError(f"{report.source}: refused, nothing imported", report.problems)
    delta: dict[rollup.Key, rollup.Sums] = {}
    stale = _StaleRollups(session, delta)
    organisations = _Organisations(session, on_change=stale.organisation_changes)
    known = {spec.identifier for spec in specs}
    if any(spec.package for spec in specs):
        known |= set(session.scalars(select(Project.identifier)))
    written: list[tuple[Project, ProjectSpec]] = []
    existing = _stored(session, [spec.identifier for spec in specs])
    for done, spec in enumerate(specs, start=1):
        on_progress(done, len(specs))
        if spec.identifier in unconvertible and not keep_unconvertible:
            continue
        if spec.package and spec.package not in known:
            report.problems.append(
                Problem(report.source, spec.line or 0, "package", f"no project {spec.package!r}")
            )
            continue
        project = existing.get(spec.identifier)
        before = audit.canonical(project_spec(project)) if project is not None else None
        after = audit.canonical(spec)
        if before == after:
            report.unchanged.append(spec.identifier)
            continue
        if project is None:
            project = Project(identifier=spec.identifier)
            session.add(project)
            report.created.append(spec.identifier)
        else:
            stale.forget(project)
            report.updated.append(spec.identifier)
        _fill(session, project, spec, organisations, converted)
        written.append((project, spec))
        audit.record(
            session,
            action="insert" if before is None else "update",
            entity="project",
            key=spec.identifier,
            before=before,
            after=after,
        )
    if report.problems and not partial:
        raise InputError(f"{report.source}: refused, nothing imported", report.problems)
    session.flush()
    _link_packages(session, written)
    for project in {id(p): p for p in [*(p for p, _s in written), *stale.projects]}.values():
        session.refresh(project)
        rollup.merge(delta, rollup.of_project(project), +1)
    rollup.apply(session, delta)


def _stored(session: Session, identifiers: list[str]) -> dict[str, Project]:
    """The stored projects among ``identifiers``, fetched in a few queries, not one each."""
    found: dict[str, Project] = {}
    for start in range(0, len(identifiers), 500):
        chunk = identifiers[start : start + 500]
        query = select(Project).where(Project.identifier.in_(chunk))
        found.update((p.identifier, p) for p in session.scalars(query))
    return found


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


Converted = dict[tuple[str, str], dict[str, Any]]


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
            try:
                values[(spec.identifier, tx.ref)] = {
                    f"value_{c.lower()}": book.convert(
                        tx.value, tx.currency, c, tx.value_date
                    ).converted
                    for c in ("JPY", "USD", "EUR")
                }
            except ConversionError as exc:
                line = tx.line or spec.line or 0
                report.problems.append(Problem(report.source, line, "currency", str(exc)))
                failed.add(spec.identifier)
    return values, failed


class _Organisations:
    """Organisations by name, created or updated on first use within the import."""

    def __init__(self, session: Session, on_change: Callable[[Organisation], None]) -> None:
        self.session = session
        self.on_change = on_change
        self.cache: dict[str, Organisation] = {}

    def get(self, spec: OrganisationSpec) -> Organisation:
        if spec.name in self.cache:
            return self.cache[spec.name]
        org = self.session.scalar(select(Organisation).where(Organisation.name == spec.name))
        if org is None and spec.ref:
            # The same organisation (by its unique identifier) under another name: rename it.
            org = self.session.scalar(select(Organisation).where(Organisation.ref == spec.ref))
        if org is None:
            org = Organisation(name=spec.name)
            self.session.add(org)
        before = _org_state(org) if org.id is not None else None
        # What a spec leaves out is unknown to it, not cleared: a transactions CSV names a
        # provider by name only and must not wipe what the register knows of it.
        wanted = {
            "name": spec.name,
            "ref": spec.ref or org.ref,
            "type": spec.type or org.type,
            "country": spec.country or org.country,
        }
        if before is not None and wanted != before:
            self.on_change(org)
        for field_name, value in wanted.items():
            setattr(org, field_name, value)
        after = _org_state(org)
        if before != after:
            audit.record(
                self.session,
                action="insert" if before is None else "update",
                entity="organisation",
                key=spec.name,
                before=before,
                after=after,
            )
        self.cache[spec.name] = org
        return org


def _org_state(org: Organisation) -> dict[str, Any]:
    return {"name": org.name, "ref": org.ref, "type": org.type, "country": org.country}


_SCALARS = (
    "title description stage instrument default_currency agreement_date agreement_date_precision "
    "priority_area_override counts_toward_goal count_decision language planned_start "
    "planned_end actual_start actual_end"
).split()


def _fill(
    session: Session,
    project: Project,
    spec: ProjectSpec,
    organisations: _Organisations,
    converted: Converted,
) -> None:
    for name in _SCALARS:
        setattr(project, name, getattr(spec, name))
    project.countries = [
        ProjectCountry(
            code=c.code, percentage=c.percentage, is_region=c.is_region, vocabulary=c.vocabulary
        )
        for c in spec.countries
    ]
    project.sectors = [
        ProjectSector(code=s.code, vocabulary=s.vocabulary, percentage=s.percentage)
        for s in spec.sectors
    ]
    project.participants = [
        Participation(organisation=organisations.get(p.organisation), role=p.role, note=p.note)
        for p in spec.participants
    ]
    project.documents = [
        Document(url=d.url, title=d.title, category=d.category, published=d.published)
        for d in spec.documents
    ]
    project.budgets = [Budget(**b.model_dump()) for b in spec.budgets]
    project.locations = [Location(**loc.model_dump()) for loc in spec.locations]
    project.texts = [ProjectText(**t.model_dump()) for t in spec.texts]
    _fill_iati(project, spec)
    existing = {tx.ref: tx for tx in project.transactions}
    project.transactions = [
        _transaction(
            existing.get(tx.ref) or Transaction(),
            tx,
            organisations,
            converted.get((spec.identifier, tx.ref), {}),
        )
        for tx in spec.transactions
    ]


def _fill_iati(project: Project, spec: ProjectSpec) -> None:
    """Keep the source activity row (one per project) in step with the spec's ``iati``."""
    if spec.iati is None:
        project.iati_source = None
        return
    row = project.iati_source or IatiActivity()
    row.version, row.last_updated, row.xml = (
        spec.iati.version,
        spec.iati.last_updated,
        spec.iati.xml,
    )
    project.iati_source = row


def _transaction(
    row: Transaction, tx: TransactionSpec, organisations: _Organisations, values: dict[str, Any]
) -> Transaction:
    """Update ``row`` in place (matched by ref, so the unique (project, ref) key holds)."""
    fields = tx.model_dump(exclude={"line", "provider", "receiver"})
    fields.update(value_jpy=None, value_usd=None, value_eur=None)
    fields.update(values)
    for name, value in fields.items():
        setattr(row, name, value)
    row.provider = organisations.get(tx.provider) if tx.provider else None
    row.receiver = organisations.get(tx.receiver) if tx.receiver else None
    return row


def _link_packages(session: Session, written: list[tuple[Project, ProjectSpec]]) -> None:
    wanted = {spec.package for _p, spec in written if spec.package}
    query = select(Project.identifier, Project.id).where(Project.identifier.in_(wanted))
    ids: dict[str, int] = {row[0]: row[1] for row in session.execute(query)}
    for project, spec in written:
        project.package_id = ids[spec.package] if spec.package else None
