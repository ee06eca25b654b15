"""The map PNG comes from a decimated read: its size is set by the picture, not by the grid."""

from __future__ import annotations

from pathlib import Path

import dask.array as da
import matplotlib.image as mpimg
import numpy as np

from cajad.minerals import Grid, write_geotiff
from cajad.minerals.blockwise import read_decimated
from cajad.minerals.plots import plot_map


def _png_of_grid(tmp_path: Path, side: int) -> tuple[int, ...]:
    grid = Grid.from_bounds(0, 0, 60_000, 60_000, resolution=60_000 / side, crs="EPSG:32642")
    r, c = da.meshgrid(
        da.arange(side, chunks=512, dtype=np.float32),
        da.arange(side, chunks=512, dtype=np.float32),
        indexing="ij",
    )
    tif = write_geotiff(r + c, grid, tmp_path / f"m{side}.tif")
    picture = read_decimated(tif, max_side=300)
    assert max(picture.shape) <= 300 and np.isfinite(picture).all()
    png = plot_map(picture, grid, tmp_path / f"m{side}.png", title=f"{side} cells a side")
    return tuple(mpimg.imread(png).shape)


def test_png_size_does_not_grow_with_the_grid(tmp_path: Path) -> None:
    assert _png_of_grid(tmp_path, 600) == _png_of_grid(tmp_path, 2400)
