# ruff: noqa: N806 - ``X`` is scikit-learn's name for a design matrix
"""Weights of evidence: hand-computed answers, GA's Cloncurry tables and AUC, EIS's fixture."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray

from cajad.minerals import (
    DepositsError,
    Grid,
    WeightsError,
    WeightsOfEvidence,
    conditional_independence_test,
    generalize,
    read_points,
    roc_auc_presence_background,
    weights_table,
)
from cajad.minerals.wofe_table import class_totals

from .conftest import EIS, GA, GA_BINARY, GaData, read_classes

GA_COLUMNS = {
    "area": "AREA_UNITS",
    "points": "NO_POINTS",
    "w_plus": "WPLUS",
    "s_w_plus": "S_WPLUS",
    "w_minus": "WMINUS",
    "s_w_minus": "S_WMINUS",
    "contrast": "CONTRAST",
    "s_contrast": "S_CONTRAST",
    "studentized_contrast": "STUDC",
    "gen_class": "GEN_CLASS",
    "weight": "WEIGHT",
    "weight_std": "W_STD",
}


def test_hand_computed_grid() -> None:
    # 10 x 10 cells; class 2 covers 10 cells holding 3 of the 5 deposits.
    layer = np.ones((10, 10))
    layer[0, :] = 2
    deposits = np.zeros((10, 10), dtype=bool)
    deposits[0, :3] = True
    deposits[5, 5] = deposits[7, 2] = True
    model = WeightsOfEvidence().fit(layer.reshape(-1, 1), deposits.ravel())
    row = model.tables_[0].set_index("class").loc[2.0]
    w_plus = np.log((3 / 5) / (7 / 95))
    w_minus = np.log((2 / 5) / (88 / 95))
    s_c = np.sqrt(1 / 3 + 1 / 7 + 1 / 2 + 1 / 88)
    assert row.w_plus == pytest.approx(w_plus) and w_plus == pytest.approx(2.09714, abs=1e-5)
    assert row.w_minus == pytest.approx(w_minus) and w_minus == pytest.approx(-0.83975, abs=1e-5)
    assert row.contrast == pytest.approx(2.93689, abs=1e-5)
    assert row.s_w_plus == pytest.approx(np.sqrt(1 / 3 + 1 / 7))
    assert row.studentized_contrast == pytest.approx((w_plus - w_minus) / s_c)
    prior = np.log(5 / 95)
    assert model.prior_logit_ == pytest.approx(prior)
    # class 2 takes its W+, class 1 its own W+ (= class 2's W- for a binary layer)
    assert model.decision_function([[2.0], [1.0]]) == pytest.approx(
        [prior + w_plus, prior + w_minus]
    )


def test_generalize_cumulative_rules_match_eis_expectations() -> None:
    # The reference cumulative table of EIS Toolkit's tests and the classes it expects.
    table = pd.DataFrame(
        [
            [1, 0.5059, 0.4083, -0.0877, 0.1961, 0.5936, 0.4529, 1.3106],
            [2, 0.4387, 0.3015, -0.1706, 0.2182, 0.6093, 0.3722, 1.6371],
            [3, 0.3942, 0.2426, -0.3142, 0.2582, 0.7084, 0.3543, 1.9997],
            [4, 0.2571, 0.2236, -0.3205, 0.2887, 0.5777, 0.3652, 1.5819],
            [5, 0.2877, 0.1961, -0.7339, 0.4083, 1.0216, 0.4529, 2.2555],
            [6, 0.2683, 0.1826, -1.5107, 0.7071, 1.7790, 0.7303, 2.4360],
            [7, 0.1722, 0.1796, -1.7844, 1.0050, 1.9566, 1.0210, 1.9164],
            [8, 0.0608, 0.1796, -1.0464, 1.0051, 1.1072, 1.0210, 1.0844],
            [9, -0.0314, 0.1796, 9.4195, 1.4213, -9.4509, 1.4326, -6.5968],
        ],
        columns=[
            "class",
            "w_plus",
            "s_w_plus",
            "w_minus",
            "s_w_minus",
            "contrast",
            "s_contrast",
            "studentized_contrast",
        ],
    )
    cases = [
        (4, 0.0, [2, 2, 2, 2, 2, 1, 1, 1, 1]),
        ("max_contrast", 0.0, [2, 2, 2, 2, 2, 2, 2, 1, 1]),
        ("max_feasible_contrast", 2.0, [2, 2, 2, 2, 2, 2, 1, 1, 1]),
    ]
    for cutoff, threshold, expected in cases:
        out = generalize(
            table, weights_type="ascending", cutoff=cutoff, studentized_contrast_threshold=threshold
        )
        assert out["gen_class"].tolist() == expected
    out = generalize(
        table,
        weights_type="ascending",
        cutoff="max_contrast_if_feasible",
        studentized_contrast_threshold=2.0,
    )
    assert not out.attrs["generalized"] and (out["weight"] == 0).all()


@pytest.mark.parametrize(
    ("weights_type", "merge"),
    [("unique", False), ("categorical", True), ("ascending", False), ("descending", False)],
)
def test_eis_fixture_reference_weights(weights_type: str, merge: bool) -> None:
    layer = read_classes(EIS / "wofe_evidence_raster.tif")
    grid = Grid.from_raster(EIS / "wofe_evidence_raster.tif")
    rows, cols = read_points(EIS / "wofe_deposits.gpkg").cells(grid)
    deposit = np.zeros(grid.shape, dtype=bool)
    deposit[rows, cols] = True
    valid = ~np.isnan(layer.ravel())
    model = WeightsOfEvidence(
        weights_type="categorical" if weights_type == "unique" else weights_type,  # type: ignore[arg-type]
        cutoff="max_contrast_if_feasible",
        studentized_contrast_threshold=1.0,
        merge_insignificant=merge,
        convention="eis",
    ).fit(layer.ravel()[valid, None], deposit.ravel()[valid])
    ours = model.tables_[0].set_index("class")
    ref = pd.read_csv(EIS / f"eis_weights_{weights_type}.csv").set_index("Class")
    columns = {
        "w_plus": "W+",
        "s_w_plus": "S_W+",
        "w_minus": "W-",
        "s_w_minus": "S_W-",
        "contrast": "Contrast",
        "s_contrast": "S_Contrast",
        "studentized_contrast": "Studentized contrast",
    }
    if weights_type != "unique":
        columns |= {"weight": "Generalized W+", "weight_std": "Generalized S_W+"}
    for ours_col, ref_col in columns.items():
        np.testing.assert_allclose(ours.loc[ref.index, ours_col], ref[ref_col], atol=6e-5)
    assert (ours.loc[ref.index, "points"].to_numpy() == ref["Deposit count"].to_numpy()).all()


@pytest.mark.parametrize("name", GA_BINARY)
def test_ga_binary_tables(name: str, ga: GaData, ga_binary: list[NDArray[np.float64]]) -> None:
    X, y = ga.design([ga_binary[GA_BINARY.index(name)]])
    model = WeightsOfEvidence(sampling="presence-background", unit_area=0.01).fit(X, y)
    _assert_table(model.tables_[0], pd.read_csv(GA / "evidence_binary" / f"{name}_CT.csv"))


@pytest.mark.parametrize(
    ("name", "weights_type", "suffix"),
    [
        ("Dist2Breccia", "ascending", "CA"),
        ("FaultDensity", "descending", "CD"),
        ("StratNo", "categorical", "CT"),
    ],
)
def test_ga_multiclass_tables(name: str, weights_type: str, suffix: str, ga: GaData) -> None:
    X, y = ga.design([read_classes(GA / "evidence_multiclass" / f"{name}.tif")])
    model = WeightsOfEvidence(
        weights_type=weights_type,  # type: ignore[arg-type]
        sampling="presence-background",
        unit_area=0.01,
    ).fit(X, y)
    _assert_table(
        model.tables_[0], pd.read_csv(GA / "evidence_multiclass" / f"{name}_{suffix}.csv")
    )


def _assert_table(ours: pd.DataFrame, ref: pd.DataFrame) -> None:
    assert len(ours) == len(ref)
    np.testing.assert_array_equal(ours["class"], ref["CLASS"])
    for ours_col, ref_col in GA_COLUMNS.items():
        # GA's areas are summed in floating point; 1e-6 of a km² over 31,311 km²
        np.testing.assert_allclose(ours[ours_col], ref[ref_col], rtol=1e-8, atol=1e-5)


def test_ga_posterior_probability_and_auc(ga: GaData, ga_binary: list[NDArray[np.float64]]) -> None:
    X, y = ga.design(ga_binary)
    model = WeightsOfEvidence(sampling="presence-background", unit_area=0.01).fit(X, y)
    ref = pd.read_csv(GA / "reference_posterior_by_condition.csv")
    conditions = ref[list(GA_BINARY)].to_numpy(dtype=np.float64)
    np.testing.assert_allclose(
        model.predict_proba(conditions)[:, 1], ref.posterior_probability, rtol=1e-6
    )
    np.testing.assert_allclose(model.predict_std(conditions), ref.posterior_std, rtol=1e-6)
    cells = X[y == 0]
    pp = model.predict_proba(cells)[:, 1].reshape(ga.shape)
    auc = roc_auc_presence_background(pp, ga.rows, ga.cols)
    published = pd.read_csv(GA / "IOCG_PostProb_AUC.csv")["AUC"].iloc[0]
    assert published == pytest.approx(0.714468, abs=1e-6)
    assert auc == pytest.approx(published, abs=1e-9)
    assert abs(auc - 0.7145) < 5e-4  # "0.7145 to three decimals"
    ci = conditional_independence_test(model, cells, area=0.01)
    assert ci.observed == 258 and ci.expected > ci.observed  # the four layers are not independent
    assert not ci.independent(0.05) and ci.ratio < 0.85


def test_odd_input_fails_loudly() -> None:
    X = np.arange(10.0).reshape(-1, 1)
    with pytest.raises(WeightsError, match="2 classes"):
        WeightsOfEvidence().fit(X, np.zeros(10))
    with pytest.raises(WeightsError, match="below the unit areas"):
        WeightsOfEvidence(sampling="presence-background").fit(X, np.r_[np.zeros(2), np.ones(8)])
    with pytest.raises(WeightsError, match="one type per layer"):
        WeightsOfEvidence(weights_type=["ascending", "descending"]).fit(X, np.r_[0, 1].repeat(5))
    with pytest.raises(WeightsError, match="weights_type"):
        weights_table([1, 2], [5, 5], [1, 0], weights_type="up")  # type: ignore[arg-type]
    with pytest.raises(DepositsError, match="not found"):
        read_points(GA / "missing.csv")


def test_missing_data_gets_weight_zero() -> None:
    X = np.array([[1.0], [1.0], [2.0], [2.0], [np.nan], [2.0], [1.0], [2.0]])
    y = np.array([1, 0, 0, 0, 1, 0, 0, 0])
    model = WeightsOfEvidence().fit(X, y)
    assert model.decision_function([[np.nan], [7.0]]) == pytest.approx([model.prior_logit_] * 2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("missing", [0.0, 0.1])
def test_class_totals_counting_path_equals_sorting(dtype: type, missing: float) -> None:
    """Large grids of whole class codes take a counting path (no sort); it must give the
    per-class sums computed directly, NaN left out, in float32 as in float64."""
    rng = np.random.default_rng(7)
    n = 150_000
    values = rng.integers(0, 40, size=n).astype(dtype)
    values[rng.random(n) < missing] = np.nan
    area = rng.integers(0, 3, size=n).astype(np.float64)
    points = (rng.random(n) < 0.01).astype(np.float64)
    counted = class_totals(values, area, points)
    keep = ~np.isnan(values) & ((area > 0) | (points > 0))
    classes = np.unique(values[keep]).astype(np.float64)
    np.testing.assert_array_equal(counted[0], classes)
    for got, weights in zip(counted[1:], (area, points), strict=True):
        expected = [weights[keep][values[keep] == c].sum() for c in classes]
        np.testing.assert_array_equal(got, expected)
