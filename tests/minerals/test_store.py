"""Recorded prospectivity runs: record, attach and list on SQLite and PostgreSQL, audited; a bad
folder or an unknown project is refused with a clear message and nothing written."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from cajad.minerals.demo import TARGET, run_demo
from cajad.minerals.run import RunConfig
from cajad.minerals.store import (
    ENTITY,
    RecordError,
    attach,
    detach,
    get_run,
    record_run,
    runs,
)
from cajad.register import audit
from cajad.register.errors import NotFoundError
from cajad.register.models import AuditEntry
from cajad.register.store import session_scope
from tests.conftest import rows_of

MINING = "kz-jogmec-kazgeology-rare-earths-2015"
OTHER = "kz-mitsubishi-gallium-offtake-2025"


def small_demo(folder: Path) -> Path:
    """The Central Asia demo at 40 km with a light logistic model: a real run in seconds."""
    config = RunConfig(model="logistic", n_background=2000, n_members=2)
    run_demo(folder, config, resolution=40_000)
    return folder


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_demo(tmp_path_factory.mktemp("demo-run"))


def audit_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        query = select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == ENTITY)
        return int(session.scalar(query) or 0)


def test_record_keeps_figures_artefacts_and_checksums(engine: Engine, run_dir: Path) -> None:
    with session_scope(engine, actor="tester") as session:
        done = record_run(session, run_dir, MINING, commodity=TARGET)
        run_id = done.run.id
    assert done.created
    with session_scope(engine) as session:
        run = get_run(session, run_id)
        assert run.project_identifiers == [MINING]
        assert (run.commodity, run.model, run.actor) == (TARGET, "logistic", "tester")
        assert run.metrics == json.loads((run_dir / "metrics.json").read_text())
        assert run.run_file["parameters"]["model"] == "logistic"
        assert run.map_png == (run_dir / "map.png").read_bytes()
        assert run.curves_png == (run_dir / "curves.png").read_bytes()
        assert run.targets_geojson == (run_dir / "targets.geojson").read_text()
        tif = (run_dir / "prospectivity.tif").read_bytes()
        assert run.prospectivity_sha256 == hashlib.sha256(tif).hexdigest()
        assert Path(run.uncertainty_path) == (run_dir / "uncertainty.tif").resolve()
        assert run.note is not None and "not where undiscovered geology is" in run.note
        [entry] = audit.history(session, ENTITY, str(run_id))
    assert (entry.action, entry.actor) == ("insert", "tester")
    assert entry.after is not None and entry.after["projects"] == [MINING]
    assert entry.after["roc_auc"] == run.metrics["roc_auc"]


def test_recording_a_folder_twice_keeps_one_run(engine: Engine, run_dir: Path) -> None:
    with session_scope(engine) as session:
        first = record_run(session, run_dir).run.id
    with session_scope(engine) as session:
        again = record_run(session, run_dir, OTHER)
        assert not again.created and again.run.id == first
        assert again.run.project_identifiers == [OTHER]
    assert len(rows_of(engine, "prospectivity_run")) == 1
    with session_scope(engine) as session:
        actions = [e.action for e in audit.history(session, ENTITY, str(first))]
    assert actions == ["insert", "update"]


def test_attach_links_lists_and_unlinks(engine: Engine, run_dir: Path) -> None:
    with session_scope(engine) as session:
        run_id = record_run(session, run_dir).run.id
        assert runs(session, MINING) == []
    with session_scope(engine, actor="curator") as session:
        attach(session, run_id, MINING)
    with session_scope(engine) as session:
        assert [r.id for r in runs(session, MINING)] == [run_id]
        assert [r.id for r in runs(session)] == [run_id]
        assert runs(session, OTHER) == []
        entry = audit.history(session, ENTITY, str(run_id))[-1]
    assert (entry.action, entry.actor) == ("update", "curator")
    assert entry.before == {"projects": []} and entry.after == {"projects": [MINING]}
    with session_scope(engine) as session:
        attach(session, run_id, MINING)  # no change: not audited again
        attach(session, run_id, OTHER)
    with session_scope(engine) as session:
        assert get_run(session, run_id).project_identifiers == [MINING, OTHER]
        assert [r.id for r in runs(session, OTHER)] == [run_id]
        assert [r.id for r in runs(session)] == [run_id]  # one row, whatever the links
        detach(session, run_id, MINING)
        detach(session, run_id, MINING)  # no change: not audited again
    with session_scope(engine) as session:
        assert get_run(session, run_id).project_identifiers == [OTHER]
        assert runs(session, MINING) == []
        entry = audit.history(session, ENTITY, str(run_id))[-1]
    assert entry.before == {"projects": [MINING, OTHER]} and entry.after == {"projects": [OTHER]}
    assert audit_count(engine) == 4


def test_recording_with_several_projects_links_them_all(engine: Engine, run_dir: Path) -> None:
    with session_scope(engine) as session:
        run_id = record_run(session, run_dir, OTHER, MINING, OTHER).run.id
    with session_scope(engine) as session:
        assert get_run(session, run_id).project_identifiers == [MINING, OTHER]
        [entry] = audit.history(session, ENTITY, str(run_id))
    assert entry.after is not None and entry.after["projects"] == [MINING, OTHER]


def test_attach_refuses_unknown_run_or_project(engine: Engine, run_dir: Path) -> None:
    with session_scope(engine) as session:
        run_id = record_run(session, run_dir).run.id
    before = rows_of(engine, "prospectivity_run")
    with pytest.raises(NotFoundError, match="no project 'nowhere'"), session_scope(engine) as s:
        attach(s, run_id, "nowhere")
    with pytest.raises(NotFoundError, match="no prospectivity run 999"), session_scope(engine) as s:
        attach(s, 999, MINING)
    with pytest.raises(NotFoundError, match="no project 'nowhere'"), session_scope(engine) as s:
        detach(s, run_id, "nowhere")
    assert rows_of(engine, "prospectivity_run") == before
    assert audit_count(engine) == 1


def test_unknown_project_records_nothing(empty_engine: Engine, run_dir: Path) -> None:
    with (
        pytest.raises(NotFoundError, match="no project 'nowhere'"),
        session_scope(empty_engine) as s,
    ):
        record_run(s, run_dir, "nowhere")
    assert rows_of(empty_engine, "prospectivity_run") == []
    assert audit_count(empty_engine) == 0


@pytest.mark.parametrize("name", ["metrics.json", "map.png", "targets.geojson", "uncertainty.tif"])
def test_a_folder_missing_a_file_is_refused(
    empty_engine: Engine, run_dir: Path, tmp_path: Path, name: str
) -> None:
    folder = shutil.copytree(run_dir, tmp_path / "run")
    (folder / name).unlink()
    with (
        pytest.raises(RecordError, match=rf"{name} is missing: it holds"),
        session_scope(empty_engine) as session,
    ):
        record_run(session, folder)
    assert rows_of(empty_engine, "prospectivity_run") == []
    assert audit_count(empty_engine) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"accuracy": 0.99}', "not written by cajad"),
        ('{"validation": "random split", "roc_auc": 0.9}', "not the metrics of a cajad"),
        ("roc_auc = 0.9", "not valid JSON"),
    ],
)
def test_metrics_that_are_not_a_cajad_run_are_refused(
    empty_engine: Engine, run_dir: Path, tmp_path: Path, content: str, message: str
) -> None:
    folder = shutil.copytree(run_dir, tmp_path / "run")
    (folder / "metrics.json").write_text(content)
    with (
        pytest.raises(RecordError, match=message) as caught,
        session_scope(empty_engine) as session,
    ):
        record_run(session, folder)
    assert str(folder / "metrics.json") in str(caught.value)
    assert rows_of(empty_engine, "prospectivity_run") == []


def test_a_broken_png_and_a_missing_folder_are_refused(run_dir: Path, tmp_path: Path) -> None:
    folder = shutil.copytree(run_dir, tmp_path / "run")
    (folder / "curves.png").write_bytes(b"GIF89a")
    with pytest.raises(RecordError, match=r"curves.png is not a PNG"):
        record_run(None, folder)  # type: ignore[arg-type]  # refused before any database use
    with pytest.raises(RecordError, match="not a folder"):
        record_run(None, tmp_path / "nothing")  # type: ignore[arg-type]
