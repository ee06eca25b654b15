"""Evidence stack: alignment, chunked reading and writing, rasterized vectors, grid geometry."""

from __future__ import annotations

import math
from pathlib import Path

import dask.array as da
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from hypothesis import given
from hypothesis import strategies as st

from cajad.minerals import (
    EvidenceError,
    EvidenceStack,
    Grid,
    GridMismatchError,
    distance_to,
    point_density,
    read_aligned,
    read_evidence_dir,
    write_geotiff,
)


def _write(path: Path, data: np.ndarray, crs: str, transform: Affine, nodata: float | None) -> Path:
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=data.shape[1],
        height=data.shape[0],
        count=1,
        dtype=data.dtype,
        crs=crs,
        transform=transform,
        nodata=nodata,
    ) as dst:
        dst.write(data, 1)
    return path


# rasterio 1.4's calculate_default_transform multiplies Affines with `*`, which affine 3 deprecates
@pytest.mark.filterwarnings("ignore:Use `@` matmul instead:PendingDeprecationWarning")
def test_layers_in_other_crs_and_resolution_are_aligned(tmp_path: Path) -> None:
    grid = Grid.from_bounds(
        500_000, 4_400_000, 560_000, 4_460_000, resolution=1000, crs="EPSG:32642"
    )
    # a finer raster (250 m) of the same area: 1 west of x = 530 km, 2 east, nodata in one corner
    fine = np.where(np.arange(240)[None, :] < 120, 1, 2).repeat(240, axis=0).astype(np.uint8)
    fine[:8, :8] = 255
    _write(
        tmp_path / "fine.tif", fine, "EPSG:32642", Affine(250, 0, 500_000, 0, -250, 4_460_000), 255
    )
    aligned = np.asarray(read_aligned(tmp_path / "fine.tif", grid, chunks=16))
    assert aligned.shape == (60, 60)
    assert (
        np.isnan(aligned[0, 0]) and np.all(aligned[10:, :29] == 1) and np.all(aligned[:, 31:] == 2)
    )
    # the same map in geographic coordinates lands on the same cells (nearest, classes kept)
    with rasterio.open(tmp_path / "fine.tif") as src:
        from rasterio.warp import calculate_default_transform, reproject

        t, w, h = calculate_default_transform(
            src.crs, "EPSG:4326", src.width, src.height, *src.bounds
        )
        geo = np.full((h, w), 255, dtype=np.uint8)
        reproject(
            fine,
            geo,
            src_transform=src.transform,
            src_crs=src.crs,
            dst_transform=t,
            dst_crs="EPSG:4326",
            src_nodata=255,
            dst_nodata=255,
        )
    _write(tmp_path / "geo.tif", geo, "EPSG:4326", t, 255)
    back = np.asarray(read_aligned(tmp_path / "geo.tif", grid))
    agree = np.isfinite(back) & np.isfinite(aligned)
    assert (back[agree] == aligned[agree]).mean() > 0.95


