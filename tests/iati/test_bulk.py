"""Folders: parallel workers, a bad file reported and skipped; the CLI commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

import cajad.iati
from cajad.iati import FileOutcome, import_folder
from cajad.iati.cli import register as register_cli
from cajad.register.store import database_url
from tests.conftest import rows_of
from tests.iati.conftest import OLD_FILE, REAL
from tests.iati.hostile import billion_laughs

GOOD = ("iom_XM-DAC-47066_dportal-p115.xml", "spain-maec_ES-DIR3-E04585801_indonesia_v2.01.xml")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    for name in GOOD:
        shutil.copy(REAL / name, root / "sub" / name)
    shutil.copy(OLD_FILE, root / OLD_FILE.name)
    billion_laughs(root / "laughs.xml")
    return root


def test_a_folder_lands_in_parallel_and_bad_files_are_skipped(
    register: Engine, folder: Path
) -> None:
    seen: list[tuple[str, int, int]] = []

    def on_file(outcome: FileOutcome, done: int, total: int) -> None:
        seen.append((Path(outcome.path).name, done, total))

    report = import_folder(register, folder, workers=2, on_file=on_file)
    assert sorted(name for name, _d, _t in seen) == sorted([*GOOD, OLD_FILE.name, "laughs.xml"])
    assert [d for _n, d, _t in seen] == [1, 2, 3, 4]
    failed = {Path(f.path).name: f.error for f in report.failed}
    assert set(failed) == {OLD_FILE.name, "laughs.xml"}
    assert "IATI version 1.01 is not supported" in str(failed[OLD_FILE.name])
    assert str(failed["laughs.xml"]).endswith(
        "laughs.xml:2: refused: the file has a DOCTYPE "
        "(DTDs and entities are not allowed in IATI files; they are a way to attack XML readers)"
    )
    assert len(report.created) == 183
    again = import_folder(register, folder, workers=1)
    assert again.created == [] and again.updated == [] and len(again.unchanged) == 183


def test_the_cli_imports_and_exports(
    register: Engine, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAJAD_DATABASE_URL", register.url.render_as_string(hide_password=False))
    assert database_url() == register.url.render_as_string(hide_password=False)
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """cajad (test)."""

    register_cli(app)
    runner = CliRunner()
    result = runner.invoke(app, ["import-iati", str(folder), "--workers", "1", "--json"])
    assert result.exit_code == 3, result.output  # two files refused whole
    assert len(json.loads(result.stdout)["created"]) == 183
    before = {t: rows_of(register, t) for t in ("project", "organisation", "audit_log")}
    single = runner.invoke(app, ["import-iati", str(folder / "laughs.xml")])
    assert single.exit_code == 2
    assert "laughs.xml:2: refused: the file has a DOCTYPE" in single.output
    assert "Traceback" not in single.output
    assert {t: rows_of(register, t) for t in before} == before
    out = tmp_path / "out.xml"
    exported = runner.invoke(app, ["export", "iati", str(out), "--identifier-prefix", "ES-"])
    assert exported.exit_code == 0, exported.output
    assert "83 activities written" in exported.stdout
    strict = runner.invoke(
        app, ["import-iati", str(REAL / "germany-aa_XM-DAC-5-7_dportal-p121.xml"), "--strict"]
    )
    assert strict.exit_code == 2 and "refused (--strict)" in strict.output


def test_the_public_surface_is_pinned() -> None:
    assert cajad.iati.__all__ == [
        "SUPPORTED_VERSIONS",
        "ExportError",
        "ExportReport",
        "FileOutcome",
        "FolderReport",
        "IatiError",
        "IatiImportReport",
        "IatiInputError",
        "IatiProblem",
        "MalformedXmlError",
        "NothingToExportError",
        "StrictValidationError",
        "UnsafeXmlError",
        "UnsupportedVersionError",
        "UnwritableProjectError",
        "export_activities",
        "export_organisations",
        "import_file",
        "import_folder",
        "import_path",
        "stream_activities",
    ]
