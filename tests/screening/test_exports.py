"""The screening package's public surface is pinned (its tables: tests/register/test_migrations)."""

from __future__ import annotations

import cajad.screening


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
