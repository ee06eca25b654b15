"""Sensitive-area layers: distances, containment, refusal of bad files; and screening with one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from cajad.screening import LayerError, load_layer, screen_project
from cajad.screening.layers import Feature, Layer, haversine_km
from cajad.screening.subject import Place
from tests.screening.cases import locate

lat = st.floats(min_value=36, max_value=55)  # Central Asia's latitudes
lon = st.floats(min_value=46, max_value=87)


def _square(lon0: float, lat0: float, half: float) -> list[list[float]]:
    return [
        [lon0 - half, lat0 - half],
        [lon0 + half, lat0 - half],
        [lon0 + half, lat0 + half],
        [lon0 - half, lat0 + half],
        [lon0 - half, lat0 - half],
    ]


def _layer(tmp_path: Path, features: list[dict[str, object]]) -> Path:
    path = tmp_path / "sensitive.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _feature(name: str, kind: str, geometry: dict[str, object]) -> dict[str, object]:
    return {"type": "Feature", "properties": {"name": name, "kind": kind}, "geometry": geometry}


@given(lat, lon, lat, lon)
def test_haversine_is_a_distance(a: float, b: float, c: float, d: float) -> None:
    assert haversine_km(a, b, a, b) == pytest.approx(0, abs=1e-9)
    assert haversine_km(a, b, c, d) == pytest.approx(haversine_km(c, d, a, b))
    assert (
        haversine_km(a, b, c, d) <= haversine_km(a, b, 45, 66) + haversine_km(45, 66, c, d) + 1e-6
    )


@given(lat, lon, st.floats(min_value=0.01, max_value=0.5), st.floats(-3, 3), st.floats(-3, 3))
def test_polygon_distance_is_zero_inside_and_at_most_the_nearest_corner_outside(
    plat: float, plon: float, half: float, dx: float, dy: float
) -> None:
    ring = _square(plon, plat, half)
    polygon = ([(x, y) for x, y in ring],)
    layer = Layer("squares", "0" * 64, (Feature("square", "protected_area", polygons=(polygon,)),))
    place = Place("p", plat + dy * half, plon + dx * half)
    (hit,) = layer.hits([place], within_km=10_000)
    inside = abs(dx) < 1 and abs(dy) < 1
    if inside:
        assert hit.distance_km == 0
    else:
        corners = min(haversine_km(place.latitude, place.longitude, y, x) for x, y in ring)
        assert 0 <= hit.distance_km <= corners * 1.01 + 0.01


def test_point_features_and_holes(tmp_path: Path) -> None:
    outer, hole = _square(70.0, 41.0, 0.5), _square(70.0, 41.0, 0.1)
    path = _layer(
        tmp_path,
        [
            _feature(
                "Chatkal reserve",
                "protected_area",
                {"type": "Polygon", "coordinates": [outer, hole]},
            ),
            _feature(
                "Old mosque", "cultural_heritage", {"type": "Point", "coordinates": [70.3, 41.3]}
            ),
        ],
    )
    layer = load_layer(path)
    in_hole = layer.hits([Place("camp", 41.0, 70.0)], within_km=5)
    assert [h.feature for h in in_hole] == []  # 0.1° from the hole's edge is > 5 km
    near = layer.hits([Place("pit", 41.3, 70.31)], within_km=5)
    assert {h.feature for h in near} == {"Chatkal reserve", "Old mosque"}
    mosque = next(h for h in near if h.feature == "Old mosque")
    assert mosque.distance_km == pytest.approx(haversine_km(41.3, 70.31, 41.3, 70.3), abs=0.01)
    assert layer.label.startswith("sensitive (sha256 ")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not json", "cannot read"),
        ('{"type": "Feature"}', "FeatureCollection"),
        ('{"type": "FeatureCollection", "features": [{"properties": {"name": "x"}}]}', "'kind'"),
        (
            '{"type": "FeatureCollection", "features": [{"properties": {"name": "x", "kind": "k"},'
            ' "geometry": {"type": "Point", "coordinates": [200, 95]}}]}',
            "not a WGS 84",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"properties": {"name": "x", "kind": "k"},'
            ' "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}}]}',
            "Point, Polygon or MultiPolygon",
        ),
    ],
)
def test_bad_layers_are_refused(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    with pytest.raises(LayerError, match=reason):
        load_layer(path)


def test_a_mine_inside_a_protected_area_needs_a_biodiversity_assessment(
    cases: Engine, tmp_path: Path
) -> None:
    ident = "XM-CAJAD-TEST-COPPER-MINE"
    locate(cases, ident, "pit", "41.20", "69.90")
    reserve = _feature(
        "Chatkal Biosphere Reserve",
        "protected_area",
        {"type": "Polygon", "coordinates": [_square(69.9, 41.2, 0.2)]},
    )
    layer = load_layer(_layer(tmp_path, [reserve]))
    r = screen_project(cases, ident, layer=layer).result
    assert r["category_rule"] == "CAT.A-SENSITIVE-AREA"
    assert any(
        "0 km from protected_area 'Chatkal Biosphere Reserve'" in b for b in r["category_because"]
    )
    # Inside a protected area without a biodiversity assessment on file: pending, not blocked.
    assert r["outcomes"]["PS6.BIODIVERSITY"] == "missing" and r["red_flags"] == []
    assert "PS6.BIODIVERSITY" in {m["rule"] for m in r["missing_evidence"]}
    assert r["outcomes"]["SITE.LAYER"] == "fail"
    # Without the layer the same project is screened again, and the check says it was skipped.
    plain = screen_project(cases, ident).result
    assert plain["outcomes"]["SITE.LAYER"] == "skipped"
    assert plain["red_flags"] == []
