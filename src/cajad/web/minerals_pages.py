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

import re
from collections.abc import Callable
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from markupsafe import Markup, escape
from sqlalchemy import Engine
from starlette.responses import Response

from cajad.minerals.places import place_targets
from cajad.minerals.store import get_run, runs
from cajad.register import session_scope
from cajad.web.deps import SessionDep
from cajad.web.i18n import N_
from cajad.web.minerals_api import ARTEFACTS, RunId, artefact_url, run_out, summary_out
from cajad.web.minerals_map import run_map
from cajad.web.templating import render

router = APIRouter(include_in_schema=False)

#: The command that records the Central Asia demo runs, shown when nothing is recorded yet.
DEMO_COMMAND = "cajad prospect demos --out var/prospect-demos"


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
        "targets": [_top(t.as_dict()) for t in place_targets(run.targets_geojson)],
        "map": run_map(run),
        "caveat": render_note(run.note) if run.note else None,
        "glossary": GLOSSARY,
        "downloads": [(artefact_url(run.id, n), n, what) for n, (_, what) in ARTEFACTS.items()],
        "parameters": run.run_file.get("parameters", {}),
        "versions": run.run_file.get("versions", {}),
        "selection": m.get("model_selection"),
        "derived": run.run_file.get("derived") or [],
    }
    return render(request, "minerals_run.html", context)


def _capture(m: dict[str, Any]) -> list[tuple[str, float | None, float | None]]:
    """Share of deposits in the top 1, 5 and 10 % of the area: held out (None when the run is
    not validated), and on training."""
    held = m.get("capture_efficiency_heldout") or {}
    train = m.get("capture_efficiency_training") or {}
    return [(key.removeprefix("top_"), held.get(key), train.get(key)) for key in held or train]


def _top(target: dict[str, Any]) -> dict[str, Any]:
    """A placed target with its layers by contribution, largest first."""
    target["top"] = sorted(target["contributions"].items(), key=lambda kv: -kv[1])
    return target


#: The words of the run page a geologist may not use every day, explained once (translated
#: where shown).
GLOSSARY: list[tuple[str, str]] = [
    (
        N_("AUC"),
        N_(
            "Area under a curve. The ROC AUC is the chance that a deposit scores higher than a "
            "random background cell: 0.5 is chance, 1 is perfect. It is one figure here, the "
            "mean over the spatial-CV folds, in the table and on the chart."
        ),
    ),
    (
        N_("Spatial CV"),
        N_(
            "Spatial block cross-validation: the map is cut into blocks, and each fold trains on "
            "some blocks and tests on the deposits of the others, so the score is for ground the "
            "model has not seen."
        ),
    ),
    (
        N_("Weights of evidence"),
        N_(
            "A Bayesian method that adds, for each evidence layer, how much more (or less) often "
            "deposits occur where the layer is present than where it is absent."
        ),
    ),
    (
        N_("Prior"),
        N_(
            "The chance of a deposit in a cell before any evidence is weighed: the share of "
            "deposits among the cells sampled."
        ),
    ),
    (
        N_("Contrast"),
        N_(
            "In weights of evidence, the difference between a layer's positive and negative "
            "weights: how strongly the layer separates deposits from background."
        ),
    ),
    (
        N_("Target"),
        N_(
            "A connected area in the highest-scoring share of the map (the top 5 % by default), "
            "ranked by its mean score: somewhere to look, not a discovery."
        ),
    ),
]

_CODE = re.compile(r"(?::[a-z]+:)?``?([^`\n]+?)``?")
_EMPHASIS = re.compile(r"\*([^*\n]+)\*")


def render_note(note: str) -> Markup:
    """A run's note (plain text with ``code``, *emphasis* and ``- `` lists) as safe HTML:
    escaped first, then formatted; paragraphs at blank lines."""
    blocks = []
    for block in re.split(r"\n\s*\n", note.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and all(line.startswith(("- ", "* ")) for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif lines:
            blocks.append(f"<p>{_inline(' '.join(lines))}</p>")
    return Markup("".join(blocks))


def _inline(text: str) -> str:
    escaped = str(escape(text))
    return _EMPHASIS.sub(r"<em>\1</em>", _CODE.sub(r"<code>\1</code>", escaped))


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
