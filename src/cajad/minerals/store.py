"""Prospectivity runs recorded in the register (table in :mod:`cajad.minerals.tables`).

A run folder written by :func:`~cajad.minerals.run.run_prospectivity` is recorded whole enough
for the portal to work from the database alone: the metrics and run file as JSON, the map and
curves PNGs and the targets GeoJSON as they were written. The GeoTIFFs stay on disk; their
path and SHA-256 are recorded. A run may be linked to register projects, several if it
illustrates several (a demo run for rare earths: the AI partnership for geological exploration
and the rare-earth MoU). Recording, linking and unlinking are written to the audit log (entity
``prospectivity_run``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from cajad.minerals.errors import MineralsError
from cajad.minerals.tables import ProspectivityRun
from cajad.register import NotFoundError, Project, audit, bounds

__all__ = [
    "ENTITY",
    "ProspectivityRun",
    "RecordError",
    "Recorded",
    "attach",
    "detach",
    "get_run",
    "raster_file",
    "record_run",
    "require_project",
    "runs",
]

#: How the audit log names a recorded run.
ENTITY: Final = "prospectivity_run"
_PNG: Final = b"\x89PNG\r\n\x1a\n"
#: What each file of a run folder is needed for (said when it is missing).
REQUIRED: Final = {
    "metrics.json": "the validation figures the portal shows",
    "run.json": "the run file: inputs, parameters and versions",
    "map.png": "the map the portal shows",
    "curves.png": "the success- and prediction-rate curves the portal shows",
    "targets.geojson": "the ranked targets",
    "prospectivity.tif": "the prospectivity raster (its path and SHA-256 are recorded)",
    "uncertainty.tif": "the uncertainty raster (its path and SHA-256 are recorded)",
}
_METRICS_KEYS: Final = ("roc_auc", "pr_auc", "spatial_cv", "capture_efficiency_heldout", "targets")
#: How a run may be validated (``validation`` of its metrics, as :mod:`cajad.minerals.run` writes
#: it): spatial block CV, or not at all (a knowledge-driven map with too few known deposits; its
#: held-out figures are None and ``validation_note`` says why).
_VALIDATIONS: Final = ("spatial block CV", "not validated")


class RecordError(MineralsError, ValueError):
    """A folder cannot be recorded as a prospectivity run; nothing was written."""


@dataclass(frozen=True)
class Recorded:
    """The run a folder is recorded as; ``created`` is False when it was already recorded."""

    run: ProspectivityRun
    created: bool


def record_run(
    session: Session,
    out_dir: str | Path,
    *projects: str,
    actor: str | None = None,
    commodity: str | None = None,
) -> Recorded:
    """Record the run in ``out_dir``, linked to the projects named (identifiers), if any.

    The folder is checked first (:class:`RecordError` names the file and why); an unknown
    project is a :class:`NotFoundError`. A folder recorded before (same metrics, run file and
    targets) is not recorded twice: its run is returned, linked to ``projects`` too.
    """
    folder = Path(out_dir)
    files = _read_folder(folder)
    targets = [require_project(session, identifier) for identifier in projects]
    digest = _digest(files)
    existing = session.scalar(select(ProspectivityRun).where(ProspectivityRun.digest == digest))
    if existing is not None:
        _link(session, existing, [*existing.projects, *targets])
        return Recorded(existing, False)
    run = _new_run(folder, files, digest, targets, actor or str(session.info.get("actor", "cajad")))
    run.commodity = commodity or _commodity(files)
    session.add(run)
    session.flush()
    audit.record(
        session, action="insert", entity=ENTITY, key=str(run.id), before=None, after=run.summary()
    )
    return Recorded(run, True)


def attach(session: Session, run_id: int, project_identifier: str) -> ProspectivityRun:
    """Link run ``run_id`` to a project as well; audited when it changes."""
    run = get_run(session, run_id)
    _link(session, run, [*run.projects, require_project(session, project_identifier)])
    return run


def detach(session: Session, run_id: int, project_identifier: str) -> ProspectivityRun:
    """Unlink run ``run_id`` from a project; audited when it changes."""
    run = get_run(session, run_id)
    gone = require_project(session, project_identifier)
    _link(session, run, [p for p in run.projects if p.id != gone.id])
    return run


def runs(session: Session, project: str | None = None) -> list[ProspectivityRun]:
    """Recorded runs, newest first; only those linked to project ``project`` if given."""
    query = select(ProspectivityRun).order_by(ProspectivityRun.id.desc())
    if project is not None:
        query = query.join(ProspectivityRun.projects).where(Project.identifier == project)
    return list(session.scalars(query))


def get_run(session: Session, run_id: int) -> ProspectivityRun:
    """Run ``run_id``, or :class:`NotFoundError`."""
    # An id no database integer can hold is a run that cannot exist, not an overflow.
    run = session.get(ProspectivityRun, run_id) if 0 < run_id <= bounds.MAX_ID else None
    if run is None:
        raise NotFoundError(f"no prospectivity run {run_id} in the register")
    return run


#: The GeoTIFFs of a run, by the name the portal serves them under.
RASTERS: Final = ("prospectivity.tif", "uncertainty.tif")


def raster_file(run: ProspectivityRun, name: str) -> Path:
    """The GeoTIFF ``name`` (one of :data:`RASTERS`) of ``run`` on this machine, or
    :class:`NotFoundError` when it is gone or no longer the file that was recorded."""
    path, sha = (
        (run.prospectivity_path, run.prospectivity_sha256)
        if name == RASTERS[0]
        else (run.uncertainty_path, run.uncertainty_sha256)
    )
    found = Path(path)
    if not found.is_file() or _sha256(str(found), found.stat().st_mtime_ns) != sha:
        raise NotFoundError(f"{name} of run {run.id} is not on this server any more")
    return found


@lru_cache(maxsize=32)
def _sha256(path: str, _mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _link(session: Session, run: ProspectivityRun, projects: list[Project]) -> None:
    """Set the run's projects (duplicates dropped, ordered by identifier), audited if changed."""
    wanted = sorted({p.id: p for p in projects}.values(), key=lambda p: p.identifier)
    before = run.project_identifiers
    if [p.identifier for p in wanted] == before:
        return
    run.projects = wanted
    session.flush()
    audit.record(
        session,
        action="update",
        entity=ENTITY,
        key=str(run.id),
        before={"projects": before},
        after={"projects": run.project_identifiers},
    )


