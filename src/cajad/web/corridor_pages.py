"""The corridor's portal page: the route form, the map, the routes and their legs, scenarios.

``/corridor`` answers with GET only, so every view (a route, a scenario) has an address that can
be shared. A place the model does not know is shown beside the form, with the close matches;
the map is drawn by ``static/corridor.js`` from the data this page embeds and the country
outlines at ``/corridor/countries.json``. The project page lists the scenarios that name its
project through :func:`scenarios_for_project`, one of the template globals
:func:`template_globals` gives ``create_app``.
"""

from __future__ import annotations

from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from cajad.corridor import Comparison
from cajad.corridor.describe import describe_changes
from cajad.corridor.geometry import colour, map_data, outlines_json
from cajad.corridor.payload import split_list
from cajad.corridor.routes import short_name
from cajad.corridor.timing import load_timing
from cajad.register import titles
from cajad.web.corridor_glossary import FLAGS
from cajad.web.corridor_service import (
    PAGE_K,
    PAGE_MAX_K,
    AsOf,
    By,
    Corridor,
    CorridorDep,
    MaxTransshipments,
    Mode,
    Modes,
    RouteQuery,
    ServiceClass,
    ServiceOption,
    TimeScenario,
    corridor_of,
)
from cajad.web.deps import SessionDep
from cajad.web.errors import describe
from cajad.web.i18n import gettext as _
from cajad.web.templating import render

router = APIRouter(include_in_schema=False)

Text = Annotated[str | None, Query(max_length=120)]


@router.get("/corridor")
def corridor_page(
    request: Request,
    corridor: CorridorDep,
    session: SessionDep,
    origin: Annotated[str | None, Query(alias="from", max_length=120)] = None,
    to: Text = None,
    by: By = By.SCHEDULED,
    avoid: Text = None,
    max_transshipments: MaxTransshipments = None,
    k: Annotated[int, Query(ge=1, le=PAGE_MAX_K)] = PAGE_K,
    mode: Modes = None,
    as_of: AsOf = None,
    scenario: TimeScenario = None,
    service: ServiceOption = ServiceClass.BLOCK_TRAIN,
) -> Response:
    """Routes between two places on a map, every leg explained, scheduled and realised times
    for the network on a date or under a named state; a scenario against the base on the
    route asked."""
    modes = tuple(m.value for m in mode) if mode and len(mode) < len(Mode) else None
    result: dict[str, Any] | None = None
    query: RouteQuery | None = None
    error, status = None, 200
    if origin and to:
        query = RouteQuery(
            origin,
            to,
            by,
            tuple(split_list([avoid or ""])),
            max_transshipments,
            k,
            modes,
            as_of or None,
            scenario or None,
            service.value,
        )
        answer = corridor.routes(query)
        result = answer.payload
        if answer.refusal is not None:
            problem = describe(answer.refusal, request.url.path)
            error, status = problem.detail, problem.status
    elif origin or to:
        error, status = _("from, to: give both places"), 422
    routes = result["routes"] if result else []
    context = {
        "section": "corridor",
        "form": {
            "from": origin or "",
            "to": to or "",
            "by": by.value,
            "avoid": avoid or "",
            "max_transshipments": "" if max_transshipments is None else max_transshipments,
            "k": k,
            "modes": modes or tuple(m.value for m in Mode),
            "as_of": as_of or "",
            "scenario": scenario or "",
            "service": service.value,
        },
        "result": result,
        "error": error,
        "names": _names(corridor),
        "colours": [colour(i) for i in range(len(routes))],
        "map": map_data(corridor.network, corridor.lines, routes),
        "states": corridor.states,
        **_scenario_context(corridor, session, scenario, query if result else None),
    }
    if context["scenario_error"] and status == 200:
        status = 404
    return render(request, "corridor.html", context, status_code=status)


@router.get("/corridor/countries.json")
def countries() -> Response:
    """Country outlines for the map (Natural Earth, public domain), as x/y lines."""
    return Response(
        outlines_json(),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def _names(corridor: Corridor) -> dict[str, str]:
    """Node id → the short name people know it by, for the form's suggestions and the legs."""
    return {node_id: short_name(corridor.network, node_id) for node_id in corridor.network.nodes}


def _scenario_context(
    corridor: Corridor, session: Session, name: str | None, route: RouteQuery | None
) -> dict[str, Any]:
    """The scenario section: a network scenario compared with the base on the route asked
    (else on its own pairs), or a named state with what it changes; else the list."""
    scenarios = list(corridor.scenarios.values())
    known = titles(session, sorted({p for s in scenarios for p in s.projects}))
    states = corridor.states
    state = None
    scenario_error = None
    comparison: Comparison | None = None
    if name and name in states:
        state = state_change(name)
    elif name:
        scenario_error = corridor.unknown_scenario(name)
        if scenario_error is None:
            comparison = corridor.compare(name, route=route)
    return {
        "scenarios": scenarios,
        "scenario_changes": {s.name: describe_changes(corridor.network, s) for s in scenarios},
        "registered": known,
        "chosen": name or "",
        "comparison": comparison.as_dict() if comparison else None,
        "state": state,
        "scenario_error": scenario_error,
    }


def state_change(name: str) -> dict[str, Any]:
    """What a named state changes: the median Caspian port wait, against the ordinary one,
    with the flag of the figure and the state's sources."""
    model = load_timing()
    chosen, normal = model.states[name], model.states["normal"]
    wait = chosen.caspian_median_h
    return {
        "name": name,
        "title": chosen.title,
        "source": chosen.source,
        "start": chosen.start,
        "end": chosen.end,
        "wait_days": wait.value / 24,
        "normal_days": normal.caspian_median_h.value / 24,
        "flag": wait.flag,
    }


@jinja2.pass_context
def scenarios_for_project(context: Any, identifier: str) -> list[dict[str, Any]]:
    """The bundled scenarios that name project ``identifier``, each with its effect on the
    best route of each of its pairs (scenario minus base)."""
    request: Request = context["request"]
    corridor = corridor_of(request)
    found = []
    for scenario in corridor.scenarios.values():
        if identifier not in scenario.projects:
            continue
        result = corridor.compare(scenario.name).as_dict()
        effects = [
            {
                "origin": pair["origin_name"],
                "destination": pair["destination_name"],
                **pair["delta"],
            }
            for pair in result["pairs"]
        ]
        found.append(
            {
                "name": scenario.name,
                "title": scenario.title,
                "changes": result["changes"],
                "effects": effects,
            }
        )
    return found


def template_globals() -> dict[str, Any]:
    """What the corridor contributes to every template: the project page's scenarios, and
    what each sourced/fitted/assumed badge means (its title)."""
    return {"corridor_scenarios_for": scenarios_for_project, "corridor_flags": FLAGS}
