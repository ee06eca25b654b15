"""``cajad prospect``: the command line of :mod:`cajad.minerals` (a thin layer over the library).

The main CLI adds it with ``from cajad.minerals.cli import register; register(app)``. The
library (scikit-learn, LightGBM, rasterio) is imported inside the commands, so that every other
``cajad`` command starts without loading it. Exit codes as in :mod:`cajad._cli`: 2 for bad
input (a missing folder or file, an unknown template or project), 1 when the store fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from cajad._cli import ArgumentError, existing_file, existing_folder, exit_codes, open_register
from cajad._cli import err as err_console
from cajad._cli import out as out_console
from cajad.minerals import store
from cajad.minerals.scheduler import dask_scheduler
from cajad.register import session_scope

if TYPE_CHECKING:
    from cajad.minerals.models import ModelName
    from cajad.minerals.run import RunConfig
    from cajad.minerals.templates import Template

__all__ = ["prospect", "register"]

prospect = typer.Typer(help="Critical-minerals prospectivity: maps, validation and targets.")
#: Who the audit log names for runs recorded from the command line.
ACTOR = "cajad prospect"
TemplateOption = Annotated[
    str | None,
    typer.Option(help="Mineral-system template (`cajad prospect templates`) or a YAML file."),
]
ProjectOption = Annotated[
    str | None,
    typer.Option(help="Record the result in the register, linked to this project identifier."),
]


def register(app: typer.Typer) -> None:
    """Add the ``prospect`` group to ``app``."""
    app.add_typer(prospect, name="prospect")


@prospect.command("run")
@exit_codes
def run_command(
    evidence: Annotated[Path, typer.Option(help="Folder of GeoTIFF evidence layers.")],
    deposits: Annotated[Path, typer.Option(help="Deposits: GeoJSON, GeoPackage or CSV (lon/lat).")],
    out: Annotated[Path, typer.Option(help="Folder to write the results to.")],
    model: Annotated[
        str | None,
        typer.Option(
            help="wofe, logistic, rf, gbm, fuzzy, or auto: fit wofe, logistic, rf and gbm and "
            "keep the best by spatial CV (default: fuzzy with a template, else wofe)."
        ),
    ] = None,
    template: TemplateOption = None,
    derive: Annotated[
        list[str] | None,
        typer.Option(
            help="A derived layer, OP:LAYER[:RADIUS][=NAME] with OP gradient, tilt, distance, "
            "contacts or density (e.g. gradient:magnetic, distance:faults); repeatable."
        ),
    ] = None,
    n_background: Annotated[int, typer.Option(help="Background cells sampled.")] = 20_000,
    folds: Annotated[int, typer.Option(help="Spatial CV folds.")] = 5,
    block_size: Annotated[
        float | None, typer.Option(help="CV block side in CRS units (default: from the data).")
    ] = None,
    top_fraction: Annotated[float, typer.Option(help="Share of area that becomes targets.")] = 0.05,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    project: ProjectOption = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            envvar="DASK_SCHEDULER_ADDRESS",
            help="Address of a dask.distributed scheduler to run the maps on "
            "(default: threads here).",
        ),
    ] = None,
) -> None:
    """Fit a model, validate it by spatial block CV, and write maps, metrics and targets."""
    from cajad.minerals.run import run_prospectivity

    existing_folder(evidence, "--evidence")
    existing_file(deposits, "--deposits")
    config = _config(
        model or ("fuzzy" if template else "wofe"),
        n_background=n_background,
        folds=folds,
        block_size=block_size,
        top_fraction=top_fraction,
        seed=seed,
        derive=derive or [],
    )
    config, _ = _with_template(config, template, evidence=evidence)
    engine = _check_project(project)
    with dask_scheduler(scheduler), _bar(out) as (_, step):
        result = run_prospectivity(evidence, deposits, out, config, progress=step)
    _report(result.metrics, config.model, out)
    if engine is not None:
        _record(engine, out, *([project] if project else []))


def _config(
    model: str,
    *,
    n_background: int,
    folds: int,
    block_size: float | None,
    top_fraction: float,
    seed: int,
    derive: list[str] | None = None,
) -> RunConfig:
    from cajad.minerals.derive import Derivation
    from cajad.minerals.errors import EvidenceError
    from cajad.minerals.models import MODEL_NAMES
    from cajad.minerals.run import AUTO, RunConfig

    if model not in (*MODEL_NAMES, AUTO):
        raise typer.BadParameter(
            f"must be wofe, logistic, rf, gbm or auto (or fuzzy with --template); got {model!r}",
            param_hint="--model",
        )
    for recipe in derive or []:
        try:
            Derivation.parse(recipe)
        except EvidenceError as exc:
            raise ArgumentError(f"--derive: {exc}") from exc
    model_name: ModelName = model  # type: ignore[assignment]
    return RunConfig(
        derive=list(derive or []),
        model=model_name,
        n_background=n_background,
        n_splits=folds,
        block_size=block_size,
        top_fraction=top_fraction,
        random_state=seed,
    )


def _with_template(
    config: RunConfig, name: str | None, *, evidence: Path | None = None
) -> tuple[RunConfig, Template | None]:
    """The config with the template's network recorded (the demo's when ``evidence`` is None);
    refused naming what is wrong (unknown template, bad file, missing evidence layers)."""
    from cajad.minerals.templates import check_evidence, load_template, template_config

    if name is None:
        if config.model == "fuzzy":
            raise typer.BadParameter("the fuzzy model needs --template", param_hint="--model")
        return config, None
    chosen = load_template(name)
    if evidence is not None:
        check_evidence(chosen, evidence)
    return template_config(chosen, config, demo=evidence is None), chosen


@contextmanager
def _bar(out: Path) -> Iterator[tuple[Progress, Callable[[str], None]]]:
    """The steps' progress bar, once the folder ``out`` is made: a folder that cannot be made
    is refused in one line, with no bar drawn above it."""
    from cajad.minerals.run import STEPS

    out.mkdir(parents=True, exist_ok=True)

    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console) as bar:
        task = bar.add_task("starting", total=len(STEPS))

        def step(name: str) -> None:
            bar.update(task, description=name, completed=STEPS.index(name))

        yield bar, step
        bar.update(task, description="done", completed=len(STEPS))


def _report(m: dict[str, Any], model: str, out: Path) -> None:
    selection = m.get("model_selection")
    if selection:
        model = f"{selection['chosen']}, chosen by --model auto"
    table = Table(title=f"prospectivity ({model}) — {out}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_row("spatial-CV ROC AUC", _figure(m["roc_auc"]))
    table.add_row("spatial-CV PR AUC", _figure(m["pr_auc"]))
    if m["random_cv"]:
        table.add_row("random-CV ROC AUC (overstated)", f"{m['random_cv']['roc_auc']:.3f}")
    for key, value in m["capture_efficiency_heldout"].items():
        table.add_row(f"held-out deposits in {key.replace('_', ' ')}", f"{value:.1%}")
    table.add_row("targets", str(m["targets"]))
    out_console.print(table)
    if m.get("validation_note"):
        out_console.print(f"Not validated: {m['validation_note']}.")
    if selection:
        ranked = Table(title=f"--model auto: ranked by {selection['scheme']}")
        for column in ("rank", "model", "spatial-CV ROC AUC", "spatial-CV PR AUC"):
            ranked.add_column(column, justify="right" if column != "model" else "left")
        for i, r in enumerate(selection["ranking"], 1):
            ranked.add_row(str(i), r["model"], f"{r['roc_auc']:.3f}", f"{r['pr_auc']:.3f}")
        out_console.print(ranked)
        out_console.print(f"chosen: {selection['chosen']} ({selection['note']})")


@prospect.command("demo")
@exit_codes
def demo_command(
    out: Annotated[Path, typer.Option(help="Folder to write the demo to.")],
    model: Annotated[
        str | None,
        typer.Option(help="wofe, logistic, rf, gbm or fuzzy (default gbm; fuzzy with a template)."),
    ] = None,
    template: TemplateOption = None,
    resolution: Annotated[float, typer.Option(help="Cell size in metres.")] = 5000.0,
    record: Annotated[
        bool, typer.Option("--record", help="Record the result in the register.")
    ] = False,
    project: ProjectOption = None,
) -> None:
    """Central Asia demo from bundled sites (porphyry Cu, or the template's deposit types;
    evidence: related deposit types only)."""
    from cajad.minerals.demo import TARGET, run_demo

    config = _config(
        model or ("fuzzy" if template else "gbm"),
        n_background=10_000,
        folds=5,
        block_size=None,
        top_fraction=0.05,
        seed=0,
    )
    config, chosen = _with_template(config, template)
    engine = _check_project(project, record=record)
    with _bar(out) as (_, step):
        result = run_demo(out, config, resolution=resolution, progress=step, template=chosen)
    _report(result.metrics, config.model, out)
    out_console.print(
        "Evidence is only proximity to and density of known sites of related deposit types "
        "(no open geology rasters ship with cajad): read the map as 'known belts', not geology."
    )
    if engine is not None:
        linked = [project] if project else []
        _record(engine, out, *linked, commodity=chosen.mineral_system if chosen else TARGET)


@prospect.command("demos")
@exit_codes
def demos_command(
    out: Annotated[
        Path, typer.Option(help="Folder for the demo runs (one sub-folder each, reused).")
    ] = Path("var/prospect-demos"),
    resolution: Annotated[float, typer.Option(help="Cell size in metres.")] = 10_000.0,
) -> None:
    """Make and record the bundled demo runs (porphyry Cu, rare earths, uranium), each linked to
    the register projects it illustrates and labelled with what its evidence can and cannot
    say; a folder already holding its demo is recorded as it is."""
    from cajad.minerals.demo_runs import record_demo_runs

    if not resolution > 0:
        raise ArgumentError(f"`--resolution` must be a positive number of metres; got {resolution}")
    engine = open_register()
    with _bar(out) as (bar, step):

        def started(demo: Any) -> Callable[[str], None]:
            bar.console.print(f"demo {demo.name}: {demo.title}")
            return step

        done = record_demo_runs(engine, out, resolution=resolution, actor=ACTOR, started=started)
    table = Table(title=f"{len(done)} demo run(s) in {out}")
    for column in ("demo", "run", "projects", "made"):
        table.add_column(column, overflow="fold")
    for d in done:
        made = "now" if d.made.ran else "reused"
        recorded = "recorded" if d.created else "already recorded"
        table.add_row(
            d.made.demo.name,
            f"#{d.run_id} ({recorded})",
            ", ".join(d.made.demo.projects),
            made,
        )
    out_console.print(table)
    out_console.print(
        "See /minerals in the portal; each run's page says what it can and cannot say."
    )


@prospect.command("templates")
@exit_codes
def templates_command() -> None:
    """List the bundled mineral-system templates and the evidence layers each expects."""
    from cajad.minerals.templates import load_template, template_names

    table = Table(title="mineral-system templates (use with --template)")
    for column in ("name", "mineral system", "commodities", "evidence layers", "reference"):
        table.add_column(column, overflow="fold")
    for name in template_names():
        t = load_template(name)
        table.add_row(
            t.name,
            t.mineral_system,
            ", ".join(t.commodities),
            "\n".join(f"{c.layer} ({c.component})" for c in t.criteria),
            t.reference,
        )
    out_console.print(table)


@prospect.command("show")
@exit_codes
def show_command(
    out: Annotated[Path, typer.Argument(help="A folder written by `cajad prospect run`.")],
) -> None:
    """Print the metrics of a finished run."""
    path = out / "metrics.json"
    if not path.is_file():
        raise ArgumentError(f"no metrics.json in {out}")
    out_console.print_json(json.dumps(json.loads(path.read_text())))


@prospect.command("record")
@exit_codes
def record_command(
    out: Annotated[Path, typer.Argument(help="A folder written by `cajad prospect run`.")],
    project: Annotated[
        list[str] | None, typer.Option(help="Link the run to this project; repeatable.")
    ] = None,
    commodity: Annotated[
        str | None, typer.Option(help="Commodity or mineral system (default: the deposits file).")
    ] = None,
) -> None:
    """Record a finished run in the register (figures, map, curves, targets), optionally linked
    to projects; a folder recorded before is not recorded twice (its links are added)."""
    engine = open_register()
    _record(engine, out, *(project or []), commodity=commodity)


@prospect.command("attach")
@exit_codes
def attach_command(
    run_id: Annotated[int, typer.Argument(help="A recorded run (see `cajad prospect list`).")],
    project: Annotated[str, typer.Argument(help="The project's identifier.")],
    detach: Annotated[
        bool, typer.Option("--detach", help="Unlink the run from the project instead.")
    ] = False,
) -> None:
    """Link a recorded run to a project of the register, besides any it is linked to already
    (``--detach``: unlink it); audited."""
    engine = open_register()
    with session_scope(engine, actor=ACTOR) as session:
        run = (store.detach if detach else store.attach)(session, run_id, project)
        linked = ", ".join(run.project_identifiers) or "no project"
    out_console.print(f"run {run_id} is linked to {linked}")


@prospect.command("list")
@exit_codes
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    project: Annotated[str | None, typer.Option(help="Only runs linked to this project.")] = None,
) -> None:
    """The runs recorded in the register, newest first."""
    engine = open_register()
    with session_scope(engine, actor=ACTOR) as session:
        found = [
            {"id": r.id, "created_at": r.created_at.isoformat(), **r.summary()}
            for r in store.runs(session, project)
        ]
    if as_json:
        out_console.print_json(json.dumps(found))
        return
    table = Table(title=f"{len(found)} recorded prospectivity run(s)")
    for column in ("id", "commodity", "model", "ROC AUC", "PR AUC", "targets", "projects"):
        table.add_column(column, overflow="fold")
    for r in found:
        table.add_row(
            str(r["id"]), r["commodity"], r["model"], _figure(r["roc_auc"]),
            _figure(r["pr_auc"]), str(r["targets"]), ", ".join(r["projects"]) or "—",
        )  # fmt: skip
    out_console.print(table)


def _figure(value: float | None) -> str:
    """A held-out figure to three places, or why there is none."""
    return "not validated" if value is None else f"{value:.3f}"


def _check_project(project: str | None, *, record: bool = False) -> Engine | None:
    """The register to record into once the run is done, ``project`` checked to exist first
    (so nothing is written for an unknown project); None when the run is not recorded."""
    if project is None and not record:
        return None
    engine = open_register()
    if project is not None:
        with session_scope(engine, actor=ACTOR) as session:
            store.require_project(session, project)
    return engine


def _record(engine: Engine, out: Path, *projects: str, commodity: str | None = None) -> None:
    with session_scope(engine, actor=ACTOR) as session:
        done = store.record_run(session, out, *projects, actor=ACTOR, commodity=commodity)
        run_id, label = done.run.id, ", ".join(done.run.project_identifiers) or "no project"
    verb = "recorded as" if done.created else "already recorded as"
    out_console.print(f"{out} {verb} run {run_id} ({label}); see /minerals/runs/{run_id}")
