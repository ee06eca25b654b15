"""Rate curves, capture efficiency and ranked targets on small maps with known answers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cajad.minerals import (
    Grid,
    capture_efficiency,
    pr_auc_presence_background,
    rate_curve,
    roc_auc_presence_background,
)
from cajad.minerals.targets import find_targets, write_targets_geojson


def test_rate_curve_and_capture_on_a_ranked_map() -> None:
    score = np.arange(100, dtype=np.float64).reshape(10, 10)  # cell k scores k
    rows, cols = np.array([9, 9, 0]), np.array([9, 8, 0])  # scores 99, 98, 0
    curve = rate_curve(score, rows, cols)
    assert curve.at(0.01) == pytest.approx(1 / 3) and curve.at(0.02) == pytest.approx(2 / 3)
    assert curve.at(1.0) == pytest.approx(1.0)
    assert capture_efficiency(score, rows, cols) == pytest.approx(
        {"top_1pct": 1 / 3, "top_5pct": 2 / 3, "top_10pct": 2 / 3}
    )
    # AUC: 2 deposits beat all 97 background cells, one beats none
    assert roc_auc_presence_background(score, rows, cols) == pytest.approx(2 / 3)
    assert 0 < pr_auc_presence_background(score, rows, cols) <= 1


def test_targets_are_connected_ranked_and_exported(tmp_path: Path) -> None:
    grid = Grid.from_bounds(
        500_000, 4_400_000, 540_000, 4_440_000, resolution=1000, crs="EPSG:32642"
    )
    score = np.full(grid.shape, 0.01)
    score[5:15, 5:15] = 0.8  # a large coherent area
    score[30:32, 30:32] = 0.9  # a small hot spot
    targets, labels = find_targets(
        score, grid, top_fraction=0.05, deposits=(np.array([6, 31]), np.array([6, 31]))
    )
    assert [t.area_km2 for t in targets] == [100.0, 4.0]
    assert targets[0].known_deposits == 1 and targets[0].rank == 1
    assert (labels > 0).sum() == 104
    path = write_targets_geojson(targets, grid, tmp_path / "t.geojson")
    data = json.loads(path.read_text())
    lon, lat = np.array(data["features"][0]["geometry"]["coordinates"][0]).T
    assert 60 < lon.min() < lon.max() < 70 and 39 < lat.min() < lat.max() < 41  # UTM 42N
