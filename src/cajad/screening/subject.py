"""What a screening reads about a project: its facts, frozen, as stored with the verdict.

A :class:`Subject` is built from the register (see :mod:`cajad.screening.loader`) and written
with every screening as its ``inputs``, so that a verdict can be recomputed and explained later
from exactly what it was given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Party:
    """A participating organisation in one IATI role."""

    name: str
    role: int
    type: str | None = None
    country: str | None = None
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Doc:
    """A document or link of the project in the register."""

    id: int | None
    url: str
    title: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class MoneyFacts:
    """The project's transactions, summarised (USD at each value date's rate)."""

    transactions: int = 0
    outgoing: int = 0
    undated: int = 0
    unconverted: int = 0
    negative: int = 0
    committed_usd: Decimal = Decimal(0)
    disbursed_usd: Decimal = Decimal(0)
    pledged_usd: Decimal = Decimal(0)
    guaranteed_usd: Decimal = Decimal(0)

    @property
    def size_usd(self) -> Decimal | None:
        """The largest reported financing (commitment, pledge, disbursement or guarantee)."""
        size = max(self.committed_usd, self.disbursed_usd, self.pledged_usd, self.guaranteed_usd)
        return size if self.outgoing else None


@dataclass(frozen=True, slots=True)
class Place:
    """A named location with WGS 84 coordinates."""

    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class SiteHit:
    """A project location near a feature of a sensitive-area layer."""

    place: str
    feature: str
    kind: str
    distance_km: float


@dataclass(frozen=True, slots=True)
class EvidenceFact:
    """Evidence attached to an answer: a register document or a link."""

    kind: str
    url: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class AnswerFact:
    """A reviewer's current answer to one question."""

    id: int
    value: str
    reviewer: str
    answered_on: dt.date
    note: str | None = None
    evidence: tuple[EvidenceFact, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return _answer_row(self)


@dataclass(frozen=True, slots=True)
class Subject:
    """Everything the catalogue's conditions and checks may read about one project."""

    identifier: str
    title: str
    description: str | None = None
    stage: str = "idea"
    instrument: str | None = None
    countries: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    parties: tuple[Party, ...] = ()
    documents: tuple[Doc, ...] = ()
    money: MoneyFacts = field(default_factory=MoneyFacts)
    places: tuple[Place, ...] = ()
    sites: tuple[SiteHit, ...] = ()
    layer: str | None = None
    answers: Mapping[str, AnswerFact] = field(default_factory=dict)
    sector_text: str | None = None  # the free-text sector of an import, where it is kept
    text: str = field(init=False, repr=False, compare=False)
    doc_keys: tuple[tuple[str | None, str, str, str], ...] = field(
        init=False, repr=False, compare=False
    )
    party_names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    doc_categories: frozenset[str | None] = field(init=False, repr=False, compare=False)
    doc_titles: str = field(init=False, repr=False, compare=False)
    doc_urls: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Lower-cased forms the conditions and checks compare with, computed once.
        object.__setattr__(self, "text", f"{self.title}\n{self.description or ''}".lower())
        keys = tuple(
            (d.category, (d.title or "").lower(), d.url.lower(), _host(d.url))
            for d in self.documents
        )
        object.__setattr__(self, "doc_keys", keys)
        object.__setattr__(self, "doc_categories", frozenset(k[0] for k in keys))
        object.__setattr__(self, "doc_titles", "\n".join(k[1] for k in keys))
        object.__setattr__(self, "doc_urls", "\n".join(k[2] for k in keys))
        object.__setattr__(self, "party_names", tuple(p.name.lower() for p in self.parties))

    def to_inputs(self) -> dict[str, Any]:
        """JSON-ready facts (the ``inputs`` stored with a screening)."""
        inputs: dict[str, Any] = {
            "identifier": self.identifier,
            "title": self.title,
            "description": self.description,
            "stage": self.stage,
            "instrument": self.instrument,
            "countries": list(self.countries),
            "sectors": list(self.sectors),
            "parties": [
                {"name": p.name, "role": p.role, "type": p.type, "country": p.country, "ref": p.ref}
                for p in self.parties
            ],
            "documents": [
                {"id": d.id, "url": d.url, "title": d.title, "category": d.category}
                for d in self.documents
            ],
            "money": {k: _plain(getattr(self.money, k)) for k in MoneyFacts.__slots__},
            "places": [
                {"name": p.name, "latitude": p.latitude, "longitude": p.longitude}
                for p in self.places
            ],
            "sites": [_row(s) for s in self.sites],
            "layer": self.layer,
            "answers": {q: _answer_row(a) for q, a in sorted(self.answers.items())},
        }
        if self.sector_text is not None:  # absent otherwise, so older digests stay the same
            inputs["sector_text"] = self.sector_text
        return inputs

    @classmethod
    def from_inputs(cls, data: Mapping[str, Any]) -> Subject:
        """The subject whose :meth:`to_inputs` is ``data``."""
        money = data["money"]
        return cls(
            identifier=data["identifier"],
            title=data["title"],
            description=data["description"],
            stage=data["stage"],
            instrument=data["instrument"],
            countries=tuple(data["countries"]),
            sectors=tuple(data["sectors"]),
            parties=tuple(Party(**p) for p in data["parties"]),
            documents=tuple(Doc(**d) for d in data["documents"]),
            money=MoneyFacts(
                money["transactions"],
                money["outgoing"],
                money["undated"],
                money["unconverted"],
                money["negative"],
                Decimal(money["committed_usd"]),
                Decimal(money["disbursed_usd"]),
                Decimal(money["pledged_usd"]),
                Decimal(money["guaranteed_usd"]),
            ),
            places=tuple(Place(**p) for p in data["places"]),
            sites=tuple(SiteHit(**s) for s in data["sites"]),
            layer=data["layer"],
            answers={q: _answer_of(a) for q, a in data["answers"].items()},
            sector_text=data.get("sector_text"),
        )

    def digest(self) -> str:
        """SHA-256 of the canonical inputs: equal digests, equal facts."""
        return inputs_digest(self.to_inputs())


def _host(url: str) -> str:
    """The host of a URL, lower case, without ``www.``."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme.lower() in ("http", "https"):  # the usual case, without urlsplit
        authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        host = authority.rpartition("@")[2]
        if not host.startswith("["):
            return host.partition(":")[0].lower().removeprefix("www.")
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def inputs_digest(inputs: Mapping[str, Any]) -> str:
    """SHA-256 of JSON-ready inputs in canonical form."""
    text = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _row(item: Any) -> dict[str, Any]:
    return {name: _plain(getattr(item, name)) for name in item.__slots__}


def _answer_row(answer: AnswerFact) -> dict[str, Any]:
    row = _row(answer)
    row["evidence"] = [_row(e) for e in answer.evidence]
    return row


def _answer_of(row: Mapping[str, Any]) -> AnswerFact:
    return AnswerFact(
        id=row["id"],
        value=row["value"],
        reviewer=row["reviewer"],
        answered_on=dt.date.fromisoformat(row["answered_on"]),
        note=row["note"],
        evidence=tuple(EvidenceFact(**e) for e in row["evidence"]),
    )
