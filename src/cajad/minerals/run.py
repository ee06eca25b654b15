"""One prospectivity run from evidence and deposits to maps, metrics, targets and a run file."""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import NDArray
from sklearn.inspection import permutation_importance

from cajad.minerals.calibration import calibration_report
from cajad.minerals.deposits import read_points
from cajad.minerals.derive import derive_stack
from cajad.minerals.errors import DepositsError, EvidenceError, ValidationSetupError
from cajad.minerals.explain import explain_targets
from cajad.minerals.metrics import RateCurve
from cajad.minerals.models import (
    MODEL_NAMES,
    ModelName,
    Sample,
    allows_missing,
    make_model,
    predict_map,
)
from cajad.minerals.models import sample_presence_background as sample_pb
from cajad.minerals.outputs import map_outputs
from cajad.minerals.plots import plot_curves, plot_map
from cajad.minerals.stack import EvidenceStack, read_evidence_dir, write_geotiff
from cajad.minerals.targets import write_targets_geojson
from cajad.minerals.uncertainty import BootstrapEnsemble, std_map, wofe_std_map
from cajad.minerals.validation import (
    BlockChoice,
    CVResult,
    choose_blocks,
    compare_models,
    cross_validate,
)

__all__ = ["RunConfig", "RunResult", "run_on_stack", "run_prospectivity"]

STEPS = ("evidence", "sample", "validate", "fit", "maps", "targets", "figures")
StepCallback = Callable[[str], None]
#: ``model`` of a run that fits every candidate and keeps the best by spatial CV.
AUTO: Final = "auto"
AUTO_CANDIDATES: Final = ("wofe", "logistic", "rf", "gbm")
#: Models that learn nothing from the deposits: their map stands without them, so a run goes on
#: when too few deposits are known to validate it, and its metrics say it is not validated.
KNOWLEDGE_DRIVEN: Final = ("fuzzy",)
#: ``validation`` of the metrics of a run too few deposits could validate.
NOT_VALIDATED: Final = "not validated"
_PACKAGES = ("cajad", "numpy", "scipy", "scikit-learn", "lightgbm", "rasterio", "dask", "xarray")


@dataclass
class RunConfig:
    """Settings of a run (all recorded in the run file).

    ``block_size`` and ``buffer`` are CRS units (metres); None lets the run choose them from the
    autocorrelation range of the evidence. ``fuzzy`` is the inference network of the fuzzy model
    (dict form of :class:`~cajad.minerals.fuzzy.Operator`); ``template`` names the mineral-system
    template it came from, if any. ``derive`` lists derived layers by name
    (``gradient:magnetic``, see :mod:`cajad.minerals.derive`), appended to the evidence.
    """

    model: ModelName | Literal["auto"] = "wofe"
    n_background: int = 20_000
    n_splits: int = 5
    n_members: int = 5
    top_fraction: float = 0.05
    block_size: float | None = None
    buffer: float | None = None
    random_state: int = 0
    random_cv: bool = True
    chunks: int = 1024
    template: str | None = None
    fuzzy: dict[str, Any] | None = None
    derive: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    """Paths written and the headline metrics."""

    out_dir: Path
    metrics: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)


def run_prospectivity(
    evidence_dir: str | Path,
    deposits_file: str | Path,
    out_dir: str | Path,
    config: RunConfig | None = None,
    *,
    progress: StepCallback | None = None,
) -> RunResult:
    """Run a model on a folder of GeoTIFF evidence and a deposits file, writing everything to
    ``out_dir``: ``prospectivity.tif``, ``uncertainty.tif``, ``metrics.json`` (spatial-CV
    ``roc_auc`` and ``pr_auc``), ``targets.geojson``, ``map.png``, ``curves.png`` and
    ``run.json`` (inputs with checksums, parameters, versions)."""
    cfg = config or RunConfig()
    tell = progress or (lambda step: None)
    tell("evidence")
    stack = read_evidence_dir(evidence_dir, chunks=cfg.chunks)
    points = read_points(deposits_file)
    rows, cols = points.cells(stack.grid)
    if rows.size < cfg.n_splits * 2 and not (cfg.model in KNOWLEDGE_DRIVEN and rows.size):
        raise DepositsError(
            f"at least {cfg.n_splits * 2} deposits on the grid are needed; got {rows.size} "
            "(a knowledge-driven model, fuzzy, maps with fewer, unvalidated)"
        )
    inputs = {
        "evidence": _files(sorted(Path(evidence_dir).glob("*.tif*"))),
        "deposits": _files([Path(deposits_file)]),
    }
    return run_on_stack(stack, rows, cols, out_dir, cfg, inputs=inputs, progress=tell)


