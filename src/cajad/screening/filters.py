"""Which screened projects a reader asks for: by grade, by E&S category, blocked or not.

The portal's list, the API's ``/api/screening`` and the planner and broker read the same
:class:`QualityFilter`; the choices it accepts come from the catalogue (:func:`grades`) and
from the categories the conditions know (:data:`CATEGORIES`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cajad.screening.catalogue import load_catalogue
from cajad.screening.conditions import CATEGORIES
from cajad.screening.service import ProjectQuality

__all__ = ["CATEGORIES", "QualityFilter", "grades", "select_quality"]


def grades() -> list[str]:
    """The grades of the latest catalogue, best first, then the blocked grade."""
    grading = load_catalogue().head.grading
    return [band.grade for band in grading.bands] + [grading.blocked]


@dataclass(frozen=True, slots=True)
class QualityFilter:
    """Screenings to keep: every criterion given must hold (grade and category in any case)."""

    grade: str | None = None
    category: str | None = None
    blocked: bool | None = None

    def matches(self, found: ProjectQuality) -> bool:
        """Whether ``found`` passes every criterion given."""
        return (
            (not self.grade or found.grade == self.grade.upper())
            and (not self.category or found.category.upper() == self.category.upper())
            and (self.blocked is None or found.blocked == self.blocked)
        )


def select_quality(
    found: Mapping[str, ProjectQuality], where: QualityFilter = QualityFilter()
) -> list[ProjectQuality]:
    """The screenings of ``found`` (as :func:`cajad.screening.quality` answers) that ``where``
    keeps, by project identifier."""
    return [q for _id, q in sorted(found.items()) if where.matches(q)]
