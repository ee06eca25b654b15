"""Importing a file or a folder of IATI files; folders by parallel worker processes.

Workers read, validate and map the files (the CPU-bound part) and spool each file's specs to
a temporary file; the parent writes them into the register one file per transaction, as the
files come in. A file refused whole is reported with its reason and skipped: the others land.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from cajad.iati._import import IatiImportReport, import_activities, read_specs, write
from cajad.iati._organisations import import_organisations
from cajad.iati._reader import sniff
from cajad.iati.errors import IatiInputError, IatiProblem
from cajad.register import Actor, ImportReport, InputError, ProjectSpec


def import_file(
    engine: Engine,
    path: Path,
    *,
    strict: bool = False,
    dry_run: bool = False,
    actor: str | Actor = "cajad import",
) -> IatiImportReport:
    """Import one IATI activity or organisation file in one transaction.

    Valid records are imported and the others reported (``--strict``: any error refuses the
    file). Raises :class:`~cajad.iati.errors.IatiInputError` when the file is refused whole.
    """
    info = sniff(path)
    if info.kind == "organisations":
        return import_organisations(engine, path, strict=strict, dry_run=dry_run, actor=actor)
    return import_activities(engine, path, strict=strict, dry_run=dry_run, actor=actor)


@dataclass
class FileOutcome:
    """One file of a folder import: its report, or why it was refused whole."""

    path: str
    report: IatiImportReport | None = None
    error: str | None = None


@dataclass
class FolderReport(ImportReport):
    """A folder import: one outcome per file, and their totals as one import report."""

    files: list[FileOutcome] = field(default_factory=list)

    def add(self, outcome: FileOutcome) -> None:
        self.files.append(outcome)
        if outcome.report is not None:
            self.created += outcome.report.created
            self.updated += outcome.report.updated
            self.unchanged += outcome.report.unchanged
            self.problems += outcome.report.problems
        else:
            self.problems.append(IatiProblem(outcome.path, 0, "file", outcome.error or "refused"))

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.error is not None]

    def as_dict(self) -> dict[str, Any]:
        result = super().as_dict()
        result["files"] = [
            {"path": f.path, "error": f.error, "report": f.report.as_dict() if f.report else None}
            for f in self.files
        ]
        return result


OnFile = Callable[[FileOutcome, int, int], None]


def import_folder(
    engine: Engine,
    folder: Path,
    *,
    strict: bool = False,
    dry_run: bool = False,
    workers: int | None = None,
    actor: str | Actor = "cajad import",
    on_file: OnFile | None = None,
) -> FolderReport:
    """Import every ``*.xml`` under ``folder`` (see the module docstring).

    ``on_file(outcome, done, total)`` is called as each file lands or is refused.
    """
    files = sorted(p for p in folder.rglob("*.xml") if p.is_file())
    report = FolderReport(source=str(folder), dry_run=dry_run)
    workers = max(1, min(workers or os.cpu_count() or 1, len(files) or 1))
    with tempfile.TemporaryDirectory(prefix="cajad-iati-") as spool:
        if workers == 1:
            outcomes: Iterator[_Prepared] = (_prepare(p, Path(spool), strict) for p in files)
            _land_all(engine, outcomes, report, len(files), dry_run, strict, actor, on_file)
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures: list[Future[_Prepared]] = [
                    pool.submit(_prepare, p, Path(spool), strict) for p in files
                ]
                ready = (f.result() for f in as_completed(futures))
                _land_all(engine, ready, report, len(files), dry_run, strict, actor, on_file)
    return report


def _land_all(
    engine: Engine,
    prepared: Iterator[_Prepared],
    report: FolderReport,
    total: int,
    dry_run: bool,
    strict: bool,
    actor: str | Actor,
    on_file: OnFile | None,
) -> None:
    for done, item in enumerate(prepared, start=1):
        outcome = _land(engine, item, dry_run=dry_run, strict=strict, actor=actor)
        report.add(outcome)
        if on_file is not None:
            on_file(outcome, done, total)


@dataclass
class _Prepared:
    """What a worker hands back: a read file's report and spooled specs, or its refusal."""

    path: Path
    kind: str = "activities"
    report: IatiImportReport | None = None
    spool: Path | None = None
    error: str | None = None


def _prepare(path: Path, spool: Path, strict: bool) -> _Prepared:
    """Read, validate and map one file in a worker; spool its specs batch by batch."""
    try:
        kind = sniff(path).kind
        if kind == "organisations":
            return _Prepared(path, kind)
        report = IatiImportReport(source=str(path))
        handle, name = tempfile.mkstemp(dir=spool, suffix=".specs")
        with os.fdopen(handle, "wb") as out:
            for batch in read_specs(path, report):
                pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
        return _Prepared(path, kind, report, Path(name))
    except InputError as exc:
        return _Prepared(path, error=str(exc).split("\n", 1)[0])


def _spooled(spool: Path) -> Iterator[list[ProjectSpec]]:
    with spool.open("rb") as handle:
        while True:
            try:
                yield pickle.load(handle)
            except EOFError:
                return


def _land(
    engine: Engine, item: _Prepared, *, dry_run: bool, strict: bool, actor: str | Actor
) -> FileOutcome:
    """Write one prepared file into the register in its own transaction."""
    try:
        if item.kind == "organisations":
            report = import_organisations(
                engine, item.path, strict=strict, dry_run=dry_run, actor=actor
            )
            return FileOutcome(str(item.path), report)
        if item.error is not None or item.report is None or item.spool is None:
            return FileOutcome(str(item.path), error=item.error or "not read")
        item.report.dry_run = dry_run
        spool = item.spool
        write(engine, item.report, lambda: _spooled(spool), strict=strict, actor=actor)
        return FileOutcome(str(item.path), item.report)
    except IatiInputError as exc:
        return FileOutcome(str(item.path), error=str(exc).split("\n", 1)[0])
    finally:
        if item.spool is not None:
            item.spool.unlink(missing_ok=True)
