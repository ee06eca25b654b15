"""The feed of what changed in the register: ``GET /changes``, Atom 1.0 (RFC 4287).

An analyst subscribes in a feed reader (or Outlook, Thunderbird) and reads each change: a
project added, a figure corrected (before → after), a stage moved, a project removed; who made
it, when, and the documents behind it. The changes come from
:func:`cajad.register.list_changes`; this module only writes them as Atom with lxml, so every
text from the data is escaped by the serialiser, never pasted into markup.

Ids are tag URIs (RFC 4151) minted from the audit id, so an entry keeps its id whichever host
serves the feed. Older entries are paged RFC 5005 style: the ``next`` link asks for the
entries below the last audit id of this page (``before``). A refused parameter answers RFC 9457
problem JSON, as the API does.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request, Response
from lxml import etree
from sqlalchemy.orm import Session

import cajad
from cajad.accounts import public_authors
from cajad.register import Change, ChangePage, bounds, list_changes
from cajad.web.deps import SessionDep
from cajad.web.errors import error_responses
from cajad.web.params import Limit

__all__ = ["ATOM_MEDIA_TYPE", "FEED_TAG", "atom_feed", "router"]

ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"
ATOM = "http://www.w3.org/2005/Atom"
XHTML = "http://www.w3.org/1999/xhtml"
#: The start of every id of the feed (RFC 4151 tag URIs): never change it, readers key on it.
FEED_TAG = "tag:cajad,2026:"
#: The title of each kind of change, before the project's title.
KIND_TITLES = {"added": "Added", "changed": "Changed", "removed": "Removed"}
#: Characters XML 1.0 cannot carry (control characters, lone surrogates): shown as U+FFFD.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

router = APIRouter(tags=["changes"], responses=error_responses(not_found="No such project"))

ProjectKey = Annotated[
    str | None, Query(max_length=200, description="Only changes of this project (identifier).")
]
BeforeId = Annotated[
    int | None,
    Query(
        ge=1,
        le=bounds.MAX_ID,
        description="Only changes older than this audit id (the `next` link's).",
    ),
]


@router.get(
    "/changes",
    summary="Changes of the register as an Atom feed",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}, "description": "Atom 1.0"}},
)
def changes_feed(
    request: Request,
    session: SessionDep,
    project: ProjectKey = None,
    limit: Limit = 50,
    before: BeforeId = None,
) -> Response:
    """Every change of the register, newest first: projects added, changed (each field
    before → after) and removed, with who made it and the source documents; an Atom 1.0
    feed to subscribe to. ``before`` pages to older changes (the feed's ``next`` link)."""
    page = public(session, list_changes(session, limit=limit, before_id=before, project=project))
    base = str(request.base_url).rstrip("/")
    feed = atom_feed(
        page,
        base=base,
        self_url=str(request.url),
        project=project,
        limit=limit,
        first=before is not None,
    )
    body = etree.tostring(feed, xml_declaration=True, encoding="utf-8")
    return Response(body, media_type=ATOM_MEDIA_TYPE)


def public(session: Session, page: ChangePage) -> ChangePage:
    """The page with each author as the public reads it (a role, never an e-mail address)."""
    authors = public_authors(session, {change.actor for change in page.items})
    items = [c.model_copy(update={"actor": str(authors[c.actor])}) for c in page.items]
    return page.model_copy(update={"items": items})


def atom_feed(
    page: ChangePage,
    *,
    base: str,
    self_url: str,
    project: str | None = None,
    limit: int = 50,
    first: bool = False,
) -> etree._Element:
    """The Atom feed of one page of changes; links are absolute, under ``base``."""
    # The default namespace is lxml's None prefix (which lxml-stubs does not allow for).
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})  # type: ignore[dict-item]
    scope = f"changes/{_tag_part(project)}" if project else "changes"
    _sub(feed, "id", FEED_TAG + scope)
    _sub(feed, "title", f"cajad: changes of {project}" if project else "cajad: register changes")
    _sub(feed, "subtitle", "Projects of the CA+JAD Tokyo Initiative added, changed or removed.")
    newest = page.items[0].at if page.items else dt.datetime.now(dt.UTC)
    _sub(feed, "updated", rfc3339(newest))
    _link(feed, "self", self_url, type="application/atom+xml")
    _link(feed, "alternate", _project_url(base, project) if project else f"{base}/projects")
    query = {"project": project, "limit": str(limit)}
    if first:
        _link(feed, "first", _feed_url(base, query), type="application/atom+xml")
    if page.next_before_id is not None:
        url = _feed_url(base, {**query, "before": str(page.next_before_id)})
        _link(feed, "next", url, type="application/atom+xml")
    author = _sub(feed, "author")
    _sub(author, "name", "cajad")
    _sub(author, "uri", f"{base}/")
    _sub(feed, "generator", "cajad", uri=f"{base}/", version=cajad.__version__)
    for change in page.items:
        feed.append(_entry(change, base))
    return feed


