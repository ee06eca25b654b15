"""Statistics of a score map computed block by block, so that their memory does not grow with the
grid: a histogram of the scores, the exact quantile behind the top-fraction threshold, the
success-rate curve, and a decimated read for pictures.

Scores are float32. Each finite score maps to a 32-bit key that sorts like the score; the top
``KEY_BITS`` bits of the key are the histogram bin. A bin therefore spans a fixed *relative* width
of score (2**-11, about 0.05 %, at 20 bits) at every magnitude, so probabilities near 0 are resolved
as finely as those near 1, and a bin holds at most 2**12 distinct float32 values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import dask.array as da
import numpy as np
import rasterio
from dask.delayed import delayed
from numpy.typing import NDArray
from rasterio.enums import Resampling

from cajad.minerals.errors import ValidationSetupError
from cajad.minerals.metrics import RateCurve

__all__ = [
    "KEY_BITS",
    "compute_all",
    "delayed_blocks",
    "rate_curve_from_histogram",
    "read_decimated",
    "score_histogram",
    "score_keys",
    "score_quantile",
]

KEY_BITS = 20
_SHIFT = 32 - KEY_BITS
_N_BINS = 1 << KEY_BITS


def delayed_blocks(array: da.Array) -> NDArray[np.object_]:
    """The blocks of a 2-D dask array as a grid of ``Delayed`` objects."""
    return cast(NDArray[np.object_], array.to_delayed())  # type: ignore[no-untyped-call]


def compute_all(tasks: Sequence[Any]) -> list[Any]:
    """Compute ``Delayed`` objects together with the current scheduler: threads, or a
    ``dask.distributed`` cluster when a client is active."""
    from dask.base import compute

    return list(compute(*tasks))  # type: ignore[no-untyped-call]


def score_keys(values: NDArray[Any]) -> NDArray[np.uint32]:
    """32-bit keys that sort like the (finite) float32 ``values``; -0.0 and 0.0 share a key."""
    v = np.asarray(values, dtype=np.float32) + np.float32(0.0)  # -0.0 + 0.0 is +0.0
    bits = v.view(np.int32)
    flipped = bits ^ ((bits >> 31) & np.int32(0x7FFFFFFF))  # negatives: reverse their order
    return (flipped.view(np.uint32) ^ np.uint32(0x80000000)).astype(np.uint32)


def _bins(values: NDArray[Any]) -> NDArray[np.intp]:
    return (score_keys(values) >> np.uint32(_SHIFT)).astype(np.intp)


def _block_histogram(block: NDArray[np.float32]) -> NDArray[np.int64]:
    finite = block[np.isfinite(block)]
    counts = np.bincount(_bins(finite), minlength=_N_BINS).astype(np.int64)
    return counts[None, None, :]


def score_histogram(score: da.Array) -> NDArray[np.int64]:
    """Counts of the finite scores in each of the 2**KEY_BITS key bins (lowest score first)."""
    per_block = da.map_blocks(  # type: ignore[no-untyped-call]
        _block_histogram, score, new_axis=2, chunks=(1, 1, _N_BINS), dtype=np.int64
    )
    return np.asarray(compute_all([per_block.sum(axis=(0, 1))])[0], dtype=np.int64)


def _counts_in_bins(
    block: NDArray[np.float32], bins: tuple[int, ...]
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    finite = block[np.isfinite(block)] + np.float32(0.0)
    values, counts = np.unique(finite[np.isin(_bins(finite), bins)], return_counts=True)
    return values, counts.astype(np.int64)


def _order_statistics(
    score: da.Array, hist: NDArray[np.int64], ranks: tuple[int, ...]
) -> list[float]:
    """The scores of the given 0-based ranks (ascending), exactly: a second pass counts the
    distinct values of only the bins that hold those ranks (at most 2**12 values a bin)."""
    cum = np.cumsum(hist)
    bins = tuple(int(b) for b in np.searchsorted(cum, ranks, side="right"))
    found = compute_all([delayed(_counts_in_bins)(b, bins) for b in delayed_blocks(score).flat])
    values, inverse = np.unique(np.concatenate([v for v, _ in found]), return_inverse=True)
    counts = np.bincount(inverse, weights=np.concatenate([c for _, c in found]))
    out = []
    for rank, b in zip(ranks, bins, strict=True):
        below = int(cum[b - 1]) if b > 0 else 0
        in_bin = np.flatnonzero(_bins(values) == b)
        pos = np.searchsorted(np.cumsum(counts[in_bin]), rank - below, side="right")
        out.append(float(values[in_bin[pos]]))
    return out


def score_quantile(score: da.Array, q: float, hist: NDArray[np.int64] | None = None) -> float:
    """``numpy.quantile(score[finite], q)`` (its default, linear method), exactly, in two passes
    over the blocks (one if ``hist``, from :func:`score_histogram`, is given)."""
    counts = score_histogram(score) if hist is None else hist
    n = int(counts.sum())
    if n == 0:
        raise ValidationSetupError("the score map has no finite cell")
    virtual = (n - 1) * q
    lo = math.floor(virtual)
    hi = min(lo + 1, n - 1)
    a, b = _order_statistics(score, counts, (lo, hi))
    t = virtual - lo
    # numpy's _lerp, term for term, so the threshold is bit-identical
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


def rate_curve_from_histogram(hist: NDArray[np.int64], deposit_scores: NDArray[Any]) -> RateCurve:
    """Success-rate curve from the score histogram and the scores at the deposits (NaN = off the
    map). Exact where every bin holds one distinct score (as for weights of evidence); otherwise
    the curve is exact at bin edges and straight within a bin (a bin is 0.05 % of score wide)."""
    s = np.asarray(deposit_scores, dtype=np.float32)
    s = s[np.isfinite(s)]
    if s.size == 0:
        raise ValidationSetupError("no deposit falls on a valid cell of the map")
    points = np.bincount(_bins(s), minlength=_N_BINS)[::-1]
    cells = hist[::-1]
    used = cells > 0
    area = np.r_[0.0, np.cumsum(cells[used]) / cells.sum()]
    captured = np.r_[0.0, np.cumsum(points[used]) / s.size]
    return RateCurve(area, captured)


def read_decimated(path: str | Path, max_side: int = 1500) -> NDArray[np.float64]:
    """Band 1 of a raster at most ``max_side`` cells on its longer side (nearest cell; GDAL reads
    overviews when the file has them), NaN for nodata. Memory is bounded by the picture."""
    with rasterio.open(path) as src:
        step = max(1, math.ceil(max(src.height, src.width) / max_side))
        shape = (math.ceil(src.height / step), math.ceil(src.width / step))
        a = src.read(1, out_shape=shape, resampling=Resampling.nearest, masked=True)
    return cast(NDArray[np.float64], np.ma.filled(a.astype(np.float64), np.nan))
