# ruff: noqa: N803, N806 - ``X`` is scikit-learn's name for a design matrix
"""Weights of evidence as a scikit-learn classifier, and the conditional-independence test."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.stats import norm
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import Tags
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from cajad.minerals.errors import WeightsError
from cajad.minerals.wofe_table import (
    Convention,
    CutoffRule,
    WeightsType,
    class_totals,
    generalize,
    weights_table,
)

__all__ = ["ConditionalIndependence", "WeightsOfEvidence", "conditional_independence_test"]

log = logging.getLogger(__name__)
Sampling = Literal["presence-absence", "presence-background"]


class WeightsOfEvidence(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Weights-of-evidence classifier (Bonham-Carter 1994; ArcSDM's Calculate Weights/Response).

    Each feature is an evidence layer of integer classes (NaN = missing data, weight 0). ``fit``
    computes a weights table per layer (:attr:`tables_`); the posterior logit of a sample is the
    prior logit plus the generalised weight of its class in every layer.

    Parameters
    ----------
    weights_type : {"categorical", "ascending", "descending"} or sequence of them
        One for all layers or one per layer (see :func:`~cajad.minerals.weights_table`).
    cutoff : str or int, default "max_contrast"
        How a cumulative layer is split in two (see :func:`~cajad.minerals.generalize`).
    studentized_contrast_threshold : float, default 0.0
        Significance a layer needs to be used.
    merge_insignificant : bool, default False
        Pool insignificant categorical classes (EIS Toolkit) instead of keeping each W+ (ArcSDM).
    sampling : {"presence-absence", "presence-background"}, default "presence-absence"
        ``presence-absence``: every row is a piece of the study area and the positive rows are
        those holding a deposit. ``presence-background``: negative rows are the study area (all
        cells, or a random sample of them, deposit cells included) and each positive row is one
        deposit point, which adds no area; this is ArcSDM's counting.
    unit_area : float, default 1.0
        Unit areas that one row of weight 1 stands for, e.g. 0.01 for 100 m cells and a 1 km²
        unit area.
    convention : {"arcsdm", "eis"}, default "arcsdm"
        Patch for a class holding every deposit (see :func:`~cajad.minerals.weights_table`).
    prior_deposits : float, default 0.0
        Pseudo-deposits spread over each layer's classes in proportion to their area before the
        weights are computed (0: ArcSDM's tables exactly). It shrinks the weights of classes with
        few deposits towards 0, and gives a class with none the strongly negative weight its
        emptiness means instead of ArcSDM's 0 (which ranks it above a class with one deposit).

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The labels; ``classes_[1]`` is the deposit class.
    tables_ : list of pandas.DataFrame
        Generalised weights table of each layer.
    prior_logit_ : float
        ``ln(D / (T - D))`` with D deposits and T unit areas.
    n_deposits_, total_area_ : float
        D and T.
    """

    def __init__(
        self,
        weights_type: WeightsType | Sequence[WeightsType] = "categorical",
        cutoff: CutoffRule | int = "max_contrast",
        studentized_contrast_threshold: float = 0.0,
        merge_insignificant: bool = False,
        sampling: Sampling = "presence-absence",
        unit_area: float = 1.0,
        convention: Convention = "arcsdm",
        prior_deposits: float = 0.0,
    ) -> None:
        self.weights_type = weights_type
        self.cutoff = cutoff
        self.studentized_contrast_threshold = studentized_contrast_threshold
        self.merge_insignificant = merge_insignificant
        self.sampling = sampling
        self.unit_area = unit_area
        self.convention = convention
        self.prior_deposits = prior_deposits

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        if tags.classifier_tags is not None:
            tags.classifier_tags.multi_class = False
        return tags

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> WeightsOfEvidence:
        """Compute the weights table of every layer.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_layers)
            Class of each sample in each layer; NaN is missing data.
        y : array_like, shape (n_samples,)
            Two labels; the larger (``classes_[1]``) marks deposits.
        sample_weight : array_like, shape (n_samples,), optional
            Multiplicity of each row (e.g. deposits sharing a cell).

        Returns
        -------
        WeightsOfEvidence
            The fitted estimator.
        """
        # float32 kept and columns contiguous: a 10 M-cell, 20-layer grid is 0.8 GB, not 1.6
        X_, y_ = validate_data(
            self, X, y, ensure_all_finite="allow-nan", dtype=[np.float64, np.float32], order="F"
        )
        check_classification_targets(y_)
        self.classes_, y_idx = np.unique(y_, return_inverse=True)
        n_classes = self.classes_.size
        if n_classes > 2:
            raise WeightsError(
                "Only binary classification is supported: weights of evidence needs 2 classes "
                f"(deposit or not); got {n_classes} classes"
            )
        if n_classes < 2:
            raise WeightsError("weights of evidence needs 2 classes (deposit or not); got 1 class")
        w = _check_sample_weight(sample_weight, X_, dtype=np.float64)
        area, points = self._area_points(y_idx == 1, w)
        types = self._types(X_.shape[1])
        self.total_area_ = float(area.sum())
        self.n_deposits_ = float(points.sum())
        if not 0 < self.n_deposits_ < self.total_area_:
            raise WeightsError(
                "the deposit class needs weight above 0 and below the unit areas; got "
                f"{self.n_deposits_:g} deposits in {self.total_area_:g} unit areas"
            )
        self.prior_logit_ = math.log(self.n_deposits_ / (self.total_area_ - self.n_deposits_))
        self.tables_ = [
            self._layer_table(X_[:, j], area, points, types[j]) for j in range(X_.shape[1])
        ]
        self._lookup = [_lookup(t) for t in self.tables_]
        return self

    def _area_points(
        self, positive: NDArray[np.bool_], w: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if self.sampling not in ("presence-absence", "presence-background"):
            raise WeightsError(
                f"`sampling` must be presence-absence or presence-background; got {self.sampling!r}"
            )
        if not self.unit_area > 0:
            raise WeightsError(f"`unit_area` must be positive; got {self.unit_area!r}")
        if not self.prior_deposits >= 0:
            raise WeightsError(f"`prior_deposits` must be 0 or more; got {self.prior_deposits!r}")
        area = w * self.unit_area
        if self.sampling == "presence-background":
            area = np.where(positive, 0.0, area)
        return area, np.where(positive, w, 0.0)

    def _types(self, n_layers: int) -> list[WeightsType]:
        if isinstance(self.weights_type, str):
            return [self.weights_type] * n_layers
        types = list(self.weights_type)
        if len(types) != n_layers:
            raise WeightsError(
                f"`weights_type` must give one type per layer ({n_layers}); got {len(types)}"
            )
        return types

    def _layer_table(
        self,
        values: NDArray[np.float64],
        area: NDArray[np.float64],
        points: NDArray[np.float64],
        weights_type: WeightsType,
    ) -> pd.DataFrame:
        classes, a, p = class_totals(values, area, points)
        total = self.n_deposits_
        if self.prior_deposits > 0 and a.sum() > 0:
            p = p + self.prior_deposits * a / a.sum()
            total += self.prior_deposits
        table = weights_table(
            classes,
            a,
            p,
            weights_type=weights_type,
            total_points=total,
            convention=self.convention,
        )
        table = generalize(
            table,
            weights_type=weights_type,
            cutoff=self.cutoff,
            studentized_contrast_threshold=self.studentized_contrast_threshold,
            merge_insignificant=self.merge_insignificant,
            convention=self.convention,
        )
        if not table.attrs["generalized"]:
            log.info("an evidence layer is not significant or cannot be split; its weight is 0")
        return table

    def _weights(self, X: ArrayLike, *, variance: bool = False) -> list[NDArray[np.float64]]:
        """Per sample: the summed weights, and with ``variance`` their summed variances."""
        check_is_fitted(self)
        X_ = validate_data(
            self,
            X,
            reset=False,
            ensure_all_finite="allow-nan",
            dtype=[np.float64, np.float32],
            order="F",
        )
        sums = [np.zeros(X_.shape[0]) for _ in range(1 + variance)]
        for j, (classes, *tables) in enumerate(self._lookup):
            parts = _gather(classes, X_[:, j], *tables[: len(sums)])
            for total, part in zip(sums, parts, strict=True):
                total += part
        return sums

    def layer_weights(self, X: ArrayLike) -> NDArray[np.float64]:
        """Generalised weight of each sample's class in each layer, shape (n_samples, n_layers):
        the additive log-odds contribution of every layer (0 for missing or unseen classes), so
        ``prior_logit_ + layer_weights(X).sum(axis=1)`` is :meth:`decision_function`."""
        check_is_fitted(self)
        X_ = validate_data(
            self, X, reset=False, ensure_all_finite="allow-nan", dtype=[np.float64, np.float32]
        )
        out = np.zeros(X_.shape, dtype=np.float64)
        for j, (classes, weight, _) in enumerate(self._lookup):
            out[:, j] = _gather(classes, X_[:, j], weight)[0]
        return out

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Posterior logit of each sample, shape (n_samples,)."""
        (total,) = self._weights(X)
        return self.prior_logit_ + total

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Posterior probability, shape (n_samples, 2); column 1 is the deposit class."""
        p = _expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Label of each sample: the deposit class where the posterior probability exceeds 0.5."""
        check_is_fitted(self)
        return np.asarray(self.classes_[(self.decision_function(X) > 0).astype(int)])

    def predict_std(self, X: ArrayLike) -> NDArray[np.float64]:
        """Standard deviation of the posterior probability, shape (n_samples,).

        ``sqrt(P² (1/D + Σ s²(W)))``: the studentized variance of ArcSDM's Calculate Response
        (prior variance plus the variances of the weights used).
        """
        total, variance = self._weights(X, variance=True)
        p = _expit(self.prior_logit_ + total)
        return np.asarray(np.sqrt(p**2 * (1.0 / self.n_deposits_ + variance)))


def _lookup(table: pd.DataFrame) -> tuple[NDArray[np.float64], ...]:
    """The table's classes in ascending order, with their weights and weight variances."""
    order = np.argsort(table["class"].to_numpy())
    classes, weight, std = (
        table[c].to_numpy(dtype=np.float64)[order] for c in ("class", "weight", "weight_std")
    )
    return classes, weight, std**2


def _gather(
    classes: NDArray[np.float64], values: NDArray[Any], *tables: NDArray[np.float64]
) -> list[NDArray[np.float64]]:
    """Each table's entry for the class of each value; 0 for missing or unseen classes."""
    if classes.size and classes[0] >= 0 and classes[-1] < 65536 and values.size > 10_000:
        codes = classes.astype(np.intp)
        if np.array_equal(codes, classes):
            # class codes are small integers: one table look-up instead of a binary search
            with np.errstate(invalid="ignore"):
                idx = values.astype(np.intp)
            ok = (idx >= 0) & (idx <= codes[-1]) & (idx == values)
            idx = np.where(ok, idx, codes[-1] + 1)  # the spare last slot holds 0
            found = []
            for table in tables:
                lut = np.zeros(int(codes[-1]) + 2)
                lut[codes] = table
                found.append(lut[idx])
            return found
    hit, pos = _find(classes, values)
    return [np.where(hit, table[pos], 0.0) for table in tables]


def _find(classes: NDArray[np.float64], values: NDArray[np.float64]) -> tuple[Any, Any]:
    pos = np.clip(np.searchsorted(classes, values), 0, max(classes.size - 1, 0))
    found = (classes.size > 0) & (classes[pos] == values)
    return found, pos


def _expit(z: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


@dataclass(frozen=True)
class ConditionalIndependence:
    """Result of Agterberg and Cheng's (2002) conditional-independence test.

    ``expected`` is T = Σ area × P over the study area, ``observed`` the deposits n; under
    conditional independence T − n is small against ``std`` = s(T). ``ratio`` = n / T (Bonham-Carter
    1994: below 0.85 is a sign of dependence between layers).
    """

    expected: float
    observed: float
    std: float
    ratio: float
    z: float
    p_value: float

    def independent(self, alpha: float = 0.05) -> bool:
        """Whether conditional independence is kept at level ``alpha`` (one-sided)."""
        return self.p_value >= alpha


def conditional_independence_test(
    model: WeightsOfEvidence, X: ArrayLike, *, area: ArrayLike | float | None = None
) -> ConditionalIndependence:
    """Agterberg-Cheng test: are the predicted deposits T consistent with the observed n?

    Parameters
    ----------
    model : WeightsOfEvidence
        A fitted model.
    X : array_like, shape (n_cells, n_layers)
        Every cell of the study area (not a sample).
    area : float or array_like, shape (n_cells,), optional
        Unit areas of each cell; defaults to the model's ``unit_area``.

    Returns
    -------
    ConditionalIndependence
    """
    p = model.predict_proba(X)[:, 1]
    s = model.predict_std(X)
    a = np.broadcast_to(
        np.asarray(model.unit_area if area is None else area, dtype=np.float64), p.shape
    )
    expected = float(np.sum(a * p))
    # Cells of one unique condition share their weights, so their errors are not independent:
    # s(T)² sums (area of the condition × s(P))² over unique conditions, not over cells.
    _, condition = np.unique(p + 1j * s, return_inverse=True)
    condition_area = np.bincount(condition.ravel(), weights=a)
    condition_std = np.bincount(condition.ravel(), weights=s) / np.bincount(condition.ravel())
    std = float(np.sqrt(np.sum((condition_area * condition_std) ** 2)))
    n = model.n_deposits_
    z = (expected - n) / std if std > 0 else math.inf
    return ConditionalIndependence(
        expected=expected,
        observed=n,
        std=std,
        ratio=n / expected,
        z=z,
        p_value=float(norm.sf(z)),
    )
