"""The XLSX of a filtered project list: opened with openpyxl, its amounts are numeric cells that
add up to the register's own materialised conversions, its columns are the ones asked for, and
its About sheet states basis, rates and data date."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, func, select, update
from typer.testing import CliRunner

from cajad.cli import app
from cajad.errors import kind_of
from cajad.register import InputError, ProjectFilter, RateBook, session_scope
from cajad.register.models import Document, Project, ProjectCountry, Transaction
from cajad.register.xlsx_export import (
    AMOUNT_COLUMNS,
    COLUMNS,
    MONEY_FORMAT,
    ProjectsXlsxReport,
    parse_columns,
    write_projects_xlsx,
)
from cajad.tracker.rule import MEASURE_TYPES

runner = CliRunner()


def _workbook(
    engine: Engine,
    where: ProjectFilter | None = None,
    *,
    currency: str = "JPY",
    columns: tuple[str, ...] = COLUMNS,
) -> tuple[Any, ProjectsXlsxReport]:
    buffer = io.BytesIO()
    with session_scope(engine) as session:
        report = write_projects_xlsx(
            session,
            where or ProjectFilter(),
            buffer,
            currency=currency,
            book=RateBook.from_session(session),
            columns=columns,
            notes={"Counting rule": "the rule"},
        )
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue())), report


def _rows(workbook: Any) -> list[dict[str, Any]]:
    header, *body = workbook["Projects"].values
    return [dict(zip(header, row, strict=True)) for row in body]


def _about(workbook: Any) -> dict[str, str]:
    return dict(workbook["About"].values)


def test_amount_columns_are_the_trackers_measures() -> None:
    # The register cannot import the tracker; this pins the copy to the original.
    assert {m.value: types for m, types in MEASURE_TYPES.items()} == AMOUNT_COLUMNS


@pytest.mark.parametrize(("currency", "column"), [("JPY", "value_jpy"), ("USD", "value_usd")])
def test_amounts_add_up_to_the_materialised_conversions(
    engine: Engine, currency: str, column: str
) -> None:
    workbook, report = _workbook(engine, currency=currency)
    rows = _rows(workbook)
    with session_scope(engine) as session:
        projects = session.scalar(select(func.count(Project.id)))
        expected = {
            name: session.scalar(
                select(func.coalesce(func.sum(getattr(Transaction, column)), 0)).where(
                    Transaction.type.in_(sorted(types))
                )
            )
            for name, types in AMOUNT_COLUMNS.items()
        }
    assert len(rows) == projects == report.projects
    assert expected["announced"] > 0 and expected["signed"] > 0
    for name, total in expected.items():
        assert report.totals[name] == total
        # Cells are doubles once read; 15 significant digits come back exact to the cent.
        cells = [Decimal(str(r[name])).quantize(Decimal("0.01")) for r in rows]
        assert sum(cells, Decimal(0)) == total
    assert {r["currency"] for r in rows} == {currency}
    assert [r["identifier"] for r in rows] == sorted(r["identifier"] for r in rows)


def test_amount_cells_are_numbers_with_a_money_format(engine: Engine) -> None:
    workbook, _ = _workbook(engine, columns=("identifier", "currency", "signed"))
    sheet = workbook["Projects"]
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert cells and all(c.data_type == "n" and c.number_format == MONEY_FORMAT for c in cells)
    assert any(c.value for c in cells)


def test_the_filter_selects_the_same_projects_as_the_register(engine: Engine) -> None:
    workbook, _ = _workbook(engine, ProjectFilter(country="KZ"))
    with session_scope(engine) as session:
        kz = sorted(
            session.scalars(
                select(Project.identifier)
                .join(ProjectCountry)
                .where(ProjectCountry.code == "KZ")
                .distinct()
            )
        )
    assert kz and [r["identifier"] for r in _rows(workbook)] == kz
    assert _about(workbook)["Filter"] == "country=KZ"


def test_the_about_sheet_states_basis_rule_rates_and_data_date(engine: Engine) -> None:
    workbook, report = _workbook(engine, currency="EUR")
    about = _about(workbook)
    with session_scope(engine) as session:
        latest = session.scalar(select(func.max(Document.published)))
    assert latest is not None and report.data_date == latest
    assert about["Data as of"] == latest.isoformat()
    assert "outgoing commitment" in about["Basis"] and "package total" in about["Basis"]
    assert about["Rates"].startswith("each transaction converted into EUR")
    assert "European Central Bank" in about["Rates"]
    assert about["Counting rule"] == "the rule" and about["Currency"] == "EUR"


def test_columns_are_the_ones_asked_for_in_order() -> None:
    assert parse_columns(None) == parse_columns(" ") == COLUMNS
    assert parse_columns("title, identifier") == ("title", "identifier")
    # An amount never stands without its currency: it goes just before the first amount.
    assert parse_columns("title,signed,announced") == ("title", "currency", "signed", "announced")
    assert parse_columns("currency,title,signed") == ("currency", "title", "signed")
    assert parse_columns("title,title") == ("title",)


def test_an_unknown_column_or_currency_is_refused_as_bad_input(engine: Engine) -> None:
    with pytest.raises(InputError, match="got nope") as caught:
        parse_columns("title,nope")
    assert kind_of(caught.value).refused
    with pytest.raises(InputError, match="'XXX'"):
        _workbook(engine, currency="XXX")
    with pytest.raises(InputError, match="got nope"):
        _workbook(engine, columns=("title", "nope"))


def test_publisher_text_cannot_start_a_spreadsheet_formula(engine: Engine) -> None:
    hostile = '=HYPERLINK("http://example.invalid","x")'
    with session_scope(engine) as session:
        first = session.scalars(select(Project).order_by(Project.identifier)).first()
        assert first is not None
        session.execute(update(Project).where(Project.id == first.id).values(title=hostile))
    workbook, _ = _workbook(engine, columns=("identifier", "title"))
    cell = workbook["Projects"]["B2"]
    assert cell.data_type == "s" and cell.value == "'" + hostile


def test_cli_writes_the_filtered_list_and_refuses_bad_input(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAJAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    out = tmp_path / "kz.xlsx"
    args = ["export", "xlsx", str(out), "--country", "kz", "--columns", "identifier,signed"]
    result = runner.invoke(app, [*args, "--currency", "usd"])
    assert result.exit_code == 0, result.output
    rows = _rows(openpyxl.load_workbook(out))
    expected, _ = _workbook(engine, ProjectFilter(country="KZ"), currency="USD")
    assert rows == [
        {"identifier": r["identifier"], "currency": "USD", "signed": r["signed"]}
        for r in _rows(expected)
    ]
    for bad, fragment in [
        (["--columns", "nope"], "got nope"),
        (["--currency", "XXX"], "'XXX'"),
        (["--stage", "nope"], "got 'nope'"),
    ]:
        refused = runner.invoke(app, ["export", "xlsx", str(tmp_path / "bad.xlsx"), *bad])
        assert refused.exit_code == 2, refused.output
        assert refused.stderr.startswith("error: ") and fragment in refused.stderr
        assert not (tmp_path / "bad.xlsx").exists()


def test_cli_dates_and_since_summit_select_as_the_portal_does(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--from 2025-12 --to 2026`` and ``--since-summit`` mean what the list's ``from``, ``to``
    and ``since_summit`` mean: the month's first day, the year's last, the period's start."""
    monkeypatch.setenv("CAJAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    out = tmp_path / "new.xlsx"
    args = ["export", "xlsx", str(out), "--from", "2025-12", "--to", "2026", "--since-summit"]
    result = runner.invoke(app, [*args, "--columns", "identifier"])
    assert result.exit_code == 0, result.output
    where = ProjectFilter(
        agreed_from=dt.date(2025, 12, 1),
        agreed_to=dt.date(2026, 12, 31),
        new_since=dt.date(2025, 12, 20),
    )
    expected, _ = _workbook(engine, where, currency="JPY")
    got = [r["identifier"] for r in _rows(openpyxl.load_workbook(out))]
    assert got == [r["identifier"] for r in _rows(expected)]
    assert 0 < len(got) < 165


def xlsx_cells(content: bytes) -> dict[str, Any]:
    """Everything a reader sees of a workbook: each sheet's cells (value, number format, bold),
    column widths and frozen panes."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    seen: dict[str, Any] = {}
    for sheet in workbook.worksheets:
        seen[sheet.title] = {
            "cells": [
                [(c.value, c.number_format, bool(c.font.b)) for c in row]
                for row in sheet.iter_rows()
            ],
            "widths": {k: d.width for k, d in sheet.column_dimensions.items() if d.width},
            "freeze": sheet.freeze_panes,
        }
    return seen


def test_the_write_only_workbook_equals_the_one_built_in_memory(engine: Engine) -> None:
    """Streaming the workbook (write-only mode) changes no cell, format, width or pane."""
    written: dict[bool, bytes] = {}
    for write_only in (True, False):
        buffer = io.BytesIO()
        with session_scope(engine) as session:
            write_projects_xlsx(
                session,
                ProjectFilter(),
                buffer,
                currency="USD",
                book=RateBook.from_session(session),
                notes={"Counting rule": "the rule"},
                write_only=write_only,
            )
        written[write_only] = buffer.getvalue()
    streamed, built = xlsx_cells(written[True]), xlsx_cells(written[False])
    assert len(streamed["Projects"]["cells"]) > 20
    assert streamed["Projects"]["cells"][1][COLUMNS.index("agreement_date")][1] == "yyyy-mm-dd"
    assert streamed == built
