"""Which screened projects a filter keeps (the portal's list, the API and the planner share it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cajad.screening.filters import CATEGORIES, QualityFilter, grades, select_quality
from cajad.screening.service import ProjectQuality


def screened(project: str, grade: str, category: str, *, blocked: bool) -> ProjectQuality:
    return ProjectQuality(
        project=project,
        grade=grade,
        category=category,
        score=None if blocked else Decimal("0.8"),
        blocked=blocked,
        red_flags=("RF1",) if blocked else (),
        missing_evidence=0,
        catalogue_version="test",
        screening=1,
        screened_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )


FOUND = {
    "c": screened("c", "B", "A", blocked=False),
    "a": screened("a", "A", "B", blocked=False),
    "b": screened("b", "F", "FI", blocked=True),
}


def test_no_criterion_keeps_everything_by_identifier() -> None:
    assert [q.project for q in select_quality(FOUND)] == ["a", "b", "c"]


def test_every_criterion_given_must_hold_in_any_case() -> None:
    assert [q.project for q in select_quality(FOUND, QualityFilter(grade="b"))] == ["c"]
    assert [q.project for q in select_quality(FOUND, QualityFilter(category="fi"))] == ["b"]
    assert [q.project for q in select_quality(FOUND, QualityFilter(blocked=False))] == ["a", "c"]
    both = QualityFilter(grade="A", category="A")
    assert select_quality(FOUND, both) == []


def test_the_choices_come_from_the_catalogue_and_the_conditions() -> None:
    assert CATEGORIES == ("A", "B", "C", "FI")
    offered = grades()
    assert offered[0] == "A" and len(offered) == len(set(offered)) >= 2
