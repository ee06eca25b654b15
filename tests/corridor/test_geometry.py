"""The corridor map's geometry: bundled outlines, and sea lanes that stay at sea.

Land is tested with an even–odd ray cast on the bundled outlines (NumPy only), the same shapes
the page draws.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from numpy.typing import NDArray

from cajad.corridor import Network, load_network
from cajad.corridor.geometry import OUTLINES, link_lines, map_data
from cajad.corridor.lanes import GATES, LANES, SUEZ_CANAL, WAYPOINTS, km, lane

#: Lanes through water narrower than the outlines' resolution: the canal and the straits.
NARROW = {SUEZ_CANAL, ("aegean_n", "dardanelles"), ("alboran", "gibraltar")}
NARROW_KM = {SUEZ_CANAL: 200.0}  # the canal is land on the map, end to end
STEP_KM = 5.0


@pytest.fixture(scope="module")
def rings() -> list[NDArray[np.float64]]:
    features = json.loads(OUTLINES.read_text(encoding="utf-8"))["features"]
    return [
        np.asarray(ring, dtype=np.float64)
        for f in features
        for polygon in f["geometry"]["coordinates"]
        for ring in polygon
    ]


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network()


def on_land(points: NDArray[np.float64], rings: list[NDArray[np.float64]]) -> NDArray[np.bool_]:
    """Which (lon, lat) points lie inside an outline (even–odd rule, ring by ring)."""
    inside = np.zeros(len(points), dtype=bool)
    x, y = points[:, 0], points[:, 1]
    for ring in rings:
        lo, hi = ring.min(axis=0), ring.max(axis=0)
        near = (x >= lo[0]) & (x <= hi[0]) & (y >= lo[1]) & (y <= hi[1])
        if not near.any():
            continue
        px, py = x[near, None], y[near, None]
        (x1, y1), (x2, y2) = ring[:-1].T, ring[1:].T
        crosses = ((y1 > py) != (y2 > py)) & (
            px < (x2 - x1) * (py - y1) / np.where(y2 == y1, 1e-12, y2 - y1) + x1
        )
        inside[near] |= crosses.sum(axis=1) % 2 == 1
    return inside


def samples(a: tuple[float, float], b: tuple[float, float]) -> NDArray[np.float64]:
    n = max(2, int(km(a, b) / STEP_KM))
    t = np.linspace(0, 1, n)[:, None]
    return np.asarray(a) + t * (np.asarray(b) - np.asarray(a))


def test_waypoints_and_lanes_stay_at_sea(rings: list[NDArray[np.float64]]) -> None:
    assert not on_land(np.asarray(list(WAYPOINTS.values())), rings).any()
    for a, b in LANES:
        points = samples(WAYPOINTS[a], WAYPOINTS[b])
        land_km = on_land(points, rings).sum() * km(WAYPOINTS[a], WAYPOINTS[b]) / len(points)
        allowed = NARROW_KM.get((a, b), 12.0) if (a, b) in NARROW else 0.0
        assert land_km <= allowed, (a, b, land_km)


def test_every_sea_link_but_the_caspian_follows_the_lanes(network: Network) -> None:
    lines = link_lines(network)
    for link in network.links.values():
        if link.mode != "sea":
            continue
        a, b = network.nodes[link.from_node], network.nodes[link.to_node]
        line = lines[link.id]
        assert line[0] == (a.lon, a.lat) and line[-1] == (b.lon, b.lat)
        caspian = {a.id, b.id} <= {"KZAAU", "TMKRW"}
        assert caspian or (a.id in GATES and b.id in GATES), link.id
        if not caspian:
            assert len(line) > 2, link.id


def test_suez_links_use_the_canal_and_cape_links_round_africa(network: Network) -> None:
    lines = link_lines(network)
    suez = lines["sea:JPYOK-NLRTM:suez"]
    cape = lines["sea:JPYOK-NLRTM:cape"]
    assert WAYPOINTS["suez"] in suez and WAYPOINTS["port_said"] in suez
    assert WAYPOINTS["suez"] not in cape and min(lat for _, lat in cape) < -34
    assert min(lat for _, lat in suez) > -5
    assert lane("poti", "constanta", suez=False)[0] == "poti"


def test_the_map_frames_the_routes_it_draws(network: Network) -> None:
    lines = link_lines(network)
    empty = map_data(network, lines, [])
    assert empty["routes"] == [] and len(empty["nodes"]) == len(network.nodes)
    assert {n["id"] for n in empty["nodes"] if n["labelled"]} >= {"JPYOK", "DEDUI", "UZ_TASHKENT"}
    legs = [
        {"from": "JPYOK", "to": "KRPUS", "link": "sea:JPYOK-KRPUS"},
        {"from": "KRPUS", "to": "RUVVO", "link": "sea:KRPUS-RUVVO"},
    ]
    data = map_data(network, lines, [{"label": "test", "legs": legs}])
    (route,) = data["routes"]
    xs = [x for x in route["x"] if x is not None]
    ys = [y for y in route["y"] if y is not None]
    assert data["view"]["x"][0] < min(xs) and max(xs) < data["view"]["x"][1]
    assert data["view"]["y"][0] < min(ys) and max(ys) < data["view"]["y"][1]
    ends = {n["id"] for n in data["nodes"] if n["end"]}
    assert ends == {"JPYOK", "RUVVO"}
