"""Fixtures of the minerals tests: the GA Cloncurry and EIS benchmark data shipped in ``data/``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
from numpy.typing import NDArray

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
