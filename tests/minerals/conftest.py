"""Fixtures of the minerals tests: the GA Cloncurry and EIS benchmark data shipped in ``data/``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
import typer
from numpy.typing import NDArray
from pyproj import Transformer

from cajad.minerals import Grid, write_geotiff
from cajad.minerals.cli import register

DATA = Path(__file__).parent / "data"
GA = DATA / "ga_cloncurry"
EIS = DATA / "eis_wofe"
GA_BINARY = ("Dist2Breccia", "Dist2Fault", "FaultDensity", "StratNo")


def read_classes(path: Path) -> NDArray[np.float64]:
    """A class raster as float with NaN for nodata."""
    with rasterio.open(path) as src:
        a = src.read(1).astype(np.float64)
        if src.nodata is not None:
            a[a == src.nodata] = np.nan
    return a


@dataclass(frozen=True)
class GaData:
    """GA's deposits on its grid: rows/cols of the 258 points."""

    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    shape: tuple[int, int]

    def design(
        self, layers: list[NDArray[np.float64]]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Presence-background rows: every cell, then every deposit point."""
        cells = np.column_stack([a.ravel() for a in layers])
        points = np.column_stack([a[self.rows, self.cols] for a in layers])
        y = np.r_[np.zeros(len(cells)), np.ones(len(points))]
        return np.vstack([cells, points]), y


@pytest.fixture(scope="session")
def ga() -> GaData:
    with rasterio.open(GA / "evidence_binary" / "StratNo.tif") as src:
        transform, shape = src.transform, src.shape
    deposits = pd.read_csv(GA / "iocg_deposits.csv")
    rows, cols = rasterio.transform.rowcol(transform, deposits.x_epsg7845, deposits.y_epsg7845)
    return GaData(np.asarray(rows), np.asarray(cols), shape)


@pytest.fixture(scope="session")
def ga_binary() -> list[NDArray[np.float64]]:
    return [read_classes(GA / "evidence_binary" / f"{name}.tif") for name in GA_BINARY]


@dataclass(frozen=True)
class World:
    """A synthetic world with a known rule: deposits more likely where ``good`` is high and ``bad``
    low; ``noise`` is smooth but unrelated."""

    layers: dict[str, NDArray[np.float64]]
    rows: NDArray[np.int64]
    cols: NDArray[np.int64]


def make_world(size: int = 120, seed: int = 1, n_noise: int = 1, latent: float = 0.0) -> World:
    from scipy import ndimage

    rng = np.random.default_rng(seed)

    def smooth() -> NDArray[np.float64]:
        f = ndimage.gaussian_filter(rng.standard_normal((size, size)), sigma=6)
        return np.asarray((f - f.mean()) / f.std())

    layers = {"good": smooth(), "bad": smooth()}
    for k in range(n_noise):
        layers[f"noise{k}"] = smooth()
    # ``latent`` weighs an unobserved smooth field: deposits cluster beyond what evidence explains
    logit = -6.5 + 2.0 * layers["good"] - 1.2 * layers["bad"] + latent * smooth()
    hit = rng.random((size, size)) < 1 / (1 + np.exp(-logit))
    rows, cols = np.nonzero(hit)
    return World(layers, rows, cols)


@pytest.fixture(scope="session")
def world() -> World:
    return make_world()


@dataclass(frozen=True)
class WorldFiles:
    """A synthetic world written as a user would hand it over: GeoTIFF evidence and a CSV of
    deposits with lon/lat (UTM 42N grid of 1 km cells)."""

    evidence: Path
    deposits: Path
    grid: Grid
    world: World


def write_world(folder: Path, *, size: int = 100, seed: int = 3) -> WorldFiles:
    """Write ``make_world(size, seed)`` into ``folder/evidence`` and ``folder/deposits.csv``."""
    world = make_world(size=size, seed=seed)
    side = size * 1000
    grid = Grid.from_bounds(
        400_000, 4_500_000, 400_000 + side, 4_500_000 + side, resolution=1000, crs="EPSG:32642"
    )
    evidence = folder / "evidence"
    evidence.mkdir(parents=True, exist_ok=True)
    for name, layer in world.layers.items():
        write_geotiff(layer, grid, evidence / f"{name}.tif")
    x, y = grid.xy(world.rows, world.cols)
    lon, lat = Transformer.from_crs(32642, 4326, always_xy=True).transform(x, y)
    deposits = folder / "deposits.csv"
    lines = [f"d{i},{a},{b}\n" for i, (a, b) in enumerate(zip(lon, lat, strict=True))]
    deposits.write_text("name,lon,lat\n" + "".join(lines))
    return WorldFiles(evidence, deposits, grid, world)


def prospect_app() -> typer.Typer:
    """A root Typer app with only the ``prospect`` group, as ``cajad`` registers it."""
    root = typer.Typer()

    @root.callback()
    def main() -> None:
        """cajad (test root)."""

    register(root)
    return root
