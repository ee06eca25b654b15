"""``GET /changes``: the register's changes as an Atom 1.0 feed (RFC 4287), paged RFC 5005 style.

The feed is parsed with lxml and held to the rules of Atom that readers rely on: one id, title
and updated per feed; each entry with its id, title, updated and link; ids unique and stable;
times in RFC 3339; hostile text from the data escaped, never markup.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree
from sqlalchemy import text

from cajad.register import (
    DocumentSpec,
    ProjectSpec,
    TransactionSpec,
    import_specs,
)
from cajad.web import create_app

from .conftest import TestClient, build_register
from .links import parse
from .test_error_shape import assert_shape

ATOM = "http://www.w3.org/2005/Atom"
XHTML = "http://www.w3.org/1999/xhtml"
NS = {"a": ATOM, "h": XHTML}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

HOSTILE = "Dam <script>alert('x')</script> ]]> & \"quoted\" <![CDATA[ x ]]>"
IDENTIFIER = "kg-hostile-2025"
#: Imports refuse a javascript: link now; the fixture puts one where this address was stored,
#: as a register filled before they did would hold it.
STORED_BEFORE = "https://stored-before.invalid/"
GUARD = "audit_log_no_update"


def _hostile(value: str) -> ProjectSpec:
    return ProjectSpec(
        identifier=IDENTIFIER,
        title=HOSTILE,
        stage="financing",
        documents=(
            DocumentSpec(url=STORED_BEFORE, title="<b>bold</b>"),
            DocumentSpec(
                url="https://example.org/a?b=1&c=<2>", title=HOSTILE, published=dt.date(2025, 5, 1)
            ),
        ),
        transactions=(
            TransactionSpec(
                ref="2",
                type=2,
                value=Decimal(value),
                currency="JPY",
                value_date=dt.date(2025, 5, 1),
            ),
        ),
    )


@pytest.fixture(scope="module")
def feed_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The demo register, then a hostile project added and its figure corrected."""
    engine = build_register(Path(tmp_path_factory.mktemp("feed")) / "cajad.sqlite")
    import_specs(engine, [_hostile("21368000000")], source="test", actor="<actor>")
    import_specs(engine, [_hostile("21400000000")], source="test", actor="curator")
    with engine.begin() as conn:  # the log is append-only: its guard is lifted for the edit
        trigger = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": GUARD})
        conn.execute(text(f"DROP TRIGGER {GUARD}"))
        for table, column in (("document", "url"), ("audit_log", "before"), ("audit_log", "after")):
            conn.execute(
                text(f"UPDATE {table} SET {column} = replace({column}, :old, :new)"),
                {"old": STORED_BEFORE, "new": "javascript:alert(1)"},
            )
        conn.execute(text(trigger))
    with TestClient(create_app(engine)) as client:
        yield client
    engine.dispose()


def _feed(client: TestClient, url: str) -> etree._Element:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{ATOM}}}feed"
    return root


def _one(element: etree._Element, path: str) -> etree._Element:
    found = element.findall(path, NS)
    assert len(found) == 1, (path, found)
    return found[0]


def _link(element: etree._Element, rel: str) -> str | None:
    found = [link.get("href") for link in element.findall("a:link", NS) if link.get("rel") == rel]
    assert len(found) <= 1
    return found[0] if found else None


def _time(text: str | None) -> dt.datetime:
    assert text is not None and RFC3339.match(text), text
    return dt.datetime.fromisoformat(text)


def _entries(feed: etree._Element) -> list[etree._Element]:
    return feed.findall("a:entry", NS)


def _ids(feed: etree._Element) -> list[str]:
    return [str(_one(entry, "a:id").text) for entry in _entries(feed)]


def test_the_feed_keeps_atom_s_rules(feed_client: TestClient) -> None:
    feed = _feed(feed_client, "/changes?limit=60")
    assert _one(feed, "a:id").text == "tag:cajad,2026:changes"
    assert _one(feed, "a:title").text
    updated = _time(_one(feed, "a:updated").text)
    assert _one(feed, "a:author/a:name").text == "cajad"
    assert _link(feed, "self") == "http://testserver/changes?limit=60"
    assert _link(feed, "alternate") == "http://testserver/projects"
    entries = _entries(feed)
    assert len(entries) == 60
    times = []
    for entry in entries:
        assert str(_one(entry, "a:id").text).startswith("tag:cajad,2026:audit/")
        assert _one(entry, "a:title").text
        times.append(_time(_one(entry, "a:updated").text))
        href = _link(entry, "alternate")
        assert href is not None and href.startswith("http://testserver/projects/")
        assert _one(entry, "a:author/a:name").text
        assert _one(entry, "a:content").get("type") == "xhtml"
        _one(entry, "a:content/h:div")
    assert len(set(_ids(feed))) == len(entries)
    assert times == sorted(times, reverse=True) and updated == times[0]
    # the newest entry is the correction, the one before it the hostile project's addition
    assert [_one(e, "a:category").get("term") for e in entries[:2]] == ["changed", "added"]


