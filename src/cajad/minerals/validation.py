"""Honest validation: spatial block cross-validation with a buffer, and (for contrast) random CV.

Deposits cluster and evidence is smooth, so a random split puts near-copies of each test deposit
in the training set and overstates skill. Blocks larger than the autocorrelation range, with a
buffer that removes training rows near test deposits, do not.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree
from sklearn.base import clone
from sklearn.metrics import average_precision_score, roc_auc_score

from cajad.minerals.errors import ValidationSetupError
from cajad.minerals.grid import Grid
from cajad.minerals.models import Sample
from cajad.minerals.stack import EvidenceStack

__all__ = [
    "BlockChoice",
    "CVResult",
    "SpatialBlockSplit",
    "autocorrelation_range",
    "choose_blocks",
    "compare_models",
    "cross_validate",
]


def autocorrelation_range(
    stack: EvidenceStack, *, threshold: float = 0.3, max_cells: int = 400
) -> float:
    """Distance (CRS units) at which the evidence stops being correlated with itself.

    The correlogram of each layer is taken along rows and columns on a subsampled grid; the range is
    the first lag at which the median correlation over layers falls below ``threshold``.
    """
    step = max(1, math.ceil(max(stack.grid.shape) / max_cells))
    sub = np.asarray(stack.data.data[:, ::step, ::step], dtype=np.float64)
    res = min(stack.grid.resolution) * step
    max_lag = max(1, min(sub.shape[1:]) // 2)
    for lag in range(1, max_lag + 1):
        corr = float(np.median([_lag_corr(layer, lag) for layer in sub]))
        if corr < threshold:
            return float(lag * res)
    return float(max_lag * res)


@dataclass(frozen=True)
class BlockChoice:
    """Block size and buffer for spatial CV (CRS units), with the range they were drawn from.

    ``capped`` is true when blocks had to be made smaller than the range to give every fold at
    least ``min_blocks_per_fold`` blocks; validation is then less strict than ideal, and says so.
    """

    block_size: float
    buffer: float
    autocorrelation_range: float
    capped: bool


def choose_blocks(
    stack: EvidenceStack, *, n_splits: int = 5, min_blocks_per_fold: int = 4
) -> BlockChoice:
    """Blocks 1.5 times the autocorrelation range, capped so each fold has enough of them;
    the buffer is the range (at most half a block)."""
    rng = autocorrelation_range(stack)
    n_valid = float(np.asarray(stack.valid()).sum())
    cap = math.sqrt(n_valid * stack.grid.cell_area / (n_splits * min_blocks_per_fold))
    block = min(1.5 * rng, cap)
    return BlockChoice(block, min(rng, block / 2), rng, 1.5 * rng > cap)


def _lag_corr(a: NDArray[np.float64], lag: int) -> float:
    pairs = [(a[:, :-lag].ravel(), a[:, lag:].ravel()), (a[:-lag, :].ravel(), a[lag:, :].ravel())]
    out = []
    for u, v in pairs:
        ok = np.isfinite(u) & np.isfinite(v)
        if ok.sum() > 10 and u[ok].std() > 0 and v[ok].std() > 0:
            out.append(float(np.corrcoef(u[ok], v[ok])[0, 1]))
    return max(out) if out else 0.0


@dataclass
class SpatialBlockSplit:
    """K-fold split of square blocks of ``block_size`` (CRS units), with a training buffer.

    Blocks are dealt to folds at random (``random_state``); training rows closer than ``buffer`` to
    a test *deposit* are dropped, so no neighbour of a test deposit is trained on.
    """

    block_size: float
    buffer: float = 0.0
    n_splits: int = 5
    random_state: int | None = 0

    def split(
        self, x: NDArray[np.float64], y_coord: NDArray[np.float64], labels: NDArray[np.int64]
    ) -> Iterator[tuple[NDArray[np.int64], NDArray[np.int64]]]:
        """Train and test indices of each fold; folds whose test part has no deposit are skipped."""
        bx = np.floor(x / self.block_size).astype(np.int64)
        by = np.floor(y_coord / self.block_size).astype(np.int64)
        _, block = np.unique(np.column_stack([bx, by]), axis=0, return_inverse=True)
        block = block.ravel()
        n_blocks = int(block.max()) + 1
        if n_blocks < self.n_splits:
            raise ValidationSetupError(
                f"spatial CV needs at least {self.n_splits} blocks; got {n_blocks} blocks of "
                f"{self.block_size:g} (make `block_size` smaller or `n_splits` fewer)"
            )
        rng = np.random.default_rng(self.random_state)
        fold_of_block = rng.permutation(n_blocks) % self.n_splits
        fold = fold_of_block[block]
        xy = np.column_stack([x, y_coord])
        for k in range(self.n_splits):
            test = np.flatnonzero(fold == k)
            test_dep = test[labels[test] == 1]
            if test_dep.size == 0 or (labels[test] == 0).sum() == 0:
                continue
            train = np.flatnonzero(fold != k)
            if self.buffer > 0:
                near = cKDTree(xy[test_dep]).query(xy[train], distance_upper_bound=self.buffer)[0]
                train = train[~np.isfinite(near)]
            if (labels[train] == 1).sum() < 2:
                continue
            yield train, test


@dataclass
class CVResult:
    """Per-fold and mean ROC AUC and PR AUC (average precision) of one model.

    ``scheme`` is "spatial" or "random"; ``oof`` holds each row's out-of-fold probability (NaN
    where a row was never tested) and ``fold`` the fold that tested it (-1: never tested).
    """

    scheme: str
    roc_auc: list[float] = field(default_factory=list)
    pr_auc: list[float] = field(default_factory=list)
    oof: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    fold: NDArray[np.int64] = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    @property
    def mean_roc_auc(self) -> float:
        """Mean ROC AUC over folds."""
        return float(np.mean(self.roc_auc)) if self.roc_auc else math.nan

    @property
    def mean_pr_auc(self) -> float:
        """Mean PR AUC over folds."""
        return float(np.mean(self.pr_auc)) if self.pr_auc else math.nan

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "scheme": self.scheme,
            "roc_auc": self.mean_roc_auc,
            "pr_auc": self.mean_pr_auc,
            "roc_auc_folds": self.roc_auc,
            "pr_auc_folds": self.pr_auc,
        }


def cross_validate(
    model: Any,
    sample: Sample,
    grid: Grid,
    *,
    scheme: Literal["spatial", "random"] = "spatial",
    block_size: float | None = None,
    buffer: float | None = None,
    n_splits: int = 5,
    random_state: int | None = 0,
) -> CVResult:
    """Cross-validate ``model`` (an unfitted estimator) on a presence-background sample.

    Parameters
    ----------
    scheme : {"spatial", "random"}
        ``spatial`` (default): :class:`SpatialBlockSplit`. ``random``: rows dealt to folds at
        random, only to show how much it overstates.
    block_size, buffer : float, optional
        CRS units; ``block_size`` is required for ``spatial`` (take it larger than
        :func:`autocorrelation_range`); ``buffer`` defaults to ``block_size / 2``.
    """
    x, y_coord = grid.xy(sample.rows, sample.cols)
    if scheme == "spatial":
        if block_size is None:
            raise ValidationSetupError("spatial CV needs a `block_size`")
        splitter = SpatialBlockSplit(
            block_size, block_size / 2 if buffer is None else buffer, n_splits, random_state
        )
        folds = list(splitter.split(x, y_coord, sample.y))
    elif scheme == "random":
        rng = np.random.default_rng(random_state)
        fold = rng.permutation(sample.y.size) % n_splits
        folds = [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(n_splits)]
    else:
        raise ValidationSetupError(f"`scheme` must be spatial or random; got {scheme!r}")
    if not folds:
        raise ValidationSetupError("no usable fold: too few deposits or blocks")
    result = CVResult(
        scheme, oof=np.full(sample.y.size, np.nan), fold=np.full(sample.y.size, -1, dtype=np.int64)
    )
    for k, (train, test) in enumerate(folds):
        fitted = clone(model).fit(sample.X[train], sample.y[train])
        p = fitted.predict_proba(sample.X[test])[:, 1]
        result.oof[test] = p
        result.fold[test] = k
        result.roc_auc.append(float(roc_auc_score(sample.y[test], p)))
        result.pr_auc.append(float(average_precision_score(sample.y[test], p)))
    return result


def compare_models(
    models: Mapping[str, Any],
    sample: Sample,
    grid: Grid,
    *,
    block_size: float,
    buffer: float | None = None,
    n_splits: int = 5,
    random_state: int | None = 0,
) -> list[tuple[str, CVResult]]:
    """Spatial block CV of each unfitted model on the same folds, best mean ROC AUC first (ties
    keep the order of ``models``).

    Only spatial CV ranks: random CV rewards the model that copies its neighbours best. The
    winner's figure is the best of several, so slightly optimistic.
    """
    results = [
        (
            name,
            cross_validate(
                model,
                sample,
                grid,
                block_size=block_size,
                buffer=buffer,
                n_splits=n_splits,
                random_state=random_state,
            ),
        )
        for name, model in models.items()
    ]
    order = sorted(range(len(results)), key=lambda i: (-results[i][1].mean_roc_auc, i))
    return [results[i] for i in order]
