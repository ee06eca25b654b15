"""Layers derived from evidence: potential-field derivatives, distances to linear features and
contacts, feature density; and derived layers asked for by name (:class:`Derivation`).

Grids are 2-D arrays of one layer on a north-up grid of square cells ``resolution`` CRS units
wide; NaN is nodata and stays nodata in the result.

A derivation is named ``OP:LAYER[:RADIUS][=NAME]``:

============  ==========================================  ===========================
``OP``        the derived layer                           default name
============  ==========================================  ===========================
gradient      horizontal gradient magnitude of LAYER      ``LAYER_gradient``
tilt          tilt derivative of LAYER (radians)          ``LAYER_tilt``
distance      distance to cells where LAYER > 0 (CRS u.)  ``LAYER_distance``
contacts      distance to contacts between LAYER's units  ``LAYER_contact_distance``
density       share of cells within RADIUS (CRS units,    ``LAYER_density``
              default 10 cells) where LAYER > 0
============  ==========================================  ===========================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage, signal

from cajad.minerals.errors import EvidenceError
from cajad.minerals.stack import EvidenceStack

__all__ = [
    "DERIVATIONS",
    "Derivation",
    "contacts",
    "derive_stack",
    "distance_to_features",
    "feature_density",
    "gradient_magnitude",
    "tilt_derivative",
]


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


def contacts(units: NDArray[np.floating]) -> NDArray[np.bool_]:
    """Cells on a contact: a neighbour (right or below) holds another unit (nodata is none)."""
    u = np.asarray(units, dtype=np.float64)
    edge = np.zeros(u.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        down = (u[:-1] != u[1:]) & np.isfinite(u[:-1]) & np.isfinite(u[1:])
        right = (u[:, :-1] != u[:, 1:]) & np.isfinite(u[:, :-1]) & np.isfinite(u[:, 1:])
    edge[:-1] |= down
    edge[:, :-1] |= right
    return edge


def feature_density(
    features: NDArray[np.bool_], *, radius: float, resolution: float = 1.0
) -> NDArray[np.float64]:
    """Share of the cells within ``radius`` (CRS units) of each cell that are features (0..1);
    cells beyond the grid's edge count as not features."""
    r = max(round(radius / resolution), 1)
    y, x = np.mgrid[-r : r + 1, -r : r + 1]
    disk = (np.hypot(y, x) <= r).astype(np.float64)
    counts = signal.fftconvolve(np.asarray(features, dtype=np.float64), disk, mode="same")
    return np.asarray(np.clip(counts, 0.0, None) / disk.sum(), dtype=np.float64)


def _present(a: NDArray[np.float64]) -> NDArray[np.bool_]:
    with np.errstate(invalid="ignore"):
        return np.isfinite(a) & (a > 0)


Op = Callable[[NDArray[np.float64], float, "float | None"], NDArray[np.float64]]
DERIVATIONS: Final[dict[str, tuple[str, Op]]] = {
    "gradient": ("gradient", lambda a, res, _: gradient_magnitude(a, resolution=res)),
    "tilt": ("tilt", lambda a, res, _: tilt_derivative(a, resolution=res)),
    "distance": ("distance", lambda a, res, _: distance_to_features(_present(a), resolution=res)),
    "contacts": (
        "contact_distance",
        lambda a, res, _: distance_to_features(contacts(a), resolution=res),
    ),
    "density": (
        "density",
        lambda a, res, r: feature_density(_present(a), radius=r or 10 * res, resolution=res),
    ),
}
_SPEC: Final = re.compile(r"^(?P<op>[a-z]+):(?P<layer>[^:=]+)(?::(?P<radius>[0-9.eE+]+))?"
                          r"(?:=(?P<name>[A-Za-z0-9_.-]+))?$")  # fmt: skip


@dataclass(frozen=True)
class Derivation:
    """A derived layer asked for by name (see the module docstring): ``op`` of ``source``,
    written as ``name``; ``radius`` (CRS units) for ``density``."""

    op: str
    source: str
    name: str
    radius: float | None = None
    recipe: str = ""

    @classmethod
    def parse(cls, text: str) -> Derivation:
        """``OP:LAYER[:RADIUS][=NAME]``, e.g. ``gradient:magnetic`` or ``density:faults:2000``."""
        m = _SPEC.match(text.strip())
        if m is None or m["op"] not in DERIVATIONS:
            raise EvidenceError(
                f"a derived layer must read OP:LAYER[:RADIUS][=NAME] with OP one of "
                f"{', '.join(DERIVATIONS)}; got {text!r}"
            )
        if m["radius"] is not None and m["op"] != "density":
            raise EvidenceError(f"only density takes a radius; got {text!r}")
        radius = float(m["radius"]) if m["radius"] else None
        if radius is not None and not radius > 0:
            raise EvidenceError(f"a density radius must be positive; got {text!r}")
        name = m["name"] or f"{m['layer']}_{DERIVATIONS[m['op']][0]}"
        return cls(m["op"], m["layer"], name, radius, text.strip())

    def compute(self, source: NDArray[np.floating], *, resolution: float) -> NDArray[np.float64]:
        """The derived layer of a (height, width) source grid."""
        return DERIVATIONS[self.op][1](np.asarray(source, np.float64), resolution, self.radius)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready record (recipe, operation, source layer, name, radius)."""
        return {
            "name": self.name,
            "recipe": self.recipe,
            "op": self.op,
            "source": self.source,
            "radius": self.radius,
        }


def derive_stack(
    stack: EvidenceStack, recipes: Sequence[str | Derivation], *, chunks: int = 1024
) -> tuple[EvidenceStack, dict[str, NDArray[np.float64]], list[Derivation]]:
    """``stack`` with the derived layers of ``recipes`` appended (measured layers), the derived
    grids by name, and the parsed derivations.

    Each source layer is read whole (distances and the tilt derivative need the whole grid), so
    the grid must fit in memory. A derived value is NaN where every original layer is nodata
    (outside the study area).
    """
    found = [r if isinstance(r, Derivation) else Derivation.parse(r) for r in recipes]
    names = list(stack.layers)
    for d in found:
        if d.source not in names:
            raise EvidenceError(
                f"derived layer {d.recipe!r}: no evidence layer {d.source!r}; "
                f"layers: {', '.join(names)}"
            )
        if d.name in names:
            raise EvidenceError(f"derived layer {d.recipe!r}: a layer {d.name!r} exists already")
        names.append(d.name)
    if not found:
        return stack, {}, []
    resolution = float(min(stack.grid.resolution))
    outside = ~np.asarray(np.isfinite(stack.data.data).any(axis=0))
    derived = {}
    for d in found:
        source = np.asarray(stack.data.sel(layer=d.source).data, dtype=np.float64)
        derived[d.name] = np.where(outside, np.nan, d.compute(source, resolution=resolution))
    layers: dict[str, Any] = {n: stack.data.sel(layer=n).data for n in stack.layers} | derived
    new = EvidenceStack.from_arrays(
        layers, stack.grid, categorical=sorted(stack.categorical), chunks=chunks
    )
    return new, derived, found
