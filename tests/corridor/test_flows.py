"""Flows under capacity: saturation, shadow prices, unmet demand, and the Caspian bottleneck."""

from __future__ import annotations

import pytest

from cajad.corridor import Demand, Network, OptionError, assign_flows, load_demand

from .conftest import link, node


def _demand(a: str, b: str, teu: float) -> Demand:
    return Demand(origin=a, destination=b, teu_per_year=teu, source="test")


@pytest.fixture
def diamond(network: Network) -> Network:
    """A → B → D (fast, 100 TEU/yr) and A → C → D (slow, unlimited)."""
    nodes = [node(n, kind="border") for n in "ABCD"]
    links = [
        link("AB", "A", "B", time_h=10, cost=100, capacity_teu_per_year=100),
        link("BD", "B", "D", time_h=10, cost=100),
        link("AC", "A", "C", time_h=30, cost=150),
        link("CD", "C", "D", time_h=30, cost=150),
    ]
    return Network(nodes, links, network.parameters)


def test_capacity_splits_the_flow_and_prices_the_bottleneck(diamond: Network) -> None:
    result = assign_flows(diamond, [_demand("A", "D", 250)], by="cost")
    loads = {(x.element, x.from_node): x for x in result.loads}
    assert loads[("AB", "A")].flow_teu == pytest.approx(100)
    assert loads[("AB", "A")].saturated
    assert loads[("AC", "A")].flow_teu == pytest.approx(150)
    assert loads[("AB", "A")].shadow_price_usd_per_teu == pytest.approx(100)  # 300 - 200
    assert result.total_weight == pytest.approx(100 * 200 + 150 * 300)
    assert [b.element for b in result.bottlenecks] == ["AB"]
    assert not result.unmet_teu


def test_slack_capacity_has_no_price(diamond: Network) -> None:
    result = assign_flows(diamond, [_demand("A", "D", 50)], by="cost")
    ab = next(x for x in result.loads if x.element == "AB" and x.from_node == "A")
    assert ab.flow_teu == pytest.approx(50) and ab.shadow_price_usd_per_teu == pytest.approx(0)
    assert not result.bottlenecks


def test_node_capacity_binds(network: Network) -> None:
    nodes = [
        node("P", kind="port", capacity_teu_per_year=30, capacity_source="t"),
        node("Q", kind="port"),
        node("R", kind="hub"),
    ]
    links = [
        link("PQ", "P", "Q", "sea", gauge=None, time_h=5, cost=10),
        link("QR", "Q", "R", time_h=5, cost=10),
    ]
    from cajad.corridor import Network as Net

    net = Net(nodes, links, network.parameters)
    result = assign_flows(net, [_demand("P", "R", 50)], by="cost")
    port = next(x for x in result.loads if x.kind == "node" and x.element == "P")
    assert port.flow_teu == pytest.approx(30) and port.saturated
    assert result.unmet_teu == {("P", "R"): pytest.approx(20)}


def test_bundled_demand_meets_the_caspian_bottleneck(network: Network) -> None:
    demand = load_demand()
    assert sum(d.teu_per_year for d in demand) == pytest.approx(300_000)
    result = assign_flows(network, demand, avoid=["RU"])
    names = {b.element for b in result.bottlenecks}
    assert "KZAAU" in names  # the Aktau container hub
    assert {"ferry:KZ_KURYK-AZ_ALAT", "ferry:TMKRW-AZ_ALAT"} <= names
    assert all(b.shadow_price_usd_per_teu > 0 for b in result.bottlenecks)
    assert all("RU" not in (x.element or "") for x in result.loads)
    assert result.unconstrained  # flow on links whose capacity is unknown is reported


def test_more_ferries_relieve_the_bottleneck(network: Network) -> None:
    from cajad.corridor import apply_scenario, load_scenario

    base = assign_flows(network, load_demand(), avoid=["RU"])
    changed = apply_scenario(network, load_scenario("more-caspian-ferries"))
    after = assign_flows(changed, load_demand(), avoid=["RU"])
    assert after.total_weight < base.total_weight


def test_empty_demand_is_refused(network: Network) -> None:
    with pytest.raises(OptionError):
        assign_flows(network, [])
