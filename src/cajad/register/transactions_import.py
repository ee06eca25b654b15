"""Importing a transactions CSV in constant memory: read, check and write in batches.

A transactions file can hold millions of rows (issue 16 item 8: 2 M rows needed about 11 GB
when the whole file became project specs). Here the file is read :data:`BATCH_ROWS` rows at a
time; each batch is checked, converted and written with one Core statement per table, and
nothing of it is kept once the next is read. What spans the whole file is held in bounded
state: the (project, ref) keys already read sit in a temporary table of the same transaction
(a duplicate ref anywhere in the file is found there, not in a set in memory), and the report
keeps one entry per project touched.

Still one database transaction, all or nothing, as :func:`cajad.register.import_specs`: on the
first problem the writing stops, the rest of the file is still checked so that every problem
is reported (at most :data:`MAX_PROBLEMS` listed), and the transaction is rolled back. With
``partial`` the good rows are written and each bad row is reported and left out. A row with
the ``project`` and ``ref`` of a stored transaction replaces it (it keeps its id); others are
added; a row equal to the stored one changes nothing.

The audit log gets one entry per project and batch that changed something: ``before`` and
``after`` hold the project's title and the transactions that changed (the stored versions
of those replaced; the new ones), not the whole project, whose money may run to millions of
rows. The rollups move by the difference of what was replaced and what was written.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from sqlalchemy import (
    Column,
    Engine,
    MetaData,
    String,
    Table,
    bindparam,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session, aliased

from cajad.register import audit, rollup
from cajad.register._organisations import Organisations
from cajad.register._rows import ids_of
from cajad.register.bounds import amount_error, transaction_problems
from cajad.register.csvio import read_rows
from cajad.register.errors import ConversionError, InputError, Problem
from cajad.register.fx import RateBook
from cajad.register.importer import ImportReport, ProgressCallback
from cajad.register.models import MATERIALISED, Organisation, Project, Transaction
from cajad.register.specs import OrganisationSpec, TransactionSpec
from cajad.register.store import Actor, writing_scope
from cajad.register.transactions_csv import OPTIONAL, REQUIRED, checked_row

#: Rows read, checked and written at a time: large enough that a statement per table is
#: cheap per row, small enough that a batch is a few MiB.
BATCH_ROWS: Final = 5_000
#: Problems listed at most; the rest are counted in one last problem.
MAX_PROBLEMS: Final = 1_000
#: Keys per ``IN`` list (two bound parameters each; far below either database's limit).
_KEYS_PER_QUERY: Final = 400
_CONVERTED: Final = tuple(f"value_{c.lower()}" for c in MATERIALISED)
_TX_COLUMNS: Final = (
    "type",
    "value",
    "currency",
    "value_date",
    "transaction_date",
    "qualifier",
    "instrument",
    "finance_type",
    "description",
    "provider_org_id",
    "provider_activity",
    "receiver_org_id",
    "receiver_activity",
    "value_jpy",
    "value_usd",
    "value_eur",
)
#: The columns a :class:`TransactionSpec` has as they are (organisations are by id).
_SPEC_COLUMNS: Final = tuple(
    c for c in _TX_COLUMNS if c not in {"provider_org_id", "receiver_org_id", *_CONVERTED}
)


@dataclass
class _Row:
    """One good row of the file: its line, its project, its spec and its converted values."""

    line: int
    project: str
    spec: TransactionSpec
    converted: dict[str, Decimal]
    project_id: int = 0


@dataclass
class _Run:
    """What one import has found so far: the report, the projects it touched (in the order
    first met, with whether it changed any), problems past the listed ones."""

    report: ImportReport
    partial: bool
    touched: dict[str, bool] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    unlisted: int = 0

    @property
    def refused(self) -> bool:
        """Whether nothing more is written: a problem found, and not a partial import."""
        return bool(self.report.problems) and not self.partial

    def problem(self, problem: Problem) -> None:
        if len(self.report.problems) < MAX_PROBLEMS:
            self.report.problems.append(problem)
        else:
            self.unlisted += 1


class _DryRunError(Exception):
    """Raised inside the transaction to roll a dry run back."""


def import_transactions(
    engine: Engine,
    path: Path,
    *,
    partial: bool = False,
    dry_run: bool = False,
    actor: str | Actor = "cajad import",
    on_progress: ProgressCallback | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportReport:
    """Import the transactions CSV at ``path`` in one transaction, :data:`BATCH_ROWS` rows at a
    time; refused whole (:class:`InputError`, every problem at its line and column) on any
    problem unless ``partial``. ``on_progress(rows done, rows in the file)``."""
    source = str(path)
    report = ImportReport(source=source, dry_run=dry_run)
    run = _Run(report, partial)
    total = _count_rows(path)
    rows = read_rows(path, REQUIRED, OPTIONAL)  # the header is checked on the first read
    try:
        with writing_scope(engine, actor=actor) as session:
            book = RateBook.from_session(session)
            seen = _SeenKeys(session)
            done = 0
            for chunk in _chunks(rows, batch_rows):
                good = _check(session, chunk, run, seen, book, source)
                if not run.refused:
                    _write(session, good, run)
                session.flush()
                session.expunge_all()
                done += len(chunk)
                if on_progress is not None:
                    on_progress(done, max(total, done))
            seen.drop()
            _finish(run, source)
            if dry_run:
                raise _DryRunError
    except _DryRunError:
        pass
    return report


def _chunks(rows: Iterator[tuple[int, dict[str, str]]], size: int) -> Iterator[list[Any]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _count_rows(path: Path) -> int:
    """About how many records the file holds (its line breaks less the header), for the
    progress bar only; read in blocks, in constant memory."""
    try:
        with path.open("rb") as handle:
            lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return 0
    return max(lines - 1, 0)


def _finish(run: _Run, source: str) -> None:
    """Fill the report's lists; refuse the whole file if any problem (and not partial)."""
    if run.unlisted:
        run.report.problems.append(
            Problem(source, 0, "-", f"{run.unlisted} more problems, not listed")
        )
    run.report.updated = [p for p, changed in run.touched.items() if changed]
    run.report.unchanged = [p for p, changed in run.touched.items() if not changed]
    if run.report.problems and not run.partial:
        raise InputError(f"{source}: refused, nothing imported", run.report.problems)


