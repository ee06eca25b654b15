"""The sea-lane search finds the same ways as networkx's Dijkstra (networkx: a test dependency)."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

from cajad.corridor.lanes import GATES, LANES, SUEZ_CANAL, WAYPOINTS, km, lane


def reference(start: str, end: str, *, suez: bool) -> tuple[str, ...]:
    """The shortest way by networkx, the canal closed unless ``suez``."""
    graph = nx.Graph()
    graph.add_nodes_from(WAYPOINTS)
    for a, b in LANES:
        if suez or {a, b} != set(SUEZ_CANAL):
            graph.add_edge(a, b, weight=km(WAYPOINTS[a], WAYPOINTS[b]))
    try:
        return tuple(nx.dijkstra_path(graph, start, end, weight="weight"))
    except nx.NetworkXNoPath:
        return ()


def length(path: tuple[str, ...]) -> float:
    return sum(km(WAYPOINTS[a], WAYPOINTS[b]) for a, b in itertools.pairwise(path))


@pytest.mark.parametrize("suez", [True, False])
def test_every_pair_of_harbours_gets_networkx_s_way(suez: bool) -> None:
    gates = sorted(set(GATES.values()))
    for start, end in itertools.permutations(gates, 2):
        ours, theirs = lane(start, end, suez=suez), reference(start, end, suez=suez)
        assert ours == theirs, (start, end)
        assert length(ours) == pytest.approx(length(theirs))


def test_the_canal_is_taken_only_when_allowed() -> None:
    through = lane("shanghai", "rotterdam", suez=True)
    around = lane("shanghai", "rotterdam", suez=False)
    assert "port_said" in through and "good_hope" not in through
    assert "good_hope" in around and "port_said" not in around
    assert length(through) < length(around)
