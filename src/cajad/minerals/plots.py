"""Figures of a run: the prospectivity map (PNG) and the validation curves."""

from __future__ import annotations

import io
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import rasterio
from numpy.typing import NDArray
from rasterio.transform import Affine
from rasterio.warp import Resampling, reproject

from cajad.minerals.grid import Grid
from cajad.minerals.metrics import RateCurve
from cajad.minerals.targets import Target

__all__ = ["lonlat_png", "plot_curves", "plot_map"]

_MAX_SIDE = 1500


def plot_map(
    score: NDArray[np.float64],
    grid: Grid,
    path: str | Path,
    *,
    deposits: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
    targets: list[Target] | None = None,
    title: str = "Prospectivity",
) -> Path:
    """Write the map as PNG (percentile-stretched), deposits as dots, targets outlined and ranked.

    ``deposits`` are x, y in the grid's CRS.
    """
    step = max(1, math.ceil(max(score.shape) / _MAX_SIDE))
    shown = score[::step, ::step]
    left, bottom, right, top = grid.bounds
    fig, ax = plt.subplots(figsize=(8, 8 * score.shape[0] / max(score.shape[1], 1) + 0.8))
    # Shown as the percentile of the study area, which reads the same for every model.
    finite = np.sort(shown[np.isfinite(shown)])
    ranked = np.where(
        np.isfinite(shown), np.searchsorted(finite, shown) / max(finite.size, 1) * 100, np.nan
    )
    im = ax.imshow(ranked, extent=(left, right, bottom, top), cmap="magma", vmin=0, vmax=100)
    fig.colorbar(im, ax=ax, shrink=0.7, label="prospectivity (percentile of the study area)")
    if deposits is not None:
        ax.scatter(*deposits, s=6, c="cyan", edgecolors="none", label="known deposits")
    for t in (targets or [])[:20]:
        for poly in getattr(t.geometry, "geoms", [t.geometry]):
            ax.plot(*poly.exterior.xy, color="lime", lw=0.8)
        c = t.geometry.representative_point()
        ax.annotate(str(t.rank), (c.x, c.y), color="white", fontsize=7)
    ax.set_title(title)
    ax.set_xlabel(f"x ({grid.crs.linear_units or 'CRS units'})")
    ax.set_ylabel("y")
    if deposits is not None:
        ax.legend(loc="lower right", fontsize=7)
    out = Path(path)
    fig.savefig(out, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return out


def plot_curves(
    curves: dict[str, RateCurve], path: str | Path, *, aucs: dict[str, float] | None = None
) -> Path:
    """Success- and prediction-rate curves (x: share of area, y: share of deposits), each
    labelled with its AUC from ``aucs`` (the run's stored figures) or else its own area."""
    fig, ax = plt.subplots(figsize=(5, 5))
    for name, curve in curves.items():
        auc = (aucs or {}).get(name, curve.auc)
        ax.plot(curve.area, curve.captured, label=f"{name} (AUC {auc:.3f})")
    ax.plot([0, 1], [0, 1], "k--", lw=0.8, label="random")
    ax.set_xlabel("share of study area (highest score first)")
    ax.set_ylabel("share of deposits captured")
    ax.legend(fontsize=8)
    out = Path(path)
    fig.savefig(out, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return out


def lonlat_png(
    path: str | Path, box: tuple[float, float, float, float], *, width: int = 900
) -> bytes:
    """The raster at ``path`` reprojected onto ``box`` (lon_min, lat_min, lon_max, lat_max,
    degrees WGS 84) as a PNG ``width`` pixels wide, coloured by percentile of the study area as
    :func:`plot_map` does; cells outside the study area are transparent."""
    lon_min, lat_min, lon_max, lat_max = box
    middle = math.cos(math.radians((lat_min + lat_max) / 2))
    height = max(1, round(width * (lat_max - lat_min) / ((lon_max - lon_min) * middle)))
    out = np.full((height, width), np.nan, dtype=np.float64)
    # Built directly: ``from_bounds`` multiplies affines with ``*``, which warns.
    to = Affine(
        (lon_max - lon_min) / width, 0.0, lon_min, 0.0, -(lat_max - lat_min) / height, lat_max
    )
    with rasterio.open(path) as src:
        reproject(
            rasterio.band(src, 1),
            out,
            dst_transform=to,
            dst_crs="EPSG:4326",
            dst_nodata=np.nan,
            resampling=Resampling.average,
        )
    finite = np.sort(out[np.isfinite(out)])
    ranked = np.searchsorted(finite, out) / max(finite.size, 1)
    rgba = plt.get_cmap("magma")(ranked)
    rgba[..., 3] = np.where(np.isfinite(out), 0.85, 0.0)
    buffer = io.BytesIO()
    plt.imsave(buffer, rgba, format="png")
    return buffer.getvalue()
