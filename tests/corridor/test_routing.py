"""Routing on the bundled network: criteria, constraints, legs and totals."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest

from cajad.corridor import (
    Network,
    NoRouteError,
    OptionError,
    Route,
    find_routes,
    pareto_routes,
)


def _assert_totals(route: Route) -> None:
    assert route.time_h == pytest.approx(sum(leg.time_h for leg in route.legs))
    assert route.cost_usd_per_teu == pytest.approx(sum(leg.cost_usd_per_teu for leg in route.legs))
    assert route.distance_km == pytest.approx(sum(leg.distance_km for leg in route.legs))
    assert route.co2_kg_per_teu == pytest.approx(sum(leg.co2_kg_per_teu for leg in route.legs))
    for before, after in zip(route.legs, route.legs[1:], strict=False):
        assert before.to_node == after.from_node


def test_japan_to_central_asia_end_to_end(network: Network) -> None:
    route = find_routes(network, "Yokohama", "Tashkent")[0]
    first = route.legs[0]
    assert first.from_node == "JPYOK" and first.mode == "sea"
    assert network.nodes[first.to_node].country in ("CN", "KR")
    assert route.legs[-1].to_node == "UZ_TASHKENT"
    assert route.countries[0] == "JP" and route.countries[-1] == "UZ"
    assert route.transshipments >= 2  # ship → train in China, 1435 → 1520 mm at the border
    _assert_totals(route)


def test_fastest_is_fastest_and_cheapest_is_cheapest(network: Network) -> None:
    fast = find_routes(network, "Xi'an", "Duisburg", by="time", k=5)
    cheap = find_routes(network, "Xi'an", "Duisburg", by="cost", k=5)
    assert fast[0].time_h <= min(r.time_h for r in cheap) + 1e-9
    assert cheap[0].cost_usd_per_teu <= min(r.cost_usd_per_teu for r in fast) + 1e-9
    assert [r.time_h for r in fast] == sorted(r.time_h for r in fast)
    assert [r.cost_usd_per_teu for r in cheap] == sorted(r.cost_usd_per_teu for r in cheap)


def test_generalized_cost_uses_the_value_of_time(network: Network) -> None:
    slow_money = find_routes(network, "Shanghai", "Rotterdam", by="generalized", value_of_time=0)[0]
    time_money = find_routes(network, "Shanghai", "Rotterdam", by="generalized", value_of_time=50)[
        0
    ]
    assert slow_money.cost_usd_per_teu <= time_money.cost_usd_per_teu
    assert time_money.time_h < slow_money.time_h
    assert time_money.generalized_cost_usd_per_teu == pytest.approx(
        time_money.cost_usd_per_teu + 50 * time_money.time_h
    )


def test_avoiding_russia_takes_the_middle_corridor(network: Network) -> None:
    base = find_routes(network, "Xi'an", "Duisburg")[0]
    assert "RU" in base.countries
    routes = find_routes(network, "Xi'an", "Duisburg", avoid=["Russia", "EG"], k=3)
    for route in routes:
        assert "RU" not in route.countries and "EG" not in route.countries
        assert any(leg.mode == "ferry" for leg in route.legs)  # the Caspian crossing
        assert route.time_h > base.time_h


def test_avoiding_egypt_sends_ships_round_the_cape(network: Network) -> None:
    suez = find_routes(network, "Yokohama", "Rotterdam", modes=["sea"])[0]
    cape = find_routes(network, "Yokohama", "Rotterdam", modes=["sea"], avoid=["EG"])[0]
    assert "EG" in suez.countries and "EG" not in cape.countries
    assert cape.distance_km - suez.distance_km == pytest.approx(27054 - 20957)


def test_max_transshipments_is_respected_and_binding(network: Network) -> None:
    free = find_routes(network, "Yokohama", "Tashkent", by="time")[0]
    assert free.transshipments >= 2
    limited = find_routes(network, "Yokohama", "Tashkent", max_transshipments=1, k=3)
    for route in limited:
        assert route.transshipments <= 1
    with pytest.raises(NoRouteError, match="at most 0 transshipments"):
        find_routes(network, "Yokohama", "Tashkent", max_transshipments=0)


def test_modes_restrict_the_route(network: Network) -> None:
    route = find_routes(network, "Xi'an", "Duisburg", modes=["rail"])[0]
    assert {leg.mode for leg in route.legs} <= {"rail", "border", "transshipment"}
    with pytest.raises(NoRouteError):
        find_routes(network, "Xi'an", "Duisburg", modes=["road"])


def test_gauge_change_counts_as_a_transshipment(network: Network) -> None:
    route = find_routes(network, "KZ_ALTYNKOL", "CN_KHORGOS", modes=["rail"])[0]
    [leg] = route.legs
    assert leg.mode == "border" and "gauge change" in leg.detail
    assert route.transshipments == 1 and route.border_crossings == 1
    assert leg.dwell_h == pytest.approx(67.4) and leg.cost_usd_per_teu >= 297


def test_ferry_leg_includes_the_wait_for_a_departure(network: Network) -> None:
    route = find_routes(network, "Aktau", "Port of Baku", modes=["ferry"])[0]
    [leg] = route.legs
    assert leg.wait_h == pytest.approx(24.0)
    assert leg.time_h == pytest.approx(442 / 17.75 + 24.0)


def test_planned_railway_is_not_routed(network: Network) -> None:
    route = find_routes(network, "Kashgar", "Andijan")[0]
    assert "rail:CN_KASHGAR-UZ_ANDIJAN" not in {leg.link for leg in route.legs}


def test_k_routes_are_distinct_loopless_and_ordered(network: Network) -> None:
    routes = find_routes(network, "Lianyungang", "Poti", by="cost", k=6)
    assert len(routes) == 6
    assert len({r.signature for r in routes}) == 6
    costs = [r.cost_usd_per_teu for r in routes]
    assert costs == sorted(costs)
    for r in routes:
        assert len(r.nodes) == len(set(r.nodes))
        _assert_totals(r)


def test_pareto_front_is_strictly_monotone(network: Network) -> None:
    front = pareto_routes(network, "Shanghai", "Duisburg")
    assert len(front) >= 2
    for a, b in pairwise(front):
        assert a.time_h < b.time_h and a.cost_usd_per_teu > b.cost_usd_per_teu
    fastest = find_routes(network, "Shanghai", "Duisburg", by="time")[0]
    cheapest = find_routes(network, "Shanghai", "Duisburg", by="cost")[0]
    assert front[0].time_h == pytest.approx(fastest.time_h)
    assert front[-1].cost_usd_per_teu == pytest.approx(cheapest.cost_usd_per_teu)


def test_route_json_shape(network: Network) -> None:
    data = find_routes(network, "Almaty", "Poti")[0].as_dict()
    for key in (
        "legs",
        "distance_km",
        "time_h",
        "cost_usd_per_teu",
        "co2_kg_per_teu",
        "countries",
        "border_crossings",
        "transshipments",
        "time_spread_h",
    ):
        assert key in data
    for leg in data["legs"]:
        assert {"from", "to", "mode", "distance_km", "time_h", "cost_usd_per_teu"} <= set(leg)
    assert math.isfinite(data["time_h"]) and data["countries"][0] == "KZ"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"by": "fast"}, "by must be one of"),
        ({"k": 0}, "k must be an integer"),
        ({"max_transshipments": -1}, "max_transshipments must be"),
        ({"modes": ["air"]}, "modes must be among"),
        ({"value_of_time": -1.0}, "value_of_time must be"),
        ({"avoid": ["KZ"]}, "cannot avoid KZ"),
    ],
)
def test_bad_options_are_refused(network: Network, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(OptionError, match=message):
        find_routes(network, "Almaty", "Poti", **kwargs)  # type: ignore[arg-type]


def test_same_origin_and_destination_is_refused(network: Network) -> None:
    with pytest.raises(OptionError, match="must differ"):
        find_routes(network, "Almaty", "KZ_ALMATY")