class _SeenKeys:
    """The (project, ref) keys read so far, in a temporary table of the import's transaction
    (gone with it, committed or not): a duplicate anywhere in the file is found with bounded
    memory."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.table = Table(
            "cajad_import_seen",
            MetaData(),
            Column("project", String, primary_key=True),
            Column("ref", String, primary_key=True),
            prefixes=["TEMPORARY"],
            postgresql_on_commit="DROP",
        )
        self.table.create(session.connection())

    def already(self, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Those of ``keys`` read before."""
        found: set[tuple[str, str]] = set()
        t = self.table
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            part = keys[start : start + _KEYS_PER_QUERY]
            query = select(t.c.project, t.c.ref).where(tuple_(t.c.project, t.c.ref).in_(part))
            found.update((p, r) for p, r in self.session.execute(query))
        return found

    def add(self, keys: Iterable[tuple[str, str]]) -> None:
        params = [{"project": p, "ref": r} for p, r in keys]
        if params:
            self.session.connection().execute(insert(self.table), params)

    def drop(self) -> None:
        self.table.drop(self.session.connection())


def _check(
    session: Session,
    chunk: list[tuple[int, dict[str, str]]],
    run: _Run,
    seen: _SeenKeys,
    book: RateBook,
    source: str,
) -> list[_Row]:
    """The good rows of ``chunk``, each problem of the others reported at its line."""
    keys = list(dict.fromkeys((row["project"], row["ref"]) for _line, row in chunk))
    earlier = seen.already(keys)
    seen.add(k for k in keys if k not in earlier)
    ids = ids_of(session, sorted({row["project"] for _line, row in chunk}))
    good: list[_Row] = []
    for line, row in chunk:
        spec, errors = checked_row(source, line, row, earlier)
        if spec is not None:
            found = _good(spec, row["project"], line, ids, run, book, source)
            if found is not None:
                good.append(found)
        for problem in errors:
            run.problem(problem)
    return good


