# ruff: noqa: N806 - ``X`` is scikit-learn's name for a design matrix
"""Per-cell explanations add up to each model's own score; targets carry their mean."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cajad.minerals import EvidenceStack, Grid, make_model, sample_presence_background
from cajad.minerals.explain import PERMUTATION, explain, explain_targets
from cajad.minerals.models import Sample
from cajad.minerals.targets import find_targets, write_targets_geojson

from .conftest import World

GRID = Grid.from_bounds(0, 0, 120_000, 120_000, resolution=1000, crs="EPSG:32642")


@pytest.fixture(scope="module")
def fitted(world: World) -> tuple[EvidenceStack, Sample]:
    stack = EvidenceStack.from_arrays(world.layers, GRID, chunks=60)
    return stack, sample_presence_background(stack, world.rows, world.cols, n_background=3000)


def test_gbm_treeshap_sums_to_the_raw_score(fitted: tuple[EvidenceStack, Sample]) -> None:
    stack, sample = fitted
    model = make_model("gbm", imbalance=10.0).fit(sample.X, sample.y)
    X = sample.X[:300]
    found = explain(model, X)
    assert found is not None and found.bias is not None and "TreeSHAP" in found.method
    raw = model[-1].predict(model[:-1].transform(X), raw_score=True)
    np.testing.assert_allclose(found.values.sum(axis=1) + found.bias, raw, atol=1e-9)
    p = model.predict_proba(X)[:, 1]
    np.testing.assert_allclose(1 / (1 + np.exp(-raw)), p, rtol=1e-9)
    good = stack.layers.index("good")
    assert np.corrcoef(found.values[:, good], X[:, good])[0, 1] > 0.5


def test_wofe_contributions_are_the_table_weights(fitted: tuple[EvidenceStack, Sample]) -> None:
    _, sample = fitted
    model = make_model("wofe").fit(sample.X, sample.y)
    X = sample.X[:400]
    found = explain(model, X)
    assert found is not None and found.bias is not None
    classes = model[0].transform(X)
    wofe = model[-1]
    for j, table in enumerate(wofe.tables_):
        weight = dict(zip(table["class"], table["weight"], strict=True))
        expected = [weight.get(c, 0.0) for c in classes[:, j]]
        np.testing.assert_array_equal(found.values[:, j], expected)
    np.testing.assert_allclose(found.bias, wofe.prior_logit_)
    np.testing.assert_allclose(
        found.values.sum(axis=1) + found.bias, wofe.decision_function(classes)
    )


def test_logistic_contributions_sum_to_the_decision(fitted: tuple[EvidenceStack, Sample]) -> None:
    _, sample = fitted
    model = make_model("logistic").fit(sample.X, sample.y)
    found = explain(model, sample.X)
    assert found is not None and found.bias is not None
    np.testing.assert_allclose(
        found.values.sum(axis=1) + found.bias, model.decision_function(sample.X), rtol=1e-9
    )
    # standardised inputs: each layer's contribution averages 0 over the training rows
    np.testing.assert_allclose(found.values.mean(axis=0), 0.0, atol=1e-9)


def test_fuzzy_contributions_leave_one_layer_out() -> None:
    network = {
        "op": "or",
        "inputs": [
            {"layer": "a", "membership": {"kind": "linear", "low": 0, "high": 1}},
            {"layer": "b", "membership": {"kind": "linear", "low": 0, "high": 1}},
        ],
    }
    model = make_model("fuzzy", fuzzy=network, layers=["a", "b", "c"])
    X = np.array([[0.9, 0.2, 5.0], [0.1, 0.4, 5.0]])
    found = explain(model.fit(X, [0, 1]), X)
    assert found is not None and found.bias is None
    # max(a, b) minus the other one; c is not in the network
    np.testing.assert_allclose(found.values, [[0.9 - 0.2, 0.0, 0.0], [0.0, 0.4 - 0.1, 0.0]])


def test_targets_get_mean_contributions_and_the_method(
    fitted: tuple[EvidenceStack, Sample], tmp_path: Path
) -> None:
    stack, sample = fitted
    model = make_model("gbm", imbalance=10.0).fit(sample.X, sample.y)
    layers = np.stack([np.asarray(stack.data.data[k]) for k in range(len(stack.layers))])
    X = layers.reshape(len(stack.layers), -1).T
    score = model.predict_proba(X)[:, 1].reshape(GRID.shape)
    targets, labels = find_targets(score, GRID, top_fraction=0.05)
    method = explain_targets(model, stack, targets, labels)
    assert method.startswith("LightGBM TreeSHAP") and targets
    best = targets[0]
    cells = labels == best.label
    shap = explain(model, X[cells.ravel()])
    assert shap is not None
    for j, name in enumerate(stack.layers):
        assert best.contributions[name] == pytest.approx(shap.values[:, j].mean())
    assert best.contributions["good"] > abs(best.contributions["noise0"])
    write_targets_geojson(targets, GRID, tmp_path / "t.geojson")
    props = json.loads((tmp_path / "t.geojson").read_text())["features"][0]["properties"]
    assert props["contribution_method"] == method


def test_random_forest_falls_back_to_permutation(fitted: tuple[EvidenceStack, Sample]) -> None:
    stack, sample = fitted
    model = make_model("rf").fit(sample.X[::3], sample.y[::3])
    assert explain(model, sample.X[:5]) is None
    score = np.asarray(stack.data.data[0], dtype=np.float64)
    targets, labels = find_targets(score, GRID, top_fraction=0.02, max_targets=2)
    assert explain_targets(model, stack, targets, labels) == PERMUTATION
    assert set(targets[0].contributions) == set(stack.layers)
    assert targets[0].contribution_method == PERMUTATION
