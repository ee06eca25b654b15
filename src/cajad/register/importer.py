"""Writing project specs into the register: atomic, idempotent, audited, rollups in step.

One call is one database transaction. Input with any problem is refused whole unless
``partial`` is set; ``dry_run`` does all the work and rolls it back, so its report is exactly
what a real run would change. Projects are matched by identifier; a project whose stored state
equals the spec is left alone, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Table, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from cajad.register import audit, rollup
from cajad.register.errors import ConversionError, InputError, Problem
from cajad.register.fx import RateBook
from cajad.register.models import (
    Base,
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
    """Compare ``specs`` with the register and write the difference, audited, rollup in step.

    Stored projects are read through the ORM to be compared; what changed is then written with
    one Core statement per table for the whole batch (no ORM unit of work per row). Rollup
    contributions of what was written are read back in bulk, by the selects a rebuild makes.
    """
    converted, unconvertible = _convert_all(book, specs, report)
    if report.problems and not partial:
        raise InputError(f"{report.source}: refused, nothing imported", report.problems)
    delta: dict[rollup.Key, rollup.Sums] = {}
    stale = _StaleRollups(session, delta)
    organisations = _Organisations(session, on_change=stale.organisation_changes)
    organisations.prefetch(specs)
    known = {spec.identifier for spec in specs}
    if any(spec.package for spec in specs):
        known |= set(session.scalars(select(Project.identifier)))
    changes: list[_Change] = []
    existing = stored_projects(session, [spec.identifier for spec in specs])
    with session.no_autoflush:
        for done, spec in enumerate(specs, start=1):
            on_progress(done, len(specs))
            if spec.identifier in unconvertible and not keep_unconvertible:
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
                _resolve_organisations(organisations, spec)
    if report.problems and not partial:
        raise InputError(f"{report.source}: refused, nothing imported", report.problems)
    session.flush()  # organisations get their ids
    written = _write_changes(session, changes, organisations, converted)
    touched = [*written, *(p.id for p in stale.projects)]
    rollup.merge(delta, rollup.of_stored(session, touched), +1)
    rollup.apply(session, delta)


@dataclass
class _Change:
    """A project to write: its spec, its audit states, its id (None until a new one is in)."""

    spec: ProjectSpec
    before: dict[str, Any] | None
    after: dict[str, Any]
    pid: int | None = None


def _change_of(
    spec: ProjectSpec, project: Project | None, report: ImportReport, stale: _StaleRollups
) -> _Change | None:
    """What to write for ``spec``, reported; None when it equals the stored project."""
    after = audit.canonical(spec)
    if project is None:
        report.created.append(spec.identifier)
        return _Change(spec, None, after)
    before = audit.canonical(project_spec(project))
    if before == after:
        report.unchanged.append(spec.identifier)
        return None
    stale.forget(project)  # its contribution as stored, before anything it names changes
    report.updated.append(spec.identifier)
    return _Change(spec, before, after, project.id)


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
    """Organisations by name, created or updated on first use within the import.

    :meth:`prefetch` reads those a batch names (by name or by ref) in a few queries, so that
    :meth:`get` needs none.
    """

    def __init__(self, session: Session, on_change: Callable[[Organisation], None]) -> None:
        self.session = session
        self.on_change = on_change
        self.cache: dict[str, Organisation] = {}
        self.by_name: dict[str, Organisation] = {}
        self.by_ref: dict[str, Organisation] = {}

    def prefetch(self, specs: Sequence[ProjectSpec]) -> None:
        """Read the stored organisations the specs name, by name or by ref."""
        names: set[str] = set()
        refs: set[str] = set()
        for spec in specs:
            for named in _named(spec):
                if named.name not in self.cache:
                    names.add(named.name)
                    if named.ref:
                        refs.add(named.ref)
        for column, wanted in (
            (Organisation.name, sorted(names)),
            (Organisation.ref, sorted(refs)),
        ):
            for start in range(0, len(wanted), 500):
                query = select(Organisation).where(column.in_(wanted[start : start + 500]))
                for org in self.session.scalars(query):
                    self._index(org)

    def _index(self, org: Organisation) -> None:
        self.by_name.setdefault(org.name, org)
        if org.ref:
            self.by_ref.setdefault(org.ref, org)

    def get(self, spec: OrganisationSpec) -> Organisation:
        if spec.name in self.cache:
            return self.cache[spec.name]
        org = self.by_name.get(spec.name)
        if org is None and spec.ref:
            # The same organisation (by its unique identifier) under another name: rename it.
            org = self.by_ref.get(spec.ref)
        made = org is None
        if org is None:
            org = Organisation(name=spec.name)
            self.session.add(org)
        before = None if made else _org_state(org)
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
        if org.name != spec.name and self.by_name.get(org.name) is org:
            del self.by_name[org.name]
        if org.ref and org.ref != wanted["ref"] and self.by_ref.get(org.ref) is org:
            del self.by_ref[org.ref]
        for field_name, value in wanted.items():
            setattr(org, field_name, value)
        self._index(org)
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


def _named(spec: ProjectSpec) -> Iterator[OrganisationSpec]:
    """The organisations a spec names, in the order the writes resolve them."""
    for p in spec.participants:
        yield p.organisation
    for tx in spec.transactions:
        if tx.provider:
            yield tx.provider
        if tx.receiver:
            yield tx.receiver


def _resolve_organisations(organisations: _Organisations, spec: ProjectSpec) -> None:
    """Create or update, now, the organisations a new project names (flushed with the batch)."""
    for org in _named(spec):
        organisations.get(org)


def _org_state(org: Organisation) -> dict[str, Any]:
    return {"name": org.name, "ref": org.ref, "type": org.type, "country": org.country}


_SCALARS = (
    "title description stage instrument default_currency agreement_date agreement_date_precision "
    "priority_area_override counts_toward_goal count_decision language planned_start "
    "planned_end actual_start actual_end"
).split()


def _write_changes(
    session: Session,
    changes: list[_Change],
    organisations: _Organisations,
    converted: Converted,
) -> list[int]:
    """Insert the new projects, replace the parts of the changed ones (transactions kept by
    ref), link packages and audit, one statement per table; return the projects' ids."""
    new = [c for c in changes if c.pid is None]
    if new:
        _insert_rows(session, Project, [_project_row(c.spec) for c in new])
        ids = _ids_of(session, [c.spec.identifier for c in new])
        for change in new:
            change.pid = ids[change.spec.identifier]
    stored = [c.pid for c in changes if c.before is not None and c.pid is not None]
    _update_projects(session, [c for c in changes if c.before is not None])
    _clear_parts(session, stored)
    rows: dict[type[Base], list[dict[str, Any]]] = defaultdict(list)
    for change in changes:
        assert change.pid is not None
        _part_rows(rows, change.pid, change.spec, organisations, converted)
    transactions = rows.pop(Transaction, [])
    for model, params in rows.items():
        _insert_rows(session, model, params)
    _write_transactions(session, transactions, stored)
    _link_packages(session, changes)
    audit.record_many(
        session,
        entity="project",
        entries=[
            (c.spec.identifier, "insert" if c.before is None else "update", c.before, c.after)
            for c in changes
        ],
    )
    return [c.pid for c in changes if c.pid is not None]


