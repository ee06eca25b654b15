"""Pareto-optimal paths in time × cost by multi-criteria label setting (Martins' algorithm).

Labels are popped in lexicographic (time, cost, transshipments) order, so a label that no
settled label at its vertex dominates is efficient there. Labels carry the physical nodes
already visited (a bit set), so paths stay loopless on the ground. The transshipment count is a
third criterion only when it is limited.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cajad.corridor._graph import CompiledGraph
from cajad.corridor.errors import OptionError

#: How much cheaper (USD per TEU) a slower route must be to stand on the front: half a cent.
#: A saving below it is rounding, not a choice (sums of tiny costs once kept a route 16 hours
#: slower for 1e-89 USD).
COST_STEP = 0.005


@dataclass(frozen=True, slots=True)
class _Label:
    time: float
    cost: float
    trans: int
    vertex: int
    parent: int
    arc: int
    visited: int


def _dominated(front: list[tuple[float, float, int]], t: float, c: float, tr: int) -> bool:
    return any(t0 <= t and c0 <= c and tr0 <= tr for t0, c0, tr0 in front)


def _adjacency(graph: CompiledGraph, mask: NDArray[np.bool_]) -> list[list[int]]:
    arcs = np.flatnonzero(mask)
    out: list[list[int]] = [[] for _ in range(graph.n_vertices)]
    for a, s in zip(arcs.tolist(), graph.arc_src[arcs].tolist(), strict=True):
        out[s].append(a)
    return out


def pareto_paths(
    graph: CompiledGraph,
    mask: NDArray[np.bool_],
    source: int,
    target: int,
    *,
    limit: int | None = None,
    max_labels: int = 500_000,
) -> list[tuple[float, float, tuple[int, ...]]]:
    """Efficient (time, cost, arcs) paths from ``source`` to ``target``, fastest first.

    Raises
    ------
    OptionError
        When more than ``max_labels`` labels would be needed (a graph too large for an exact
        Pareto set).
    """
    out = _adjacency(graph, mask)
    times, costs = graph.time_h.tolist(), graph.cost_usd.tolist()
    trans, dst = graph.transshipments.tolist(), graph.arc_dst.tolist()
    node_of = graph.vertex_node.tolist()
    labels = [_Label(0.0, 0.0, 0, source, -1, -1, 1 << node_of[source])]
    heap = [(0.0, 0.0, 0, 0)]
    settled: dict[int, list[tuple[float, float, int]]] = {}
    reached: list[int] = []
    while heap:
        _, _, _, index = heapq.heappop(heap)
        lab = labels[index]
        front = settled.setdefault(lab.vertex, [])
        if _dominated(front, lab.time, lab.cost, lab.trans):
            continue
        front.append((lab.time, lab.cost, lab.trans))
        if lab.vertex == target:
            reached.append(index)
            continue
        here = node_of[lab.vertex]
        for arc in out[lab.vertex]:
            w = dst[arc]
            node = node_of[w]
            if node != here and lab.visited >> node & 1:
                continue
            tr = lab.trans + trans[arc] if limit is not None else 0
            if limit is not None and tr > limit:
                continue
            t, c = lab.time + times[arc], lab.cost + costs[arc]
            if _dominated(settled.get(w, []), t, c, tr):
                continue
            labels.append(_Label(t, c, tr, w, index, arc, lab.visited | 1 << node))
            heapq.heappush(heap, (t, c, tr, len(labels) - 1))
            if len(labels) > max_labels:
                raise OptionError(f"the Pareto search needs more than {max_labels} labels")
    return _front(labels, reached)


def _front(labels: list[_Label], reached: list[int]) -> list[tuple[float, float, tuple[int, ...]]]:
    result: list[tuple[float, float, tuple[int, ...]]] = []
    best_cost = float("inf")
    for index in sorted(reached, key=lambda i: (labels[i].time, labels[i].cost)):
        lab = labels[index]
        if lab.cost > best_cost - COST_STEP:
            continue
        best_cost = lab.cost
        arcs: list[int] = []
        while lab.parent >= 0:
            arcs.append(lab.arc)
            lab = labels[lab.parent]
        result.append((labels[index].time, labels[index].cost, tuple(reversed(arcs))))
    return result
