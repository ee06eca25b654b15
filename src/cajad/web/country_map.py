"""The dashboard's map of the five Central Asian states: an SVG drawn on the server.

No tiles, no script and no download: the outlines are the bundled Natural Earth shapes
(``cajad/data/boundaries/countries.geojson``, public domain), clipped to a box around Central
Asia and projected equirectangularly, longitude scaled by the cosine of the box's middle
latitude (distortion under 10 % across the box, which is all a choropleth of five countries
needs). Neighbours are drawn in grey for context. This module only computes paths, colours and
words; ``templates/dashboard.html`` writes the SVG.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from cajad.data import country_outlines
from cajad.register import CENTRAL_ASIAN_COUNTRIES
from cajad.tracker import BreakdownRow
from cajad.web.i18n import gettext as _
from cajad.web.labels import breakdown_key, compact

#: The box shown, in degrees: lon_min, lat_min, lon_max, lat_max (the Caspian to Xinjiang).
BOX = (45.0, 34.5, 89.0, 56.0)
WIDTH = 640
#: A sequential scale (ColorBrewer Greens, the palest dropped: it reads as "nothing").
STEPS = ("#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c")
#: Where each country's label sits (lon, lat), placed by hand inside its outline: centroids
#: of Uzbekistan and Kyrgyzstan fall too near their neighbours' labels.
LABEL_AT = {
    "KZ": (67.5, 48.3),
    "KG": (75.0, 41.7),
    "TJ": (70.6, 38.7),
    "TM": (58.8, 39.3),
    "UZ": (63.5, 42.2),
}

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class MapCountry:
    """One of the five: its outline (SVG path data), counted total and how it is drawn."""

    code: str
    name: str
    path: str
    total: Decimal
    amount: str
    counted: bool
    fill: str
    label_x: float
    label_y: float
    href: str


@dataclass(frozen=True)
class LegendStep:
    colour: str
    label: str


@dataclass(frozen=True)
class Elsewhere:
    """Money of the breakdown that no country of the map can show (a region, unknown)."""

    key: str
    label: str
    total: Decimal
    amount: str


@dataclass(frozen=True)
class CountryMap:
    width: int
    height: int
    currency: str
    countries: list[MapCountry]
    context: list[tuple[str, str]]
    legend: list[LegendStep]
    elsewhere: list[Elsewhere]
    aria_label: str


def country_map(rows: Sequence[BreakdownRow], currency: str) -> CountryMap:
    """The map of a ``country`` breakdown in ``currency``: each of the five coloured by its
    total on :data:`STEPS` (equal intervals up to the largest), zero ones hatched."""
    totals = {r.key: r.total for r in rows}
    top = max((totals.get(code, Decimal(0)) for code in CENTRAL_ASIAN_COUNTRIES), default=0)
    shapes, context, height = _projected()
    countries = []
    for code in CENTRAL_ASIAN_COUNTRIES:
        total = totals.get(code, Decimal(0))
        x, y = _project(*LABEL_AT[code])
        countries.append(
            MapCountry(
                code=code,
                name=breakdown_key(code, "country"),
                path=shapes.get(code, ""),
                total=total,
                amount=compact(total) if total else _("nothing counted"),
                counted=total != 0,
                fill=STEPS[_step(total, Decimal(top))] if total else "url(#map-hatch)",
                label_x=round(x, 1),
                label_y=round(y, 1),
                href="/projects?" + urlencode({"country": code}),
            )
        )
    elsewhere = [
        Elsewhere(r.key, breakdown_key(r.key, "country"), r.total, compact(r.total))
        for r in rows
        if r.key not in CENTRAL_ASIAN_COUNTRIES and r.total
    ]
    described = "; ".join(
        f"{c.name} {c.amount}{f' {currency}' if c.counted else ''}" for c in countries
    )
    return CountryMap(
        width=WIDTH,
        height=height,
        currency=currency,
        countries=countries,
        context=[(breakdown_key(code, "country"), path) for code, path in context],
        legend=_legend(Decimal(top)),
        elsewhere=elsewhere,
        aria_label=_("Money counted by country, in %(currency)s: %(countries)s")
        % {"currency": currency, "countries": described},
    )


def _step(total: Decimal, top: Decimal) -> int:
    """Index into :data:`STEPS` of a positive ``total``: equal intervals of ``top``."""
    if top <= 0 or total <= 0:
        return 0
    return min(len(STEPS) - 1, math.ceil(total * len(STEPS) / top) - 1)


def _legend(top: Decimal) -> list[LegendStep]:
    if top <= 0:
        return []
    n = len(STEPS)
    bounds = [top * i / n for i in range(n + 1)]
    return [
        LegendStep(colour, f"{compact(bounds[i])} – {compact(bounds[i + 1])}")
        for i, colour in enumerate(STEPS)
    ]


@lru_cache(maxsize=1)
def _projected() -> tuple[dict[str, str], list[tuple[str, str]], int]:
    """The five countries' paths by code, the neighbours' (code, path), and the height."""
    focus: dict[str, str] = {}
    context: list[tuple[str, str]] = []
    for code, _name, path in DASHBOARD.outlines():
        if code in CENTRAL_ASIAN_COUNTRIES:
            focus[code] = path
        else:
            context.append((code, path))
    return focus, context, math.ceil(DASHBOARD.height)


@dataclass(frozen=True)
class Frame:
    """A lon/lat box drawn ``width`` pixels wide: equirectangular, longitude scaled by the cosine
    of the box's middle latitude; y grows downwards as in SVG."""

    box: tuple[float, float, float, float]
    width: float

    @property
    def scale(self) -> tuple[float, float]:
        """Pixels per degree of longitude and of latitude."""
        lon_min, lat_min, lon_max, lat_max = self.box
        middle = math.cos(math.radians((lat_min + lat_max) / 2))
        per_lat = self.width / ((lon_max - lon_min) * middle)
        return per_lat * middle, per_lat

    @property
    def height(self) -> float:
        return self.project(self.box[2], self.box[1])[1]

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        per_lon, per_lat = self.scale
        return (lon - self.box[0]) * per_lon, (self.box[3] - lat) * per_lat

    def path(self, ring: Sequence[Sequence[float]]) -> str:
        """SVG path data of ``ring`` (lon, lat) clipped to the box; empty when nothing is left."""
        points: list[str] = []
        for lon, lat in _clip(ring, self.box):
            x, y = self.project(lon, lat)
            point = f"{x:.1f} {y:.1f}"
            if not points or points[-1] != point:
                points.append(point)
        return ("M" + "L".join(points) + "Z") if len(points) >= 3 else ""

    def outlines(self) -> list[tuple[str, str, str]]:
        """(code, name, path data) of each bundled Natural Earth country inside the box."""
        drawn = []
        for code, name, polygons in country_outlines():
            path = "".join(self.path(polygon[0]) for polygon in polygons)
            if path:
                drawn.append((code, name, path))
        return drawn


