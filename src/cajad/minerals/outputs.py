"""The map outputs of a run read back from its GeoTIFFs block by block: the top-fraction
threshold, targets, the success-rate curve and a picture-sized copy of the map, so that a run's
memory does not grow with the grid."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cajad.minerals.blockwise import (
    rate_curve_from_histogram,
    read_decimated,
    score_histogram,
    score_quantile,
)
from cajad.minerals.components import find_targets_blockwise
from cajad.minerals.grid import Grid
from cajad.minerals.metrics import RateCurve
from cajad.minerals.stack import DEFAULT_CHUNK, read_aligned
from cajad.minerals.targets import Target

__all__ = ["MapOutputs", "map_outputs"]


@dataclass
class MapOutputs:
    """Targets (with their sparse label raster), the success-rate curve of the map, the score at
    which targets start, and the map decimated for a picture."""

    targets: list[Target]
    labels: Any
    success: RateCurve
    cut: float
    picture: NDArray[np.float64]


def map_outputs(
    score_path: str | Path,
    grid: Grid,
    deposits: tuple[NDArray[np.int64], NDArray[np.int64]],
    *,
    uncertainty_path: str | Path | None = None,
    top_fraction: float = 0.05,
    chunks: int = DEFAULT_CHUNK,
    max_side: int = 1500,
) -> MapOutputs:
    """Read ``score_path`` (and ``uncertainty_path``) in ``chunks``-cell blocks: a score
    histogram gives the curve and, with a second pass, the exact threshold of the top
    ``top_fraction`` of the area; the targets are found block-wise (see
    :func:`~cajad.minerals.components.find_targets_blockwise`)."""
    score = read_aligned(score_path, grid, chunks=chunks)
    unc = None if uncertainty_path is None else read_aligned(uncertainty_path, grid, chunks=chunks)
    hist = score_histogram(score)
    cut = score_quantile(score, 1.0 - top_fraction, hist)
    rows, cols = (np.asarray(a, dtype=np.int64) for a in deposits)
    targets, labels = find_targets_blockwise(
        score, grid, cut, uncertainty=unc, deposits=(rows, cols)
    )
    at_deposits = np.asarray(score.vindex[rows, cols].compute()) if rows.size else np.empty(0)
    return MapOutputs(
        targets,
        labels,
        rate_curve_from_histogram(hist, at_deposits),
        cut,
        read_decimated(score_path, max_side),
    )
