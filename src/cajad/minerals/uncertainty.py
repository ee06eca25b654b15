# ruff: noqa: N803 - ``X`` is scikit-learn's name for a design matrix
"""Uncertainty of a prospectivity map: bootstrap-ensemble spread, or WofE's studentized variance."""

from __future__ import annotations

from typing import Any

import dask.array as da
import numpy as np
from numpy.typing import NDArray
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from cajad.minerals.models import Sample, predict_map
from cajad.minerals.stack import EvidenceStack
from cajad.minerals.wofe import WeightsOfEvidence

__all__ = ["BootstrapEnsemble", "wofe_std_map"]


class BootstrapEnsemble:
    """Members fitted on bootstrap resamples (deposits and background resampled separately, so
    every member keeps the same imbalance); ``predict_proba`` is the members' mean and
    :meth:`predict_std` their standard deviation."""

    def __init__(self, model: Any, *, n_members: int = 5, random_state: int | None = 0) -> None:
        self.model = model
        self.n_members = n_members
        self.random_state = random_state

    def fit(self, sample: Sample) -> BootstrapEnsemble:
        """Fit every member; returns self."""
        rng = np.random.default_rng(self.random_state)
        pos, neg = np.flatnonzero(sample.y == 1), np.flatnonzero(sample.y == 0)
        self.members_ = []
        for _ in range(self.n_members):
            idx = np.r_[rng.choice(pos, pos.size), rng.choice(neg, neg.size)]
            self.members_.append(clone(self.model).fit(sample.X[idx], sample.y[idx]))
        return self

    def _all(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.stack([m.predict_proba(X)[:, 1] for m in self.members_])

    def predict_proba(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """Mean member probability, shape (n, 2)."""
        p = self._all(X).mean(axis=0)
        return np.column_stack([1 - p, p])

    def predict_std(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """Standard deviation of member probabilities, shape (n,)."""
        return np.asarray(self._all(X).std(axis=0, ddof=1))


class _StdAsProba:
    """Adapter so :func:`predict_map` maps a model's ``predict_std``."""

    def __init__(self, std: Any) -> None:
        self.std = std

    def predict_proba(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        s = self.std(X)
        return np.column_stack([s, s])


def std_map(model: Any, stack: EvidenceStack) -> da.Array:
    """Map of a model's ``predict_std`` (ensemble spread or WofE standard deviation), lazily."""
    return predict_map(_StdAsProba(model.predict_std), stack)


def wofe_std_map(pipeline: Pipeline, stack: EvidenceStack) -> da.Array:
    """Posterior-probability standard deviation of a pipeline ending in weights of evidence."""
    wofe: WeightsOfEvidence = pipeline[-1]
    head = pipeline[:-1]
    return predict_map(_StdAsProba(lambda X: wofe.predict_std(head.transform(X))), stack)
