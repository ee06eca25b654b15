"""Matching investors to a project, every score decomposed into named reasons.

**Hard requirements** (an investor failing any one is never returned; :func:`match` lists it
with its reasons among ``excluded``):

- *country*: the investor works anywhere (``*``) or in one of the project's countries (a
  regional project: in one of the Central Asian countries);
- *sector*: one of its sectors is a priority area of the project, or a DAC code prefix of one
  of the project's sectors;
- *instrument*: it offers an instrument the project can take (:data:`FITTING`);
- *ticket*: its minimum ticket, converted at the register's dated rates, is at most the
  financing need (exactly equal passes); a maximum below the need only limits its share;
- *grade*: when it publishes a ``min_grade``, the project's latest screening grade is that
  grade or better (exactly equal passes; not screened fails);
- *category*: when it publishes a ``max_category``, the project's latest E&S category is no
  more demanding (C < B < A; FI counts as A; exactly equal passes; not screened fails).

**Soft requirements** rank, in points out of 100 (:data:`POINTS`): sector depth (the share of
the project's sectors the investor names, more for a DAC code than an area), past deals in the
project's countries, currency match with the need, track record in the register, ticket fit
(the share of the need its maximum ticket covers; none when the maximum is not published) and
tenor: when the need states the tenor it asks for (years) and the investor publishes its
typical range, full points inside the range (both ends pass), else the points scaled by how
near the range comes (a need of 20 years against a maximum of 15: 15/20; a need of 3 years
against a minimum of 5: 3/5); none, said, when either is not known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Protocol

from cajad.brokerage.profiles import CATEGORIES, GRADES, Investor
from cajad.brokerage.store import TrackRecord

__all__ = [
    "FITTING",
    "POINTS",
    "Candidate",
    "Matches",
    "Need",
    "ProjectFacts",
    "Reason",
    "hard_reasons",
    "match",
    "soft_reasons",
]

#: The investor instruments each register instrument can take (others: any). A guarantee
#: covers lenders, so it fits loans and private investment.
FITTING: Final[dict[str, tuple[str, ...]]] = {
    "grant aid": ("grant",),
    "technical cooperation": ("grant",),
    "ODA loan": ("loan", "guarantee"),
    "JBIC loan": ("loan", "guarantee"),
    "NEXI insurance": ("guarantee",),
    "private investment": ("equity", "loan", "guarantee"),
}
ANY_INSTRUMENT: Final = ("loan", "equity", "guarantee", "grant")

#: The most points each soft requirement gives.
POINTS: Final[dict[str, Decimal]] = {
    "sector depth": Decimal(30),
    "country deals": Decimal(20),
    "currency": Decimal(10),
    "track record": Decimal(15),
    "ticket fit": Decimal(15),
    "tenor": Decimal(10),
}
_PER_COUNTRY_DEAL = Decimal(10)
_PER_DEAL = Decimal(5)
_CENT = Decimal("0.01")


class Converter(Protocol):
    """The register's :class:`~cajad.register.RateBook`."""

    def convert(self, amount: Decimal, currency: str, target: str, value_date: dt.date) -> Any: ...


@dataclass(frozen=True)
class Need:
    """A financing need: the amount, its currency, the date its rates are taken at and where
    it comes from."""

    amount: Decimal
    currency: str
    on: dt.date
    source: str
    tenor_years: int | None = None
    """The tenor the project asks for, in years (None: not stated)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "amount": str(self.amount),
            "currency": self.currency,
            "on": self.on.isoformat(),
            "source": self.source,
            "tenor_years": self.tenor_years,
        }


@dataclass(frozen=True)
class ProjectFacts:
    """What matching needs of a project."""

    identifier: str
    title: str
    countries: tuple[str, ...]
    areas: tuple[tuple[str, Decimal], ...]  # area, percentage
    sectors: tuple[tuple[str, Decimal], ...]  # DAC code, percentage
    instrument: str | None
    grade: str | None
    category: str | None


@dataclass(frozen=True)
class Reason:
    """A named reason: ``points`` for a soft requirement, ``passed`` for a hard one."""

    name: str
    text: str
    points: Decimal = Decimal(0)
    passed: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "points": float(self.points), "text": self.text}


@dataclass(frozen=True)
class Candidate:
    """An investor with its tickets in the need's currency and its reasons."""

    investor: Investor
    min_ticket: Decimal | None  # in the need's currency
    max_ticket: Decimal | None
    hard: tuple[Reason, ...]
    soft: tuple[Reason, ...]

    @property
    def passes(self) -> bool:
        return all(r.passed for r in self.hard)

    @property
    def score(self) -> Decimal:
        return sum((r.points for r in self.soft), Decimal(0)).quantize(_CENT)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.investor.id,
            "name": self.investor.name,
            "origin": self.investor.origin,
            "score": float(self.score),
            "reasons": [r.as_dict() for r in self.soft],
            "requirements": [r.text for r in self.hard],
        }

    def excluded_dict(self) -> dict[str, Any]:
        return {
            "id": self.investor.id,
            "name": self.investor.name,
            "failed": [r.text for r in self.hard if not r.passed],
        }


