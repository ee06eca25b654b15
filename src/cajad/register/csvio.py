"""Reading CSV files with the line numbers and column names that error messages need."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cajad.register.codelists import is_code
from cajad.register.errors import InputError, Problem

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def read_rows(
    path: Path, required: Sequence[str], optional: Sequence[str] = ()
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line, row)`` for each record of a UTF-8 CSV file; values stripped.

    ``line`` is the physical line where the record starts. A missing required column, an
    unknown column or a file that is not UTF-8 text is refused with :class:`InputError`.
    """
    name = str(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{name}: cannot open: {exc.strerror}") from exc
    with handle:
        reader = csv.DictReader(handle, strict=True)
        try:
            header = reader.fieldnames or []
            _check_header(name, header, required, optional)
            start = reader.line_num + 1
            for row in reader:
                if None in row:
                    raise InputError(
                        f"{name}: refused",
                        [Problem(name, start, "-", f"{len(row[None])} more fields than columns")],
                    )
                yield start, {k: (v or "").strip() for k, v in row.items()}
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not UTF-8 text (byte {exc.start})") from exc
        except csv.Error as exc:
            raise InputError(f"{name}:{reader.line_num}: malformed CSV: {exc}") from exc


def _check_header(
    name: str, header: Sequence[str], required: Sequence[str], optional: Sequence[str]
) -> None:
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required and c not in optional]
    problems = [Problem(name, 1, c, "required column is missing") for c in missing]
    problems += [Problem(name, 1, c, "unknown column") for c in unknown]
    if problems:
        raise InputError(f"{name}: header refused", problems)


def parse_decimal(text: str) -> Decimal:
    """A plain decimal number (digits, optional sign and fraction); anything else is refused."""
    if not _NUMBER.match(text):
        raise ValueError(f"must be a plain number like 1250000 or 12.5; got {text!r}")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(f"not a number: {text!r}") from exc


def parse_date(text: str) -> dt.date:
    """An ISO date ``YYYY-MM-DD``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"must be a date YYYY-MM-DD; got {text!r}") from exc


def parse_partial_date(text: str) -> tuple[dt.date, str]:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``: the first day of the period and its precision."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if not match:
        raise ValueError(f"must be YYYY-MM-DD, YYYY-MM or YYYY; got {text!r}")
    year, month, day = match.groups()
    try:
        start = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"not a real date: {text!r}") from exc
    precision = "day" if day else "month" if month else "year"
    return start, precision


def period_end(start: dt.date, precision: str) -> dt.date:
    """The last day of the day, month or year starting at ``start``."""
    if precision == "day":
        return start
    if precision == "year":
        return dt.date(start.year, 12, 31)
    following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


class RowChecker:
    """Collects the problems of one CSV record; each check names its column and why."""

    def __init__(self, file: str, line: int, problems: list[Problem]) -> None:
        self.file, self.line, self.problems = file, line, problems

    def fail(self, column: str, reason: str) -> None:
        self.problems.append(Problem(self.file, self.line, column, reason))

    def decimal(self, column: str, text: str) -> Decimal | None:
        try:
            return parse_decimal(text)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def date(self, column: str, text: str) -> dt.date | None:
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def code(self, column: str, codelist: str, text: str, what: str) -> str | None:
        if is_code(codelist, text):
            return text
        self.fail(column, f"must be {what}; got {text!r}")
        return None