def require_project(session: Session, identifier: str) -> Project:
    """The project ``identifier``, or :class:`NotFoundError` (checked before a run starts)."""
    found = session.scalar(select(Project).where(Project.identifier == identifier))
    if found is None:
        raise NotFoundError(f"no project {identifier!r} in the register")
    return found


def _read_folder(folder: Path) -> dict[str, bytes]:
    """Every required file's bytes, after checking the folder is a cajad run."""
    if not folder.is_dir():
        raise RecordError(f"{folder}: not a folder (expected the --out folder of a run)")
    files: dict[str, bytes] = {}
    for name, why in REQUIRED.items():
        path = folder / name
        if not path.is_file():
            raise RecordError(f"{path} is missing: it holds {why}")
        files[name] = path.read_bytes()
    _check_metrics(folder / "metrics.json", files["metrics.json"])
    _check_json(folder / "run.json", files["run.json"], "parameters")
    _check_json(folder / "targets.geojson", files["targets.geojson"], "features")
    for name in ("map.png", "curves.png"):
        if not files[name].startswith(_PNG):
            raise RecordError(f"{folder / name} is not a PNG image")
    return files


def _check_json(path: Path, data: bytes, key: str) -> dict[str, Any]:
    try:
        parsed = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(parsed, dict) or key not in parsed:
        raise RecordError(f"{path}: not written by cajad (no `{key}` field)")
    return parsed


def _check_metrics(path: Path, data: bytes) -> None:
    metrics = _check_json(path, data, "validation")
    missing = [k for k in _METRICS_KEYS if k not in metrics]
    if metrics["validation"] not in _VALIDATIONS or missing:
        raise RecordError(
            f"{path}: not the metrics of a cajad prospectivity run "
            f"(validation {metrics['validation']!r}; missing {', '.join(missing) or 'nothing'})"
        )


def _digest(files: dict[str, bytes]) -> str:
    h = hashlib.sha256()
    for name in ("metrics.json", "run.json", "targets.geojson"):
        h.update(hashlib.sha256(files[name]).digest())
    return h.hexdigest()


def _commodity(files: dict[str, bytes]) -> str:
    """The run file's ``commodity`` if it has one, else the deposits file's name."""
    run_file = json.loads(files["run.json"])
    if run_file.get("commodity"):
        return str(run_file["commodity"])
    deposits = run_file.get("inputs", {}).get("deposits") or [{"path": "unknown deposits"}]
    return Path(deposits[0]["path"]).stem.replace("_", " ")


def _new_run(
    folder: Path, files: dict[str, bytes], digest: str, projects: list[Project], actor: str
) -> ProspectivityRun:
    run_file = json.loads(files["run.json"])
    note = folder / "README.txt"
    return ProspectivityRun(
        projects=sorted({p.id: p for p in projects}.values(), key=lambda p: p.identifier),
        model=str(run_file["parameters"].get("model", "unknown")),
        actor=actor,
        source_dir=str(folder.resolve()),
        digest=digest,
        note=note.read_text(encoding="utf-8") if note.is_file() else None,
        metrics=json.loads(files["metrics.json"]),
        run_file=run_file,
        map_png=files["map.png"],
        curves_png=files["curves.png"],
        targets_geojson=files["targets.geojson"].decode("utf-8"),
        prospectivity_path=str((folder / "prospectivity.tif").resolve()),
        prospectivity_sha256=hashlib.sha256(files["prospectivity.tif"]).hexdigest(),
        uncertainty_path=str((folder / "uncertainty.tif").resolve()),
        uncertainty_sha256=hashlib.sha256(files["uncertainty.tif"]).hexdigest(),
    )
