"""The demo runs cajad records for the portal: porphyry copper, rare earths and uranium on the
bundled Central Asian sites (``cajad prospect demos``, which ``make run`` calls).

Each is defined in ``cajad/data/minerals/demos.yaml``: the template and model it runs, the
register projects it illustrates (the Japan–Central Asia AI partnership for geological
exploration, the JOGMEC rare-metal MoUs, a uranium venture) and what its evidence can and
cannot say. That label becomes the run folder's README (the caveat on the run page) and the
``demo`` entry of its run file (the one-line ``summary`` on the project page). A run folder
whose run file already holds the same entry is recorded as it is, not run again, so that the
portal starts in seconds after the first time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Engine

from cajad.data import data_path
from cajad.minerals.demo import run_demo
from cajad.minerals.run import RunConfig, StepCallback
from cajad.minerals.store import record_run, require_project
from cajad.minerals.templates import TemplateError, load_template, template_config
from cajad.register import session_scope

__all__ = [
    "DemoRun",
    "Made",
    "RecordedDemo",
    "caveat",
    "load_demo_runs",
    "make_demo_run",
    "record_demo_runs",
]

DEMO_RUNS = data_path("minerals", "demos.yaml")


class DemoRun(BaseModel):
    """One demo run: what it runs, which projects it illustrates, what it can and cannot say."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=1)
    commodity: str = Field(min_length=1)
    template: str | None = None
    model: Literal["wofe", "logistic", "rf", "gbm", "fuzzy"]
    projects: list[str] = Field(min_length=1)
    summary: str = Field(min_length=1)
    can_say: list[str] = Field(min_length=1)
    cannot_say: list[str] = Field(min_length=1)

    def about(self, resolution: float) -> dict[str, Any]:
        """The run file's ``demo`` entry besides ``what`` and ``template``."""
        return {
            "name": self.name,
            "title": self.title,
            "projects": self.projects,
            "summary": self.summary,
            "can_say": self.can_say,
            "cannot_say": self.cannot_say,
            "resolution": resolution,
        }


def load_demo_runs(path: str | Path = DEMO_RUNS) -> list[DemoRun]:
    """The demo runs of ``path`` (the bundled file by default); a bad file raises
    :class:`~cajad.minerals.templates.TemplateError` naming the file, the entry and the field."""
    source = Path(path)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"{source}: cannot read the demo runs: {exc}") from exc
    if not isinstance(raw, list):
        raise TemplateError(f"{source}: a list of demo runs is expected")
    found = []
    for i, entry in enumerate(raw):
        try:
            found.append(DemoRun.model_validate(entry))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(entry)'}: {e['msg']}"
                for e in exc.errors()
            )
            raise TemplateError(f"{source}: demo run {i}: {problems}") from exc
    names = [d.name for d in found]
    if len(set(names)) != len(names):
        raise TemplateError(f"{source}: name: each demo run needs its own name; got {names}")
    return found


def caveat(demo: DemoRun) -> str:
    """The README of the run folder: what the run is, and what its evidence can and cannot say
    (plain text with ``- `` lists, as the run page renders it)."""

    def bullets(lines: Sequence[str]) -> str:
        return "\n".join(f"- {' '.join(line.split())}" for line in lines)

    return (
        f"Central Asia demo: {demo.title}.\n\n"
        f"{' '.join(demo.summary.split())}\n\n"
        f"What its evidence can say:\n\n{bullets(demo.can_say)}\n\n"
        f"What it cannot say:\n\n{bullets(demo.cannot_say)}\n"
    )


@dataclass(frozen=True)
class Made:
    """A demo run folder, and whether it was run now (False: reused as it was)."""

    demo: DemoRun
    folder: Path
    ran: bool


@dataclass(frozen=True)
class RecordedDemo:
    """A demo run made (or reused) and the register's run it is recorded as."""

    made: Made
    run_id: int
    created: bool


def make_demo_run(
    demo: DemoRun,
    out_dir: str | Path,
    *,
    resolution: float = 10_000.0,
    progress: StepCallback | None = None,
) -> Made:
    """Run ``demo`` into ``out_dir``, unless the folder already holds this demo's run."""
    out = Path(out_dir)
    about = demo.about(resolution)
    if _holds(out, about):
        return Made(demo, out, False)
    template = load_template(demo.template) if demo.template else None
    config = RunConfig(model=demo.model, n_background=10_000)
    if template is not None:
        config = template_config(template, config, demo=True)
    run_demo(
        out,
        config,
        resolution=resolution,
        progress=progress,
        template=template,
        note=caveat(demo),
        about=about,
    )
    return Made(demo, out, True)


def _holds(out: Path, about: dict[str, Any]) -> bool:
    """Whether ``out`` holds a finished run of the demo described by ``about``."""
    run_file = out / "run.json"
    if not (out / "metrics.json").is_file() or not run_file.is_file():
        return False
    recorded = json.loads(run_file.read_text(encoding="utf-8")).get("demo") or {}
    return all(recorded.get(k) == v for k, v in about.items())


def record_demo_runs(
    engine: Engine,
    folder: str | Path,
    *,
    resolution: float = 10_000.0,
    actor: str = "cajad",
    started: Callable[[DemoRun], StepCallback | None] | None = None,
) -> list[RecordedDemo]:
    """Make every bundled demo run under ``folder/<name>`` and record it in the register of
    ``engine``, linked to its projects; what was recorded, in the file's order.

    Every project is checked first (:class:`~cajad.register.NotFoundError`), so nothing runs
    for a register that lacks one. ``started`` is told of each demo before it is made and may
    return the progress callback for its steps."""
    demos = load_demo_runs()
    with session_scope(engine, actor=actor) as session:
        for demo in demos:
            for identifier in demo.projects:
                require_project(session, identifier)
    made = [
        make_demo_run(
            demo,
            Path(folder) / demo.name,
            resolution=resolution,
            progress=started(demo) if started else None,
        )
        for demo in demos
    ]
    found = []
    with session_scope(engine, actor=actor) as session:
        for m in made:
            done = record_run(
                session, m.folder, *m.demo.projects, actor=actor, commodity=m.demo.commodity
            )
            found.append(RecordedDemo(m, done.run.id, done.created))
    return found
