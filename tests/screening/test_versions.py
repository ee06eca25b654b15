"""Stored verdicts never change: a new catalogue version adds screenings beside the old ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from cajad.register import session_scope
from cajad.screening import (
    CatalogueError,
    current,
    explain,
    history,
    load_folder,
    quality,
    screen_all,
    screen_project,
)
from tests.conftest import rows_of
from tests.screening.conftest import Files, rule_of

GRANT = "XM-CAJAD-TEST-KHATLON-EQUIPMENT"


def _stricter(files: Files) -> None:
    """2026.5: an unpublished project is a red flag now."""
    rule = rule_of(files, "TR.DOCUMENTS")
    rule["red_flag"] = {"outcomes": ["fail"], "message": "Nothing about the project is public."}


def test_new_version_records_a_second_verdict_and_leaves_the_first(
    cases: Engine, edited: Callable[..., Path]
) -> None:
    first = screen_project(cases, GRANT)
    before = rows_of(cases, "screening")
    newer = load_folder(edited("2026.6", _stricter))
    second = screen_project(cases, GRANT, catalogue=newer)
    assert second.recorded and second.id != first.id
    assert (first.result["catalogue_version"], first.grade) == ("2026.5", "D")
    assert (second.result["catalogue_version"], second.grade) == ("2026.6", "F")
    # The first verdict is stored exactly as it was.
    after = {row[0]: row for row in rows_of(cases, "screening")}
    assert all(after[row[0]] == row for row in before)
    with session_scope(cases) as session:
        assert [s.result["catalogue_version"] for s in history(session, GRANT)] == [
            "2026.5",
            "2026.6",
        ]
        assert current(session, GRANT).id == second.id
        assert quality(session, [GRANT])[GRANT].grade == "F"
        # The old verdict is still explained under the catalogue it was made with.
        old = explain(session, GRANT, first.id)
        assert old.consistent and old.catalogue.version == "2026.5"
        assert old.screening.result == first.result


def test_screening_again_without_change_records_nothing(cases: Engine) -> None:
    first = screen_project(cases, GRANT)
    again = screen_project(cases, GRANT)
    assert not again.recorded and again.id == first.id
    report = screen_all(cases)
    assert (report.projects, report.screened, report.unchanged) == (4, 3, 1)
    forced = screen_project(cases, GRANT, force=True)
    assert forced.recorded and forced.result == first.result


def test_a_version_whose_content_changed_is_refused(
    cases: Engine, edited: Callable[..., Path]
) -> None:
    screen_project(cases, GRANT)
    tampered = load_folder(edited("2026.5", _stricter))
    with pytest.raises(CatalogueError, match="changed since verdicts were recorded"):
        screen_project(cases, GRANT, catalogue=tampered)


def test_the_database_refuses_to_rewrite_a_verdict(cases: Engine) -> None:
    screen_project(cases, GRANT)
    for statement in (
        "UPDATE screening SET grade = 'A'",
        "UPDATE screening_catalogue SET digest = 'x'",
    ):
        with pytest.raises(DBAPIError, match="append-only"), cases.begin() as conn:
            conn.execute(text(statement))
