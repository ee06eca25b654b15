"""An XLSX workbook of any filtered project list, with the columns a reader chooses.

Sheet ``Projects`` has one row per project a :class:`~cajad.register.filters.ProjectFilter`
selects, ordered by identifier, with the chosen :data:`COLUMNS`. Amounts are numeric cells
(written from the exact decimals, shown with a number format) with their currency in a column
of its own: each is the sum of the project's own transactions of a measure's types, each
converted into one currency at its value date, exactly as ``/api/transactions`` converts it.
Sheet ``About`` states what the figures are: the filter, the basis of the amounts, the counting
rule the caller names, the exchange rates (sources and dates of the quotes used) and the date of
the data. Publisher text that would start a spreadsheet formula is defused as in the CSV export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, Final, cast

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from cajad.register.errors import ConversionError, InputError
from cajad.register.filters import ProjectFilter, filter_projects
from cajad.register.fx import Conversion, RateBook
from cajad.register.models import Document, Project, Transaction
from cajad.register.queries import project_areas
from cajad.register.transactions_export import defuse_cell as defused
from cajad.register.vocab import TransactionType

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written, not with the register
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "AMOUNT_COLUMNS",
    "COLUMNS",
    "MONEY_FORMAT",
    "ProjectsXlsxReport",
    "data_date",
    "parse_columns",
    "write_projects_xlsx",
]

#: The transaction types each amount column sums: the tracker's measures, by the same names
#: (``tests/register/test_xlsx_export.py`` pins them to ``cajad.tracker.rule.MEASURE_TYPES``).
AMOUNT_COLUMNS: Final[dict[str, frozenset[int]]] = {
    "announced": frozenset({TransactionType.OUTGOING_PLEDGE, TransactionType.OUTGOING_COMMITMENT}),
    "signed": frozenset({TransactionType.OUTGOING_COMMITMENT}),
    "disbursed": frozenset({TransactionType.DISBURSEMENT, TransactionType.PURCHASE_OF_EQUITY}),
}
MONEY_FORMAT: Final = "#,##0.00"
DATE_FORMAT: Final = "yyyy-mm-dd"

Cell = str | int | bool | Decimal | dt.date | None


def _joined(values: Sequence[str]) -> str:
    return "; ".join(values)


#: Every column, in the default order, with how its cell is read from a project.
_TEXT: Final[dict[str, Callable[[Project], Cell]]] = {
    "identifier": lambda p: defused(p.identifier),
    "title": lambda p: defused(p.title),
    "stage": lambda p: p.stage,
    "instrument": lambda p: p.instrument,
    "agreement_date": lambda p: p.agreement_date,
    "date_precision": lambda p: p.agreement_date_precision,
    "countries": lambda p: _joined([c.code for c in p.countries]),
    "areas": lambda p: _joined([key for key, _pct in project_areas(p)]),
    "counts_toward_goal": lambda p: p.counts_toward_goal,
    "count_decision": lambda p: defused(p.count_decision or ""),
    "basis": lambda p: p.basis,
    "evidence": lambda p: p.evidence,
    "package": lambda p: defused(p.package.identifier) if p.package is not None else None,
    "source": lambda p: defused(p.documents[0].url) if p.documents else None,
}
COLUMNS: Final[tuple[str, ...]] = (
    *_TEXT,
    "currency",
    *AMOUNT_COLUMNS,
    "not_converted",
)


def _zeros() -> dict[str, Decimal]:
    return dict.fromkeys(AMOUNT_COLUMNS, Decimal(0))


def parse_columns(text: str | None) -> tuple[str, ...]:
    """The columns a comma-separated list names, in its order (all of :data:`COLUMNS` when
    ``None`` or empty); ``currency`` is put before the first amount when amounts are asked
    for without it, so no amount stands without its currency."""
    if not text or not text.strip():
        return COLUMNS
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise InputError(f"columns must be among {', '.join(COLUMNS)}; got {', '.join(unknown)}")
    chosen = list(dict.fromkeys(names))
    amounts = [i for i, n in enumerate(chosen) if n in AMOUNT_COLUMNS]
    if amounts and "currency" not in chosen:
        chosen.insert(amounts[0], "currency")
    return tuple(chosen)


@dataclass
class ProjectsXlsxReport:
    """What the workbook holds: projects, totals of each amount column, the rates used."""

    currency: str
    projects: int = 0
    totals: dict[str, Decimal] = field(default_factory=_zeros)
    not_converted: int = 0
    rate_sources: set[str] = field(default_factory=set)
    quote_dates: set[dt.date] = field(default_factory=set)
    data_date: dt.date | None = None

    def rates_text(self) -> str:
        """The rates used: sources and the dates of their quotes, or that none were needed."""
        if not self.quote_dates:
            return f"no conversion needed (every amount was in {self.currency})"
        first, last = min(self.quote_dates), max(self.quote_dates)
        return (
            f"each transaction converted into {self.currency} at the dated rate for its value "
            f"date (quotes of {first} to {last}); sources: {'; '.join(sorted(self.rate_sources))}"
        )


def write_projects_xlsx(
    session: Session,
    where: ProjectFilter,
    out: IO[bytes],
    *,
    currency: str,
    book: RateBook,
    columns: Sequence[str] = COLUMNS,
    notes: Mapping[str, str] | None = None,
    write_only: bool = True,
) -> ProjectsXlsxReport:
    """Write the projects ``where`` selects to ``out`` as an XLSX workbook (see module doc).

    ``notes`` are lines the caller adds to the ``About`` sheet (the counting rule in force).
    The workbook is written in openpyxl's write-only mode, in memory that does not grow with
    the number of projects; ``write_only=False`` builds it in memory instead (the same cells,
    the same styles: tests compare the two).
    """
    if currency not in book.currencies:
        raise InputError(
            f"currency must be one with exchange rates ({', '.join(book.currencies)}); "
            f"got {currency!r}"
        )
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise InputError(f"columns must be among {', '.join(COLUMNS)}; got {', '.join(unknown)}")
    report = ProjectsXlsxReport(currency=currency, data_date=data_date(session))
    from openpyxl import Workbook

    # Write-only: each row goes to a temporary file as it is appended, so memory does not
    # grow with the register (the cells are styled as they are made, not afterwards).
    workbook = Workbook(write_only=write_only)
    for default in list(workbook.worksheets):  # the empty sheet a workbook in memory starts with
        workbook.remove(default)
    sheet = workbook.create_sheet("Projects")
    _layout(sheet, columns)
    sheet.append([_cell(sheet, name, bold=True) for name in columns])
    formats = [_number_format(name) for name in columns]
    query = _query(where).execution_options(yield_per=_PROJECTS_PER_READ)
    for project in session.scalars(query):
        values = _row(project, columns, book, report)
        sheet.append(
            [_cell(sheet, v, number_format=f) for v, f in zip(values, formats, strict=True)]
        )
        report.projects += 1
    _about(workbook.create_sheet("About"), where, report, notes or {})
    workbook.save(out)
    return report


#: Projects read (with their parts) at a time while the workbook is written.
_PROJECTS_PER_READ: Final = 200


def data_date(session: Session) -> dt.date | None:
    """The date of the data: the latest publication date of a source document, else the
    latest value date of a transaction (``None`` in an empty register)."""
    published = session.scalar(select(func.max(Document.published)))
    return published or session.scalar(select(func.max(Transaction.value_date)))


def _query(where: ProjectFilter) -> Select[Project]:
    return (
        filter_projects(select(Project), where)
        .order_by(Project.identifier)
        .options(
            selectinload(Project.countries),
            selectinload(Project.sectors),
            selectinload(Project.documents),
            selectinload(Project.transactions),
            selectinload(Project.package),
        )
    )


def _row(
    project: Project, columns: Sequence[str], book: RateBook, report: ProjectsXlsxReport
) -> list[Cell]:
    sums = _zeros()
    missing = 0
    for tx in project.transactions:
        wanted = [name for name, types in AMOUNT_COLUMNS.items() if tx.type in types]
        if not wanted:
            continue
        conversion = _convert(tx, report.currency, book)
        if conversion is None:
            missing += 1
            continue
        report.rate_sources.update(conversion.sources)
        report.quote_dates.update(q.period_start for q in conversion.quotes)
        for name in wanted:
            sums[name] += conversion.converted
    for name, value in sums.items():
        report.totals[name] += value
    report.not_converted += missing
    cells: dict[str, Cell] = {"currency": report.currency, "not_converted": missing, **sums}
    return [cells[c] if c in cells else _TEXT[c](project) for c in columns]


def _convert(tx: Transaction, currency: str, book: RateBook) -> Conversion | None:
    if tx.value_date is None:
        return None
    try:
        return book.convert(tx.value, tx.currency, currency, tx.value_date)
    except ConversionError:
        return None


def _number_format(name: str) -> str | None:
    if name in AMOUNT_COLUMNS:
        return MONEY_FORMAT
    return DATE_FORMAT if name == "agreement_date" else None


def _cell(
    sheet: Worksheet | WriteOnlyWorksheet,
    value: Cell,
    *,
    bold: bool = False,
    number_format: str | None = None,
) -> Any:
    """A cell of ``sheet`` styled as it is made (a write-only sheet cannot be styled later)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(sheet, value)  # type: ignore[arg-type]  # any sheet: a plain Cell
    if bold:
        cell.font = Font(bold=True)
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _layout(sheet: Worksheet | WriteOnlyWorksheet, columns: Sequence[str]) -> None:
    """Column widths and a frozen header row (set before any row is written)."""
    from openpyxl.utils import get_column_letter

    widths = _dimensions(sheet)
    for index, name in enumerate(columns, start=1):
        widths[get_column_letter(index)].width = 60 if name == "title" else 18
    sheet.freeze_panes = "A2"


