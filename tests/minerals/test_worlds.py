# ruff: noqa: N806 - ``X`` is scikit-learn's name for a design matrix
"""Known-truth worlds: the models recover the generating rule's signs and ranking, and each beats
the plain scikit-learn baseline of its family on the held-out block."""

from __future__ import annotations

import numpy as np
import pytest

from cajad.minerals import WeightsOfEvidence, make_model, predict_map, sample_presence_background
from cajad.minerals.explain import explain
from cajad.minerals.worlds import PLAIN_KINDS, World, cajad_auc, make_world, plain_auc

RELEVANT = ("dist_fault", "lithology", "magnetic_gradient", "geochem")
NOISE = ("noise_a", "noise_b")


@pytest.fixture(scope="module")
def world() -> World:
    return make_world("faults", size=140, n_deposits=300, seed=1)


@pytest.fixture(scope="module")
def aucs(world: World) -> dict[str, float]:
    out = {m: cajad_auc(world, m, n_background=8000) for m in ("wofe", "logistic", "gbm")}
    out |= {f"plain {k}": plain_auc(world, k, n_background=8000) for k in PLAIN_KINDS}
    return out


def _sample(world: World):  # type: ignore[no-untyped-def]
    rows, cols = world.train_deposits()
    return sample_presence_background(world.stack(train_only=True), rows, cols, n_background=8000)


def test_the_oracle_bounds_every_model(world: World, aucs: dict[str, float]) -> None:
    oracle = world.oracle_auc()
    assert 0.85 < oracle < 1.0
    assert all(auc < oracle for auc in aucs.values()), aucs


def test_logistic_beats_its_plain_baseline_and_the_best_beats_every_one(
    aucs: dict[str, float],
) -> None:
    assert aucs["logistic"] >= aucs["plain logistic"]
    best = max(aucs[m] for m in ("wofe", "logistic", "gbm"))
    assert best >= max(aucs["plain logistic"], aucs["plain rf"]), aucs


def test_wofe_beats_plain_naive_bayes_its_family(aucs: dict[str, float]) -> None:
    # weights of evidence is naive Bayes (evidence independent given a deposit) on classes
    assert aucs["wofe"] >= max(aucs["plain categorical_nb"], aucs["plain gaussian_nb"]), aucs


def test_wofe_recovers_signs_and_ranking(world: World) -> None:
    sample = _sample(world)
    model = make_model("wofe", categorical=[1]).fit(sample.X, sample.y)
    tables = dict(zip(world.layers, model[-1].tables_, strict=True))
    weight = {k: t.sort_values("class")["weight"].to_numpy() for k, t in tables.items()}
    assert weight["dist_fault"][0] > weight["dist_fault"][-1]  # near faults favourable
    for name in ("magnetic_gradient", "geochem"):
        assert weight[name][-1] > weight[name][0]
    lith = tables["lithology"].set_index("class")["weight"]
    assert lith[world.effects["lithology"]] > max(0.0, float(lith.median()))
    spread = {k: float(np.ptp(w)) for k, w in weight.items()}
    assert min(spread[k] for k in RELEVANT) > max(spread[k] for k in NOISE), spread


def test_logistic_recovers_signs_and_ranking(world: World) -> None:
    sample = _sample(world)
    model = make_model("logistic", categorical=[1]).fit(sample.X, sample.y)
    found = explain(model, sample.X)
    assert found is not None
    names = list(world.layers)
    for name, sign in world.effects.items():
        if name in world.categorical:
            continue
        j = names.index(name)
        ok = np.isfinite(sample.X[:, j])
        r = np.corrcoef(sample.X[ok, j], found.values[ok, j])[0, 1]
        assert np.sign(r) == sign, (name, r)
    lith = names.index("lithology")
    favourable = sample.X[:, lith] == world.effects["lithology"]
    assert found.values[favourable, lith].min() > found.values[~favourable, lith].max()
    spread = dict(zip(names, found.values.std(axis=0), strict=True))
    assert min(spread[k] for k in RELEVANT) > max(spread[k] for k in NOISE), spread


def test_a_class_without_deposits_weighs_against_them() -> None:
    # ArcSDM gives an empty class weight 0, above a class holding one deposit (W+ < 0)
    X = np.r_[np.repeat([1.0, 2.0, 3.0], [400, 400, 200]), [2.0, 3.0, 3.0, 3.0]][:, None]
    y = np.r_[np.zeros(1000), np.ones(4)]
    arcsdm = WeightsOfEvidence(sampling="presence-background").fit(X, y)
    shrunk = WeightsOfEvidence(sampling="presence-background", prior_deposits=1.0).fit(X, y)
    w_old = arcsdm.layer_weights(np.array([[1.0], [2.0]]))[:, 0]
    w_new = shrunk.layer_weights(np.array([[1.0], [2.0], [3.0]]))[:, 0]
    assert w_old[0] == 0.0 > w_old[1]
    assert w_new[0] < w_new[1] < 0 < w_new[2]


def test_cells_missing_some_layers_are_trained_on_and_mapped() -> None:
    world = make_world("nodata", size=100, n_deposits=200, seed=0)
    stack = world.stack()
    values = np.stack(list(world.layers.values()))
    partial = np.asarray(np.isfinite(values).any(axis=0) & ~np.isfinite(values).all(axis=0))
    on_gap = partial[world.rows, world.cols]
    assert on_gap.any()
    sample = sample_presence_background(stack, world.rows, world.cols, n_background=2000)
    assert int(sample.y.sum()) == world.rows.size  # none dropped
    model = make_model("logistic", categorical=[1]).fit(sample.X, sample.y)
    score = np.asarray(predict_map(model, stack).compute())  # type: ignore[no-untyped-call]
    assert np.isfinite(score[partial]).all()
