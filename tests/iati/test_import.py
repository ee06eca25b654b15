"""IATI imports: money equals an independent XPath sum; updates are idempotent and ordered."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cajad.iati import StrictValidationError, import_file
from cajad.register import load_demo, session_scope
from cajad.register.models import IatiActivity, Organisation, Project, ProjectText, Transaction
from tests.conftest import rows_of
from tests.iati.conftest import DATA, REAL, REAL_FILES, schema_valid_identifiers, xpath_totals

TABLES = ("project", "transaction", "organisation", "participation", "rollup", "iati_activity")
SMALL = REAL / "iom_XM-DAC-47066_dportal-p115.xml"
EU = REAL / "eu-intpa_XI-IATI-EC_INTPA_dportal-p81.xml"


def _register_totals(engine: Engine) -> dict[str, dict[tuple[int, str], Decimal]]:
    totals: dict[str, dict[tuple[int, str], Decimal]] = defaultdict(dict)
    query = (
        select(Project.identifier, Transaction.type, Transaction.currency, Transaction.value)
        .join(Transaction, Transaction.project_id == Project.id)
        .where(Transaction.type.in_((2, 3)))
    )
    with session_scope(engine) as session:
        for identifier, kind, currency, value in session.execute(query):
            sums = totals[identifier]
            sums[(kind, currency)] = sums.get((kind, currency), Decimal(0)) + value
    return totals


@pytest.mark.parametrize("path", REAL_FILES, ids=[p.name.split("_")[0] for p in REAL_FILES])
def test_money_per_activity_equals_an_xpath_sum(loaded: Engine, path: Path) -> None:
    expected = xpath_totals(path)
    imported = schema_valid_identifiers(path)
    stored = _register_totals(loaded)
    with session_scope(loaded) as session:
        present = set(session.scalars(select(Project.identifier)))
    assert imported <= present
    assert len(imported) >= 70
    for identifier in imported:
        assert stored.get(identifier, {}) == expected[identifier], identifier


def test_only_valid_activities_are_imported_and_the_rest_reported(register: Engine) -> None:
    path = REAL / "germany-aa_XM-DAC-5-7_dportal-p121.xml"
    report = import_file(register, path)
    assert set(report.created) == schema_valid_identifiers(path)
    assert report.records == 100 and len(report.created) + len(report.left_out) == 100
    assert report.refused > 0


def test_reimporting_a_file_changes_nothing(empty_engine: Engine, tmp_path: Path) -> None:
    first = import_file(empty_engine, SMALL)
    assert len(first.created) == 100
    before = {t: rows_of(empty_engine, t) for t in TABLES}
    again = import_file(empty_engine, SMALL)
    assert again.created == [] and again.updated == [] and len(again.unchanged) == 100
    assert {t: rows_of(empty_engine, t) for t in TABLES} == before


def test_a_newer_last_updated_datetime_wins(register: Engine, tmp_path: Path) -> None:
    import_file(register, EU)
    text = EU.read_text(encoding="utf-8")
    older = tmp_path / "older.xml"
    older.write_text(
        text.replace('last-updated-datetime="2021', 'last-updated-datetime="2019'), encoding="utf-8"
    )
    report = import_file(register, older)
    assert len(report.kept_newer) == 100 and report.updated == []

    newer = tmp_path / "newer.xml"
    first_title = text.index("<narrative", text.index("<title>"))
    edited = text[:first_title] + text[first_title:].replace(">", ">EDITED ", 1)
    newer.write_text(
        edited.replace('last-updated-datetime="2021', 'last-updated-datetime="2022', 1),
        encoding="utf-8",
    )
    report = import_file(register, newer)
    assert len(report.updated) == 1 and len(report.unchanged) == 99
    with session_scope(register) as session:
        project = session.scalar(select(Project).where(Project.identifier == report.updated[0]))
        assert project is not None and project.title.startswith("EDITED ")


def test_strict_refuses_a_file_with_errors_and_dry_run_writes_nothing(register: Engine) -> None:
    path = REAL / "germany-aa_XM-DAC-5-7_dportal-p121.xml"
    with pytest.raises(StrictValidationError, match="refused \\(--strict\\)") as caught:
        import_file(register, path, strict=True)
    assert caught.value.problems and all(p.level == "error" for p in caught.value.problems)
    dry = import_file(register, path, dry_run=True)
    assert len(dry.created) == 74
    assert rows_of(register, "project") == []


def test_narratives_in_every_language_and_the_source_are_kept(register: Engine) -> None:
    import_file(register, SMALL)
    with session_scope(register) as session:
        texts = session.scalars(select(ProjectText)).all()
        sources = session.scalars(select(IatiActivity)).all()
    assert len(sources) == 100 and all(s.version == "2.03" for s in sources)
    kinds = {t.kind for t in texts}
    assert "title" in kinds and any(k.startswith("description:") for k in kinds)


def test_iati_and_the_initiative_deals_live_together(register: Engine) -> None:
    import_file(register, EU)
    load_demo(register)
    again = import_file(register, EU)
    assert again.created == [] and again.updated == []
    assert load_demo(register).updated == []


def test_organisation_files_fill_the_register_organisations(register: Engine) -> None:
    path = DATA / "organisation-standard-example-annotated.xml"
    report = import_file(register, path)
    assert report.kind == "organisations" and report.created == ["AA-AAA-123456789"]
    assert import_file(register, path).unchanged == ["AA-AAA-123456789"]
    with session_scope(register) as session:
        org = session.scalar(select(Organisation).where(Organisation.ref == "AA-AAA-123456789"))
        assert org is not None and org.type == "40"


def test_only_japanese_money_in_central_asia_counts_toward_the_goal(loaded: Engine) -> None:
    with session_scope(loaded) as session:
        counted = session.scalars(
            select(Project.identifier).where(Project.counts_toward_goal.is_(True))
        ).all()
    assert counted == []  # none of the bundled publishers is Japanese
