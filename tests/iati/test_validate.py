"""Validation against the bundled 2.03 schema and codelists, each problem with its place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cajad.iati._import import IatiImportReport, read_specs
from cajad.iati._reader import read_records
from cajad.iati._validate import schema_problems
from cajad.iati.errors import IatiInputError
from tests.iati.conftest import DATA, REAL

TESTS = DATA / "schema-tests"
PLACE = re.compile(r"^.+\.xml:\d+: iati-activity[\w/\[\]@:-]*: .+")


def _as_203(source: Path, folder: Path) -> Path:
    """The upstream schema tests say ``version="xx"``; cajad reads 2.0x, so say 2.03."""
    target = folder / source.name
    target.write_bytes(source.read_bytes().replace(b'version="xx"', b'version="2.03"'))
    return target


def _report(path: Path) -> IatiImportReport:
    report = IatiImportReport(source=path.name)
    for _ in read_specs(path, report):
        pass
    return report


def test_upstream_should_pass_documents_have_no_schema_problem(tmp_path: Path) -> None:
    files = sorted((TESTS / "should-pass").rglob("*.xml"))
    assert len(files) > 40
    for source in files:
        path = _as_203(source, tmp_path)
        for info, record in read_records(path):
            assert schema_problems(info.kind, record, path.name) == [], source.name


def test_upstream_should_fail_documents_are_all_caught(tmp_path: Path) -> None:
    files = sorted((TESTS / "should-fail").rglob("*.xml"))
    assert len(files) > 150
    missed = []
    for source in files:
        try:
            report = _report(_as_203(source, tmp_path))
        except IatiInputError:
            continue
        if not report.refused:
            missed.append(source.name)
    assert missed == []


def test_problems_name_file_line_element_path_and_reason() -> None:
    report = _report(REAL / "germany-aa_XM-DAC-5-7_dportal-p121.xml")
    errors = [p for p in report.problems if p.level == "error"]
    assert errors and all(PLACE.match(str(p)) for p in errors)
    first = str(errors[0])
    assert first.startswith("germany-aa_XM-DAC-5-7_dportal-p121.xml:45: iati-activity/")
    assert "attribute 'code' is required but missing" in first


def test_codes_outside_the_codelists_are_reported_by_level(tmp_path: Path) -> None:
    path = tmp_path / "codes.xml"
    path.write_text(
        """<iati-activities version="2.03"><iati-activity>
<iati-identifier>XX-1-A</iati-identifier>
<reporting-org ref="XX-1" type="10"><narrative>X</narrative></reporting-org>
<title><narrative>T</narrative></title><description><narrative>D</narrative></description>
<participating-org role="1" ref="XX-1"/>
<activity-status code="9"/>
<activity-date type="1" iso-date="2024-01-01"/>
<recipient-country code="QQ"/>
</iati-activity></iati-activities>""",
        encoding="utf-8",
    )
    report = _report(path)
    found = {(p.field, p.level) for p in report.problems}
    assert ("iati-activity/activity-status/@code", "error") in found  # embedded list
    assert ("iati-activity/recipient-country/@code", "warning") in found  # ISO list
    assert report.left_out == ["XX-1-A"]


@pytest.mark.parametrize("name", ["eu-intpa_XI-IATI-EC_INTPA_dportal-p81.xml"])
def test_a_valid_real_file_has_no_errors(name: str) -> None:
    report = _report(REAL / name)
    assert report.refused == 0 and report.records == 100 and report.left_out == []