def test_ids_are_stable_across_requests(feed_client: TestClient) -> None:
    first, second = _feed(feed_client, "/changes"), _feed(feed_client, "/changes")
    assert _ids(first) == _ids(second)
    assert _one(first, "a:id").text == _one(second, "a:id").text
    assert _one(first, "a:updated").text == _one(second, "a:updated").text


def test_a_correction_lists_before_and_after(feed_client: TestClient) -> None:
    feed = _feed(feed_client, f"/changes?project={IDENTIFIER}")
    assert _one(feed, "a:id").text == f"tag:cajad,2026:changes/{IDENTIFIER}"
    assert _link(feed, "alternate") == f"http://testserver/projects/{IDENTIFIER}"
    changed, added = _entries(feed)
    assert _one(changed, "a:title").text == f"Changed: {HOSTILE}"
    assert _link(changed, "alternate") == f"http://testserver/projects/{IDENTIFIER}"
    assert _one(changed, "a:author/a:name").text == "curator"
    assert _one(added, "a:author/a:name").text == "<actor>"
    items = ["".join(li.itertext()) for li in changed.findall("a:content/h:div/h:ul/h:li", NS)]
    assert "transaction 2: JPY 21,368,000,000 → JPY 21,400,000,000" in items
    assert _one(changed, "a:summary").text == (
        f"{IDENTIFIER}: transaction 2: JPY 21,368,000,000 → JPY 21,400,000,000"
    )


def test_hostile_text_is_escaped_never_markup(feed_client: TestClient) -> None:
    response = feed_client.get(f"/changes?project={IDENTIFIER}")
    body = response.content
    assert b"<script" not in body and b"]]>" not in body and b"<b>" not in body
    assert b"<![CDATA[" not in body
    feed = etree.fromstring(body)  # well-formed, whatever the data held
    _, added = _entries(feed)
    assert _one(added, "a:title").text == f"Added: {HOSTILE}"
    div = _one(added, "a:content/h:div")
    assert div.findall(".//h:script", NS) == [] and div.findall(".//h:b", NS) == []
    assert HOSTILE in "".join(div.itertext())
    # only http(s) sources are links; a javascript: address is shown as text
    assert [a.get("href") for a in div.iter(f"{{{XHTML}}}a")] == ["https://example.org/a?b=1&c=<2>"]
    assert "javascript:alert(1)" not in [a.get("href") for a in feed.iter()]


def test_the_next_link_pages_without_overlap(feed_client: TestClient) -> None:
    first = _feed(feed_client, "/changes?limit=3")
    assert _link(first, "first") is None
    href = _link(first, "next")
    assert href is not None
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "testserver", "/changes")
    second = _feed(feed_client, f"{parts.path}?{parts.query}")
    assert _link(second, "first") == "http://testserver/changes?limit=3"
    assert not set(_ids(first)) & set(_ids(second))
    assert _ids(first) + _ids(second) == _ids(_feed(feed_client, "/changes?limit=6"))
    # the last page has no next link
    last = _feed(feed_client, f"/changes?project={IDENTIFIER}&limit=2")
    assert _link(last, "next") is None


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/changes?limit=0", "limit"),
        ("/changes?limit=501", "limit"),
        ("/changes?before=x", "before"),
        ("/changes?before=0", "before"),
        (f"/changes?project={'x' * 201}", "project"),
    ],
)
def test_bad_parameters_are_problem_json(feed_client: TestClient, url: str, field: str) -> None:
    response = feed_client.get(url)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = assert_shape(response.json(), 422)
    assert [e["field"] for e in problem["errors"]] == [field]
    assert problem["instance"] == "/changes"


def test_a_project_never_recorded_is_404(feed_client: TestClient) -> None:
    response = feed_client.get("/changes?project=no-such-project")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert assert_shape(response.json(), 404)["detail"] == "no project 'no-such-project'"


def test_every_page_points_feed_readers_at_the_feed(feed_client: TestClient) -> None:
    html = feed_client.get("/projects").text
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Register changes" '
        'href="/changes">' in html
    )
    footer = parse(html).testids["changes-feed"]
    assert footer["href"] == "/changes"


def test_openapi_documents_the_feed(feed_client: TestClient) -> None:
    operation = feed_client.get("/api/openapi.json").json()["paths"]["/changes"]["get"]
    assert "application/atom+xml" in operation["responses"]["200"]["content"]
    assert {p["name"] for p in operation["parameters"]} == {"project", "limit", "before"}
