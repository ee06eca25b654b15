# ruff: noqa: N803, N806 - ``X`` is scikit-learn's name for a design matrix
"""Fuzzy overlay: hand-computed memberships and operators, properties, and estimator checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.utils.estimator_checks import parametrize_with_checks

from cajad.minerals import EvidenceError
from cajad.minerals.fuzzy import (
    Categorical,
    FuzzyOverlay,
    Gaussian,
    Large,
    Linear,
    Small,
    combine,
    parse_network,
    without_layer,
)
from cajad.minerals.models import make_model


def test_memberships_match_hand_computed_values() -> None:
    x = np.array([-5.0, 0.0, 5.0, 10.0, 20.0])
    np.testing.assert_allclose(Linear(kind="linear", low=0, high=10)(x), [0.0, 0.0, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(Linear(kind="linear", low=10, high=0)(x), [1.0, 1.0, 0.5, 0.0, 0.0])
    # ArcGIS Small/Large with midpoint 10, spread 2: 1 / (1 + (x/10)^±2)
    np.testing.assert_allclose(
        Small(kind="small", midpoint=10, spread=2)(x), [1.0, 1.0, 0.8, 0.5, 0.2]
    )
    np.testing.assert_allclose(
        Large(kind="large", midpoint=10, spread=2)(x), [0.0, 0.0, 0.2, 0.5, 0.8]
    )
    np.testing.assert_allclose(
        Gaussian(kind="gaussian", midpoint=10, width=5)(x),
        np.exp(-0.5 * np.array([9.0, 4.0, 1.0, 0.0, 4.0])),
    )
    cat = Categorical(kind="categorical", table={1: 0.9, 3: 0.4}, default=0.1)
    np.testing.assert_allclose(cat(np.array([1.0, 2.0, 3.0])), [0.9, 0.1, 0.4])


def test_operators_match_hand_computed_values() -> None:
    a, b = np.array([0.2, 0.9]), np.array([0.5, 0.6])
    np.testing.assert_allclose(combine("and", [a, b]), [0.2, 0.6])
    np.testing.assert_allclose(combine("or", [a, b]), [0.5, 0.9])
    np.testing.assert_allclose(combine("product", [a, b]), [0.1, 0.54])
    np.testing.assert_allclose(combine("sum", [a, b]), [0.6, 0.96])
    np.testing.assert_allclose(combine("gamma", [a, b], 0.0), combine("product", [a, b]))
    np.testing.assert_allclose(combine("gamma", [a, b], 1.0), combine("sum", [a, b]))
    np.testing.assert_allclose(combine("gamma", [a, b], 0.5), np.sqrt([0.6 * 0.1, 0.96 * 0.54]))


NETWORK = {
    "op": "gamma",
    "gamma": 0.7,
    "inputs": [
        {"layer": "dist_granite", "membership": {"kind": "small", "midpoint": 5, "spread": 3}},
        {
            "op": "or",
            "inputs": [
                {"layer": "dist_fault", "membership": {"kind": "linear", "low": 10, "high": 0}},
                {"layer": "grade", "membership": {"kind": "categorical", "table": {3: 1.0}}},
            ],
        },
    ],
}


def test_network_evaluates_as_a_tree_and_checks_its_layers() -> None:
    X = np.array([[5.0, 5.0, 1.0], [0.0, 20.0, 3.0]])
    model = FuzzyOverlay(NETWORK, ["dist_granite", "dist_fault", "grade"]).fit(X, [0, 1])
    mu = model.predict_proba(X)[:, 1]
    granite = np.array([0.5, 1.0])
    either = np.array([0.5, 1.0])  # max(linear, categorical)
    product, total = granite * either, 1 - (1 - granite) * (1 - either)
    np.testing.assert_allclose(mu, total**0.7 * product**0.3)
    assert model.decision_function(X)[0] == pytest.approx(np.log(mu[0] / (1 - mu[0])))
    assert model.decision_function(X)[1] == pytest.approx(np.log(1 / 1e-12 - 1))  # clipped
    with pytest.raises(EvidenceError, match="needs evidence layer\\(s\\) grade"):
        FuzzyOverlay(NETWORK, ["dist_granite", "dist_fault", "other"]).fit(X, [0, 1])
    bad = {**NETWORK, "inputs": [{"layer": "a", "membership": {"kind": "small", "midpoint": -1}}]}
    where = r"inputs\.0\.evidence\.membership\.small\.midpoint: Input should be greater than 0$"
    with pytest.raises(EvidenceError, match=where):
        parse_network(bad)
    with pytest.raises(EvidenceError, match="gamma"):
        parse_network({"op": "gamma", "inputs": NETWORK["inputs"]})


def test_leaving_a_layer_out_prunes_the_tree() -> None:
    net = parse_network(NETWORK)
    pruned = without_layer(net, "dist_granite")
    assert pruned is not None and pruned.layers() == ["dist_fault", "grade"]
    assert without_layer(parse_network(NETWORK["inputs"][1] | {}), "x") is not None  # type: ignore[operator]
    only = parse_network({"op": "and", "inputs": [NETWORK["inputs"][0]]})
    assert without_layer(only, "dist_granite") is None


def test_make_model_fuzzy_needs_a_network() -> None:
    with pytest.raises(EvidenceError, match="needs a network"):
        make_model("fuzzy")
    pipe = make_model("fuzzy", fuzzy=NETWORK, layers=["dist_granite", "dist_fault", "grade"])
    X = np.array([[1.0, 1.0, 3.0], [9.0, 9.0, 1.0]])
    p = pipe.fit(X, [0, 1]).predict_proba(X)[:, 1]
    assert p[0] > p[1]


memberships = st.lists(arrays(np.float64, 8, elements=st.floats(0, 1)), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(memberships, st.floats(0, 1))
def test_operator_outputs_are_memberships_and_ordered(
    values: list[np.ndarray], gamma: float
) -> None:
    lo, hi = combine("and", values), combine("or", values)
    for op in ("and", "or", "product", "sum", "gamma"):
        out = combine(op, values, gamma if op == "gamma" else None)  # type: ignore[arg-type]
        assert ((out >= 0) & (out <= 1)).all()
    for v in values:
        assert (lo <= v).all() and (v <= hi).all()
    assert (combine("product", values) <= lo + 1e-12).all()
    assert (combine("sum", values) >= hi - 1e-12).all()


INCREASING = {
    "op": "gamma",
    "gamma": 0.6,
    "inputs": [
        {"layer": "x0", "membership": {"kind": "large", "midpoint": 2, "spread": 3}},
        {
            "op": "and",
            "inputs": [
                {"layer": "x1", "membership": {"kind": "linear", "low": -1, "high": 4}},
                {"layer": "x2", "membership": {"kind": "large", "midpoint": 1, "spread": 1}},
            ],
        },
    ],
}


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, (5, 3), elements=st.floats(-10, 10)),
    st.integers(0, 2),
    st.floats(0, 5),
)
def test_output_is_monotone_in_each_increasing_input(X: np.ndarray, j: int, step: float) -> None:
    model = FuzzyOverlay(INCREASING).fit(X, [0, 1, 0, 1, 0])
    higher = X.copy()
    higher[:, j] += step
    before, after = model.predict_proba(X)[:, 1], model.predict_proba(higher)[:, 1]
    assert ((before >= 0) & (before <= 1)).all()
    assert (after >= before - 1e-12).all()


# A knowledge-driven model learns nothing from labels, so the check that demands it fit the
# training data does not apply, nor does one that feeds fewer columns than the network names.
FUZZY_NOT_APPLICABLE = {
    "check_classifiers_train": "knowledge-driven: does not learn from labels",
    "check_fit2d_1feature": "the network reads column x1, which 1-column data lacks",
}


@parametrize_with_checks(
    [
        FuzzyOverlay(
            {
                "op": "sum",
                "inputs": [
                    {"layer": "x0", "membership": {"kind": "linear", "low": -2, "high": 2}},
                    {"layer": "x1", "membership": {"kind": "gaussian", "midpoint": 0, "width": 1}},
                ],
            }
        )
    ],
    expected_failed_checks=lambda est: FUZZY_NOT_APPLICABLE,
)
def test_sklearn_compatible(estimator: Any, check: Any) -> None:
    check(estimator)
