"""The synthetic network used by the benchmark is a valid multimodal network."""

from __future__ import annotations

import pytest

from cajad.corridor import Network, Router, find_routes, make_options, synthetic_network


def test_synthetic_network_is_multimodal_and_routable(network: Network) -> None:
    net = synthetic_network(2_500, network.parameters, seed=1)
    modes = {lk.mode for lk in net.links.values()}
    assert modes == {"rail", "road", "sea", "ferry", "border"}
    assert 2_000 <= len(net.nodes) <= 2_500
    route = find_routes(net, "N0", f"N{len(net.nodes) - 1}")[0]
    assert route.border_crossings >= 1 and route.transshipments >= 1  # the gauge line
    router = Router(net, make_options(net))
    last = f"N{len(net.nodes) - 1}"
    assert router.best_weight("N0", last) == pytest.approx(route.time_h)
    assert router.skim(["N0"], [last])[0, 0] == pytest.approx(route.time_h)


def test_synthetic_network_is_deterministic(network: Network) -> None:
    a = synthetic_network(400, network.parameters, seed=3)
    b = synthetic_network(400, network.parameters, seed=3)
    assert [lk.distance_km for lk in a.links.values()] == [
        lk.distance_km for lk in b.links.values()
    ]