def _good(
    spec: TransactionSpec,
    project: str,
    line: int,
    ids: dict[str, int],
    run: _Run,
    book: RateBook,
    source: str,
) -> _Row | None:
    """The row to write for a well-formed ``spec``, or None with its problems reported: its
    project must exist, its values be in bounds and its money convertible."""
    pid = ids.get(project)
    if pid is None:
        if project not in run.missing:
            run.missing.add(project)
            run.problem(Problem(source, line, "project", f"no project {project!r}"))
        return None
    refused = transaction_problems(spec, source, line)
    for problem in refused:
        run.problem(problem)
    if refused:
        return None
    assert spec.value_date is not None  # a required column
    try:
        found = {
            c: book.convert(spec.value, spec.currency, c, spec.value_date).converted
            for c in MATERIALISED
        }
    except ConversionError as exc:
        run.problem(Problem(source, line, "currency", str(exc)))
        return None
    too_large = [(c, a) for c, a in found.items() if amount_error(a) is not None]
    for currency, amount in too_large:
        why = f"must be at most 10^15 in {currency} too; got {amount} {currency}"
        run.problem(Problem(source, line, f"transactions[{spec.ref}].value", why))
    if too_large:
        return None
    converted = {f"value_{c.lower()}": v for c, v in found.items()}
    return _Row(line, project, spec, converted, pid)


