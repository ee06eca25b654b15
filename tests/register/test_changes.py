"""The register's changes read from the audit log: added, changed (each field before → after,
lists compared by key), removed; newest first, paged by audit id, on both stores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from cajad.register import (
    Change,
    CountrySpec,
    DocumentSpec,
    FieldChange,
    InputError,
    NotFoundError,
    OrganisationSpec,
    ParticipationSpec,
    ProjectSpec,
    TransactionSpec,
    audit,
    import_specs,
    list_changes,
    session_scope,
)

JICA = OrganisationSpec(name="Japan International Cooperation Agency", ref="XM-DAC-701-8")
NOTE = DocumentSpec(
    url="https://www.jica.go.jp/press/2024/loan.html",
    title="Loan agreement signed",
    published=dt.date(2024, 3, 1),
)
CORRECTION = DocumentSpec(
    url="https://www.mofa.go.jp/erratum.html", title="Erratum", published=dt.date(2024, 6, 30)
)


def _transaction(ref: str, value: str, currency: str = "JPY") -> TransactionSpec:
    return TransactionSpec(
        ref=ref, type=2, value=Decimal(value), currency=currency, value_date=dt.date(2024, 3, 1)
    )


def _spec(identifier: str = "uz-jica-loan-2024", **changes: object) -> ProjectSpec:
    spec = ProjectSpec(
        identifier=identifier,
        title="Tashkent water supply loan",
        stage="financing",
        countries=(CountrySpec(code="UZ", percentage=Decimal(100)),),
        participants=(ParticipationSpec(organisation=JICA, role=1),),
        documents=(NOTE,),
        transactions=(_transaction("1", "500000000"), _transaction("2", "21368000000")),
    )
    return spec.model_copy(update=changes)


def _write(engine: Engine, *specs: ProjectSpec, actor: str = "analyst@example.org") -> None:
    import_specs(engine, list(specs), source="test", actor=actor)


def _remove(engine: Engine, spec: ProjectSpec) -> None:
    """A removal as the log records one (the register has no delete operation of its own yet)."""
    with session_scope(engine, actor="curator") as session:
        before = audit.canonical(spec)
        audit.record(
            session,
            action="delete",
            entity="project",
            key=spec.identifier,
            before=before,
            after=None,
        )


def _changes(engine: Engine, **options: object) -> list[Change]:
    with session_scope(engine) as session:
        return list_changes(session, **options).items  # type: ignore[arg-type]


def test_an_added_project_names_its_stage_and_sources(empty_engine: Engine) -> None:
    _write(empty_engine, _spec())
    [added] = _changes(empty_engine)
    assert added.kind == "added"
    assert (added.project, added.title) == ("uz-jica-loan-2024", "Tashkent water supply loan")
    assert added.actor == "analyst@example.org"
    assert added.summary == "added at stage financing; 2 transactions"
    assert added.fields == []
    assert [(s.url, s.published) for s in added.sources] == [(NOTE.url, NOTE.published)]
    assert added.at.tzinfo is dt.UTC
    assert abs(dt.datetime.now(dt.UTC) - added.at) < dt.timedelta(minutes=5)


def test_a_corrected_figure_and_a_moved_stage_keep_before_and_after(empty_engine: Engine) -> None:
    _write(empty_engine, _spec())
    corrected = _spec(
        stage="implementation",
        documents=(NOTE, CORRECTION),
        transactions=(_transaction("1", "500000000"), _transaction("2", "21400000000")),
    )
    _write(empty_engine, corrected, actor="curator")
    changed, added = _changes(empty_engine)
    assert (changed.kind, added.kind) == ("changed", "added")
    assert changed.id > added.id and changed.actor == "curator"
    assert changed.fields == [
        FieldChange(field="stage", before="financing", after="implementation"),
        FieldChange(field=f"document {CORRECTION.url}", before=None, after="Erratum (2024-06-30)"),
        FieldChange(field="transaction 2", before="JPY 21,368,000,000", after="JPY 21,400,000,000"),
    ]
    assert changed.summary == (
        "stage: financing → implementation; "
        f"document {CORRECTION.url}: — → Erratum (2024-06-30) (+1 more)"
    )
    # the sources of the state after, newest first
    assert [s.url for s in changed.sources] == [CORRECTION.url, NOTE.url]


def test_lists_are_compared_by_key_not_by_position(empty_engine: Engine) -> None:
    """Dropping the first transaction is one removal, not every later one shifted; a new
    participant is one addition; a currency corrected reads as one amount."""
    partner = OrganisationSpec(name="Asian Development Bank", ref="46004")
    _write(empty_engine, _spec())
    _write(
        empty_engine,
        _spec(
            participants=(
                ParticipationSpec(organisation=JICA, role=1),
                ParticipationSpec(organisation=partner, role=1),
            ),
            transactions=(
                _transaction("2", "21368000000"),
                _transaction("3", "1234567.5", "USD"),
            ),
        ),
    )
    _write(
        empty_engine,
        _spec(
            participants=(
                ParticipationSpec(organisation=JICA, role=1),
                ParticipationSpec(organisation=partner, role=1),
            ),
            transactions=(_transaction("2", "21368000000"), _transaction("3", "1234567.5", "EUR")),
        ),
    )
    recurrency, changed, _ = _changes(empty_engine)
    assert changed.fields == [
        FieldChange(
            field="participant Asian Development Bank (funding)", before=None, after="taking part"
        ),
        FieldChange(
            field="transaction 3",
            before=None,
            after="USD 1,234,567.5 (outgoing commitment on 2024-03-01)",
        ),
        FieldChange(
            field="transaction 1",
            before="JPY 500,000,000 (outgoing commitment on 2024-03-01)",
            after=None,
        ),
    ]
    assert recurrency.fields == [
        FieldChange(field="transaction 3", before="USD 1,234,567.5", after="EUR 1,234,567.5")
    ]


def test_a_removed_project_names_what_it_was(empty_engine: Engine) -> None:
    spec = _spec()
    _write(empty_engine, spec)
    _remove(empty_engine, spec)
    removed, _ = _changes(empty_engine)
    assert (removed.kind, removed.actor) == ("removed", "curator")
    assert removed.title == "Tashkent water supply loan"
    assert removed.summary == "removed (was at stage financing)"
    assert [s.url for s in removed.sources] == [NOTE.url]


def test_pages_by_audit_id_without_overlap_or_gap(empty_engine: Engine) -> None:
    for n in range(5):
        _write(empty_engine, _spec(f"kz-project-{n}"))
    everything = _changes(empty_engine, limit=500)
    assert [c.project for c in everything] == [f"kz-project-{n}" for n in reversed(range(5))]
    assert [c.id for c in everything] == sorted((c.id for c in everything), reverse=True)
    seen: list[int] = []
    before_id = None
    with session_scope(empty_engine) as session:
        for _ in range(3):
            page = list_changes(session, limit=2, before_id=before_id)
            seen += [c.id for c in page.items]
            before_id = page.next_before_id
            if before_id is None:
                break
            assert before_id == page.items[-1].id
    assert seen == [c.id for c in everything]
    assert before_id is None


def test_one_project_s_changes_and_a_project_never_recorded(empty_engine: Engine) -> None:
    _write(empty_engine, _spec("a"), _spec("b"))
    _write(empty_engine, _spec("a", stage="operation"))
    assert [(c.project, c.kind) for c in _changes(empty_engine, project="a")] == [
        ("a", "changed"),
        ("a", "added"),
    ]
    first = _changes(empty_engine, project="a")[-1]
    assert _changes(empty_engine, project="a", before_id=first.id) == []  # past its last page
    with pytest.raises(NotFoundError, match="no project 'nope'"):
        _changes(empty_engine, project="nope")


def test_since_and_limit(empty_engine: Engine) -> None:
    _write(empty_engine, _spec())
    hour = dt.timedelta(hours=1)
    now = dt.datetime.now(dt.UTC)
    assert len(_changes(empty_engine, since=now - hour)) == 1
    assert _changes(empty_engine, since=now + hour) == []
    assert len(_changes(empty_engine, since=(now - hour).replace(tzinfo=None))) == 1
    with pytest.raises(InputError, match="`limit` must be at least 1"):
        _changes(empty_engine, limit=0)


def test_organisations_written_alongside_are_not_project_changes(empty_engine: Engine) -> None:
    """Importing a project also records its new organisations; the feed is of projects."""
    _write(empty_engine, _spec())
    assert [c.kind for c in _changes(empty_engine)] == ["added"]
