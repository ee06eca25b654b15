"""Calibration from spatial CV on a synthetic world whose true probabilities are known."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from cajad.minerals import (
    EvidenceStack,
    Grid,
    ValidationSetupError,
    cross_validate,
    sample_presence_background,
)
from cajad.minerals.calibration import (
    brier_score,
    calibrate,
    expected_calibration_error,
    reliability_table,
    spatial_folds,
)

from .conftest import World

GRID = Grid.from_bounds(0, 0, 120_000, 120_000, resolution=1000, crs="EPSG:32642")


def test_reliability_and_ece_by_hand() -> None:
    p = np.array([0.1, 0.1, 0.9, 0.9])
    y = np.array([0, 1, 1, 1])
    table = reliability_table(p, y, n_bins=2)
    assert [b["observed"] for b in table] == [0.5, 1.0]
    assert expected_calibration_error(p, y, n_bins=2) == pytest.approx(0.5 * 0.4 + 0.5 * 0.1)
    assert brier_score(p, y) == pytest.approx((0.01 + 0.81 + 0.01 + 0.01) / 4)


@pytest.mark.parametrize("method", ["isotonic", "platt"])
def test_calibrated_values_are_closer_to_the_true_probability(world: World, method: str) -> None:
    # Deposits fall on cells with probability λ = expit(-6.5 + 2 good - 1.2 bad) (conftest).
    # With b background rows per cell, a sample row with evidence x is a deposit with probability
    # q = λ / (λ + b): the truth the calibration should recover. Balanced class weights push a
    # logistic's raw scores far above it (make_model's logistic has none: it is near q already).
    stack = EvidenceStack.from_arrays(world.layers, GRID, chunks=60)
    sample = sample_presence_background(stack, world.rows, world.cols, n_background=4000)
    good, bad = sample.X[:, 0], sample.X[:, 1]
    lam = 1 / (1 + np.exp(-(-6.5 + 2.0 * good - 1.2 * bad)))
    b = sample.background_per_cell
    q_true = lam / (lam + b)
    balanced = make_pipeline(StandardScaler(), LogisticRegression(class_weight="balanced"))
    cv = cross_validate(balanced, sample, GRID, block_size=20_000, buffer=5_000)
    folds = spatial_folds(sample, GRID, block_size=20_000, buffer=5_000)
    cal = calibrate(cv.oof, sample.y, folds, background_per_cell=b, method=method)  # type: ignore[arg-type]
    ok = np.isfinite(cv.oof)
    raw_err = np.abs(cv.oof[ok] - q_true[ok]).mean()
    cal_err = np.abs(cal.apply(cv.oof[ok]) - q_true[ok]).mean()
    assert cal_err < 0.5 * raw_err
    assert cal.brier_calibrated < cal.brier_raw and cal.ece_calibrated < cal.ece_raw
    # expected deposits per cell against the true λ, where deposits are not vanishingly rare
    high = ok & (lam > 0.05)
    per_cell = cal.deposits_per_cell(cv.oof[high])
    assert np.median(np.abs(np.log(per_cell / lam[high]))) < np.log(2)
    summary = cal.as_dict()
    assert summary["method"] == method and "not a per-cell probability" in summary["meaning"]
    assert sum(r["rows"] for r in summary["reliability"]) == ok.sum()


def test_calibration_needs_two_folds() -> None:
    oof = np.array([0.1, 0.2, np.nan, np.nan])
    y = np.array([0, 1, 0, 1])
    with pytest.raises(ValidationSetupError, match="at least 2 folds"):
        calibrate(oof, y, [np.array([0, 1]), np.array([2, 3])], background_per_cell=0.1)