DASHBOARD = Frame(BOX, WIDTH)


def _project(lon: float, lat: float) -> tuple[float, float]:
    return DASHBOARD.project(lon, lat)


def _clip(ring: Sequence[Sequence[float]], box: tuple[float, float, float, float] = BOX) -> Ring:
    """``ring`` clipped to ``box`` (Sutherland–Hodgman: one box edge at a time)."""
    points: Ring = [(float(p[0]), float(p[1])) for p in ring]
    lon_min, lat_min, lon_max, lat_max = box
    edges = ((0, lon_min, True), (0, lon_max, False), (1, lat_min, True), (1, lat_max, False))
    for axis, bound, keep_above in edges:
        if not points:
            break
        points = _clip_edge(points, axis, bound, keep_above)
    return points


def _clip_edge(points: Ring, axis: int, bound: float, keep_above: bool) -> Ring:
    def inside(p: tuple[float, float]) -> bool:
        return p[axis] >= bound if keep_above else p[axis] <= bound

    def crossing(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
        t = (bound - a[axis]) / (b[axis] - a[axis])
        other = 1 - axis
        point = [0.0, 0.0]
        point[axis] = bound
        point[other] = a[other] + t * (b[other] - a[other])
        return point[0], point[1]

    result: Ring = []
    for i, current in enumerate(points):
        previous = points[i - 1]
        if inside(current):
            if not inside(previous):
                result.append(crossing(previous, current))
            result.append(current)
        elif inside(previous):
            result.append(crossing(previous, current))
    return result
