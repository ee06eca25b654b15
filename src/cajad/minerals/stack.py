"""The evidence stack: layers aligned to one grid as a chunked (dask) xarray, read and written
window by window so that grids larger than memory work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import dask.array as da
import numpy as np
import rasterio
import xarray as xr
from numpy.typing import NDArray
from rasterio.enums import Resampling
from rasterio.errors import RasterioError
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window

from cajad.minerals.blockwise import compute_all, delayed_blocks
from cajad.minerals.errors import EvidenceError
from cajad.minerals.grid import Grid

__all__ = ["EvidenceStack", "read_aligned", "read_evidence_dir", "write_geotiff"]

DEFAULT_CHUNK = 1024


def _read_block(
    path: str, grid: Grid, window: Window, resampling: Resampling, band: int
) -> NDArray[np.float32]:
    with rasterio.open(path) as src:
        nodata = src.nodata
        same = src.crs == grid.crs and src.transform.almost_equals(grid.transform)
        if same and src.shape == grid.shape:
            a = src.read(band, window=window, masked=True)
        else:
            with WarpedVRT(
                src,
                crs=grid.crs,
                transform=grid.transform,
                width=grid.width,
                height=grid.height,
                resampling=resampling,
                src_nodata=nodata,
                nodata=nodata if nodata is not None else np.nan,
            ) as vrt:
                a = vrt.read(band, window=window, masked=True)
    out = np.ma.filled(a.astype(np.float32), np.nan)
    return np.asarray(out, dtype=np.float32)


def read_aligned(
    path: str | Path,
    grid: Grid,
    *,
    resampling: Resampling | None = None,
    band: int = 1,
    chunks: int = DEFAULT_CHUNK,
) -> da.Array:
    """A raster band resampled onto ``grid``, lazily, as a dask array of float32 (nodata → NaN).

    Parameters
    ----------
    path : str or Path
        Any raster rasterio reads, in any CRS (it is warped on the fly).
    grid : Grid
        Target grid.
    resampling : rasterio.enums.Resampling, optional
        Default: nearest for integer rasters (classes), bilinear for floating point ones.
    chunks : int
        Chunk side in cells.

    Returns
    -------
    dask.array.Array, shape ``grid.shape``
    """
    try:
        with rasterio.open(path) as src:
            if src.crs is None:
                raise EvidenceError(f"{path} has no CRS; evidence layers must carry one")
            integer = np.issubdtype(np.dtype(src.dtypes[band - 1]), np.integer)
    except RasterioError as exc:
        raise EvidenceError(f"cannot read evidence raster {path}: {exc}") from exc
    if resampling is None:
        resampling = Resampling.nearest if integer else Resampling.bilinear
    rows = _splits(grid.height, chunks)
    cols = _splits(grid.width, chunks)
    blocks = [
        [
            da.from_delayed(  # type: ignore[no-untyped-call]
                _delayed_block(str(path), grid, Window(c0, r0, c1 - c0, r1 - r0), resampling, band),
                shape=(r1 - r0, c1 - c0),
                dtype=np.float32,
            )
            for c0, c1 in cols
        ]
        for r0, r1 in rows
    ]
    return cast(da.Array, da.block(blocks))  # type: ignore[no-untyped-call]


def _delayed_block(path: str, grid: Grid, window: Window, resampling: Resampling, band: int) -> Any:
    from dask.delayed import delayed

    return delayed(_read_block)(path, grid, window, resampling, band)


def _splits(n: int, size: int) -> list[tuple[int, int]]:
    return [(i, min(i + size, n)) for i in range(0, n, size)]


@dataclass(frozen=True)
class EvidenceStack:
    """Evidence layers on one grid.

    Parameters
    ----------
    data : xarray.DataArray, dims ("layer", "y", "x")
        float32, NaN where a layer has no data; usually dask-backed, one chunk along ``layer``.
    grid : Grid
        The grid of ``data`` (its CRS is the stack's CRS).
    categorical : frozenset of str
        Layers whose values are class codes rather than measurements.
    """

    data: xr.DataArray
    grid: Grid
    categorical: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_arrays(
        cls,
        layers: dict[str, Any],
        grid: Grid,
        *,
        categorical: Sequence[str] = (),
        chunks: int = DEFAULT_CHUNK,
    ) -> EvidenceStack:
        """Stack 2-D arrays (NumPy or dask) of shape ``grid.shape``."""
        arrays = []
        for name, a in layers.items():
            if tuple(a.shape) != grid.shape:
                raise EvidenceError(f"layer {name} has shape {a.shape}; the grid is {grid.shape}")
            arrays.append(da.asarray(a, chunks=chunks).astype(np.float32))  # type: ignore[no-untyped-call]
        x, y = grid.coords()
        data = xr.DataArray(
            da.stack(arrays).rechunk({0: -1}),  # type: ignore[no-untyped-call]
            dims=("layer", "y", "x"),
            coords={"layer": list(layers), "y": y, "x": x},
        )
        return cls(data, grid, frozenset(categorical))

    @property
    def layers(self) -> list[str]:
        """Layer names, in order."""
        return [str(v) for v in self.data["layer"].values]

    def valid(self) -> da.Array:
        """Cells where every layer has data, shape ``grid.shape`` (lazy)."""
        return cast(da.Array, da.isfinite(self.data.data).all(axis=0))

    def values_at(self, rows: NDArray[np.int64], cols: NDArray[np.int64]) -> NDArray[np.float64]:
        """Layer values at cells, shape (n, n_layers)."""
        if rows.size == 0:
            return np.empty((0, len(self.layers)))
        if isinstance(self.data.data, da.Array):
            # dask puts the point axis first: (n, n_layers)
            return np.asarray(self.data.data.vindex[:, rows, cols].compute(), dtype=np.float64)
        return np.asarray(self.data.values[:, rows, cols], dtype=np.float64).T

    def standardized(self) -> EvidenceStack:
        """Each measured layer to zero mean and unit variance over the grid (classes unchanged)."""
        arr = self.data.data
        mean = da.nanmean(arr, axis=(1, 2))
        std = da.nanstd(arr, axis=(1, 2))
        mean, std = da.compute(mean, std)  # type: ignore[no-untyped-call]
        keep = np.array([name in self.categorical for name in self.layers])
        mean = np.where(keep, 0.0, mean).astype(np.float32)
        std = np.where(keep | (std == 0), 1.0, std).astype(np.float32)
        out = (arr - mean[:, None, None]) / std[:, None, None]
        return EvidenceStack(self.data.copy(data=out), self.grid, self.categorical)


def read_evidence_dir(
    folder: str | Path, *, grid: Grid | None = None, chunks: int = DEFAULT_CHUNK
) -> EvidenceStack:
    """Every GeoTIFF of a folder, aligned to ``grid`` (default: the first file's grid).

    Integer rasters with at most 255 distinct codes in their first block are taken as categorical.
    Layer names are the file stems.
    """
    paths = sorted(Path(folder).glob("*.tif")) + sorted(Path(folder).glob("*.tiff"))
    if not paths:
        raise EvidenceError(f"no GeoTIFF evidence layers in {folder}")
    grid = grid or Grid.from_raster(paths[0])
    layers = {p.stem: read_aligned(p, grid, chunks=chunks) for p in paths}
    categorical = [p.stem for p in paths if _looks_categorical(p)]
    return EvidenceStack.from_arrays(layers, grid, categorical=categorical, chunks=chunks)


def _looks_categorical(path: Path) -> bool:
    with rasterio.open(path) as src:
        if not np.issubdtype(np.dtype(src.dtypes[0]), np.integer):
            return False
        tags = src.tags()
        if "CAJAD_KIND" in tags:
            return bool(tags["CAJAD_KIND"] == "categorical")
        block = src.read(1, window=Window(0, 0, min(src.width, 512), min(src.height, 512)))
        return bool(np.unique(block).size <= 255)


def _write_blocks(dst: Any, array: da.Array, batch: int) -> None:
    """Compute ``batch`` blocks at a time (in raster order) with the current dask scheduler and
    write each window here. The open dataset stays in this process, so the same code runs on a
    ``dask.distributed`` cluster; memory holds one batch of blocks."""
    rows = np.r_[0, np.cumsum(array.chunks[0])]
    cols = np.r_[0, np.cumsum(array.chunks[1])]
    blocks = delayed_blocks(array)
    where = [(i, j) for i in range(blocks.shape[0]) for j in range(blocks.shape[1])]
    for k in range(0, len(where), batch):
        part = where[k : k + batch]
        values = compute_all([blocks[i, j] for i, j in part])
        for (i, j), value in zip(part, values, strict=True):
            window = Window(cols[j], rows[i], cols[j + 1] - cols[j], rows[i + 1] - rows[i])
            dst.write(np.asarray(value, dtype=np.float32), 1, window=window)


def write_geotiff(
    array: Any,
    grid: Grid,
    path: str | Path,
    *,
    tags: dict[str, str] | None = None,
    batch: int = 8,
) -> Path:
    """Write a 2-D array (NumPy or dask) as a tiled, compressed float32 GeoTIFF, block by block,
    ``batch`` blocks computed at a time (on a distributed cluster when one is the scheduler).

    NaN is the nodata value. Returns the path written.
    """
    out = Path(path)
    profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": 1,
        "dtype": "float32",
        "crs": grid.crs,
        "transform": grid.transform,
        "nodata": np.nan,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "BIGTIFF": "IF_SAFER",
    }
    try:
        with rasterio.open(out, "w", **profile) as dst:
            if tags:
                dst.update_tags(**tags)
            _write_blocks(dst, da.asarray(array), batch)  # type: ignore[no-untyped-call]
    except RasterioError as exc:
        raise EvidenceError(f"cannot write {out}: {exc}") from exc
    return out
