"""The raster grid every evidence layer is aligned to: CRS, affine transform and shape."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from numpy.typing import ArrayLike, NDArray
from rasterio.crs import CRS
from rasterio.errors import RasterioError

from cajad.minerals.errors import EvidenceError, GridMismatchError

__all__ = ["Grid"]


@dataclass(frozen=True)
class Grid:
    """A north-up raster grid.

    Parameters
    ----------
    crs : rasterio.crs.CRS
        Coordinate reference system; should be projected (metres) for distances and areas.
    transform : affine.Affine
        Pixel (col, row) to CRS (x, y) of the upper-left corner of a cell.
    width, height : int
        Columns and rows.
    """

    crs: CRS
    transform: Affine
    width: int
    height: int

    @classmethod
    def from_bounds(
        cls,
        left: float,
        bottom: float,
        right: float,
        top: float,
        *,
        resolution: float,
        crs: CRS | str,
    ) -> Grid:
        """The grid of square ``resolution`` cells (CRS units) covering the bounds."""
        if resolution <= 0:
            raise EvidenceError(f"`resolution` must be positive; got {resolution}")
        width = max(1, math.ceil((right - left) / resolution))
        height = max(1, math.ceil((top - bottom) / resolution))
        transform = Affine(resolution, 0.0, left, 0.0, -resolution, top)
        return cls(CRS.from_user_input(crs), transform, width, height)

    @classmethod
    def from_raster(cls, path: str | Path) -> Grid:
        """The grid of a raster file."""
        try:
            with rasterio.open(path) as src:
                return cls(src.crs, src.transform, src.width, src.height)
        except RasterioError as exc:
            raise EvidenceError(f"cannot read raster {path}: {exc}") from exc

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return (self.height, self.width)

    @property
    def resolution(self) -> tuple[float, float]:
        """Cell size (x, y) in CRS units, both positive."""
        return (abs(self.transform.a), abs(self.transform.e))

    @property
    def cell_area(self) -> float:
        """Area of one cell in square CRS units (m² for a metric CRS)."""
        rx, ry = self.resolution
        return rx * ry

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) in CRS units."""
        left, top = self.transform.c, self.transform.f
        rx, ry = self.resolution
        return (left, top - ry * self.height, left + rx * self.width, top)

    def rowcol(self, x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Row and column of the cell holding each point (may fall outside the grid)."""
        inv = ~self.transform
        xs, ys = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        cols = np.floor(inv.a * xs + inv.b * ys + inv.c).astype(np.int64)
        rows = np.floor(inv.d * xs + inv.e * ys + inv.f).astype(np.int64)
        return rows, cols

    def contains(self, rows: NDArray[np.int64], cols: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Whether each (row, col) lies on the grid."""
        return (rows >= 0) & (rows < self.height) & (cols >= 0) & (cols < self.width)

    def xy(
        self, rows: ArrayLike, cols: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """CRS coordinates of the centres of cells."""
        r = np.asarray(rows, dtype=np.float64) + 0.5
        c = np.asarray(cols, dtype=np.float64) + 0.5
        t = self.transform
        return t.a * c + t.b * r + t.c, t.d * c + t.e * r + t.f

    def coords(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Cell-centre x of each column, shape (width,), and y of each row, shape (height,)."""
        x, _ = self.xy(np.zeros(self.width), np.arange(self.width))
        _, y = self.xy(np.arange(self.height), np.zeros(self.height))
        return x, y

    def check_same(self, other: Grid, what: str = "layer") -> None:
        """Raise :class:`GridMismatchError` unless ``other`` is this grid."""
        same = (
            self.shape == other.shape
            and self.crs == other.crs
            and self.transform.almost_equals(other.transform)
        )
        if not same:
            raise GridMismatchError(f"{what} is not on the grid {self}; got {other}")