def run_on_stack(
    stack: EvidenceStack,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    out_dir: str | Path,
    cfg: RunConfig,
    *,
    inputs: dict[str, Any] | None = None,
    progress: StepCallback | None = None,
) -> RunResult:
    """:func:`run_prospectivity` on an evidence stack already built (e.g. from vectors)."""
    if cfg.model not in (*MODEL_NAMES, AUTO):
        raise EvidenceError(
            f"`model` must be one of {', '.join(MODEL_NAMES)} or auto; got {cfg.model!r}"
        )
    tell = progress or (lambda step: None)
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stack, derived = _derive(stack, out, cfg)
    tell("sample")
    models, sample = _models_and_sample(stack, rows, cols, cfg)
    tell("validate")
    blocks = _blocks(stack, cfg)
    selection, spatial = None, None
    if cfg.model == AUTO:
        ranking = compare_models(
            models,
            sample,
            stack.grid,
            block_size=blocks.block_size,
            buffer=blocks.buffer,
            n_splits=cfg.n_splits,
            random_state=cfg.random_state,
        )
        selection = _selection(ranking)
        cfg = replace(cfg, model=ranking[0][0])  # type: ignore[arg-type]
        spatial = ranking[0][1]
    model = models[cfg.model]
    spatial, random, unvalidated = _validate(model, sample, stack, blocks, cfg, spatial)
    tell("fit")
    fitted = model.fit(sample.X, sample.y)
    tell("maps")
    unc_kind = _maps(model, fitted, sample, stack, out, cfg)
    tell("targets")
    found = map_outputs(
        out / "prospectivity.tif",
        stack.grid,
        (rows, cols),
        uncertainty_path=out / "uncertainty.tif",
        top_fraction=cfg.top_fraction,
        chunks=cfg.chunks,
    )
    targets, labels = found.targets, found.labels
    explain_targets(fitted, stack, targets, labels, random_state=cfg.random_state)
    write_targets_geojson(targets, stack.grid, out / "targets.geojson")
    tell("figures")
    curves = {"success rate (all deposits, fitted map)": found.success}
    if spatial is not None:
        curves["prediction rate (spatial CV, held out)"] = _oof_curve(spatial, sample.y)
    plot_map(
        found.picture,
        stack.grid,
        out / "map.png",
        deposits=stack.grid.xy(rows, cols),
        targets=targets,
        title=f"Prospectivity ({cfg.model})",
    )
    metrics = _metrics(spatial, random, blocks, curves, sample, unc_kind, len(targets))
    # The chart's AUCs are the stored figures, printed as the run page prints them.
    aucs = dict(zip(curves, (metrics["success_rate_auc"], metrics["roc_auc"]), strict=False))
    plot_curves(curves, out / "curves.png", aucs=aucs)
    if selection is not None:
        metrics["model_selection"] = selection
    if spatial is None:
        metrics |= {
            "validation_note": unvalidated,
            "layer_importance": {},
            "calibration": {"error": unvalidated},
        }
    else:
        metrics["layer_importance"] = layer_importance(
            fitted, sample, stack.layers, cfg.random_state
        )
        metrics["calibration"] = calibration_report(
            spatial.oof,
            sample,
            stack.grid,
            block_size=blocks.block_size,
            buffer=blocks.buffer,
            n_splits=cfg.n_splits,
            random_state=cfg.random_state,
        )
    if cfg.model == "fuzzy":
        metrics["uncertainty"] += " (0: the fuzzy overlay learns nothing from the sample)"
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    extra = {"derived": derived, "model_selection": selection}
    _write_run_file(out, stack, cfg, inputs or {}, extra, time.perf_counter() - started)
    return RunResult(out, metrics, {p.name: str(p) for p in sorted(out.iterdir())})