def _project_row(spec: ProjectSpec) -> dict[str, Any]:
    return {"identifier": spec.identifier, **{n: getattr(spec, n) for n in _SCALARS}}


def _table(model: type[Base]) -> Table:
    return model.metadata.tables[model.__tablename__]


def _update_projects(session: Session, changed: list[_Change]) -> None:
    """The scalar columns of stored projects, in one executemany UPDATE."""
    if not changed:
        return
    table = _table(Project)
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({n: bindparam(f"b_{n}") for n in _SCALARS})
    )
    params = [{"b_id": c.pid, **{f"b_{n}": getattr(c.spec, n) for n in _SCALARS}} for c in changed]
    session.connection().execute(stmt, params)


#: The parts of a project that an import replaces whole (transactions are kept by ref).
_PARTS: tuple[type[Base], ...] = (
    ProjectCountry,
    ProjectSector,
    Participation,
    Document,
    Budget,
    Location,
    ProjectText,
    IatiActivity,
)


def _clear_parts(session: Session, pids: list[int]) -> None:
    for start in range(0, len(pids), 500):
        chunk = pids[start : start + 500]
        for model in _PARTS:
            table = _table(model)
            session.connection().execute(delete(table).where(table.c.project_id.in_(chunk)))


def _write_transactions(session: Session, rows: list[dict[str, Any]], pids: list[int]) -> None:
    """Write transaction rows: a stored one with the same (project, ref) is updated in place
    (it keeps its id), the others inserted; stored ones the specs no longer name are deleted."""
    table = _table(Transaction)
    stored: dict[tuple[int, str], int] = {}
    for start in range(0, len(pids), 500):
        query = select(table.c.project_id, table.c.ref, table.c.id).where(
            table.c.project_id.in_(pids[start : start + 500])
        )
        stored.update(((row[0], row[1]), row[2]) for row in session.execute(query))
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    for row in rows:
        tx_id = stored.pop((row["project_id"], row["ref"]), None)
        if tx_id is None:
            inserts.append(row)
        else:
            updates.append({"b_id": tx_id, **{f"b_{k}": v for k, v in row.items()}})
    gone = sorted(stored.values())
    for start in range(0, len(gone), 500):
        session.connection().execute(delete(table).where(table.c.id.in_(gone[start : start + 500])))
    if updates:
        names = [k.removeprefix("b_") for k in updates[0] if k != "b_id"]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({n: bindparam(f"b_{n}") for n in names})
        )
        session.connection().execute(stmt, updates)
    _insert_rows(session, Transaction, inserts)


