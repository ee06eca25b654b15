"""The streamed transactions import: batches change nothing of what an import means.

Every test imports in batches of two rows, so that what spans the file (duplicate refs, the
all-or-nothing rule, the rollups, the report) is tried across batch boundaries.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cajad.register import InputError, session_scope, transactions_import
from cajad.register.audit import history
from cajad.register.changes import summarise
from cajad.register.models import Project, Transaction
from cajad.register.rollup import rebuild
from cajad.register.transactions_import import import_transactions
from tests.conftest import rows_of

HEADER = "project,ref,type,value,currency,value_date,provider\n"
A, B = "kg-grant-2025-naryn-bridge", "kg-grant-2025-osh-medical-equipment"
TABLES = ("project", "transaction", "organisation", "rollup", "audit_log")


def _file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "money.csv"
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def _snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    return {table: rows_of(engine, table) for table in TABLES}


def _stored_ref(engine: Engine, project: str) -> tuple[str, int]:
    with session_scope(engine) as session:
        row = session.execute(
            select(Transaction.ref, Transaction.id)
            .join(Project)
            .where(Project.identifier == project)
            .order_by(Transaction.id)
        ).first()
    assert row is not None
    return row[0], row[1]


def test_batches_replace_add_and_keep_rows_and_the_rollup_stays_exact(
    engine: Engine, tmp_path: Path
) -> None:
    ref, tx_id = _stored_ref(engine, A)
    path = _file(
        tmp_path,
        f"{A},{ref},2,12345678.91,USD,2026-01-15,",  # replaces a stored one (keeps its id)
        f"{B},s-1,3,1000,EUR,2026-02-01,Streaming Test Bank",  # a new organisation
        f"{A},s-2,3,250.5,JPY,2026-03-01,Streaming Test Bank",
        f"{B},s-3,2,99,USD,2026-04-01,",
        f"{A},s-4,12,10,KZT,2026-05-01,",
    )
    before = len(rows_of(engine, "transaction"))
    report = import_transactions(engine, path, batch_rows=2)
    assert report.updated == [A, B] and report.unchanged == [] and report.problems == []
    assert len(rows_of(engine, "transaction")) == before + 4
    with session_scope(engine) as session:
        replaced = session.get(Transaction, tx_id)
        assert replaced is not None and replaced.ref == ref and replaced.currency == "USD"
    incremental = rows_of(engine, "rollup")
    with session_scope(engine) as session:
        rebuild(session)
    assert rows_of(engine, "rollup") == incremental

    again = import_transactions(engine, path, batch_rows=2)
    assert again.updated == [] and again.unchanged == [A, B]
    assert rows_of(engine, "rollup") == incremental


def test_a_duplicate_ref_in_a_later_batch_refuses_the_whole_file(
    engine: Engine, tmp_path: Path
) -> None:
    path = _file(
        tmp_path,
        f"{A},d-1,3,1,USD,2026-01-01,",
        f"{A},d-2,3,1,USD,2026-01-01,",
        f"{B},d-1,3,1,USD,2026-01-01,",  # the same ref in another project is another key
        f"{A},d-1,3,2,USD,2026-01-02,",
    )
    before = _snapshot(engine)
    with pytest.raises(InputError) as refused:
        import_transactions(engine, path, batch_rows=2)
    assert [str(p) for p in refused.value.problems] == [
        f"{path}:5: ref: duplicate ref 'd-1' for project '{A}'"
    ]
    assert _snapshot(engine) == before


def test_a_bad_row_after_written_batches_leaves_nothing_and_partial_keeps_the_rest(
    engine: Engine, tmp_path: Path
) -> None:
    good = [f"{A},g-{i},3,{i + 1},USD,2026-01-0{i + 1},Streaming Test Bank" for i in range(5)]
    path = _file(tmp_path, *good, f"{B},bad,3,1,USD,2026-02-30,")
    before = _snapshot(engine)
    with pytest.raises(InputError) as refused:
        import_transactions(engine, path, batch_rows=2)
    assert [(p.line, p.field) for p in refused.value.problems] == [(7, "value_date")]
    assert _snapshot(engine) == before

    report = import_transactions(engine, path, batch_rows=2, partial=True)
    assert report.updated == [A] and [p.line for p in report.problems] == [7]
    assert len(rows_of(engine, "transaction")) == len(before["transaction"]) + 5


def test_a_dry_run_across_batches_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = _file(tmp_path, *(f"{A},r-{i},3,1,USD,2026-01-01," for i in range(5)))
    before = _snapshot(engine)
    report = import_transactions(engine, path, batch_rows=2, dry_run=True)
    assert report.dry_run and report.updated == [A]
    assert _snapshot(engine) == before


def test_the_audit_records_the_transactions_each_batch_changed(
    engine: Engine, tmp_path: Path
) -> None:
    ref, _ = _stored_ref(engine, A)
    path = _file(tmp_path, f"{A},{ref},2,7,USD,2026-01-15,", f"{A},n-1,3,8,EUR,2026-02-01,")
    import_transactions(engine, path, batch_rows=1)
    with session_scope(engine) as session:
        entries = history(session, "project", A)[-2:]
        title = session.scalar(select(Project.title).where(Project.identifier == A))
    replaced, added = entries
    assert [e.action for e in entries] == ["update", "update"]
    assert replaced.before is not None and replaced.after is not None
    assert [t["ref"] for t in replaced.before["transactions"]] == [ref]
    assert replaced.after["transactions"][0]["value"] == "7"
    assert replaced.after["title"] == title
    assert added.before == {"title": title, "transactions": []}
    assert added.after is not None and [t["ref"] for t in added.after["transactions"]] == ["n-1"]
    change = summarise(added)  # as the changes feed shows it: the project, the one transaction
    assert change.title == title and [f.field for f in change.fields] == ["transaction n-1"]
    count = len(rows_of(engine, "audit_log"))
    import_transactions(engine, path, batch_rows=1)  # unchanged: nothing audited
    assert len(rows_of(engine, "audit_log")) == count


def test_problems_past_the_limit_are_counted_not_listed(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transactions_import, "MAX_PROBLEMS", 3)
    path = _file(tmp_path, *(f"{A},p-{i},3,x,USD,2026-01-01," for i in range(5)))
    with pytest.raises(InputError) as refused:
        import_transactions(engine, path, batch_rows=2)
    assert [p.line for p in refused.value.problems] == [2, 3, 4, 0]
    assert refused.value.problems[-1].reason == "2 more problems, not listed"
