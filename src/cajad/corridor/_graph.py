"""Compile a network into arrays: a layered graph where transfers are arcs.

Each node gets one vertex per *layer* it is reached on: a rail gauge (1435, 1520 mm), road,
water arrival and water departure, plus an origin and a destination terminal. Links become
arcs between layers (both directions); moving a container between layers at a node (ship ↔
train, 1435 ↔ 1520 mm, train ↔ truck, ship ↔ ship) is a *transfer* arc with the node's time
and fee. Water arrivals and departures are separate so that a ship-to-ship relay counts as a
transshipment, while a train running on through a station does not.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cajad.corridor._metrics import transfer_figures
from cajad.corridor._schema import Link, Node
from cajad.corridor.model import Network

RAIL_1435, RAIL_1520, ROAD, WATER_IN, WATER_OUT, ORIGIN, DEST = range(7)
LAYER_NAMES = ("rail 1435", "rail 1520", "road", "water in", "water out", "origin", "dest")
ARRIVAL_LAYERS = (RAIL_1435, RAIL_1520, ROAD, WATER_IN)
DEPARTURE_LAYERS = (RAIL_1435, RAIL_1520, ROAD, WATER_OUT)
KIND_LINK, KIND_TRANSFER, KIND_TERMINAL = 0, 1, 2
FILTER_MODES = ("rail", "road", "sea", "ferry")
_RAIL = {1435: RAIL_1435, 1520: RAIL_1520}
_LAND = ("rail", "road", "border")

IntArray = NDArray[np.int32]
Ints = NDArray[np.integer[Any]]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class CompiledGraph:
    """The search graph of a network as flat arrays (one entry per vertex or arc)."""

    node_ids: tuple[str, ...]
    link_ids: tuple[str, ...]
    countries: tuple[str, ...]
    vertex_node: IntArray
    vertex_layer: NDArray[np.int8]
    origin_vertex: IntArray
    dest_vertex: IntArray
    arc_src: IntArray
    arc_dst: IntArray
    arc_kind: NDArray[np.int8]
    arc_link: IntArray
    arc_node: IntArray
    arc_reverse: NDArray[np.bool_]
    arc_filter_mode: NDArray[np.int8]
    time_h: FloatArray
    cost_usd: FloatArray
    distance_km: FloatArray
    co2_kg: FloatArray
    variance_h2: FloatArray
    transshipments: IntArray
    borders: IntArray
    country_arc: IntArray
    country_index: IntArray

    @property
    def n_vertices(self) -> int:
        return int(self.vertex_node.shape[0])

    @property
    def n_arcs(self) -> int:
        return int(self.arc_src.shape[0])

    def arc_mask(
        self, *, avoid: Collection[str] = (), modes: Collection[str] | None = None
    ) -> NDArray[np.bool_]:
        """Arcs usable when avoiding ``avoid`` countries and using only ``modes``."""
        mask = np.ones(self.n_arcs, dtype=bool)
        if avoid:
            codes = [self.countries.index(c) for c in avoid if c in self.countries]
            hit = np.isin(self.country_index, codes)
            mask[self.country_arc[hit]] = False
        if modes is not None:
            allowed = [FILTER_MODES.index(m) for m in modes]
            is_link = self.arc_kind == KIND_LINK
            mask &= ~is_link | np.isin(self.arc_filter_mode, allowed)
        return mask

    def weights(self, criterion: str, value_of_time: float) -> FloatArray:
        """Arc weights: ``time`` (h), ``cost`` (USD/TEU) or ``generalized`` (USD/TEU)."""
        if criterion == "time":
            return self.time_h
        if criterion == "cost":
            return self.cost_usd
        return self.cost_usd + value_of_time * self.time_h


def _link_layers(link: Link) -> tuple[int, int, int, int]:
    """Layers at (from, to) going forward, then at (to, from) going back."""
    if link.gauge is not None:
        start, end = _RAIL[link.gauge[0]], _RAIL[link.gauge[1]]
        return start, end, end, start
    if link.carrier == "road":
        return ROAD, ROAD, ROAD, ROAD
    return WATER_OUT, WATER_IN, WATER_OUT, WATER_IN


def _filter_mode(link: Link) -> int:
    if link.mode == "border":
        return FILTER_MODES.index("rail" if link.gauge is not None else "road")
    return FILTER_MODES.index(link.mode)


def _border_count(link: Link, a: Node, b: Node) -> int:
    if link.mode in _LAND:
        seq = [a.country, *link.via, b.country]
        return sum(1 for x, y in pairwise(seq) if x != y)
    return int(a.country != b.country)


_STRIDE = 8  # vertex key = node * _STRIDE + layer


@dataclass
class _Parts:
    """Arc columns being assembled (NumPy arrays, concatenated at the end)."""

    src: list[Ints]
    dst: list[Ints]
    kind: list[Ints]
    link: list[Ints]
    node: list[Ints]
    reverse: list[Ints]
    fmode: list[Ints]
    values: list[FloatArray]  # columns: time, cost, distance, co2, variance, trans, borders

    def add(
        self,
        src: Ints,
        dst: Ints,
        kind: int,
        link: Ints,
        node: Ints,
        reverse: int,
        fmode: Ints,
        values: FloatArray,
    ) -> None:
        n = src.shape[0]
        self.src.append(src)
        self.dst.append(dst)
        self.kind.append(np.full(n, kind, dtype=np.int32))
        self.link.append(link)
        self.node.append(node)
        self.reverse.append(np.full(n, reverse, dtype=np.int32))
        self.fmode.append(fmode)
        self.values.append(values)


def compile_network(network: Network) -> CompiledGraph:
    """Build the layered search graph of ``network`` (current links only)."""
    node_ids = tuple(network.nodes)
    index = {node_id: i for i, node_id in enumerate(node_ids)}
    countries = tuple(sorted(network.countries))
    country_of = {c: i for i, c in enumerate(countries)}
    links = [link for link in network.links.values() if link.status == "current"]
    table = _link_table(network, links, index)
    n_nodes = len(node_ids)
    keys = np.concatenate(
        [
            table["fs"],
            table["fd"],
            table["bs"],
            table["bd"],
            np.arange(n_nodes, dtype=np.int64) * _STRIDE + ORIGIN,
            np.arange(n_nodes, dtype=np.int64) * _STRIDE + DEST,
        ]
    )
    vkeys = np.unique(keys)
    present = np.zeros((n_nodes, _STRIDE), dtype=bool)
    present[vkeys // _STRIDE, vkeys % _STRIDE] = True
    parts = _Parts([], [], [], [], [], [], [], [])
    vid = _VertexIds(vkeys)
    none = np.full(len(links), -1, dtype=np.int32)
    numbers = np.arange(len(links), dtype=np.int32)
    for s_key, d_key, reverse in (("fs", "fd", 0), ("bs", "bd", 1)):
        parts.add(
            vid(table[s_key]),
            vid(table[d_key]),
            KIND_LINK,
            numbers,
            none,
            reverse,
            table["fmode"].astype(np.int32),
            table["values"],
        )
    node_country = np.array([country_of[n.country] for n in network.nodes.values()], dtype=np.int32)
    _add_node_arcs(parts, network, present, vid)
    arc_country = _arc_countries(parts, links, network, country_of, node_country)
    return _freeze(parts, vkeys, node_ids, tuple(link.id for link in links), countries, arc_country)


class _VertexIds:
    """Vertex id of a (node × stride + layer) key: its rank among the sorted keys."""

    def __init__(self, keys: Ints) -> None:
        self.keys = keys

    def __call__(self, wanted: Ints) -> IntArray:
        return np.searchsorted(self.keys, wanted).astype(np.int32)


def _link_table(
    network: Network, links: list[Link], index: dict[str, int]
) -> dict[str, NDArray[Any]]:
    rows, values, fmodes = [], [], []
    for link in links:
        a, b = network.nodes[link.from_node], network.nodes[link.to_node]
        fig = network.figures(link.id)
        ia, ib = index[a.id] * _STRIDE, index[b.id] * _STRIDE
        fs, fd, bs, bd = _link_layers(link)
        rows.append((ia + fs, ib + fd, ib + bs, ia + bd))
        values.append(
            (
                fig.time_h,
                fig.cost_usd,
                fig.distance_km,
                fig.co2_kg,
                fig.variance_h2,
                float(link.changes_gauge),
                float(_border_count(link, a, b)),
            )
        )
        fmodes.append(_filter_mode(link))
    keys = np.asarray(rows, dtype=np.int64).reshape(-1, 4)
    return {
        "fs": keys[:, 0],
        "fd": keys[:, 1],
        "bs": keys[:, 2],
        "bd": keys[:, 3],
        "values": np.asarray(values, dtype=np.float64).reshape(-1, 7),
        "fmode": np.asarray(fmodes, dtype=np.int32),
    }


def _add_node_arcs(
    parts: _Parts, network: Network, present: NDArray[np.bool_], vid: _VertexIds
) -> None:
    """Terminal arcs (origin → departure layers, arrival layers → destination) and transfers."""
    n_nodes = present.shape[0]
    nodes = np.arange(n_nodes, dtype=np.int64)
    zeros = np.zeros((n_nodes, 7))
    for layer in range(5):
        at = nodes[present[:, layer]]
        if layer in DEPARTURE_LAYERS:
            _node_arcs(
                parts, at * _STRIDE + ORIGIN, at * _STRIDE + layer, KIND_TERMINAL, at, zeros, vid
            )
        if layer in ARRIVAL_LAYERS:
            _node_arcs(
                parts, at * _STRIDE + layer, at * _STRIDE + DEST, KIND_TERMINAL, at, zeros, vid
            )
    fee = np.full((n_nodes, 7), np.nan)
    for i, node in enumerate(network.nodes.values()):
        fig = transfer_figures(node, network.parameters)
        if fig is not None:
            fee[i] = (fig.time_h, fig.fee_usd, 0.0, 0.0, fig.variance_h2, 1.0, 0.0)
    allowed = ~np.isnan(fee[:, 0])
    for arrive in ARRIVAL_LAYERS:
        for leave in DEPARTURE_LAYERS:
            if arrive == leave:
                continue
            at = nodes[allowed & present[:, arrive] & present[:, leave]]
            _node_arcs(
                parts, at * _STRIDE + arrive, at * _STRIDE + leave, KIND_TRANSFER, at, fee, vid
            )


def _node_arcs(
    parts: _Parts,
    src: Ints,
    dst: Ints,
    kind: int,
    at: Ints,
    table: FloatArray,
    vid: _VertexIds,
) -> None:
    none = np.full(at.shape[0], -1, dtype=np.int32)
    parts.add(vid(src), vid(dst), kind, none, at.astype(np.int32), 0, none, table[at])


def _arc_countries(
    parts: _Parts,
    links: list[Link],
    network: Network,
    country_of: dict[str, int],
    node_country: Ints,
) -> tuple[IntArray, IntArray]:
    n_links = len(links)
    pairs = [
        (i, country_of[c])
        for i, link in enumerate(links)
        for c in {
            network.nodes[link.from_node].country,
            network.nodes[link.to_node].country,
            *link.via,
        }
        if c in country_of
    ]
    link_pairs = np.asarray(pairs, dtype=np.int32).reshape(-1, 2)
    arc_parts: list[Ints] = [link_pairs[:, 0], link_pairs[:, 0] + n_links]
    country_parts: list[Ints] = [link_pairs[:, 1], link_pairs[:, 1]]
    offset = 2 * n_links
    for node in parts.node[2:]:
        arc_parts.append(np.arange(node.shape[0], dtype=np.int32) + offset)
        country_parts.append(node_country[node])
        offset += node.shape[0]
    return (
        np.concatenate(arc_parts).astype(np.int32),
        np.concatenate(country_parts).astype(np.int32),
    )


def _freeze(
    parts: _Parts,
    vkeys: Ints,
    node_ids: tuple[str, ...],
    link_ids: tuple[str, ...],
    countries: tuple[str, ...],
    arc_country: tuple[IntArray, IntArray],
) -> CompiledGraph:
    values = np.concatenate(parts.values)
    n_nodes = len(node_ids)
    terminals = np.arange(n_nodes, dtype=np.int64) * _STRIDE
    return CompiledGraph(
        node_ids=node_ids,
        link_ids=link_ids,
        countries=countries,
        vertex_node=(vkeys // _STRIDE).astype(np.int32),
        vertex_layer=(vkeys % _STRIDE).astype(np.int8),
        origin_vertex=np.searchsorted(vkeys, terminals + ORIGIN).astype(np.int32),
        dest_vertex=np.searchsorted(vkeys, terminals + DEST).astype(np.int32),
        arc_src=np.concatenate(parts.src),
        arc_dst=np.concatenate(parts.dst),
        arc_kind=np.concatenate(parts.kind).astype(np.int8),
        arc_link=np.concatenate(parts.link),
        arc_node=np.concatenate(parts.node),
        arc_reverse=np.concatenate(parts.reverse).astype(bool),
        arc_filter_mode=np.concatenate(parts.fmode).astype(np.int8),
        time_h=values[:, 0].copy(),
        cost_usd=values[:, 1].copy(),
        distance_km=values[:, 2].copy(),
        co2_kg=values[:, 3].copy(),
        variance_h2=values[:, 4].copy(),
        transshipments=values[:, 5].astype(np.int32),
        borders=values[:, 6].astype(np.int32),
        country_arc=arc_country[0],
        country_index=arc_country[1],
    )


def _same_shape(old: Link, new: Link) -> bool:
    return (old.from_node, old.to_node, old.mode, old.gauge, old.via, old.status) == (
        new.from_node,
        new.to_node,
        new.mode,
        new.gauge,
        new.via,
        new.status,
    )


def patch_network(base: Network, network: Network) -> CompiledGraph | None:
    """``network``'s graph made from ``base``'s by patching arc figures, or ``None``.

    Possible when both have the same nodes (in order, with the same country and the same
    ability to transfer) and the same current links (in order, each with the same ends, mode,
    gauge and transits); only the figures of changed links and nodes are recomputed.
    """
    graph = base.graph
    links = [link for link in network.links.values() if link.status == "current"]
    if tuple(network.nodes) != graph.node_ids or tuple(k.id for k in links) != graph.link_ids:
        return None
    params = network.parameters
    changed_nodes = []
    pairs = zip(base.nodes.values(), network.nodes.values(), strict=True)
    for i, (old_node, new_node) in enumerate(pairs):
        if old_node is new_node:
            continue
        before, after = transfer_figures(old_node, params), transfer_figures(new_node, params)
        if old_node.country != new_node.country or (before is None) != (after is None):
            return None
        changed_nodes.append((i, after))
    changed_links = []
    for i, new_link in enumerate(links):
        old_link = base.links[new_link.id]
        same_figures = base.figures(new_link.id) is network.figures(new_link.id)
        if old_link is not new_link or not same_figures:
            if not _same_shape(old_link, new_link):
                return None
            changed_links.append((i, new_link))
    if not changed_links and not changed_nodes:
        return graph
    columns = {
        n: getattr(graph, n).copy()
        for n in ("time_h", "cost_usd", "distance_km", "co2_kg", "variance_h2")
    }
    n_links = len(links)
    for i, link in changed_links:
        fig = network.figures(link.id)
        for arc in (i, i + n_links):
            columns["time_h"][arc] = fig.time_h
            columns["cost_usd"][arc] = fig.cost_usd
            columns["distance_km"][arc] = fig.distance_km
            columns["co2_kg"][arc] = fig.co2_kg
            columns["variance_h2"][arc] = fig.variance_h2
    for i, transfer in changed_nodes:
        if transfer is None:
            continue
        arcs = np.flatnonzero((graph.arc_kind == KIND_TRANSFER) & (graph.arc_node == i))
        columns["time_h"][arcs] = transfer.time_h
        columns["cost_usd"][arcs] = transfer.fee_usd
        columns["variance_h2"][arcs] = transfer.variance_h2
    return replace(graph, **columns)
