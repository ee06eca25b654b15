"""Shortest paths on compact arrays: scipy's compiled Dijkstra plus Yen's k paths.

A :class:`SearchSpace` is the graph one query family searches: the compiled graph under a
mask (avoided countries, allowed modes), or its product with a transshipment counter
(vertex ``v`` at count ``t`` is ``v + t·V``) when the count is limited. :class:`Prepared`
turns a space into a CSR matrix once; parallel arcs keep only the cheapest, and the arc that
realises each step is found again by binary search, so paths come back as arc indices.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from cajad.corridor._graph import CompiledGraph

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class SearchSpace:
    """Arcs (``src``, ``dst``, ``weight``) over ``n`` vertices; ``base_arc`` maps back."""

    n: int
    src: IntArray
    dst: IntArray
    weight: FloatArray
    base_arc: IntArray
    vertex_node: IntArray
    copies: int = 1

    def vertex(self, base_vertex: int, count: int = 0) -> int:
        """The space vertex of compiled vertex ``base_vertex`` at transshipment ``count``."""
        return base_vertex + count * (self.n // self.copies)

    def targets(self, base_vertex: int) -> IntArray:
        """Every copy of a compiled vertex (one per transshipment count)."""
        step = self.n // self.copies
        return np.arange(self.copies, dtype=np.int64) * step + base_vertex


def base_space(graph: CompiledGraph, weight: FloatArray, mask: BoolArray) -> SearchSpace:
    """The compiled graph restricted to ``mask`` with the given arc weights."""
    keep = np.flatnonzero(mask & np.isfinite(weight))
    return SearchSpace(
        n=graph.n_vertices,
        src=graph.arc_src[keep].astype(np.int64),
        dst=graph.arc_dst[keep].astype(np.int64),
        weight=weight[keep],
        base_arc=keep.astype(np.int64),
        vertex_node=graph.vertex_node.astype(np.int64),
    )


def product_space(
    graph: CompiledGraph, weight: FloatArray, mask: BoolArray, limit: int
) -> SearchSpace:
    """The graph times a transshipment counter 0..``limit``; arcs past the limit vanish."""
    keep = np.flatnonzero(mask & np.isfinite(weight))
    v = graph.n_vertices
    parts: list[tuple[IntArray, IntArray, IntArray]] = []
    step = graph.transshipments[keep].astype(np.int64)
    for count in range(limit + 1):
        ok = count + step <= limit
        arcs = keep[ok]
        src = graph.arc_src[arcs].astype(np.int64) + count * v
        dst = graph.arc_dst[arcs].astype(np.int64) + (count + step[ok]) * v
        parts.append((src, dst, arcs.astype(np.int64)))
    base = np.concatenate([p[2] for p in parts])
    return SearchSpace(
        n=v * (limit + 1),
        src=np.concatenate([p[0] for p in parts]),
        dst=np.concatenate([p[1] for p in parts]),
        weight=weight[base],
        base_arc=base,
        vertex_node=np.tile(graph.vertex_node.astype(np.int64), limit + 1),
        copies=limit + 1,
    )


@dataclass(frozen=True, slots=True)
class Path:
    """A path as space arc indices, with its total weight."""

    cost: float
    arcs: tuple[int, ...]


_MAX_TREES = 4096
SMALL_SPACE = 50_000
"""Spaces with at most this many vertices run Yen's spur searches in pure Python: on small
graphs the fixed cost of building a masked sparse matrix per spur outweighs compiled code."""


class Prepared:
    """A search space sorted by (arc key, weight), ready for repeated masked searches."""

    def __init__(self, space: SearchSpace, *, small_space: int = SMALL_SPACE) -> None:
        self.space = space
        self.python_spurs = space.n <= small_space
        self._adjacency: list[list[tuple[int, int, float]]] | None = None
        # one-to-all trees of unmasked searches, kept on small graphs: a later query from the
        # same origin is a read-back, not another Dijkstra run
        self._trees: dict[int, tuple[FloatArray, NDArray[np.int32]]] | None = (
            {} if space.n <= small_space else None
        )
        key = space.src * space.n + space.dst
        self._order = np.lexsort((space.weight, key))
        self._key = key[self._order]
        self._src_node = space.vertex_node[space.src]
        self._dst_node = space.vertex_node[space.dst]
        self._full: tuple[object, IntArray, IntArray] | None = None

    def _matrix(self, mask: BoolArray | None) -> tuple[object, IntArray, IntArray]:
        if mask is None and self._full is not None:
            return self._full
        order, key = self._order, self._key
        if mask is not None:
            chosen = mask[order]
            order, key = order[chosen], key[chosen]
        first = np.ones(key.shape[0], dtype=bool)
        first[1:] = key[1:] != key[:-1]
        order, key = order[first], key[first]
        n = self.space.n
        rows = key // n
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        matrix = csr_matrix((self.space.weight[order], key % n, indptr), shape=(n, n))
        built = (matrix, key, order)
        if mask is None:
            self._full = built
        return built

    def shortest(
        self, source: int, targets: IntArray, mask: BoolArray | None = None
    ) -> Path | None:
        """Cheapest path from ``source`` to the nearest of ``targets`` (``None``: no path)."""
        matrix, key, order = self._matrix(mask)
        tree = self._trees.get(source) if mask is None and self._trees is not None else None
        if tree is None:
            tree = dijkstra(matrix, directed=True, indices=source, return_predecessors=True)
            if mask is None and self._trees is not None and len(self._trees) < _MAX_TREES:
                self._trees[source] = tree
        dist, pred = tree
        reached = dist[targets]
        best = int(np.argmin(reached))
        if not np.isfinite(reached[best]):
            return None
        vertices = [int(targets[best])]
        while vertices[-1] != source:
            vertices.append(int(pred[vertices[-1]]))
        vertices.reverse()
        steps = np.asarray(vertices[:-1], dtype=np.int64) * self.space.n + vertices[1:]
        arcs = order[np.searchsorted(key, steps)]
        return Path(float(reached[best]), tuple(int(a) for a in arcs))

    def distances(self, sources: list[int]) -> FloatArray:
        """Best weights from each source to every vertex, one compiled run for all sources."""
        matrix, _, _ = self._matrix(None)
        found: FloatArray = dijkstra(matrix, directed=True, indices=sources)
        return found.reshape(len(sources), self.space.n)

    def adjacency(self) -> list[list[tuple[int, int, float]]]:
        """Out-arcs of every vertex as (arc, head, weight), built on first use."""
        if self._adjacency is None:
            out: list[list[tuple[int, int, float]]] = [[] for _ in range(self.space.n)]
            sp = self.space
            for arc, (u, v, w) in enumerate(
                zip(sp.src.tolist(), sp.dst.tolist(), sp.weight.tolist(), strict=True)
            ):
                out[u].append((arc, v, w))
            self._adjacency = out
        return self._adjacency

    def spur(
        self, source: int, targets: IntArray, vertices: list[int], nodes: set[int], arcs: set[int]
    ) -> Path | None:
        """Cheapest path avoiding ``vertices``, every vertex of ``nodes`` and ``arcs``."""
        if not self.python_spurs:
            mask = self.block_mask(vertices, sorted(nodes), arcs)
            return self.shortest(source, targets, mask)
        return _heap_dijkstra(
            self.adjacency(),
            source,
            set(targets.tolist()),
            set(vertices),
            nodes,
            arcs,
            self.space.vertex_node,
        )

    def cost(self, arcs: tuple[int, ...]) -> float:
        return float(self.space.weight[list(arcs)].sum()) if arcs else 0.0

    def block_mask(self, vertices: list[int], nodes: list[int], arcs: set[int]) -> BoolArray:
        """Arcs left after removing ``vertices``, every vertex of ``nodes`` and ``arcs``."""
        sp = self.space
        gone = np.isin(sp.src, vertices) | np.isin(sp.dst, vertices)
        if nodes:
            gone |= np.isin(self._src_node, nodes) | np.isin(self._dst_node, nodes)
        mask = ~gone
        if arcs:
            mask[list(arcs)] = False
        return mask


def yen(prepared: Prepared, source: int, targets: IntArray) -> Iterator[Path]:
    """Yen's loopless paths in nondecreasing cost, generated lazily.

    Paths are simple in the space's vertices; the spur search also leaves out every vertex of
    the physical nodes already on the root, since a path through them again is never loopless
    on the ground. The caller filters what remains (e.g. identical link sequences).
    """
    first = prepared.shortest(source, targets)
    if first is None:
        return
    found: list[Path] = [first]
    seen = {first.arcs}
    heap: list[tuple[float, int, tuple[int, ...]]] = []
    counter = 0
    yield first
    space = prepared.space
    while True:
        last = found[-1].arcs
        vertices = [source, *(int(space.dst[a]) for a in last)]
        for i in range(len(last)):
            root = last[:i]
            spur = vertices[i]
            used = {p.arcs[i] for p in found if len(p.arcs) > i and p.arcs[:i] == root}
            root_nodes = {int(space.vertex_node[v]) for v in vertices[:i]}
            root_nodes.discard(int(space.vertex_node[spur]))
            tail = prepared.spur(spur, targets, vertices[:i], root_nodes, used)
            if tail is None:
                continue
            candidate = root + tail.arcs
            if candidate in seen:
                continue
            seen.add(candidate)
            counter += 1
            heapq.heappush(heap, (prepared.cost(candidate), counter, candidate))
        if not heap:
            return
        cost, _, arcs = heapq.heappop(heap)
        path = Path(cost, arcs)
        found.append(path)
        yield path


def _heap_dijkstra(
    out: list[list[tuple[int, int, float]]],
    source: int,
    targets: set[int],
    blocked: set[int],
    blocked_nodes: set[int],
    blocked_arcs: set[int],
    vertex_node: IntArray,
) -> Path | None:
    """Dijkstra with a binary heap, stopping at the first target settled."""
    node_of = vertex_node.tolist() if blocked_nodes else None
    dist = {source: 0.0}
    via: dict[int, tuple[int, int]] = {}
    heap = [(0.0, source)]
    done: set[int] = set()
    while heap:
        d, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        if u in targets:
            arcs = []
            while u != source:
                arc, u = via[u]
                arcs.append(arc)
            return Path(d, tuple(reversed(arcs)))
        for arc, v, w in out[u]:
            if v in done or v in blocked or arc in blocked_arcs:
                continue
            if node_of is not None and node_of[v] in blocked_nodes:
                continue
            nd = d + w
            if nd < dist.get(v, float("inf")):
                dist[v] = nd
                via[v] = (arc, u)
                heapq.heappush(heap, (nd, v))
    return None
