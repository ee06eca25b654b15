"""Invariants of routing, checked on random small networks against brute force.

Brute force enumerates every path of the compiled graph from the origin terminal to the
destination terminal (networkx ``all_simple_edge_paths``), keeps those loopless on the ground
and takes, per link sequence, the cheapest way to ride it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cajad.corridor import (
    Network,
    NoRouteError,
    Parameters,
    Router,
    apply_scenario,
    find_routes,
    load_network,
    make_options,
    pareto_routes,
)
from cajad.corridor._pareto import COST_STEP
from cajad.corridor.routes import Route, build_route
from cajad.corridor.routing import is_detour
from cajad.corridor.scenarios import Scenario

from .conftest import link, node

PARAMS: Parameters = load_network().parameters
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_GAUGES = {
    "rail": ["1520", "1435", "1435/1520"],
    "border": ["1520", "1435/1520", None],
    "ferry": ["1520", None],
    "sea": [None],
    "road": [None],
}


@st.composite
def networks(draw: Callable[..., Any], single_layer: bool = False) -> Network:
    n = draw(st.integers(3, 5))
    kinds = (
        ["border"] * n
        if single_layer
        else draw(
            st.lists(st.sampled_from(["port", "hub", "city", "border"]), min_size=n, max_size=n)
        )
    )
    countries = draw(st.lists(st.sampled_from(["KZ", "UZ", "AZ"]), min_size=n, max_size=n))
    nodes = [node(f"N{i}", kind=kinds[i], country=countries[i]) for i in range(n)]
    links = []
    pairs_seen: set[frozenset[int]] = set()
    for j in range(draw(st.integers(n - 1, n + 3))):
        a, b = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
        if single_layer and frozenset((a, b)) in pairs_seen:
            continue
        pairs_seen.add(frozenset((a, b)))
        mode = "rail" if single_layer else draw(st.sampled_from(list(_GAUGES)))
        gauge = "1520" if single_layer else draw(st.sampled_from(_GAUGES[mode]))
        extra: dict[str, Any] = {}
        if not single_layer and draw(st.booleans()):
            extra["departures_per_week"] = draw(st.sampled_from([1.0, 3.5, 7.0]))
        links.append(
            link(
                f"L{j}",
                f"N{a}",
                f"N{b}",
                mode,
                gauge=gauge,
                km=draw(st.floats(10, 1000)),
                time_h=draw(st.one_of(st.none(), st.floats(1, 100))),
                cost=draw(st.one_of(st.none(), st.floats(0, 500))),
                **extra,
            )
        )
    return Network(nodes, links, PARAMS)


def brute_force(
    net: Network, origin: str, destination: str, key: Callable[[Route], Any] | None = None
) -> dict[tuple[str, ...], Route]:
    """Every loopless route: per link sequence, the arc path that is least by ``key``."""
    order = key or (lambda r: (r.time_h, r.cost_usd_per_teu))
    g = net.graph
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(range(g.n_vertices))
    for arc in range(g.n_arcs):
        graph.add_edge(int(g.arc_src[arc]), int(g.arc_dst[arc]), key=arc)
    start = int(g.origin_vertex[g.node_ids.index(origin)])
    end = int(g.dest_vertex[g.node_ids.index(destination)])
    found: dict[tuple[str, ...], Route] = {}
    for path in nx.all_simple_edge_paths(graph, start, end):
        route = build_route(net, [k for _, _, k in path], PARAMS.value_of_time_usd_per_teu_h.value)
        if len(route.nodes) != len(set(route.nodes)):
            continue
        old = found.get(route.signature)
        if old is None or order(route) < order(old):
            found[route.signature] = route
    return found


def _ends(draw: Callable[..., Any], net: Network) -> tuple[str, str]:
    ids = list(net.nodes)
    a, b = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
    return a, b


@SETTINGS
@given(data=st.data())
def test_k_routes_are_loopless_distinct_ordered_and_the_best(data: st.DataObject) -> None:
    net = data.draw(networks())
    origin, destination = _ends(data.draw, net)
    k = data.draw(st.integers(1, 5))
    try:
        routes = find_routes(net, origin, destination, by="cost", k=k)
    except NoRouteError:
        assert not brute_force(net, origin, destination)
        return
    costs = [r.cost_usd_per_teu for r in routes]
    assert costs == sorted(costs)
    assert len({r.signature for r in routes}) == len(routes)
    for r in routes:
        assert len(r.nodes) == len(set(r.nodes))
        assert r.legs[0].from_node == origin and r.legs[-1].to_node == destination
    # each link sequence ridden the cheapest way: the k cheapest sequences of brute force that
    # keep the detour rule against the best one
    cheapest = brute_force(net, origin, destination, key=lambda r: r.cost_usd_per_teu)
    first = min(cheapest.values(), key=lambda r: r.cost_usd_per_teu)
    kept = [r for r in cheapest.values() if r is first or not is_detour(net, r, first)]
    best = sorted(r.cost_usd_per_teu for r in kept)
    assert not any(is_detour(net, r, routes[0]) for r in routes[1:])
    assert len(routes) == min(k, len(best))
    assert costs == pytest.approx(best[: len(routes)])


@SETTINGS
@given(data=st.data())
def test_every_pareto_route_is_non_dominated_and_none_is_missing(data: st.DataObject) -> None:
    net = data.draw(networks())
    origin, destination = _ends(data.draw, net)
    every = list(brute_force(net, origin, destination).values())
    if not every:
        with pytest.raises(NoRouteError):
            pareto_routes(net, origin, destination)
        return
    front = pareto_routes(net, origin, destination)
    eps = 1e-6
    for route in front:
        for other in every:
            # a saving under COST_STEP is no saving: such a route is no worse in cost
            no_worse = other.time_h <= route.time_h + eps and (
                other.cost_usd_per_teu < route.cost_usd_per_teu + COST_STEP
            )
            better = other.time_h < route.time_h - eps or (
                other.cost_usd_per_teu <= route.cost_usd_per_teu - COST_STEP
            )
            assert not (no_worse and better), (route.label, other.label)
    expected = _front([(r.time_h, r.cost_usd_per_teu) for r in every])
    got = [(r.time_h, r.cost_usd_per_teu) for r in front]
    assert [x for pair in got for x in pair] == pytest.approx([x for p in expected for x in p])


def _front(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    kept: list[tuple[float, float]] = []
    for t, c in sorted(points):
        if not kept or c <= kept[-1][1] - COST_STEP:
            kept.append((t, c))
    return kept


@SETTINGS
@given(data=st.data())
def test_transshipment_limit_is_exact(data: st.DataObject) -> None:
    net = data.draw(networks())
    origin, destination = _ends(data.draw, net)
    limit = data.draw(st.integers(0, 2))
    allowed = [
        r for r in brute_force(net, origin, destination).values() if r.transshipments <= limit
    ]
    if not allowed:
        with pytest.raises(NoRouteError):
            find_routes(net, origin, destination, max_transshipments=limit)
        return
    best = find_routes(net, origin, destination, max_transshipments=limit)[0]
    assert best.transshipments <= limit
    assert best.time_h == pytest.approx(min(r.time_h for r in allowed))


@SETTINGS
@given(data=st.data())
def test_yen_matches_networkx_on_a_single_layer_network(data: st.DataObject) -> None:
    net = data.draw(networks(single_layer=True))
    origin, destination = _ends(data.draw, net)
    plain = nx.DiGraph()
    for lk in net.links.values():
        weight = net.figures(lk.id).time_h
        plain.add_edge(lk.from_node, lk.to_node, weight=weight)
        plain.add_edge(lk.to_node, lk.from_node, weight=weight)
    if (
        origin not in plain
        or destination not in plain
        or not nx.has_path(plain, origin, destination)
    ):
        with pytest.raises(NoRouteError):
            find_routes(net, origin, destination)
        return
    expected = []
    for path in nx.shortest_simple_paths(plain, origin, destination, weight="weight"):
        expected.append(nx.path_weight(plain, path, "weight"))
        if len(expected) == 4:
            break
    router = Router(net, make_options(net))
    got = [r.time_h for r in router.routes(origin, destination, 4, keep_detours=True)]
    assert got == pytest.approx(expected)


def _slow_down(net: Network, link_id: str, extra_h: float, factor: float) -> Network:
    dwell = net.figures(link_id).dwell_h
    scenario = Scenario.model_validate(
        {
            "name": "slower",
            "title": "slower",
            "changes": [
                {
                    "op": "edit_link",
                    "id": link_id,
                    "source": "property test",
                    "set": {"dwell_h": dwell + extra_h},
                    "scale": {"time_h": factor},
                }
            ],
        }
    )
    return apply_scenario(net, scenario)


@SETTINGS
@given(data=st.data())
def test_slowing_a_link_never_makes_a_route_faster(data: st.DataObject) -> None:
    net = data.draw(networks())
    link_id = data.draw(st.sampled_from(sorted(net.links)))
    slower = _slow_down(net, link_id, data.draw(st.floats(0, 200)), data.draw(st.floats(1, 3)))
    touched = slower.links[link_id]
    pairs = [(touched.from_node, touched.to_node)] + [_ends(data.draw, net) for _ in range(3)]
    for origin, destination in pairs:
        try:
            before = find_routes(net, origin, destination, k=3)
        except NoRouteError:
            continue
        after = find_routes(slower, origin, destination, k=3)
        assert after[0].time_h >= before[0].time_h - 1e-9
        times = {r.signature: r.time_h for r in after}
        for r in before:
            if r.signature in times:
                assert times[r.signature] >= r.time_h - 1e-9


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_slowing_a_bundled_link_never_makes_a_route_faster(data: st.DataObject) -> None:
    net = load_network()
    link_id = data.draw(st.sampled_from(sorted(net.links)))
    slower = _slow_down(net, link_id, data.draw(st.floats(1, 500)), data.draw(st.floats(1, 2)))
    pairs = [
        ("CN_XIAN", "DEDUI"),
        ("JPYOK", "UZ_TASHKENT"),
        ("KZ_ALTYNKOL", "GEPTI"),
        ("CNSHA", "NLRTM"),
        ("UZ_TASHKENT", "ROCND"),
    ]
    for origin, destination in pairs:
        for by in ("time", "generalized"):
            before = find_routes(net, origin, destination, by=by, k=3)  # type: ignore[arg-type]
            after = find_routes(slower, origin, destination, by=by, k=3)  # type: ignore[arg-type]
            if by == "time":
                assert after[0].time_h >= before[0].time_h - 1e-9
            else:
                assert (
                    after[0].generalized_cost_usd_per_teu
                    >= before[0].generalized_cost_usd_per_teu - 1e-6
                )
            times = {r.signature: r.time_h for r in after}
            for r in before:
                if r.signature in times:
                    assert times[r.signature] >= r.time_h - 1e-9


@SETTINGS
@given(data=st.data())
def test_compiled_and_python_spur_searches_agree(data: st.DataObject) -> None:
    """Yen's spur searches run in Python on small graphs and in scipy on large ones."""
    from itertools import islice

    from cajad.corridor._search import Prepared, base_space, yen

    net = data.draw(networks())
    origin, destination = _ends(data.draw, net)
    g = net.graph
    mask = g.arc_mask()
    space = base_space(g, g.weights("time", 0.0), mask)
    source = int(g.origin_vertex[g.node_ids.index(origin)])
    targets = space.targets(int(g.dest_vertex[g.node_ids.index(destination)]))
    python = [p.cost for p in islice(yen(Prepared(space), source, targets), 6)]
    compiled = [p.cost for p in islice(yen(Prepared(space, small_space=0), source, targets), 6)]
    assert python == pytest.approx(compiled)
