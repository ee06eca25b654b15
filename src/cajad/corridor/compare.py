"""Compare a scenario with the base network, pair by pair, side by side.

For each origin–destination pair: the best route's time, cost, reliability (spread of time),
CO2 and transshipments in the base and in the scenario, and the share each route would take.
Shares come from a multinomial logit on generalized cost over the ``k`` best routes:
``share_i = exp(-θ g_i) / Σ_j exp(-θ g_j)`` with θ from ``parameters.yaml``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cajad.corridor.errors import NoRouteError
from cajad.corridor.model import Network
from cajad.corridor.places import resolve_place
from cajad.corridor.routes import Route
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
    """One route's share (0..1) in the base and in the scenario (0 where it does not exist)."""

    label: str
    signature: tuple[str, ...]
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
    """A scenario against the base: what it changes and for which projects."""

    name: str
    title: str
    description: str
    projects: tuple[str, ...]
    by: str
    pairs: tuple[PairComparison, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, as printed by ``cajad scenario --json``."""
        return {
            "scenario": self.name,
            "title": self.title,
            "description": self.description,
            "projects": list(self.projects),
            "by": self.by,
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
    network: Network, pairs: Sequence[tuple[str, str]], by: Criterion, k: int
) -> list[list[Route]]:
    router = Router(network, make_options(network, by=by))
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
) -> Comparison:
    """Evaluate ``scenario`` against ``network`` on origin–destination pairs.

    Parameters
    ----------
    network
        The base network.
    scenario
        The changes; applied to a copy, the base is not modified.
    pairs
        Places (ids or names); default: the scenario's own pairs, else :data:`DEFAULT_PAIRS`.
    by
        Criterion of the best route (``generalized`` by default: cost plus value of time).
    k
        Routes per pair among which shares are split.

    Returns
    -------
    Comparison
        One :class:`PairComparison` per pair, in the order given.
    """
    changed = apply_scenario(network, scenario)
    chosen = pairs or scenario.pairs or DEFAULT_PAIRS
    ids = [(resolve_place(network, a), resolve_place(network, b)) for a, b in chosen]
    base_routes = _evaluate(network, ids, by, k)
    new_routes = _evaluate(changed, ids, by, k)
    theta = network.parameters.logit_scale_per_usd.value
    compared = tuple(
        _pair(o, d, before, after, theta)
        for (o, d), before, after in zip(ids, base_routes, new_routes, strict=True)
    )
    return Comparison(
        scenario.name, scenario.title, scenario.description, scenario.projects, by, compared
    )


def _pair(
    origin: str, destination: str, before: list[Route], after: list[Route], theta: float
) -> PairComparison:
    labels: dict[tuple[str, ...], str] = {}
    base_share: dict[tuple[str, ...], float] = {}
    new_share: dict[tuple[str, ...], float] = {}
    for routes, store in ((before, base_share), (after, new_share)):
        for route, share in zip(routes, route_shares(routes, theta), strict=True):
            labels.setdefault(route.signature, route.label)
            store[route.signature] = share
    shares = tuple(
        RouteShare(labels[s], s, base_share.get(s, 0.0), new_share.get(s, 0.0)) for s in labels
    )
    return PairComparison(
        origin,
        destination,
        before[0] if before else None,
        after[0] if after else None,
        shares,
    )
