"""Organisation export: schema-valid IATI 2.03 organisation XML; import → export → import of an
organisation file loses nothing of what the register models."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from cajad.cli import app
from cajad.iati import ExportError, export_organisations, import_file
from cajad.iati._org_budgets import state, stored_budgets, stored_source
from cajad.register import init, make_engine, session_scope
from cajad.register.models import Organisation
from tests.conftest import rows_of
from tests.iati.conftest import DATA, REAL, parse

EXAMPLE = DATA / "organisation-standard-example-annotated.xml"
SCHEMA = Path(__file__).parents[2] / "src/cajad/data/iati/schema/iati-organisations-schema.xsd"
REF = "AA-AAA-123456789"
runner = CliRunner()


def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(parse(SCHEMA))


def _modelled(engine: Engine) -> dict[str, object]:
    """What the register models of every organisation with a ref, by ref."""
    with session_scope(engine) as session:
        found: dict[str, object] = {}
        for org in session.scalars(select(Organisation).where(Organisation.ref.is_not(None))):
            source = stored_source(session, org.id)
            found[str(org.ref)] = (
                org.name,
                org.type,
                None if source is None else (source.last_updated, source.language),
                None if source is None else source.default_currency,
                state(stored_budgets(session, org.id)),
            )
        return found


def test_export_validates_and_round_trips_losslessly(empty_engine: Engine, tmp_path: Path) -> None:
    import_file(empty_engine, EXAMPLE)
    out = tmp_path / "orgs.xml"
    report = export_organisations(empty_engine, out)
    assert report.written == 1 and report.left_out == {}
    document = parse(out)
    schema = _schema()
    assert schema.validate(document), schema.error_log
    record = document.getroot()[0]
    assert record.findtext("organisation-identifier") == REF
    assert record.get("default-currency") == "EUR"
    assert [child.tag for child in record][3:] == [
        "total-budget",
        "recipient-org-budget",
        "recipient-region-budget",
        "recipient-country-budget",
        "total-expenditure",
    ]
    assert record.find("total-budget/value").text == "250000000"
    assert record.find("recipient-region-budget/recipient-region").get("vocabulary") == "99"
    assert (
        record.find("total-expenditure/expense-line/narrative").get(
            "{http://www.w3.org/XML/1998/namespace}lang"
        )
        == "en"
    )
    # Read back into the same register: nothing changes.
    before = {t: rows_of(empty_engine, t) for t in ("organisation_budget", "audit_log")}
    again = import_file(empty_engine, out)
    assert again.unchanged == [REF] and again.refused == 0
    assert {t: rows_of(empty_engine, t) for t in before} == before
    # Read into a fresh register: the same organisation and budgets.
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    init(fresh)
    import_file(fresh, out)
    assert _modelled(fresh) == _modelled(empty_engine)
    fresh.dispose()


def test_export_of_organisations_from_real_activity_files_validates(register: Engine) -> None:
    import_file(register, EXAMPLE)
    import_file(register, REAL / "eu-intpa_XI-IATI-EC_INTPA_dportal-p81.xml")
    buffer = io.BytesIO()
    report = export_organisations(register, buffer)
    assert report.written > 1
    assert _schema().validate(etree.fromstring(buffer.getvalue()).getroottree())
    with session_scope(register) as session:
        without_ref = session.scalars(select(Organisation.name).where(Organisation.ref.is_(None)))
        for name in without_ref:
            assert report.left_out[name] == "no organisation identifier (ref)"


def test_an_empty_register_has_nothing_to_export(register: Engine, tmp_path: Path) -> None:
    out = tmp_path / "none.xml"
    with pytest.raises(ExportError, match="no organisation"):
        export_organisations(register, out)
    assert not out.exists() and list(tmp_path.glob(".*partial")) == []


def test_cli_writes_the_organisation_file(
    register: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(register, EXAMPLE)
    monkeypatch.setenv("CAJAD_DATABASE_URL", register.url.render_as_string(hide_password=False))
    out = tmp_path / "orgs.xml"
    result = runner.invoke(app, ["export", "iati", str(out), "--organisations"])
    assert result.exit_code == 0, result.output
    assert "1 organisations written" in result.output
    assert _schema().validate(parse(out))
    refused = runner.invoke(app, ["export", "iati", str(out), "--organisations", "--country", "KZ"])
    assert refused.exit_code == 2
