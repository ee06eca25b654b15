"""Sea lanes for drawing: where a sea link's line goes between its two ports.

A small graph of hand-placed waypoints (lon, lat in degrees, WGS 84) on the main lanes from
Japan, Korea and China through Malacca, Suez or round the Cape to the North Sea, and through the
Turkish Straits to the Black Sea; each port the map knows is tied to the waypoint off its
harbour. A sea link is drawn along the shortest way through the graph, through the Suez Canal
only when the link transits Egypt. Drawing only: no figure depends on it (routing uses each
link's own distance). A port missing here is drawn with a straight line.

The search is a plain Dijkstra rather than networkx's: networkx is a test dependency only, and
``tests/corridor/test_lanes.py`` checks that both find the same ways.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from functools import lru_cache

Point = tuple[float, float]

WAYPOINTS: dict[str, Point] = {
    # Japan, Korea, China
    "tokyo_bay": (139.75, 35.0),
    "izu": (139.1, 34.2),
    "boso": (139.95, 34.75),
    "choshi": (141.2, 35.4),
    "sanriku": (142.5, 38.4),
    "tsugaru_e": (141.7, 41.6),
    "tsugaru": (140.9, 41.63),
    "tsugaru_w": (139.9, 41.35),
    "japan_sea_n": (135.0, 41.0),
    "japan_sea_s": (130.5, 36.4),
    "vladivostok": (131.9, 42.7),
    "ise": (136.9, 34.2),
    "kii": (135.8, 33.2),
    "kii_channel": (135.0, 33.9),
    "kii_sw": (135.1, 33.45),
    "shikoku": (132.8, 32.3),
    "hyuga": (131.7, 31.1),
    "osumi": (130.8, 30.85),
    "genkai": (130.1, 33.95),
    "tsushima_n": (129.75, 34.9),
    "busan": (129.1, 35.0),
    "korea_s": (128.2, 34.15),
    "jeju_n": (126.5, 33.9),
    "jeju_w": (125.8, 33.5),
    "east_china": (125.0, 31.0),
    "shanghai": (122.6, 31.0),
    "yellow_s": (123.0, 34.3),
    "lianyungang": (120.0, 34.85),
    "qingdao": (120.8, 35.8),
    "yellow_n": (123.0, 37.2),
    "bohai_strait": (121.1, 38.4),
    "tianjin": (118.4, 38.8),
    # South China Sea, Malacca, Indian Ocean
    "taiwan_strait": (119.9, 24.3),
    "scs_n": (115.5, 19.5),
    "scs_s": (110.0, 10.0),
    "singapore": (104.3, 1.25),
    "singapore_w": (103.45, 1.1),
    "malacca_s": (102.2, 1.75),
    "malacca": (100.9, 2.7),
    "malacca_n": (97.8, 6.0),
    "sri_lanka": (80.6, 5.3),
    "arabian": (62.0, 13.5),
    "socotra_n": (54.0, 13.2),
    "aden": (47.5, 12.4),
    "bab_el_mandeb": (43.35, 12.6),
    "red_s": (40.8, 15.8),
    "red_c": (38.0, 21.0),
    "red_n": (34.6, 26.8),
    "gulf_of_suez": (33.75, 27.7),
    "gulf_of_suez_c": (33.15, 28.5),
    "gulf_of_suez_n": (32.85, 29.0),
    "suez": (32.55, 29.75),
    "port_said": (32.35, 31.45),
    # Mediterranean, Atlantic, North Sea
    "crete_s": (25.0, 34.3),
    "crete_w": (23.2, 35.0),
    "malta": (15.0, 35.4),
    "sicily_channel": (11.7, 37.35),
    "algeria": (5.0, 37.5),
    "alboran": (-2.8, 36.1),
    "gibraltar": (-5.6, 35.95),
    "st_vincent": (-9.6, 36.6),
    "finisterre": (-10.2, 43.2),
    "ushant": (-6.0, 48.5),
    "dover": (1.6, 51.0),
    "rotterdam": (3.8, 52.05),
    "texel": (4.3, 53.1),
    "frisian": (5.6, 53.75),
    "german_bight": (7.6, 54.1),
    "elbe": (8.4, 53.95),
    # Aegean, Adriatic, Turkish Straits, Black Sea
    "kythira": (23.0, 35.8),
    "saronic": (23.9, 37.55),
    "karpathos": (27.5, 35.9),
    "aegean_c": (25.2, 38.3),
    "aegean_n": (25.6, 39.3),
    "dardanelles": (26.2, 40.0),
    "dardanelles_n": (26.7, 40.42),
    "marmara": (28.0, 40.85),
    "bosphorus_s": (29.0, 40.98),
    "bosphorus": (29.1, 41.22),
    "black_sw": (29.4, 41.8),
    "black_c": (34.5, 43.0),
    "burgas": (28.1, 42.5),
    "constanta": (29.0, 44.0),
    "poti": (41.3, 42.2),
    "batumi": (41.4, 41.7),
    "ionian": (20.8, 36.6),
    "otranto": (18.95, 40.2),
    "adriatic": (15.3, 42.9),
    "trieste": (13.4, 45.3),
    # round the Cape of Good Hope
    "chagos": (72.0, -10.0),
    "mascarene": (55.0, -25.0),
    "madagascar_s": (45.0, -27.5),
    "agulhas": (20.0, -36.5),
    "good_hope": (17.8, -34.8),
    "namibia": (13.0, -25.0),
    "angola": (9.0, -12.0),
    "gabon": (5.0, -2.0),
    "liberia": (-10.0, 3.0),
    "cape_verde": (-19.5, 13.5),
    "canary": (-19.0, 29.5),
}

SUEZ_CANAL = ("suez", "port_said")

LANES: tuple[tuple[str, str], ...] = (
    ("tokyo_bay", "izu"),
    ("tokyo_bay", "boso"),
    ("boso", "choshi"),
    ("choshi", "sanriku"),
    ("sanriku", "tsugaru_e"),
    ("tsugaru_e", "tsugaru"),
    ("tsugaru", "tsugaru_w"),
    ("tsugaru_w", "japan_sea_n"),
    ("japan_sea_n", "vladivostok"),
    ("japan_sea_n", "japan_sea_s"),
    ("japan_sea_s", "busan"),
    ("japan_sea_s", "tsushima_n"),
    ("izu", "ise"),
    ("ise", "kii"),
    ("kii", "kii_sw"),
    ("kii_channel", "kii_sw"),
    ("kii_sw", "shikoku"),
    ("shikoku", "hyuga"),
    ("hyuga", "osumi"),
    ("osumi", "east_china"),
    ("genkai", "tsushima_n"),
    ("genkai", "korea_s"),
    ("tsushima_n", "busan"),
    ("busan", "korea_s"),
    ("korea_s", "jeju_n"),
    ("jeju_n", "jeju_w"),
    ("jeju_w", "yellow_s"),
    ("jeju_w", "east_china"),
    ("east_china", "shanghai"),
    ("east_china", "yellow_s"),
    ("east_china", "taiwan_strait"),
    ("yellow_s", "lianyungang"),
    ("yellow_s", "qingdao"),
    ("yellow_s", "yellow_n"),
    ("qingdao", "yellow_n"),
    ("yellow_n", "bohai_strait"),
    ("bohai_strait", "tianjin"),
    ("taiwan_strait", "scs_n"),
    ("scs_n", "scs_s"),
    ("scs_s", "singapore"),
    ("singapore", "singapore_w"),
    ("singapore_w", "malacca_s"),
    ("malacca_s", "malacca"),
    ("malacca", "malacca_n"),
    ("malacca_n", "sri_lanka"),
    ("sri_lanka", "arabian"),
    ("arabian", "socotra_n"),
    ("socotra_n", "aden"),
    ("aden", "bab_el_mandeb"),
    ("bab_el_mandeb", "red_s"),
    ("red_s", "red_c"),
    ("red_c", "red_n"),
    ("red_n", "gulf_of_suez"),
    ("gulf_of_suez", "gulf_of_suez_c"),
    ("gulf_of_suez_c", "gulf_of_suez_n"),
    ("gulf_of_suez_n", "suez"),
    SUEZ_CANAL,
    ("port_said", "crete_s"),
    ("port_said", "karpathos"),
    ("crete_s", "crete_w"),
    ("crete_s", "malta"),
    ("crete_w", "kythira"),
    ("malta", "sicily_channel"),
    ("sicily_channel", "algeria"),
    ("algeria", "alboran"),
    ("alboran", "gibraltar"),
    ("gibraltar", "st_vincent"),
    ("st_vincent", "finisterre"),
    ("finisterre", "ushant"),
    ("ushant", "dover"),
    ("dover", "rotterdam"),
    ("rotterdam", "texel"),
    ("texel", "frisian"),
    ("frisian", "german_bight"),
    ("german_bight", "elbe"),
    ("kythira", "saronic"),
    ("kythira", "ionian"),
    ("saronic", "aegean_c"),
    ("karpathos", "aegean_c"),
    ("aegean_c", "aegean_n"),
    ("aegean_n", "dardanelles"),
    ("dardanelles", "dardanelles_n"),
    ("dardanelles_n", "marmara"),
    ("marmara", "bosphorus_s"),
    ("bosphorus_s", "bosphorus"),
    ("bosphorus", "black_sw"),
    ("black_sw", "burgas"),
    ("black_sw", "constanta"),
    ("black_sw", "black_c"),
    ("black_c", "constanta"),
    ("black_c", "poti"),
    ("black_c", "batumi"),
    ("poti", "batumi"),
    ("ionian", "otranto"),
    ("otranto", "adriatic"),
    ("adriatic", "trieste"),
    ("sri_lanka", "chagos"),
    ("chagos", "mascarene"),
    ("mascarene", "madagascar_s"),
    ("madagascar_s", "agulhas"),
    ("agulhas", "good_hope"),
    ("good_hope", "namibia"),
    ("namibia", "angola"),
    ("angola", "gabon"),
    ("gabon", "liberia"),
    ("liberia", "cape_verde"),
    ("cape_verde", "canary"),
    ("canary", "st_vincent"),
)

#: The waypoint off each port's harbour (UN/LOCODE-style node ids of the bundled network).
GATES: dict[str, str] = {
    "JPYOK": "tokyo_bay",
    "JPTYO": "tokyo_bay",
    "JPNGO": "ise",
    "JPUKB": "kii_channel",
    "JPOSA": "kii_channel",
    "JPHKT": "genkai",
    "KRPUS": "busan",
    "CNLYG": "lianyungang",
    "CNTAO": "qingdao",
    "CNTSN": "tianjin",
    "CNSHA": "shanghai",
    "RUVVO": "vladivostok",
    "NLRTM": "rotterdam",
    "DEHAM": "elbe",
    "GEPTI": "poti",
    "GEBUS": "batumi",
    "ROCND": "constanta",
    "BGBOJ": "burgas",
    "GRPIR": "saronic",
    "ITTRS": "trieste",
}


def km(a: Point, b: Point) -> float:
    """Great-circle distance in km between two (lon, lat) points."""
    (lon1, lat1), (lon2, lat2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


@lru_cache(maxsize=1)
def _adjacency() -> dict[str, list[tuple[str, float]]]:
    graph: dict[str, list[tuple[str, float]]] = {name: [] for name in WAYPOINTS}
    for a, b in LANES:
        d = km(WAYPOINTS[a], WAYPOINTS[b])
        graph[a].append((b, d))
        graph[b].append((a, d))
    return graph


@lru_cache(maxsize=512)
def lane(start: str, end: str, *, suez: bool) -> tuple[str, ...]:
    """Waypoints from ``start`` to ``end`` by the shortest way (Dijkstra on km); through the
    Suez Canal only when ``suez``. Empty when they are not joined."""
    graph = _adjacency()
    best = {start: 0.0}
    previous: dict[str, str] = {}
    queue = [(0.0, start)]
    while queue:
        d, here = heapq.heappop(queue)
        if here == end:
            break
        if d > best[here]:
            continue
        for there, step in graph[here]:
            if not suez and {here, there} == set(SUEZ_CANAL):
                continue
            if d + step < best.get(there, math.inf):
                best[there] = d + step
                previous[there] = here
                heapq.heappush(queue, (d + step, there))
    if end not in best:
        return ()
    path = [end]
    while path[-1] != start:
        path.append(previous[path[-1]])
    return tuple(reversed(path))


def sea_line(a: str, b: str, ends: tuple[Point, Point], via: Sequence[str]) -> list[Point]:
    """Points of the sea link between ports ``a`` and ``b`` (node ids at ``ends``), a to b."""
    if a not in GATES or b not in GATES:
        return list(ends)
    waypoints = lane(GATES[a], GATES[b], suez="EG" in via)
    if not waypoints:
        return list(ends)
    return [ends[0], *(WAYPOINTS[w] for w in waypoints), ends[1]]
