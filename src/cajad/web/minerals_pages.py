"""The prospectivity pages: recorded runs, and one run's map, figures, targets and project.

``/minerals`` lists the runs recorded in the register (spatial-CV figures first; the random-CV
figure only as what it overstates by). ``/minerals/runs/{id}`` shows the map and curves (served
from the database by :mod:`cajad.web.minerals_api`), the metrics with what spatial and random
cross-validation mean, capture efficiency, layer importance, the ranked targets, downloads and
the linked project. The project page lists the runs linked to it through
:func:`prospectivity_for_project`, one of the template globals :func:`template_globals` gives
``create_app``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from sqlalchemy import Engine
from starlette.responses import Response

from cajad.minerals.store import ProspectivityRun, get_run, runs
from cajad.register import session_scope
from cajad.web.deps import SessionDep
from cajad.web.minerals_api import ARTEFACTS, RunId, artefact_url, run_out, summary_out
from cajad.web.templating import render

router = APIRouter(include_in_schema=False)

#: The command that records the Central Asia demo, shown when nothing is recorded yet.
DEMO_COMMAND = "cajad prospect demo --out var/prospect-demo --resolution 10000 --record"


@router.get("/minerals")
def minerals_list(request: Request, session: SessionDep) -> Response:
    """Every recorded run with its validation figures, targets and linked project."""
    context = {
        "section": "minerals",
        "runs": [summary_out(r) for r in runs(session)],
        "demo_command": DEMO_COMMAND,
    }
    return render(request, "minerals.html", context)


@router.get("/minerals/runs/{run_id}")
def minerals_run(request: Request, session: SessionDep, run_id: RunId) -> Response:
    """One run: map, curves, metrics explained, capture, importance, targets, downloads."""
    run = get_run(session, run_id)
    m = run.metrics
    context = {
        "section": "minerals",
        "r": run_out(run),
        "m": m,
        "blocks": m.get("blocks") or {},
        "baseline": m["deposits"] / max(m["deposits"] + m["background"], 1),
        "capture": _capture(m),
        "importance": sorted(m.get("layer_importance", {}).items(), key=lambda kv: -kv[1]),
        "targets": _targets(run),
        "downloads": [(artefact_url(run.id, n), n, what) for n, (_, what) in ARTEFACTS.items()],
        "parameters": run.run_file.get("parameters", {}),
        "versions": run.run_file.get("versions", {}),
        "selection": m.get("model_selection"),
        "derived": run.run_file.get("derived") or [],
    }
    return render(request, "minerals_run.html", context)


def _capture(m: dict[str, Any]) -> list[tuple[str, float, float | None]]:
    """Share of deposits in the top 1, 5 and 10 % of the area: held out, and on training."""
    held = m.get("capture_efficiency_heldout", {})
    train = m.get("capture_efficiency_training", {})
    return [(key.removeprefix("top_"), held[key], train.get(key)) for key in held]


def _targets(run: ProspectivityRun) -> list[dict[str, Any]]:
    """The ranked targets' properties, each with its layers by contribution, largest first."""
    found = []
    for feature in json.loads(run.targets_geojson).get("features", []):
        props = dict(feature.get("properties") or {})
        contributions = props.get("contributions") or {}
        props["top"] = sorted(contributions.items(), key=lambda kv: -kv[1])
        found.append(props)
    return sorted(found, key=lambda p: p.get("rank", 0))


@jinja2.pass_context
def prospectivity_for_project(context: Any, identifier: str) -> list[dict[str, Any]]:
    """The recorded runs linked to project ``identifier``, newest first (headline only)."""
    request: Request = context["request"]
    engine: Engine = request.app.state.engine
    with session_scope(engine, actor="cajad web") as session:
        return [summary_out(r).model_dump() for r in runs(session, identifier)]


def template_globals() -> dict[str, Callable[..., Any]]:
    """What the prospectivity pages contribute to every template (the project page's runs)."""
    return {"prospectivity_for": prospectivity_for_project}
