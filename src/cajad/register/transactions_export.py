"""Field-level CSV of transactions, every amount also in one chosen currency with its rate.

One row per transaction of the projects a :class:`~cajad.register.filters.ProjectFilter`
selects: the project, the transaction's own fields (type, dates, value and currency as
reported, parties and their activities), and the value converted into ``currency`` at the
dated rate the conversion policy picks, with the rate, the date(s) of the quotes it used, the
policy step, the sources and a one-line explanation. A transaction that cannot be converted
(no value date, no rate) keeps its row with the converted value empty and the reason in
``rate_method``. Decimals are written exactly
(``format(value, "f")``), never as floats.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from cajad.register.bounds import xml_safe
from cajad.register.codelists import codelist
from cajad.register.errors import ConversionError
from cajad.register.filters import ProjectFilter, filter_projects
from cajad.register.fx import Conversion, RateBook
from cajad.register.models import Project, Transaction

COLUMNS = (
    "project",
    "title",
    "ref",
    "type",
    "type_name",
    "transaction_date",
    "value_date",
    "value",
    "currency",
    "converted_currency",
    "converted_value",
    "rate",
    "rate_date",
    "rate_method",
    "rate_source",
    "rate_basis",
    "provider",
    "provider_ref",
    "provider_activity",
    "receiver",
    "receiver_ref",
    "receiver_activity",
)
BATCH = 500
#: Transactions read and written at a time when streaming (one server-side cursor fetch).
CHUNK_ROWS = 1000


_FORMULA_STARTS = frozenset("=+-@\t\r")


@dataclass
class TransactionsCsvReport:
    """How many projects and rows were written, how many converted, and their total."""

    currency: str
    projects: int = 0
    rows: int = 0
    converted: int = 0
    total: Decimal = Decimal(0)


def write_transactions_csv(
    session: Session,
    where: ProjectFilter | Iterable[int],
    out: TextIO,
    *,
    currency: str,
    book: RateBook,
) -> TransactionsCsvReport:
    """Write the transactions of the projects ``where`` selects to ``out`` as CSV, converted
    into ``currency``; ordered by project identifier, value date and reference.

    ``where`` may also be the projects' ids, for a caller that has already selected them.
    """
    report = TransactionsCsvReport(currency=currency)
    for chunk in transactions_csv_chunks(
        session, where, currency=currency, book=book, report=report
    ):
        out.write(chunk)
    return report


def transactions_csv_chunks(
    session: Session,
    where: ProjectFilter | Iterable[int],
    *,
    currency: str,
    book: RateBook,
    report: TransactionsCsvReport | None = None,
    rows: int = CHUNK_ROWS,
) -> Iterator[str]:
    """The CSV of :func:`write_transactions_csv` as text chunks of at most ``rows`` rows (the
    header first, alone), for a response that streams it.

    Memory holds one chunk whatever the register's size: transactions are read through a
    server-side cursor ``rows`` at a time (in order within a batch of projects) and dropped
    once written, so a project with a million transactions costs no
    more than one with ten.
    """
    report = report if report is not None else TransactionsCsvReport(currency=currency)
    ids = _project_ids(session, where)
    report.projects = len(ids)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    yield _take(buffer)
    for start in range(0, len(ids), BATCH):
        query = (
            select(Transaction)
            .join(Project, Transaction.project_id == Project.id)
            .where(Transaction.project_id.in_(ids[start : start + BATCH]))
            .options(
                # Only the columns a row shows: none of a project's eager collections.
                joinedload(Transaction.project).lazyload("*"),
                joinedload(Transaction.provider).lazyload("*"),
                joinedload(Transaction.receiver).lazyload("*"),
            )
            .order_by(
                Project.identifier,
                Transaction.value_date.is_(None),
                Transaction.value_date,
                Transaction.ref,
            )
            .execution_options(yield_per=rows)
        )
        # The identity map holds loaded rows weakly: a partition written and dropped is gone.
        for part in session.scalars(query).partitions():
            for tx in part:
                writer.writerow(_row(tx, currency, book, report))
            del part, tx
            yield _take(buffer)
        session.expunge_all()


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _project_ids(session: Session, where: ProjectFilter | Iterable[int]) -> list[int]:
    if not isinstance(where, ProjectFilter):
        return sorted(set(where))
    return sorted(session.scalars(filter_projects(select(Project.id), where)))


def _row(
    tx: Transaction, currency: str, book: RateBook, report: TransactionsCsvReport
) -> list[str]:
    conversion, reason = _convert(tx, currency, book)
    report.rows += 1
    if conversion is not None:
        report.converted += 1
        report.total += conversion.converted
    return [
        defuse_cell(tx.project.identifier),
        defuse_cell(tx.project.title),
        defuse_cell(tx.ref),
        str(tx.type),
        codelist("TransactionType").get(str(tx.type), ""),
        _date(tx.transaction_date),
        _date(tx.value_date),
        _decimal(tx.value.normalize()),
        tx.currency,
        currency,
        *_conversion_cells(conversion, reason),
        defuse_cell(tx.provider.name if tx.provider is not None else ""),
        defuse_cell((tx.provider.ref or "") if tx.provider is not None else ""),
        defuse_cell(tx.provider_activity or ""),
        defuse_cell(tx.receiver.name if tx.receiver is not None else ""),
        defuse_cell((tx.receiver.ref or "") if tx.receiver is not None else ""),
        defuse_cell(tx.receiver_activity or ""),
    ]


def _convert(tx: Transaction, currency: str, book: RateBook) -> tuple[Conversion | None, str]:
    if tx.value_date is None:
        return None, "not converted: no value date"
    try:
        return book.convert(tx.value, tx.currency, currency, tx.value_date), ""
    except ConversionError as exc:
        return None, f"not converted: {exc}"


def _conversion_cells(conversion: Conversion | None, reason: str) -> list[str]:
    """converted_value, rate, rate_date, rate_method, rate_source, rate_basis."""
    if conversion is None:
        return ["", "", "", reason, "", ""]
    dates = sorted({q.period_start.isoformat() for q in conversion.quotes})
    return [
        _decimal(conversion.converted),
        _decimal(conversion.rate),
        ";".join(dates),
        conversion.method,
        "; ".join(conversion.sources),
        conversion.explain(),
    ]


def defuse_cell(value: str) -> str:
    """Text from publishers, defused for spreadsheets: a cell that would start a formula
    (``=``, ``+``, ``-``, ``@``, tab, carriage return) is prefixed with an apostrophe, and a
    control character stored before imports refused them is shown as U+FFFD (a worksheet,
    which is XML, cannot hold it)."""
    value = xml_safe(value)
    return f"'{value}" if value[:1] in _FORMULA_STARTS else value


def _decimal(value: Decimal) -> str:
    return format(value, "f")


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""
