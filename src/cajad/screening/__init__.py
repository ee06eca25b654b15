"""Quality-investment screening: a versioned criteria catalogue and the engine that applies it.

The catalogue (``cajad/data/screening/<version>/``) draws on the G20 QII Principles, the IFC
Performance Standards, the Equator Principles and JICA/JBIC categories, anti-corruption and
transparency norms and debt sustainability. Screening a project gives its E&S category, a
score per QII principle and a grade, red flags that block whatever the score, the evidence
still missing, and the rule and facts behind every finding; verdicts are stored with the
catalogue version and their inputs, and reviewers' answers and overrides are audited.
"""

from cajad.screening.answers import Question, Recorded, questionnaire, record_answer
from cajad.screening.catalogue import Catalogue, load_catalogue, load_folder, versions
from cajad.screening.engine import screen
from cajad.screening.errors import (
    AnswerError,
    CatalogueError,
    CatalogueProblem,
    LayerError,
    NotScreenedError,
    ScreeningError,
)
from cajad.screening.layers import Layer, load_layer
from cajad.screening.loader import load_subjects
from cajad.screening.report import report_html
from cajad.screening.service import (
    BatchReport,
    Explained,
    ProjectQuality,
    Screened,
    current,
    explain,
    history,
    quality,
    screen_all,
    screen_project,
)
from cajad.screening.subject import Subject
from cajad.screening.verdict import Finding, Verdict

__all__ = [
    "AnswerError",
    "BatchReport",
    "Catalogue",
    "CatalogueError",
    "CatalogueProblem",
    "Explained",
    "Finding",
    "Layer",
    "LayerError",
    "NotScreenedError",
    "ProjectQuality",
    "Question",
    "Recorded",
    "Screened",
    "ScreeningError",
    "Subject",
    "Verdict",
    "current",
    "explain",
    "history",
    "load_catalogue",
    "load_folder",
    "load_layer",
    "load_subjects",
    "quality",
    "questionnaire",
    "record_answer",
    "report_html",
    "screen",
    "screen_all",
    "screen_project",
    "versions",
]
