"""A screening's result: category, scores, grade, red flags, missing evidence, findings.

Every finding names its rule, the outcome, where the outcome came from (an automatic check,
register documents, a reviewer's answer or override) and the facts it rests on.
:meth:`Verdict.summary` is the form that is stored and that ``cajad screen --json`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cajad.screening.inference import Inferred

#: What a finding says, in words a reader can act on. ``met``: the requirement is met (or a
#: reviewer noted it does not apply); ``pending``: the evidence is not yet recorded (or only
#: claimed): nothing is known to be wrong; ``shortfall``: a problem found that does not block;
#: ``red_flag``: a problem found in recorded evidence (or a reviewer's "no") that blocks.
STATES: tuple[str, ...] = ("met", "pending", "shortfall", "red_flag")
#: Outcomes that mean "no evidence recorded yet": never a red flag, never a block.
PENDING_OUTCOMES = frozenset({"missing", "claimed", "skipped"})
_MET_OUTCOMES = frozenset({"pass", "na"})


def state_of(outcome: str, *, flagged: bool = False) -> str:
    """The state (one of :data:`STATES`) of a finding with ``outcome``; ``flagged``: it raised
    a red flag."""
    if outcome in PENDING_OUTCOMES:
        return "pending"
    if flagged:
        return "red_flag"
    return "met" if outcome in _MET_OUTCOMES else "shortfall"


def can_block(outcome: str) -> bool:
    """Whether a finding with ``outcome`` may raise a red flag: only a problem found in recorded
    evidence (or a reviewer's answer) blocks, never evidence not yet recorded."""
    return outcome not in PENDING_OUTCOMES


def states(result: dict[str, Any]) -> dict[str, str]:
    """``rule → state`` of a stored verdict (its ``outcomes`` and ``red_flags``)."""
    flagged = {f["rule"] for f in result["red_flags"]}
    return {
        rule: state_of(outcome, flagged=rule in flagged)
        for rule, outcome in result["outcomes"].items()
    }


def counts(by_rule: dict[str, str]) -> dict[str, int]:
    """How many findings are in each state, every state named (``red_flags`` for red_flag)."""
    found = dict.fromkeys(STATES, 0)
    for state in by_rule.values():
        found[state] += 1
    return {"met": found["met"], "pending": found["pending"],
            "shortfalls": found["shortfall"], "red_flags": found["red_flag"]}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Finding:
    """What one rule concluded, and why."""

    rule: str
    title: str
    standard: str
    principle: str | None
    outcome: str
    weight: float
    earned: float
    source: str  # check | documents | answer | override | question
    reason: str
    inputs: dict[str, Any] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A finding that blocks the verdict whatever the score."""

    rule: str
    title: str
    message: str
    outcome: str
    because: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Stored form; the title and message are the catalogue's (see ``expand``)."""
        return {"rule": self.rule, "outcome": self.outcome, "because": list(self.because)}


@dataclass(frozen=True, slots=True)
class MissingEvidence:
    """A rule that applies and has no (or only claimed) evidence."""

    rule: str
    title: str
    evidence: str
    outcome: str
    principle: str | None

    def as_dict(self) -> dict[str, Any]:
        """Stored form; the title and the evidence wanted are the catalogue's (see ``expand``)."""
        return {"rule": self.rule, "outcome": self.outcome}


@dataclass(frozen=True, slots=True)
class Applicability:
    """A standard that applies to the project, and why."""

    standard: str
    title: str
    because: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Categorised:
    """The project's E&S category, the rule that gave it and the facts behind it."""

    category: str
    rule: str
    source: str  # rule | fitted (no rule decided: an estimate pending a reviewer) | reviewer
    because: tuple[str, ...]
    automatic: str  # the category the rules alone give


@dataclass
class Verdict:
    """The full result of screening one project under one catalogue."""

    project: str
    catalogue_version: str
    catalogue_digest: str
    inputs_digest: str
    category: Categorised
    grade: str
    score: float | None
    scores: dict[str, float | None]
    blocked: bool
    coverage: float
    red_flags: list[RedFlag]
    missing_evidence: list[MissingEvidence]
    standards: list[Applicability]
    findings: list[Finding]
    inferred: Inferred | None = None

    def summary(self) -> dict[str, Any]:
        """The stored form: everything but the findings' reasons and the catalogue's texts."""
        data = {
            "project": self.project,
            "catalogue_version": self.catalogue_version,
            "catalogue_digest": self.catalogue_digest,
            "inputs_digest": self.inputs_digest,
            "category": self.category.category,
            "category_rule": self.category.rule,
            "category_source": self.category.source,
            "category_because": list(self.category.because),
            "automatic_category": self.category.automatic,
            "grade": self.grade,
            "score": self.score,
            "scores": self.scores,
            "blocked": self.blocked,
            "coverage": self.coverage,
            "red_flags": [f.as_dict() for f in self.red_flags],
            "missing_evidence": [m.as_dict() for m in self.missing_evidence],
            "standards": [s.standard for s in self.standards],
            "outcomes": {f.rule: f.outcome for f in self.findings},
        }
        if self.inferred is not None:  # catalogues with an inference table (2026.2 on)
            data["inferred"] = self.inferred.as_dict()
        return data
