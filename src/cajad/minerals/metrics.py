"""Scores of a prospectivity map against deposits: ROC/PR AUC, success-rate curve, capture."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.metrics import average_precision_score, roc_auc_score

from cajad.minerals.errors import ValidationSetupError

__all__ = [
    "RateCurve",
    "capture_efficiency",
    "pr_auc_presence_background",
    "rate_curve",
    "roc_auc_presence_background",
]


def _presence_background(
    score: ArrayLike, rows: ArrayLike, cols: ArrayLike, mask: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Scores at the deposits (one per point) and at the valid cells without a deposit."""
    s = np.asarray(score, dtype=np.float64)
    r, c = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    valid = np.isfinite(s) if mask is None else np.asarray(mask, dtype=bool) & np.isfinite(s)
    at_points = valid[r, c]
    if not at_points.any():
        raise ValidationSetupError("no deposit falls on a valid cell of the map")
    occupied = np.zeros(s.shape, dtype=bool)
    occupied[r, c] = True
    return s[r, c][at_points], s[valid & ~occupied]


def roc_auc_presence_background(
    score: ArrayLike, rows: ArrayLike, cols: ArrayLike, *, mask: ArrayLike | None = None
) -> float:
    """ROC AUC of a map: deposits (one value per point) against the valid cells without one.

    This is modEvA's ``AUC(obs = points, pred = raster)``, which Geoscience Australia's WofE
    tools report; ties count one half (the rank, Mann-Whitney, AUC).

    Parameters
    ----------
    score : array_like, shape (rows, cols)
        The map; NaN is outside the study area.
    rows, cols : array_like, shape (n_points,)
        Grid cell of each deposit point.
    mask : array_like of bool, shape (rows, cols), optional
        Cells to score (default: every finite cell).
    """
    pres, absn = _presence_background(score, rows, cols, mask)
    y = np.r_[np.ones(pres.size), np.zeros(absn.size)]
    return float(roc_auc_score(y, np.r_[pres, absn]))


def pr_auc_presence_background(
    score: ArrayLike, rows: ArrayLike, cols: ArrayLike, *, mask: ArrayLike | None = None
) -> float:
    """Average precision (PR AUC) with the same presences and background as the ROC AUC."""
    pres, absn = _presence_background(score, rows, cols, mask)
    y = np.r_[np.ones(pres.size), np.zeros(absn.size)]
    return float(average_precision_score(y, np.r_[pres, absn]))


@dataclass(frozen=True)
class RateCurve:
    """Share of deposits captured against share of area, cells taken from the highest score down.

    A success-rate curve when the deposits trained the model, a prediction-rate curve when they
    were held out. ``area`` and ``captured`` have shape (n_thresholds + 1,), both from 0 to 1.
    """

    area: NDArray[np.float64]
    captured: NDArray[np.float64]

    @property
    def auc(self) -> float:
        """Area under the curve (0.5 for a random map)."""
        return float(np.trapezoid(self.captured, self.area))

    def at(self, area_fraction: float) -> float:
        """Deposits captured in the top ``area_fraction`` of the area (interpolated)."""
        return float(np.interp(area_fraction, self.area, self.captured))


def rate_curve(
    score: ArrayLike, rows: ArrayLike, cols: ArrayLike, *, mask: ArrayLike | None = None
) -> RateCurve:
    """Success- or prediction-rate curve of a map (see :class:`RateCurve`); cells of equal score
    enter together."""
    s = np.asarray(score, dtype=np.float64)
    valid = np.isfinite(s) if mask is None else np.asarray(mask, dtype=bool) & np.isfinite(s)
    r, c = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    keep = valid[r, c]
    if not keep.any():
        raise ValidationSetupError("no deposit falls on a valid cell of the map")
    levels, cell_counts = np.unique(-s[valid], return_counts=True)
    pos = np.searchsorted(levels, -s[r[keep], c[keep]])
    point_counts = np.bincount(pos, minlength=levels.size)
    area = np.r_[0.0, np.cumsum(cell_counts) / cell_counts.sum()]
    captured = np.r_[0.0, np.cumsum(point_counts) / point_counts.sum()]
    return RateCurve(area, captured)


def capture_efficiency(
    score: ArrayLike,
    rows: ArrayLike,
    cols: ArrayLike,
    *,
    fractions: tuple[float, ...] = (0.01, 0.05, 0.10),
    mask: ArrayLike | None = None,
) -> dict[str, float]:
    """Share of deposits in the top 1, 5 and 10 % (or ``fractions``) of the area.

    Returns
    -------
    dict
        ``{"top_1pct": ..., "top_5pct": ..., "top_10pct": ...}``, each in [0, 1].
    """
    curve = rate_curve(score, rows, cols, mask=mask)
    return {f"top_{round(f * 100):g}pct": curve.at(f) for f in fractions}
