"""Scenarios on the route a person asked for, share tables by distinct path, changes in words."""

from __future__ import annotations

import re

import pytest

from cajad.corridor import Network, compare_scenario, list_scenarios, load_scenario
from cajad.corridor.compare import path_labels
from cajad.corridor.describe import describe_changes
from cajad.corridor.routing import find_routes


@pytest.mark.parametrize("name", list_scenarios())
def test_a_share_table_has_one_row_per_distinct_path_each_with_its_own_name(
    network: Network, name: str
) -> None:
    result = compare_scenario(network, load_scenario(name), k=4)
    for pair in result.pairs:
        paths = [s.path for s in pair.shares]
        labels = [s.label for s in pair.shares]
        assert len(set(paths)) == len(paths), (name, pair.origin, pair.destination)
        assert len(set(labels)) == len(labels), (name, pair.origin, pair.destination, labels)
        assert sum(s.base for s in pair.shares) == pytest.approx(1.0 if pair.base else 0.0)


def test_a_scenario_runs_on_the_route_asked_with_its_constraints(network: Network) -> None:
    scenario = load_scenario("faster-border")
    result = compare_scenario(
        network, scenario, pairs=[("Nagoya", "Istanbul")], avoid=["RU"], by="time", k=2
    )
    assert result.asked and len(result.pairs) == 1
    pair = result.pairs[0]
    assert (pair.origin, pair.destination) == ("JPNGO", "TR_HALKALI")
    assert (pair.origin_name, pair.destination_name) == ("Nagoya", "Istanbul")
    assert pair.base is not None and pair.scenario is not None
    assert "RU" not in pair.base.countries and "RU" not in pair.scenario.countries
    assert pair.scenario.time_h < pair.base.time_h  # its borders and Aktau are faster
    own = compare_scenario(network, scenario, by="time", k=2)
    assert not own.asked and len(own.pairs) == len(scenario.pairs)


def test_paths_that_read_alike_are_told_apart_by_a_place(network: Network) -> None:
    routes = find_routes(network, "Lianyungang", "Baku", avoid=["RU"], by="time", k=4)
    labels = path_labels(network, routes)
    assert len(set(labels.values())) == len({r.nodes for r in routes})
    alike = [r for r in routes if sum(o.label == r.label for o in routes) > 1]
    for route in alike:
        assert " via " in labels[route.nodes], labels[route.nodes]


def test_changes_read_in_plain_words(network: Network) -> None:
    words = {name: describe_changes(network, load_scenario(name)) for name in list_scenarios()}
    assert "Khorgos–Altynkol border crossing: dwell halved" in words["faster-border"]
    assert "Aktau: transfer time halved" in words["faster-border"]
    assert words["cku-railway"] == ["Kashgar–Andijan rail line: opened (planned until now)"]
    assert "Shanghai–Rotterdam sea route via Suez: closed" in words["red-sea-crisis"]
    assert (
        "Aktau–Alat ferry: 7 departures a week, capacity 161,800 containers (TEU) a year"
        in words["more-caspian-ferries"]
    )
    raw_id = re.compile(r"\b(rail|road|sea|ferry|border):\S|\b[A-Z]{2}_[A-Z]|\b[A-Z]{5}\b")
    for sentences in words.values():
        assert not [s for s in sentences if raw_id.search(s)]  # no link or node ids
