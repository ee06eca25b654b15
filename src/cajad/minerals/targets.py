# ruff: noqa: N806 - ``X`` is scikit-learn's name for a design matrix
"""Targets: connected areas of high prospectivity, ranked, with the contribution of each layer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from rasterio import features
from scipy import ndimage

from cajad.minerals.grid import Grid
from cajad.minerals.models import draw_valid_cells
from cajad.minerals.stack import EvidenceStack

__all__ = [
    "Target",
    "find_targets",
    "layer_contributions",
    "rank_components",
    "write_targets_geojson",
]


@dataclass
class Target:
    """One target area.

    ``area_km2`` (km², from the grid's CRS units in metres), ``mean_score``/``max_score`` of the
    prospectivity map inside it, ``mean_uncertainty``, ``known_deposits`` inside, ``geometry``
    in the grid's CRS, ``contributions``: layer → its mean contribution to the score inside the
    target, computed as ``contribution_method`` says (default: the drop in mean score when that
    layer is shuffled; see :mod:`cajad.minerals.explain`).
    """

    rank: int
    label: int
    area_km2: float
    mean_score: float
    max_score: float
    mean_uncertainty: float
    known_deposits: int
    geometry: Any
    contributions: dict[str, float] = field(default_factory=dict)
    contribution_method: str = "permutation"


def find_targets(
    score: NDArray[np.float64],
    grid: Grid,
    *,
    top_fraction: float = 0.05,
    uncertainty: NDArray[np.float64] | None = None,
    deposits: tuple[NDArray[np.int64], NDArray[np.int64]] | None = None,
    min_cells: int = 4,
    max_targets: int = 50,
) -> tuple[list[Target], NDArray[np.int32]]:
    """Connected (8-neighbour) areas of the top ``top_fraction`` of the valid area, ranked by
    mean score × √area (so a large coherent area outranks a single hot cell).

    Returns the targets and the label raster (0 = not a target; label = ``Target.label``).
    """
    valid = np.isfinite(score)
    cut = np.quantile(score[valid], 1.0 - top_fraction)
    labels, n = ndimage.label(valid & (score >= cut), structure=np.ones((3, 3)))
    if n == 0:
        return [], labels.astype(np.int32)
    idx = np.arange(1, n + 1)
    cells = ndimage.sum_labels(np.ones_like(score), labels, idx)
    means = ndimage.mean(np.nan_to_num(score), labels, idx)
    maxes = ndimage.maximum(np.nan_to_num(score), labels, idx)
    unc = (
        ndimage.mean(np.nan_to_num(uncertainty), labels, idx)
        if uncertainty is not None
        else np.full(n, np.nan)
    )
    hits = np.zeros(n + 1, dtype=np.int64)
    if deposits is not None:
        np.add.at(hits, labels[deposits[0], deposits[1]], 1)
    order = rank_components(cells, means, min_cells, max_targets)
    kept = np.zeros(n + 1, dtype=bool)
    kept[order + 1] = True
    labels = np.where(kept[labels], labels, 0).astype(np.int32)
    shapes = _polygons(labels, grid)
    targets = [
        Target(
            rank=r + 1,
            label=int(i + 1),
            area_km2=float(cells[i] * grid.cell_area / 1e6),
            mean_score=float(means[i]),
            max_score=float(maxes[i]),
            mean_uncertainty=float(unc[i]),
            known_deposits=int(hits[i + 1]),
            geometry=shapes[int(i + 1)],
        )
        for r, i in enumerate(order)
    ]
    return targets, labels


def rank_components(
    cells: NDArray[np.float64], means: NDArray[np.float64], min_cells: int, max_targets: int
) -> NDArray[np.int64]:
    """Indexes (label - 1) of the components kept as targets, best first: at least ``min_cells``
    cells, ranked by mean score × √cells; equal keys (to 12 significant digits, so the in-memory
    and block-wise sums agree) go in label order."""
    keep = np.flatnonzero(cells >= min_cells)
    key = np.array([float(f"{v:.12g}") for v in means[keep] * np.sqrt(cells[keep])])
    return np.asarray(keep[np.lexsort((keep, -key))][:max_targets], dtype=np.int64)


def _polygons(labels: NDArray[np.int32], grid: Grid) -> dict[int, Any]:
    parts: dict[int, list[Any]] = {}
    for geom, value in features.shapes(labels, mask=labels > 0, transform=grid.transform):
        parts.setdefault(int(value), []).append(shapely.geometry.shape(geom))
    # Simplified to a quarter cell: the staircase of cell edges carries no information.
    tol = min(grid.resolution) / 4
    return {k: shapely.simplify(shapely.union_all(v), tol) for k, v in parts.items()}


def layer_contributions(
    model: Any,
    stack: EvidenceStack,
    targets: list[Target],
    labels: NDArray[np.int32],
    *,
    n_reference: int = 2000,
    random_state: int | None = 0,
) -> None:
    """Fill each target's ``contributions``: for every layer, the mean score inside the target
    minus the mean score when that layer's values are replaced by values drawn from the whole
    study area (a permutation importance local to the target). Positive = the layer raises it."""
    if not targets:
        return
    rng = np.random.default_rng(random_state)
    _, reference, _ = draw_valid_cells(stack, n_reference, rng)
    names = stack.layers
    for target in targets:
        rows, cols = np.nonzero(labels == target.label)
        if rows.size > n_reference:
            sub = rng.choice(rows.size, n_reference, replace=False)
            rows, cols = rows[sub], cols[sub]
        X = stack.values_at(rows, cols)
        base = float(model.predict_proba(X)[:, 1].mean())
        for j, name in enumerate(names):
            Xp = X.copy()
            Xp[:, j] = reference[rng.integers(0, reference.shape[0], size=X.shape[0]), j]
            target.contributions[name] = base - float(model.predict_proba(Xp)[:, 1].mean())


def write_targets_geojson(targets: list[Target], grid: Grid, path: str | Path) -> Path:
    """Write targets as an RFC 7946 GeoJSON (EPSG:4326 lon/lat), one feature per target."""
    to_wgs84 = Transformer.from_crs(grid.crs.to_wkt(), "EPSG:4326", always_xy=True)
    feats = []
    for t in targets:
        geom = shapely.transform(t.geometry, lambda xy: np.column_stack(to_wgs84.transform(*xy.T)))
        props = {
            "rank": t.rank,
            "area_km2": round(t.area_km2, 3),
            "mean_score": t.mean_score,
            "max_score": t.max_score,
            "mean_uncertainty": None if np.isnan(t.mean_uncertainty) else t.mean_uncertainty,
            "known_deposits": t.known_deposits,
            "contributions": {k: round(v, 6) for k, v in t.contributions.items()},
            "contribution_method": t.contribution_method,
        }
        feats.append(
            {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}
        )
    out = Path(path)
    out.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, indent=1))
    return out
