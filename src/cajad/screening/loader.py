"""Building subjects from the register in bulk: a few set-wise queries, no per-project I/O."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cajad.register import (
    INCOMING_TYPES,
    Document,
    Location,
    Organisation,
    Participation,
    Project,
    ProjectCountry,
    ProjectSector,
    ProjectText,
    Transaction,
    TransactionType,
)
from cajad.screening.layers import Layer
from cajad.screening.models import Answer, Evidence
from cajad.screening.subject import (
    AnswerFact,
    Doc,
    EvidenceFact,
    MoneyFacts,
    Party,
    Place,
    Subject,
)

_CHUNK = 500
_COMMITTED = {TransactionType.OUTGOING_COMMITMENT, TransactionType.PURCHASE_OF_EQUITY}
_DISBURSED = {TransactionType.DISBURSEMENT, TransactionType.EXPENDITURE}

Rows = dict[int, list[Any]]
_Q = TypeVar("_Q", bound=Select[*tuple[Any, ...]])


def load_subjects(
    session: Session,
    project_ids: Sequence[int] | None = None,
    *,
    layer: Layer | None = None,
    radius_km: float = 0.0,
) -> dict[int, Subject]:
    """Subjects of the given projects (all projects when ``None``), keyed by project id.

    With a ``layer``, each subject carries the layer's features within ``radius_km``.
    """
    if project_ids is None:
        return _load(session, None, layer, radius_km)
    subjects: dict[int, Subject] = {}
    for start in range(0, len(project_ids), _CHUNK):
        chunk = project_ids[start : start + _CHUNK]
        subjects.update(_load(session, chunk, layer, radius_km))
    return subjects


def _facts(ids: Sequence[int] | None) -> dict[str, Select[*tuple[Any, ...]]]:
    """One query per kind of fact, each led by the project id (``None``: every project)."""

    def where(query: _Q, column: Any) -> _Q:
        return query if ids is None else query.where(column.in_(ids))

    org = Organisation
    return {
        "countries": where(
            select(ProjectCountry.project_id, ProjectCountry.code), ProjectCountry.project_id
        ),
        "sectors": where(
            select(ProjectSector.project_id, ProjectSector.code).where(
                ProjectSector.vocabulary == "1"
            ),
            ProjectSector.project_id,
        ),
        "parties": where(
            select(
                Participation.project_id,
                org.name,
                Participation.role,
                org.type,
                org.country,
                org.ref,
            ).join(org, org.id == Participation.organisation_id),
            Participation.project_id,
        ),
        "documents": where(
            select(
                Document.project_id, Document.id, Document.url, Document.title, Document.category
            ),
            Document.project_id,
        ),
        "money": where(
            select(
                Transaction.project_id,
                Transaction.type,
                Transaction.value,
                Transaction.value_date,
                Transaction.value_usd,
            ),
            Transaction.project_id,
        ),
        "sector_text": where(
            select(ProjectText.project_id, ProjectText.text)
            .where(ProjectText.kind == "sector")
            .order_by(ProjectText.project_id, ProjectText.seq, ProjectText.id),
            ProjectText.project_id,
        ),
        "places": where(
            select(Location.project_id, Location.name, Location.latitude, Location.longitude).where(
                Location.latitude.is_not(None), Location.longitude.is_not(None)
            ),
            Location.project_id,
        ),
    }


def _load(
    session: Session, ids: Sequence[int] | None, layer: Layer | None, radius_km: float
) -> dict[int, Subject]:
    query = select(
        Project.id, Project.identifier, Project.title, Project.description, Project.stage,
        Project.instrument,
    )  # fmt: skip
    projects = session.execute(query if ids is None else query.where(Project.id.in_(ids))).all()
    facts = {name: _group(session.execute(q)) for name, q in _facts(ids).items()}
    answers = _answers(session, ids)
    subjects = {}
    for pid, identifier, title, description, stage, instrument in projects:
        located = tuple(Place(r[0], float(r[1]), float(r[2])) for r in facts["places"].get(pid, ()))
        subjects[pid] = Subject(
            identifier=identifier,
            title=title,
            description=description,
            stage=stage,
            instrument=instrument,
            countries=tuple(sorted(r[0] for r in facts["countries"].get(pid, ()))),
            sectors=tuple(sorted({r[0] for r in facts["sectors"].get(pid, ())})),
            parties=tuple(
                Party(*r) for r in sorted(facts["parties"].get(pid, ()), key=_by_name_role)
            ),
            documents=tuple(Doc(*r) for r in sorted(facts["documents"].get(pid, ()), key=_first)),
            money=_money(facts["money"].get(pid, ())),
            places=located,
            sites=layer.hits(located, radius_km) if layer is not None else (),
            layer=layer.label if layer is not None else None,
            answers=answers.get(pid, {}),
            sector_text=_joined(facts["sector_text"].get(pid, ())),
        )
    return subjects


def _joined(rows: Iterable[tuple[Any, ...]]) -> str | None:
    # the free-text sector an import kept (register kind "sector"); None keeps old digests
    texts = [r[0] for r in rows if r[0]]
    return "; ".join(texts) or None


def _by_name_role(row: tuple[Any, ...]) -> tuple[str, int]:
    return row[0], row[1]


def _first(row: tuple[Any, ...]) -> Any:
    return row[0]


def _group(rows: Iterable[Any]) -> Rows:
    grouped: Rows = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(tuple(row[1:]))
    return grouped


def _money(rows: Iterable[tuple[Any, ...]]) -> MoneyFacts:
    count = outgoing = undated = unconverted = negative = 0
    sums = dict.fromkeys(("committed", "disbursed", "pledged", "guaranteed"), Decimal(0))
    for kind, value, value_date, usd in rows:
        count += 1
        if kind in INCOMING_TYPES:
            continue
        outgoing += 1
        undated += value_date is None
        unconverted += value_date is not None and usd is None
        negative += value < 0
        if usd is None:
            continue
        if kind in _COMMITTED:
            sums["committed"] += usd
        elif kind in _DISBURSED:
            sums["disbursed"] += usd
        elif kind == TransactionType.OUTGOING_PLEDGE:
            sums["pledged"] += usd
        elif kind == TransactionType.CREDIT_GUARANTEE:
            sums["guaranteed"] += usd
    return MoneyFacts(
        count,
        outgoing,
        undated,
        unconverted,
        negative,
        sums["committed"],
        sums["disbursed"],
        sums["pledged"],
        sums["guaranteed"],
    )


def _answers(session: Session, ids: Sequence[int] | None) -> dict[int, dict[str, AnswerFact]]:
    """The current (latest) answer to each question of each project, with its evidence."""
    latest = select(func.max(Answer.id)).group_by(Answer.project_id, Answer.question)
    if ids is not None:
        latest = latest.where(Answer.project_id.in_(ids))
    rows = session.execute(
        select(
            Answer.id,
            Answer.project_id,
            Answer.question,
            Answer.value,
            Answer.reviewer,
            Answer.answered_on,
            Answer.note,
        ).where(Answer.id.in_(latest))
    ).all()
    if not rows:
        return {}
    evidence = _group(
        session.execute(
            select(Evidence.answer_id, Evidence.kind, Evidence.url, Evidence.title)
            .where(Evidence.answer_id.in_(latest))
            .order_by(Evidence.id)
        )
    )
    result: dict[int, dict[str, AnswerFact]] = defaultdict(dict)
    for aid, pid, question, value, reviewer, answered_on, note in rows:
        facts = tuple(EvidenceFact(*e) for e in evidence.get(aid, ()))
        result[pid][question] = AnswerFact(aid, value, reviewer, answered_on, note, facts)
    return result