def _models_and_sample(
    stack: EvidenceStack, rows: NDArray[np.int64], cols: NDArray[np.int64], cfg: RunConfig
) -> tuple[dict[str, Any], Sample]:
    """The model(s) to fit (every candidate with ``auto``) and the one sample they all learn
    from (cells missing a layer kept when every model takes missing data)."""
    cats = [i for i, name in enumerate(stack.layers) if name in stack.categorical]
    names = AUTO_CANDIDATES if cfg.model == AUTO else (cfg.model,)
    models = {
        name: make_model(
            name,  # type: ignore[arg-type]
            categorical=cats,
            imbalance=cfg.n_background / max(rows.size, 1),
            random_state=cfg.random_state,
            fuzzy=cfg.fuzzy,
            layers=stack.layers,
        )
        for name in names
    }
    sample = sample_pb(
        stack,
        rows,
        cols,
        n_background=cfg.n_background,
        random_state=cfg.random_state,
        partial=all(allows_missing(m) for m in models.values()),
    )
    imbalance = float((sample.y == 0).sum() / max((sample.y == 1).sum(), 1))
    if "gbm" in models:
        models["gbm"].set_params(lgbmclassifier__scale_pos_weight=imbalance)
    return models, sample


def _selection(ranking: list[tuple[str, CVResult]]) -> dict[str, Any]:
    """What ``--model auto`` compared and chose, JSON-ready."""
    return {
        "requested": AUTO,
        "chosen": ranking[0][0],
        "scheme": "spatial block CV, the same folds for every candidate",
        "note": "ranked by mean spatial-CV ROC AUC; the chosen model's figure is the best of "
        f"{len(ranking)}, so slightly optimistic",
        "ranking": [
            {
                "model": name,
                "roc_auc": cv.mean_roc_auc,
                "pr_auc": cv.mean_pr_auc,
                "roc_auc_folds": cv.roc_auc,
            }
            for name, cv in ranking
        ],
    }


def _validate(
    model: Any,
    sample: Sample,
    stack: EvidenceStack,
    blocks: BlockChoice,
    cfg: RunConfig,
    spatial: CVResult | None = None,
) -> tuple[CVResult | None, CVResult | None, str | None]:
    """Spatial block CV (unless given, from a model comparison), and random CV only to show how
    much it overstates; neither, and why, for a knowledge-driven model with too few deposits."""
    known = int((sample.y == 1).sum())
    if cfg.model in KNOWLEDGE_DRIVEN and known < cfg.n_splits * 2:
        why = (
            f"{known} known deposit cell(s) on the grid; spatial CV in {cfg.n_splits} folds "
            f"needs at least {cfg.n_splits * 2}"
        )
        return None, None, why
    if spatial is None:
        try:
            spatial = cross_validate(
                model,
                sample,
                stack.grid,
                block_size=blocks.block_size,
                buffer=blocks.buffer,
                n_splits=cfg.n_splits,
                random_state=cfg.random_state,
            )
        except ValidationSetupError as exc:
            if cfg.model not in KNOWLEDGE_DRIVEN:
                raise
            return None, None, f"{known} known deposit cell(s) on the grid; spatial CV: {exc}"
    if not cfg.random_cv:
        return spatial, None, None
    random = cross_validate(
        model,
        sample,
        stack.grid,
        scheme="random",
        n_splits=cfg.n_splits,
        random_state=cfg.random_state,
    )
    return spatial, random, None


