"""Block-wise targets: the same targets, areas, statistics and polygons as the in-memory path."""

from __future__ import annotations

import dask.array as da
import numpy as np
import pytest
from scipy import ndimage

from cajad.minerals import Grid
from cajad.minerals.blockwise import score_quantile
from cajad.minerals.components import find_targets_blockwise
from cajad.minerals.targets import Target, find_targets


def _grid(shape: tuple[int, int]) -> Grid:
    return Grid.from_bounds(
        500_000, 4_400_000, 500_000 + 100 * shape[1], 4_400_000 + 100 * shape[0],
        resolution=100, crs="EPSG:32642",
    )  # fmt: skip


def _assert_same(a: list[Target], b: list[Target]) -> None:
    assert len(a) == len(b) > 0
    for x, y in zip(a, b, strict=True):
        assert (x.rank, x.label, x.area_km2, x.known_deposits) == (
            y.rank, y.label, y.area_km2, y.known_deposits,
        )  # fmt: skip
        assert x.mean_score == pytest.approx(y.mean_score, rel=1e-12)
        assert x.max_score == y.max_score
        assert x.mean_uncertainty == pytest.approx(y.mean_uncertainty, rel=1e-12, nan_ok=True)
        assert x.geometry.area == pytest.approx(y.geometry.area, rel=1e-12)
        assert x.geometry.symmetric_difference(y.geometry).area < 1e-6


@pytest.mark.parametrize(("seed", "chunks"), [(0, (17, 23)), (1, (40, 40)), (2, (157, 9))])
def test_blockwise_targets_equal_the_in_memory_ones(seed: int, chunks: tuple[int, int]) -> None:
    rng = np.random.default_rng(seed)
    shape = (157, 203)
    score = ndimage.gaussian_filter(rng.standard_normal(shape), 3).astype(np.float32)
    if seed == 1:
        score = np.round(score * 20) / 20  # ties, as weights of evidence gives
    score[:10, :30] = np.nan
    unc = rng.random(shape).astype(np.float32)
    dep = (rng.integers(0, shape[0], 50), rng.integers(0, shape[1], 50))
    grid = _grid(shape)
    dense, dense_labels = find_targets(
        score.astype(np.float64), grid, top_fraction=0.1, uncertainty=unc.astype(np.float64),
        deposits=dep,
    )  # fmt: skip
    s = da.from_array(score, chunks=chunks)
    blocks, labels = find_targets_blockwise(
        s, grid, score_quantile(s, 0.9), uncertainty=da.from_array(unc, chunks=50), deposits=dep
    )
    _assert_same(dense, blocks)
    np.testing.assert_array_equal(labels.toarray(), dense_labels)
    rows, cols = np.nonzero(labels == blocks[0].label)  # as explain_targets reads it
    np.testing.assert_array_equal(rows, np.nonzero(dense_labels == dense[0].label)[0])
    np.testing.assert_array_equal(cols, np.nonzero(dense_labels == dense[0].label)[1])


def test_shapes_joined_only_across_block_edges_and_corners() -> None:
    """A spiral and a diagonal that cross many 8x8 blocks, joined only through other blocks."""
    shape = (40, 40)
    score = np.zeros(shape, dtype=np.float32)
    score[2, 2:38] = score[2:38, 37] = score[37, 3:38] = score[10:38, 3] = 1.0  # a hook
    score[10, 3:30] = score[10:30, 29] = 1.0
    for k in range(15):  # a diagonal line: 8-connected only, through block corners
        score[16 + k, 5 + k] = 0.9
    score[20:22, 32:34] = 0.95  # an unrelated small blob
    grid = _grid(shape)
    top = ((score > 0).sum() - 0.5) / (score.size - 1)  # the cut falls between 0 and 0.9
    dense, dense_labels = find_targets(score.astype(np.float64), grid, top_fraction=top)
    s = da.from_array(score, chunks=8)
    blocks, labels = find_targets_blockwise(s, grid, score_quantile(s, 1 - top))
    assert 0 < score_quantile(s, 1 - top) < 0.9
    assert len(blocks) == 3  # the hook, the diagonal, the blob: each one target
    assert sorted(round(t.area_km2 * 100) for t in blocks) == [4, 15, 177]
    _assert_same(dense, blocks)
    np.testing.assert_array_equal(labels.toarray(), dense_labels)
    assert np.isnan(blocks[0].mean_uncertainty)


def test_a_map_without_targets() -> None:
    s = da.zeros((30, 30), chunks=10, dtype=np.float32)
    targets, labels = find_targets_blockwise(s, _grid((30, 30)), 1.0)
    assert targets == [] and labels.nnz == 0 and labels.shape == (30, 30)
