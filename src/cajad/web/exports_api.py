"""Exports for a minister: the filtered project list as XLSX, progress as a one-page PDF.

Both translate parameters into one service call (:func:`cajad.register.xlsx_export.
write_projects_xlsx`, :func:`cajad.tracker.brief.brief`); the project list takes the same
filters as ``/api/projects``, so a download holds the projects the list shows.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from cajad.register import PROJECT_COLUMNS as COLUMNS
from cajad.register import InputError, parse_columns, write_projects_xlsx
from cajad.tracker import CountingRule, Measure
from cajad.tracker.brief import brief
from cajad.web.api import ProjectFilterDep
from cajad.web.deps import BookDep, SessionDep
from cajad.web.errors import ParameterError, error_responses
from cajad.web.params import CurrencyCode, checked_currency

router = APIRouter(prefix="/api", tags=["exports"], responses=error_responses())

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ColumnList = Annotated[
    str | None,
    Query(
        max_length=400,
        description=f"Comma-separated columns, in order, among {', '.join(COLUMNS)} (default all).",
    ),
]


@router.get(
    "/projects.xlsx",
    summary="Projects as XLSX with chosen columns",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def projects_xlsx(
    session: SessionDep,
    book: BookDep,
    where: ProjectFilterDep,
    currency: CurrencyCode = "JPY",
    columns: ColumnList = None,
) -> Response:
    """The projects matching every filter as a workbook: sheet Projects (amounts by measure in
    ``currency``, numeric cells), sheet About (filter, basis, rule, rates, data date)."""
    code = checked_currency(book, currency)
    try:
        chosen = parse_columns(columns)
    except InputError as exc:
        raise ParameterError("columns", str(exc)) from exc
    # Written in openpyxl's write-only mode to a spooled file (memory up to SPOOL_BYTES, disk
    # beyond), then sent in blocks: a large register's workbook is never one bytes object.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by _blocks
    try:
        write_projects_xlsx(
            session,
            where,
            spool,
            currency=code,
            book=book,
            columns=chosen,
            notes={"Counting rule": CountingRule().describe()},
        )
    except BaseException:
        spool.close()
        raise
    size = spool.tell()
    spool.seek(0)
    return StreamingResponse(
        _blocks(spool),
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="cajad-projects-{code}.xlsx"',
            "Content-Length": str(size),
        },
    )


#: How much of a workbook is kept in memory before it spills to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024
_BLOCK = 64 * 1024


def _blocks(spool: IO[bytes]) -> Iterator[bytes]:
    """The spooled file's bytes in blocks, closing (and so deleting) it at the end."""
    try:
        while block := spool.read(_BLOCK):
            yield block
    finally:
        spool.close()


@router.get(
    "/brief.pdf",
    summary="One-page PDF brief of progress",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def brief_pdf(
    session: SessionDep,
    book: BookDep,
    currency: CurrencyCode = "JPY",
    measure: Measure = Measure.ANNOUNCED,
) -> Response:
    """Progress toward the goal on one page, with the figures of ``/api/progress`` for the same
    currency and measure, and the rule, basis, rates and data date they rest on."""
    code = checked_currency(book, currency)
    made = brief(session, currency=code, measure=measure, book=book)
    return Response(
        made.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="cajad-brief-{code}.pdf"'},
    )
