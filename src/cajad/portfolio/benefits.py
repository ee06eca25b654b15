"""The benefits table: what backing each project of the register is worth to the planner.

Every candidate of the register gets a **default** benefit built from what the register knows,
in the plan currency's millions, each part labelled with how it was made (``sourced``,
``fitted`` or ``assumed``; a default is as weak as its weakest part):

1. **Screening** (always): the project's planned money × its screening score / 100 × the
   weight of its E&S category (:data:`CATEGORY_WEIGHTS`); not screened: an assumed score of 50
   (see :mod:`cajad.portfolio.from_register`). The money is sourced (the register's
   transactions); the score's rules and the weights are assumptions, so the part is
   ``assumed``.
2. **Prospectivity evidence** (exploration projects linked to recorded runs, migration 0014):
   the screening part × ``0.5 + ROC AUC`` of the latest linked run when that run was
   validated by spatial block cross-validation (AUC 0.5, a coin: ×1; AUC 0.9: ×1.4), labelled
   ``fitted`` (a held-out figure); a run that was not validated adds nothing (×1, ``assumed``)
   and says so.
3. **Corridor** (projects a bundled corridor scenario names in its ``projects``): the
   scenario's saving in generalized cost per container, averaged over its origin–destination
   pairs (:func:`cajad.corridor.compare_scenario`: cost saved + value of time × hours saved),
   × :data:`ASSUMED_TEU_PER_YEAR` containers a year × the plan's years, converted from USD at
   the register's rates and shared equally among the scenario's projects. The change sizes of
   the bundled scenarios are illustrative and the value of time is assumed, so the part is
   ``assumed``.

A person may **set** a project's benefit (``cajad benefits set``, the plan page, the project
page): a row of ``project_benefit`` (:class:`~cajad.portfolio.tables.ProjectBenefit`) with its
kind (``user`` for a judgement, or sourced/fitted/assumed with its basis) and a note, audited
under the account. A set value always overrides the default; the plan's ``why`` says which
was used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from cajad.accounts import Action, Principal, authorize_project, can
from cajad.portfolio.candidates import Candidate
from cajad.portfolio.errors import CandidatesError
from cajad.portfolio.tables import KINDS, ProjectBenefit
from cajad.register import Project, RateBook, audit

__all__ = [
    "ASSUMED_TEU_PER_YEAR",
    "CATEGORY_WEIGHTS",
    "ENTITY",
    "MAX_VALUE",
    "Benefit",
    "Part",
    "authorize_benefit",
    "benefit_rows",
    "benefit_table",
    "clear_benefit",
    "corridor_savings",
    "evidence_factors",
    "set_benefit",
    "stored_benefits",
    "weakest",
    "with_register_benefits",
]

#: How the audit log names a benefit row.
ENTITY: Final = "project_benefit"
#: The largest benefit a person may set (plan currency millions): 10^15, far above any budget.
MAX_VALUE: Final = Decimal(10) ** 15
#: Weight of the E&S category in the screening part (assumed): a category A project (significant
#: adverse impacts, JICA/JBIC guidelines) carries residual risk and costly supervision, so the
#: same money is worth less; B somewhat less; C and FI as they are.
CATEGORY_WEIGHTS: Final = {"A": Decimal("0.8"), "B": Decimal("0.9"), "C": Decimal(1)}
#: Containers (TEU) a year a corridor improvement serves (assumed): the order of the Trans-Caspian
#: route's container traffic in 2024 (tens of thousands of TEU a year).
ASSUMED_TEU_PER_YEAR: Final = 50_000
MILLION: Final = Decimal(1_000_000)
_ORDER: Final = ("sourced", "fitted", "assumed", "user")


def weakest(kinds: Iterable[str]) -> str:
    """The weakest of ``kinds`` (sourced > fitted > assumed > user); sourced when none."""
    found = [k for k in kinds if k in _ORDER]
    return max(found, key=_ORDER.index) if found else "sourced"


@dataclass(frozen=True)
class Part:
    """One labelled part of a default: ``add`` (plan currency millions) or ``factor``."""

    name: str
    kind: str
    text: str
    add: Decimal = Decimal(0)
    factor: Decimal = Decimal(1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "text": self.text,
            "add": str(self.add),
            "factor": str(self.factor),
        }


@dataclass(frozen=True)
class Benefit:
    """The benefit the planner uses for a project, and where it came from.

    ``origin`` is ``set`` (a person's row) or ``default``; ``default`` is the register default
    (kept when a set value overrides it, to show both).
    """

    project: str
    value: Decimal
    origin: str
    kind: str
    source: str
    default: Decimal
    parts: tuple[Part, ...] = ()
    note: str = ""
    basis: str = ""
    updated_by: str | None = None
    updated_at: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "value": str(self.value),
            "origin": self.origin,
            "kind": self.kind,
            "source": self.source,
            "default": str(self.default),
            "parts": [p.as_dict() for p in self.parts],
            "note": self.note,
            "basis": self.basis,
            "updated_by": self.updated_by,
            "updated_at": None if self.updated_at is None else self.updated_at.isoformat(),
        }


def _screening_part(candidate: Candidate) -> Part:
    kind = "assumed"
    return Part("screening", kind, candidate.benefit_source.removeprefix("default: "))


def evidence_factors(session: Session) -> dict[str, Part]:
    """The prospectivity part of each project linked to a recorded run (the latest run)."""
    from cajad.minerals.tables import ProspectivityRun

    found: dict[str, Part] = {}
    for run in session.scalars(select(ProspectivityRun).order_by(ProspectivityRun.id.desc())):
        metrics = run.metrics or {}
        auc = metrics.get("roc_auc")
        validated = metrics.get("validation") == "spatial block CV" and auc is not None
        for project in run.projects:
            if project.identifier in found:
                continue
            if validated:
                value = Decimal(str(auc)).quantize(Decimal("0.001"))
                factor = Decimal("0.5") + value
                part = Part(
                    "prospectivity",
                    "fitted",
                    f"× {factor} = 0.5 + ROC AUC {value} of prospectivity run {run.id} "
                    f"({run.commodity}, validated by spatial block CV)",
                    factor=factor,
                )
            else:
                part = Part(
                    "prospectivity",
                    "assumed",
                    f"× 1: prospectivity run {run.id} ({run.commodity}) is not validated, "
                    "so its evidence adds nothing",
                )
            found[project.identifier] = part
    return found


@lru_cache(maxsize=8)
def _scenario_savings() -> tuple[tuple[str, tuple[str, ...], float, float, float, int], ...]:
    """Per bundled scenario with projects: (name, projects, mean hours saved, mean USD per TEU
    saved, mean generalized USD per TEU saved, pairs) — computed once per process."""
    from cajad.corridor import compare_scenario, load_network
    from cajad.corridor.scenarios import list_scenarios, load_scenario

    network = load_network()
    vot = float(network.parameters.value_of_time_usd_per_teu_h.value)
    found = []
    for name in list_scenarios():
        scenario = load_scenario(name)
        if not scenario.projects:
            continue
        pairs = [p for p in compare_scenario(network, scenario).pairs if p.base and p.scenario]
        if not pairs:
            continue
        hours = sum(-(p.delta("time_h") or 0.0) for p in pairs) / len(pairs)
        usd = sum(-(p.delta("cost_usd_per_teu") or 0.0) for p in pairs) / len(pairs)
        found.append((name, scenario.projects, hours, usd, usd + vot * hours, len(pairs)))
    return tuple(found)


def corridor_savings(session: Session, currency: str, years: int) -> dict[str, Part]:
    """The corridor part of each project a bundled scenario names (see the module)."""
    book = RateBook.from_session(session)
    today = dt.date.today()
    found: dict[str, Part] = {}
    for name, projects, hours, usd, general, pairs in _scenario_savings():
        if general <= 0:
            continue
        total_usd = Decimal(str(round(general, 2))) * ASSUMED_TEU_PER_YEAR * years
        share = total_usd / len(projects)
        converted = book.convert(share, "USD", currency, today).converted
        add = (converted / MILLION).quantize(Decimal("0.01"))
        shared = f", shared by {len(projects)} projects" if len(projects) > 1 else ""
        text = (
            f"+ {currency} {add:,} m: corridor scenario {name} saves {hours:,.1f} h and "
            f"USD {usd:,.0f} per container on average over {pairs} pairs (USD {general:,.0f} "
            f"generalized, value of time assumed) × {ASSUMED_TEU_PER_YEAR:,} containers a year "
            f"(assumed) × {years} years{shared}"
        )
        for project in projects:
            previous = found.get(project)
            if previous is not None:
                add_total = previous.add + add
                found[project] = Part(
                    "corridor", "assumed", f"{previous.text}; {text}", add=add_total
                )
            else:
                found[project] = Part("corridor", "assumed", text, add=add)
    return found


def stored_benefits(session: Session) -> dict[str, ProjectBenefit]:
    """The benefits people set, by project identifier."""
    return {row.project.identifier: row for row in session.scalars(select(ProjectBenefit))}


def benefit_table(
    session: Session, candidates: list[Candidate], currency: str, years: int
) -> dict[str, Benefit]:
    """The benefit of each candidate of the register: a set value, else its default."""
    evidence = evidence_factors(session)
    corridor = corridor_savings(session, currency, years)
    stored = stored_benefits(session)
    table: dict[str, Benefit] = {}
    for c in candidates:
        screening = _screening_part(c)
        parts = [screening]
        value = c.benefit
        if c.project in evidence:
            parts.append(evidence[c.project])
            value = value * evidence[c.project].factor
        if c.project in corridor:
            parts.append(corridor[c.project])
            value = value + corridor[c.project].add
        value = value.quantize(Decimal("0.01"))
        kind = weakest(p.kind for p in parts)
        source = f"register default ({kind}): {value} = " + "; ".join(p.text for p in parts)
        row = stored.get(c.project)
        if row is None:
            table[c.project] = Benefit(
                c.project, value, "default", kind, source, value, tuple(parts)
            )
            continue
        basis = f", basis: {row.basis}" if row.basis else ""
        note = f" — {row.note}" if row.note else ""
        said = (
            f"set ({row.kind}{basis}) by {row.updated_by} on {row.updated_at:%Y-%m-%d}: "
            f"{row.value}{note}; the register default {value} is not used"
        )
        table[c.project] = Benefit(
            c.project,
            row.value,
            "set",
            row.kind,
            said,
            value,
            tuple(parts),
            note=row.note,
            basis=row.basis,
            updated_by=row.updated_by,
            updated_at=row.updated_at,
        )
    return table


def with_register_benefits(
    session: Session, candidates: list[Candidate], currency: str, years: int
) -> list[Candidate]:
    """``candidates`` with the benefits of :func:`benefit_table` (their sources said)."""
    table = benefit_table(session, candidates, currency, years)
    return [
        c.model_copy(
            update={"benefit": table[c.project].value, "benefit_source": table[c.project].source}
        )
        for c in candidates
    ]


def _state(row: ProjectBenefit) -> dict[str, Any]:
    return {
        "value": format(row.value.normalize(), "f"),
        "kind": row.kind,
        "basis": row.basis,
        "note": row.note,
    }


def _project(session: Session, identifier: str) -> Project:
    from cajad.register import get_project

    return get_project(session, identifier)


def set_benefit(
    session: Session,
    project: str,
    value: Decimal,
    *,
    note: str = "",
    kind: str = "user",
    basis: str = "",
) -> ProjectBenefit:
    """Set ``project``'s benefit (plan currency millions) under the session's actor; audited.

    Refused (:class:`~cajad.portfolio.errors.CandidatesError`): a value that is not a finite
    number in ``[0, MAX_VALUE]``, an unknown kind; an unknown project is the register's
    not-found error.
    """
    if not value.is_finite() or value < 0 or value > MAX_VALUE:
        raise CandidatesError(f"benefit must be a number from 0 to {MAX_VALUE:,}; got {value}")
    if kind not in KINDS:
        raise CandidatesError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if kind != "user" and not basis.strip():
        raise CandidatesError(f"a {kind} benefit needs its basis (--basis): where it comes from")
    target = _project(session, project)
    row = session.get(ProjectBenefit, target.id)
    before = None if row is None else _state(row)
    if row is None:
        row = ProjectBenefit(project_id=target.id)
        session.add(row)
    row.value = value
    row.kind = kind
    row.basis = basis.strip()
    row.note = note.strip()
    row.updated_by = str(session.info.get("actor", "cajad"))[:120]
    row.updated_account = session.info.get("account")
    row.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    after = _state(row)
    if before != after:
        audit.record(
            session,
            action="insert" if before is None else "update",
            entity=ENTITY,
            key=project,
            before=before,
            after=after,
        )
    session.flush()
    return row


def clear_benefit(session: Session, project: str) -> bool:
    """Remove ``project``'s set benefit (its default applies again); audited. False: none set."""
    target = _project(session, project)
    row = session.get(ProjectBenefit, target.id)
    if row is None:
        return False
    audit.record(
        session, action="delete", entity=ENTITY, key=project, before=_state(row), after=None
    )
    session.delete(row)
    session.flush()
    return True


def benefit_rows(table: Mapping[str, Benefit]) -> list[dict[str, Any]]:
    """The table as JSON-ready rows, by project."""
    return [table[k].as_dict() for k in sorted(table)]


def authorize_benefit(session: Session, who: Principal | None, project: str) -> Principal:
    """``who`` if they may set ``project``'s benefit: an analyst (or admin), who plans, or an
    editor of the organisation that owns the project; else refused as
    :func:`cajad.accounts.authorize_project` refuses (401 without an account, 403 a role)."""
    if who is not None and can(who, Action.RUN):
        return who
    return authorize_project(session, who, Action.EDIT, project)
