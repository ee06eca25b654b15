"""The tables of the minerals package, on the register's metadata (migrations ``0006``, ``0014``).

Named ``tables`` because :mod:`cajad.minerals.models` holds the prospectivity models (the
estimators); the migration environment imports this module so that autogenerate sees the
tables whatever else was imported. Recording and reading runs is :mod:`cajad.minerals.store`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cajad.register import Base, Project

__all__ = ["ProspectivityRun", "RunProject"]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class ProspectivityRun(Base):
    """One recorded prospectivity run: figures, small artefacts, raster checksums, projects."""

    __tablename__ = "prospectivity_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    commodity: Mapped[str] = mapped_column(String(120))
    model: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    source_dir: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    run_file: Mapped[dict[str, Any]] = mapped_column(JSON)
    map_png: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    curves_png: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    targets_geojson: Mapped[str] = mapped_column(Text, deferred=True)
    prospectivity_path: Mapped[str] = mapped_column(Text)
    prospectivity_sha256: Mapped[str] = mapped_column(String(64))
    uncertainty_path: Mapped[str] = mapped_column(Text)
    uncertainty_sha256: Mapped[str] = mapped_column(String(64))

    projects: Mapped[list[Project]] = relationship(
        secondary="prospectivity_run_project", lazy="selectin", order_by=Project.identifier
    )

    @property
    def is_demo(self) -> bool:
        """Whether the run is a demo (``cajad prospect demo``): its run file says so, or, for
        runs recorded before it did, the demo's note opens its README."""
        if self.run_file.get("demo"):
            return True
        return (self.note or "").startswith("Central Asia demo:")

    @property
    def project_identifiers(self) -> list[str]:
        """The identifiers of the linked projects, in order."""
        return [p.identifier for p in self.projects]

    def summary(self) -> dict[str, Any]:
        """The headline of the run, as the audit log and the run list show it."""
        m = self.metrics
        random_cv = m.get("random_cv") or {}
        return {
            "commodity": self.commodity,
            "model": self.model,
            "projects": self.project_identifiers,
            "roc_auc": m["roc_auc"],
            "pr_auc": m["pr_auc"],
            "random_cv_roc_auc": random_cv.get("roc_auc"),
            "targets": m["targets"],
            "digest": self.digest,
        }


class RunProject(Base):
    """A run linked to a register project. A run may illustrate several projects (the AI
    partnership for geological exploration and a rare-earth MoU), a project have several runs."""

    __tablename__ = "prospectivity_run_project"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("prospectivity_run.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True, index=True
    )
