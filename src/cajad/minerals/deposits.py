"""Known deposits and occurrences: read points (CSV, GeoJSON, GeoPackage) and put them on a grid."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from pyproj.exceptions import CRSError

from cajad.minerals.errors import DepositsError
from cajad.minerals.grid import Grid

__all__ = ["Points", "read_points"]

_LON = ("lon", "longitude", "long", "x")
_LAT = ("lat", "latitude", "y")


@dataclass(frozen=True)
class Points:
    """Points with attributes.

    Parameters
    ----------
    x, y : ndarray, shape (n,)
        Coordinates in ``crs`` units (degrees for EPSG:4326: x is longitude).
    crs : str
        Any CRS pyproj understands (``"EPSG:4326"``, WKT).
    attributes : pandas.DataFrame
        One row per point.
    """

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    crs: str
    attributes: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __len__(self) -> int:
        return int(self.x.size)

    def to_crs(self, crs: object) -> Points:
        """The same points in another CRS."""
        try:
            target = pyproj.CRS.from_user_input(crs)
            transformer = Transformer.from_crs(
                pyproj.CRS.from_user_input(self.crs), target, always_xy=True
            )
        except CRSError as exc:
            raise DepositsError(
                f"cannot transform deposits from {self.crs} to {crs}: {exc}"
            ) from exc
        x, y = transformer.transform(self.x, self.y)
        return Points(np.asarray(x), np.asarray(y), target.to_wkt(), self.attributes)

    def cells(self, grid: Grid) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Row and column of each point on ``grid`` (reprojected); points off the grid dropped."""
        pts = self.to_crs(grid.crs.to_wkt())
        rows, cols = grid.rowcol(pts.x, pts.y)
        inside = grid.contains(rows, cols)
        return rows[inside], cols[inside]


def read_points(
    path: str | Path, *, crs: str | None = None, x: str | None = None, y: str | None = None
) -> Points:
    """Read deposit points from CSV (lon/lat or named columns), GeoJSON or GeoPackage.

    Parameters
    ----------
    path : str or Path
        ``.csv``, ``.geojson``/``.json`` or ``.gpkg`` (first point layer).
    crs : str, optional
        CRS of the coordinates; defaults to EPSG:4326 for CSV and GeoJSON (RFC 7946) and to the
        layer's CRS for GeoPackage.
    x, y : str, optional
        CSV columns of the coordinates; default ``lon``/``lat`` (or ``longitude``/``latitude``).

    Returns
    -------
    Points

    Raises
    ------
    DepositsError
        If the file is missing, of an unknown kind, or has no usable points.
    """
    p = Path(path)
    if not p.is_file():
        raise DepositsError(f"deposits file not found: {p}")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        points = _read_csv(p, crs or "EPSG:4326", x, y)
    elif suffix in (".geojson", ".json"):
        points = _read_geojson(p, crs or "EPSG:4326")
    elif suffix == ".gpkg":
        points = _read_gpkg(p, crs)
    else:
        raise DepositsError(f"deposits must be .csv, .geojson or .gpkg; got {p.name}")
    if len(points) == 0:
        raise DepositsError(f"no deposit points with coordinates in {p}")
    return points


def _pick(columns: pd.Index, wanted: str | None, names: tuple[str, ...], path: Path) -> str:
    if wanted is not None:
        if wanted not in columns:
            raise DepositsError(f"{path}: column `{wanted}` not found; columns are {list(columns)}")
        return wanted
    lower = {str(c).lower(): str(c) for c in columns}
    for name in names:
        if name in lower:
            return lower[name]
    raise DepositsError(f"{path}: no coordinate column among {names}; columns are {list(columns)}")


def _read_csv(path: Path, crs: str, x: str | None, y: str | None) -> Points:
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise DepositsError(f"cannot read {path}: {exc}") from exc
    xc, yc = _pick(frame.columns, x, _LON, path), _pick(frame.columns, y, _LAT, path)
    xs = pd.to_numeric(frame[xc], errors="coerce").to_numpy(dtype=np.float64)
    ys = pd.to_numeric(frame[yc], errors="coerce").to_numpy(dtype=np.float64)
    ok = np.isfinite(xs) & np.isfinite(ys)
    return Points(xs[ok], ys[ok], crs, frame.loc[ok].reset_index(drop=True))


def _read_geojson(path: Path, crs: str) -> Points:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DepositsError(f"cannot read {path}: {exc}") from exc
    features = data.get("features", []) if isinstance(data, dict) else []
    xs, ys, rows = [], [], []
    for feature in features:
        geom = feature.get("geometry") or {}
        if geom.get("type") != "Point":
            continue
        xs.append(float(geom["coordinates"][0]))
        ys.append(float(geom["coordinates"][1]))
        rows.append(feature.get("properties") or {})
    return Points(np.array(xs), np.array(ys), crs, pd.DataFrame(rows))


def _gpkg_wkb(blob: bytes) -> bytes:
    """Strip the GeoPackage geometry header (magic, flags, SRS id, envelope) off a blob."""
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 0b111]
    return blob[8 + envelope :]


def _read_gpkg(path: Path, crs: str | None) -> Points:
    try:
        # sqlite3's own context manager only ends the transaction: closing() closes the file.
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
            table, column, srs = con.execute(
                "SELECT g.table_name, g.column_name, g.srs_id FROM gpkg_geometry_columns g "
                "WHERE g.geometry_type_name IN ('POINT', 'MULTIPOINT') LIMIT 1"
            ).fetchone()
            wkt = con.execute(
                "SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?", (srs,)
            ).fetchone()[0]
            quoted = '"' + str(table).replace('"', '""') + '"'
            frame = pd.read_sql_query(f"SELECT * FROM {quoted}", con)
    except (sqlite3.Error, TypeError) as exc:
        raise DepositsError(f"cannot read GeoPackage {path}: {exc}") from exc
    geoms = shapely.from_wkb([_gpkg_wkb(b) for b in frame.pop(column)])
    centre = shapely.centroid(geoms)
    return Points(shapely.get_x(centre), shapely.get_y(centre), crs or wkt, frame)
