"""The JSON API over the demo register: filters, pagination, one project, money, progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select

from cajad.register import session_scope
from cajad.register.fx import RateBook
from cajad.register.models import Transaction
from cajad.tracker import CountingRule, Dimension, progress

from .conftest import TestClient


def get(client: TestClient, url: str, **params: Any) -> Any:
    response = client.get(url, params=params) if params else client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


def all_projects(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    page = get(client, "/api/projects", limit=500, **params)
    assert page["total"] == len(page["items"])
    return list(page["items"])


def test_project_list_pages_add_up_to_the_whole(client: TestClient) -> None:
    everything = all_projects(client)
    assert len(everything) > 50
    seen: list[str] = []
    offset = 0
    while True:
        page = get(client, "/api/projects", limit=20, offset=offset)
        assert page["total"] == len(everything)
        assert (page["limit"], page["offset"]) == (20, offset)
        if not page["items"]:
            break
        seen += [p["identifier"] for p in page["items"]]
        offset += 20
    assert seen == [p["identifier"] for p in everything]
    assert seen == sorted(seen)


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"country": "KZ"}, lambda p: "KZ" in p["countries"]),
        ({"country": "uz"}, lambda p: "UZ" in p["countries"]),
        ({"stage": "mou"}, lambda p: p["stage"] == "mou"),
        ({"instrument": "ODA loan"}, lambda p: p["instrument"] == "ODA loan"),
        ({"area": "connectivity"}, lambda p: "connectivity" in p["areas"]),
        ({"area": "unassigned"}, lambda p: "unassigned" in p["areas"]),
        ({"counts": "false"}, lambda p: not p["counts_toward_goal"]),
        ({"q": "BRIDGE"}, lambda p: "bridge" in (p["identifier"] + p["title"]).lower()),
    ],
)
def test_each_filter_keeps_exactly_the_matching_projects(
    client: TestClient, params: dict[str, str], check: Any
) -> None:
    everything = all_projects(client)
    kept = all_projects(client, **params)
    assert kept, f"the demo data has projects for {params}"
    assert [p["identifier"] for p in kept] == [p["identifier"] for p in everything if check(p)]


def test_filters_combine(client: TestClient) -> None:
    kept = all_projects(client, country="KG", counts="true", area="connectivity")
    assert kept
    assert all(
        "KG" in p["countries"] and p["counts_toward_goal"] and "connectivity" in p["areas"]
        for p in kept
    )
    assert get(client, "/api/projects", q="no such words anywhere")["total"] == 0


@pytest.mark.parametrize("key", ["identifier", "title", "agreement_date", "stage"])
def test_sorting_each_way(client: TestClient, key: str) -> None:
    ascending = all_projects(client, sort=key)
    descending = all_projects(client, sort=f"-{key}")
    assert len(ascending) == len(descending)
    order = ["idea", "mou", "feasibility", "financing", "implementation", "operation", "cancelled"]

    def value(p: dict[str, Any]) -> Any:
        return order.index(p["stage"]) if key == "stage" else p[key]

    known_up = [value(p) for p in ascending if p[key] is not None]
    known_down = [value(p) for p in descending if p[key] is not None]
    assert known_up == sorted(known_up)
    assert known_down == sorted(known_down, reverse=True)


def test_a_project_has_everything(client: TestClient) -> None:
    project = get(client, "/api/projects/kg-jica-2015-intl-main-roads")
    assert project["identifier"] == "kg-jica-2015-intl-main-roads"
    assert project["count"]["counts_toward_goal"] is True
    assert project["count"]["decision"]
    assert [c["code"] for c in project["countries"]] == ["KG"]
    assert {s["code"] for s in project["sectors"]} == {"21020", "43060"}
    assert [a["area"] for a in project["areas"]] == ["connectivity"]
    roles = {(p["organisation"]["name"], p["role_name"]) for p in project["participants"]}
    assert ("Government of Kyrgyzstan", "Implementing") in roles
    assert project["documents"][0]["url"].startswith("https://")
    (tx,) = project["transactions"]
    assert (tx["value"], tx["currency"], tx["value_date"]) == ("11915000000", "JPY", "2015-10-26")
    assert set(tx["conversions"]) == {"JPY", "USD", "EUR"}
    usd = tx["conversions"]["USD"]
    assert Decimal(usd["converted"]) == (Decimal(tx["value"]) * Decimal(usd["rate"])).quantize(
        Decimal("0.01")
    )
    assert usd["method"] == "daily rate"
    assert usd["sources"] == ["European Central Bank euro foreign exchange reference rates"]
    assert "ECB day 2015-10-26" in usd["explanation"]


def test_packages_and_parts_link_both_ways(client: TestClient) -> None:
    parts = [p for p in all_projects(client) if p["package"]]
    assert parts
    part = get(client, f"/api/projects/{parts[0]['identifier']}")
    package = get(client, f"/api/projects/{part['package']['identifier']}")
    assert part["identifier"] in [p["identifier"] for p in package["parts"]]


def test_conversions_equal_the_stored_values(client: TestClient, web_engine: Engine) -> None:
    """The rate the API shows is the rate the register converted with when it stored the money."""
    with session_scope(web_engine) as session:
        stored = {
            (t.project.identifier, t.ref): (t.value_jpy, t.value_usd, t.value_eur)
            for t in session.scalars(select(Transaction))
        }
    items = get(client, "/api/transactions", limit=500)["items"]
    assert len(items) == len(stored)
    for tx in items:
        jpy, usd, eur = stored[(tx["project"], tx["ref"])]
        if tx["value_date"] is None:
            assert tx["conversions"] == {}
            continue
        shown = {k: Decimal(v["converted"]) for k, v in tx["conversions"].items()}
        assert shown == {"JPY": jpy, "USD": usd, "EUR": eur}


def test_transaction_filters(client: TestClient) -> None:
    everything = get(client, "/api/transactions", limit=500)["items"]
    usd = get(client, "/api/transactions", currency="usd", limit=500)
    assert usd["total"] == sum(t["currency"] == "USD" for t in everything) > 0
    pledges = get(client, "/api/transactions", type=12, limit=500)["items"]
    assert pledges and all(t["type"] == 12 for t in pledges)
    window = get(client, "/api/transactions", **{"from": "2025-12-01", "to": "2025-12-31"})
    assert window["total"] == sum(
        t["value_date"] is not None and "2025-12-01" <= t["value_date"] <= "2025-12-31"
        for t in everything
    )
    one = get(client, "/api/transactions", project="kg-jica-2015-intl-main-roads")
    assert [t["project"] for t in one["items"]] == ["kg-jica-2015-intl-main-roads"]
    paged = get(client, "/api/transactions", limit=5, offset=5)
    assert [t["ref"] for t in paged["items"]] == [t["ref"] for t in everything[5:10]]


def test_organisations(client: TestClient) -> None:
    page = get(client, "/api/organisations", limit=500)
    assert page["total"] == len(page["items"]) > 10
    names = [o["name"] for o in page["items"]]
    assert names == sorted(names)
    jica = get(client, "/api/organisations", q="jica")["items"]
    assert any(o["name"].startswith("Japan International Cooperation Agency") for o in jica)
    assert all(o["projects"] >= 1 for o in jica)


@pytest.mark.parametrize("currency", ["JPY", "USD", "EUR", "KZT"])
def test_progress_is_the_trackers(client: TestClient, web_engine: Engine, currency: str) -> None:
    shown = get(client, "/api/progress", currency=currency.lower(), by="pillar", as_of="2026-06-30")
    with session_scope(web_engine) as session:
        expected = progress(
            session,
            CountingRule(),
            currency=currency,
            by=Dimension.PILLAR,
            as_of=dt.date(2026, 6, 30),
            book=RateBook.from_session(session),
        )
    assert shown == expected.model_dump(mode="json")
    assert isinstance(shown["total"], str) and isinstance(shown["goal"], str)
    rows = shown["breakdown"]
    assert sum(Decimal(r["total"]) for r in rows) == Decimal(shown["total"])


def test_progress_rule_parameters(client: TestClient) -> None:
    default = get(client, "/api/progress")
    assert default["currency"] == "JPY" and default["goal"] == "3000000000000.00"
    signed = get(client, "/api/progress", measure="signed")
    assert signed["total"] == default["measures"]["signed"]
    everything = get(client, "/api/progress", **{"from": "2000-01-01", "to": "2030-12-19"})
    assert Decimal(everything["total"]) >= Decimal(default["total"])
    assert everything["rule"]["period_start"] == "2000-01-01"
    staged = get(client, "/api/progress", stage=["financing", "operation"])
    assert staged["rule"]["stages"] == ["financing", "operation"]
    assert Decimal(staged["total"]) <= Decimal(default["total"])
    years = get(client, "/api/progress", by="year")["breakdown"]
    assert [r["key"] for r in years] == sorted(r["key"] for r in years)


def test_quality(client: TestClient) -> None:
    report = get(client, "/api/quality")
    assert report["total"] == len(report["findings"]) > 0
    assert sum(report["by_kind"].values()) == report["total"]
    info = get(client, "/api/quality", severity="info")
    assert info["findings"] and all(f["severity"] == "info" for f in info["findings"])
    kind = next(iter(report["by_kind"]))
    assert get(client, "/api/quality", kind=kind)["total"] == report["by_kind"][kind]


def test_convert_shows_rate_method_and_sources(client: TestClient) -> None:
    result = get(
        client, "/api/convert", amount="1000000", currency="usd", target="JPY", date="2025-12-22"
    )
    assert (result["amount"], result["currency"], result["target"]) == ("1000000", "USD", "JPY")
    assert Decimal(result["converted"]) == (Decimal(1000000) * Decimal(result["rate"])).quantize(
        Decimal("0.01")
    )
    assert result["method"] == "daily rate"
    assert [q["source"] for q in result["quotes"]] == ["ECB", "ECB"]
    assert result["sources"] and result["explanation"].startswith("1 USD = ")
    weekend = get(
        client, "/api/convert", amount="1", currency="EUR", target="JPY", date="2025-12-21"
    )
    assert weekend["method"] == "nearest earlier daily rate"


def test_currencies(client: TestClient) -> None:
    codes = get(client, "/api/currencies")
    assert {"JPY", "USD", "EUR", "KZT", "UZS"} <= set(codes)
    assert codes == sorted(codes)


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    spec = get(client, "/api/openapi.json")
    assert spec["openapi"].startswith("3.")
    paths = set(spec["paths"])
    assert {
        "/api/projects",
        "/api/projects/{identifier}",
        "/api/organisations",
        "/api/transactions",
        "/api/progress",
        "/api/quality",
        "/api/convert",
        "/api/currencies",
    } <= paths
    assert not any(p == "/" or p.startswith("/projects") for p in paths)
    error = spec["paths"]["/api/projects"]["get"]["responses"]["422"]
    assert set(error["content"]) == {"application/problem+json"}
    ref = error["content"]["application/problem+json"]["schema"]["$ref"]
    assert ref.endswith("/ProblemDetails")


def test_empty_parameters_read_as_absent(client: TestClient) -> None:
    """Forms send every field and scripts fill URL templates: ``?from=`` is no ``from``."""
    plain = get(client, "/api/progress", by="pillar")
    assert get(client, "/api/progress?by=pillar&currency=JPY&from=&to=&as_of=&stage=") == plain
    assert get(client, "/api/projects?q=&country=&stage=&area=&counts=&sort=") == get(
        client, "/api/projects"
    )
    assert get(client, "/api/transactions?from=&to=&type=&currency=")["total"] == len(
        get(client, "/api/transactions", limit=500)["items"]
    )


def test_filtered_list_downloads_as_valid_iati_xml(client: TestClient) -> None:
    from lxml import etree

    from cajad.iati._validate import schema

    listed = client.get("/api/projects", params={"country": "KG", "limit": 200}).json()
    response = client.get("/api/projects.xml", params={"country": "KG"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    identifiers = sorted(root.xpath("//iati-activity/iati-identifier/text()"))
    assert identifiers == sorted(p["identifier"] for p in listed["items"])
    assert schema("activities").validate(root), schema("activities").error_log
    missing = client.get("/api/projects.xml", params={"q": "no such project anywhere"})
    assert missing.status_code == 404
    assert missing.json()["status"] == 404
