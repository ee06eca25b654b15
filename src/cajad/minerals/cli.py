"""``cajad prospect``: the command line of :mod:`cajad.minerals` (a thin layer over the library).

The main CLI adds it with ``from cajad.minerals.cli import register; register(app)``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cajad.minerals.errors import MineralsError
from cajad.minerals.models import ModelName
from cajad.minerals.run import STEPS, RunConfig, run_prospectivity

__all__ = ["prospect", "register"]

prospect = typer.Typer(help="Critical-minerals prospectivity: maps, validation and targets.")
out_console = Console()
err_console = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add the ``prospect`` group to ``app``."""
    app.add_typer(prospect, name="prospect")


@prospect.command("run")
def run_command(
    evidence: Annotated[Path, typer.Option(help="Folder of GeoTIFF evidence layers.")],
    deposits: Annotated[Path, typer.Option(help="Deposits: GeoJSON, GeoPackage or CSV (lon/lat).")],
    out: Annotated[Path, typer.Option(help="Folder to write the results to.")],
    model: Annotated[str, typer.Option(help="wofe, logistic, rf or gbm.")] = "wofe",
    n_background: Annotated[int, typer.Option(help="Background cells sampled.")] = 20_000,
    folds: Annotated[int, typer.Option(help="Spatial CV folds.")] = 5,
    block_size: Annotated[
        float | None, typer.Option(help="CV block side in CRS units (default: from the data).")
    ] = None,
    top_fraction: Annotated[float, typer.Option(help="Share of area that becomes targets.")] = 0.05,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Fit a model, validate it by spatial block CV, and write maps, metrics and targets."""
    config = _config(
        model,
        n_background=n_background,
        folds=folds,
        block_size=block_size,
        top_fraction=top_fraction,
        seed=seed,
    )
    try:
        with _bar() as (_, step):
            result = run_prospectivity(evidence, deposits, out, config, progress=step)
    except MineralsError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    _report(result.metrics, model, out)


def _config(
    model: str,
    *,
    n_background: int,
    folds: int,
    block_size: float | None,
    top_fraction: float,
    seed: int,
) -> RunConfig:
    if model not in ("wofe", "logistic", "rf", "gbm"):
        raise typer.BadParameter(
            f"must be wofe, logistic, rf or gbm; got {model!r}", param_hint="--model"
        )
    model_name: ModelName = model  # type: ignore[assignment]
    return RunConfig(
        model=model_name,
        n_background=n_background,
        n_splits=folds,
        block_size=block_size,
        top_fraction=top_fraction,
        random_state=seed,
    )


@contextmanager
def _bar() -> Iterator[tuple[Progress, Callable[[str], None]]]:
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console) as bar:
        task = bar.add_task("starting", total=len(STEPS))

        def step(name: str) -> None:
            bar.update(task, description=name, completed=STEPS.index(name))

        yield bar, step
        bar.update(task, description="done", completed=len(STEPS))


def _report(m: dict[str, Any], model: str, out: Path) -> None:
    table = Table(title=f"prospectivity ({model}) — {out}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_row("spatial-CV ROC AUC", f"{m['roc_auc']:.3f}")
    table.add_row("spatial-CV PR AUC", f"{m['pr_auc']:.3f}")
    if m["random_cv"]:
        table.add_row("random-CV ROC AUC (overstated)", f"{m['random_cv']['roc_auc']:.3f}")
    for key, value in m["capture_efficiency_heldout"].items():
        table.add_row(f"held-out deposits in {key.replace('_', ' ')}", f"{value:.1%}")
    table.add_row("targets", str(m["targets"]))
    out_console.print(table)


@prospect.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option(help="Folder to write the demo to.")],
    model: Annotated[str, typer.Option(help="wofe, logistic, rf or gbm.")] = "gbm",
    resolution: Annotated[float, typer.Option(help="Cell size in metres.")] = 5000.0,
) -> None:
    """Central Asia porphyry-Cu demo from bundled sites (evidence: related deposit types only)."""
    from cajad.minerals.demo import run_demo

    config = _config(
        model, n_background=10_000, folds=5, block_size=None, top_fraction=0.05, seed=0
    )
    try:
        with _bar() as (_, step):
            result = run_demo(out, config, resolution=resolution, progress=step)
    except MineralsError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    _report(result.metrics, model, out)
    out_console.print(
        "Evidence is only proximity to and density of known sites of related deposit types "
        "(no open geology rasters ship with cajad): read the map as 'known belts', not geology."
    )


@prospect.command("show")
def show_command(
    out: Annotated[Path, typer.Argument(help="A folder written by `cajad prospect run`.")],
) -> None:
    """Print the metrics of a finished run."""
    path = out / "metrics.json"
    if not path.is_file():
        err_console.print(f"[red]error:[/] no metrics.json in {out}")
        raise typer.Exit(2)
    out_console.print_json(json.dumps(json.loads(path.read_text())))
