"""Vector evidence to rasters on a grid: distance to features, categories, point density.

Each function works chunk by chunk (dask); distance and density look only ``max_distance`` or
``radius`` beyond a chunk, so memory stays bounded on any grid size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

import dask.array as da
import numpy as np
import shapely
from affine import Affine
from numpy.typing import NDArray
from rasterio import features
from scipy import ndimage

from cajad.minerals.errors import EvidenceError
from cajad.minerals.grid import Grid
from cajad.minerals.stack import DEFAULT_CHUNK

__all__ = ["categories", "distance_to", "point_density"]


def _blocks(grid: Grid, chunks: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    rows = tuple(min(chunks, grid.height - i) for i in range(0, grid.height, chunks))
    cols = tuple(min(chunks, grid.width - i) for i in range(0, grid.width, chunks))
    return rows, cols


def _burn(
    geoms: Sequence[Any], values: Sequence[float] | None, grid: Grid, chunks: int, fill: float
) -> da.Array:
    tree = shapely.STRtree(geoms)

    def block(block_info: dict[Any, Any] | None = None) -> NDArray[np.float32]:
        assert block_info is not None
        (r0, r1), (c0, c1) = block_info[None]["array-location"]
        t = grid.transform @ Affine.translation(c0, r0)
        box = shapely.box(t.c, t.f + t.e * (r1 - r0), t.c + t.a * (c1 - c0), t.f)
        hits = tree.query(box)
        if hits.size == 0:
            return np.full((r1 - r0, c1 - c0), fill, dtype=np.float32)
        shapes = [(geoms[i], 1.0 if values is None else values[i]) for i in hits]
        return np.asarray(
            features.rasterize(
                shapes,
                out_shape=(r1 - r0, c1 - c0),
                transform=t,
                fill=fill,
                dtype="float32",
                all_touched=True,
            ),
            dtype=np.float32,
        )

    out = da.map_blocks(block, chunks=_blocks(grid, chunks), dtype=np.float32)  # type: ignore[no-untyped-call]
    return cast(da.Array, out)


def categories(
    geoms: Sequence[Any], codes: Sequence[float], grid: Grid, *, chunks: int = DEFAULT_CHUNK
) -> da.Array:
    """Class code of the polygon (e.g. a lithology) covering each cell; NaN elsewhere.

    ``geoms`` are shapely geometries in the grid's CRS, ``codes`` one number per geometry.
    """
    if len(geoms) != len(codes):
        raise EvidenceError(f"one code per geometry needed; got {len(codes)} for {len(geoms)}")
    return _burn(list(geoms), list(codes), grid, chunks, np.nan)


def distance_to(
    geoms: Sequence[Any], grid: Grid, *, max_distance: float, chunks: int = DEFAULT_CHUNK
) -> da.Array:
    """Distance (CRS units, metres for a projected grid) from each cell centre to the nearest
    feature, capped at ``max_distance``.

    Parameters
    ----------
    geoms : sequence of shapely geometries
        Faults, contacts, deposits… in the grid's CRS.
    max_distance : float
        Cap; also how far beyond a chunk the computation looks.
    """
    if max_distance <= 0:
        raise EvidenceError(f"`max_distance` must be positive; got {max_distance}")
    if len(geoms) == 0:
        full = da.full(grid.shape, max_distance, dtype=np.float32, chunks=chunks)  # type: ignore[no-untyped-call]
        return cast(da.Array, full)
    present = _burn(list(geoms), None, grid, chunks, 0.0) > 0
    rx, ry = grid.resolution
    reach = math.ceil(max_distance / min(rx, ry)) + 1
    depth = {0: min(reach, grid.height), 1: min(reach, grid.width)}

    def edt(block: NDArray[np.bool_]) -> NDArray[np.float32]:
        if not block.any():
            return np.full(block.shape, max_distance, dtype=np.float32)
        d = ndimage.distance_transform_edt(~block, sampling=(ry, rx))
        return np.asarray(np.minimum(np.asarray(d), max_distance), dtype=np.float32)

    out = present.map_overlap(edt, depth=depth, boundary=False, dtype=np.float32, trim=True)
    return cast(da.Array, out)


def point_density(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    grid: Grid,
    *,
    radius: float,
    weights: NDArray[np.float64] | None = None,
    chunks: int = DEFAULT_CHUNK,
) -> da.Array:
    """Points per km² within ``radius`` (CRS metres) of each cell centre (a disc kernel).

    ``x``, ``y`` are in the grid's CRS; ``weights`` (e.g. grade, or 1) default to 1.
    """
    if radius <= 0:
        raise EvidenceError(f"`radius` must be positive; got {radius}")
    rows, cols = grid.rowcol(x, y)
    inside = grid.contains(rows, cols)
    w = np.ones(rows.size) if weights is None else np.asarray(weights, dtype=np.float64)
    rows, cols, w = rows[inside], cols[inside], w[inside]

    def count(block_info: dict[Any, Any] | None = None) -> NDArray[np.float32]:
        assert block_info is not None
        (r0, r1), (c0, c1) = block_info[None]["array-location"]
        out = np.zeros((r1 - r0, c1 - c0), dtype=np.float32)
        here = (rows >= r0) & (rows < r1) & (cols >= c0) & (cols < c1)
        np.add.at(out, (rows[here] - r0, cols[here] - c0), w[here])
        return out

    rx, ry = grid.resolution
    kr, kc = math.ceil(radius / ry), math.ceil(radius / rx)
    yy, xx = np.mgrid[-kr : kr + 1, -kc : kc + 1]
    kernel = ((yy * ry) ** 2 + (xx * rx) ** 2 <= radius**2).astype(np.float32)
    disc_km2 = math.pi * radius**2 / 1e6

    def convolve(block: NDArray[np.float32]) -> NDArray[np.float32]:
        out = ndimage.convolve(block, kernel, mode="constant", cval=0.0)
        return np.asarray(out / disc_km2, dtype=np.float32)

    arr = da.map_blocks(count, chunks=_blocks(grid, chunks), dtype=np.float32)  # type: ignore[no-untyped-call]
    return cast(da.Array, arr.map_overlap(convolve, depth=(kr, kc), boundary=0.0, dtype=np.float32))
