"""Export of the register, or a filter of it, as one IATI 2.03 activity file.

Projects are read a batch at a time and written with an incremental XML writer, so memory
holds one batch whatever the register's size. Every activity is validated against the bundled
2.03 schema before it is written; one that would not validate is left out and reported, so the
file always validates. So is one whose stored text holds a character XML cannot carry (kept
before imports refused them, :mod:`cajad.register.bounds`): the export never fails on it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree
from sqlalchemy import Engine, Select, select

from cajad.iati._activity import activity
from cajad.iati._orgs import OrganisationNames
from cajad.iati._validate import schema_problems
from cajad.iati.errors import NothingToExportError, UnwritableProjectError
from cajad.register import (
    WHOLE_PROJECT,
    Project,
    ProjectFilter,
    bounds,
    filter_projects,
    project_spec,
    session_scope,
)

BATCH = 200


def export_ids(where: ProjectFilter) -> Select[int]:
    """The ids of the projects ``where`` selects, in the order they are exported."""
    return filter_projects(select(Project.id).order_by(Project.identifier), where)


@dataclass
class ExportReport:
    """What an export wrote, and what it left out with the reason."""

    path: str
    written: int = 0
    left_out: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "written": self.written, "left_out": self.left_out}


def export_activities(
    engine: Engine, out: Path | BinaryIO, *, where: ProjectFilter | None = None
) -> ExportReport:
    """Write the projects ``where`` selects as IATI 2.03 XML to ``out`` (a path or a stream).

    A path is written beside itself and moved into place when complete, so a failed export
    leaves no half file. Raises :class:`ExportError` when no project can be written (IATI
    requires at least one activity).
    """
    where = where or ProjectFilter()
    if not isinstance(out, Path):
        report = ExportReport(path="<stream>")
        _write(engine, where, report, out)
        _check(report)
        return report
    report = ExportReport(path=str(out))
    with replacing(out) as temp, temp.open("wb") as handle:
        _write(engine, where, report, handle)
        _check(report)
    return report


@contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out`` that replaces it when the block succeeds; on any
    error it is removed and ``out`` is left as it was (no half-written file)."""
    temp = out.with_name(f".{out.name}.partial")
    try:
        yield temp
        temp.replace(out)
    finally:
        temp.unlink(missing_ok=True)


def _check(report: ExportReport) -> None:
    if report.written:
        return
    if not report.left_out:
        raise NothingToExportError("nothing to export: no project matches")
    key, reason = next(iter(report.left_out.items()))
    raise NothingToExportError(
        f"nothing to export: every matching project was left out ({key}: {reason})"
    )


def stream_activities(engine: Engine, *, where: ProjectFilter | None = None) -> Iterator[bytes]:
    """The file :func:`export_activities` writes, as chunks of bytes (one batch of activities
    each), for a response that streams it.

    Reads ahead until the first activity is written, so that an export with none raises
    :class:`NothingToExportError` here, before anything is sent (an answer already started
    cannot become an error).
    """
    report = ExportReport(path="<stream>")
    chunks = _chunks(engine, where or ProjectFilter(), report)
    ahead: list[bytes] = []
    for chunk in chunks:
        ahead.append(chunk)
        if report.written:
            break
    else:
        _check(report)
    return itertools.chain(ahead, chunks)


class _Sink:
    """What the incremental XML writer writes to: bytes kept until taken."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.parts.append(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _write(engine: Engine, where: ProjectFilter, report: ExportReport, target: BinaryIO) -> None:
    for chunk in _chunks(engine, where, report):
        target.write(chunk)


def _chunks(engine: Engine, where: ProjectFilter, report: ExportReport) -> Iterator[bytes]:
    """The file a batch of projects at a time: memory holds one batch and its XML."""
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    sink = _Sink()
    with session_scope(engine, actor="cajad export") as session:
        ids = list(session.scalars(export_ids(where)))
        names = OrganisationNames.load(session)
        with etree.xmlfile(sink, encoding="utf-8") as xf:
            xf.write_declaration()
            root = {"version": "2.03", "generated-datetime": generated}
            with xf.element("iati-activities", root):
                for start in range(0, len(ids), BATCH):
                    chunk = ids[start : start + BATCH]
                    projects = session.scalars(
                        select(Project).where(Project.id.in_(chunk)).options(*WHOLE_PROJECT)
                    )
                    for project in sorted(projects, key=lambda p: p.identifier):
                        element = _activity(project, names, report)
                        if element is not None:
                            xf.write("\n")
                            xf.write(element)
                            report.written += 1
                    session.expunge_all()
                    xf.flush()
                    yield sink.take()
                xf.write("\n")
        yield sink.take()


def _activity(
    project: Project, names: OrganisationNames, report: ExportReport
) -> etree._Element | None:
    spec = project_spec(project)
    try:
        element = activity(spec, names)
    except UnwritableProjectError as exc:
        report.left_out[spec.identifier] = str(exc)
        return None
    except ValueError as exc:
        # lxml refuses a character XML cannot carry: stored before imports refused them.
        named = (f"{p.field}: {p.reason}" for p in bounds.spec_problems(spec, spec.identifier))
        report.left_out[spec.identifier] = next(named, str(exc))
        return None
    problems = schema_problems("activities", element, spec.identifier)
    if problems:
        report.left_out[spec.identifier] = "; ".join(f"{p.field}: {p.reason}" for p in problems[:3])
        return None
    element.tail = None
    return element
