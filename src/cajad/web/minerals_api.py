"""The prospectivity API: recorded runs of :mod:`cajad.minerals`, their figures and artefacts.

A thin edge over :mod:`cajad.minerals.store`. Runs are recorded from the command line
(``cajad prospect record``, or ``--project``/``--record`` on ``run`` and ``demo``); here they
are read. The map, curves, targets, metrics and run file are served from the database, so the
portal needs nothing on disk but the GeoTIFFs, served (and drawn in longitude and latitude)
while the recorded files are still where they were written. No server path is ever shown: files
are named relative to the run folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import PurePath, PureWindowsPath
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel
from starlette.responses import FileResponse, Response

from cajad.minerals.places import map_box, place_targets, targets_csv
from cajad.minerals.plots import lonlat_png
from cajad.minerals.store import RASTERS, ProspectivityRun, get_run, raster_file, runs
from cajad.web.deps import SessionDep
from cajad.web.errors import error_responses
from cajad.web.i18n import N_
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
    "map.png": ("image/png", N_("the prospectivity map")),
    "curves.png": ("image/png", N_("success- and prediction-rate curves")),
    "targets.geojson": ("application/geo+json", N_("ranked targets (WGS 84 polygons)")),
    "targets.csv": (
        "text/csv; charset=utf-8",
        N_("ranked targets: longitude, latitude, country, nearest known site"),
    ),
    "metrics.json": ("application/json", N_("validation figures")),
    "run.json": ("application/json", N_("the run file: inputs, parameters, versions")),
}


class LinkedProjectOut(BaseModel):
    """A register project a run is linked to."""

    identifier: str
    title: str
    page: str


class RunSummaryOut(BaseModel):
    """A recorded run's headline: spatial-CV figures first, random CV only to show its bias."""

    id: int
    commodity: str
    model: str
    demo: bool
    demo_summary: str | None
    created_at: UtcDateTime
    projects: list[LinkedProjectOut]
    roc_auc: float | None
    pr_auc: float | None
    random_cv_roc_auc: float | None
    random_cv_overstatement: float | None
    targets: int
    page: str


class RasterOut(BaseModel):
    """A GeoTIFF of the run, left on disk where it was written; served while it is there."""

    name: str
    sha256: str
    download: str


class RunOut(RunSummaryOut):
    """A recorded run whole: metrics, run file, the README of its folder, artefact links."""

    actor: str
    source_folder: str
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
        "demo": run.is_demo,
        "demo_summary": (run.run_file.get("demo") or {}).get("summary"),
        "created_at": run.created_at,
        "projects": [
            LinkedProjectOut(
                identifier=p.identifier, title=p.title, page=_project_page(p.identifier)
            )
            for p in run.projects
        ],
        "roc_auc": head["roc_auc"],
        "pr_auc": head["pr_auc"],
        "random_cv_roc_auc": head["random_cv_roc_auc"],
        "random_cv_overstatement": run.metrics.get("random_cv_overstatement"),
        "targets": head["targets"],
        "page": f"/minerals/runs/{run.id}",
    }


def _project_page(identifier: str) -> str:
    return f"/projects/{quote(identifier, safe='')}"


def run_out(run: ProspectivityRun) -> RunOut:
    shas = (run.prospectivity_sha256, run.uncertainty_sha256)
    rasters = [
        RasterOut(name=name, sha256=sha, download=artefact_url(run.id, name))
        for name, sha in zip(RASTERS, shas, strict=True)
    ]
    return RunOut(
        **_summary(run),
        actor=run.actor,
        source_folder=_file_name(run.source_dir),
        note=run.note,
        metrics=run.metrics,
        run_file=_without_paths(run.run_file, run.source_dir),
        files={name: artefact_url(run.id, name) for name in ARTEFACTS},
        rasters=rasters,
    )


def _file_name(path: str) -> str:
    """The last part of a path written on any system."""
    return PureWindowsPath(path).name if "\\" in path else PurePath(path).name


def _without_paths(value: Any, folder: str) -> Any:
    """``value`` with each ``path`` entry relative to the run folder, or its file name."""
    if isinstance(value, dict):
        return {
            k: _relative(v, folder)
            if k == "path" and isinstance(v, str)
            else _without_paths(v, folder)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_without_paths(v, folder) for v in value]
    return value


def _relative(path: str, folder: str) -> str:
    try:
        return PurePath(path).relative_to(folder).as_posix()
    except ValueError:
        return _file_name(path)


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
    elif name == "targets.csv":
        body = targets_csv(place_targets(run.targets_geojson))
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


def _raster_server(name: str) -> Callable[..., Response]:
    """The route that serves GeoTIFF ``name`` while the recorded file is on this server."""

    def serve(session: SessionDep, run_id: RunId) -> Response:
        path = raster_file(get_run(session, run_id), name)
        headers = {"Content-Disposition": f'attachment; filename="run-{run_id}-{name}"'}
        return FileResponse(path, media_type="image/tiff", headers=headers)

    serve.__doc__ = f"The run's {name}, as written (404 once it is gone or changed on disk)."
    return serve


for _raster in RASTERS:
    router.add_api_route(
        f"/runs/{{run_id}}/{_raster}",
        _raster_server(_raster),
        methods=["GET"],
        summary=f"A run's {_raster}",
        response_class=Response,
        responses={200: {"content": {"image/tiff": {}}, "description": "the GeoTIFF"}},
    )


@router.get(
    "/runs/{run_id}/map-lonlat.png",
    summary="A run's map in longitude and latitude",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "the map, EPSG:4326"}},
)
def read_lonlat_map(session: SessionDep, run_id: RunId) -> Response:
    """The prospectivity GeoTIFF reprojected to EPSG:4326 over the box the run page draws
    (404 when the GeoTIFF is no longer on this server)."""
    run = get_run(session, run_id)
    path = raster_file(run, RASTERS[0])
    body = _lonlat(str(path), run.prospectivity_sha256, map_box(run.run_file["grid"]))
    return Response(body, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})


@lru_cache(maxsize=8)
def _lonlat(path: str, _sha256: str, box: tuple[float, float, float, float]) -> bytes:
    return lonlat_png(path, box)
