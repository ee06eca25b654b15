"""The portal's pages, in process: they render, link only to themselves, and show the API's figures.

Nothing may come from another host: every ``src``/``href``/``action`` is local, except links to
a project's own source documents.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest

import cajad.web
from cajad.tracker.counted import Uncounted
from cajad.web.middleware import CONTENT_SECURITY_POLICY

from .conftest import TestClient
from .links import Links, crawl, external, parse, project_sources

PAGES = [
    "/",
    "/?currency=USD&measure=signed",
    "/projects",
    "/quality",
    "/method",
    "/api/docs",
    "/nowhere",
]


def html(client: TestClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return str(response.text)


@pytest.mark.parametrize("url", PAGES)
def test_pages_refer_to_nothing_outside(client: TestClient, url: str) -> None:
    text = html(client, url, 404 if url == "/nowhere" else 200)
    links = parse(text)
    assert links.urls, "a page with no links or assets at all is suspicious"
    assert external(links.urls) == set()
    assert "cdn" not in text.lower()


def test_every_local_link_answers_and_only_sources_link_out(client: TestClient) -> None:
    """Crawl the portal from the dashboard: no broken link, no page that fails, and no link
    to another host but a project's own source documents."""

    def follow(_page: str, target: str) -> bool:
        if "?" in target and not target.startswith("/projects?"):
            return False  # the same page in another currency, measure or filter
        return not (target.startswith("/projects?") and "page=" not in target)

    seen = crawl(client, "/", follow=follow, allowed=project_sources(client))
    assert len([u for u in seen if u.startswith("/projects/")]) > 50
    assert {"/vendor/plotly.min.js", "/static/cajad.css", "/quality", "/api/docs"} <= seen


def test_static_assets_are_local_and_licensed(client: TestClient) -> None:
    plotly = client.get("/vendor/plotly.min.js")
    assert plotly.status_code == 200 and "javascript" in plotly.headers["content-type"]
    assert b"plotly.js" in plotly.content[:200]
    swagger = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert swagger.status_code == 200
    vendor = resources.files(cajad.web) / "static" / "vendor" / "swagger-ui"
    assert (vendor / "LICENSE").is_file() and (vendor / "NOTICE").is_file()
    css = client.get("/static/cajad.css").text
    assert "http" not in css and "@import" not in css and "@font-face" not in css


def test_security_headers_keep_the_browser_home(client: TestClient) -> None:
    for url in ("/", "/api/projects", "/static/cajad.css"):
        headers = client.get(url).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY


def values(links: Links, prefix: str) -> dict[str, str | None]:
    return {k: v.get("value") for k, v in links.testids.items() if k.startswith(prefix)}


@pytest.mark.parametrize("currency", ["JPY", "EUR", "UZS"])
def test_dashboard_shows_the_api_figures(client: TestClient, currency: str) -> None:
    page = parse(html(client, f"/?currency={currency}"))
    shown = page.testids
    api = client.get("/api/progress", params={"currency": currency}).json()
    assert shown["total"]["value"] == api["total"]
    assert shown["goal"]["value"] == api["goal"]
    assert shown["share"]["value"] == api["share_of_goal"]
    for measure, amount in api["measures"].items():
        assert shown[f"measure-{measure}"]["value"] == amount
    projection = html(client, f"/?currency={currency}").split('data-testid="pace-projection"')[1]
    if api["pace"]["projection_low"] is None:
        assert projection.split("</dd>")[0].endswith("too early to project")
    else:
        assert f'value="{api["pace"]["projection_low"]}"' in projection.split("</dd>")[0]
    composition = html(client, f"/?currency={currency}").split('data-testid="composition"')[1]
    for part in api["composition"]:
        key = f"{part['basis']}-{part['evidence']}-{part['status']}"
        row = composition.split(f'data-testid="composition-{key}"')[1].split("</tr>")[0]
        assert f'value="{part["total"]}"' in row


def test_dashboard_breakdown_rows_are_the_apis(client: TestClient) -> None:
    text = html(client, "/")
    for by in ("pillar", "country", "instrument", "year"):
        api = client.get("/api/progress", params={"by": by}).json()["breakdown"]
        assert api
        for row in api:
            marker = f'data-testid="breakdown-{by}-{row["key"]}"'
            assert marker in text
            chunk = text.split(marker, 1)[1].split("</tr>", 1)[0]
            assert f'value="{row["total"]}"' in chunk
            assert f'value="{row["share"]}"' in chunk
        assert text.count(f'data-testid="breakdown-{by}-') == len(api)


def test_dashboard_names_the_parts_and_the_data_date(client: TestClient) -> None:
    """The headline names its basis, zeros and unknown-area aggregates are shown, and the
    page's date is the data's, not today's."""
    text = html(client, "/")
    api = client.get("/api/progress", params={"by": "pillar"}).json()
    headline = text.split('data-testid="headline">', 1)[1].split("</p>", 1)[0]
    assert headline == api["headline"]
    assert "itemised and signed" in headline and "unitemised aggregate" in headline
    assert f'<time datetime="{api["data_as_of"]}">' in text.split('data-testid="data-as-of"')[1]
    assert " as of " not in text.split('id="pace-title"')[1].split("</article>")[0]
    for key in ("green", "connectivity", "hrd", "aggregate_unknown"):
        assert f'data-testid="breakdown-pillar-{key}"' in text
    for code in ("KZ", "KG", "TJ", "TM", "UZ"):
        assert f'data-testid="breakdown-country-{code}"' in text
    assert "Aggregate, area unknown" in text
    assert 'data-testid="verdict">Mostly unitemised aggregates<' in text


