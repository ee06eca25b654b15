"""Routing: best routes, k loopless alternatives and the time × cost Pareto set.

Criteria: ``scheduled`` (h: the time timetables promise, :mod:`~cajad.corridor.timing`),
``time`` (h: the network's single expected time), ``cost`` (USD/TEU) and ``generalized``
(USD/TEU: cost plus the value of time × time). Constraints: countries to avoid (a link is
avoided when either end or any country it transits is), a maximum number of transshipments
(exact, by a layered search), and the transport modes allowed (border crossings follow their
carrier; transshipments are always allowed).

>>> from cajad.corridor import load_network, find_routes
>>> best = find_routes(load_network(), "Xi'an", "Duisburg", by="time")[0]
>>> "RU" in best.countries
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from cajad.corridor._graph import FILTER_MODES
from cajad.corridor._pareto import pareto_paths
from cajad.corridor._search import Prepared, base_space, product_space, yen
from cajad.corridor.errors import NoRouteError, OptionError
from cajad.corridor.model import Network
from cajad.corridor.places import resolve_country, resolve_place
from cajad.corridor.routes import Route, build_route
from cajad.corridor.timing import scheduled_arc_hours

Criterion = Literal["scheduled", "time", "cost", "generalized"]
CRITERIA: tuple[str, ...] = get_args(Criterion)
MAX_K = 50
MAX_TRANSSHIPMENTS = 20
_YEN_BUDGET = 40  # Yen paths examined per route asked for, before giving up on more
DETOUR_FACTOR = 1.5
"""The detour rule of k-route results: an alternative to the best route is dropped when it is
longer than ``DETOUR_FACTOR`` × the best route's distance, or when it leaves a country and
enters it again (no planner sends a box out of a country and back). The best route is always
kept."""


@dataclass(frozen=True, slots=True)
class Options:
    """Validated query options (countries as codes, modes as a sorted tuple)."""

    by: str = "time"
    avoid: tuple[str, ...] = ()
    max_transshipments: int | None = None
    modes: tuple[str, ...] | None = None
    value_of_time: float = 0.0


def make_options(
    network: Network,
    *,
    by: str = "time",
    avoid: Iterable[str] = (),
    max_transshipments: int | None = None,
    modes: Iterable[str] | None = None,
    value_of_time: float | None = None,
) -> Options:
    """Check every option once, at the entry (``x must be … ; got …``)."""
    if by not in CRITERIA:
        raise OptionError(f"by must be one of {', '.join(CRITERIA)}; got {by!r}")
    if max_transshipments is not None and not (
        isinstance(max_transshipments, int) and 0 <= max_transshipments <= MAX_TRANSSHIPMENTS
    ):
        raise OptionError(
            f"max_transshipments must be an integer 0..{MAX_TRANSSHIPMENTS}; "
            f"got {max_transshipments!r}"
        )
    chosen: tuple[str, ...] | None = None
    if modes is not None:
        chosen = tuple(sorted(set(modes)))
        wrong = [m for m in chosen if m not in FILTER_MODES]
        if wrong or not chosen:
            raise OptionError(f"modes must be among {', '.join(FILTER_MODES)}; got {chosen!r}")
    vot = network.parameters.value_of_time_usd_per_teu_h.value
    if value_of_time is not None:
        if not value_of_time >= 0:
            raise OptionError(f"value_of_time must be >= 0 USD/TEU-h; got {value_of_time!r}")
        vot = float(value_of_time)
    codes = tuple(sorted({resolve_country(network, c) for c in avoid}))
    return Options(by, codes, max_transshipments, chosen, vot)


class Router:
    """Repeated queries on one network under one set of options.

    The search graph is prepared once (and kept with the network), so each query is one
    compiled Dijkstra run plus the path read-back.
    """

    def __init__(self, network: Network, options: Options) -> None:
        self.network = network
        self.options = options
        key = ("prepared", options)
        prepared = network.memo.get(key)
        if prepared is None:
            prepared = network.memo[key] = self._prepare()
        self.prepared: Prepared = prepared

    def _prepare(self) -> Prepared:
        g, o = self.network.graph, self.options
        mask = g.arc_mask(avoid=o.avoid, modes=o.modes)
        if o.by == "scheduled":
            weight = scheduled_arc_hours(self.network)
        else:
            weight = g.weights(o.by, o.value_of_time)
        if o.max_transshipments is None:
            return Prepared(base_space(g, weight, mask))
        return Prepared(product_space(g, weight, mask, o.max_transshipments))

    def _ends(self, origin: str, destination: str) -> tuple[int, np.ndarray]:
        g = self.network.graph
        index = self._index()
        space = self.prepared.space
        source = space.vertex(int(g.origin_vertex[index[origin]]))
        return source, space.targets(int(g.dest_vertex[index[destination]]))

    def best_weight(self, origin: str, destination: str) -> float:
        """Weight of the best route (h or USD/TEU by the criterion); ``inf`` when none."""
        path = self.prepared.shortest(*self._ends(origin, destination))
        return float("inf") if path is None else path.cost

    def skim(self, origins: Sequence[str], destinations: Sequence[str]) -> NDArray[np.float64]:
        """Best weights between node ids, shape (origins, destinations); ``inf``: no route.

        One compiled multi-source run serves every origin: the fast way to evaluate an
        origin–destination matrix (a *skim*, in transport-modelling terms).
        """
        g, space = self.network.graph, self.prepared.space
        index = self._index()
        sources = [space.vertex(int(g.origin_vertex[index[o]])) for o in origins]
        reached = self.prepared.distances(sources)
        columns = [space.targets(int(g.dest_vertex[index[d]])) for d in destinations]
        return np.stack([reached[:, c].min(axis=1) for c in columns], axis=1)

    def _index(self) -> dict[str, int]:
        index: dict[str, int] | None = self.network.memo.get("node_index")
        if index is None:
            g = self.network.graph
            index = self.network.memo["node_index"] = {n: i for i, n in enumerate(g.node_ids)}
        return index

    def routes(
        self, origin: str, destination: str, k: int = 1, *, keep_detours: bool = False
    ) -> list[Route]:
        """Up to ``k`` distinct loopless routes between two node ids, best first; alternatives
        that break the detour rule (:data:`DETOUR_FACTOR`) are left out unless
        ``keep_detours``."""
        source, targets = self._ends(origin, destination)
        base_arc = self.prepared.space.base_arc
        found: list[Route] = []
        signatures: set[tuple[str, ...]] = set()
        for examined, path in enumerate(yen(self.prepared, source, targets), start=1):
            route = build_route(
                self.network, [int(base_arc[a]) for a in path.arcs], self.options.value_of_time
            )
            if (
                route.signature not in signatures
                and _loopless(route)
                and (keep_detours or not found or not is_detour(self.network, route, found[0]))
            ):
                signatures.add(route.signature)
                found.append(route)
            # stop before asking Yen for another path: each costs a round of spur searches
            if len(found) == k or examined >= _YEN_BUDGET * k:
                break
        return found


def is_detour(network: Network, route: Route, best: Route) -> bool:
    """Whether ``route`` breaks the detour rule against ``best`` (see :data:`DETOUR_FACTOR`)."""
    if route.distance_km > DETOUR_FACTOR * best.distance_km:
        return True
    passed = country_sequence(network, route)
    return len(passed) != len(set(passed))


def country_sequence(network: Network, route: Route) -> list[str]:
    """Countries in the order a route passes them, repeats kept (``JP, CN, KZ, CN`` re-enters)."""
    seq: list[str] = []
    for leg in route.legs:
        link = network.links[leg.link] if leg.link else None
        via = link.via if link else ()
        if link is not None and link.to_node != leg.to_node:
            via = tuple(reversed(via))
        for code in (
            network.nodes[leg.from_node].country,
            *via,
            network.nodes[leg.to_node].country,
        ):
            if not seq or seq[-1] != code:
                seq.append(code)
    return seq


def _loopless(route: Route) -> bool:
    return len(route.nodes) == len(set(route.nodes))


def _check_ends(network: Network, origin: str, destination: str, options: Options) -> None:
    if origin == destination:
        raise OptionError(f"origin and destination must differ; got {origin!r} twice")
    for end in (origin, destination):
        country = network.nodes[end].country
        if country in options.avoid:
            raise OptionError(f"cannot avoid {country}: {end} is in it")


def find_routes(
    network: Network,
    origin: str,
    destination: str,
    *,
    by: Criterion = "time",
    k: int = 1,
    avoid: Iterable[str] = (),
    max_transshipments: int | None = None,
    modes: Iterable[str] | None = None,
    value_of_time: float | None = None,
) -> list[Route]:
    """The best route and up to ``k - 1`` loopless alternatives, best first.

    Parameters
    ----------
    network
        The network to search.
    origin, destination
        Node ids or place names (case-insensitive; see :func:`resolve_place`).
    by
        ``scheduled`` (h, the timetables' time), ``time`` (h, the network's single expected
        time), ``cost`` (USD/TEU) or ``generalized`` (USD/TEU, cost + value of time × time).
    k
        Number of routes wanted, 1..50; distinct link sequences, each loopless.
    avoid
        Countries (ISO codes or names) no route may enter or transit.
    max_transshipments
        Most container transfers allowed (gauge changes included); ``None``: no limit.
    modes
        Transport modes allowed among ``rail``, ``road``, ``sea``, ``ferry``; ``None``: all.
    value_of_time
        USD per TEU-hour for ``generalized`` (default from ``parameters.yaml``).

    Returns
    -------
    list of Route
        Nonempty, ordered by the criterion (nondecreasing).

    Raises
    ------
    UnknownPlaceError, AmbiguousPlaceError
        A place or country is not understood.
    OptionError
        An option is outside its domain.
    NoRouteError
        No route satisfies the constraints.
    """
    if not (isinstance(k, int) and 1 <= k <= MAX_K):
        raise OptionError(f"k must be an integer 1..{MAX_K}; got {k!r}")
    options = make_options(
        network,
        by=by,
        avoid=avoid,
        max_transshipments=max_transshipments,
        modes=modes,
        value_of_time=value_of_time,
    )
    start, end = resolve_place(network, origin), resolve_place(network, destination)
    _check_ends(network, start, end, options)
    found = Router(network, options).routes(start, end, k)
    if not found:
        raise NoRouteError(_no_route(network, start, end, options))
    return found


def pareto_routes(
    network: Network,
    origin: str,
    destination: str,
    *,
    avoid: Iterable[str] = (),
    max_transshipments: int | None = None,
    modes: Iterable[str] | None = None,
    value_of_time: float | None = None,
) -> list[Route]:
    """Every route not dominated in time and cost, fastest first (costs strictly falling).

    Parameters are those of :func:`find_routes`; ``value_of_time`` only fills each route's
    generalized cost.

    Raises
    ------
    NoRouteError
        No route satisfies the constraints.
    """
    options = make_options(
        network,
        avoid=avoid,
        max_transshipments=max_transshipments,
        modes=modes,
        value_of_time=value_of_time,
    )
    start, end = resolve_place(network, origin), resolve_place(network, destination)
    _check_ends(network, start, end, options)
    g = network.graph
    index = {n: i for i, n in enumerate(g.node_ids)}
    mask = g.arc_mask(avoid=options.avoid, modes=options.modes)
    paths = pareto_paths(
        g,
        mask,
        int(g.origin_vertex[index[start]]),
        int(g.dest_vertex[index[end]]),
        limit=options.max_transshipments,
    )
    if not paths:
        raise NoRouteError(_no_route(network, start, end, options))
    return [build_route(network, arcs, options.value_of_time) for _, _, arcs in paths]


def _no_route(network: Network, start: str, end: str, options: Options) -> str:
    parts = [
        f"no route from {network.nodes[start].name} ({start}) to {network.nodes[end].name} ({end})"
    ]
    if options.avoid:
        parts.append(f"avoiding {', '.join(options.avoid)}")
    if options.max_transshipments is not None:
        parts.append(f"with at most {options.max_transshipments} transshipments")
    if options.modes is not None:
        parts.append(f"by {', '.join(options.modes)} only")
    return " ".join(parts)