@dataclass(frozen=True)
class Matches:
    """The investors that pass every hard requirement, best first, and those that do not."""

    investors: tuple[Candidate, ...]
    excluded: tuple[Candidate, ...]


def _tickets(
    investor: Investor, need: Need, rates: Converter | None
) -> tuple[Decimal | None, Decimal | None]:
    def convert(value: Decimal | None) -> Decimal | None:
        if value is None or investor.currency == need.currency:
            return value
        if rates is None:
            raise ValueError(f"no rates to convert {investor.currency} into {need.currency}")
        converted: Decimal = rates.convert(
            value, investor.currency, need.currency, need.on
        ).converted
        return converted

    return convert(investor.min_ticket), convert(investor.max_ticket)


def _money(amount: Decimal, currency: str) -> str:
    return f"{currency} {amount:,.0f}"


def hard_reasons(
    investor: Investor, project: ProjectFacts, need: Need, min_ticket: Decimal | None
) -> tuple[Reason, ...]:
    """Each hard requirement, passed or not, in words."""
    return (
        _country(investor, project),
        _sector(investor, project),
        _instrument(investor, project),
        _ticket(investor, need, min_ticket),
        _grade(investor, project),
        _category(investor, project),
    )


def _country(investor: Investor, project: ProjectFacts) -> Reason:
    if investor.anywhere:
        return Reason("country", "country: works in any country")
    shared = [c for c in project.countries if c in investor.countries]
    if shared:
        return Reason("country", f"country: works in {', '.join(shared)}")
    return Reason(
        "country",
        f"country: works in {', '.join(investor.countries)}, not in "
        f"{', '.join(project.countries) or 'the project countries'}",
        passed=False,
    )


def _named(investor: Investor, project: ProjectFacts) -> tuple[list[str], list[str]]:
    areas = [a for a, share in project.areas if share > 0 and a in investor.sectors]
    codes = [
        c
        for c, _ in project.sectors
        if any(c.startswith(s) for s in investor.sectors if s.isdigit())
    ]
    return areas, codes


def _sector(investor: Investor, project: ProjectFacts) -> Reason:
    areas, codes = _named(investor, project)
    if areas or codes:
        return Reason("sector", f"sector: finances {', '.join(areas + codes)}")
    wanted = [a for a, share in project.areas if share > 0] + [c for c, _ in project.sectors]
    return Reason(
        "sector",
        f"sector: finances {', '.join(investor.sectors)}, not {', '.join(wanted) or 'unknown'}",
        passed=False,
    )


def _instrument(investor: Investor, project: ProjectFacts) -> Reason:
    fitting = FITTING.get(project.instrument or "", ANY_INSTRUMENT)
    offered = [i for i in investor.instruments if i in fitting]
    if offered:
        return Reason("instrument", f"instrument: offers {', '.join(offered)}")
    return Reason(
        "instrument",
        f"instrument: offers {', '.join(investor.instruments)}; the project "
        f"({project.instrument}) takes {', '.join(fitting)}",
        passed=False,
    )


def _ticket(investor: Investor, need: Need, min_ticket: Decimal | None) -> Reason:
    if min_ticket is None:
        return Reason("ticket", "ticket: minimum not published")
    if min_ticket <= need.amount:
        return Reason(
            "ticket",
            f"ticket: minimum {_money(min_ticket, need.currency)} within the need "
            f"{_money(need.amount, need.currency)}",
        )
    return Reason(
        "ticket",
        f"ticket: minimum {_money(min_ticket, need.currency)} exceeds the need "
        f"{_money(need.amount, need.currency)}",
        passed=False,
    )


def _grade(investor: Investor, project: ProjectFacts) -> Reason:
    if investor.min_grade is None:
        return Reason("grade", "grade: no minimum published")
    if project.grade is None:
        return Reason(
            "grade", f"grade: needs {investor.min_grade} or better; not screened", passed=False
        )
    ok = GRADES.index(project.grade) <= GRADES.index(investor.min_grade)
    verb = "meets" if ok else "is worse than"
    return Reason(
        "grade", f"grade: {project.grade} {verb} its minimum {investor.min_grade}", passed=ok
    )


def _category_rank(category: str) -> int:
    return CATEGORIES.index("A" if category == "FI" else category)


def _category(investor: Investor, project: ProjectFacts) -> Reason:
    if investor.max_category is None:
        return Reason("category", "E&S category: no limit published")
    if project.category is None:
        return Reason(
            "category", f"E&S category: up to {investor.max_category}; not screened", passed=False
        )
    ok = _category_rank(project.category) <= _category_rank(investor.max_category)
    verb = "within" if ok else "beyond"
    return Reason(
        "category",
        f"E&S category: {project.category} {verb} its limit {investor.max_category}",
        passed=ok,
    )


