"""Scenarios: bundled ones apply and compare; bad files and changes name file, line, field."""

from __future__ import annotations

from pathlib import Path

import pytest

from cajad.corridor import (
    Network,
    ScenarioError,
    UnknownScenarioError,
    apply_scenario,
    compare_scenario,
    find_routes,
    list_scenarios,
    load_scenario,
)
from cajad.corridor.compare import route_shares


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_named_scenarios_are_bundled() -> None:
    names = list_scenarios()
    assert {"faster-border", "more-caspian-ferries", "cku-railway", "red-sea-crisis"} <= set(names)


@pytest.mark.parametrize(
    "name", ["faster-border", "more-caspian-ferries", "cku-railway", "red-sea-crisis"]
)
def test_every_bundled_scenario_applies_and_compares(network: Network, name: str) -> None:
    scenario = load_scenario(name)
    changed = apply_scenario(network, scenario)
    assert changed is not network and len(network.links) == 102  # the base is untouched
    result = compare_scenario(network, scenario, k=2)
    assert result.name == name and len(result.pairs) == len(scenario.pairs)
    for pair in result.pairs:
        assert pair.base is not None and pair.scenario is not None
        for column in ("base", "scenario"):
            assert sum(getattr(s, column) for s in pair.shares) == pytest.approx(1.0)
    assert result.as_dict()["pairs"][0]["delta"]["time_h"] is not None


def test_faster_border_saves_time_and_names_its_project(network: Network) -> None:
    result = compare_scenario(network, load_scenario("faster-border"), by="time", k=1)
    assert "kz-aktau-port-customs" in result.projects
    first = result.pairs[0]
    assert first.delta("time_h") == pytest.approx(-67.4 / 2)  # one China-Kazakhstan crossing
    assert first.delta("cost_usd_per_teu") == pytest.approx(0.0)
    for pair in result.pairs:
        assert pair.delta("time_h") <= 1e-9  # type: ignore[operator]


def test_more_ferries_shorten_the_wait_at_aktau(network: Network) -> None:
    changed = apply_scenario(network, load_scenario("more-caspian-ferries"))
    before, after = network.figures("ferry:KZAAU-AZ_ALAT"), changed.figures("ferry:KZAAU-AZ_ALAT")
    assert before.wait_h == pytest.approx(24.0) and after.wait_h == pytest.approx(12.0)
    assert changed.links["ferry:KZAAU-AZ_ALAT"].capacity_teu_per_year == 161800
    source = changed.links["ferry:KZAAU-AZ_ALAT"].departures_source or ""
    assert source.startswith("illustrative: daily sailings")


def test_cku_railway_opens_a_shorter_route(network: Network) -> None:
    changed = apply_scenario(network, load_scenario("cku-railway"))
    before = find_routes(network, "Kashgar", "Tashkent")[0]
    after = find_routes(changed, "Kashgar", "Tashkent")[0]
    assert "rail:CN_KASHGAR-UZ_ANDIJAN" in {leg.link for leg in after.legs}
    assert "KG" in after.countries and "KZ" not in after.countries
    assert after.distance_km < before.distance_km - 1000 and after.time_h < before.time_h


def test_red_sea_crisis_moves_ships_round_the_cape(network: Network) -> None:
    changed = apply_scenario(network, load_scenario("red-sea-crisis"))
    route = find_routes(changed, "Shanghai", "Rotterdam", modes=["sea"])[0]
    assert "EG" not in route.countries and route.cost_usd_per_teu == pytest.approx(3980)


def test_shares_follow_the_logit() -> None:
    class R:
        def __init__(self, g: float) -> None:
            self.generalized_cost_usd_per_teu = g

    shares = route_shares([R(1000), R(1500)], 0.002)  # type: ignore[list-item]
    assert shares[1] / shares[0] == pytest.approx(2.718281828**-1)
    assert route_shares([], 0.002) == []


def test_unknown_scenario_lists_the_bundled_ones() -> None:
    with pytest.raises(UnknownScenarioError) as info:
        load_scenario("faster-borders")
    assert "faster-border" in info.value.available and isinstance(info.value, LookupError)


def test_bad_field_names_its_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "name: x\ntitle: t\nchanges:\n  - op: edit_link\n    id: a\n    sett: {}\n"
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [problem] = info.value.problems
    assert (problem.file, problem.line) == ("s.yaml", 6) and "sett" in problem.field


def test_unknown_link_names_the_change(network: Network, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        (
            "name: x\ntitle: t\nchanges:\n"
            "  - {op: remove_link, id: 'sea:JPYOK-CNLYG'}\n"
            "  - op: edit_link\n    id: rail:NOWHERE\n    set: {status: current}\n"
        ),
    )
    with pytest.raises(ScenarioError) as info:
        apply_scenario(network, load_scenario(path))
    [problem] = info.value.problems
    assert (
        problem.line == 6 and problem.field == "changes.1.id" and "rail:NOWHERE" in problem.reason
    )


def test_a_number_without_origin_is_refused(network: Network, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        (
            "name: x\ntitle: t\nchanges:\n"
            "  - op: edit_link\n    id: ferry:KZAAU-AZ_ALAT\n    set: {departures_per_week: 9}\n"
        ),
    )
    with pytest.raises(ScenarioError, match="needs departures_source"):
        apply_scenario(network, load_scenario(path))


def test_scaling_a_default_uses_the_value_in_force(network: Network, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        (
            "name: x\ntitle: t\nchanges:\n"
            "  - op: edit_link\n    id: border:KZ_ARYS-UZ_KELES\n    scale: {dwell_h: 2}\n"
            "    source: test\n"
        ),
    )
    changed = apply_scenario(network, load_scenario(path))
    assert network.links["border:KZ_ARYS-UZ_KELES"].dwell_h is None
    assert changed.figures("border:KZ_ARYS-UZ_KELES").dwell_h == pytest.approx(2 * 40.6)
    assert "x2" in (changed.links["border:KZ_ARYS-UZ_KELES"].dwell_source or "")


def test_add_and_remove_nodes_and_links(network: Network, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
name: anaklia
title: Anaklia deep-sea port
changes:
  - op: add_node
    node: {id: GE_ANAKLIA, name: Anaklia port, country: GE, kind: port,
           lat: 42.4, lon: 41.56, coord_source: approximate}
  - op: add_link
    link: {id: "rail:GE_TBILISI-GE_ANAKLIA", from: GE_TBILISI, to: GE_ANAKLIA, mode: rail,
           gauge: "1520"}
  - op: add_link
    link: {id: "sea:GE_ANAKLIA-ROCND", from: GE_ANAKLIA, to: ROCND, mode: sea,
           distance_km: 1100, distance_source: test}
  - op: remove_node
    id: GEPTI
""",
    )
    changed = apply_scenario(network, load_scenario(path))
    assert "GEPTI" not in changed.nodes
    assert not any("GEPTI" in (lk.from_node, lk.to_node) for lk in changed.links.values())
    route = find_routes(changed, "Tbilisi", "Constanta", modes=["rail", "sea"])[0]
    assert "GE_ANAKLIA" in route.nodes


def test_an_invalid_added_link_is_refused(network: Network, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        (
            "name: x\ntitle: t\nchanges:\n"
            "  - op: add_link\n"
            "    link: {id: 'rail:A-B', from: KZ_ALMATY, to: KZ_NOWHERE, mode: rail}\n"
        ),
    )
    with pytest.raises(ScenarioError) as info:
        apply_scenario(network, load_scenario(path))
    assert any("gauge" in p.reason for p in info.value.problems)
