"""The questionnaire: what a reviewer is asked about a project, and recording the answers.

Every answer and every piece of evidence is written to the register's audit log. An answer to
a rule that an automatic check decides, or to the categorisation question, is an *override*
and is audited as such, with the automatic outcome it replaces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cajad.register import Actor, Document, audit, bounds, writing_scope
from cajad.screening.catalogue import Catalogue
from cajad.screening.engine import screen
from cajad.screening.errors import AnswerError
from cajad.screening.layers import Layer
from cajad.screening.loader import load_subjects
from cajad.screening.models import Answer, Evidence
from cajad.screening.schema import Rule
from cajad.screening.service import CatalogueRef, resolve
from cajad.screening.store import project_id
from cajad.screening.subject import AnswerFact


@dataclass(frozen=True)
class Recorded:
    """An answer as recorded, and how the audit log names it."""

    answer: int
    project: str
    question: str
    value: str
    action: str  # insert | update | override
    evidence: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def record_answer(
    engine: Engine,
    identifier: str,
    question: str,
    value: str,
    *,
    reviewer: str | Actor,
    answered_on: dt.date | None = None,
    note: str | None = None,
    links: Sequence[str] = (),
    documents: Sequence[int] = (),
    catalogue: CatalogueRef = None,
    actor: str | Actor | None = None,
) -> Recorded:
    """Record a reviewer's answer with its evidence (links, register document ids); audited.

    ``reviewer`` is who answers: at the edges, the signed-in account or the local user (an
    :class:`~cajad.register.Actor`, recorded as the answer's reviewer and the audit's author).
    """
    cat = resolve(catalogue)
    rule = cat.by_id.get(question)
    _validate(cat, rule, question, value, str(reviewer), answered_on, note, links)
    assert rule is not None
    with writing_scope(engine, actor=actor or reviewer) as session:
        pid = project_id(session, identifier)
        evidence = [Evidence(kind="link", url=url) for url in links]
        evidence += _documents(session, pid, identifier, documents)
        previous = _previous(session, pid, question)
        answer = Answer(
            project_id=pid,
            question=question,
            value=value,
            note=note,
            reviewer=str(reviewer)[:120],
            answered_on=answered_on or dt.date.today(),
            catalogue_version=cat.version,
            evidence=evidence,
        )
        session.add(answer)
        session.flush()
        action = _audit(session, answer, previous, rule, cat, f"{identifier}/{question}")
        return Recorded(answer.id, identifier, question, value, action, len(evidence))


def _audit(
    session: Session, answer: Answer, previous: Answer | None, rule: Rule, cat: Catalogue, key: str
) -> str:
    """Audit the answer (an override says what it overrides) and each piece of its evidence."""
    action = _action(rule, rule.id == cat.categorisation.override_question, previous)
    after = _state(answer)
    if action == "override":
        after["overrides"] = _automatic(session, answer.project_id, rule, cat)
    before = _state(previous) if previous is not None else None
    audit.record(
        session, action=action, entity="screening_answer", key=key, before=before, after=after
    )
    for item in answer.evidence:
        audit.record(
            session,
            action="insert",
            entity="screening_evidence",
            key=f"{key}/{answer.id}",
            before=None,
            after={
                "kind": item.kind,
                "url": item.url,
                "title": item.title,
                "document": item.document_id,
            },
        )
    return action


def _validate(
    cat: Catalogue,
    rule: Rule | None,
    question: str,
    value: str,
    reviewer: str,
    answered_on: dt.date | None,
    note: str | None,
    links: Sequence[str],
) -> None:
    if rule is None or rule.question is None:
        raise AnswerError(f"`question` must be a question of the catalogue; got {question!r}")
    allowed = cat.allowed_answers(rule)
    if value not in allowed:
        raise AnswerError(f"`value` of {question} must be one of {allowed}; got {value!r}")
    if value == "na" and not (note and note.strip()):
        raise AnswerError("`note` must say why the question does not apply; got none")
    if not reviewer.strip():
        raise AnswerError("`reviewer` must name who answers; got an empty name")
    if answered_on is not None and answered_on > dt.date.today():
        raise AnswerError(f"`answered_on` must not be in the future; got {answered_on}")
    for url in links:
        if bounds.link_error(url) is not None:
            raise AnswerError(f"evidence links must be http(s) URLs; got {url!r}")


def _documents(session: Session, pid: int, identifier: str, ids: Sequence[int]) -> list[Evidence]:
    query = select(Document).where(Document.id.in_(ids))
    found = {d.id: d for d in session.scalars(query)} if ids else {}
    evidence = []
    for doc_id in ids:
        doc = found.get(doc_id)
        if doc is None or doc.project_id != pid:
            raise AnswerError(f"document {doc_id} is not a document of {identifier}")
        evidence.append(Evidence(kind="document", url=doc.url, title=doc.title, document_id=doc.id))
    return evidence


def _previous(session: Session, pid: int, question: str) -> Answer | None:
    return session.scalar(
        select(Answer)
        .where(Answer.project_id == pid, Answer.question == question)
        .order_by(Answer.id.desc())
        .limit(1)
    )


def _action(rule: Rule, categorisation: bool, previous: Answer | None) -> str:
    if rule.check is not None or categorisation:
        return "override"
    return "insert" if previous is None else "update"


def _state(answer: Answer) -> dict[str, Any]:
    return {
        "answer": answer.id,
        "value": answer.value,
        "note": answer.note,
        "reviewer": answer.reviewer,
        "answered_on": answer.answered_on.isoformat(),
        "catalogue_version": answer.catalogue_version,
        "evidence": [{"kind": e.kind, "url": e.url} for e in answer.evidence],
    }


def _automatic(session: Session, pid: int, rule: Rule, cat: Catalogue) -> dict[str, Any]:
    """What the rules alone conclude, without any answer to ``rule``: the overridden outcome."""
    subject = load_subjects(session, [pid])[pid]
    answers = {q: a for q, a in subject.answers.items() if q != rule.id}
    verdict = screen(replace(subject, answers=answers), cat)
    if rule.id == cat.categorisation.override_question:
        return {"category": verdict.category.category, "rule": verdict.category.rule}
    found = next((f for f in verdict.findings if f.rule == rule.id), None)
    return {
        "outcome": found.outcome if found else "not applicable",
        "reason": found.reason if found else "",
    }


@dataclass(frozen=True)
class Question:
    """A question the catalogue asks about a project, its current answer and outcome."""

    rule: str
    title: str
    standard: str
    principle: str | None
    question: str
    evidence: str
    answers: tuple[str, ...]
    weight: float
    trigger: bool
    automatic: bool
    outcome: str
    reason: str
    answer: AnswerFact | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, the current answer as its value, reviewer, date, note and evidence."""
        data = asdict(self)
        if self.answer is not None:
            data["answer"] = self.answer.as_dict()
        return data


def questionnaire(
    session: Session,
    identifier: str,
    *,
    catalogue: CatalogueRef = None,
    layer: Layer | None = None,
) -> list[Question]:
    """The questions that apply to the project now, in catalogue order, with their answers."""
    cat = resolve(catalogue)
    pid = project_id(session, identifier)
    subject = load_subjects(session, [pid], layer=layer, radius_km=cat.layer_radius_km)[pid]
    verdict = screen(subject, cat)
    questions = []
    for finding in verdict.findings:
        rule = cat.by_id[finding.rule]
        if rule.question is None:
            continue
        questions.append(
            Question(
                rule=rule.id,
                title=rule.title,
                standard=rule.standard,
                principle=rule.principle,
                question=rule.question,
                evidence=rule.evidence or "",
                answers=tuple(cat.allowed_answers(rule)),
                weight=rule.weight,
                trigger=rule.trigger,
                automatic=rule.check is not None,
                outcome=finding.outcome,
                reason=finding.reason,
                answer=subject.answers.get(rule.id),
            )
        )
    return questions
