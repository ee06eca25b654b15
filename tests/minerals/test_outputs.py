"""A run's map outputs read back block by block equal the in-memory path on a small map."""

from __future__ import annotations

from pathlib import Path

import dask.array as da
import numpy as np
import pytest
import rasterio
from scipy import ndimage

from cajad.minerals import Grid, rate_curve, write_geotiff
from cajad.minerals.outputs import map_outputs
from cajad.minerals.targets import find_targets


def _map(tmp_path: Path, seed: int, levels: bool) -> tuple[Grid, Path, Path]:
    rng = np.random.default_rng(seed)
    shape = (230, 190)
    grid = Grid.from_bounds(
        600_000, 4_300_000, 600_000 + 500 * shape[1], 4_300_000 + 500 * shape[0],
        resolution=500, crs="EPSG:32642",
    )  # fmt: skip
    logit = ndimage.gaussian_filter(rng.standard_normal(shape), 4) * 8 - 4
    score = 1 / (1 + np.exp(-logit))
    if levels:
        score = np.round(score * 30) / 30
    score[:12, :40] = np.nan
    unc = np.where(np.isnan(score), np.nan, rng.random(shape) * 0.1)
    s = write_geotiff(da.from_array(score, chunks=64), grid, tmp_path / "prospectivity.tif")
    u = write_geotiff(da.from_array(unc, chunks=64), grid, tmp_path / "uncertainty.tif")
    return grid, s, u


def _read(path: Path) -> np.ndarray:
    with rasterio.open(path) as src:
        return src.read(1).astype(np.float64)


@pytest.mark.parametrize("levels", [True, False])
def test_outputs_equal_the_in_memory_path(tmp_path: Path, levels: bool) -> None:
    grid, s_path, u_path = _map(tmp_path, 5, levels)
    score = _read(s_path)
    rng = np.random.default_rng(9)
    rows, cols = rng.integers(12, 230, 80), rng.integers(0, 190, 80)
    got = map_outputs(
        s_path, grid, (rows, cols), uncertainty_path=u_path, top_fraction=0.07, chunks=48
    )
    assert got.cut == np.quantile(score[np.isfinite(score)], 1.0 - 0.07)  # as find_targets
    targets, labels = find_targets(
        score, grid, top_fraction=0.07, uncertainty=_read(u_path), deposits=(rows, cols)
    )
    assert [t.area_km2 for t in got.targets] == [t.area_km2 for t in targets]
    assert [t.known_deposits for t in got.targets] == [t.known_deposits for t in targets]
    assert [t.mean_uncertainty for t in got.targets] == pytest.approx(
        [t.mean_uncertainty for t in targets], rel=1e-12
    )
    np.testing.assert_array_equal(got.labels.toarray(), labels)
    exact = rate_curve(score, rows, cols)
    # stated tolerance: exact for a map of few levels, within 1e-3 for a continuous one
    tol = 0.0 if levels else 1e-3
    assert got.success.auc == pytest.approx(exact.auc, abs=tol)
    for p in (0.01, 0.05, 0.1, 0.25):
        assert got.success.at(p) == pytest.approx(exact.at(p), abs=tol)
    assert got.picture.shape == score.shape
    bounded = map_outputs(s_path, grid, (rows, cols), max_side=50, chunks=64)
    assert max(bounded.picture.shape) <= 50
    assert np.isnan(bounded.targets[0].mean_uncertainty)
