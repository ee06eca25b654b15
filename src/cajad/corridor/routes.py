"""Routes and their legs, as returned by routing: every figure per TEU, with units in names."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cajad.corridor._graph import KIND_LINK, KIND_TRANSFER, LAYER_NAMES, CompiledGraph
from cajad.corridor.model import Network

HOURS_PER_DAY = 24.0
_DEEP_SEA_KM = 3000.0


@dataclass(frozen=True, slots=True)
class Leg:
    """One step of a route: a link (rail, road, sea, ferry, border) or a transshipment.

    Attributes
    ----------
    from_node, to_node
        Node ids (equal for a transshipment).
    mode
        ``rail``, ``road``, ``sea``, ``ferry``, ``border`` or ``transshipment``.
    link
        Link id, or ``None`` for a transshipment.
    distance_km, time_h, cost_usd_per_teu, co2_kg_per_teu
        Figures of the step; ``time_h`` includes dwell and the expected wait for a departure.
    wait_h, dwell_h
        The waiting and fixed parts of ``time_h`` (h).
    defaults
        Figures taken from ``parameters.yaml`` defaults rather than a sourced value.
    detail
        A short explanation (gauge change, layers of a transshipment, the link's notes).
    """

    from_node: str
    to_node: str
    from_name: str
    to_name: str
    mode: str
    link: str | None
    distance_km: float
    time_h: float
    cost_usd_per_teu: float
    co2_kg_per_teu: float
    wait_h: float = 0.0
    dwell_h: float = 0.0
    defaults: tuple[str, ...] = ()
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (``from``/``to`` keys as in ``cajad route --json``)."""
        return {
            "from": self.from_node,
            "to": self.to_node,
            "from_name": self.from_name,
            "to_name": self.to_name,
            "mode": self.mode,
            "link": self.link,
            "distance_km": round(self.distance_km, 1),
            "time_h": round(self.time_h, 2),
            "cost_usd_per_teu": round(self.cost_usd_per_teu, 2),
            "co2_kg_per_teu": round(self.co2_kg_per_teu, 2),
            "wait_h": round(self.wait_h, 2),
            "dwell_h": round(self.dwell_h, 2),
            "defaults": list(self.defaults),
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Route:
    """A route from origin to destination, per TEU.

    Attributes
    ----------
    legs
        Steps in order; totals equal the sums over legs.
    distance_km, time_h, cost_usd_per_teu, co2_kg_per_teu
        Totals (km, h, USD per TEU, kg CO2 per TEU).
    time_spread_h
        Standard deviation of the door-to-door time (h), parts taken as independent: the
        route's reliability.
    generalized_cost_usd_per_teu
        ``cost + value_of_time × time`` with the value of time used by the query.
    countries
        ISO codes in the order first entered (canal and trunk transits included).
    border_crossings, transshipments
        Number of country changes and of container transfers (gauge changes included).
    """

    legs: tuple[Leg, ...]
    distance_km: float
    time_h: float
    cost_usd_per_teu: float
    co2_kg_per_teu: float
    time_spread_h: float
    generalized_cost_usd_per_teu: float
    countries: tuple[str, ...]
    border_crossings: int
    transshipments: int
    label: str
    """Short name: border crossings, ferries, deep-sea legs and transshipment points."""
    signature: tuple[str, ...] = field(repr=False)
    """Link ids with direction, the identity of a route (two routes differ iff these differ)."""

    @property
    def time_days(self) -> float:
        return self.time_h / HOURS_PER_DAY

    @property
    def nodes(self) -> tuple[str, ...]:
        """Node ids visited, in order, each once."""
        seq = [self.legs[0].from_node] if self.legs else []
        for leg in self.legs:
            if leg.to_node != seq[-1]:
                seq.append(leg.to_node)
        return tuple(seq)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, the shape printed by ``cajad route --json``."""
        return {
            "label": self.label,
            "legs": [leg.as_dict() for leg in self.legs],
            "distance_km": round(self.distance_km, 1),
            "time_h": round(self.time_h, 2),
            "time_days": round(self.time_days, 2),
            "time_spread_h": round(self.time_spread_h, 2),
            "cost_usd_per_teu": round(self.cost_usd_per_teu, 2),
            "generalized_cost_usd_per_teu": round(self.generalized_cost_usd_per_teu, 2),
            "co2_kg_per_teu": round(self.co2_kg_per_teu, 2),
            "countries": list(self.countries),
            "border_crossings": self.border_crossings,
            "transshipments": self.transshipments,
        }


def build_route(network: Network, arcs: Sequence[int], value_of_time: float) -> Route:
    """Turn compiled-graph arc indices into a :class:`Route`."""
    g = network.graph
    steps = np.asarray([a for a in arcs if g.arc_kind[a] != 2], dtype=np.int64)
    legs = tuple(leg_of_arc(network, g, int(a)) for a in steps)
    time_h = float(g.time_h[steps].sum())
    cost = float(g.cost_usd[steps].sum())
    signature = tuple(
        f"{g.link_ids[g.arc_link[a]]}{'<' if g.arc_reverse[a] else '>'}"
        for a in steps
        if g.arc_kind[a] == KIND_LINK
    )
    return Route(
        legs=legs,
        distance_km=float(g.distance_km[steps].sum()),
        time_h=time_h,
        cost_usd_per_teu=cost,
        co2_kg_per_teu=float(g.co2_kg[steps].sum()),
        time_spread_h=math.sqrt(float(g.variance_h2[steps].sum())),
        generalized_cost_usd_per_teu=cost + value_of_time * time_h,
        countries=_countries(network, legs),
        border_crossings=int(g.borders[steps].sum()),
        transshipments=int(g.transshipments[steps].sum()),
        label=_label(network, legs),
        signature=signature,
    )


def short_name(network: Network, node_id: str) -> str:
    """A node's first alias, else its name (``Dostyk`` for ``Dostyk station``)."""
    node = network.nodes[node_id]
    return node.aliases[0] if node.aliases else node.name


def _label(network: Network, legs: Sequence[Leg]) -> str:
    marks: list[str] = []
    for leg in legs:
        a, b = short_name(network, leg.from_node), short_name(network, leg.to_node)
        if leg.mode == "border":
            text = f"{a}–{b}"
        elif leg.mode == "ferry" or (leg.mode == "sea" and leg.distance_km > _DEEP_SEA_KM):
            text = f"{a}–{b} {leg.mode}"
        elif leg.mode == "transshipment":
            text = a
        else:
            continue
        if not marks or a not in marks[-1] or leg.mode != "transshipment":
            marks.append(text)
    joined = [
        m
        for i, m in enumerate(marks)
        if not (i + 1 < len(marks) and "–" not in m and m in marks[i + 1])
    ]
    return "; ".join(joined) if joined else "direct"


def leg_of_arc(network: Network, g: CompiledGraph, arc: int) -> Leg:
    """The leg an arc of the compiled graph stands for (not a terminal arc)."""
    a = network.nodes[g.node_ids[g.vertex_node[g.arc_src[arc]]]]
    b = network.nodes[g.node_ids[g.vertex_node[g.arc_dst[arc]]]]
    if g.arc_kind[arc] == KIND_TRANSFER:
        fig = (float(g.time_h[arc]), float(g.cost_usd[arc]))
        layers = (
            LAYER_NAMES[g.vertex_layer[g.arc_src[arc]]],
            LAYER_NAMES[g.vertex_layer[g.arc_dst[arc]]],
        )
        return Leg(
            a.id,
            b.id,
            a.name,
            b.name,
            "transshipment",
            None,
            0.0,
            fig[0],
            fig[1],
            0.0,
            dwell_h=fig[0],
            detail=f"{layers[0]} → {layers[1]}",
        )
    link = network.links[g.link_ids[g.arc_link[arc]]]
    figures = network.figures(link.id)
    detail = link.notes or ""
    if link.gauge is not None and link.changes_gauge:
        here, there = (link.gauge[1], link.gauge[0]) if g.arc_reverse[arc] else link.gauge
        change = f"gauge change {here}/{there} mm (transshipment)"
        detail = f"{change}; {detail}" if detail else change
    return Leg(
        from_node=a.id,
        to_node=b.id,
        from_name=a.name,
        to_name=b.name,
        mode=link.mode,
        link=link.id,
        distance_km=figures.distance_km,
        time_h=figures.time_h,
        cost_usd_per_teu=figures.cost_usd,
        co2_kg_per_teu=figures.co2_kg,
        wait_h=figures.wait_h,
        dwell_h=figures.dwell_h,
        defaults=figures.defaults,
        detail=detail,
    )


def _countries(network: Network, legs: Sequence[Leg]) -> tuple[str, ...]:
    ordered: list[str] = []
    for leg in legs:
        via = network.links[leg.link].via if leg.link else ()
        if leg.link and network.links[leg.link].to_node != leg.to_node:
            via = tuple(reversed(via))
        for code in (
            network.nodes[leg.from_node].country,
            *via,
            network.nodes[leg.to_node].country,
        ):
            if code not in ordered:
                ordered.append(code)
    return tuple(ordered)
