"""A run's map as the run page draws it: an SVG in longitude and latitude.

The prospectivity raster, reprojected to EPSG:4326 (``map-lonlat.png`` of
:mod:`cajad.web.minerals_api`), lies under the bundled Natural Earth borders and country names,
drawn with :class:`cajad.web.country_map.Frame` as the dashboard draws its map, a graticule
labelled in degrees, and the ranked targets (their WGS 84 polygons) numbered. This module only
computes paths and words; ``templates/minerals_run.html`` writes the SVG.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import box as shapely_box
from shapely.geometry import shape

from cajad.data import country_outlines
from cajad.minerals.places import map_box
from cajad.minerals.store import ProspectivityRun
from cajad.web.country_map import Frame

__all__ = ["RunMap", "run_map"]

WIDTH = 720
#: Targets numbered on the map (all are outlined).
NUMBERED = 20


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float


@dataclass(frozen=True)
class RunMap:
    width: int
    height: int
    box: tuple[float, float, float, float]
    borders: list[tuple[str, str, str]]
    names: list[Label]
    lon_ticks: list[Label]
    lat_ticks: list[Label]
    graticule: list[str]
    targets: list[tuple[int, str]]
    target_labels: list[Label]


def run_map(run: ProspectivityRun) -> RunMap:
    """The run's map: the box of its grid, borders, names, graticule and targets."""
    box = map_box(run.run_file["grid"])
    frame = Frame(box, WIDTH)
    lon_ticks, lat_ticks, graticule = _graticule(frame)
    targets, target_labels = _targets(frame, run.targets_geojson)
    return RunMap(
        width=WIDTH,
        height=math.ceil(frame.height),
        box=box,
        borders=frame.outlines(),
        names=_names(frame),
        lon_ticks=lon_ticks,
        lat_ticks=lat_ticks,
        graticule=graticule,
        targets=targets,
        target_labels=target_labels,
    )


def _step(span: float) -> float:
    """A round graticule step giving three to eight lines across ``span`` degrees."""
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30):
        if span / step <= 8:
            return float(step)
    return 45.0


def _graticule(frame: Frame) -> tuple[list[Label], list[Label], list[str]]:
    lon_min, lat_min, lon_max, lat_max = frame.box
    step = _step(max(lon_max - lon_min, lat_max - lat_min))
    lons = [i * step for i in range(math.ceil(lon_min / step), math.floor(lon_max / step) + 1)]
    lats = [i * step for i in range(math.ceil(lat_min / step), math.floor(lat_max / step) + 1)]
    height = frame.height
    lon_ticks, lat_ticks, lines = [], [], []
    for lon in lons:
        x, _ = frame.project(lon, lat_max)
        lon_ticks.append(Label(_degrees(lon, "E", "W"), round(x, 1), round(height, 1)))
        lines.append(f"M{x:.1f} 0V{height:.1f}")
    for lat in lats:
        _, y = frame.project(lon_min, lat)
        lat_ticks.append(Label(_degrees(lat, "N", "S"), 0.0, round(y, 1)))
        lines.append(f"M0 {y:.1f}H{frame.width:.1f}")
    return lon_ticks, lat_ticks, lines


def _degrees(value: float, positive: str, negative: str) -> str:
    text = f"{abs(value):.1f}".removesuffix(".0")
    return f"{text}°{positive if value >= 0 else negative}"


def _names(frame: Frame) -> list[Label]:
    """Each country's name at a point inside its part of the box (large enough parts only)."""
    area = shapely_box(*frame.box)
    labels = []
    for _code, name, polygons in country_outlines():
        shown = shapely.MultiPolygon([(p[0], p[1:]) for p in polygons]).intersection(area)
        if shown.is_empty or shown.area < area.area * 0.01:
            continue
        point = shown.representative_point()
        x, y = frame.project(point.x, point.y)
        labels.append(Label(name, round(x, 1), round(y, 1)))
    return labels


def _targets(frame: Frame, geojson: str) -> tuple[list[tuple[int, str]], list[Label]]:
    outlines, labels = [], []
    for feature in json.loads(geojson).get("features", []):
        rank = int((feature.get("properties") or {}).get("rank", 0))
        geometry: Any = shape(feature["geometry"])
        parts = getattr(geometry, "geoms", [geometry])
        path = "".join(frame.path(list(part.exterior.coords)) for part in parts)
        outlines.append((rank, path))
        if rank <= NUMBERED:
            point = geometry.representative_point()
            x, y = frame.project(point.x, point.y)
            labels.append(Label(str(rank), round(x, 1), round(y, 1)))
    return outlines, labels