def _maps(
    model: Any, fitted: Any, sample: Sample, stack: EvidenceStack, out: Path, cfg: RunConfig
) -> str:
    """Write prospectivity.tif and uncertainty.tif; returns what the uncertainty is."""
    write_geotiff(predict_map(fitted, stack), stack.grid, out / "prospectivity.tif")
    if cfg.model == "wofe":
        unc = wofe_std_map(fitted, stack)
        kind = "WofE standard deviation of the posterior probability"
    else:
        ensemble = BootstrapEnsemble(model, n_members=cfg.n_members, random_state=cfg.random_state)
        unc = std_map(ensemble.fit(sample), stack)
        kind = f"standard deviation over {cfg.n_members} bootstrap members"
    write_geotiff(unc, stack.grid, out / "uncertainty.tif")
    return kind


def _derive(
    stack: EvidenceStack, out: Path, cfg: RunConfig
) -> tuple[EvidenceStack, list[dict[str, Any]]]:
    """The stack with ``cfg.derive``'s layers appended, each written to ``derived/NAME.tif`` in
    the run folder; their records (recipe, source, file relative to the run folder, SHA-256)."""
    if not cfg.derive:
        return stack, []
    stack, grids, found = derive_stack(stack, cfg.derive, chunks=cfg.chunks)
    (out / "derived").mkdir(exist_ok=True)
    records = []
    for d in found:
        path = write_geotiff(
            grids[d.name],
            stack.grid,
            out / "derived" / f"{d.name}.tif",
            tags={"CAJAD_DERIVED": d.recipe},
        )
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        records.append(d.as_dict() | {"file": f"derived/{d.name}.tif", "sha256": digest})
    return stack, records


def _write_run_file(
    out: Path,
    stack: EvidenceStack,
    cfg: RunConfig,
    inputs: dict[str, Any],
    extra: dict[str, Any],
    seconds: float,
) -> None:
    run = {
        "inputs": inputs,
        **extra,
        "grid": {
            "crs": stack.grid.crs.to_wkt(),
            "transform": list(stack.grid.transform)[:6],
            "width": stack.grid.width,
            "height": stack.grid.height,
        },
        "layers": stack.layers,
        "categorical_layers": sorted(stack.categorical),
        "parameters": asdict(cfg),
        "versions": _versions(),
        "seconds": round(seconds, 2),
    }
    (out / "run.json").write_text(json.dumps(run, indent=2, default=str))


def layer_importance(
    model: Any, sample: Sample, layers: list[str], random_state: int | None = 0
) -> dict[str, float]:
    """Permutation importance of each layer: the drop in ROC AUC on the training sample (at most
    5,000 rows) when the layer is shuffled, mean of 3 repeats."""
    rng = np.random.default_rng(random_state)
    rows = rng.choice(sample.y.size, size=min(5000, sample.y.size), replace=False)
    result = permutation_importance(
        model,
        sample.X[rows],
        sample.y[rows],
        scoring="roc_auc",
        n_repeats=3,
        random_state=random_state,
    )
    return {name: float(v) for name, v in zip(layers, result.importances_mean, strict=True)}


def _blocks(stack: EvidenceStack, cfg: RunConfig) -> BlockChoice:
    if cfg.block_size is not None:
        buffer = cfg.block_size / 2 if cfg.buffer is None else cfg.buffer
        return BlockChoice(cfg.block_size, buffer, float("nan"), False)
    return choose_blocks(stack, n_splits=cfg.n_splits)


