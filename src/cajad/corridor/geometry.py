"""The corridor map's geometry: country outlines, links and routes, as lon/lat lines.

Plotly draws them as plain x/y scatter traces (x = longitude, y = latitude, degrees WGS 84) on
a cartesian plot, never as geo traces, which fetch their base map from a CDN. Outlines are the
bundled Natural Earth shapes (``cajad/data/boundaries``); sea links follow the lanes of
:mod:`cajad.corridor.lanes`. This module only prepares data; ``static/corridor.js`` draws.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from cajad.corridor import Network
from cajad.corridor.lanes import Point, sea_line
from cajad.corridor.routes import short_name
from cajad.data import data_path

OUTLINES = data_path("boundaries", "countries.geojson")
#: Countries tinted on the map: the five Central Asian states.
FOCUS = frozenset({"KZ", "KG", "TJ", "TM", "UZ"})
#: Best route first, then each alternative, in the table and on the map.
ROUTE_COLOURS = ("#d9480f", "#1f5f9e", "#7b4fa0", "#2e7d4f", "#b7791f", "#0f766e", "#9d174d")
#: Places labelled on the map when no route is shown.
LANDMARKS = (
    "JPYOK",
    "KRPUS",
    "CNLYG",
    "CNSHA",
    "CN_XIAN",
    "CN_KASHGAR",
    "KZ_ALMATY",
    "UZ_TASHKENT",
    "KZAAU",
    "AZ_ABSHERON",
    "GE_TBILISI",
    "TR_HALKALI",
    "ROCND",
    "PL_MALASZEWICZE",
    "DEDUI",
)
_PAD, _MIN_SPAN = 0.08, 18.0  # of the view: margin around what is shown, least width (deg)
DEFAULT_VIEW = ((-12.0, 148.0), (20.0, 60.0))  # lon, lat: Europe to Japan

Line = list[Point]


@lru_cache(maxsize=1)
def outlines_json() -> bytes:
    """Country outlines as JSON for Plotly: ``{"land": {"x", "y"}, "focus": {"x", "y"}}``,
    rings separated by ``null`` (each filled on its own)."""
    features = json.loads(OUTLINES.read_text(encoding="utf-8"))["features"]
    groups: dict[str, dict[str, list[float | None]]] = {
        "land": {"x": [], "y": []},
        "focus": {"x": [], "y": []},
    }
    for feature in features:
        group = groups["focus" if feature["properties"]["code"] in FOCUS else "land"]
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                group["x"].extend([p[0] for p in ring] + [None])
                group["y"].extend([p[1] for p in ring] + [None])
    return json.dumps(groups, separators=(",", ":")).encode()


def link_lines(network: Network) -> dict[str, Line]:
    """Each link's line from its ``from`` node to its ``to`` node (empty where a node has no
    position: a scenario may add one without coordinates)."""
    lines: dict[str, Line] = {}
    for link in network.links.values():
        a, b = network.nodes[link.from_node], network.nodes[link.to_node]
        if a.lon is None or a.lat is None or b.lon is None or b.lat is None:
            lines[link.id] = []
        elif link.mode == "sea":
            lines[link.id] = sea_line(a.id, b.id, ((a.lon, a.lat), (b.lon, b.lat)), link.via)
        else:
            lines[link.id] = [(a.lon, a.lat), (b.lon, b.lat)]
    return lines


def route_line(
    network: Network, lines: Mapping[str, Line], legs: Sequence[Mapping[str, Any]]
) -> Line:
    """The line of a route (legs as in ``cajad route --json``), oriented from origin on."""
    points: Line = []
    for leg in legs:
        link = leg["link"]
        if link is None:  # a transshipment: no move
            continue
        line = lines[link]
        if not line:
            continue
        if network.links[link].from_node != leg["from"]:
            line = line[::-1]
        points.extend(line[1:] if points else line)
    return points


def _xy(lines: Iterable[Line]) -> dict[str, list[float | None]]:
    x: list[float | None] = []
    y: list[float | None] = []
    for line in lines:
        if line:
            x.extend([p[0] for p in line] + [None])
            y.extend([p[1] for p in line] + [None])
    return {"x": x, "y": y}


def _view(lines: Iterable[Line]) -> dict[str, list[float]]:
    xs = [p[0] for line in lines for p in line]
    ys = [p[1] for line in lines for p in line]
    if not xs:
        return {"x": list(DEFAULT_VIEW[0]), "y": list(DEFAULT_VIEW[1])}
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    if x1 - x0 < _MIN_SPAN:
        middle = (x0 + x1) / 2
        x0, x1 = middle - _MIN_SPAN / 2, middle + _MIN_SPAN / 2
    dx, dy = (x1 - x0) * _PAD, max(y1 - y0, 8.0) * _PAD
    return {
        "x": [round(x0 - dx, 2), round(x1 + dx, 2)],
        "y": [round(y0 - dy, 2), round(y1 + dy, 2)],
    }


def map_data(
    network: Network, lines: Mapping[str, Line], routes: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """What ``corridor.js`` draws: links by mode, places, routes (best first) and the view."""
    groups: dict[str, list[Line]] = {}
    for link in network.links.values():
        key = "planned" if link.status != "current" else link.mode
        groups.setdefault(key, []).append(lines[link.id])
    drawn = [route_line(network, lines, r["legs"]) for r in routes]
    places = _places(network, routes)
    extent = [[(p["lon"], p["lat"]) for p in places]]
    return {
        "links": {mode: _xy(group) for mode, group in sorted(groups.items())},
        "nodes": places,
        "routes": [
            {"rank": i + 1, "label": r["label"], "colour": colour(i), **_xy([line])}
            for i, (r, line) in enumerate(zip(routes, drawn, strict=True))
        ],
        "view": _view(drawn if routes else extent),
    }


def _places(network: Network, routes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The nodes that have a position, with the label shown beside those worth naming."""
    on_routes = {leg[end] for r in routes for leg in r["legs"] for end in ("from", "to")}
    ends = {routes[0]["legs"][0]["from"], routes[0]["legs"][-1]["to"]} if routes else set()
    # Junctions and border stations crowd the map: on a route, label the places people know.
    labelled = ends | {
        i for i in on_routes if i in LANDMARKS or network.nodes[i].kind in ("city", "port")
    }
    return [
        {
            "id": n.id,
            "name": n.name,
            "label": short_name(network, n.id),
            "kind": n.kind,
            "country": network.countries.get(n.country, n.country),
            "lon": n.lon,
            "lat": n.lat,
            "labelled": n.id in (labelled if routes else LANDMARKS),
            "end": n.id in ends,
        }
        for n in network.nodes.values()
        if n.lon is not None and n.lat is not None
    ]


def colour(index: int) -> str:
    """Colour of the route at ``index`` (0 = best), the same in the table and on the map."""
    return ROUTE_COLOURS[index % len(ROUTE_COLOURS)]
