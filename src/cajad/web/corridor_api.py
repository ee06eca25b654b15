"""The corridor API under ``/api/corridor``: places, routes, the Pareto set and scenarios.

A thin edge over :mod:`cajad.corridor`: routes answer the object ``cajad route --json``
prints, a scenario the comparison ``cajad scenario --json`` prints. An unknown place is a 422
naming ``from``, ``to`` or ``avoid`` with the close matches; no route, or no such scenario, is a
404; both answered by the one handler of :mod:`cajad.web.errors`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from cajad.corridor.describe import describe_changes
from cajad.corridor.payload import split_list
from cajad.register import titles
from cajad.web.corridor_flows import FlowScenario, flows_payload
from cajad.web.corridor_schemas import ComparisonOut, FlowsOut, NodeOut, RoutesOut, ScenarioOut
from cajad.web.corridor_service import (
    AsOf,
    Avoid,
    By,
    CorridorDep,
    MaxTransshipments,
    Modes,
    Place,
    RouteCount,
    RouteQuery,
    ServiceClass,
    ServiceOption,
    TimeScenario,
)
from cajad.web.deps import SessionDep
from cajad.web.errors import ParameterError, error_responses
from cajad.web.schemas import ProjectRef

router = APIRouter(
    prefix="/api/corridor",
    tags=["corridor"],
    responses=error_responses(
        not_found="No route, or no such scenario", invalid="Invalid parameters or unknown place"
    ),
)


@router.get("/nodes", response_model=list[NodeOut], summary="Places of the network")
def nodes(corridor: CorridorDep) -> list[NodeOut]:
    """Every node: cities, ports, border stations and hubs, with their WGS 84 position."""
    return [
        NodeOut(
            id=n.id,
            name=n.name,
            aliases=list(n.aliases),
            country=n.country,
            kind=n.kind,
            lon=n.lon,
            lat=n.lat,
        )
        for n in corridor.network.nodes.values()
    ]


@router.get("/route", response_model=RoutesOut, summary="Best routes between two places")
def route(
    corridor: CorridorDep,
    origin: Annotated[Place, Query(alias="from")],
    to: Place,
    by: By = By.SCHEDULED,
    avoid: Avoid = None,
    max_transshipments: MaxTransshipments = None,
    k: RouteCount = 1,
    mode: Modes = None,
    as_of: AsOf = None,
    scenario: TimeScenario = None,
    service: ServiceOption = ServiceClass.BLOCK_TRAIN,
) -> dict[str, Any]:
    """The best route and up to ``k - 1`` loopless alternatives, every leg explained, with
    scheduled and realised times for the network on ``as_of`` or under ``scenario``, for a
    class of service (``class``)."""
    query = RouteQuery(
        origin,
        to,
        by,
        tuple(split_list(avoid)),
        max_transshipments,
        k,
        tuple(m.value for m in mode) if mode else None,
        as_of,
        scenario,
        service.value,
    )
    return corridor.routes(query).unwrap()


@router.get("/pareto", response_model=RoutesOut, summary="Time × cost Pareto routes")
def pareto(
    corridor: CorridorDep,
    origin: Annotated[Place, Query(alias="from")],
    to: Place,
    avoid: Avoid = None,
    max_transshipments: MaxTransshipments = None,
    mode: Modes = None,
    as_of: AsOf = None,
    scenario: TimeScenario = None,
) -> dict[str, Any]:
    """Every route no other beats on both time and cost, fastest first."""
    query = RouteQuery(
        origin,
        to,
        avoid=tuple(split_list(avoid)),
        max_transshipments=max_transshipments,
        modes=tuple(m.value for m in mode) if mode else None,
        as_of=as_of,
        scenario=scenario,
    )
    return corridor.routes(query, pareto=True).unwrap()


@router.get("/scenarios", response_model=list[ScenarioOut], summary="Bundled scenarios")
def scenarios(
    corridor: CorridorDep,
    session: SessionDep,
    project: Annotated[
        str | None, Query(max_length=200, description="Only scenarios naming this project.")
    ] = None,
) -> list[ScenarioOut]:
    """Each scenario with the register projects that cause its change."""
    chosen = [s for s in corridor.scenarios.values() if project is None or project in s.projects]
    known = titles(session, sorted({p for s in chosen for p in s.projects}))
    return [
        ScenarioOut(
            name=s.name,
            title=s.title,
            description=s.description.strip(),
            projects=list(s.projects),
            registered=[ProjectRef(identifier=p, title=known[p]) for p in s.projects if p in known],
            changes=describe_changes(corridor.network, s),
        )
        for s in chosen
    ]


@router.get(
    "/scenarios/{name}", response_model=ComparisonOut, summary="A scenario against the base"
)
def scenario(
    corridor: CorridorDep,
    name: str,
    by: By = By.GENERALIZED,
    k: Annotated[int, Query(ge=1, le=10, description="Routes sharing the traffic.")] = 3,
    origin: Annotated[
        str | None,
        Query(alias="from", max_length=120, description="Compare on this route (with to)."),
    ] = None,
    to: Annotated[str | None, Query(max_length=120, description="End of the route.")] = None,
    avoid: Avoid = None,
    max_transshipments: MaxTransshipments = None,
    mode: Modes = None,
) -> dict[str, Any]:
    """Base and scenario side by side, on the route asked (``from``, ``to`` and its
    constraints) or else on the scenario's own pairs: time, cost, spread, CO2, shares by
    distinct path, and what the scenario changes in plain words."""
    if (origin is None) != (to is None):
        raise ParameterError("to" if origin else "from", "give both places, from and to")
    route = None
    if origin is not None and to is not None:
        route = RouteQuery(
            origin,
            to,
            avoid=tuple(split_list(avoid)),
            max_transshipments=max_transshipments,
            modes=tuple(m.value for m in mode) if mode else None,
        )
    return corridor.compare(name, by=by, k=k, route=route).as_dict()


@router.get("/flows", response_model=FlowsOut, summary="Flows under capacities and bottlenecks")
def flows_api(corridor: CorridorDep, scenario: FlowScenario = None) -> dict[str, Any]:
    """The bundled yearly demand assigned at least generalized cost under the capacities of
    links and ports: saturated elements and their shadow prices, loads, unmet demand."""
    return flows_payload(corridor, scenario)
