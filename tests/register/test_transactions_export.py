"""Field-level CSV of transactions in one currency: one row per transaction, exact decimals,
converted totals equal to the register's own materialised conversions."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from typer.testing import CliRunner

from cajad.cli import app
from cajad.register import session_scope
from cajad.register.fx import RateBook
from cajad.register.models import Project, ProjectCountry, Transaction
from cajad.register.transactions_export import COLUMNS, write_transactions_csv

runner = CliRunner()


def _csv(engine: Engine, currency: str, ids: list[int] | None = None) -> list[dict[str, str]]:
    with session_scope(engine) as session:
        book = RateBook.from_session(session)
        chosen = ids if ids is not None else list(session.scalars(select(Project.id)))
        buffer = io.StringIO()
        report = write_transactions_csv(session, chosen, buffer, currency=currency, book=book)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert report.rows == len(rows)
    return rows


@pytest.mark.parametrize(("currency", "column"), [("JPY", "value_jpy"), ("USD", "value_usd")])
def test_converted_total_equals_the_materialised_conversions(
    engine: Engine, currency: str, column: str
) -> None:
    rows = _csv(engine, currency)
    with session_scope(engine) as session:
        count = session.scalar(select(func.count(Transaction.id)))
        materialised = session.scalar(select(func.sum(getattr(Transaction, column))))
    assert len(rows) == count and count
    assert all(r["converted_currency"] == currency and r["converted_value"] for r in rows)
    assert sum(Decimal(r["converted_value"]) for r in rows) == materialised


def test_rows_recompute_from_value_and_rate_and_name_their_source(engine: Engine) -> None:
    rows = _csv(engine, "KZT")
    assert list(rows[0]) == list(COLUMNS)
    for row in rows:
        value, rate = Decimal(row["value"]), Decimal(row["rate"])
        assert Decimal(row["converted_value"]) == (value * rate).quantize(Decimal("0.01"))
        if row["currency"] != "KZT":
            assert row["rate_date"] and row["rate_source"] and row["rate_method"]
            assert row["rate_basis"].startswith(f"1 {row['currency']} = ")
    assert {r["type_name"] for r in rows} >= {"Outgoing Commitment"}


def test_a_transaction_without_value_date_keeps_its_row_unconverted(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = session.scalars(select(Transaction).order_by(Transaction.id)).first()
        assert first is not None
        ref = first.ref
        session.execute(
            update(Transaction).where(Transaction.id == first.id).values(value_date=None)
        )
    rows = _csv(engine, "EUR")
    [row] = [r for r in rows if r["ref"] == ref]
    assert row["converted_value"] == "" and row["rate"] == ""
    assert row["rate_method"] == "not converted: no value date"


def test_publisher_text_cannot_start_a_spreadsheet_formula(engine: Engine) -> None:
    hostile = '=HYPERLINK("http://example.invalid","x")'
    with session_scope(engine) as session:
        tx = session.scalars(select(Transaction).order_by(Transaction.id)).first()
        assert tx is not None
        project_id, ref = tx.project_id, tx.ref
        session.execute(update(Project).where(Project.id == project_id).values(title=hostile))
    rows = _csv(engine, "USD", [project_id])
    [row] = [r for r in rows if r["ref"] == ref]
    assert row["title"] == "'" + hostile
    assert not any(r["converted_value"].startswith("'") for r in rows)


def test_cli_writes_the_filtered_csv(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAJAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    out = tmp_path / "tx.csv"
    result = runner.invoke(
        app, ["export", "transactions", str(out), "--currency", "usd", "--country", "KZ"]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with session_scope(engine) as session:
        kz = set(
            session.scalars(
                select(Project.identifier)
                .join(ProjectCountry)
                .where(ProjectCountry.code == "KZ")
                .where(Project.transactions.any())
            )
        )
    assert rows and {r["project"] for r in rows} == kz
    assert {r["converted_currency"] for r in rows} == {"USD"}
    bad = runner.invoke(app, ["export", "transactions", str(out), "--currency", "XXX"])
    assert bad.exit_code == 2 and "no exchange rates" in bad.output
