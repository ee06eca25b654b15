"""Compare a scenario with the base network, pair by pair, side by side.

For each origin–destination pair (the route a person asked for, else the scenario's own pairs):
the best route's time, cost, reliability (spread of time), CO2 and transshipments in the base
and in the scenario, and the share each route would take. Shares come from a multinomial logit
on generalized cost over the ``k`` best routes: ``share_i = exp(-θ g_i) / Σ_j exp(-θ g_j)``
with θ from ``parameters.yaml``. A share table has one row per distinct path (the places it
passes, in order); paths that would read alike are told apart by the first place one passes
and the other does not (``… via Astana``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cajad.corridor.describe import describe_changes
from cajad.corridor.errors import NoRouteError
from cajad.corridor.model import Network
from cajad.corridor.places import resolve_place
from cajad.corridor.routes import Route, short_name
from cajad.corridor.routing import Criterion, Router, make_options
from cajad.corridor.scenarios import Scenario, apply_scenario

DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (
    ("CN_XIAN", "DEDUI"),
    ("CNLYG", "AZ_ABSHERON"),
    ("JPYOK", "UZ_TASHKENT"),
    ("KZ_ALMATY", "ROCND"),
    ("UZ_TASHKENT", "GEPTI"),
)
_FIGURES = ("time_h", "cost_usd_per_teu", "time_spread_h", "co2_kg_per_teu")


@dataclass(frozen=True, slots=True)
class RouteShare:
    """One path's share (0..1) in the base and in the scenario (0 where it does not exist);
    ``path`` is the places it passes, in order."""

    label: str
    path: tuple[str, ...]
    base: float
    scenario: float


@dataclass(frozen=True, slots=True)
class PairComparison:
    """Base and scenario results for one origin–destination pair."""

    origin: str
    destination: str
    base: Route | None
    scenario: Route | None
    shares: tuple[RouteShare, ...]
    origin_name: str = ""
    destination_name: str = ""

    def delta(self, figure: str) -> float | None:
        """Scenario minus base for a figure of the best route (``None`` if either is missing)."""
        if self.base is None or self.scenario is None:
            return None
        return float(getattr(self.scenario, figure)) - float(getattr(self.base, figure))

    def as_dict(self) -> dict[str, Any]:
        def best(route: Route | None) -> dict[str, Any] | None:
            if route is None:
                return None
            full = route.as_dict()
            full.pop("legs")
            return full

        return {
            "origin": self.origin,
            "destination": self.destination,
            "origin_name": self.origin_name or self.origin,
            "destination_name": self.destination_name or self.destination,
            "base": best(self.base),
            "scenario": best(self.scenario),
            "delta": {name: _round(self.delta(name)) for name in _FIGURES},
            "shares": [
                {"label": s.label, "base": round(s.base, 4), "scenario": round(s.scenario, 4)}
                for s in self.shares
            ],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@dataclass(frozen=True, slots=True)
class Comparison:
    """A scenario against the base: what it changes (in plain words) and for which projects."""

    name: str
    title: str
    description: str
    projects: tuple[str, ...]
    by: str
    pairs: tuple[PairComparison, ...]
    changes: tuple[str, ...] = ()
    asked: bool = False
    """Whether the pairs are the route a person asked for (not the scenario's own pairs)."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, as printed by ``cajad scenario --json``."""
        return {
            "scenario": self.name,
            "title": self.title,
            "description": self.description,
            "projects": list(self.projects),
            "by": self.by,
            "changes": list(self.changes),
            "asked": self.asked,
            "pairs": [p.as_dict() for p in self.pairs],
        }


def route_shares(routes: Sequence[Route], scale_per_usd: float) -> list[float]:
    """Logit shares of ``routes`` on generalized cost (sum to 1; empty input → empty)."""
    if not routes:
        return []
    costs = [r.generalized_cost_usd_per_teu for r in routes]
    low = min(costs)
    weights = [math.exp(-scale_per_usd * (c - low)) for c in costs]
    total = sum(weights)
    return [w / total for w in weights]


def _evaluate(
    network: Network,
    pairs: Sequence[tuple[str, str]],
    by: Criterion,
    k: int,
    constraints: dict[str, Any],
) -> list[list[Route]]:
    router = Router(network, make_options(network, by=by, **constraints))
    found = []
    for origin, destination in pairs:
        try:
            found.append(router.routes(origin, destination, k))
        except NoRouteError:
            found.append([])
    return found


def compare_scenario(
    network: Network,
    scenario: Scenario,
    *,
    pairs: Sequence[tuple[str, str]] | None = None,
    by: Criterion = "generalized",
    k: int = 3,
    avoid: Sequence[str] = (),
    max_transshipments: int | None = None,
    modes: Sequence[str] | None = None,
) -> Comparison:
    """Evaluate ``scenario`` against ``network`` on origin–destination pairs.

    Parameters
    ----------
    network
        The base network.
    scenario
        The changes; applied to a copy, the base is not modified.
    pairs
        Places (ids or names): the route a person asked for. Default: the scenario's own
        pairs, else :data:`DEFAULT_PAIRS`.
    by
        Criterion of the best route (``generalized`` by default: cost plus value of time).
    k
        Routes per pair among which shares are split.
    avoid, max_transshipments, modes
        The constraints of the route asked for, as in :func:`~cajad.corridor.find_routes`.

    Returns
    -------
    Comparison
        One :class:`PairComparison` per pair, in the order given.
    """
    changed = apply_scenario(network, scenario)
    chosen = pairs or scenario.pairs or DEFAULT_PAIRS
    ids = [(resolve_place(network, a), resolve_place(network, b)) for a, b in chosen]
    constraints = {"avoid": avoid, "max_transshipments": max_transshipments, "modes": modes}
    base_routes = _evaluate(network, ids, by, k, constraints)
    new_routes = _evaluate(changed, ids, by, k, constraints)
    theta = network.parameters.logit_scale_per_usd.value
    compared = tuple(
        _pair(changed, o, d, before, after, theta)
        for (o, d), before, after in zip(ids, base_routes, new_routes, strict=True)
    )
    return Comparison(
        scenario.name,
        scenario.title,
        scenario.description,
        scenario.projects,
        by,
        compared,
        tuple(describe_changes(network, scenario)),
        asked=bool(pairs),
    )


def _pair(
    network: Network,
    origin: str,
    destination: str,
    before: list[Route],
    after: list[Route],
    theta: float,
) -> PairComparison:
    """Shares by distinct path: routes over the same places (a parallel link, another
    transfer) are one row, their shares summed."""
    base_share: dict[tuple[str, ...], float] = {}
    new_share: dict[tuple[str, ...], float] = {}
    first: dict[tuple[str, ...], Route] = {}
    for routes, store in ((before, base_share), (after, new_share)):
        for route, share in zip(routes, route_shares(routes, theta), strict=True):
            first.setdefault(route.nodes, route)
            store[route.nodes] = store.get(route.nodes, 0.0) + share
    labels = path_labels(network, list(first.values()))
    shares = tuple(
        RouteShare(labels[path], path, base_share.get(path, 0.0), new_share.get(path, 0.0))
        for path in first
    )
    return PairComparison(
        origin,
        destination,
        before[0] if before else None,
        after[0] if after else None,
        shares,
        short_name(network, origin),
        short_name(network, destination),
    )


def path_labels(network: Network, routes: Sequence[Route]) -> dict[tuple[str, ...], str]:
    """A readable name for each distinct path of ``routes``: the route's label, and where two
    paths share a label, ``via`` the first place each passes that the others do not (``not
    via`` the first it leaves out, when it passes none of its own).

    ``network`` names the places (the scenario's network: a new line's places are in it).
    """
    found: dict[tuple[str, ...], str] = {}
    by_label: dict[str, list[tuple[str, ...]]] = {}
    for route in routes:
        if route.nodes not in found:
            found[route.nodes] = route.label
            by_label.setdefault(route.label, []).append(route.nodes)
    for label, paths in by_label.items():
        if len(paths) < 2:
            continue
        for path in paths:
            others = [n for p in paths if p != path for n in p]
            own = [n for n in path if n not in others]
            if own:
                found[path] = f"{label} via {short_name(network, own[0])}"
            else:  # every place of it lies on another path: say what it leaves out
                missing = next(n for n in others if n not in path)
                found[path] = f"{label}, not via {short_name(network, missing)}"
    return found
