"""Sensitive-area layers: protected areas, key biodiversity areas, heritage sites, as GeoJSON.

A layer is a GeoJSON ``FeatureCollection`` in WGS 84 (EPSG:4326, longitude first). Each feature
has a ``Point``, ``Polygon`` or ``MultiPolygon`` geometry and the properties ``name`` and
``kind`` (e.g. ``protected_area``, ``key_biodiversity_area``, ``cultural_heritage``). Distances
are in kilometres: great-circle to points, and to polygon edges on a local equirectangular
projection (accurate to well under 1 % at the tens of kilometres screening looks at); a
location inside a polygon is 0 km from it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cajad.screening.errors import LayerError
from cajad.screening.subject import Place, SiteHit

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.radians(EARTH_RADIUS_KM)  # along a meridian (slightly less: a margin)
Ring = list[tuple[float, float]]  # (lon, lat) pairs


@dataclass(frozen=True)
class Feature:
    name: str
    kind: str
    points: tuple[tuple[float, float], ...] = ()
    polygons: tuple[tuple[Ring, ...], ...] = ()  # each: outer ring, then holes
    bbox: tuple[float, float, float, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        xs = [p[0] for p in self.points] + [x for poly in self.polygons for x, _ in poly[0]]
        ys = [p[1] for p in self.points] + [y for poly in self.polygons for _, y in poly[0]]
        object.__setattr__(self, "bbox", (min(xs), min(ys), max(xs), max(ys)))

    def may_be_within(self, place: Place, km: float) -> bool:
        """False when ``place`` is surely farther than ``km`` (bounding box test)."""
        dlat = km / KM_PER_DEGREE + 1e-6
        dlon = km / (KM_PER_DEGREE * max(math.cos(math.radians(abs(place.latitude) + dlat)), 1e-6))
        west, south, east, north = self.bbox
        if not south - dlat <= place.latitude <= north + dlat:
            return False
        return west - dlon <= place.longitude <= east + dlon or east - west > 180 or dlon > 180


@dataclass(frozen=True)
class Layer:
    """A named set of sensitive features; ``label`` (name and digest) is recorded as an input."""

    name: str
    digest: str
    features: tuple[Feature, ...]

    @property
    def label(self) -> str:
        return f"{self.name} (sha256 {self.digest[:12]})"

    def hits(self, places: Iterable[Place], within_km: float) -> tuple[SiteHit, ...]:
        """Every (place, feature) pair closer than ``within_km``, distances rounded to 10 m."""
        found = []
        for place in places:
            for feature in self.features:
                if not feature.may_be_within(place, within_km):
                    continue
                distance = _distance(place, feature)
                if distance <= within_km:
                    found.append(
                        SiteHit(place.name, feature.name, feature.kind, round(distance, 2))
                    )
        return tuple(found)


def load_layer(path: Path) -> Layer:
    """Read a GeoJSON layer; refuse it, naming the feature and the reason, if malformed."""
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise LayerError(f"{path}: cannot read the layer: {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise LayerError(f"{path}: a layer must be a GeoJSON FeatureCollection")
    features = [
        _feature(f, f"{path}: feature {i}") for i, f in enumerate(data.get("features") or [])
    ]
    return Layer(path.stem, hashlib.sha256(raw).hexdigest(), tuple(features))


def _feature(raw: Any, where: str) -> Feature:
    props = raw.get("properties") if isinstance(raw, dict) else None
    geometry = raw.get("geometry") if isinstance(raw, dict) else None
    if not isinstance(props, dict) or not props.get("name") or not props.get("kind"):
        raise LayerError(f"{where}: properties must give 'name' and 'kind'")
    if not isinstance(geometry, dict):
        raise LayerError(f"{where}: no geometry")
    name, kind = str(props["name"]), str(props["kind"])
    kind_of, coords = geometry.get("type"), geometry.get("coordinates") or ()
    try:
        if kind_of == "Point":
            return Feature(name, kind, points=(_position(coords),))
        if kind_of == "Polygon":
            return Feature(name, kind, polygons=(_polygon(coords),))
        if kind_of == "MultiPolygon":
            return Feature(name, kind, polygons=tuple(_polygon(p) for p in coords))
    except (TypeError, ValueError, IndexError) as exc:
        raise LayerError(f"{where} ({name}): bad coordinates: {exc}") from exc
    raise LayerError(f"{where} ({name}): geometry must be Point, Polygon or MultiPolygon")


def _position(value: Any) -> tuple[float, float]:
    lon, lat = float(value[0]), float(value[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"({lon}, {lat}) is not a WGS 84 longitude, latitude")
    return lon, lat


def _polygon(rings: Any) -> tuple[Ring, ...]:
    result = tuple([_position(p) for p in ring] for ring in rings)
    if not result or any(len(r) < 4 for r in result):
        raise ValueError("a polygon ring needs at least four positions")
    return result


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _distance(place: Place, feature: Feature) -> float:
    best = math.inf
    for lon, lat in feature.points:
        best = min(best, haversine_km(place.latitude, place.longitude, lat, lon))
    for polygon in feature.polygons:
        best = min(best, _to_polygon(place, polygon))
    return best


def _to_polygon(place: Place, rings: Sequence[Ring]) -> float:
    x0, y0 = place.longitude, place.latitude
    if _inside(x0, y0, rings[0]) and not any(_inside(x0, y0, hole) for hole in rings[1:]):
        return 0.0
    scale = math.cos(math.radians(y0))
    km = math.radians(EARTH_RADIUS_KM)  # kilometres per degree of latitude

    def project(lon: float, lat: float) -> tuple[float, float]:
        # Longitudes are unwrapped around the place so that rings across ±180° stay whole.
        dlon = (lon - x0 + 180) % 360 - 180
        return dlon * scale * km, (lat - y0) * km

    best = math.inf
    for ring in rings:
        pts = [project(lon, lat) for lon, lat in ring]
        for (ax, ay), (bx, by) in itertools.pairwise(pts):
            best = min(best, _segment(ax, ay, bx, by))
    return best


def _segment(ax: float, ay: float, bx: float, by: float) -> float:
    """Distance from the origin to the segment AB."""
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
    return math.hypot(ax + t * dx, ay + t * dy)


def _inside(x: float, y: float, ring: Ring) -> bool:
    """Even-odd ray casting."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside
