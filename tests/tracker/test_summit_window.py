"""The summit window (CURATION.md): documents signed at the visits of 17-19 Dec 2025 are placed
on the summit day by their stored ``counting_date``, so ``cajad quality`` lists each one that
counts nothing, with its decision; the period's first day is the boundary."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import selectinload

from cajad.register import Project, import_specs, session_scope
from cajad.register.audit import history
from cajad.register.specs import ProjectSpec
from cajad.register.views import project_spec
from cajad.tracker import CountingRule, findings

WINDOW_DAY = dt.date(2025, 12, 20)


def test_every_window_document_without_counted_money_is_listed(engine: Engine) -> None:
    with session_scope(engine) as session:
        window = {
            p.identifier: p
            # Their money is read below, after the session: loaded with them (findings()
            # reads columns and no longer leaves the projects' transactions in the session).
            for p in session.scalars(select(Project).options(selectinload(Project.transactions)))
            if (p.count_decision or "").startswith("Summit window")
        }
        found = findings(session)
    assert len(window) >= 40
    assert {p.counting_date for p in window.values()} == {WINDOW_DAY}
    listed = {f.project for f in found if f.kind in ("not-counted", "amount-unknown")}
    silent = [
        i
        for i, p in window.items()
        if not (p.counts_toward_goal and p.transactions) and i not in listed
    ]
    assert silent == []
    # One signed on 17-19 Dec keeps its signing day as its agreement date, and is listed.
    early = [p for p in window.values() if p.agreement_date and p.agreement_date < WINDOW_DAY]
    assert early
    assert any(p.identifier in listed for p in early)


def _project(identifier: str, agreed: dt.date, counting: dt.date | None) -> ProjectSpec:
    return ProjectSpec(
        identifier=identifier,
        title=f"MoU {identifier}",
        stage="mou",
        agreement_date=agreed,
        agreement_date_precision="day",
        counts_toward_goal=False,
        count_decision="test: no money",
        counting_date=counting,
    )


@pytest.mark.parametrize(
    ("agreed", "counting", "listed"),
    [
        (dt.date(2025, 12, 18), WINDOW_DAY, True),  # the window places it on the summit day
        (dt.date(2025, 12, 18), dt.date(2025, 12, 19), False),  # a day before the period
        (dt.date(2025, 12, 18), None, False),  # no curated day: its signing day
        (dt.date(2025, 12, 20), None, True),  # the period's first day is in it
        (dt.date(2030, 12, 19), None, True),  # and its last day
        (dt.date(2030, 12, 20), None, False),
        (dt.date(2025, 12, 1), dt.date(2030, 12, 20), False),  # the curated day wins
    ],
)
def test_a_project_without_money_is_placed_by_its_counting_date(
    empty_engine: Engine, agreed: dt.date, counting: dt.date | None, listed: bool
) -> None:
    report = import_specs(empty_engine, [_project("t-1", agreed, counting)], source="test")
    assert report.problems == []
    with session_scope(empty_engine) as session:
        found = findings(session, CountingRule())
    assert any(f.kind == "not-counted" and f.project == "t-1" for f in found) is listed


def test_the_counting_date_is_stored_and_audited_beside_the_signing_day(
    empty_engine: Engine,
) -> None:
    import_specs(empty_engine, [_project("t-2", dt.date(2025, 12, 18), WINDOW_DAY)], source="t")
    with session_scope(empty_engine) as session:
        project = session.scalars(select(Project).where(Project.identifier == "t-2")).one()
        assert (project.agreement_date, project.counting_date) == (
            dt.date(2025, 12, 18),
            WINDOW_DAY,
        )
        assert project_spec(project).counting_date == WINDOW_DAY
        (entry,) = history(session, "project", "t-2")
        assert entry.after is not None
        assert entry.after["counting_date"] == "2025-12-20"
        assert entry.after["agreement_date"] == "2025-12-18"


def test_sqlite_can_drop_a_column() -> None:
    """The 0010 downgrade drops columns in place; SQLite has done so since 3.35."""
    assert sqlite3.sqlite_version_info >= (3, 35)