def _insert_rows(session: Session, model: type[Base], params: list[dict[str, Any]]) -> None:
    """One executemany INSERT into ``model``'s table (Core: no ORM bookkeeping per row)."""
    if params:  # an empty list would insert one row of defaults
        session.connection().execute(insert(_table(model)), params)


def _ids_of(session: Session, identifiers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(identifiers), 500):
        query = select(Project.identifier, Project.id).where(
            Project.identifier.in_(identifiers[start : start + 500])
        )
        found.update((row[0], row[1]) for row in session.execute(query))
    return found


_TX_FIELDS = tuple(
    name for name in TransactionSpec.model_fields if name not in {"line", "provider", "receiver"}
)


def _part_rows(
    rows: dict[type[Base], list[dict[str, Any]]],
    pid: int,
    spec: ProjectSpec,
    organisations: _Organisations,
    converted: Converted,
) -> None:
    """The rows of a new project's parts, as :func:`_fill` would make them."""
    rows[ProjectCountry] += [
        {
            "project_id": pid,
            "code": c.code,
            "percentage": c.percentage,
            "is_region": c.is_region,
            "vocabulary": c.vocabulary,
        }
        for c in spec.countries
    ]
    rows[ProjectSector] += [
        {"project_id": pid, "code": s.code, "vocabulary": s.vocabulary, "percentage": s.percentage}
        for s in spec.sectors
    ]
    rows[Participation] += [
        {
            "project_id": pid,
            "organisation_id": organisations.get(p.organisation).id,
            "role": p.role,
            "note": p.note,
        }
        for p in spec.participants
    ]
    rows[Document] += [
        {
            "project_id": pid,
            "url": d.url,
            "title": d.title,
            "category": d.category,
            "published": d.published,
        }
        for d in spec.documents
    ]
    rows[Budget] += [{"project_id": pid, **b.model_dump()} for b in spec.budgets]
    rows[Location] += [{"project_id": pid, **loc.model_dump()} for loc in spec.locations]
    rows[ProjectText] += [{"project_id": pid, **t.model_dump()} for t in spec.texts]
    if spec.iati is not None:
        rows[IatiActivity].append(
            {
                "project_id": pid,
                "version": spec.iati.version,
                "last_updated": spec.iati.last_updated,
                "xml": spec.iati.xml,
            }
        )
    for tx in spec.transactions:
        row = {name: getattr(tx, name) for name in _TX_FIELDS}
        row.update(value_jpy=None, value_usd=None, value_eur=None)
        row.update(converted.get((spec.identifier, tx.ref), {}))
        row["project_id"] = pid
        row["provider_org_id"] = organisations.get(tx.provider).id if tx.provider else None
        row["receiver_org_id"] = organisations.get(tx.receiver).id if tx.receiver else None
        rows[Transaction].append(row)


def _link_packages(session: Session, changes: list[_Change]) -> None:
    """Point each written project at its package (which may be new in this batch)."""
    wanted = sorted({c.spec.package for c in changes if c.spec.package})
    ids = _ids_of(session, wanted) if wanted else {}
    links = [
        {"b_id": c.pid, "b_package": ids[c.spec.package] if c.spec.package else None}
        for c in changes
        if c.spec.package or c.before is not None
    ]
    if links:
        table = _table(Project)
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(package_id=bindparam("b_package"))
        )
        session.connection().execute(stmt, links)
