"""Where a run's targets are, in a geologist's terms: longitude and latitude, the country
(Natural Earth, bundled) and the nearest known mineral site (the bundled sites), and the run's
extent in longitude and latitude for a map.

Everything here reads what a recorded run keeps (its targets GeoJSON, in EPSG:4326, and the
grid of its run file) or the bundled data; nothing reads the run folder.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any, Final

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape

from cajad.data import country_outlines
from cajad.minerals.sites import load_sites

__all__ = ["TargetPlace", "grid_extent", "map_box", "place_targets", "targets_csv"]

_EARTH_KM: Final = 6371.0088


@dataclass(frozen=True)
class TargetPlace:
    """One ranked target where it is: a point inside it (``lon``, ``lat``, degrees WGS 84), the
    country holding that point, and the nearest bundled mineral site with its distance (km)."""

    rank: int
    lon: float
    lat: float
    country_code: str | None
    country: str | None
    nearest_site: str | None
    nearest_site_type: str | None
    nearest_site_km: float | None
    area_km2: float
    mean_score: float
    mean_uncertainty: float | None
    known_deposits: int
    contributions: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def place_targets(targets_geojson: str) -> list[TargetPlace]:
    """The targets of a run's ``targets.geojson`` (EPSG:4326), ranked, each placed."""
    features = json.loads(targets_geojson).get("features", [])
    placed = []
    for feature in features:
        props = feature.get("properties") or {}
        point = shape(feature["geometry"]).representative_point()
        code, name = _country(point.x, point.y)
        site, kind, km = _nearest_site(point.x, point.y)
        placed.append(
            TargetPlace(
                rank=int(props.get("rank", 0)),
                lon=round(point.x, 4),
                lat=round(point.y, 4),
                country_code=code,
                country=name,
                nearest_site=site,
                nearest_site_type=kind,
                nearest_site_km=None if km is None else round(km, 1),
                area_km2=float(props.get("area_km2", 0.0)),
                mean_score=float(props.get("mean_score", math.nan)),
                mean_uncertainty=props.get("mean_uncertainty"),
                known_deposits=int(props.get("known_deposits", 0)),
                contributions=dict(props.get("contributions") or {}),
            )
        )
    return sorted(placed, key=lambda t: t.rank)


def targets_csv(targets: list[TargetPlace]) -> str:
    """The placed targets as CSV, one row each (contributions as ``layer=share`` pairs)."""
    buffer = io.StringIO()
    fields = [f for f in TargetPlace.__dataclass_fields__ if f != "contributions"]
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*fields, "contributions"])
    for t in targets:
        row = t.as_dict()
        shares = "; ".join(f"{k}={v:.3f}" for k, v in sorted(t.contributions.items()))
        writer.writerow([*("" if row[f] is None else row[f] for f in fields), shares])
    return buffer.getvalue()


def grid_extent(grid: dict[str, Any]) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) of a run file's ``grid`` (its CRS, affine transform,
    width and height), from its edges densified so that a conic grid's curved edges count."""
    a, b, c, d, e, f = (float(v) for v in grid["transform"][:6])
    width, height = int(grid["width"]), int(grid["height"])
    steps = np.linspace(0.0, 1.0, 33)
    cols = np.r_[steps * width, np.full(33, width), steps[::-1] * width, np.zeros(33)]
    rows = np.r_[np.zeros(33), steps * height, np.full(33, height), steps[::-1] * height]
    x, y = a * cols + b * rows + c, d * cols + e * rows + f
    to_lonlat = Transformer.from_crs(grid["crs"], "EPSG:4326", always_xy=True)
    lon, lat = to_lonlat.transform(x, y)
    return float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat))


def map_box(grid: dict[str, Any]) -> tuple[float, float, float, float]:
    """The lon/lat box a run's map shows: its :func:`grid_extent` with a 4 % margin."""
    lon_min, lat_min, lon_max, lat_max = grid_extent(grid)
    dx, dy = (lon_max - lon_min) * 0.04, (lat_max - lat_min) * 0.04
    return (
        round(lon_min - dx, 3),
        round(max(lat_min - dy, -89.0), 3),
        round(lon_max + dx, 3),
        round(min(lat_max + dy, 89.0), 3),
    )


def _country(lon: float, lat: float) -> tuple[str | None, str | None]:
    point = shapely.Point(lon, lat)
    tree, codes = _country_index()
    hits = tree.query(point, predicate="intersects")
    if len(hits) == 0:
        return None, None
    return codes[int(hits[0])]


@lru_cache(maxsize=1)
def _country_index() -> tuple[shapely.STRtree, list[tuple[str, str]]]:
    shapes, codes = [], []
    for code, name, polygons in country_outlines():
        shapes.append(shapely.MultiPolygon([(p[0], p[1:]) for p in polygons]))
        codes.append((code, name))
    return shapely.STRtree(shapes), codes


def _nearest_site(lon: float, lat: float) -> tuple[str | None, str | None, float | None]:
    names, kinds, lons, lats = _sites()
    if not names:
        return None, None, None
    km = _haversine_km(lon, lat, lons, lats)
    i = int(np.argmin(km))
    return names[i], kinds[i], float(km[i])


@lru_cache(maxsize=1)
def _sites() -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    sites = load_sites()
    return (
        [str(n) for n in sites["name"]],
        [str(s) for s in sites["system"]],
        sites["lon"].to_numpy(dtype=float),
        sites["lat"].to_numpy(dtype=float),
    )


def _haversine_km(lon: float, lat: float, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    p1, p2 = math.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons - lon)
    h = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * _EARTH_KM * np.arcsin(np.sqrt(h)))