def _oof_curve(cv: CVResult, y: NDArray[np.int64]) -> RateCurve:
    """Prediction-rate curve of spatial CV: each fold's held-out curve (background rows stand for
    the area; rows of equal score enter together), averaged vertically over the folds.

    Each fold's curve is its ROC curve, so the area under the average is the mean of the folds'
    ROC AUCs: the headline ``roc_auc``, one figure for the table and the chart. (Pooling the
    folds' scores instead would rank one fold's model against another's.)"""
    curves = []
    for k in np.unique(cv.fold[cv.fold >= 0]):
        s, t = cv.oof[cv.fold == k], y[cv.fold == k]
        levels, pos = np.unique(-s, return_inverse=True)
        back = np.bincount(pos, weights=t == 0, minlength=levels.size)
        hits = np.bincount(pos, weights=t == 1, minlength=levels.size)
        curves.append(
            (
                np.r_[0.0, np.cumsum(back) / max(back.sum(), 1)],
                np.r_[0.0, np.cumsum(hits) / max(hits.sum(), 1)],
            )
        )
    grid = np.unique(np.concatenate([a for a, _ in curves]))
    # A vertical step (deposits with no background) is kept as two points at the same area.
    low = np.mean([_at(a, c, grid, "left") for a, c in curves], axis=0)
    high = np.mean([_at(a, c, grid, "right") for a, c in curves], axis=0)
    area = np.repeat(grid, 2)
    captured = np.column_stack([low, high]).ravel()
    return RateCurve(area, captured)


def _at(
    area: NDArray[np.float64], captured: NDArray[np.float64], x: NDArray[np.float64], side: str
) -> NDArray[np.float64]:
    """The curve at ``x``: where it steps up at an x, its lowest (``left``) or highest (``right``)
    value there; elsewhere linear between its points."""
    i = np.searchsorted(area, x, side="left" if side == "left" else "right")
    exact = (i < area.size) if side == "left" else (i > 0)
    j = np.clip(i if side == "left" else i - 1, 0, area.size - 1)
    hit = exact & (area[j] == x)
    lo = np.clip(np.searchsorted(area, x, side="right") - 1, 0, area.size - 2)
    span = np.where(area[lo + 1] > area[lo], area[lo + 1] - area[lo], 1.0)
    linear = captured[lo] + (x - area[lo]) / span * (captured[lo + 1] - captured[lo])
    return np.where(hit, captured[j], linear)


def _metrics(
    spatial: CVResult | None,
    random: CVResult | None,
    blocks: BlockChoice,
    curves: dict[str, RateCurve],
    sample: Any,
    unc_kind: str,
    n_targets: int,
) -> dict[str, Any]:
    """The figures of a run; the held-out ones None (and ``validation`` :data:`NOT_VALIDATED`)
    when there was no spatial CV."""
    success = curves["success rate (all deposits, fitted map)"]
    found = {
        "blocks": asdict(blocks),
        "capture_efficiency_training": {f"top_{p}pct": success.at(p / 100) for p in (1, 5, 10)},
        "success_rate_auc": success.auc,
        "deposits": int((sample.y == 1).sum()),
        "background": int((sample.y == 0).sum()),
        "imbalance_handling": "presence-background sample; balanced class weights (rf), "
        "scale_pos_weight (gbm), area weighting (wofe), none (logistic: it moves the intercept)",
        "uncertainty": unc_kind,
        "targets": n_targets,
    }
    if spatial is None:
        return {
            "roc_auc": None,
            "pr_auc": None,
            "validation": NOT_VALIDATED,
            "spatial_cv": None,
            "random_cv": None,
            "random_cv_overstatement": None,
            "capture_efficiency_heldout": {},
            "prediction_rate_auc": None,
            **found,
        }
    pred = curves["prediction rate (spatial CV, held out)"]
    return {
        "roc_auc": spatial.mean_roc_auc,
        "pr_auc": spatial.mean_pr_auc,
        "validation": "spatial block CV",
        "spatial_cv": spatial.as_dict(),
        "random_cv": random.as_dict() if random is not None else None,
        "random_cv_overstatement": (random.mean_roc_auc - spatial.mean_roc_auc) if random else None,
        "capture_efficiency_heldout": {f"top_{p}pct": pred.at(p / 100) for p in (1, 5, 10)},
        # The area under the fold-averaged prediction-rate curve is the mean fold ROC AUC.
        "prediction_rate_auc": spatial.mean_roc_auc,
        **found,
    }


def _files(paths: list[Path]) -> list[dict[str, str]]:
    return [
        {"path": str(p.resolve()), "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
        for p in paths
    ]


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
