# ruff: noqa: N803, N806 - ``X`` is scikit-learn's name for a design matrix
"""Per-cell explanations: how much each evidence layer adds to a cell's score, exactly where the
model allows it.

* LightGBM: TreeSHAP values from LightGBM itself (``pred_contrib``), in log-odds;
  contributions plus the bias sum to the raw score of each cell.
* Weights of evidence: each layer's generalised weight of the cell's class (log-odds); plus the
  prior logit they sum to the posterior logit.
* Logistic regression: ``coef × (z − mean z)`` on the standardised inputs ``z`` (the scaler makes
  the training mean 0), in log-odds; plus the intercept they sum to the decision function.
* Fuzzy overlay: leave-one-layer-out, the output membership minus the membership of the network
  without that layer (not additive: a layer under a fuzzy AND may lower the score).
* Random forest: none here; targets fall back to permutation contributions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from cajad.minerals.fuzzy import FuzzyOverlay, without_layer
from cajad.minerals.models import LayerBasis
from cajad.minerals.stack import EvidenceStack
from cajad.minerals.targets import Target, layer_contributions
from cajad.minerals.wofe import WeightsOfEvidence

__all__ = ["Explanation", "explain", "explain_targets"]

PERMUTATION = "permutation: mean score minus mean score with the layer shuffled (probability)"


@dataclass(frozen=True)
class Explanation:
    """Contribution of each layer to each row, shape (n, n_layers), with ``bias`` (n,) where the
    contributions are additive (None for the fuzzy overlay); ``method`` says how, in what unit."""

    values: NDArray[np.float64]
    bias: NDArray[np.float64] | None
    method: str


def explain(model: Any, X: NDArray[np.float64]) -> Explanation | None:
    """Per-row layer contributions of a fitted model (a pipeline of :func:`make_model` or its last
    step); None where no exact method applies (random forest)."""
    head, last = (model[:-1], model[-1]) if isinstance(model, Pipeline) else (None, model)
    Xt = head.transform(X) if head is not None and len(head) else X
    if isinstance(last, FuzzyOverlay):
        return _fuzzy(last, np.asarray(Xt, dtype=np.float64))
    if isinstance(last, WeightsOfEvidence):
        values = last.layer_weights(Xt)
        bias = np.full(values.shape[0], last.prior_logit_)
        return Explanation(
            values, bias, "weights of evidence: weight of the cell's class (log-odds)"
        )
    if isinstance(last, LogisticRegression):
        values = np.asarray(Xt, dtype=np.float64) * last.coef_[0]
        bias = np.full(values.shape[0], float(last.intercept_[0]))
        basis = next((s for s in model if isinstance(s, LayerBasis)), None) if head else None
        if basis is not None:  # sum each layer's basis columns: one contribution per layer
            onto = np.zeros((basis.groups_.size, len(basis.parts_)))
            onto[np.arange(basis.groups_.size), basis.groups_] = 1.0
            values = values @ onto
        return Explanation(values, bias, "logistic: coef × standardised value (log-odds)")
    if type(last).__name__ == "LGBMClassifier":
        contrib = np.asarray(last.predict(Xt, pred_contrib=True), dtype=np.float64)
        return Explanation(contrib[:, :-1], contrib[:, -1], "LightGBM TreeSHAP (log-odds)")
    return None


def _fuzzy(model: FuzzyOverlay, X: NDArray[np.float64]) -> Explanation:
    full = model.membership(X)
    values = np.zeros((X.shape[0], model.n_features_in_))
    for name, j in model.columns_.items():
        pruned = without_layer(model.network_, name)
        rest = model.membership(X, pruned) if pruned is not None else np.zeros_like(full)
        values[:, j] = full - rest
    return Explanation(values, None, "fuzzy: membership minus membership without the layer")


def explain_targets(
    model: Any,
    stack: EvidenceStack,
    targets: list[Target],
    labels: NDArray[np.int32],
    *,
    max_cells: int = 2000,
    random_state: int | None = 0,
) -> str:
    """Fill each target's ``contributions`` with the mean contribution of each layer over its
    cells (at most ``max_cells`` drawn at random), and its ``contribution_method``; models with
    no exact method fall back to :func:`~cajad.minerals.targets.layer_contributions`. Returns the
    method used."""
    rng = np.random.default_rng(random_state)
    method = PERMUTATION
    for target in targets:
        rows, cols = np.nonzero(labels == target.label)
        if rows.size > max_cells:
            pick = rng.choice(rows.size, max_cells, replace=False)
            rows, cols = rows[pick], cols[pick]
        found = explain(model, stack.values_at(rows, cols))
        if found is None:
            layer_contributions(model, stack, targets, labels, random_state=random_state)
            break
        method = found.method
        means = found.values.mean(axis=0)
        target.contributions = {n: float(v) for n, v in zip(stack.layers, means, strict=True)}
    for target in targets:
        target.contribution_method = method
    return method
