"""The corridor's API and portal page: the CLI's shapes, the one error shape, the map, scenarios.

The API answers what ``cajad route --json`` and ``cajad scenario --json`` print (checked against
the commands themselves); the page shows the API's figures; nothing comes from another host.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import typer
from fastapi import FastAPI
from typer.testing import CliRunner

from cajad.corridor import list_scenarios
from cajad.corridor.cli import register
from cajad.web.corridor_service import Corridor

from .conftest import TestClient
from .links import external, parse
from .test_error_shape import assert_shape

YOKOHAMA_TASHKENT = {"from": "Yokohama", "to": "Tashkent", "k": "3"}
LEG_KEYS = {"from", "to", "mode", "distance_km", "time_h", "cost_usd_per_teu"}
ROUTE_KEYS = {
    "legs",
    "distance_km",
    "time_h",
    "cost_usd_per_teu",
    "co2_kg_per_teu",
    "countries",
    "border_crossings",
    "transshipments",
}


@pytest.fixture(scope="module")
def cli() -> typer.Typer:
    application = typer.Typer()
    register(application)
    return application


def run_cli(cli: typer.Typer, *args: str) -> Any:
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def get(client: TestClient, url: str, status: int = 200, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == status, response.text[:500]
    return response.json()


# --- API -------------------------------------------------------------------------------------


def test_nodes_have_a_position_and_a_kind(client: TestClient) -> None:
    nodes = get(client, "/api/corridor/nodes")
    assert len(nodes) == 66
    assert {n["kind"] for n in nodes} == {"city", "port", "border", "hub"}
    yokohama = next(n for n in nodes if n["id"] == "JPYOK")
    assert yokohama == {
        "id": "JPYOK",
        "name": "Yokohama",
        "aliases": ["Yokohama"],
        "country": "JP",
        "kind": "port",
        "lon": 139.63452,
        "lat": 35.45755,
    }


@pytest.mark.parametrize(
    ("params", "args"),
    [
        (YOKOHAMA_TASHKENT, ["Yokohama", "Tashkent", "-k", "3"]),
        (
            {"from": "CN_XIAN", "to": "duisburg", "by": "cost", "avoid": "RU,EG", "k": "2"},
            ["CN_XIAN", "duisburg", "--by", "cost", "--avoid", "RU,EG", "-k", "2"],
        ),
        (
            {"from": "Xi'an", "to": "Duisburg", "mode": ["rail"], "max_transshipments": "2"},
            ["Xi'an", "Duisburg", "--mode", "rail", "--max-transshipments", "2"],
        ),
        (
            {"from": "Xi'an", "to": "Baku", "avoid": "RU", "class": "consignment"},
            ["Xi'an", "Baku", "--avoid", "RU", "--class", "consignment"],
        ),
    ],
)
def test_route_answers_what_the_cli_prints(
    client: TestClient, cli: typer.Typer, params: dict[str, Any], args: list[str]
) -> None:
    assert get(client, "/api/corridor/route", **params) == run_cli(cli, "route", *args)


def test_route_legs_are_explained_and_add_up(client: TestClient) -> None:
    data = get(client, "/api/corridor/route", **YOKOHAMA_TASHKENT)
    assert (data["from"], data["to"], data["by"]) == ("JPYOK", "UZ_TASHKENT", "scheduled")
    routes = data["routes"]
    assert len(routes) == 3
    assert [r["scheduled_h"] for r in routes] == sorted(r["scheduled_h"] for r in routes)
    assert data["conditions"]["service"] == "block-train"
    for route in routes:
        assert set(route) >= ROUTE_KEYS
        assert route["countries"][0] == "JP" and route["countries"][-1] == "UZ"
        assert route["legs"][0]["from"] == "JPYOK" and route["legs"][-1]["to"] == "UZ_TASHKENT"
        for leg in route["legs"]:
            assert set(leg) >= LEG_KEYS
        for figure, places in (("time_h", 2), ("cost_usd_per_teu", 2), ("distance_km", 1)):
            total = sum(leg[figure] for leg in route["legs"])
            assert route[figure] == pytest.approx(total, abs=10**-places * len(route["legs"]))


def test_pareto_routes_are_not_dominated(client: TestClient, cli: typer.Typer) -> None:
    data = get(client, "/api/corridor/pareto", **{"from": "Shanghai", "to": "Duisburg"})
    assert data == run_cli(cli, "route", "Shanghai", "Duisburg", "--pareto")
    assert data["by"] == "pareto"
    points = [(r["time_h"], r["cost_usd_per_teu"]) for r in data["routes"]]
    assert len(points) >= 2
    assert points == sorted(points)
    assert [c for _, c in points] == sorted((c for _, c in points), reverse=True)


@pytest.mark.parametrize(
    ("params", "field", "hint"),
    [
        ({"from": "Yokohamma", "to": "Tashkent"}, "from", "did you mean: JPYOK (Yokohama)"),
        ({"from": "Yokohama", "to": "Tashkend"}, "to", "UZ_TASHKENT (Tashkent-Tovarny)"),
        ({"from": "Yokohama", "to": "Tashkent", "avoid": "Narnia"}, "avoid", "did you mean"),
        ({"from": "Yokohama", "to": "Tashkent", "avoid": "JP"}, "avoid", "cannot avoid JP"),
        ({"from": "Yokohama", "to": "yokohama"}, "to", "must differ"),
        ({"from": "Yokohama", "to": "Tashkent", "k": "0"}, "k", "greater than or equal to 1"),
        ({"from": "Yokohama", "to": "Tashkent", "k": "51"}, "k", "less than or equal to 50"),
        ({"from": "Yokohama", "to": "Tashkent", "by": "fast"}, "by", "'time', 'cost'"),
        ({"from": "Yokohama", "to": "Tashkent", "mode": "air"}, "mode.0", "'rail'"),
        (
            {"from": "Yokohama", "to": "Tashkent", "max_transshipments": "-1"},
            "max_transshipments",
            "",
        ),
        ({"to": "Tashkent"}, "from", "field required"),
    ],
)
def test_refused_places_and_options_are_422_naming_the_field(
    client: TestClient, params: dict[str, str], field: str, hint: str
) -> None:
    error = assert_shape(get(client, "/api/corridor/route", 422, **params), 422)
    assert [e["field"] for e in error["errors"]] == [field]
    assert hint in error["detail"]


def test_no_route_and_no_scenario_are_404_in_the_shape(client: TestClient) -> None:
    params = {"from": "Yokohama", "to": "Tashkent", "mode": "sea"}
    error = assert_shape(get(client, "/api/corridor/route", 404, **params), 404)
    assert error["detail"] == (
        "no route from Yokohama (JPYOK) to Tashkent-Tovarny (UZ_TASHKENT) by sea only"
    )
    error = assert_shape(get(client, "/api/corridor/scenarios/no-such", 404), 404)
    assert "no scenario 'no-such'" in error["detail"] and "faster-border" in error["detail"]
    # a scenario is a bundled name, never a path the API would read
    assert_shape(get(client, "/api/corridor/scenarios/..%2F..%2Fetc%2Fpasswd", 404), 404)


def test_scenarios_name_their_projects_that_the_register_holds(client: TestClient) -> None:
    listed = get(client, "/api/corridor/scenarios")
    assert [s["name"] for s in listed] == list_scenarios()
    by_name = {s["name"]: s for s in listed}
    faster = by_name["faster-border"]
    assert faster["projects"] == ["kz-aktau-port-customs"]
    assert [p["identifier"] for p in faster["registered"]] == ["kz-aktau-port-customs"]
    assert by_name["cku-railway"]["registered"] == []
    only = get(client, "/api/corridor/scenarios", project="kz-aktau-port-customs")
    assert [s["name"] for s in only] == ["faster-border"]


@pytest.mark.parametrize("name", ["faster-border", "red-sea-crisis"])
def test_scenario_answers_the_comparison_the_cli_prints(
    client: TestClient, cli: typer.Typer, name: str
) -> None:
    data = get(client, f"/api/corridor/scenarios/{name}")
    assert data == run_cli(cli, "scenario", name)
    pair = data["pairs"][0]
    assert set(pair) == {
        "origin",
        "destination",
        "origin_name",
        "destination_name",
        "base",
        "scenario",
        "delta",
        "shares",
    }
    assert data["changes"] and data["asked"] is False
    assert sum(s["scenario"] for s in pair["shares"]) == pytest.approx(1, abs=1e-3)


def test_the_network_is_built_once_per_app(app: FastAPI, client: TestClient) -> None:
    get(client, "/api/corridor/route", **YOKOHAMA_TASHKENT)
    corridor = app.state.corridor
    assert isinstance(corridor, Corridor)
    network = corridor.network
    get(client, "/api/corridor/nodes")
    get(client, "/api/corridor/scenarios/faster-border")
    assert app.state.corridor is corridor and corridor.network is network


def test_openapi_documents_the_corridor(client: TestClient) -> None:
    paths = get(client, "/api/openapi.json")["paths"]
    for path in ("nodes", "route", "pareto", "scenarios", "scenarios/{name}", "flows"):
        assert f"/api/corridor/{path}" in paths
    route = paths["/api/corridor/route"]["get"]
    assert {p["name"] for p in route["parameters"]} >= {"from", "to", "by", "avoid", "k", "mode"}


# --- the page --------------------------------------------------------------------------------

FIGURE = re.compile(r'data-figure="(\w+)"><data value="([^"]*)"')


def rows(html: str, testid: str) -> list[dict[str, float]]:
    """The figures (``data-figure`` → ``<data value>``) of each ``<tr data-testid=…>``."""
    chunks = html.split(f'<tr data-testid="{testid}"')[1:]
    return [
        {k: float(v) for k, v in FIGURE.findall(chunk.split("</tr>", 1)[0])} for chunk in chunks
    ]


def corridor_page(client: TestClient, status: int = 200, **params: Any) -> str:
    response = client.get("/corridor", params=params)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return str(response.text)


def test_the_page_shows_the_api_routes_and_legs(client: TestClient) -> None:
    html = corridor_page(client, **YOKOHAMA_TASHKENT)
    api = get(client, "/api/corridor/route", **YOKOHAMA_TASHKENT)["routes"]
    shown = rows(html, "route-row")
    assert len(shown) == len(api) == 3
    for figures, route in zip(shown, api, strict=True):
        assert len(figures) == 11  # scheduled, P10/P50/P90, the network's time, money, CO2...
        assert all(figures[k] == route[k] for k in figures)
    legs = rows(html.split('data-testid="legs-1"', 1)[1].split("</section>", 1)[0], "leg")
    assert len(legs) == len(api[0]["legs"])
    for figures, leg in zip(legs, api[0]["legs"], strict=True):
        assert figures == {k: leg[k] for k in figures} and len(figures) == 4
    data = json.loads(html.split('id="map-data">', 1)[1].split("</script>", 1)[0])
    assert [r["rank"] for r in data["routes"]] == [1, 2, 3]
    best = data["routes"][0]
    assert (best["x"][0], best["y"][0]) == (139.63452, 35.45755)  # starts at Yokohama
    assert (best["x"][-2], best["y"][-2]) == (69.30465, 41.29772)  # ends in Tashkent


def test_the_page_draws_a_local_map_and_refers_to_nothing_outside(client: TestClient) -> None:
    html = corridor_page(client)
    links = parse(html)
    assert external(links.urls) == set()
    assert "corridor-map" in links.testids
    assert {"/vendor/plotly.min.js", "/static/corridor.js", "/static/corridor.css"} <= {
        url for _tag, url in links.urls
    }
    assert "scattergeo" not in client.get("/static/corridor.js").text
    outlines = client.get("/corridor/countries.json")
    assert outlines.headers["cache-control"] == "public, max-age=86400"
    shapes = outlines.json()
    for group in ("land", "focus"):
        assert len(shapes[group]["x"]) == len(shapes[group]["y"]) > 500


def test_the_examples_offered_find_routes(client: TestClient) -> None:
    examples = re.findall(r'<a href="(/corridor\?from=[^"]+)"', corridor_page(client))
    assert len(examples) == 3
    for url in examples:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
        assert 'data-testid="route-row"' in response.text


def test_a_place_the_model_does_not_know_is_shown_by_the_form(client: TestClient) -> None:
    html = corridor_page(client, 422, **{"from": "Yokohamma", "to": "Tashkent"})
    assert 'data-testid="route-error"' in html and "JPYOK (Yokohama)" in html
    assert 'value="Yokohamma"' in html  # the form keeps what was typed
    html = corridor_page(client, 404, **{"from": "Yokohama", "to": "Tashkent", "mode": "sea"})
    assert "no route from Yokohama" in html


def test_the_page_lists_the_bundled_scenarios(client: TestClient) -> None:
    html = corridor_page(client)
    names = re.findall(r'data-testid="scenario-item" data-scenario="([^"]+)"', html)
    assert names == list_scenarios()
    assert 'href="/projects/kz-aktau-port-customs"' in html


def test_a_scenario_is_shown_beside_the_base(client: TestClient) -> None:
    html = corridor_page(client, scenario="faster-border")
    api = get(client, "/api/corridor/scenarios/faster-border")
    assert html.count('data-testid="comparison-pair"') == len(api["pairs"])
    first = html.split('data-testid="comparison-pair"')[1]
    base = api["pairs"][0]["base"]
    assert f'<data value="{base["time_h"]}">' in first
    assert f'value="{api["pairs"][0]["delta"]["time_h"]}">' in first
    attached = re.findall(r'<a href="(/projects/[^"]+)" data-testid="attached-project"', html)
    assert attached == ["/projects/kz-aktau-port-customs"]
    assert client.get(attached[0]).status_code == 200
    assert "no scenario" in corridor_page(client, 404, scenario="no-such")


def test_the_project_page_lists_the_scenarios_naming_it(client: TestClient) -> None:
    html = client.get("/projects/kz-aktau-port-customs").text
    section = html.split('data-testid="corridor-scenarios"', 1)[1].split("</section>", 1)[0]
    assert 'href="/corridor?scenario=faster-border#scenarios"' in section
    delta = get(client, "/api/corridor/scenarios/faster-border")["pairs"][0]["delta"]
    assert f'value="{delta["time_h"]}"' in section
    other = get(client, "/api/projects", limit=1)["items"][0]["identifier"]
    assert 'data-testid="corridor-scenarios"' not in client.get(f"/projects/{other}").text


def test_scenarios_api_says_what_each_changes(client: TestClient) -> None:
    listed = {s["name"]: s for s in get(client, "/api/corridor/scenarios")}
    assert listed["cku-railway"]["changes"] == [
        "Kashgar–Andijan rail line: opened (planned until now)"
    ]


def test_the_api_runs_a_scenario_on_the_route_asked(client: TestClient, cli: typer.Typer) -> None:
    asked = {"from": "Nagoya", "to": "Istanbul", "avoid": "RU", "k": "2"}
    data = get(client, "/api/corridor/scenarios/faster-border", **asked)
    assert data["asked"] is True and len(data["pairs"]) == 1
    assert data == run_cli(
        cli, "scenario", "faster-border", "--from", "Nagoya", "--to", "Istanbul", "--avoid", "RU",
        "-k", "2",
    )  # fmt: skip
    labels = [s["label"] for s in data["pairs"][0]["shares"]]
    assert len(labels) == len(set(labels))
    error = assert_shape(
        get(client, "/api/corridor/scenarios/faster-border", 422, **{"from": "Nagoya"}), 422
    )
    assert error["errors"][0]["field"] == "to"
    error = assert_shape(
        get(
            client,
            "/api/corridor/scenarios/faster-border",
            422,
            **{"from": "Nagoyya", "to": "Baku"},
        ),
        422,
    )
    assert error["errors"][0]["field"] == "from"


def test_the_class_of_service_is_asked_kept_and_stated(client: TestClient) -> None:
    """A consignment's realised times are longer than a block train's on the same route and
    date; the page keeps the class in its form and says what the times are for."""
    asked = {"from": "Xi'an", "to": "Baku", "avoid": "RU", "as_of": "2025-07-01"}
    block = get(client, "/api/corridor/route", **asked)
    consignment = get(client, "/api/corridor/route", **asked, **{"class": "consignment"})
    assert consignment["conditions"]["service"] == "consignment"
    first, second = block["routes"][0], consignment["routes"][0]
    assert second["scheduled_h"] == first["scheduled_h"] and second["p50_h"] > first["p50_h"]
    html = corridor_page(client, **asked, **{"class": "consignment"})
    assert '<option value="consignment" selected>' in html
    assert "waits for space at ports and ferries." in html
    assert client.get("/api/corridor/route", params={**asked, "class": "pilot"}).status_code == 422


def test_the_page_gives_times_as_of_a_date_with_their_badges(client: TestClient) -> None:
    asked = {"from": "Nagoya", "to": "Istanbul", "avoid": "RU", "as_of": "2025-01-15"}
    html = corridor_page(client, **asked)
    api = get(client, "/api/corridor/route", **asked, k=3)
    assert 'data-testid="conditions" data-state="caspian-winter-2024-25"' in html
    assert 'value="2025-01-15"' in html  # the form keeps the date
    shown = rows(html, "route-row")
    for figures, route in zip(shown, api["routes"], strict=True):
        for key in ("scheduled_h", "p10_h", "p50_h", "p90_h"):
            assert figures[key] == route[key], key
    first_row = html.split('<tr data-testid="route-row"', 2)[1]
    badges = re.findall(r'data-flag="(\w+)" href="/corridor/glossary#\1"', first_row)
    provenance = api["routes"][0]["provenance"]
    assert badges == [provenance["scheduled_h"]["flag"], provenance["p50_h"]["flag"]]
    for header in (
        "Days on schedule",
        "Days as shipped",
        "USD per container",
        "kg CO2 per container",
    ):
        assert header in html
    assert "Spread h" not in html and "Generalized USD/TEU" not in html
    # a named state instead of a date: the same routes, its own wait, what it changes
    html = corridor_page(client, **{**asked, "as_of": "", "scenario": "caspian-winter-2024-25"})
    state = html.split('data-testid="state"', 1)[1].split("</article>", 1)[0]
    assert "What it changes:" in state and "median wait at a Caspian port" in state
    assert corridor_page(client, 422, **{**asked, "as_of": "2025-13-01"}).count("as_of must be")


def test_a_scenario_chosen_with_a_route_runs_on_that_route(client: TestClient) -> None:
    asked = {"from": "Nagoya", "to": "Istanbul", "avoid": "RU", "scenario": "faster-border"}
    html = corridor_page(client, **asked)
    comparison = html.split('data-testid="comparison"', 1)[1]
    assert comparison.count('data-testid="comparison-pair"') == 1
    assert 'data-origin="JPNGO" data-destination="TR_HALKALI"' in comparison
    assert 'data-testid="asked-route"' in comparison
    changes = comparison.split('data-testid="scenario-changes"', 1)[1].split("</div>", 1)[0]
    assert "Khorgos–Altynkol border crossing: dwell halved" in changes
    shares = re.findall(r'<tr data-testid="share-row"><td>([^<]+)</td>', comparison)
    assert shares and len(shares) == len(set(shares))


def test_the_glossary_explains_every_badge_and_heading_linked(client: TestClient) -> None:
    glossary = client.get("/corridor/glossary")
    assert glossary.status_code == 200
    anchors = set(re.findall(r'<dt id="([\w-]+)" data-testid="term"', glossary.text))
    assert {"sourced", "derived", "fitted", "assumed", "shadow-price", "saturated"} <= anchors
    pages = [
        corridor_page(client, **YOKOHAMA_TASHKENT, scenario="faster-border"),
        client.get("/corridor/flows").text,
    ]
    for html in pages:
        linked = set(re.findall(r'href="/corridor/glossary#([\w-]+)"', html))
        assert linked and linked <= anchors, linked - anchors


def test_the_flows_page_lists_saturated_links_and_their_shadow_prices(client: TestClient) -> None:
    api = get(client, "/api/corridor/flows")
    assert api["bottlenecks"], "the bundled demand fills some link or port"
    for b in api["bottlenecks"]:
        assert b["saturated"] and b["shadow_price_usd_per_teu"] > 0
    prices = [b["shadow_price_usd_per_teu"] for b in api["bottlenecks"]]
    assert prices == sorted(prices, reverse=True)
    html = client.get("/corridor/flows").text
    shown = rows(html, "bottleneck")
    assert len(shown) == len(api["bottlenecks"])
    for figures, b in zip(shown, api["bottlenecks"], strict=True):
        assert figures["shadow_price_usd_per_teu"] == b["shadow_price_usd_per_teu"]
    names = re.findall(
        r'<tr data-testid="bottleneck" data-element="[^"]+">\s*<td>([^<]+)</td>', html
    )
    assert names == [b["name"] for b in api["bottlenecks"]]
    assert not [n for n in names if ":" in n.split(" ")[0]]  # readable, not link ids
    ferries = get(client, "/api/corridor/flows", scenario="more-caspian-ferries")
    assert ferries["scenario"] == "more-caspian-ferries" and ferries != api
    assert_shape(get(client, "/api/corridor/flows", 404, scenario="no-such"), 404)
    assert client.get("/corridor/flows", params={"scenario": "no-such"}).status_code == 404


def test_the_project_page_says_what_its_scenario_changes(client: TestClient) -> None:
    html = client.get("/projects/kz-aktau-port-customs").text
    section = html.split('data-testid="corridor-scenarios"', 1)[1].split("</section>", 1)[0]
    changes = section.split('data-testid="scenario-changes"', 1)[1].split("</div>", 1)[0]
    assert "Aktau: transfer time halved" in changes
    assert "Alashankou–Dostyk border crossing: dwell halved" in changes


# --- in a browser ----------------------------------------------------------------------------


@pytest.mark.browser
def test_a_route_is_highlighted_on_the_map_with_its_legs(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/corridor")
    page.get_by_test_id("from").fill("Yokohama")
    page.get_by_test_id("to").fill("Tashkent")
    with page.expect_navigation():
        page.get_by_test_id("route-submit").click()
    page.locator('[data-testid="corridor-map"][data-drawn]').wait_for()
    drawn = page.evaluate(
        """() => document.getElementById("corridor-map").data
            .filter(t => typeof t.meta === "number")
            .map(t => ({rank: t.meta, width: t.line.width, points: t.x.length}))"""
    )
    best = next(t for t in drawn if t["rank"] == 1)
    assert best["width"] > max(t["width"] for t in drawn if t["rank"] != 1)
    assert best["points"] > 10
    assert page.locator("#corridor-map .scatterlayer .trace").count() >= 10
    assert page.get_by_test_id("legs-1").locator("table").is_visible()

    api = page.request.get(
        f"{live_server}/api/corridor/route", params={"from": "Yokohama", "to": "Tashkent", "k": "3"}
    ).json()["routes"]
    shown = page.get_by_test_id("route-row")
    assert shown.count() == len(api)
    for i, route in enumerate(api):
        for figure in ("time_h", "cost_usd_per_teu", "co2_kg_per_teu", "distance_km"):
            cell = shown.nth(i).locator(f'[data-figure="{figure}"] data')
            assert float(cell.get_attribute("value")) == route[figure]
    legs = page.get_by_test_id("legs-1").get_by_test_id("leg")
    assert legs.count() == len(api[0]["legs"])

    shown.nth(1).click()  # another route, chosen in the table, is highlighted instead
    widths = page.evaluate(
        """() => Object.fromEntries(document.getElementById("corridor-map").data
            .filter(t => typeof t.meta === "number").map(t => [t.meta, t.line.width]))"""
    )
    assert widths["2"] > widths["1"]
    assert "selected" in (shown.nth(1).get_attribute("class") or "")


@pytest.mark.browser
def test_the_route_page_as_of_a_date_under_a_scenario_with_badges(
    page: Any, live_server: str
) -> None:
    """A planner asks Nagoya-Istanbul avoiding Russia as of the bad winter, then with a
    scenario: the times are the API's, each with its badge, and the scenario runs on the
    route asked."""
    page.goto(f"{live_server}/corridor")
    page.get_by_test_id("from").fill("Nagoya")
    page.get_by_test_id("to").fill("Istanbul")
    page.get_by_test_id("avoid").fill("RU")
    page.get_by_test_id("as-of").fill("2025-01-15")
    with page.expect_navigation():
        page.get_by_test_id("route-submit").click()
    assert page.get_by_test_id("conditions").get_attribute("data-state") == (
        "caspian-winter-2024-25"
    )
    params = {"from": "Nagoya", "to": "Istanbul", "avoid": "RU", "as_of": "2025-01-15", "k": "3"}
    api = page.request.get(f"{live_server}/api/corridor/route", params=params).json()
    first = page.get_by_test_id("route-row").first
    for figure in ("scheduled_h", "p10_h", "p50_h", "p90_h"):
        value = first.locator(f'[data-figure="{figure}"] data').get_attribute("value")
        assert float(value) == api["routes"][0][figure]
    badges = first.locator("a.badge.flag")
    assert badges.count() == 2 and badges.first.is_visible()
    provenance = api["routes"][0]["provenance"]
    assert badges.first.get_attribute("data-flag") == provenance["scheduled_h"]["flag"]
    assert badges.nth(1).get_attribute("title")  # the badge says what its flag means

    page.get_by_test_id("route-scenario").select_option("faster-border")
    with page.expect_navigation():
        page.get_by_test_id("route-submit").click()
    pair = page.get_by_test_id("comparison-pair")
    assert pair.count() == 1
    assert pair.get_attribute("data-origin") == "JPNGO"
    assert "Nagoya → Istanbul" in pair.locator("h4").inner_text()
    assert "dwell halved" in page.get_by_test_id("comparison").inner_text()
    assert "as_of=2025-01-15" in page.url and "scenario=faster-border" in page.url

    with page.expect_navigation():
        badges = page.get_by_test_id("route-row").first.locator("a.badge.flag")
        badges.first.click()
    assert "/corridor/glossary#" in page.url
    assert page.locator(f"dt#{page.url.rsplit('#', 1)[1]}").is_visible()
