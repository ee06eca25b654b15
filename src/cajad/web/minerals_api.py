"""The prospectivity API: recorded runs of :mod:`cajad.minerals`, their figures and artefacts.

A thin edge over :mod:`cajad.minerals.store`. Runs are recorded from the command line
(``cajad prospect record``, or ``--project``/``--record`` on ``run`` and ``demo``); here they
are read. The map, curves, targets, metrics and run file are served from the database, so the
portal needs nothing on disk; the GeoTIFFs are named by path and SHA-256 only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel
from starlette.responses import Response

from cajad.minerals.store import ProspectivityRun, get_run, runs
from cajad.web.deps import SessionDep
from cajad.web.errors import error_responses
from cajad.web.params import RowId
from cajad.web.schemas import UtcDateTime

router = APIRouter(
    prefix="/api/minerals",
    tags=["minerals"],
    responses=error_responses(not_found="No such run or project"),
)

RunId = Annotated[RowId, Path(description="Recorded run id (see `cajad prospect list`).")]
ProjectFilter = Annotated[
    str | None, Query(max_length=200, description="Only runs linked to this project.")
]
#: Artefacts served per run: file name → (media type, what it is).
ARTEFACTS: Final = {
    "map.png": ("image/png", "the prospectivity map"),
    "curves.png": ("image/png", "success- and prediction-rate curves"),
    "targets.geojson": ("application/geo+json", "ranked targets (WGS 84 polygons)"),
    "metrics.json": ("application/json", "validation figures"),
    "run.json": ("application/json", "the run file: inputs, parameters, versions"),
}


class RunSummaryOut(BaseModel):
    """A recorded run's headline: spatial-CV figures first, random CV only to show its bias."""

    id: int
    commodity: str
    model: str
    created_at: UtcDateTime
    project: str | None
    project_title: str | None
    roc_auc: float
    pr_auc: float
    random_cv_roc_auc: float | None
    random_cv_overstatement: float | None
    targets: int
    page: str


class RasterOut(BaseModel):
    """A GeoTIFF of the run, left on disk where it was written."""

    name: str
    path: str
    sha256: str


class RunOut(RunSummaryOut):
    """A recorded run whole: metrics, run file, the README of its folder, artefact links."""

    actor: str
    source_dir: str
    note: str | None
    metrics: dict[str, Any]
    run_file: dict[str, Any]
    files: dict[str, str]
    rasters: list[RasterOut]


def summary_out(run: ProspectivityRun) -> RunSummaryOut:
    return RunSummaryOut(**_summary(run))


def _summary(run: ProspectivityRun) -> dict[str, Any]:
    head = run.summary()
    return {
        "id": run.id,
        "commodity": run.commodity,
        "model": run.model,
        "created_at": run.created_at,
        "project": head["project"],
        "project_title": run.project.title if run.project else None,
        "roc_auc": head["roc_auc"],
        "pr_auc": head["pr_auc"],
        "random_cv_roc_auc": head["random_cv_roc_auc"],
        "random_cv_overstatement": run.metrics.get("random_cv_overstatement"),
        "targets": head["targets"],
        "page": f"/minerals/runs/{run.id}",
    }


def run_out(run: ProspectivityRun) -> RunOut:
    rasters = [
        RasterOut(name=f"{kind}.tif", path=path, sha256=sha)
        for kind, path, sha in (
            ("prospectivity", run.prospectivity_path, run.prospectivity_sha256),
            ("uncertainty", run.uncertainty_path, run.uncertainty_sha256),
        )
    ]
    return RunOut(
        **_summary(run),
        actor=run.actor,
        source_dir=run.source_dir,
        note=run.note,
        metrics=run.metrics,
        run_file=run.run_file,
        files={name: artefact_url(run.id, name) for name in ARTEFACTS},
        rasters=rasters,
    )


def artefact_url(run_id: int, name: str) -> str:
    """Where artefact ``name`` of run ``run_id`` is served."""
    return f"/api/minerals/runs/{run_id}/{name}"


@router.get("/runs", response_model=list[RunSummaryOut], summary="Recorded prospectivity runs")
def list_runs(session: SessionDep, project: ProjectFilter = None) -> list[RunSummaryOut]:
    """Every recorded run, newest first; ``project`` keeps those linked to one project."""
    return [summary_out(r) for r in runs(session, project)]


@router.get("/runs/{run_id}", response_model=RunOut, summary="One recorded run, whole")
def read_run(session: SessionDep, run_id: RunId) -> RunOut:
    """A run's metrics, run file, note, linked project, artefact links and raster checksums."""
    return run_out(get_run(session, run_id))


def _artefact(run: ProspectivityRun, name: str) -> Response:
    media, _ = ARTEFACTS[name]
    body: bytes | str
    if name == "map.png":
        body = run.map_png
    elif name == "curves.png":
        body = run.curves_png
    elif name == "targets.geojson":
        body = run.targets_geojson
    else:
        body = json.dumps(run.metrics if name == "metrics.json" else run.run_file, indent=2)
    headers = {"Cache-Control": "private, max-age=300"}
    if not media.startswith("image/"):
        headers["Content-Disposition"] = f'attachment; filename="run-{run.id}-{name}"'
    return Response(body, media_type=media, headers=headers)


def _server(name: str) -> Callable[..., Response]:
    """The route that serves artefact ``name`` (a fixed name: no path comes from the request)."""

    def serve(session: SessionDep, run_id: RunId) -> Response:
        return _artefact(get_run(session, run_id), name)

    serve.__doc__ = f"The run's {name}: {ARTEFACTS[name][1]}."
    return serve


for _name, (_media, _what) in ARTEFACTS.items():
    router.add_api_route(
        f"/runs/{{run_id}}/{_name}",
        _server(_name),
        methods=["GET"],
        summary=f"A run's {_name}",
        response_class=Response,
        responses={200: {"content": {_media: {}}, "description": _what}},
    )
