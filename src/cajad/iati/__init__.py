"""IATI in and out: read what funders publish into the register, publish the register back.

* :func:`import_path` — an IATI 2.01–2.03 activity or organisation file, or a folder of them
  (parallel workers), into the register: safe streaming parsing, validation against the 2.03
  schema and codelists, idempotent updates by ``iati-identifier`` (a newer
  ``last-updated-datetime`` wins), each file one transaction.
* :func:`export_activities` — the register, or a filter of it, as valid IATI 2.03 XML that
  loses nothing of what was imported.
* :func:`export_organisations` — the register's organisations with the budgets and expenditure
  of their organisation files, as valid IATI 2.03 organisation XML.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from cajad.iati._bulk import FileOutcome, FolderReport, OnFile, import_file, import_folder
from cajad.iati._export import ExportReport, export_activities, stream_activities
from cajad.iati._import import IatiImportReport
from cajad.iati._org_export import export_organisations
from cajad.iati._reader import SUPPORTED_VERSIONS
from cajad.iati.errors import (
    ExportError,
    IatiError,
    IatiInputError,
    IatiProblem,
    MalformedXmlError,
    NothingToExportError,
    StrictValidationError,
    UnsafeXmlError,
    UnsupportedVersionError,
    UnwritableProjectError,
)
from cajad.register import Actor


def import_path(
    engine: Engine,
    path: Path,
    *,
    strict: bool = False,
    dry_run: bool = False,
    workers: int | None = None,
    actor: str | Actor = "cajad import",
    on_file: OnFile | None = None,
) -> IatiImportReport | FolderReport:
    """Import an IATI file (refused whole: :class:`IatiInputError`) or a folder of them
    (a refused file is reported in the folder report and skipped)."""
    if path.is_dir():
        return import_folder(
            engine,
            path,
            strict=strict,
            dry_run=dry_run,
            workers=workers,
            actor=actor,
            on_file=on_file,
        )
    return import_file(engine, path, strict=strict, dry_run=dry_run, actor=actor)


__all__ = [
    "SUPPORTED_VERSIONS",
    "ExportError",
    "ExportReport",
    "FileOutcome",
    "FolderReport",
    "IatiError",
    "IatiImportReport",
    "IatiInputError",
    "IatiProblem",
    "MalformedXmlError",
    "NothingToExportError",
    "StrictValidationError",
    "UnsafeXmlError",
    "UnsupportedVersionError",
    "UnwritableProjectError",
    "export_activities",
    "export_organisations",
    "import_file",
    "import_folder",
    "import_path",
    "stream_activities",
]
