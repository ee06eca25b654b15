"""A one-page PDF brief of progress toward the goal, for a minister's folder.

The brief is drawn from :func:`cajad.tracker.progress` alone, so it carries the dashboard's
figures: the total and its share of the goal, the three measures, the pace verdict, the
composition of the total (basis x evidence, where the tracker gives it), and the total by
country. It states the counting rule, the basis of the headline, the exchange rates (source and
date) and the date of the data. Text is set in DejaVu Sans (bundled, Latin and Cyrillic); the
PDF is written by fpdf2, pure Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cajad.data import data_path
from cajad.register import ConversionError, Document, RateBook, Transaction
from cajad.tracker.progress import Dimension, Progress, progress
from cajad.tracker.rule import CountingRule, Measure

__all__ = ["Brief", "brief", "money", "render"]

FONT: Final = "DejaVu"
_LINE: Final = 5.0
#: Composition and country rows shown at most, so the brief stays on one page.
MAX_ROWS: Final = 12


@dataclass(frozen=True)
class Brief:
    """The PDF's bytes and the progress figures it was drawn from."""

    pdf: bytes
    progress: Progress
    data_as_of: dt.date | None


def money(amount: Decimal, currency: str) -> str:
    """An exact amount as the brief prints it: ``JPY 2,479,000,000.00``."""
    return f"{currency} {amount:,.2f}"


def brief(
    session: Session,
    *,
    currency: str = "JPY",
    measure: Measure = Measure.ANNOUNCED,
    book: RateBook | None = None,
    today: dt.date | None = None,
) -> Brief:
    """The one-page brief of progress in ``currency`` under the default rule for ``measure``.

    A currency without exchange rates is refused (:class:`~cajad.register.ConversionError`).
    """
    book = book or RateBook.from_session(session)
    code = currency.strip().upper()
    if code not in book.currencies:
        raise ConversionError(
            f"currency must be one with exchange rates ({', '.join(book.currencies)}); "
            f"got {currency!r}"
        )
    rule = CountingRule(measure=measure)
    result = progress(session, rule, currency=code, by=Dimension.COUNTRY, book=book)
    # The tracker gives the data date when it has it (newer versions); else it is read here.
    as_of: dt.date | None = getattr(result, "data_as_of", None) or _data_date(session)
    pdf = render(result, as_of=as_of, today=today or dt.date.today())
    return Brief(pdf=pdf, progress=result, data_as_of=as_of)


def render(result: Progress, *, as_of: dt.date | None, today: dt.date) -> bytes:
    """The brief's PDF for figures already computed (by country, for the country table).

    ``composition``, ``headline`` and ``pace.verdict`` are shown when ``result`` has them: a
    tracker without them still gets a brief.
    """
    pdf = _Page()
    _header(pdf, result, today, as_of)
    _figures(pdf, result)
    composition = getattr(result, "composition", None)
    if composition:
        _composition(pdf, composition, result.currency)
    _countries(pdf, result)
    _method(pdf, result, as_of)
    return bytes(pdf.output())


def _data_date(session: Session) -> dt.date | None:
    """The latest publication date of a source document, else the latest value date."""
    published = session.scalar(select(func.max(Document.published)))
    return published or session.scalar(select(func.max(Transaction.value_date)))


class _Page(FPDF):
    """An A4 page set in the bundled DejaVu Sans."""

    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(15, 12, 15)
        self.set_auto_page_break(auto=True, margin=12)
        self.add_font(FONT, "", str(data_path("fonts", "DejaVuSans.ttf")))
        self.add_font(FONT, "B", str(data_path("fonts", "DejaVuSans-Bold.ttf")))
        self.set_title("CA+JAD Tokyo Initiative: progress brief")
        self.set_author("cajad")
        self.add_page()

    def line_of(self, text: str, *, size: float = 9, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, _LINE * size / 9, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str) -> None:
        self.ln(2)
        self.line_of(text, size=11, bold=True)

    def rows(self, header: Sequence[str], body: Sequence[Sequence[str]]) -> None:
        self.set_font(FONT, "", 8)
        widths = (30, 30, 25, 60, 20) if len(header) == 5 else (40, 80, 25)
        aligns = ("LEFT",) * (len(header) - 2) + ("RIGHT", "RIGHT")
        with self.table(
            col_widths=widths[: len(header)],
            width=sum(widths[: len(header)]),
            align="LEFT",
            text_align=aligns,
            line_height=4.2,
            headings_style=FontFace(emphasis="BOLD"),
        ) as table:
            for values in (header, *body):
                row = table.row()
                for value in values:
                    row.cell(value)


def _header(pdf: _Page, result: Progress, today: dt.date, as_of: dt.date | None) -> None:
    pdf.line_of("CA+JAD Tokyo Initiative: progress toward the goal", size=15, bold=True)
    pdf.line_of(
        f"Brief of {today.isoformat()}; data as of {as_of.isoformat() if as_of else 'no data'}. "
        f"Measure: {result.rule.measure.value}. Currency: {result.currency}.",
        size=9,
    )


def _figures(pdf: _Page, result: Progress) -> None:
    pdf.heading("Headline")
    pdf.line_of(
        f"Counted: {money(result.total, result.currency)} = {result.share_of_goal} % of the goal "
        f"of {money(result.goal, result.currency)} ({result.transactions} transactions).",
        size=10,
        bold=True,
    )
    headline = getattr(result, "headline", None)
    if headline:
        pdf.line_of(f"Basis: {headline}.")
    measures = "; ".join(
        f"{name} {money(value, result.currency)}" for name, value in result.measures.items()
    )
    pdf.line_of(f"By measure (same rule otherwise): {measures}.")
    verdict = getattr(result.pace, "verdict", None)
    if verdict:
        pdf.line_of(f"Pace: {verdict}.")


def _composition(pdf: _Page, rows: Sequence[Any], currency: str) -> None:
    pdf.heading("What the total is made of")
    body = [
        [
            str(getattr(row, "basis", "")),
            str(getattr(row, "evidence", "")),
            str(getattr(row, "status", "")),
            money(Decimal(getattr(row, "total", 0)), currency),
            f"{getattr(row, 'share', '')} %",
        ]
        for row in rows[:MAX_ROWS]
    ]
    pdf.rows(["basis", "evidence", "status", "amount", "share"], body)
    if len(rows) > MAX_ROWS:
        pdf.line_of(f"… and {len(rows) - MAX_ROWS} smaller parts (see cajad progress --json).")


def _countries(pdf: _Page, result: Progress) -> None:
    pdf.heading("By country")
    rows = result.breakdown or []
    body = [
        [row.key, money(row.total, result.currency), f"{row.share} %"] for row in rows[:MAX_ROWS]
    ]
    pdf.rows(["country", "amount", "share"], body)


def _method(pdf: _Page, result: Progress, as_of: dt.date | None) -> None:
    pdf.heading("Rule, rates and data")
    pdf.line_of(f"Counting rule: {result.rule_text}.")
    pdf.line_of(
        f"Rates: each transaction is converted into {result.currency} at the dated rate for its "
        "own value date (ECB reference rates; World Bank WDI annual rates where the ECB has "
        f"none; the official TMT peg). The goal: {result.goal_conversion}."
    )
    pdf.line_of(
        f"Data: the register as of {as_of.isoformat() if as_of else 'no data'} (latest source "
        "date). Figures are exact to the cent; every one is in /api/progress with the same "
        "currency and measure."
    )