def _dimensions(sheet: Worksheet | WriteOnlyWorksheet) -> Any:
    """The column dimensions of either kind of sheet (a write-only one has them too, at run
    time, though openpyxl's type stubs do not say so)."""
    return cast("Worksheet", sheet).column_dimensions


def _about(
    sheet: Worksheet | WriteOnlyWorksheet,
    where: ProjectFilter,
    report: ProjectsXlsxReport,
    notes: Mapping[str, str],
) -> None:
    """What the figures are: filter, basis, rule, rates and data date."""
    kinds = "; ".join(
        f"{name}: {', '.join(_type_name(t) for t in sorted(types))}"
        for name, types in AMOUNT_COLUMNS.items()
    )
    lines: list[tuple[str, str]] = [
        ("Projects", f"{report.projects} projects of the CA+JAD Tokyo Initiative register"),
        ("Filter", _describe(where)),
        (
            "Basis",
            f"each amount sums the project's own transactions of these types, any date ({kinds}); "
            "a package total and its parts are separate rows: do not add both",
        ),
        ("Currency", report.currency),
        ("Rates", report.rates_text()),
        ("Not converted", f"{report.not_converted} transactions (no value date or no rate)"),
        ("Data as of", report.data_date.isoformat() if report.data_date else "no data"),
        ("Written", dt.date.today().isoformat()),
        *notes.items(),
    ]
    widths = _dimensions(sheet)
    widths["A"].width = 18
    widths["B"].width = 120
    for key, value in lines:
        sheet.append([_cell(sheet, key, bold=True), defused(value)])


def _type_name(code: int) -> str:
    return TransactionType(code).name.lower().replace("_", " ")


def _describe(where: ProjectFilter) -> str:
    given = {
        name: value
        for name, value in vars(where).items()
        if value is not None and name != "project_ids"
    }
    if where.project_ids is not None:
        given["projects"] = f"{len(where.project_ids)} chosen"
    return ", ".join(f"{k}={v}" for k, v in given.items()) or "none (every project)"
