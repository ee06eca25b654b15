"""The deals import keeps the free-text sector (a project text of kind ``sector``), screening
reads it back as the subject's ``sector_text``, and the search index finds its words; on SQLite
and PostgreSQL (issue 12)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cajad.register import (
    Project,
    ProjectFilter,
    ProjectText,
    filter_projects,
    import_specs,
    session_scope,
)
from cajad.register.deals import COLUMNS, read_deals
from cajad.screening import load_subjects

DEMO = Path(__file__).parents[2] / "src/cajad/data/initiative/deals.csv"


def _deals(tmp_path: Path, **row: str) -> Path:
    base = dict.fromkeys(COLUMNS, "")
    base.update(
        id="t-1", title="Feeder pipes", country="KZ", sector="water supply / sanitation",
        instrument="ODA loan", amount="1000000", currency="USD", date="2024-01-01",
        status="financing approved",
    )  # fmt: skip
    base.update(row)
    path = tmp_path / "deals.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerow(base)
    return path


def test_read_deals_keeps_the_sector_as_written(tmp_path: Path) -> None:
    specs, problems = read_deals(_deals(tmp_path))
    assert not problems
    texts = [(t.kind, t.text) for t in specs[0].texts]
    assert texts == [("sector", "water supply / sanitation")]
    assert [s.code for s in specs[0].sectors]  # the DAC codes are still derived


def test_bundled_demo_keeps_every_sector_and_screening_reads_it(engine: Engine) -> None:
    with DEMO.open(encoding="utf-8", newline="") as handle:
        written = {r["sector"].strip() for r in csv.DictReader(handle) if r["sector"].strip()}
    with session_scope(engine) as session:
        kept = session.execute(
            select(Project.id, ProjectText.text)
            .join(ProjectText, ProjectText.project_id == Project.id)
            .where(ProjectText.kind == "sector")
        ).all()
        subjects = load_subjects(session)
    assert kept
    assert {text for _, text in kept} <= written
    for pid, text in kept:
        assert subjects[pid].sector_text == text
    without = set(subjects) - {pid for pid, _ in kept}
    assert all(subjects[pid].sector_text is None for pid in without)


def test_imported_sector_text_is_searchable_and_screened(
    empty_engine: Engine, tmp_path: Path
) -> None:
    specs, problems = read_deals(_deals(tmp_path, sector="water supply, zanzibarite aquifer"))
    assert not problems
    import_specs(empty_engine, specs, source="test")
    with session_scope(empty_engine) as session:
        found = set(
            session.scalars(
                filter_projects(select(Project.identifier), ProjectFilter(q="zanzibarite"))
            )
        )
        (subject,) = load_subjects(session).values()
    assert found == {"t-1"}
    assert subject.sector_text == "water supply, zanzibarite aquifer"
    assert "sector_text" in subject.to_inputs()


@pytest.mark.parametrize(
    ("sector", "codes"),
    [
        ("Financial Institutions", ["24030"]),
        ("Central Government (Central Agencies); Banking Institutions", ["24030", "15110"]),
        ("Energy Transmission and Distribution", ["23630", "23110"]),
        ("Agricultural Extension, Research, and Other Support Activities", ["31166"]),
        ("mining / copper", ["32264", "32210"]),
        ("Micro- and SME finance", ["24040", "24010"]),
    ],
)
def test_world_bank_and_ifc_sector_names_import_without_a_sectors_column(
    tmp_path: Path, sector: str, codes: list[str]
) -> None:
    specs, problems = read_deals(_deals(tmp_path, sector=sector))
    assert not problems
    assert [s.code for s in specs[0].sectors] == codes


def test_a_sector_naming_no_sector_is_refused_with_the_field(tmp_path: Path) -> None:
    _, problems = read_deals(_deals(tmp_path, sector="Infrastructure"))
    assert [p.field for p in problems] == ["sector"]
    assert "Infrastructure" in problems[0].reason
