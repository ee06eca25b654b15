"""Consortia that cover a financing need, solved exactly with HiGHS.

The candidates are the investors that pass every hard requirement. Each one offering a loan,
equity or a grant may fund (variable ``f``) or, if it is Japanese and offers guarantees, be
the guarantor (``g``), not both. A funder's ticket lies between its minimum (0 when not
published) and its maximum (the need when not published, and never above the need). The
model, on the planner's solver (:mod:`cajad.portfolio`):

- cover: Σ min·f ≤ need ≤ Σ max·f (then tickets between each member's min and max add up to
  the need exactly);
- one role each: f + g ≤ 1;
- guarantor: Σ g = 1 when :func:`needs_guarantor` says so, else Σ g = 0;
- objective: the fewest members, then the best total score (lexicographic: every member
  costs more than all scores together).

**When a Japanese guarantor is needed** (our rule, a policy choice): the project is in a
priority area of :data:`GUARANTEE_AREAS` (green, connectivity: the infrastructure in which the
initiative's deals carried JBIC/NEXI-type cover, e.g. Sazagan solar, the Uzbektelecom loans)
and in a Central Asian country. Then one Japanese investor offering guarantees takes the
``guarantor`` role, covering the smaller of its maximum and the need; it is not a funder.

Tickets: every funder starts at its minimum; the rest of the need goes to the funders by
largest maximum first. The lead is the funder with the largest ticket (ties: the better score).
Further consortia are the next best under the same order, each found with the ones before cut
off (no-good cuts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from cajad.brokerage.matching import Candidate, Need, ProjectFacts
from cajad.portfolio import Constraint, Model, Row, best
from cajad.portfolio.planner import no_good
from cajad.register import CENTRAL_ASIAN_COUNTRIES

__all__ = ["GUARANTEE_AREAS", "Consortium", "Member", "consortia", "needs_guarantor"]

GUARANTEE_AREAS: Final = ("green", "connectivity")
#: The instruments that put money in (a guarantee only covers it).
FUNDING: Final = ("loan", "equity", "grant")
ONE = Decimal(1)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Member:
    """One investor of a consortium: its role (lead, participant, guarantor) and ticket."""

    id: str
    role: str
    ticket: Decimal
    score: Decimal

    def as_dict(self, currency: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "ticket": _plain(self.ticket),
            "currency": currency,
        }


@dataclass(frozen=True)
class Consortium:
    """Members (lead first), what the funders cover, and the total score."""

    members: tuple[Member, ...]
    covers: Decimal
    currency: str
    score: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "members": [m.as_dict(self.currency) for m in self.members],
            "covers": {"amount": _plain(self.covers), "currency": self.currency},
            "score": float(self.score),
        }


def _plain(amount: Decimal) -> str:
    """``11915000000.00`` → ``11915000000``: money as plain text, no trailing zeros."""
    return format(amount.normalize(), "f")


def needs_guarantor(project: ProjectFacts) -> bool:
    """Whether the consortium needs a Japanese guarantor (see the module's docstring)."""
    in_area = any(a in GUARANTEE_AREAS and share > 0 for a, share in project.areas)
    in_ca = any(c in CENTRAL_ASIAN_COUNTRIES for c in project.countries)
    return in_area and in_ca


def _can_guarantee(c: Candidate) -> bool:
    return c.investor.origin == "JP" and "guarantee" in c.investor.instruments


def _can_fund(c: Candidate) -> bool:
    return any(i in FUNDING for i in c.investor.instruments)


def _range(c: Candidate, need: Decimal) -> tuple[Decimal, Decimal]:
    low = c.min_ticket or ZERO
    high = need if c.max_ticket is None else min(c.max_ticket, need)
    return low, high


def _model(candidates: Sequence[Candidate], need: Decimal, guarantor: bool) -> Model:
    n = len(candidates)
    big = sum((c.score for c in candidates), ZERO) + ONE
    objective = tuple(c.score - big for c in candidates) * 2  # f then g
    ranges = [_range(c, need) for c in candidates]
    funders = [i for i, (lo, hi) in enumerate(ranges) if lo <= hi and _can_fund(candidates[i])]
    cover = Constraint(
        "cover the need",
        "cover",
        (
            Row(tuple((i, ranges[i][0]) for i in funders), None, need, unit="money"),
            Row(tuple((i, ranges[i][1]) for i in funders), need, None, unit="money"),
        ),
    )
    roles = Constraint(
        "one role each",
        "roles",
        tuple(Row(((i, ONE), (n + i, ONE)), None, ONE) for i in range(n)),
        structural=True,
    )
    able = [n + i for i, c in enumerate(candidates) if _can_guarantee(c) and ranges[i][0] <= need]
    wanted = ONE if guarantor else ZERO
    guarantee = Constraint(
        "japanese guarantor", "guarantor", (Row(tuple((j, ONE) for j in able), wanted, wanted),)
    )
    fixed_out = frozenset(i for i in range(n) if i not in funders) | frozenset(
        n + i for i in range(n) if n + i not in able
    )
    return Model(2 * n, objective, (cover, roles, guarantee), fixed_out=fixed_out)


def _tickets(members: list[Candidate], need: Decimal) -> dict[str, Decimal]:
    ranges = {c.investor.id: _range(c, need) for c in members}
    tickets = {k: lo for k, (lo, _) in ranges.items()}
    rest = need - sum(tickets.values(), ZERO)
    for c in sorted(members, key=lambda c: (-ranges[c.investor.id][1], -c.score, c.investor.id)):
        lo, hi = ranges[c.investor.id]
        extra = min(hi - lo, rest)
        tickets[c.investor.id] += extra
        rest -= extra
    return tickets


def _consortium(candidates: Sequence[Candidate], chosen: frozenset[int], need: Need) -> Consortium:
    n = len(candidates)
    funders = [candidates[i] for i in sorted(chosen) if i < n]
    guarantors = [candidates[i - n] for i in sorted(chosen) if i >= n]
    tickets = _tickets(funders, need.amount)
    order = sorted(funders, key=lambda c: (-tickets[c.investor.id], -c.score, c.investor.id))
    members = [
        Member(c.investor.id, "lead" if k == 0 else "participant", tickets[c.investor.id], c.score)
        for k, c in enumerate(order)
    ]
    for g in guarantors:
        members.append(Member(g.investor.id, "guarantor", _range(g, need.amount)[1], g.score))
    score = sum((m.score for m in members), ZERO)
    covered = sum((tickets.values()), ZERO)
    return Consortium(tuple(members), covered, need.currency, score)


def consortia(
    candidates: Sequence[Candidate],
    need: Need,
    *,
    guarantor: bool,
    count: int = 3,
) -> list[Consortium]:
    """Up to ``count`` consortia, the best first (see the module's docstring); none when no
    set of candidates covers the need."""
    if not candidates or need.amount <= 0:
        return []
    model = _model(candidates, need.amount, guarantor)
    found: list[Consortium] = []
    current = model
    while len(found) < count:
        chosen = best(current)
        if chosen is None:
            break
        found.append(_consortium(candidates, chosen, need))
        current = current.plus(no_good(model, chosen, f"not consortium {len(found)}"))
    return found
