"""Loading the network: the bundled data is complete, and bad input names file, line, field."""

from __future__ import annotations

import csv
import math
import statistics
from pathlib import Path

import pytest

from cajad.corridor import Network, NetworkDataError, bundled_data_dir, load_network
from cajad.corridor._metrics import great_circle_km
from cajad.corridor._schema import LINK_NUMBERS


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, text in enumerate(_lines(path), start=1) if needle in text)


def test_bundled_network_loads(network: Network) -> None:
    assert len(network.nodes) >= 55 and len(network.links) >= 90
    kinds = {link.mode for link in network.links.values()}
    assert kinds == {"rail", "road", "sea", "ferry", "border"}
    assert network.graph.n_arcs > 2 * len(network.links)


def test_japan_has_sea_links_to_china_and_korea(network: Network) -> None:
    japan = {n.id for n in network.nodes.values() if n.country == "JP"}
    targets = {
        network.nodes[other].country
        for link in network.links.values()
        if link.mode == "sea"
        for end, other in ((link.from_node, link.to_node), (link.to_node, link.from_node))
        if end in japan
    }
    assert {"CN", "KR"} <= targets


def test_every_given_number_has_its_origin(network: Network) -> None:
    for link in network.links.values():
        for number, source in LINK_NUMBERS:
            if getattr(link, number) is not None:
                assert getattr(link, source), (link.id, number)


def test_every_parameter_names_unit_basis_and_source(network: Network) -> None:
    seen = 0

    def walk(obj: object) -> None:
        nonlocal seen
        if hasattr(obj, "basis") and hasattr(obj, "source"):
            seen += 1
            assert obj.basis in ("quoted", "derived", "calibrated", "assumed")  # type: ignore[attr-defined]
            assert len(obj.source) > 10  # type: ignore[attr-defined]
            return
        for value in vars(obj).values():
            if hasattr(value, "__dict__"):
                walk(value)

    walk(network.parameters)
    assert seen >= 30


def test_rail_circuity_is_the_median_of_the_measured_pairs(network: Network) -> None:
    """parameters.yaml says 1.13 is the median over the quoted or OSM-measured links."""
    ratios = []
    for link in network.links.values():
        a, b = network.nodes[link.from_node], network.nodes[link.to_node]
        source = link.distance_source or ""
        arithmetic = "split" in source or " less " in source
        measured = not arithmetic and (
            "OpenStreetMap" in source or source.startswith(("KTZ", "UIC", "AzerNews"))
        )
        if link.gauge and measured and link.mode in ("rail", "border") and a.lat is not None:
            ratios.append(link.distance_km / great_circle_km(a, b))  # type: ignore[operator]
    assert len(ratios) == 13
    assert statistics.median(ratios) == pytest.approx(
        network.parameters.rail.circuity.value, abs=0.005
    )


def test_ferry_wait_depends_on_departures(network: Network) -> None:
    aktau = network.figures("ferry:KZAAU-AZ_ALAT")
    assert network.links["ferry:KZAAU-AZ_ALAT"].departures_per_week == 3.5
    assert aktau.wait_h == pytest.approx(168 / 3.5 / 2)
    assert aktau.variance_h2 > (168 / 3.5) ** 2 / 12


def test_gauge_change_at_the_china_kazakhstan_border(network: Network) -> None:
    crossing = network.links["border:CN_KHORGOS-KZ_ALTYNKOL"]
    assert crossing.changes_gauge and crossing.gauge == (1435, 1520)
    assert network.figures(crossing.id).dwell_h == pytest.approx(67.4)


def test_source_md_keeps_attribution() -> None:
    text = (bundled_data_dir() / "SOURCE.md").read_text(encoding="utf-8")
    for needle in ("ODbL", "OpenStreetMap contributors", "share-alike", "Apache-2.0", "facts.md"):
        assert needle in text
    assert (bundled_data_dir() / "source" / "SOURCE.md").is_file()


def test_bad_number_names_file_line_and_field(data_copy: Path) -> None:
    path = data_copy / "links.csv"
    rows = _lines(path)
    target = _line_of(path, "rail:KZ_ALTYNKOL-KZ_ZHETYGEN")
    rows[target - 1] = rows[target - 1].replace(",293,", ",-5,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(NetworkDataError) as info:
        load_network(data_copy)
    problem = info.value.problems[0]
    assert (problem.file, problem.line, problem.field) == ("links.csv", target, "distance_km")
    assert "greater than 0" in problem.reason and f"links.csv:{target}" in str(info.value)


def test_every_bad_row_is_reported(data_copy: Path) -> None:
    path = data_copy / "nodes.csv"
    with path.open("a", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["XX1", "Bad", "", "kz", "city"] + [""] * 9)
        writer.writerow(["XX2", "Worse", "", "KZ", "village"] + [""] * 9)
    with pytest.raises(NetworkDataError) as info:
        load_network(data_copy)
    fields = {(p.field, p.line) for p in info.value.problems}
    total = len(_lines(path))
    assert ("country", total - 1) in fields and ("kind", total) in fields


def test_number_without_source_is_refused(data_copy: Path) -> None:
    path = data_copy / "links.csv"
    quoted = "KTZ via Oceansky news and UNESCAP 2016 mission report: Zhetygen-Altynkol line 293 km"
    text = path.read_text(encoding="utf-8").replace(f"{quoted} (facts.md s.5)", "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NetworkDataError, match="every number needs its origin"):
        load_network(data_copy)


def test_unknown_endpoint_is_refused_with_its_line(data_copy: Path) -> None:
    path = data_copy / "links.csv"
    text = path.read_text(encoding="utf-8").replace(
        "rail:UZ_KELES-UZ_TASHKENT,UZ_KELES,", "rail:UZ_KELES-UZ_TASHKENT,UZ_NOWHERE,"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NetworkDataError) as info:
        load_network(data_copy)
    [problem] = info.value.problems
    assert problem.field == "from" and "UZ_NOWHERE" in problem.reason
    assert problem.line == _line_of(path, "UZ_NOWHERE")


def test_bad_parameter_names_its_yaml_line(data_copy: Path) -> None:
    path = data_copy / "parameters.yaml"
    rows = _lines(path)
    target = next(i for i, t in enumerate(rows, start=1) if "basis: calibrated" in t)
    rows[target - 1] = rows[target - 1].replace("calibrated", "guessed")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(NetworkDataError) as info:
        load_network(data_copy)
    [problem] = info.value.problems
    assert problem.file == "parameters.yaml" and problem.line == target
    assert problem.field.endswith("basis")


def test_missing_distance_without_coordinates_is_refused(data_copy: Path) -> None:
    path = data_copy / "nodes.csv"
    rows = _lines(path)
    target = _line_of(path, "KZ_ZHETYGEN,Zhetygen junction")
    cells = next(csv.reader([rows[target - 1]]))
    cells[5] = cells[6] = ""
    rows[target - 1] = ",".join(f'"{c}"' for c in cells)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(NetworkDataError) as info:
        load_network(data_copy)
    assert any(
        p.field == "distance_km" and "no coordinates" in p.reason for p in info.value.problems
    )


def test_great_circle_is_symmetric_and_plausible(network: Network) -> None:
    a, b = network.nodes["JPYOK"], network.nodes["NLRTM"]
    assert great_circle_km(a, b) == pytest.approx(great_circle_km(b, a))
    assert 9000 < great_circle_km(a, b) < 9500
    assert math.isclose(great_circle_km(a, a), 0.0, abs_tol=1e-9)
