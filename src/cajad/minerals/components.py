"""Targets from a score map larger than memory: connected components of the thresholded map found
block by block and merged across block edges.

Each block is labelled on its own (``scipy.ndimage.label``, 8-neighbour) and returns only small
things: per-label statistics and its four edge lines of labels. Labels that touch across a block
edge (also diagonally) are joined with a union-find (``scipy.sparse.csgraph``). Components are then
numbered by their first cell in raster order, as ``ndimage.label`` numbers them on the whole map,
and only the top ones are turned into polygons, again block by block. Memory grows with the number
of components and the grid's perimeter, not its area.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import dask.array as da
import numpy as np
import shapely
from affine import Affine
from dask.delayed import delayed
from numpy.typing import NDArray
from rasterio import features
from scipy import ndimage, sparse
from scipy.sparse.csgraph import connected_components

from cajad.minerals.blockwise import compute_all, delayed_blocks
from cajad.minerals.grid import Grid
from cajad.minerals.targets import Target, rank_components

__all__ = ["find_targets_blockwise"]

_EIGHT = np.ones((3, 3), dtype=bool)
# rasterio's in-memory datasets behind features.shapes are not safe in concurrent threads (they
# intermittently lose their transform); blocks are polygonised one at a time per process.
_SHAPES_LOCK = threading.Lock()


@dataclass
class _Block:
    """What one block hands back: statistics of its labels (index 0 = label 1) and edge lines."""

    r0: int
    c0: int
    n: int
    cells: NDArray[np.float64]
    score_sum: NDArray[np.float64]
    score_max: NDArray[np.float64]
    unc_sum: NDArray[np.float64]
    hits: NDArray[np.int64]
    first: NDArray[np.int64]
    top: NDArray[np.int32]
    bottom: NDArray[np.int32]
    left: NDArray[np.int32]
    right: NDArray[np.int32]


def _label(score: NDArray[np.float32], cut: float) -> tuple[NDArray[np.int32], int]:
    labels, n = ndimage.label(np.isfinite(score) & (score >= cut), structure=_EIGHT)
    return labels.astype(np.int32), int(n)


def _block_stats(
    score: NDArray[np.float32],
    unc: NDArray[np.float32] | None,
    cut: float,
    where: tuple[int, int, int],
    deposits: tuple[NDArray[np.int64], NDArray[np.int64]],
) -> _Block:
    r0, c0, width = where
    labels, n = _label(score, cut)
    flat = labels.ravel()
    idx = np.arange(1, n + 1)
    s = np.nan_to_num(score.astype(np.float64)).ravel()
    u = np.zeros_like(s) if unc is None else np.nan_to_num(unc.astype(np.float64)).ravel()
    uniq, first_at = np.unique(flat, return_index=True)
    first = np.zeros(n + 1, dtype=np.int64)
    first[uniq] = (r0 + first_at // labels.shape[1]) * width + c0 + first_at % labels.shape[1]
    dr, dc = deposits
    return _Block(
        r0,
        c0,
        n,
        np.bincount(flat, minlength=n + 1)[1:].astype(np.float64),
        _sums(flat, s, n),
        np.asarray(ndimage.maximum(s.reshape(labels.shape), labels, idx), dtype=np.float64),
        _sums(flat, u, n),
        np.bincount(labels[dr, dc], minlength=n + 1)[1:].astype(np.int64),
        first[1:],
        labels[0].copy(),
        labels[-1].copy(),
        labels[:, 0].copy(),
        labels[:, -1].copy(),
    )


def _sums(labels: NDArray[Any], weights: NDArray[Any], n: int) -> NDArray[np.float64]:
    """Sum of ``weights`` by label 1..n."""
    return np.asarray(np.bincount(labels, weights=weights, minlength=n + 1)[1:], dtype=np.float64)


def _deposits_in(
    deposits: tuple[NDArray[np.int64], NDArray[np.int64]] | None,
    rows: tuple[int, int],
    cols: tuple[int, int],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    if deposits is None:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    r, c = np.asarray(deposits[0], np.int64), np.asarray(deposits[1], np.int64)
    inside = (r >= rows[0]) & (r < rows[1]) & (c >= cols[0]) & (c < cols[1])
    return r[inside] - rows[0], c[inside] - cols[0]


def _edges(lines_a: list[NDArray[np.int32]], lines_b: list[NDArray[np.int32]]) -> NDArray[Any]:
    """Pairs of labels facing each other across one straight edge (8-neighbour: offsets -1..1)."""
    a, b = np.concatenate(lines_a), np.concatenate(lines_b)
    pairs = []
    for d in (-1, 0, 1):
        x = a[max(0, -d) : a.size - max(0, d)]
        y = b[max(0, d) : b.size - max(0, -d)]
        both = (x > 0) & (y > 0)
        pairs.append(np.column_stack([x[both], y[both]]))
    return np.concatenate(pairs)


def _merge(blocks: list[list[_Block]]) -> NDArray[np.int64]:
    """Component (a union-find root) of every global label; index 0 is the background."""
    offsets: list[list[int]] = []
    total = 0
    for row in blocks:
        offsets.append([])
        for b in row:
            offsets[-1].append(total)
            total += b.n

    def shifted(line: NDArray[np.int32], off: int) -> NDArray[np.int32]:
        return np.where(line > 0, line + off, 0).astype(np.int32)

    pairs = [np.empty((0, 2), dtype=np.int64)]
    for i in range(len(blocks) - 1):  # horizontal edges, full width
        above = [shifted(b.bottom, offsets[i][j]) for j, b in enumerate(blocks[i])]
        below = [shifted(b.top, offsets[i + 1][j]) for j, b in enumerate(blocks[i + 1])]
        pairs.append(_edges(above, below))
    for j in range(len(blocks[0]) - 1):  # vertical edges, full height
        west = [shifted(row[j].right, offsets[i][j]) for i, row in enumerate(blocks)]
        east = [shifted(row[j + 1].left, offsets[i][j + 1]) for i, row in enumerate(blocks)]
        pairs.append(_edges(west, east))
    edges = np.concatenate(pairs)
    graph = sparse.coo_array(
        (np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])),
        shape=(total + 1, total + 1),
    )
    _, comp = connected_components(graph, directed=False)
    return np.asarray(comp, dtype=np.int64)


@dataclass
class _Components:
    """Statistics of the merged components, numbered 1..n in raster order of their first cell."""

    label_of: NDArray[np.int64]  # global block label -> component number (0 = none)
    cells: NDArray[np.float64]
    means: NDArray[np.float64]
    maxes: NDArray[np.float64]
    unc: NDArray[np.float64]
    hits: NDArray[np.int64]


def _components(blocks: list[list[_Block]], with_unc: bool) -> _Components:
    comp = _merge(blocks)
    flat = [b for row in blocks for b in row]

    def cat(name: str) -> NDArray[Any]:
        return np.concatenate([np.zeros(1)] + [getattr(b, name) for b in flat])

    first = cat("first")
    first[0] = np.inf
    roots, dense = np.unique(comp[1:], return_inverse=True)
    n = roots.size
    start = np.full(n, np.inf)
    np.minimum.at(start, dense, first[1:])
    number = np.empty(n, dtype=np.int64)
    number[np.argsort(start, kind="stable")] = np.arange(1, n + 1)
    label_of = np.r_[0, number[dense]]
    cells = _sums(label_of, cat("cells"), n)
    maxes = np.full(n + 1, -np.inf)
    np.maximum.at(maxes, label_of, cat("score_max"))
    unc = _sums(label_of, cat("unc_sum"), n) / np.maximum(cells, 1)
    return _Components(
        label_of,
        cells,
        _sums(label_of, cat("score_sum"), n) / np.maximum(cells, 1),
        maxes[1:],
        unc if with_unc else np.full(n, np.nan),
        _sums(label_of, cat("hits"), n).astype(np.int64),
    )


@dataclass
class _Kept:
    """The kept targets inside one block: polygons (in grid (col, -row)) and cells."""

    shapes: list[tuple[int, Any]]
    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    labels: NDArray[np.int32]


def _block_kept(
    score: NDArray[np.float32], cut: float, r0: int, c0: int, lut: NDArray[np.int32]
) -> _Kept:
    labels, _ = _label(score, cut)
    kept = lut[labels]
    # (col, -row): integer coordinates, exact across blocks; never the identity, which GDAL
    # takes for 'not georeferenced'
    with _SHAPES_LOCK:
        shapes = [
            (int(value), shapely.geometry.shape(geom))
            for geom, value in features.shapes(
                kept, mask=kept > 0, transform=Affine(1, 0, c0, 0, -1, -r0)
            )
        ]
    rows, cols = np.nonzero(kept)
    return _Kept(
        shapes,
        rows + r0,
        cols + c0,
        kept[rows, cols],
    )


def _kept(
    score: da.Array,
    cut: float,
    blocks: list[list[_Block]],
    comps: _Components,
    final: NDArray[np.int32],
    grid: Grid,
) -> tuple[dict[int, Any], Any]:
    """Polygons in the grid's CRS (final label -> geometry) and the sparse label raster of the
    labels with ``final > 0``, only from blocks that hold some."""
    jobs, start = [], 1
    pieces = delayed_blocks(score)
    for i, row in enumerate(blocks):
        for j, b in enumerate(row):
            lut = np.r_[0, final[comps.label_of[start : start + b.n]]].astype(np.int32)
            start += b.n
            if lut.any():
                job = delayed(_block_kept)(pieces[i, j], cut, b.r0, b.c0, lut)
                jobs.append(job)
    found: list[_Kept] = compute_all(jobs)
    parts: dict[int, list[Any]] = {}
    for kept in found:
        for value, geom in kept.shapes:
            parts.setdefault(value, []).append(geom)
    t = grid.transform
    matrix = [t.a, -t.b, t.d, -t.e, t.c, t.f]  # from (col, -row)
    tol = min(grid.resolution) / 4
    shapes = {
        k: shapely.simplify(shapely.affinity.affine_transform(shapely.union_all(v), matrix), tol)
        for k, v in parts.items()
    }
    cells = [np.empty(0, np.int64)] * 2 + [np.empty(0, np.int32)]
    rows, cols, values = (
        np.concatenate([c] + [getattr(k, name) for k in found])
        for c, name in zip(cells, ("rows", "cols", "labels"), strict=True)
    )
    raster = sparse.csr_array((values.astype(np.int32), (rows, cols)), shape=grid.shape)
    return shapes, raster


def find_targets_blockwise(
    score: da.Array,
    grid: Grid,
    cut: float,
    *,
    uncertainty: da.Array | None = None,
    deposits: tuple[NDArray[np.int64], NDArray[np.int64]] | None = None,
    min_cells: int = 4,
    max_targets: int = 50,
) -> tuple[list[Target], Any]:
    """:func:`cajad.minerals.targets.find_targets` for a chunked map: the same targets (cells
    with ``score >= cut``), ranks, statistics and polygons, computed block by block.

    Returns the targets and their label raster as a ``scipy.sparse.csr_array`` of
    ``grid.shape`` (targets are a small share of the map): ``np.nonzero(labels == t.label)``
    gives a target's cells, as on the dense raster of ``find_targets``.
    """
    unc = None if uncertainty is None else uncertainty.rechunk(score.chunks)  # type: ignore[no-untyped-call]
    s_blocks = delayed_blocks(score)
    u_blocks = None if unc is None else delayed_blocks(unc)
    r_edges = np.r_[0, np.cumsum(score.chunks[0])]
    c_edges = np.r_[0, np.cumsum(score.chunks[1])]
    jobs = [
        [
            delayed(_block_stats)(
                s_blocks[i, j],
                None if u_blocks is None else u_blocks[i, j],
                cut,
                (int(r_edges[i]), int(c_edges[j]), grid.width),
                _deposits_in(deposits, (r_edges[i], r_edges[i + 1]), (c_edges[j], c_edges[j + 1])),
            )
            for j in range(len(c_edges) - 1)
        ]
        for i in range(len(r_edges) - 1)
    ]
    flat = compute_all([job for row in jobs for job in row])
    ncols = len(c_edges) - 1
    blocks = [list(flat[k : k + ncols]) for k in range(0, len(flat), ncols)]
    comps = _components(blocks, unc is not None)
    order = rank_components(comps.cells, comps.means, min_cells, max_targets)
    final = np.zeros(comps.cells.size + 1, dtype=np.int32)
    final[order + 1] = order + 1
    shapes, raster = _kept(score, cut, blocks, comps, final, grid)
    targets = [
        Target(
            rank=r + 1,
            label=int(i + 1),
            area_km2=float(comps.cells[i] * grid.cell_area / 1e6),
            mean_score=float(comps.means[i]),
            max_score=float(comps.maxes[i]),
            mean_uncertainty=float(comps.unc[i]),
            known_deposits=int(comps.hits[i]),
            geometry=shapes[int(i + 1)],
        )
        for r, i in enumerate(order)
    ]
    return targets, raster
