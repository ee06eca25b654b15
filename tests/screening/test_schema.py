"""The screening tables as migrated equal the models; the public surface is pinned."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

import cajad.screening
from cajad.register.models import Base
from cajad.screening import models

TABLES = {
    m.__tablename__
    for m in (models.CatalogueSnapshot, models.Screening, models.Answer, models.Evidence)
}


def _ours(diff: object) -> bool:
    text = repr(diff)
    return any(f"'{t}'" in text or f"Table('{t}'" in text for t in TABLES)


def test_migration_0003_matches_the_models(empty_engine: Engine) -> None:
    with empty_engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if _ours(d)] == []


def test_public_surface() -> None:
    assert sorted(cajad.screening.__all__) == [
        "AnswerError", "BatchReport", "Catalogue", "CatalogueError", "CatalogueProblem",
        "Explained", "Finding", "Layer", "LayerError", "NotScreenedError", "ProjectQuality",
        "Question", "Recorded", "Screened", "ScreeningError", "Subject", "Verdict", "current",
        "explain", "history", "load_catalogue", "load_folder", "load_layer", "load_subjects",
        "quality", "questionnaire", "record_answer", "report_html", "screen", "screen_all",
        "screen_project", "versions",
    ]  # fmt: skip
    assert issubclass(cajad.screening.CatalogueError, ValueError)
    assert issubclass(cajad.screening.NotScreenedError, LookupError)
