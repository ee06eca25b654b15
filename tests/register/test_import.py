"""Imports are atomic, idempotent, audited and report every problem with its place."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from cajad.data import data_path
from cajad.register import InputError, import_file, load_demo, session_scope
from cajad.register.audit import history
from cajad.register.models import Project, Transaction
from tests.conftest import bundled_counts, rows_of

TABLES = ("project", "transaction", "organisation", "participation", "rollup", "audit_log")

TRANSACTIONS_HEADER = "project,ref,type,value,currency,value_date,provider_activity\n"


def _snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    return {table: rows_of(engine, table) for table in TABLES}


def _deals_copy(tmp_path: Path) -> Path:
    target = tmp_path / "deals.csv"
    shutil.copy(data_path("initiative", "deals.csv"), target)
    return target


def test_reimporting_the_demo_changes_nothing(engine: Engine) -> None:
    before = _snapshot(engine)
    report = load_demo(engine)
    assert report.created == [] and report.updated == []
    assert len(report.unchanged) == bundled_counts()[1]
    assert _snapshot(engine) == before


def test_one_bad_row_among_good_ones_refuses_the_whole_file(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "money.csv"
    path.write_text(
        TRANSACTIONS_HEADER
        + "kg-grant-2025-naryn-bridge,d-1,3,5000000,USD,2026-03-01,\n"
        + "kg-grant-2025-naryn-bridge,d-2,3,12x00,USD,2026-04-01,\n"
        + "kg-grant-2025-naryn-bridge,d-3,3,1000,USD,2026-05-01,\n",
        encoding="utf-8",
    )
    before = _snapshot(engine)
    with pytest.raises(InputError) as caught:
        import_file(engine, path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:3: value: must be a plain number like 1250000 or 12.5; got '12x00'"
    ]
    assert _snapshot(engine) == before


def test_every_problem_is_listed_with_line_and_column(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "money.csv"
    path.write_text(
        TRANSACTIONS_HEADER
        + "no-such-project,a,2,1,USD,2026-01-01,\n"
        + "kg-grant-2025-naryn-bridge,b,99,1,USD,2026-01-01,\n"
        + "kg-grant-2025-naryn-bridge,c,2,1,XYZ,2026-13-01,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        import_file(engine, path)
    places = {(p.line, p.field) for p in caught.value.problems}
    assert places == {(2, "project"), (3, "type"), (4, "currency"), (4, "value_date")}


def test_partial_imports_the_good_rows_and_reports_the_rest(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "money.csv"
    path.write_text(
        TRANSACTIONS_HEADER
        + "kg-grant-2025-naryn-bridge,d-1,3,5000000,USD,2026-03-01,\n"
        + "kg-grant-2025-naryn-bridge,d-2,3,oops,USD,2026-04-01,\n",
        encoding="utf-8",
    )
    report = import_file(engine, path, partial=True)
    assert report.updated == ["kg-grant-2025-naryn-bridge"]
    assert [p.line for p in report.problems] == [3]
    with session_scope(engine) as session:
        refs = session.scalars(select(Transaction.ref).where(Transaction.type == 3)).all()
    assert refs == ["d-1"]


def test_dry_run_reports_what_would_change_and_writes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "money.csv"
    path.write_text(
        TRANSACTIONS_HEADER + "kg-grant-2025-naryn-bridge,d-1,3,5000000,USD,2026-03-01,\n",
        encoding="utf-8",
    )
    before = _snapshot(engine)
    report = import_file(engine, path, dry_run=True)
    assert report.dry_run and report.updated == ["kg-grant-2025-naryn-bridge"]
    assert _snapshot(engine) == before
    real = import_file(engine, path)
    assert real.updated == report.updated
    again = import_file(engine, path)
    assert again.updated == [] and again.unchanged == ["kg-grant-2025-naryn-bridge"]


def test_changes_are_audited_with_before_and_after(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "money.csv"
    path.write_text(
        TRANSACTIONS_HEADER + "kg-grant-2025-naryn-bridge,d-1,3,5000000,USD,2026-03-01,\n",
        encoding="utf-8",
    )
    import_file(engine, path, actor="analyst@example.org")
    with session_scope(engine) as session:
        entries = history(session, "project", "kg-grant-2025-naryn-bridge")
        assert [e.action for e in entries] == ["insert", "update"]
        last = entries[-1]
        assert last.actor == "analyst@example.org"
        assert last.before is not None and last.after is not None
        assert len(last.after["transactions"]) == len(last.before["transactions"]) + 1


def test_the_audit_log_is_append_only(engine: Engine) -> None:
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert rows_of(engine, "audit_log")


def test_raw_deals_file_imports_with_documented_defaults(
    empty_engine: Engine, tmp_path: Path
) -> None:
    report = import_file(empty_engine, _deals_copy(tmp_path))
    assert len(report.created) == bundled_counts()[0]  # no curation: each row a project
    with session_scope(empty_engine) as session:
        nexi = session.scalar(
            select(Project).where(Project.identifier == "uz-nexi-sazagan-loan-insurance")
        )
        assert nexi is not None
        assert [t.type for t in nexi.transactions] == [10]  # a guarantee, not money lent
        loan = session.scalar(
            select(Project).where(Project.identifier == "kg-jica-2015-intl-main-roads")
        )
        assert loan is not None and loan.stage == "financing"
        assert loan.transactions[0].qualifier == "up to"


def test_bad_header_names_the_column(empty_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    with data_path("initiative", "deals.csv").open(newline="") as fh:
        rows = list(csv.reader(fh))
    rows[0][rows[0].index("currency")] = "curency"
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(InputError, match="header matches neither"):
        import_file(empty_engine, path)


def test_bad_deals_row_names_line_column_and_reason(empty_engine: Engine, tmp_path: Path) -> None:
    path = _deals_copy(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",ODA loan,", ",soft loan,").replace(",JPY,", ",YEN,")
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_file(empty_engine, path)
    reasons = {(p.line, p.field) for p in caught.value.problems}
    assert reasons == {(3, "instrument"), (3, "currency")}
    assert rows_of(empty_engine, "project") == []


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00garbage", b"", b"project,ref\n", b'id,title\n"unterminated\n'],
)
def test_unreadable_files_are_refused_cleanly(
    empty_engine: Engine, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=str(path)):
        import_file(empty_engine, path)


def test_currency_without_rates_is_refused_with_its_line(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "money.csv"
    path.write_text(
        TRANSACTIONS_HEADER
        + "kg-grant-2025-naryn-bridge,d-1,3,100,USD,2026-03-01,\n"
        + "kg-grant-2025-osh-medical-equipment,d-2,3,100,XOF,2026-03-01,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        import_file(engine, path)
    assert [(p.line, p.field) for p in caught.value.problems] == [(3, "currency")]
    assert "no exchange rate from XOF" in caught.value.problems[0].reason
    report = import_file(engine, path, partial=True)
    assert report.updated == ["kg-grant-2025-naryn-bridge"]
