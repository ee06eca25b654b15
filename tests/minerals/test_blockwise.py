"""Block-wise score statistics: exact quantiles, the binned success-rate curve, small reads."""

from __future__ import annotations

from pathlib import Path

import dask.array as da
import numpy as np
import pytest
import rasterio
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cajad.minerals import Grid, rate_curve, write_geotiff
from cajad.minerals.blockwise import (
    rate_curve_from_histogram,
    read_decimated,
    score_histogram,
    score_keys,
    score_quantile,
)
from cajad.minerals.errors import ValidationSetupError

finite32 = st.floats(
    min_value=-(2.0**100), max_value=2.0**100, allow_nan=False, allow_infinity=False, width=32
)


@given(arrays(np.float32, st.integers(2, 60), elements=finite32))
def test_keys_sort_like_the_scores(values: np.ndarray) -> None:
    keys = score_keys(values)
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(keys[order].astype(np.int64)) >= 0)
    # equal scores (0.0 and -0.0 included) share a key
    assert score_keys(np.array([0.0, -0.0], dtype=np.float32)).tolist() == [2**31] * 2


@settings(max_examples=30, deadline=None)
@given(
    arrays(np.float32, st.integers(1, 300), elements=finite32 | st.just(np.float32(np.nan))),
    st.floats(0, 1),
    st.integers(16, 120),
)
def test_quantile_is_numpys_bit_for_bit(values: np.ndarray, q: float, chunk: int) -> None:
    finite = values[np.isfinite(values)].astype(np.float64)
    score = da.from_array(values.reshape(1, -1), chunks=(1, chunk))
    if finite.size == 0:
        with pytest.raises(ValidationSetupError, match="no finite cell"):
            score_quantile(score, q)
        return
    assert score_quantile(score, q) == np.quantile(finite, q)


def test_quantile_of_many_ties_and_a_large_map() -> None:
    rng = np.random.default_rng(0)
    tied = np.round(rng.random((400, 300)) * 6).astype(np.float32) / 6  # 7 levels
    smooth = rng.gamma(0.3, size=(400, 300)).astype(np.float32)  # skewed, near 0 mostly
    for a in (tied, smooth):
        a[:20] = np.nan
        score = da.from_array(a, chunks=(64, 50))
        hist = score_histogram(score)
        assert hist.sum() == np.isfinite(a).sum()
        for q in (0.0, 0.5, 0.95, 0.999, 1.0):
            assert score_quantile(score, q, hist) == np.quantile(a[np.isfinite(a)], q)


def test_histogram_curve_equals_the_exact_curve() -> None:
    rng = np.random.default_rng(1)
    # weights-of-evidence-like map: few distinct levels, each in its own bin: exactly equal
    levels = np.round(rng.random((200, 150)) * 40).astype(np.float32) / 40
    levels[:5] = np.nan
    rows, cols = rng.integers(0, 200, 60), rng.integers(0, 150, 60)
    exact = rate_curve(levels.astype(np.float64), rows, cols)
    got = rate_curve_from_histogram(
        score_histogram(da.from_array(levels, chunks=37)), levels[rows, cols]
    )
    np.testing.assert_array_equal(got.area, exact.area)
    np.testing.assert_array_equal(got.captured, exact.captured)
    # continuous map: every score distinct; the binned curve stays within 1e-3 of the exact AUC
    # and capture (bins are 2**-11 of a score wide)
    cont = rng.beta(0.5, 3, size=(200, 150)).astype(np.float32)
    exact = rate_curve(cont.astype(np.float64), rows, cols)
    got = rate_curve_from_histogram(
        score_histogram(da.from_array(cont, chunks=64)), cont[rows, cols]
    )
    assert got.area.size < exact.area.size  # binned
    assert got.auc == pytest.approx(exact.auc, abs=1e-3)
    for p in (0.01, 0.05, 0.1, 0.5):
        assert got.at(p) == pytest.approx(exact.at(p), abs=1e-3)


def test_curve_without_a_deposit_on_the_map_is_an_error() -> None:
    hist = score_histogram(da.ones((4, 4), chunks=2, dtype=np.float32))
    with pytest.raises(ValidationSetupError, match="no deposit"):
        rate_curve_from_histogram(hist, np.array([np.nan]))


def test_decimated_read_is_bounded_by_the_picture(tmp_path: Path) -> None:
    grid = Grid.from_bounds(0, 0, 3000, 1200, resolution=1, crs="EPSG:32642")
    a = np.arange(grid.height * grid.width, dtype=np.float32).reshape(grid.shape)
    a[:, :10] = np.nan
    path = write_geotiff(da.from_array(a, chunks=512), grid, tmp_path / "m.tif")
    small = read_decimated(path, max_side=500)
    assert small.shape == (200, 500)
    assert np.isnan(small[:, 0]).all() and np.isfinite(small[:, 5:]).all()
    # nearest cells of the full map: every value is one of the map's
    assert np.isin(small[np.isfinite(small)], a).all()
    with rasterio.open(path) as src:
        assert read_decimated(path, max_side=5000).shape == src.shape