def _write(session: Session, rows: list[_Row], run: _Run) -> None:
    """Write a batch's good rows: replace or add each transaction, move the rollups by the
    difference, audit each project's changes."""
    if not rows:
        return
    organisations = Organisations(session, on_change=_unchanged_organisation)
    organisations.prefetch_named(_named(rows))
    orgs: dict[str, Organisation] = {}
    for row in rows:
        for named in (row.spec.provider, row.spec.receiver):
            if named is not None and named.name not in orgs:
                orgs[named.name] = organisations.get(named)
    session.flush()  # new organisations get their ids
    stored = _stored(session, [(r.project_id, r.spec.ref) for r in rows])
    titles = dict(
        session.execute(
            select(Project.id, Project.title).where(
                Project.id.in_(sorted({r.project_id for r in rows}))
            )
        ).all()
    )
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    added: dict[int, list[rollup.Money]] = defaultdict(list)
    removed: dict[int, list[rollup.Money]] = defaultdict(list)
    states: dict[str, tuple[int, list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for row in rows:
        new = _columns(row, orgs)
        old = stored.get((row.project_id, row.spec.ref))
        changed = old is None or any(old[c] != new[c] for c in _TX_COLUMNS)
        run.touched[row.project] = run.touched.get(row.project, False) or changed
        if not changed:
            continue
        assert new["provider_org_id"] is None or row.spec.provider is not None
        added[row.project_id].append(_money(new, _country(orgs, row.spec.provider)))
        _, before, after = states.setdefault(row.project, (row.project_id, [], []))
        after.append(_state(row.spec, orgs))
        if old is None:
            inserts.append({"project_id": row.project_id, "ref": row.spec.ref, **new})
            continue
        removed[row.project_id].append(_money(old, old["provider_country"]))
        before.append(old["state"])
        updates.append({"b_id": old["id"], **{f"b_{c}": new[c] for c in _TX_COLUMNS}})
    table = Transaction.metadata.tables[Transaction.__tablename__]
    if updates:
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({c: bindparam(f"b_{c}") for c in _TX_COLUMNS})
        )
        session.connection().execute(stmt, updates)
    if inserts:
        session.connection().execute(insert(table), inserts)
    _move_rollups(session, added, removed)
    audit.record_many(
        session,
        entity="project",
        entries=[
            (
                project,
                "update",
                {"title": titles.get(pid), "transactions": sorted(before, key=_by_ref)},
                {"title": titles.get(pid), "transactions": sorted(after, key=_by_ref)},
            )
            for project, (pid, before, after) in states.items()
        ],
    )


def _unchanged_organisation(org: Organisation) -> None:
    """A transactions CSV names organisations by name only, which never changes a stored one
    (:meth:`Organisations.get` keeps what a spec leaves out): no rollup to take out."""
    raise AssertionError(f"a transactions import changed organisation {org.name!r}")


def _named(rows: list[_Row]) -> Iterator[OrganisationSpec]:
    for row in rows:
        if row.spec.provider is not None:
            yield row.spec.provider
        if row.spec.receiver is not None:
            yield row.spec.receiver


def _columns(row: _Row, orgs: dict[str, Organisation]) -> dict[str, Any]:
    """The stored columns (but project and ref) that ``row`` gives its transaction."""
    spec = row.spec
    return {
        "type": spec.type,
        "value": spec.value,
        "currency": spec.currency,
        "value_date": spec.value_date,
        "transaction_date": spec.transaction_date,
        "qualifier": spec.qualifier,
        "instrument": spec.instrument,
        "finance_type": spec.finance_type,
        "description": spec.description,
        "provider_org_id": orgs[spec.provider.name].id if spec.provider else None,
        "provider_activity": spec.provider_activity,
        "receiver_org_id": orgs[spec.receiver.name].id if spec.receiver else None,
        "receiver_activity": spec.receiver_activity,
        **row.converted,
    }


def _country(orgs: dict[str, Organisation], named: OrganisationSpec | None) -> str | None:
    return orgs[named.name].country if named is not None else None


def _money(columns: dict[str, Any], provider_country: str | None) -> rollup.Money:
    return rollup.Money(
        columns["type"],
        columns["value_date"],
        columns["instrument"],
        columns["value_jpy"],
        columns["value_usd"],
        columns["value_eur"],
        provider_country,
    )


def _state(spec: TransactionSpec, orgs: dict[str, Organisation]) -> dict[str, Any]:
    """A transaction as the audit log records it, its organisations as the register has them."""
    update_orgs = {
        name: _org_spec(orgs[named.name]) if named is not None else None
        for name, named in (("provider", spec.provider), ("receiver", spec.receiver))
    }
    return audit.canonical(spec.model_copy(update=update_orgs))


def _org_spec(org: Organisation | None) -> OrganisationSpec | None:
    if org is None:
        return None
    return OrganisationSpec(name=org.name, ref=org.ref, type=org.type, country=org.country)


def _by_ref(state: dict[str, Any]) -> str:
    return str(state["ref"])


def _stored(session: Session, keys: list[tuple[int, str]]) -> dict[tuple[int, str], Any]:
    """The stored transactions of ``keys`` (project id, ref): their columns, id, provider's
    country and audit state."""
    provider, receiver = aliased(Organisation), aliased(Organisation)
    t = Transaction.metadata.tables[Transaction.__tablename__]
    org_columns = ("name", "ref", "type", "country")
    query_columns = [
        t.c.id,
        t.c.project_id,
        t.c.ref,
        *(t.c[c] for c in _TX_COLUMNS),
        *(getattr(provider, c).label(f"provider_{c}") for c in org_columns),
        *(getattr(receiver, c).label(f"receiver_{c}") for c in org_columns),
    ]
    found: dict[tuple[int, str], Any] = {}
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        part = keys[start : start + _KEYS_PER_QUERY]
        query = (
            select(*query_columns)
            .outerjoin(provider, t.c.provider_org_id == provider.id)
            .outerjoin(receiver, t.c.receiver_org_id == receiver.id)
            .where(tuple_(t.c.project_id, t.c.ref).in_(part))
        )
        for stored_row in session.execute(query):
            columns = dict(stored_row._mapping)
            given, taken = (
                OrganisationSpec(**{c: columns[f"{side}_{c}"] for c in org_columns})
                if columns[f"{side}_name"] is not None
                else None
                for side in ("provider", "receiver")
            )
            spec = TransactionSpec(
                ref=columns["ref"],
                **{c: columns[c] for c in _SPEC_COLUMNS},
                provider=given,
                receiver=taken,
            )
            columns["state"] = audit.canonical(spec)
            found[(columns["project_id"], columns["ref"])] = columns
    return found


def _move_rollups(
    session: Session,
    added: dict[int, list[rollup.Money]],
    removed: dict[int, list[rollup.Money]],
) -> None:
    """Add what was written to the rollups and take out what it replaced (a project's
    contribution is a sum over its transactions, so the difference is enough)."""
    facts = rollup.stored_facts(session, sorted({*added, *removed}))
    delta: dict[rollup.Key, rollup.Sums] = {}
    for pid, money in added.items():
        if pid in facts:
            rollup.merge(delta, rollup.contribution(facts[pid], money), +1)
    for pid, money in removed.items():
        if pid in facts:
            rollup.merge(delta, rollup.contribution(facts[pid], money), -1)
    rollup.apply(session, delta)
