"""The corridor model as the web layer uses it: one network per app, its refusals named.

The bundled network is loaded once per application, on first use, and kept in ``app.state``
with what is derived from it (scenario comparisons, the drawn shape of each link): neither the
network nor the bundled scenarios change while the app runs.

A route request is answered as a :class:`RouteAnswer`: the routes, or the refusal. Places are
resolved one parameter at a time, so a place or country that cannot be used is a
:class:`~cajad.web.errors.ParameterError` naming the parameter it came from (close matches in
the message); no route, or no such scenario, is a
:class:`~cajad.web.errors.ResourceNotFoundError`. The API raises the refusal for the one handler
to answer; the page shows it beside the form.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from cajad.corridor import (
    Comparison,
    FlowResult,
    Network,
    NoRouteError,
    OptionError,
    PlaceError,
    Scenario,
    apply_scenario,
    assign_flows,
    compare_scenario,
    find_routes,
    list_scenarios,
    load_demand,
    load_network,
    load_scenario,
    pareto_routes,
    resolve_place,
)
from cajad.corridor.geometry import Line, link_lines
from cajad.corridor.payload import route_constraints, route_payload
from cajad.corridor.places import resolve_country
from cajad.corridor.routing import MAX_K, MAX_TRANSSHIPMENTS
from cajad.corridor.timing import Conditions, State, load_timing, network_on, route_times
from cajad.web.errors import ParameterError, ResourceNotFoundError

#: Routes the page asks for when the form leaves ``k`` out, and the most it offers.
PAGE_K, PAGE_MAX_K = 3, 10


class By(StrEnum):
    """Criterion of the best route: scheduled time (h, the default), the network's single
    expected time (h), cost or generalized cost (USD/TEU)."""

    SCHEDULED = "scheduled"
    TIME = "time"
    COST = "cost"
    GENERALIZED = "generalized"


class Mode(StrEnum):
    """Transport modes a route may use (border crossings follow their carrier)."""

    RAIL = "rail"
    ROAD = "road"
    SEA = "sea"
    FERRY = "ferry"


Place = Annotated[
    str, Query(min_length=1, max_length=120, description="Node id or place name, any case.")
]
Avoid = Annotated[
    list[str] | None,
    Query(description="Country to avoid (ISO code or name); repeatable or comma-separated."),
]
MaxTransshipments = Annotated[
    int | None,
    Query(ge=0, le=MAX_TRANSSHIPMENTS, description="Most container transfers allowed."),
]
Modes = Annotated[list[Mode] | None, Query(description="Allowed mode; repeatable. Default: all.")]
RouteCount = Annotated[int, Query(ge=1, le=MAX_K, description="Number of routes, best first.")]
AsOf = Annotated[
    str | None,
    Query(max_length=10, description="The network on this date (YYYY-MM-DD): season and state."),
]
TimeScenario = Annotated[
    str | None,
    Query(max_length=60, description="A congestion or closure state, or a bundled scenario."),
]


class ServiceClass(StrEnum):
    """The class of service realised times are for (``timing.yaml``'s ``services``)."""

    BLOCK_TRAIN = "block-train"
    CONSIGNMENT = "consignment"
    WAGONLOAD = "wagonload"


ServiceOption = Annotated[
    ServiceClass,
    Query(
        alias="class",
        description="Class of service the times are for: block-train (a scheduled container "
        "train), consignment (single or groupage containers, pilots) or wagonload.",
    ),
]


@dataclass(frozen=True, slots=True)
class RouteQuery:
    """What a route request asks for, as the person typed it."""

    origin: str
    destination: str
    by: By = By.SCHEDULED
    avoid: tuple[str, ...] = ()
    max_transshipments: int | None = None
    k: int = 1
    modes: tuple[str, ...] | None = None
    as_of: str | None = None
    scenario: str | None = None
    service: str | None = None


@dataclass(frozen=True, slots=True)
class RouteAnswer:
    """What a route request gets: the object ``cajad route --json`` prints, or the refusal."""

    payload: dict[str, Any] | None = None
    refusal: ParameterError | ResourceNotFoundError | None = None

    def unwrap(self) -> dict[str, Any]:
        """The payload; the refusal raised when there is none (for the one handler)."""
        if self.refusal is not None:
            raise self.refusal
        assert self.payload is not None
        return self.payload


class Corridor:
    """The bundled network and what the web derives from it, built once and shared."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._comparisons: dict[tuple[Any, ...], Comparison] = {}
        self._flows: dict[str | None, FlowResult] = {}

    @cached_property
    def network(self) -> Network:
        network = load_network()
        network.graph  # noqa: B018 - compile once, before concurrent requests share it
        return network

    @cached_property
    def lines(self) -> dict[str, Line]:
        """Each link's line on the map (sea links along the sea lanes)."""
        return link_lines(self.network)

    @cached_property
    def scenarios(self) -> dict[str, Scenario]:
        """The bundled scenarios by name (only these: the API never reads a path it is given)."""
        return {name: load_scenario(name) for name in list_scenarios()}

    def unknown_scenario(self, name: str) -> str | None:
        """Why ``name`` is no bundled scenario; None when it is one."""
        if name in self.scenarios:
            return None
        return f"no scenario {name!r}; the scenarios are: {', '.join(self.scenarios)}"

    def scenario(self, name: str) -> Scenario:
        """The bundled scenario ``name``, or :class:`ResourceNotFoundError`."""
        missing = self.unknown_scenario(name)
        if missing is not None:
            raise ResourceNotFoundError(missing)
        return self.scenarios[name]

    @property
    def states(self) -> dict[str, State]:
        """The named conditions of the network (``timing.yaml``): ``--scenario`` names them too."""
        return dict(load_timing().states)

    def compare(
        self,
        name: str,
        *,
        by: By = By.GENERALIZED,
        k: int = 3,
        route: RouteQuery | None = None,
    ) -> Comparison:
        """The scenario against the base network, on the route asked (its ends and
        constraints) or else on the scenario's own pairs; computed once per question."""
        scenario = self.scenario(name)
        asked: dict[str, Any] = {}
        if route is not None:
            start = _named("from", resolve_place, self.network, route.origin)
            end = _named("to", resolve_place, self.network, route.destination)
            for country in route.avoid:
                _named("avoid", resolve_country, self.network, country)
            asked = {
                "pairs": ((start, end),),
                **route_constraints(
                    avoid=route.avoid,
                    max_transshipments=route.max_transshipments,
                    modes=route.modes,
                ),
            }
        key = (name, by.value, k, repr(sorted(asked.items())))
        with self._lock:
            if key not in self._comparisons:
                try:
                    self._comparisons[key] = compare_scenario(
                        self.network, scenario, by=by.value, k=k, **asked
                    )
                except OptionError as exc:
                    raise ParameterError("mode", str(exc)) from exc
            return self._comparisons[key]

    def flows(self, scenario: str | None = None) -> FlowResult:
        """The bundled demand assigned under capacities (on a bundled scenario's network when
        named), computed once per scenario."""
        network = self.network
        if scenario is not None:
            network = apply_scenario(network, self.scenario(scenario))
        with self._lock:
            if scenario not in self._flows:
                self._flows[scenario] = assign_flows(network, load_demand())
            return self._flows[scenario]

    def routes(self, query: RouteQuery, *, pareto: bool = False) -> RouteAnswer:
        """The routes ``query`` asks for (the Pareto set when ``pareto``), or the refusal."""
        try:
            return RouteAnswer(payload=self._routes(query, pareto))
        except (ParameterError, ResourceNotFoundError) as refusal:
            return RouteAnswer(refusal=refusal)

    def _routes(self, query: RouteQuery, pareto: bool) -> dict[str, Any]:
        network, conditions = self._network_on(query)
        start = _named("from", resolve_place, network, query.origin)
        end = _named("to", resolve_place, network, query.destination)
        avoid = [_named("avoid", resolve_country, network, c) for c in query.avoid]
        constraints = route_constraints(
            avoid=query.avoid, max_transshipments=query.max_transshipments, modes=query.modes
        )
        try:
            if pareto:
                found = pareto_routes(network, start, end, **constraints)
            else:
                found = find_routes(
                    network, start, end, by=query.by.value, k=query.k, **constraints
                )
        except OptionError as exc:
            field = self._refused_end(start, end, avoid)
            if field is None:
                raise
            raise ParameterError(field, str(exc)) from exc
        except NoRouteError as exc:
            raise ResourceNotFoundError(str(exc)) from exc
        times = [route_times(network, r, conditions) for r in found]
        return route_payload(
            found, by="pareto" if pareto else query.by.value, constraints=constraints, times=times
        )

    def _network_on(self, query: RouteQuery) -> tuple[Network, Conditions]:
        """The network and conditions the query asks for; a bundled scenario only (no paths)."""
        states = load_timing().states
        wanted = query.scenario
        if wanted is not None and wanted not in states and wanted not in self.scenarios:
            known = ", ".join([*sorted(states), *self.scenarios])
            raise ParameterError("scenario", f"no state or scenario {wanted!r}; known: {known}")
        try:
            return network_on(
                self.network, as_of=query.as_of, scenario=query.scenario, service=query.service
            )
        except OptionError as exc:
            raise ParameterError("as_of", str(exc)) from exc

    def _refused_end(self, start: str, end: str, avoid: Sequence[str]) -> str | None:
        """The parameter that makes the ends unusable (the same place twice, an end in an
        avoided country); None when the ends are not what was refused."""
        if start == end:
            return "to"
        if {self.network.nodes[n].country for n in (start, end)} & set(avoid):
            return "avoid"
        return None


def _named(field: str, resolve: Callable[[Network, str], str], network: Network, text: str) -> str:
    """``resolve(network, text)``; a place or country it cannot use is refused as ``field``."""
    try:
        return resolve(network, text)
    except PlaceError as exc:
        raise ParameterError(field, str(exc)) from exc


def corridor_of(request: Request) -> Corridor:
    """The app's :class:`Corridor`, created on first use."""
    state = request.app.state
    with _CREATE:
        if getattr(state, "corridor", None) is None:
            state.corridor = Corridor()
    corridor: Corridor = state.corridor
    return corridor


_CREATE = threading.Lock()
CorridorDep = Annotated[Corridor, Depends(corridor_of)]
