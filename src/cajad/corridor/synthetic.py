"""A synthetic multimodal network of any size, for benchmarks and scale tests.

Nodes sit on a grid (about 10 km apart) split into countries of 40 × 40 nodes; the west half
runs 1435 mm rail, the east half 1520 mm. Grid neighbours are joined by rail (or road, one link
in five); links between countries are border crossings (with a gauge change on the gauge line).
Every node of the top row is a port with sea links along the coast, one column in ten has a
ferry across row 10, and one node in seven is a hub. Figures are given on every link, so the
network needs no coordinates-based defaults. Deterministic for a given ``seed``.
"""

from __future__ import annotations

import math
import string

import numpy as np

from cajad.corridor._schema import Link, Node, Parameters
from cajad.corridor.model import Network

_COUNTRY_SIDE = 40
_SPACING_KM = 10.0
_SOURCE = "synthetic"


def _code(index: int) -> str:
    letters = string.ascii_uppercase
    return letters[(index // 26) % 26] + letters[index % 26]


_NODE = Node(id="N0", name="Node 0", country="AA", kind="city")
_LINK = Link.model_validate(
    {
        "id": "L",
        "from": "A",
        "to": "B",
        "mode": "road",
        "distance_km": 1.0,
        "distance_source": _SOURCE,
    }
)


def _node(i: int, row: int, col: int, width: int) -> Node:
    country = _code((row // _COUNTRY_SIDE) * (width // _COUNTRY_SIDE + 1) + col // _COUNTRY_SIDE)
    kind = "port" if row == 0 else ("hub" if i % 7 == 0 else "city")
    # model_copy skips validation: the generator's values are valid by construction
    return _NODE.model_copy(
        update={"id": f"N{i}", "name": f"Node {i}", "country": country, "kind": kind}
    )


def _link(
    lid: str, a: str, b: str, mode: str, gauge: tuple[int, int] | None, km: float, **extra: float
) -> Link:
    fields: dict[str, object] = {
        "id": lid,
        "from_node": a,
        "to_node": b,
        "mode": mode,
        "gauge": gauge,
        "distance_km": km,
    }
    for key, value in extra.items():
        fields[key] = value
        fields[key.replace("_per_week", "").rsplit("_", 1)[0] + "_source"] = _SOURCE
    return _LINK.model_copy(update=fields)


def synthetic_network(n_nodes: int, parameters: Parameters, *, seed: int = 0) -> Network:
    """A grid network of about ``n_nodes`` nodes (rail, road, border, sea, ferry).

    Parameters
    ----------
    n_nodes
        Approximate number of nodes (the grid is square).
    parameters
        Model parameters (e.g. ``load_network().parameters``).
    seed
        Seed of the random choices (modes, lengths).
    """
    width = max(2, math.isqrt(n_nodes))
    height = max(2, n_nodes // width)
    rng = np.random.default_rng(seed)
    nodes = [_node(r * width + c, r, c, width) for r in range(height) for c in range(width)]
    gauge_of = [1435 if c < width // 2 else 1520 for c in range(width)]
    links: list[Link] = []
    lengths = rng.uniform(0.8, 1.6, size=(height, width, 2)) * _SPACING_KM
    roads = rng.random((height, width, 2)) < 0.2
    for r in range(height):
        for c in range(width):
            here = r * width + c
            for axis, (dr, dc) in enumerate(((0, 1), (1, 0))):
                rr, cc = r + dr, c + dc
                if rr >= height or cc >= width:
                    continue
                links.append(
                    _grid_link(
                        nodes,
                        here,
                        rr * width + cc,
                        gauge_of[c],
                        gauge_of[cc],
                        float(lengths[r, c, axis]),
                        bool(roads[r, c, axis]),
                        r,
                        c,
                        axis,
                    )
                )
    links += _sea_and_ferries(width, height)
    return Network(nodes, links, parameters)


def _grid_link(
    nodes: list[Node],
    a: int,
    b: int,
    ga: int,
    gb: int,
    km: float,
    road: bool,
    row: int,
    col: int,
    axis: int,
) -> Link:
    na, nb = nodes[a], nodes[b]
    lid = f"L{a}-{b}"
    if na.country != nb.country:
        return _link(lid, na.id, nb.id, "border", None if road else (ga, gb), km)
    if road:
        return _link(lid, na.id, nb.id, "road", None, km)
    if axis == 1 and row == 10 and col % 10 == 5:
        return _link(lid, na.id, nb.id, "ferry", (ga, ga), km * 3, departures_per_week=3.0)
    return _link(lid, na.id, nb.id, "rail", (ga, gb), km)


def _sea_and_ferries(width: int, height: int) -> list[Link]:
    del height
    found = []
    for c in range(0, width - 10, 10):
        a, b = f"N{c}", f"N{c + 10}"
        found.append(_link(f"S{c}", a, b, "sea", None, 10 * _SPACING_KM * 1.3))
    return found
