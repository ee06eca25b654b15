"""Errors of :mod:`cajad.minerals`, in the words of prospectivity mapping.

::

    CajadError
    └── MineralsError
        ├── EvidenceError (ValueError)        an evidence layer cannot be read, aligned or used
        │   └── GridMismatchError             layers or points are not on one grid
        ├── DepositsError (ValueError)        the known deposits cannot be read or are unusable
        ├── WeightsError (ValueError)         weights of evidence cannot be computed as asked
        └── ValidationSetupError (ValueError) cross-validation cannot be set up on these data

Foreign errors (rasterio, pyproj, sqlite3) are translated at the boundary and chained.
"""

from __future__ import annotations

from cajad.errors import CajadError

__all__ = [
    "DepositsError",
    "EvidenceError",
    "GridMismatchError",
    "MineralsError",
    "ValidationSetupError",
    "WeightsError",
]


class MineralsError(CajadError):
    """Base class of every error raised by :mod:`cajad.minerals`."""


class EvidenceError(MineralsError, ValueError):
    """An evidence layer cannot be read, aligned or used."""


class GridMismatchError(EvidenceError):
    """Layers, masks or points are not on the same grid."""


class DepositsError(MineralsError, ValueError):
    """The known deposits cannot be read, or are unusable as training labels."""


class WeightsError(MineralsError, ValueError):
    """Weights of evidence cannot be computed with these data or settings."""


class ValidationSetupError(MineralsError, ValueError):
    """Cross-validation cannot be set up (too few deposits or blocks, for example)."""