def test_method_page_states_the_verdict_rule(client: TestClient) -> None:
    text = html(client, "/method")
    rule = text.split('data-testid="verdict-rule"', 1)[1].split("</ol>", 1)[0]
    assert "more than 50 %" in rule and "365 days" in rule
    order = ["Period not started", "Mostly unitemised aggregates", "Goal reached", "Too early"]
    assert [rule.index(v) for v in order] == sorted(rule.index(v) for v in order)


def test_dashboard_explains_what_is_not_counted(client: TestClient) -> None:
    text = html(client, "/")
    panel = text.split('data-testid="not-counted"', 1)[1]
    not_counted = client.get("/api/quality", params={"kind": "not-counted"}).json()["findings"]
    assert not_counted
    assert f"/projects/{not_counted[0]['project']}" in panel
    assert 'data-testid="rule"' in text
    assert 'data-testid="verdict"' in text


def test_currency_switcher_offers_every_currency_the_goal_converts_into(
    client: TestClient,
) -> None:
    text = html(client, "/")
    switcher = text.split('data-testid="currency-switcher"', 1)[1].split("</select>", 1)[0]
    offered = [part.split('"', 1)[0] for part in switcher.split('value="')[1:]]
    assert offered[:3] == ["JPY", "USD", "EUR"]
    assert {"KZT", "UZS"} <= set(offered) <= set(client.get("/api/currencies").json())
    for code in offered:
        assert client.get("/api/progress", params={"currency": code}).status_code == 200


def test_project_list_filters_and_pages(client: TestClient) -> None:
    text = html(client, "/projects?country=KZ&stage=&area=")
    kz = client.get("/api/projects", params={"country": "KZ", "limit": 500}).json()
    assert f'data-total="{kz["total"]}"' in text
    assert text.count('data-testid="project-row"') == min(kz["total"], 25)
    first = html(client, "/projects")
    second = html(client, "/projects?page=2")
    rows = [t.split('data-testid="project-row" data-identifier="')[1:] for t in (first, second)]
    ids = [[r.split('"', 1)[0] for r in page] for page in rows]
    everything = client.get("/api/projects", params={"limit": 50}).json()["items"]
    assert ids[0] + ids[1] == [p["identifier"] for p in everything]
    assert html(client, "/projects?stage=dreaming", 422)


def test_project_page_shows_money_with_rates(client: TestClient) -> None:
    detail = client.get("/api/projects/kg-jica-2015-intl-main-roads").json()
    text = html(client, "/projects/kg-jica-2015-intl-main-roads")
    assert 'data-testid="money-table"' in text
    for tx in detail["transactions"]:
        for conversion in tx["conversions"].values():
            assert f'value="{conversion["converted"]}"' in text
            assert conversion["explanation"] in text
    assert detail["count"]["decision"].split(";")[0] in text
    assert detail["documents"][0]["url"] in text


def test_project_page_says_what_its_money_is(client: TestClient) -> None:
    detail = client.get("/api/projects/uz-summit-2025-12bn-portfolio").json()
    assert (detail["count"]["basis"], detail["count"]["evidence"]) == ("aggregate", "press")
    text = html(client, "/projects/uz-summit-2025-12bn-portfolio")
    line = text.split('data-testid="composition"', 1)[1].split("</p>", 1)[0]
    assert "Aggregate package total" in line and "press report" in line
    assert "evidence:" not in detail["count"]["decision"]  # no tag left in the decision


def test_method_page_states_the_order_of_reasons_not_to_count(client: TestClient) -> None:
    """The page's list follows the service's first-match order."""
    text = html(client, "/method")
    items = text.split('data-testid="uncounted-order"', 1)[1].split("</ol>", 1)[0]
    words = ["cancelled", "stage", "package", "not to count", "no amount", "no value date"]
    words += ["outside the period", "guarantee", "exchange rate"]
    assert items.count("<li>") == len(Uncounted)
    assert [items.index(w) for w in words] == sorted(items.index(w) for w in words)


def test_quality_page_lists_the_findings(client: TestClient) -> None:
    report: Any = client.get("/api/quality").json()
    text = html(client, "/quality")
    assert f'data-total="{report["total"]}"' in text
    kind = next(iter(report["by_kind"]))
    filtered = html(client, f"/quality?kind={kind}")
    assert f'data-total="{report["by_kind"][kind]}"' in filtered


def test_public_surface() -> None:
    assert cajad.web.__all__ == [
        "ParameterError",
        "ProblemDetails",
        "ResourceNotFoundError",
        "WebError",
        "create_app",
    ]
