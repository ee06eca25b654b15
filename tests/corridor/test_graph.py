"""The compiled search graph: layers, arcs and their figures on a small network, and a scenario's
patched graph equal, array by array, to the graph compiled afresh from the changed network."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cajad.corridor import Network, Parameters, apply_scenario, list_scenarios, load_scenario
from cajad.corridor._graph import (
    DEST,
    KIND_LINK,
    KIND_TERMINAL,
    KIND_TRANSFER,
    ORIGIN,
    RAIL_1435,
    RAIL_1520,
    ROAD,
    WATER_IN,
    WATER_OUT,
    CompiledGraph,
    compile_network,
    patch_network,
)
from cajad.corridor._metrics import transfer_figures

from .conftest import build, link, node


def assert_same_graph(got: CompiledGraph, want: CompiledGraph) -> None:
    """Every column equal, value and dtype (a patch must leave no arc with a stale figure)."""
    for field in dataclasses.fields(CompiledGraph):
        a, b = getattr(got, field.name), getattr(want, field.name)
        if isinstance(b, tuple):
            assert a == b, field.name
        else:
            assert a.dtype == b.dtype, field.name
            np.testing.assert_array_equal(a, b, err_msg=field.name)


def small(parameters: Parameters, **changes: float) -> Network:
    """A port and a hub in KZ joined by 1520 mm rail, a road on to a border post and a city in
    UZ, a 1435/1520 link from a CN hub into the port, and a sea leg from the port to AZ."""
    nodes = [
        node("CN", country="CN"),
        node(
            "P",
            kind="port",
            transfer_fee_usd_per_teu=changes.get("fee", 100.0),
            transfer_source="test fixture",
        ),
        node("H"),
        node("B", kind="border"),
        node("C", kind="city", country="UZ"),
        node("AZ", kind="port", country="AZ"),
    ]
    links = [
        link("cn-p", "CN", "P", km=300, time_h=10, cost=200, gauge="1435/1520"),
        link("p-h", "P", "H", km=100, time_h=changes.get("time", 5.0), cost=50),
        link("h-b", "H", "B", "road", km=50, time_h=2, cost=30, gauge=None),
        link("b-c", "B", "C", "border", km=1, time_h=1, cost=5, gauge=None, via=["KG"]),
        link("p-az", "P", "AZ", "sea", km=400, time_h=20, cost=300, gauge=None),
    ]
    return build(nodes, links, parameters)


def _arcs(g: CompiledGraph, kind: int) -> list[tuple[str, int, str, int]]:
    """(node, layer) → (node, layer) of every arc of a kind."""
    return sorted(
        (
            g.node_ids[g.vertex_node[s]],
            int(g.vertex_layer[s]),
            g.node_ids[g.vertex_node[d]],
            int(g.vertex_layer[d]),
        )
        for s, d in zip(g.arc_src[g.arc_kind == kind], g.arc_dst[g.arc_kind == kind], strict=True)
    )


def test_links_become_arcs_both_ways_on_their_layers(parameters: Parameters) -> None:
    g = compile_network(small(parameters))
    assert g.link_ids == ("cn-p", "p-h", "h-b", "b-c", "p-az")
    assert g.countries == ("AZ", "CN", "KZ", "UZ")
    assert _arcs(g, KIND_LINK) == sorted(
        [
            ("CN", RAIL_1435, "P", RAIL_1520),
            ("P", RAIL_1520, "CN", RAIL_1435),
            ("P", RAIL_1520, "H", RAIL_1520),
            ("H", RAIL_1520, "P", RAIL_1520),
            ("H", ROAD, "B", ROAD),
            ("B", ROAD, "H", ROAD),
            ("B", ROAD, "C", ROAD),
            ("C", ROAD, "B", ROAD),
            ("P", WATER_OUT, "AZ", WATER_IN),
            ("AZ", WATER_OUT, "P", WATER_IN),
        ]
    )
    n = len(g.link_ids)
    assert list(g.arc_link[:n]) == list(range(n)) == list(g.arc_link[n : 2 * n])
    assert not g.arc_reverse[:n].any() and g.arc_reverse[n : 2 * n].all()
    assert (g.arc_node[: 2 * n] == -1).all() and (g.arc_link[2 * n :] == -1).all()
    # figures: the same both ways; a gauge change is a transshipment; borders crossed
    assert list(g.time_h[:n]) == list(g.time_h[n : 2 * n])
    assert [g.time_h[i] for i in (0, 1, 2, 4)] == [10, 5, 2, 20]
    assert g.time_h[3] > 1  # a border crossing adds its dwell to the link's own hour
    assert [g.cost_usd[i] for i in (0, 1, 2, 4)] == [200, 50, 30, 300]
    assert g.cost_usd[3] > 5  # and its fee to the link's own cost
    assert list(g.distance_km[:n]) == [300, 100, 50, 1, 400]
    assert list(g.transshipments[:n]) == [1, 0, 0, 0, 0]
    assert list(g.borders[:n]) == [1, 0, 0, 2, 1]  # KZ→KG→UZ: two; by sea: one
    # filter modes: rail, rail, road, a gaugeless border is road, sea
    assert list(g.arc_filter_mode[:n]) == [0, 0, 1, 1, 2]
    assert (g.co2_kg[:n] > 0).all() and (g.variance_h2[:n] > 0).all()


def test_terminals_and_transfers_sit_where_carriers_change(parameters: Parameters) -> None:
    net = small(parameters)
    g = compile_network(net)
    terminals = _arcs(g, KIND_TERMINAL)
    assert ("P", ORIGIN, "P", WATER_OUT) in terminals and ("P", WATER_IN, "P", DEST) in terminals
    assert ("P", ORIGIN, "P", WATER_IN) not in terminals  # a ship arrives, it does not leave
    assert ("CN", ORIGIN, "CN", RAIL_1435) in terminals and (
        "CN",
        RAIL_1435,
        "CN",
        DEST,
    ) in terminals
    assert len(terminals) == 2 * 8  # CN 1, P 2 (rail, water), H 2, B 1, C 1, AZ 1 per direction
    transfers = _arcs(g, KIND_TRANSFER)
    assert ("P", RAIL_1520, "P", WATER_OUT) in transfers
    assert ("P", WATER_IN, "P", RAIL_1520) in transfers
    assert ("P", WATER_IN, "P", WATER_OUT) in transfers  # ship to ship is a transshipment
    assert ("H", RAIL_1520, "H", ROAD) in transfers and ("H", ROAD, "H", RAIL_1520) in transfers
    assert not [t for t in transfers if t[0] == "B"]  # a border post without transfer time
    assert ("AZ", WATER_IN, "AZ", WATER_OUT) in transfers
    assert len(transfers) == 3 + 2 + 1  # P: rail/water; H: rail/road; AZ: ship to ship
    at_port = (g.arc_kind == KIND_TRANSFER) & (g.arc_node == net.graph.node_ids.index("P"))
    fig = transfer_figures(net.nodes["P"], parameters)
    assert fig is not None and fig.fee_usd == 100.0
    assert set(g.cost_usd[at_port]) == {100.0} and set(g.time_h[at_port]) == {fig.time_h}
    assert set(g.transshipments[g.arc_kind == KIND_TRANSFER]) == {1}
    assert set(g.cost_usd[g.arc_kind == KIND_TERMINAL]) == {0.0}
    assert (g.arc_filter_mode[g.arc_kind != KIND_LINK] == -1).all()
    # every node has its own origin and destination terminal
    assert list(g.vertex_layer[g.origin_vertex]) == [ORIGIN] * 6
    assert list(g.vertex_layer[g.dest_vertex]) == [DEST] * 6
    assert list(g.vertex_node[g.origin_vertex]) == list(range(6))


def test_avoiding_a_country_and_a_mode_masks_exactly_its_arcs(parameters: Parameters) -> None:
    g = compile_network(small(parameters))
    n = len(g.link_ids)
    assert g.arc_mask().all()
    no_cn = g.arc_mask(avoid=["CN"])
    cn_node_arcs = np.flatnonzero(g.arc_node == g.node_ids.index("CN"))
    assert set(np.flatnonzero(~no_cn)) == {0, n, *cn_node_arcs}
    assert g.arc_mask(avoid=["KG"]).all()  # crossed on the way, but no node: not a country here
    no_uz = g.arc_mask(avoid=["UZ", "XX"])
    uz_node_arcs = np.flatnonzero(g.arc_node == g.node_ids.index("C"))
    assert set(np.flatnonzero(~no_uz)) == {3, 3 + n, *uz_node_arcs}
    rail_only = g.arc_mask(modes=["rail"])
    assert set(np.flatnonzero(~rail_only)) == {2, 3, 4, 2 + n, 3 + n, 4 + n}
    assert g.arc_mask(modes=["rail", "road", "sea"]).all()
    assert (g.arc_mask(modes=[])[g.arc_kind != KIND_LINK]).all()


def test_weights_by_criterion(parameters: Parameters) -> None:
    g = compile_network(small(parameters))
    assert g.weights("time", 10.0) is g.time_h
    assert g.weights("cost", 10.0) is g.cost_usd
    np.testing.assert_array_equal(g.weights("generalized", 10.0), g.cost_usd + 10.0 * g.time_h)


def test_planned_links_are_not_in_the_graph(parameters: Parameters) -> None:
    net = small(parameters)
    planned = link("h-c", "H", "C", "road", km=80, gauge=None, status="planned")
    g = compile_network(net.replace(links=[*net.links.values(), planned]))
    assert "h-c" not in g.link_ids and len(g.link_ids) == 5


def test_a_patched_graph_equals_a_freshly_compiled_one(parameters: Parameters) -> None:
    base = small(parameters)
    base_graph = base.graph
    # a link's time and a node's transfer fee edited: the graph is patched, not rebuilt
    edited = base.replace(
        nodes=[
            n.model_copy(update={"transfer_fee_usd_per_teu": 250.0}) if n.id == "P" else n
            for n in base.nodes.values()
        ],
        links=[
            k.model_copy(update={"time_h": 7.5}) if k.id == "p-h" else k
            for k in base.links.values()
        ],
    )
    patched = patch_network(base, edited)
    assert patched is not None and patched is not base_graph
    fresh = compile_network(edited)
    assert_same_graph(patched, fresh)
    assert_same_graph(edited.graph, fresh)
    assert 7.5 in fresh.time_h and 250.0 in fresh.cost_usd
    assert_same_graph(base.graph, compile_network(base))  # the base is untouched


def test_a_patch_is_refused_when_the_shape_changes(parameters: Parameters) -> None:
    base = small(parameters)
    assert patch_network(base, base.replace()) is base.graph  # nothing changed: the same graph

    def with_link(**update: object) -> Network:
        return base.replace(
            links=[k.model_copy(update=update) if k.id == "p-h" else k for k in base.links.values()]
        )

    def with_node(node_id: str, **update: object) -> Network:
        return base.replace(
            nodes=[
                n.model_copy(update=update) if n.id == node_id else n for n in base.nodes.values()
            ]
        )

    assert patch_network(base, with_link(cost_usd_per_teu=60.0)) is not None
    for changed in (
        with_link(gauge=(1435, 1435)),
        with_link(via=("KG",)),
        with_link(mode="road", gauge=None),
        with_link(status="planned"),
        with_link(to_node="C"),
        with_node("H", country="UZ"),
        with_node("B", transfer_time_h=3.0),  # the border post can now transfer
        base.replace(links=[k for k in base.links.values() if k.id != "h-b"]),
        base.replace(nodes=[*base.nodes.values(), node("X")]),
    ):
        assert patch_network(base, changed) is None
        assert_same_graph(changed.graph, compile_network(changed))


@pytest.mark.parametrize("name", list_scenarios())
def test_every_bundled_scenario_graph_equals_a_fresh_compile(network: Network, name: str) -> None:
    changed = apply_scenario(network, load_scenario(name))
    assert_same_graph(changed.graph, compile_network(changed))


def test_a_patch_follows_link_only_node_only_and_mixed_edits(parameters: Parameters) -> None:
    base = small(parameters)
    base.graph  # noqa: B018 - compiled before the edits, as a scenario's base is

    def edited(links: dict[str, object], nodes: dict[str, dict[str, object]]) -> Network:
        """Only the nodes and link edited are new objects: the others are the base's own."""
        return base.replace(
            nodes=[n.model_copy(update=nodes[n.id]) if n.id in nodes else n
                   for n in base.nodes.values()],
            links=[k.model_copy(update=links) if links and k.id == "p-h" else k
                   for k in base.links.values()],
        )  # fmt: skip

    for changed in (
        edited({"cost_usd_per_teu": 60.0}, {}),  # a link only
        edited({}, {"P": {"transfer_fee_usd_per_teu": 250.0}}),  # a node only
        # a node without transfers (the border post) edited before one with them (AZ's port)
        edited({}, {"B": {"name": "Renamed"}, "AZ": {"transfer_time_h": 30.0}}),
    ):
        patched = patch_network(base, changed)
        assert patched is not None and patched is not base.graph
        assert_same_graph(patched, compile_network(changed))


def test_a_moved_node_patches_the_links_whose_distance_it_gives(parameters: Parameters) -> None:
    def place(node_id: str, lat: float, lon: float) -> object:
        return node(node_id, lat=lat, lon=lon, coord_source="test fixture")

    def rail(a: str, b: str) -> object:
        from cajad.corridor import Link

        return Link.model_validate(
            {"id": f"{a}-{b}", "from": a, "to": b, "mode": "rail", "gauge": "1520"}
        )

    base = build([place("X", 43.0, 76.0), place("Y", 43.0, 77.0)], [rail("X", "Y")], parameters)
    base.graph  # noqa: B018
    moved = base.replace(nodes=[base.nodes["X"], place("Y", 43.0, 78.0)])
    patched = patch_network(base, moved)
    assert patched is not None
    assert_same_graph(patched, compile_network(moved))
    assert patched.distance_km[0] > base.graph.distance_km[0]


def test_avoiding_a_country_holds_when_modes_are_chosen_too(parameters: Parameters) -> None:
    g = compile_network(small(parameters))
    both = g.arc_mask(avoid=["UZ"], modes=["rail", "road", "sea"])
    np.testing.assert_array_equal(both, g.arc_mask(avoid=["UZ"]))
    assert not both.all()
