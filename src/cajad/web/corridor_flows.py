"""Flows and bottlenecks: the bundled yearly demand assigned to the network under capacities,
the saturated links and ports with their shadow prices, as a page (``/corridor/flows``) and as
JSON (``/api/corridor/flows``, in :mod:`cajad.web.corridor_api`).

A *saturated* element carries all its capacity allows; its *shadow price* is what one more
container (TEU) of capacity a year there would save the traffic, in USD per container (the dual
value of its capacity in :func:`~cajad.corridor.assign_flows`). ``scenario`` names a bundled
network scenario to assign the same demand on (more ferries, a faster border).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from cajad.corridor import FlowResult, Load, Network, apply_scenario, load_demand, resolve_place
from cajad.corridor.describe import link_name, node_name
from cajad.web.corridor_service import Corridor, CorridorDep
from cajad.web.errors import ResourceNotFoundError, describe
from cajad.web.templating import render

router = APIRouter(include_in_schema=False)

FlowScenario = Annotated[
    str | None, Query(max_length=60, description="A bundled network scenario to assign on.")
]


def flows_payload(corridor: Corridor, scenario: str | None) -> dict[str, Any]:
    """The answer of ``/api/corridor/flows`` (and what the page shows)."""
    result = corridor.flows(scenario)
    network = corridor.network
    if scenario is not None:
        network = apply_scenario(network, corridor.scenario(scenario))
    capped = [x for x in result.loads if x.capacity_teu is not None and x.flow_teu > 0]
    capped.sort(key=lambda x: -(x.utilisation or 0.0))
    return {
        "scenario": scenario,
        "criterion": result.criterion,
        "bottlenecks": [_load(network, x) for x in result.bottlenecks],
        "loads": [_load(network, x) for x in capped],
        "unconstrained": [_load(network, x) for x in result.unconstrained],
        "demand": _demand(network, result),
    }


def _load(network: Network, load: Load) -> dict[str, Any]:
    named = link_name if load.kind == "link" else node_name
    return {
        "kind": load.kind,
        "element": load.element,
        "name": named(network, load.element),
        "from_name": node_name(network, load.from_node),
        "to_name": node_name(network, load.to_node),
        "flow_teu_per_year": round(load.flow_teu, 1),
        "capacity_teu_per_year": load.capacity_teu,
        "utilisation": None if load.utilisation is None else round(load.utilisation, 4),
        "saturated": load.saturated,
        "shadow_price_usd_per_teu": round(load.shadow_price_usd_per_teu, 2),
    }


def _demand(network: Network, result: FlowResult) -> list[dict[str, Any]]:
    found = []
    for d in load_demand():
        ends = (resolve_place(network, d.origin), resolve_place(network, d.destination))
        found.append(
            {
                "origin": node_name(network, ends[0]),
                "destination": node_name(network, ends[1]),
                "teu_per_year": d.teu_per_year,
                "unmet_teu_per_year": round(result.unmet_teu.get(ends, 0.0), 1),
                "source": d.source,
            }
        )
    return found


@router.get("/corridor/flows")
def flows_page(request: Request, corridor: CorridorDep, scenario: FlowScenario = None) -> Response:
    """Bottlenecks of the corridor for the bundled demand, as a page."""
    context: dict[str, Any] = {
        "section": "corridor",
        "scenarios": list(corridor.scenarios.values()),
        "chosen": scenario or "",
        "flows": None,
        "error": None,
    }
    status = 200
    try:
        context["flows"] = flows_payload(corridor, scenario)
    except ResourceNotFoundError as refusal:
        problem = describe(refusal, request.url.path)
        context["error"], status = problem.detail, problem.status
    return render(request, "corridor_flows.html", context, status_code=status)
