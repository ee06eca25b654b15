"""Reading the links of portal pages, and crawling the portal through them (test helpers)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

from .conftest import TestClient


class Links(HTMLParser):
    """Every URL a page refers to (src, href, action, and url() in style attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.testids: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href", "action", "poster", "srcset", "data"):
            value = found.get(name)
            if value is not None and not (tag == "data" and name == "data"):
                self.urls.append((tag, value))
        style = found.get("style") or ""
        if "url(" in style:
            self.urls.append((tag, style.split("url(", 1)[1].split(")", 1)[0].strip("'\"")))
        testid = found.get("data-testid")
        if testid:
            self.testids[testid] = found


def parse(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def external(urls: list[tuple[str, str]]) -> set[str]:
    return {url for _tag, url in urls if urlsplit(url).scheme or url.startswith("//")}


def project_sources(client: TestClient) -> Callable[[str], set[str]]:
    """The outside URLs a page may link to: a project page's own source documents, an investor
    profile's sources, else none."""

    def allowed(url: str) -> set[str]:
        if url.startswith("/investors/"):
            ident = url.removeprefix("/investors/")
            profiles = client.get("/api/investors").json()
            return {s for p in profiles if p["id"] == ident for s in p["sources"]}
        if url.endswith("/match"):
            return set()
        if not url.startswith("/projects/"):
            return set()
        return {d["url"] for d in client.get(f"/api{url}").json()["documents"]}

    return allowed


def language_variant(url: str) -> bool:
    """Whether ``url`` is a page in a chosen language (``?lang=``): the same page, which would
    also set the language cookie of the shared client; tests/web/test_i18n.py walks those."""
    return "lang" in parse_qs(urlsplit(url).query)


def crawl(
    client: TestClient,
    start: str,
    *,
    follow: Callable[[str, str], bool],
    allowed: Callable[[str], set[str]],
) -> set[str]:
    """Visit every page reachable from ``start`` by the links ``follow(page, target)`` accepts:
    each must answer 200 and refer to no other host but ``allowed(page)``. Returns the URLs
    visited."""
    seen: set[str] = set()
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        if not response.headers["content-type"].startswith("text/html"):
            continue
        links = parse(response.text)
        assert external(links.urls) <= allowed(url), url
        for _tag, link in links.urls:
            target = urljoin(url, link).split("#", 1)[0]
            if language_variant(target):
                continue
            if not urlsplit(target).scheme and target.startswith("/") and follow(url, target):
                queue.append(target)
    return seen
