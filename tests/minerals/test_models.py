# ruff: noqa: N806 - ``X`` is scikit-learn's name for a design matrix
"""Models on a synthetic world with a known rule, and spatial against random cross-validation."""

from __future__ import annotations

import numpy as np
import pytest

from cajad.minerals import (
    EvidenceStack,
    Grid,
    SpatialBlockSplit,
    ValidationSetupError,
    cross_validate,
    make_model,
    predict_map,
    sample_presence_background,
)
from cajad.minerals.explain import explain
from cajad.minerals.uncertainty import BootstrapEnsemble

from .conftest import World, make_world

GRID = Grid.from_bounds(0, 0, 120_000, 120_000, resolution=1000, crs="EPSG:32642")


def _stack(world: World) -> EvidenceStack:
    return EvidenceStack.from_arrays(world.layers, GRID, chunks=50)


def test_known_rule_is_recovered(world: World) -> None:
    stack = _stack(world)
    sample = sample_presence_background(stack, world.rows, world.cols, n_background=4000)
    model = make_model("logistic").fit(sample.X, sample.y)
    found = explain(model, sample.X)
    assert found is not None
    # each layer's contribution rises with the layer (good), falls (bad), or barely moves (noise)
    slope = {
        name: float(np.polyfit(sample.X[:, j], found.values[:, j], 1)[0])
        for j, name in enumerate(stack.layers)
    }
    assert slope["good"] > 0 > slope["bad"]
    assert abs(slope["noise0"]) < 0.5 * min(abs(slope["good"]), abs(slope["bad"]))
    cv = cross_validate(make_model("logistic"), sample, GRID, block_size=20_000, buffer=5_000)
    assert cv.mean_roc_auc > 0.75 and len(cv.roc_auc) == 5


@pytest.mark.parametrize("name", ["wofe", "gbm"])
def test_each_model_learns_the_rule(world: World, name: str) -> None:
    stack = _stack(world)
    sample = sample_presence_background(stack, world.rows, world.cols, n_background=3000)
    model = make_model(name, imbalance=3000 / len(world.rows))  # type: ignore[arg-type]
    cv = cross_validate(model, sample, GRID, block_size=20_000, buffer=5_000)
    assert cv.mean_roc_auc > 0.7


def test_spatial_cv_reports_less_than_random_cv() -> None:
    # Deposits cluster beyond what the evidence explains, and smooth unrelated layers let a
    # flexible model memorise places: random folds reward that, spatial blocks do not.
    world = make_world(seed=7, n_noise=4, latent=2.0)
    stack = _stack(world)
    sample = sample_presence_background(stack, world.rows, world.cols, n_background=3000)
    model = make_model("gbm", imbalance=3000 / len(world.rows))
    spatial = cross_validate(model, sample, GRID, block_size=25_000, buffer=10_000)
    random = cross_validate(model, sample, GRID, scheme="random")
    assert spatial.mean_roc_auc < random.mean_roc_auc - 0.05


def test_spatial_split_keeps_a_buffer_round_test_deposits() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 100_000, 2000), rng.uniform(0, 100_000, 2000)
    labels = (rng.random(2000) < 0.1).astype(np.int64)
    split = SpatialBlockSplit(block_size=20_000, buffer=3_000, n_splits=5)
    folds = list(split.split(x, y, labels))
    assert len(folds) == 5
    for train, test in folds:
        assert not set(train) & set(test)
        dep = test[labels[test] == 1]
        d = np.hypot(x[train][:, None] - x[dep][None], y[train][:, None] - y[dep][None])
        assert d.min() >= 3_000
    with pytest.raises(ValidationSetupError, match="blocks"):
        list(SpatialBlockSplit(block_size=1e6).split(x, y, labels))


def test_predict_map_is_chunked_and_matches_direct_prediction(world: World) -> None:
    stack = _stack(world)
    sample = sample_presence_background(stack, world.rows, world.cols, n_background=2000)
    model = make_model("logistic").fit(sample.X, sample.y)
    mapped = predict_map(model, stack)
    assert mapped.numblocks == (3, 3)
    direct = model.predict_proba(np.column_stack([a.ravel() for a in world.layers.values()]))
    np.testing.assert_allclose(np.asarray(mapped).ravel(), direct[:, 1], rtol=1e-5)


def test_bootstrap_spread_is_positive_and_mean_is_a_probability(world: World) -> None:
    stack = _stack(world)
    sample = sample_presence_background(stack, world.rows, world.cols, n_background=2000)
    ens = BootstrapEnsemble(make_model("logistic"), n_members=4).fit(sample)
    X = sample.X[:50]
    assert (ens.predict_std(X) > 0).all()
    p = ens.predict_proba(X)
    assert ((p >= 0) & (p <= 1)).all()
