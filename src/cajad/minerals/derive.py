"""Layers derived from evidence: potential-field derivatives and distances to linear features.

Grids are 2-D arrays of one layer on a north-up grid of square cells ``resolution`` CRS units
wide; NaN is nodata and stays nodata in the result.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

__all__ = ["distance_to_features", "gradient_magnitude", "tilt_derivative"]


def _filled(field: NDArray[np.floating]) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """The field with nodata set to its mean (so derivatives stay finite), and the nodata mask."""
    f = np.asarray(field, dtype=np.float64)
    missing = ~np.isfinite(f)
    mean = float(np.nanmean(f)) if (~missing).any() else 0.0
    return np.where(missing, mean, f), missing


def gradient_magnitude(
    field: NDArray[np.floating], *, resolution: float = 1.0
) -> NDArray[np.float64]:
    """Horizontal gradient magnitude ``sqrt((df/dx)² + (df/dy)²)``, field units per CRS unit."""
    f, missing = _filled(field)
    gy, gx = np.gradient(f, resolution)
    return np.where(missing, np.nan, np.hypot(gx, gy))


def tilt_derivative(field: NDArray[np.floating], *, resolution: float = 1.0) -> NDArray[np.float64]:
    """Tilt derivative ``atan2(df/dz, |grad_h f|)`` (Miller and Singh 1994), radians in
    [-pi/2, pi/2]: positive over sources, zero near their edges. The vertical derivative is taken
    in the wavenumber domain (multiplication by |k|)."""
    f, missing = _filled(field)
    ky = np.fft.fftfreq(f.shape[0], d=resolution)
    kx = np.fft.fftfreq(f.shape[1], d=resolution)
    k = 2 * np.pi * np.hypot(ky[:, None], kx[None, :])
    dz = np.real(np.fft.ifft2(np.fft.fft2(f - f.mean()) * k))
    gy, gx = np.gradient(f, resolution)
    return np.where(missing, np.nan, np.arctan2(dz, np.hypot(gx, gy)))


def distance_to_features(
    features: NDArray[np.bool_], *, resolution: float = 1.0
) -> NDArray[np.float64]:
    """Distance (CRS units) from every cell to the nearest cell marked True (a fault, a contact)."""
    mask = np.asarray(features, dtype=bool)
    if not mask.any():
        return np.full(mask.shape, np.inf)
    return np.asarray(ndimage.distance_transform_edt(~mask), dtype=np.float64) * resolution