def _entry(change: Change, base: str) -> etree._Element:
    entry = etree.Element(f"{{{ATOM}}}entry")
    _sub(entry, "id", f"{FEED_TAG}audit/{change.id}")
    _sub(entry, "title", f"{KIND_TITLES[change.kind]}: {change.title}")
    _sub(entry, "updated", rfc3339(change.at))
    _link(entry, "alternate", _project_url(base, change.project), type="text/html")
    author = _sub(entry, "author")
    _sub(author, "name", change.actor)
    _sub(entry, "category", term=change.kind, label=KIND_TITLES[change.kind])
    _sub(entry, "summary", f"{change.project}: {change.summary}")
    content = _sub(entry, "content", type="xhtml")
    content.append(_xhtml(change))
    return entry


def _xhtml(change: Change) -> etree._Element:
    """The entry's content: the summary, each field before → after, the sources, who and when."""
    div = etree.Element(f"{{{XHTML}}}div", nsmap={None: XHTML})  # type: ignore[dict-item]
    _html(div, "p", f"{change.project}: {change.summary}")
    if change.fields:
        listing = _html(div, "ul")
        for field in change.fields:
            item = _html(listing, "li")
            _html(item, "strong", field.field)
            before, after = field.before or "—", field.after or "—"
            _html(item, "span", f": {before} → {after}")
    if change.sources:
        _html(div, "p", "Sources:")
        listing = _html(div, "ul")
        for source in change.sources:
            item = _html(listing, "li")
            text = source.title or source.url
            if bounds.link_error(source.url) is None:
                _html(item, "a", text, href=source.url)
            else:
                _html(item, "span", text)
            if source.published:
                _html(item, "span", f" ({source.published.isoformat()})")
    _html(div, "p", f"By {change.actor}, {rfc3339(change.at)} (audit entry {change.id}).")
    return div


def rfc3339(moment: dt.datetime) -> str:
    """A UTC time as RFC 3339 with a ``Z`` (naive times are UTC)."""
    utc = moment.astimezone(dt.UTC) if moment.tzinfo else moment
    return utc.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def _sub(
    parent: etree._Element, name: str, text: str | None = None, **attrib: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{name}", _xml_safe(attrib))
    element.text = _xml_text(text)
    return element


def _html(
    parent: etree._Element, name: str, text: str | None = None, **attrib: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{XHTML}}}{name}", _xml_safe(attrib))
    element.text = _xml_text(text)
    return element


def _xml_text(text: str | None) -> str | None:
    """``text`` as XML can hold it; escaping itself is lxml's, on output."""
    return None if text is None else _NOT_XML.sub("\ufffd", text)


def _xml_safe(attrib: dict[str, str]) -> dict[str, str]:
    return {k: _NOT_XML.sub("\ufffd", v) for k, v in attrib.items()}


def _link(parent: etree._Element, rel: str, href: str, **attrib: str) -> None:
    _sub(parent, "link", rel=rel, href=href, **attrib)


def _project_url(base: str, identifier: str) -> str:
    return f"{base}/projects/{quote(identifier, safe='/')}"


def _feed_url(base: str, query: dict[str, str | None]) -> str:
    return f"{base}/changes?{urlencode({k: v for k, v in query.items() if v is not None})}"


def _tag_part(identifier: str) -> str:
    """An identifier as the specific part of a tag URI (RFC 4151 allows URI pchars)."""
    return quote(identifier, safe="/:@-._~!$&'()*+,;=")
