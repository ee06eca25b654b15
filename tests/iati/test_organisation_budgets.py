"""Organisation files: budgets and expenditure reach the register exactly, re-import changes
nothing, a newer ``last-updated-datetime`` wins, bad money is refused with its place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from cajad.iati import StrictValidationError, import_file
from cajad.register import session_scope
from cajad.register.models import (
    AuditEntry,
    IatiOrganisation,
    Organisation,
    OrganisationBudget,
)
from tests.conftest import rows_of
from tests.iati.conftest import DATA

EXAMPLE = DATA / "organisation-standard-example-annotated.xml"
REF = "AA-AAA-123456789"
TABLES = ("organisation", "organisation_budget", "organisation_budget_line", "iati_organisation")


def _variant(tmp_path: Path, name: str, *replacements: tuple[str, str]) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _budgets(engine: Engine) -> list[OrganisationBudget]:
    with session_scope(engine) as session:
        org = session.scalar(select(Organisation).where(Organisation.ref == REF))
        assert org is not None
        rows = session.scalars(
            select(OrganisationBudget)
            .where(OrganisationBudget.organisation_id == org.id)
            .order_by(OrganisationBudget.seq)
        ).all()
        for row in rows:
            _ = row.lines  # loaded before the session closes
        session.expunge_all()
        return list(rows)


def test_budgets_and_expenditure_are_stored_exactly(empty_engine: Engine) -> None:
    report = import_file(empty_engine, EXAMPLE)
    assert report.created == [REF] and report.refused == 0
    budgets = _budgets(empty_engine)
    assert [b.kind for b in budgets] == [
        "total-budget",
        "recipient-org-budget",
        "recipient-region-budget",
        "recipient-country-budget",
        "total-expenditure",
    ]
    total, org, region, country, spent = budgets
    assert (total.status, total.value, total.currency) == ("2", Decimal("250000000"), "USD")
    assert (total.period_start, total.period_end) == (dt.date(2014, 1, 1), dt.date(2014, 12, 31))
    assert total.value_date == dt.date(2014, 1, 1)
    assert [(line.ref, line.value, line.narratives) for line in total.lines] == [
        ("1234", Decimal("200000000"), [["", "Budget Line"]])
    ]
    assert (org.recipient, org.narratives) == ("AA-ABC-1234567", [["", "Org Name"]])
    assert (region.recipient, region.recipient_vocabulary) == ("A1", "99")
    assert region.recipient_vocabulary_uri == "http://example.com/vocab.html"
    assert country.recipient == "AF" and country.value == Decimal("25000000")
    assert spent.status is None
    assert [(line.value, line.narratives) for line in spent.lines] == [
        (Decimal("200000000"), [["en", "Expense Line"]])
    ]
    with session_scope(empty_engine) as session:
        source = session.scalar(select(IatiOrganisation))
        assert source is not None
        assert (source.version, source.language, source.default_currency) == ("2.03", "en", "EUR")
        assert source.last_updated == dt.datetime(2014, 9, 10, 7, 15, 37)


def test_reimport_of_an_unchanged_file_changes_nothing(empty_engine: Engine) -> None:
    import_file(empty_engine, EXAMPLE)
    before = {t: rows_of(empty_engine, t) for t in (*TABLES, "audit_log")}
    again = import_file(empty_engine, EXAMPLE)
    assert again.unchanged == [REF] and again.created == [] and again.updated == []
    assert {t: rows_of(empty_engine, t) for t in (*TABLES, "audit_log")} == before


def test_a_newer_file_replaces_the_budgets_and_is_audited(
    empty_engine: Engine, tmp_path: Path
) -> None:
    import_file(empty_engine, EXAMPLE)
    newer = _variant(
        tmp_path,
        "newer.xml",
        (
            'last-updated-datetime="2014-09-10T07:15:37Z"',
            'last-updated-datetime="2015-01-01T00:00:00Z"',
        ),
        (">250000000</value>", ">260000000.25</value>"),
    )
    report = import_file(empty_engine, newer)
    assert report.updated == [REF]
    assert _budgets(empty_engine)[0].value == Decimal("260000000.25")
    with session_scope(empty_engine) as session:
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "organisation_budgets")
            .order_by(AuditEntry.id)
        ).all()
        assert [e.action for e in entries] == ["insert", "update"]
        assert entries[1].before is not None and entries[1].after is not None
        assert entries[1].before["budgets"][0]["value"] == "250000000"
        assert entries[1].after["budgets"][0]["value"] == "260000000.25"
    # The older file read again is ignored: the register keeps the newer budgets.
    older = import_file(empty_engine, EXAMPLE)
    assert older.kept_newer == [REF] and older.updated == []
    assert any("holds a newer version" in str(p) for p in older.problems)
    assert _budgets(empty_engine)[0].value == Decimal("260000000.25")


def test_budgets_a_newer_file_drops_are_removed(empty_engine: Engine, tmp_path: Path) -> None:
    import_file(empty_engine, EXAMPLE)
    text = EXAMPLE.read_text(encoding="utf-8")
    start, end = text.index("<total-expenditure>"), text.index("</total-expenditure>")
    path = tmp_path / "fewer.xml"
    path.write_text(
        (text[:start] + text[end + len("</total-expenditure>") :]).replace(
            "2014-09-10T07:15:37Z", "2014-10-01T00:00:00Z"
        ),
        encoding="utf-8",
    )
    assert import_file(empty_engine, path).updated == [REF]
    assert [b.kind for b in _budgets(empty_engine)][-1] == "recipient-country-budget"
    assert len(rows_of(empty_engine, "organisation_budget_line")) == 4


def test_bad_money_names_file_line_element_and_reason(register: Engine, tmp_path: Path) -> None:
    path = _variant(
        tmp_path,
        "bad.xml",
        (
            '<value currency="USD" value-date="2014-01-01">250000000',
            '<value value-date="2014-01-01">a lot',
        ),
    )
    report = import_file(register, path)
    assert report.left_out == [REF] and report.created == []
    messages = [str(p) for p in report.problems if p.level == "error"]
    assert any(
        m.startswith(f"{path}:") and "iati-organisation/total-budget/value" in m for m in messages
    ), messages
    with session_scope(register) as session:
        assert session.scalar(select(func.count(OrganisationBudget.id))) == 0
        assert session.scalar(select(func.count(Organisation.id))) == 0


def test_a_value_without_any_currency_is_refused(register: Engine, tmp_path: Path) -> None:
    path = _variant(
        tmp_path,
        "nocurrency.xml",
        (' default-currency="EUR"', ""),
        (
            '<value currency="USD" value-date="2014-01-01">250000000',
            '<value value-date="2014-01-01">250000000',
        ),
    )
    report = import_file(register, path)
    reasons = [p.reason for p in report.problems if p.level == "error"]
    assert any("no currency" in r for r in reasons), reasons
    assert report.left_out == [REF]


def test_the_default_currency_applies_to_values_without_one(
    register: Engine, tmp_path: Path
) -> None:
    path = _variant(
        tmp_path,
        "default.xml",
        (
            '<value currency="USD" value-date="2014-01-01">250000000',
            '<value value-date="2014-01-01">250000000',
        ),
    )
    import_file(register, path)
    assert _budgets(register)[0].currency == "EUR"


def test_strict_refuses_the_whole_file_and_dry_run_writes_nothing(
    register: Engine, tmp_path: Path
) -> None:
    bad = _variant(tmp_path, "bad.xml", (">250000000</value>", ">oops</value>"))
    with pytest.raises(StrictValidationError):
        import_file(register, bad, strict=True)
    dry = import_file(register, EXAMPLE, dry_run=True)
    assert dry.created == [REF]
    assert all(rows_of(register, t) == [] for t in TABLES)
