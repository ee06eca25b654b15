"""Calibration of prospectivity scores from spatial cross-validation, and its reliability.

Scores of weighted or knowledge-driven models are ranks, not probabilities (balanced class
weights, ``scale_pos_weight`` and fuzzy memberships all move them). A monotone map fitted to the
out-of-fold scores of spatial block CV (isotonic, or Platt's logistic) makes them probabilities;
its Brier score and expected calibration error are themselves measured out of fold: the map
applied to fold k is fitted on the other folds only.

What a calibrated value means under presence-background sampling: ``q`` is the probability that
a row of *this* sample with this evidence is a deposit row rather than a background row, so it
depends on the ratio of deposits to background rows. It is not the probability that a cell holds
a deposit. Background rows being a uniform sample of ``b`` rows per valid cell, ``b · q / (1 − q)``
is the expected number of *known* deposits per cell with this evidence (about the probability that
such a cell holds one, while small); this is :meth:`Calibration.deposits_per_cell`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from cajad.minerals.errors import ValidationSetupError
from cajad.minerals.grid import Grid
from cajad.minerals.models import Sample
from cajad.minerals.validation import SpatialBlockSplit

__all__ = [
    "Calibration",
    "brier_score",
    "calibrate",
    "expected_calibration_error",
    "reliability_table",
    "spatial_folds",
]

Method = Literal["isotonic", "platt"]
MEANING = (
    "calibrated value q: probability that a sample row with this evidence is a deposit rather "
    "than background, at this run's ratio of deposits to background rows; not a per-cell "
    "probability. Expected known deposits per cell = background_per_cell * q / (1 - q)."
)


class _Fitted:
    """A monotone map from score to probability (isotonic or Platt on the score's logit)."""

    def __init__(self, method: Method, score: NDArray[np.float64], y: NDArray[np.int64]) -> None:
        self.method = method
        if method == "isotonic":
            self.iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(score, y)
        elif method == "platt":
            self.platt = LogisticRegression(C=1e6).fit(_logit(score)[:, None], y)
        else:
            raise ValidationSetupError(f"`method` must be isotonic or platt; got {method!r}")

    def __call__(self, score: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.method == "isotonic":
            return np.asarray(self.iso.predict(score), dtype=np.float64)
        return np.asarray(self.platt.predict_proba(_logit(score)[:, None])[:, 1])


def _logit(p: NDArray[np.float64]) -> NDArray[np.float64]:
    q = np.clip(p, 1e-9, 1 - 1e-9)
    return np.asarray(np.log(q) - np.log1p(-q))


@dataclass
class Calibration:
    """A calibration fitted on every out-of-fold score, and its out-of-fold reliability.

    ``brier_raw``/``brier_calibrated`` and ``ece_raw``/``ece_calibrated`` compare the raw scores
    with the cross-fitted calibrated ones on the same rows; ``reliability`` is the table of the
    calibrated ones. ``background_per_cell`` is the sample's ``b`` (see the module docstring).
    """

    method: Method
    background_per_cell: float
    brier_raw: float
    brier_calibrated: float
    ece_raw: float
    ece_calibrated: float
    reliability: list[dict[str, float]]
    fitted: _Fitted = field(repr=False)

    def apply(self, score: NDArray[np.float64]) -> NDArray[np.float64]:
        """Calibrated value q of raw scores (NaN kept)."""
        s = np.asarray(score, dtype=np.float64)
        out = np.full(s.shape, np.nan)
        ok = np.isfinite(s)
        out[ok] = self.fitted(s[ok])
        return out

    def deposits_per_cell(self, score: NDArray[np.float64]) -> NDArray[np.float64]:
        """Expected known deposits per cell, ``b · q / (1 − q)`` (inf where q is 1)."""
        q = self.apply(score)
        with np.errstate(divide="ignore"):
            return np.asarray(self.background_per_cell * q / (1.0 - q))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary, with the calibration curve (score → q) to apply to a map."""
        if self.method == "isotonic":
            curve = {"score": self.fitted.iso.X_thresholds_, "q": self.fitted.iso.y_thresholds_}
        else:
            coef, icpt = self.fitted.platt.coef_[0, 0], self.fitted.platt.intercept_[0]
            curve = {"q = expit(a * logit(score) + b)": [float(coef), float(icpt)]}
        return {
            "method": self.method,
            "validation": "cross-fitted over the spatial CV folds (out of fold)",
            "meaning": MEANING,
            "background_per_cell": self.background_per_cell,
            "brier_raw": self.brier_raw,
            "brier_calibrated": self.brier_calibrated,
            "ece_raw": self.ece_raw,
            "ece_calibrated": self.ece_calibrated,
            "ece_bins": "10 bins of equal row count",
            "reliability": self.reliability,
            "curve": {k: np.asarray(v, dtype=float).round(6).tolist() for k, v in curve.items()},
        }


def brier_score(p: NDArray[np.float64], y: NDArray[np.int64]) -> float:
    """Mean squared difference between probability and outcome."""
    return float(np.mean((np.asarray(p) - np.asarray(y)) ** 2))


def reliability_table(
    p: NDArray[np.float64], y: NDArray[np.int64], n_bins: int = 10
) -> list[dict[str, float]]:
    """Rows sorted by ``p`` and cut into ``n_bins`` bins of equal count (most presence-background
    scores are small, so equal-width bins would leave most empty): each bin's range, row count,
    mean predicted value and observed share of deposit rows."""
    order = np.argsort(p, kind="stable")
    out = []
    for idx in np.array_split(order, min(n_bins, p.size)):
        out.append(
            {
                "low": float(p[idx].min()),
                "high": float(p[idx].max()),
                "rows": int(idx.size),
                "mean_predicted": float(p[idx].mean()),
                "observed": float(y[idx].mean()),
            }
        )
    return out


def expected_calibration_error(
    p: NDArray[np.float64], y: NDArray[np.int64], n_bins: int = 10
) -> float:
    """Σ (rows in bin / rows) · |mean predicted − observed| over the bins of
    :func:`reliability_table`."""
    table = reliability_table(p, y, n_bins)
    return float(sum(b["rows"] * abs(b["mean_predicted"] - b["observed"]) for b in table) / p.size)


def calibrate(
    oof: NDArray[np.float64],
    y: NDArray[np.int64],
    folds: Sequence[NDArray[np.int64]],
    *,
    background_per_cell: float,
    method: Method = "isotonic",
    n_bins: int = 10,
) -> Calibration:
    """Fit a calibration to out-of-fold scores, judging it out of fold.

    Parameters
    ----------
    oof : ndarray, shape (n,)
        Out-of-fold score of each sample row (NaN where never tested).
    y : ndarray, shape (n,)
        1 for deposit rows, 0 for background.
    folds : sequence of ndarray
        Test rows of each CV fold (:func:`spatial_folds`); the calibration applied to a fold is
        fitted on the others.
    background_per_cell : float
        ``Sample.background_per_cell``, for :meth:`Calibration.deposits_per_cell`.
    """
    tested = np.isfinite(oof)
    used = [f[tested[f]] for f in folds if tested[f].any()]
    if len(used) < 2:
        raise ValidationSetupError("calibration needs out-of-fold scores from at least 2 folds")
    rows = np.concatenate(used)
    crossed = np.full(oof.shape, np.nan)
    for k, test in enumerate(used):
        train = np.concatenate([f for j, f in enumerate(used) if j != k])
        if np.unique(y[train]).size < 2:
            raise ValidationSetupError("a calibration fold has no deposit or no background row")
        crossed[test] = _Fitted(method, oof[train], y[train])(oof[test])
    raw, cal, t = oof[rows], crossed[rows], y[rows]
    return Calibration(
        method=method,
        background_per_cell=float(background_per_cell),
        brier_raw=brier_score(raw, t),
        brier_calibrated=brier_score(cal, t),
        ece_raw=expected_calibration_error(raw, t, n_bins),
        ece_calibrated=expected_calibration_error(cal, t, n_bins),
        reliability=reliability_table(cal, t, n_bins),
        fitted=_Fitted(method, raw, t),
    )


def spatial_folds(
    sample: Sample,
    grid: Grid,
    *,
    block_size: float,
    buffer: float,
    n_splits: int = 5,
    random_state: int | None = 0,
) -> list[NDArray[np.int64]]:
    """Test rows of each fold of the spatial block CV that
    :func:`~cajad.minerals.validation.cross_validate` runs with the same settings."""
    x, y_coord = grid.xy(sample.rows, sample.cols)
    split = SpatialBlockSplit(block_size, buffer, n_splits, random_state)
    return [test for _, test in split.split(x, y_coord, sample.y)]


def calibration_report(
    oof: NDArray[np.float64],
    sample: Sample,
    grid: Grid,
    *,
    block_size: float,
    buffer: float,
    n_splits: int = 5,
    random_state: int | None = 0,
) -> dict[str, Any]:
    """:meth:`Calibration.as_dict` of an isotonic calibration on a run's spatial-CV scores, or
    ``{"error": why}`` where the folds cannot support one."""
    folds = spatial_folds(
        sample,
        grid,
        block_size=block_size,
        buffer=buffer,
        n_splits=n_splits,
        random_state=random_state,
    )
    try:
        found = calibrate(oof, sample.y, folds, background_per_cell=sample.background_per_cell)
    except ValidationSetupError as exc:
        return {"error": str(exc)}
    return found.as_dict()