def test_chunked_read_equals_whole_read_and_dir_loader(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    data = rng.random((70, 90)).astype(np.float32)
    t = Affine(100, 0, 0, 0, -100, 7000)
    _write(tmp_path / "a.tif", data, "EPSG:3857", t, None)
    _write(tmp_path / "b.tif", (data * 10).astype(np.int16), "EPSG:3857", t, -1)
    grid = Grid.from_raster(tmp_path / "a.tif")
    small = read_aligned(tmp_path / "a.tif", grid, chunks=16)
    assert small.numblocks == (5, 6)
    np.testing.assert_array_equal(np.asarray(small), data)
    stack = read_evidence_dir(tmp_path, chunks=32)
    assert stack.layers == ["a", "b"] and stack.categorical == frozenset({"b"})
    assert stack.values_at(np.array([3]), np.array([4]))[0, 0] == pytest.approx(data[3, 4])
    z = stack.standardized().data.sel(layer="a").values
    assert abs(np.nanmean(z)) < 1e-5 and np.nanstd(z) == pytest.approx(1, abs=1e-4)


def test_geotiff_is_written_block_by_block(tmp_path: Path) -> None:
    grid = Grid.from_bounds(0, 0, 3000, 2000, resolution=10, crs="EPSG:3857")
    arr = da.arange(grid.width * grid.height, dtype=np.float32, chunks=5000).reshape(grid.shape)
    arr = arr.rechunk((64, 64))
    path = write_geotiff(arr, grid, tmp_path / "x.tif", tags={"what": "test"})
    with rasterio.open(path) as src:
        np.testing.assert_array_equal(src.read(1), np.asarray(arr))
        assert src.tags()["what"] == "test" and Grid.from_raster(path) == grid


@pytest.mark.parametrize("batch", [1, 5, 1000])
def test_geotiff_blocks_of_any_shape_and_batch(tmp_path: Path, batch: int) -> None:
    """Ragged blocks, computed ``batch`` at a time, land in their windows (NaN is nodata)."""
    grid = Grid.from_bounds(0, 0, 1030, 770, resolution=10, crs="EPSG:32642")
    data = np.random.default_rng(0).random(grid.shape).astype(np.float32)
    data[5:9, 90:] = np.nan
    arr = da.from_array(data, chunks=((30, 20, 27), (50, 50, 3)))
    path = write_geotiff(arr, grid, tmp_path / "r.tif", batch=batch)
    with rasterio.open(path) as src:
        np.testing.assert_array_equal(src.read(1), data)
        assert np.isnan(src.nodata)


def test_distance_is_exact_and_chunk_independent() -> None:
    grid = Grid.from_bounds(0, 0, 5000, 4000, resolution=100, crs="EPSG:32642")
    pts = [shapely.Point(1050, 2950), shapely.Point(4420, 330)]
    whole = np.asarray(distance_to(pts, grid, max_distance=10_000, chunks=1000))
    tiled = np.asarray(distance_to(pts, grid, max_distance=10_000, chunks=7))
    capped = np.asarray(distance_to(pts, grid, max_distance=800, chunks=7))
    x, y = grid.coords()
    centres = [(1050, 2950), (4450, 350)]  # cell centres of the two points
    brute = np.min([np.hypot(x[None, :] - cx, y[:, None] - cy) for cx, cy in centres], axis=0)
    np.testing.assert_allclose(whole, brute, atol=1e-3)
    np.testing.assert_allclose(tiled, brute, atol=1e-3)
    np.testing.assert_allclose(capped, np.minimum(brute, 800), atol=1e-3)


def test_point_density_counts_points_per_km2() -> None:
    grid = Grid.from_bounds(0, 0, 20_000, 20_000, resolution=1000, crs="EPSG:32642")
    dens = np.asarray(
        point_density(np.array([10_500.0]), np.array([9_500.0]), grid, radius=2_500, chunks=6)
    )
    disc = math.pi * 2.5**2
    assert dens.max() == pytest.approx(1 / disc)
    assert dens.sum() * 1.0 == pytest.approx(np.count_nonzero(dens) / disc)
    assert np.count_nonzero(dens) == 21  # cells whose centre is within 2.5 km


def test_bad_inputs_are_refused(tmp_path: Path) -> None:
    grid = Grid.from_bounds(0, 0, 100, 100, resolution=10, crs="EPSG:3857")
    with pytest.raises(EvidenceError, match="no GeoTIFF"):
        read_evidence_dir(tmp_path)
    with pytest.raises(EvidenceError, match="shape"):
        EvidenceStack.from_arrays({"a": np.zeros((3, 3))}, grid)
    with pytest.raises(GridMismatchError):
        grid.check_same(Grid.from_bounds(0, 0, 100, 100, resolution=20, crs="EPSG:3857"))
    (tmp_path / "bad.tif").write_text("not a raster")
    with pytest.raises(EvidenceError, match="cannot read"):
        read_aligned(tmp_path / "bad.tif", grid)


@given(st.integers(0, 499), st.integers(0, 299), st.floats(1, 5000), st.floats(-1e6, 1e6))
def test_cell_centre_round_trip(row: int, col: int, res: float, left: float) -> None:
    grid = Grid.from_bounds(left, 0, left + 300 * res, 500 * res, resolution=res, crs="EPSG:3857")
    x, y = grid.xy(np.array([row]), np.array([col]))
    r, c = grid.rowcol(x, y)
    assert (int(r[0]), int(c[0])) == (row, col)
