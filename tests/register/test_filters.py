"""One project filter for the portal, the API and the exports: the SQL it runs selects exactly
the projects a plain reading of each criterion picks, and the exports take it as it is."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import selectinload

from cajad.errors import ErrorKind, kind_of
from cajad.register import (
    InputError,
    PriorityArea,
    Project,
    ProjectFilter,
    RateBook,
    filter_projects,
    project_areas,
    session_scope,
    write_transactions_csv,
)

Picks = Callable[[Project], bool]


def _selected(engine: Engine, where: ProjectFilter) -> set[str]:
    with session_scope(engine) as session:
        return set(session.scalars(filter_projects(select(Project.identifier), where)))


def _oracle(engine: Engine, picks: Picks) -> set[str]:
    """The identifiers of the projects ``picks`` keeps, read in Python from the ORM."""
    with session_scope(engine) as session:
        query = select(Project).options(
            selectinload(Project.countries), selectinload(Project.sectors)
        )
        return {p.identifier for p in session.scalars(query) if picks(p)}


CASES: list[tuple[ProjectFilter, Picks]] = [
    (ProjectFilter(), lambda p: True),
    (ProjectFilter(country="kz"), lambda p: "KZ" in {c.code for c in p.countries}),
    (ProjectFilter(stage="mou"), lambda p: p.stage == "mou"),
    (ProjectFilter(instrument="grant aid"), lambda p: p.instrument == "grant aid"),
    (ProjectFilter(counts=True), lambda p: p.counts_toward_goal is True),
    (ProjectFilter(counts=False), lambda p: p.counts_toward_goal is False),
    (ProjectFilter(identifier_prefix="kg-"), lambda p: p.identifier.startswith("kg-")),
    # ``_`` is a LIKE wildcard: it must match itself only.
    (ProjectFilter(identifier_prefix="kg_"), lambda p: p.identifier.startswith("kg_")),
    (ProjectFilter(q="BRIDGE"), lambda p: "bridge" in f"{p.identifier} {p.title}".lower()),
    *[
        (
            ProjectFilter(area=area.value),
            lambda p, a=area.value: a in {name for name, _ in project_areas(p)},
        )
        for area in PriorityArea
    ],
    (
        ProjectFilter(country="UZ", stage="financing", counts=True),
        lambda p: (
            "UZ" in {c.code for c in p.countries}
            and p.stage == "financing"
            and p.counts_toward_goal is True
        ),
    ),
]


def test_each_criterion_selects_what_it_says(engine: Engine) -> None:
    """One register for all the cases (loading the demo is the slow part)."""
    for where, picks in CASES:
        assert _selected(engine, where) == _oracle(engine, picks), where
    # The cases would pass on an empty register; on the demo these pick some, not all.
    everything = len(_selected(engine, ProjectFilter()))
    for where in (
        ProjectFilter(country="KZ"),
        ProjectFilter(identifier_prefix="kg-"),
        ProjectFilter(q="bridge"),
        ProjectFilter(area="connectivity"),
        ProjectFilter(country="UZ", stage="financing", counts=True),
    ):
        assert 0 < len(_selected(engine, where)) < everything, where


def test_project_ids_keep_only_those_projects(engine: Engine) -> None:
    with session_scope(engine) as session:
        some = set(session.scalars(select(Project.id).order_by(Project.id).limit(3)))
    where = ProjectFilter(project_ids=frozenset(some), country="KG")
    expected = _oracle(engine, lambda p: p.id in some and "KG" in {c.code for c in p.countries})
    assert _selected(engine, where) == expected
    assert _selected(engine, ProjectFilter(project_ids=frozenset())) == set()


@pytest.mark.parametrize(("field", "value"), [("stage", "dreaming"), ("area", "space")])
def test_a_value_outside_its_vocabulary_is_refused(field: str, value: str) -> None:
    with pytest.raises(InputError, match=f"{field} must be one of .*; got '{value}'") as caught:
        ProjectFilter(**{field: value})  # type: ignore[arg-type]
    assert kind_of(caught.value) is ErrorKind.INVALID


def test_the_transactions_csv_takes_the_filter_or_the_ids_alike(engine: Engine) -> None:
    where = ProjectFilter(country="KG")

    def written(chosen: ProjectFilter | list[int]) -> tuple[str, int]:
        with session_scope(engine) as session:
            book = RateBook.from_session(session)
            buffer = io.StringIO()
            report = write_transactions_csv(session, chosen, buffer, currency="USD", book=book)
        return buffer.getvalue(), report.projects

    with session_scope(engine) as session:
        ids = list(session.scalars(filter_projects(select(Project.id), where)))
    by_filter, projects = written(where)
    assert (by_filter, projects) == written(ids)
    rows = list(csv.DictReader(io.StringIO(by_filter)))
    assert projects == len(ids) > 0
    assert rows and {r["project"] for r in rows} <= _selected(engine, where)