def soft_reasons(
    investor: Investor,
    project: ProjectFacts,
    need: Need,
    max_ticket: Decimal | None,
    record: TrackRecord | None,
) -> tuple[Reason, ...]:
    """Each soft requirement with its points, in words."""
    return (
        _depth(investor, project),
        _country_deals(project, record),
        _currency(investor, need),
        _track(record),
        _fit(need, max_ticket),
        _tenor(investor, need),
    )


def _tenor(investor: Investor, need: Need) -> Reason:
    low, high = investor.min_tenor_years, investor.max_tenor_years
    if need.tenor_years is None:
        return Reason("tenor", "the project's tenor need is not stated")
    if low is None and high is None:
        return Reason("tenor", "its typical tenor is not published")
    wanted = need.tenor_years
    span = f"{low} or more" if high is None else f"up to {high}" if low is None else f"{low}-{high}"
    if (low is None or wanted >= low) and (high is None or wanted <= high):
        return Reason(
            "tenor",
            f"its typical tenor ({span} years) covers the {wanted} years needed",
            POINTS["tenor"],
        )
    share = (
        Decimal(high) / wanted
        if high is not None and wanted > high
        else Decimal(wanted) / (low or 1)
    )
    points = (POINTS["tenor"] * share).quantize(_CENT)
    return Reason(
        "tenor",
        f"its typical tenor ({span} years) falls short of the {wanted} years needed"
        if high is not None and wanted > high
        else f"its typical tenor ({span} years) is longer than the {wanted} years needed",
        points,
    )


def _depth(investor: Investor, project: ProjectFacts) -> Reason:
    areas, codes = _named(investor, project)
    total_area = sum((s for _, s in project.areas), Decimal(0)) or Decimal(100)
    total_codes = sum((s for _, s in project.sectors), Decimal(0)) or Decimal(100)
    by_area = sum((s for a, s in project.areas if a in areas), Decimal(0)) / total_area
    by_code = sum((s for c, s in project.sectors if c in codes), Decimal(0)) / total_codes
    # a DAC code names the project's sector itself: worth the full points; an area two thirds
    share = max(by_code, by_area * 2 / 3)
    points = (POINTS["sector depth"] * share).quantize(_CENT)
    named = ", ".join(codes) if by_code >= by_area * 2 / 3 and codes else ", ".join(areas)
    return Reason(
        "sector depth", f"names {named or 'none'} of the project's sectors ({share:.0%})", points
    )


def _country_deals(project: ProjectFacts, record: TrackRecord | None) -> Reason:
    count = sum((record.by_country.get(c, 0) for c in project.countries), 0) if record else 0
    points = min(POINTS["country deals"], _PER_COUNTRY_DEAL * count)
    where = ", ".join(project.countries) or "the region"
    return Reason("country deals", f"{count} past deals in {where} in the register", points)


def _currency(investor: Investor, need: Need) -> Reason:
    if investor.currency == need.currency:
        return Reason(
            "currency", f"lends in {need.currency}, the need's currency", POINTS["currency"]
        )
    return Reason("currency", f"tickets in {investor.currency}, the need is in {need.currency}")


def _track(record: TrackRecord | None) -> Reason:
    count = len(record.deals) if record else 0
    points = min(POINTS["track record"], _PER_DEAL * count)
    return Reason("track record", f"{count} deals in the register", points)


def _fit(need: Need, max_ticket: Decimal | None) -> Reason:
    if max_ticket is None:
        return Reason("ticket fit", "maximum ticket not published")
    share = min(Decimal(1), max_ticket / need.amount)
    points = (POINTS["ticket fit"] * share).quantize(_CENT)
    text = (
        "its maximum ticket covers the whole need"
        if share == 1
        else f"its maximum ticket covers {share:.0%} of the need"
    )
    return Reason("ticket fit", text, points)


def match(
    project: ProjectFacts,
    need: Need,
    investors: Sequence[Investor],
    *,
    records: dict[str, TrackRecord] | None = None,
    rates: Converter | None = None,
) -> Matches:
    """Rank ``investors`` for ``project``: those passing every hard requirement by score (then
    id), the others apart with their reasons."""
    passing: list[Candidate] = []
    failing: list[Candidate] = []
    for investor in investors:
        low, high = _tickets(investor, need, rates)
        record = (records or {}).get(investor.id)
        candidate = Candidate(
            investor,
            low,
            high,
            hard_reasons(investor, project, need, low),
            soft_reasons(investor, project, need, high, record),
        )
        (passing if candidate.passes else failing).append(candidate)
    passing.sort(key=lambda c: (-c.score, c.investor.id))
    failing.sort(key=lambda c: c.investor.id)
    return Matches(tuple(passing), tuple(failing))
