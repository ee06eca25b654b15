"""Automatic checks: what the register alone can tell about a rule.

A catalogue rule names a check (``check: {name: iati_published, hosts: [...]}``); the check's
other keys are validated against its parameter model when the catalogue loads. A check returns
an outcome, the reason in words and the facts it used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cajad.screening.schema import DocumentMatch
from cajad.screening.subject import Doc, Subject


@dataclass(frozen=True, slots=True)
class CheckResult:
    outcome: str
    reason: str
    inputs: dict[str, Any] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()


class _Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IatiParams(_Params):
    hosts: list[str] = ["d-portal.org", "iatiregistry.org", "iatistandard.org"]


class TransactionParams(_Params):
    pass


class DocumentsParams(_Params):
    min: int = Field(default=1, ge=1)
    categories: list[str] = []


class NearParams(_Params):
    kinds: list[str] = Field(min_length=1)
    within_km: float = Field(gt=0, le=100)


class PartiesParams(_Params):
    placeholders: list[str] = Field(min_length=1)
    roles: list[int] = [1, 4]


def iati_published(subject: Subject, params: IatiParams) -> CheckResult:
    """Published to IATI: an IATI identifier of a participant's prefix, or an IATI link."""
    for party in subject.parties:
        if party.ref and subject.identifier.startswith(f"{party.ref}-"):
            return CheckResult(
                "pass",
                f"identifier {subject.identifier} begins with the IATI organisation identifier "
                f"{party.ref} of {party.name}",
                {"identifier": subject.identifier, "organisation_ref": party.ref},
            )
    hosts = tuple(params.hosts)
    for doc, (_category, _title, _url, host) in zip(
        subject.documents, subject.doc_keys, strict=True
    ):
        if host in hosts or host.endswith(tuple(f".{h}" for h in hosts)):
            return CheckResult(
                "pass", f"IATI record linked: {doc.url}", {"url": doc.url}, (doc.url,)
            )
    refs = sorted({p.ref for p in subject.parties if p.ref})
    return CheckResult(
        "fail",
        f"identifier {subject.identifier} is not an IATI identifier of any participant "
        f"(refs: {', '.join(refs) or 'none'}) and no document links to {', '.join(hosts)}",
        {"identifier": subject.identifier, "organisation_refs": refs},
    )


def transactions(subject: Subject, _params: TransactionParams) -> CheckResult:
    """Transaction data quality: amounts reported, dated, converted, not negative."""
    money = subject.money
    inputs = {
        "transactions": money.transactions,
        "outgoing": money.outgoing,
        "undated": money.undated,
        "unconverted": money.unconverted,
        "negative": money.negative,
    }
    if money.outgoing == 0:
        return CheckResult("fail", "no amount reported: no outgoing transaction", inputs)
    problems = [
        f"{n} {what}"
        for n, what in (
            (money.undated, "without a value date"),
            (money.unconverted, "not convertible to USD"),
            (money.negative, "with a negative value"),
        )
        if n
    ]
    if money.disbursed_usd > money.committed_usd > 0:
        problems.append("disbursements exceed commitments")
    if problems:
        return CheckResult("partial", "transactions: " + "; ".join(problems), inputs)
    return CheckResult(
        "pass", f"{money.outgoing} outgoing transactions, all dated and converted", inputs
    )


def has_documents(subject: Subject, params: DocumentsParams) -> CheckResult:
    """At least ``min`` documents (of ``categories`` if given) in the register."""
    docs = [
        d for d in subject.documents if not params.categories or d.category in params.categories
    ]
    what = f"of categories {', '.join(params.categories)} " if params.categories else ""
    inputs = {"documents": len(docs)}
    if len(docs) >= params.min:
        urls = tuple(d.url for d in docs)
        return CheckResult("pass", f"{len(docs)} public documents {what}registered", inputs, urls)
    return CheckResult(
        "fail", f"{len(docs)} documents {what}registered (at least {params.min})", inputs
    )


def near_sensitive_area(subject: Subject, params: NearParams) -> CheckResult:
    """Project locations against the sensitive-area layer, when one was given."""
    if subject.layer is None:
        return CheckResult("skipped", "no sensitive-area layer was given")
    if not subject.places:
        return CheckResult(
            "missing", "no project location with coordinates", {"layer": subject.layer}
        )
    kinds = set(params.kinds)
    hits = [h for h in subject.sites if h.kind in kinds and h.distance_km <= params.within_km]
    inputs: dict[str, Any] = {"layer": subject.layer, "places": len(subject.places)}
    if hits:
        inputs["hits"] = [f"{h.place} → {h.feature} ({h.kind}, {h.distance_km:g} km)" for h in hits]
        names = "; ".join(inputs["hits"])
        return CheckResult("fail", f"within {params.within_km:g} km of: {names}", inputs)
    return CheckResult(
        "pass",
        f"{len(subject.places)} locations, none within {params.within_km:g} km of "
        f"{', '.join(params.kinds)}",
        inputs,
    )


def parties_identified(subject: Subject, params: PartiesParams) -> CheckResult:
    """Counterparties named: no placeholder parties (``not named``) in the given roles."""
    roles = set(params.roles)
    marks = tuple(p.lower() for p in params.placeholders)
    vague = [
        p.name
        for p, lowered in zip(subject.parties, subject.party_names, strict=True)
        if p.role in roles and any(m in lowered for m in marks)
    ]
    named = [p.name for p in subject.parties if p.role in roles and p.name not in vague]
    if vague:
        return CheckResult(
            "fail",
            f"counterparties not identified: {'; '.join(vague)}",
            {"unnamed": vague, "named": named},
        )
    if not named:
        return CheckResult("missing", "no funding or implementing party registered", {})
    return CheckResult("pass", f"counterparties named: {'; '.join(named)}", {"named": named})


Check = Callable[[Subject, Any], CheckResult]

#: Every check by name: its parameter model and its function.
CHECKS: dict[str, tuple[type[_Params], Check]] = {
    "iati_published": (IatiParams, iati_published),
    "transactions": (TransactionParams, transactions),
    "has_documents": (DocumentsParams, has_documents),
    "near_sensitive_area": (NearParams, near_sensitive_area),
    "parties_identified": (PartiesParams, parties_identified),
}


class DocumentMatcher:
    """A rule's :class:`DocumentMatch`, compiled: which register documents satisfy the rule."""

    __slots__ = ("categories", "titles", "urls")

    def __init__(self, match: DocumentMatch) -> None:
        self.categories = frozenset(match.categories)
        self.titles = tuple(t.lower() for t in match.title_any)
        self.urls = tuple(u.lower() for u in match.url_any)

    def __call__(self, subject: Subject) -> list[Doc]:
        if not (
            self.categories & subject.doc_categories
            or any(t in subject.doc_titles for t in self.titles)
            or any(u in subject.doc_urls for u in self.urls)
        ):
            return []  # the usual case, decided on the joined texts
        found = []
        for doc, (category, title, url, _host) in zip(
            subject.documents, subject.doc_keys, strict=True
        ):
            if (
                category in self.categories
                or any(t in title for t in self.titles)
                or any(u in url for u in self.urls)
            ):
                found.append(doc)
        return found


def match_documents(subject: Subject, match: DocumentMatch) -> list[Doc]:
    """The register documents of ``subject`` that ``match`` accepts."""
    return DocumentMatcher(match)(subject)
