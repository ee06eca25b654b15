"""Applying a catalogue to a project's facts: a pure function from (subject, catalogue) to verdict.

Order of work: the E&S category (a reviewer's categorisation overrides the rules), then which
standards apply, then each applicable rule. A rule is decided by the reviewer's answer when
there is one (over an automatic check, that is an override), else by its automatic check, else
by register documents that satisfy it, else it is missing. Scores per principle are the credit
earned over the weight that applies; red flags block the grade whatever the score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cajad.screening.catalogue import Catalogue
from cajad.screening.checks import CHECKS
from cajad.screening.fitted import refine
from cajad.screening.inference import Inferred, infer
from cajad.screening.schema import Rule
from cajad.screening.subject import Subject
from cajad.screening.verdict import (
    Applicability,
    Categorised,
    Finding,
    MissingEvidence,
    RedFlag,
    Verdict,
    can_block,
)

_SCORED = frozenset({"pass", "partial", "claimed", "fail", "missing"})
_DECIDED = frozenset({"pass", "partial", "fail"})
FITTED_RULE = "CAT.FITTED"  # the rule id a fitted estimate is recorded under


@dataclass(slots=True)
class _Context:
    subject: Subject
    category: str = ""
    standards: dict[str, bool] = field(default_factory=dict)
    inferred: Inferred | None = None


def screen(subject: Subject, catalogue: Catalogue, *, inputs_digest: str | None = None) -> Verdict:
    """The verdict of ``catalogue`` on ``subject`` (``inputs_digest``: if already computed)."""
    table = catalogue.inference
    ctx = _Context(subject, inferred=infer(subject, table) if table is not None else None)
    categorised = _categorise(ctx, catalogue)
    ctx.category = categorised.category
    standards = _standards(ctx, catalogue)
    findings: list[Finding] = []
    flags: list[RedFlag] = []
    missing: list[MissingEvidence] = []
    applies = ctx.standards
    gaps = catalogue.gaps
    for rule, predicate in catalogue.plan:
        if not applies[rule.standard] or (predicate is not None and predicate(ctx) is None):
            continue
        finding = _decide(rule, subject, catalogue)
        findings.append(finding)
        if rule.red_flag is not None:
            flag = _flag(rule, finding, ctx, catalogue)
            if flag is not None:
                flags.append(flag)
        gap = gaps.get((rule.id, finding.outcome))
        if gap is not None:
            missing.append(gap)
    scores, overall, coverage = _scores(findings, catalogue)
    grading = catalogue.head.grading
    grade = grading.blocked if flags else _band(overall, catalogue)
    return Verdict(
        project=subject.identifier,
        catalogue_version=catalogue.version,
        catalogue_digest=catalogue.digest,
        inputs_digest=inputs_digest or subject.digest(),
        category=categorised,
        grade=grade,
        score=overall,
        scores=scores,
        blocked=bool(flags),
        coverage=coverage,
        red_flags=flags,
        missing_evidence=missing,
        standards=standards,
        findings=findings,
        inferred=ctx.inferred,
    )


def _categorise(ctx: _Context, catalogue: Catalogue) -> Categorised:
    cat = catalogue.categorisation
    automatic = None
    for rule, predicate in catalogue.category_predicates:
        because = predicate(ctx)
        if because is not None:
            automatic = Categorised(
                rule.category, rule.id, "rule", (rule.reason, *because), rule.category
            )
            break
    if automatic is None:
        automatic = Categorised(
            cat.default.category,
            cat.default.id,
            "rule",
            (cat.default.reason,),
            cat.default.category,
        )
    automatic = _fitted(ctx, catalogue, automatic) or automatic
    answer = ctx.subject.answers.get(cat.override_question)
    if answer is None:
        return automatic
    note = f": {answer.note}" if answer.note else ""
    return Categorised(
        answer.value,
        cat.override_question,
        "reviewer",
        (
            f"reviewer {answer.reviewer} categorised it {answer.value} on "
            f"{answer.answered_on.isoformat()}{note}",
            f"the rules alone give {automatic.category} ({automatic.rule})",
        ),
        automatic.category,
    )


def _fitted(ctx: _Context, catalogue: Catalogue, ruled: Categorised) -> Categorised | None:
    """The fitted estimate where no rule decided (see ``cajad.screening.fitted``)."""
    model, inferred = catalogue.fitted, ctx.inferred
    if model is None or inferred is None:
        return None
    unsure = ruled.rule == catalogue.categorisation.default.id
    guess = refine(
        model, ctx.subject, inferred, rule=ruled.rule, category=ruled.category, unsure=unsure
    )
    if guess is None:
        return None
    because = (
        f"fitted estimate, pending a reviewer: {guess.category} (probability "
        f"{guess.probability:.2f}; probability of A {guess.probability_a:.2f}, A from "
        f"{model.threshold:.2f}; model trained on {model.trained_on}); no rule decided, "
        f"the rules alone give {ruled.category} ({ruled.rule})",
        "weighed most: " + (", ".join(guess.features) or "nothing but the base rate"),
    )
    return Categorised(guess.category, FITTED_RULE, "fitted", because, guess.category)


def _standards(ctx: _Context, catalogue: Catalogue) -> list[Applicability]:
    applicable = []
    for standard, predicate in catalogue.standard_predicates:
        because = [] if predicate is None else predicate(ctx)
        ctx.standards[standard.id] = because is not None
        if because is not None:
            reasons = (standard.reason or "applies to every project", *because)
            applicable.append(Applicability(standard.id, standard.title, reasons))
    return applicable


def _decide(rule: Rule, subject: Subject, catalogue: Catalogue) -> Finding:
    answer = subject.answers.get(rule.id)
    matcher = catalogue.document_matchers.get(rule.id)
    docs = matcher(subject) if matcher is not None and subject.documents else []
    if answer is None and not docs and rule.check is None:
        return catalogue.unanswered[rule.id]
    doc_urls = tuple(d.url for d in docs)
    if answer is not None:
        outcome = "pass" if rule.trigger else catalogue.head.answers.get(answer.value, "pass")
        evidence = tuple(e.url for e in answer.evidence) + doc_urls
        if outcome == "pass" and rule.evidence_required and not rule.trigger and not evidence:
            outcome = "claimed"
        note = f" ({answer.note})" if answer.note else ""
        reason = (
            f"reviewer {answer.reviewer} answered {answer.value!r} on "
            f"{answer.answered_on.isoformat()}{note}"
            + (" without evidence" if outcome == "claimed" else "")
        )
        inputs = {"answer": answer.id, "value": answer.value, "evidence": len(answer.evidence)}
        source = "override" if rule.check is not None else "answer"
        return _finding(rule, outcome, source, reason, inputs, evidence, catalogue)
    if rule.check is not None:
        params = catalogue.check_params[rule.id]
        result = CHECKS[rule.check.name][1](subject, params)
        return _finding(
            rule, result.outcome, "check", result.reason, result.inputs, result.evidence, catalogue
        )
    titles = "; ".join(d.title or d.url for d in docs)  # unanswered, satisfied by documents
    inputs = {"documents": [d.id for d in docs]}
    return _finding(
        rule, "pass", "documents", f"register documents: {titles}", inputs, doc_urls, catalogue
    )


def _finding(
    rule: Rule,
    outcome: str,
    source: str,
    reason: str,
    inputs: dict[str, object],
    evidence: tuple[str, ...],
    catalogue: Catalogue,
) -> Finding:
    earned = rule.weight * catalogue.credit.get(outcome, 0.0)
    return Finding(
        rule.id,
        rule.title,
        rule.standard,
        rule.principle,
        outcome,
        rule.weight,
        earned,
        source,
        reason,
        inputs,
        evidence,
    )


def _flag(rule: Rule, finding: Finding, ctx: _Context, catalogue: Catalogue) -> RedFlag | None:
    spec = rule.red_flag
    if spec is None or finding.outcome not in spec.outcomes or not can_block(finding.outcome):
        return None  # evidence not yet recorded is pending, never a red flag (issue 12 item 4)
    predicate = catalogue.flag_predicates[rule.id]
    because = [] if predicate is None else predicate(ctx)
    if because is None:
        return None
    return RedFlag(rule.id, rule.title, spec.message, finding.outcome, (finding.reason, *because))


def _scores(
    findings: list[Finding], catalogue: Catalogue
) -> tuple[dict[str, float | None], float | None, float]:
    earned: dict[str, float] = dict.fromkeys(catalogue.principles, 0.0)
    weight: dict[str, float] = dict.fromkeys(catalogue.principles, 0.0)
    decided = total = 0.0
    for f in findings:
        if f.weight <= 0 or f.outcome not in _SCORED or f.principle is None:
            continue
        earned[f.principle] += f.earned
        weight[f.principle] += f.weight
        total += f.weight
        if f.outcome in _DECIDED:
            decided += f.weight
    scores: dict[str, float | None] = {
        p: round(100 * earned[p] / weight[p], 1) if weight[p] else None
        for p in catalogue.principles
    }
    parts = [(catalogue.principles[p].weight, s) for p, s in scores.items() if s is not None]
    mass = sum(w for w, _ in parts)
    overall = round(sum(w * s for w, s in parts) / mass, 1) if mass else None
    return scores, overall, round(100 * decided / total, 1) if total else 0.0


def _band(score: float | None, catalogue: Catalogue) -> str:
    bands = catalogue.head.grading.bands
    if score is None:
        return bands[-1].grade
    return next(b.grade for b in bands if score >= b.min)
