"""Benchmark of cajad.minerals against EIS Toolkit (the EU Exploration Information System).

Run: ``.venv/bin/python benchmarks/minerals.py [--peer /tmp/eisvenv/bin/python] [--parts abcd]``.

The peer is ``eis_toolkit`` from PyPI. It declares Python < 3.11, so it lives in its own
environment, installed with ``pip install --no-deps --ignore-requires-python eis_toolkit`` plus
numpy, pandas, geopandas, rasterio, scikit-learn, scipy and beartype. Importing its random forest
pulls in TensorFlow (for its MLP module); the peer script registers an empty ``tensorflow`` module
instead, since the functions called here never use it.

a. **Validation AUC** on Geoscience Australia's Cloncurry IOCG data (tests/minerals/data), all on
   the same spatial block folds (blocks from the evidence's autocorrelation range, buffer round
   test deposits) of one presence-background sample: our wofe/logistic/rf/gbm, EIS's weights of
   evidence (its calculate_weights + calculate_responses per fold, trained on the fold's training
   deposits over the whole raster) and EIS's random forest; plus GA's published WofE map, which
   was fitted on every deposit, so its fold AUCs are optimistic. Ratios: ours / peer.
b. **Wall time** of weights of evidence fit + predict on a 10-million-cell, 20-layer integer grid
   (the same GeoTIFFs and deposits for both; every cell is used, as in ArcSDM): EIS's
   calculate_weights per layer + calculate_responses, against ours reading the same files.
c. **Time growth** of the whole chunked map path of a run (lazy synthetic 20-layer stack →
   presence-background sample → WofE fit → prediction and uncertainty GeoTIFFs written block by
   block → top-5 % threshold, targets, success-rate curve and PNG read back block by block) at 1 M,
   10 M and 100 M cells, each in a fresh process, with its peak memory. The bound is the block
   (1024 × 1024 cells, 8 blocks computed at a time per GeoTIFF write): the 100 M stack is 8 GB
   of float32 and its maps 400 MB each, none of it ever held whole.
d. **Known-truth worlds** (cajad.minerals.worlds): on synthetic worlds whose generating rule is
   known, a quarter of the map held out by space, each model's held-out ROC AUC and its share of
   the oracle's (the true probability's) gain over 0.5, beside plain scikit-learn baselines
   (LogisticRegression, RandomForestClassifier, and naive Bayes, weights of evidence's family:
   CategoricalNB on the classes WofE sees and GaussianNB on the raw layers) with random
   background.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
from affine import Affine
from sklearn.metrics import roc_auc_score

from cajad.minerals import (
    EvidenceStack,
    Grid,
    SpatialBlockSplit,
    WeightsOfEvidence,
    make_model,
    predict_map,
    read_aligned,
    sample_presence_background,
    write_geotiff,
)
from cajad.minerals.outputs import map_outputs
from cajad.minerals.plots import plot_map
from cajad.minerals.targets import write_targets_geojson
from cajad.minerals.uncertainty import std_map
from cajad.minerals.validation import choose_blocks

ROOT = Path(__file__).resolve().parents[1]
GA = ROOT / "tests" / "minerals" / "data" / "ga_cloncurry"
# GA's published posterior probability map (not copied into the tests: 1.5 MB)
GA_MAP = (
    ROOT.parent
    / "shared/data/prospectivity_benchmarks/ga_cloncurry_iocg_wofe/reference_outputs"
    / "PosteriorProbability.tif"
)
LAYERS = {  # name: (file, EIS weights type, categorical for our models)
    "Dist2Breccia": ("evidence_multiclass/Dist2Breccia.tif", "ascending", False),
    "FaultDensity": ("evidence_multiclass/FaultDensity.tif", "descending", False),
    "StratNo": ("evidence_multiclass/StratNo.tif", "unique", True),
    "Dist2Fault": ("evidence_binary/Dist2Fault.tif", "unique", True),
}

PEER = textwrap.dedent(
    """
    import json, sys, time, types, warnings
    tf = types.SimpleNamespace(keras=types.SimpleNamespace(Model=object))
    sys.modules.setdefault("tensorflow", tf)
    warnings.simplefilter("ignore")
    import numpy as np, geopandas as gpd, rasterio
    from shapely.geometry import Point
    from eis_toolkit.prediction.weights_of_evidence import (
        weights_of_evidence_calculate_weights as calc,
        weights_of_evidence_calculate_responses as resp,
    )
    from eis_toolkit.prediction.random_forests import random_forest_classifier_train

    def wofe_map(layers, xs, ys, crs):
        deps = gpd.GeoDataFrame(geometry=[Point(x, y) for x, y in zip(xs, ys)], crs=crs)
        arrays, df = [], None
        for path, kind in layers:
            with rasterio.open(path) as src:
                kw = {} if kind == "unique" else {"studentized_contrast_threshold": 0}
                df, arr, *_ = calc(src, deps, weights_type=kind, **kw)
                arrays.append(arr)
        pp, std, conf = resp(arrays, df)
        return pp

    job = json.load(open(sys.argv[1]))
    out = {}
    if job["mode"] == "auc":
        data = np.load(job["npz"])
        X, y, rows, cols = data["X"], data["y"], data["rows"], data["cols"]
        wofe, rf = [], []
        for k in range(job["folds"]):
            tr, te = data[f"train{k}"], data[f"test{k}"]
            dep = tr[y[tr] == 1]
            pp = wofe_map(job["layers"], data["x"][dep], data["y_coord"][dep], job["crs"])
            score = np.nan_to_num(pp[rows[te], cols[te]], nan=0.0)
            from sklearn.metrics import roc_auc_score
            wofe.append(float(roc_auc_score(y[te], score)))
            Xtr = np.nan_to_num(X[tr], nan=-1.0)
            model, _ = random_forest_classifier_train(Xtr, y[tr], validation_method="none",
                                                      n_estimators=100, random_state=0)
            p = model.predict_proba(np.nan_to_num(X[te], nan=-1.0))[:, 1]
            rf.append(float(roc_auc_score(y[te], p)))
        out = {"wofe": wofe, "rf": rf}
    else:
        t = time.perf_counter()
        pp = wofe_map(job["layers"], job["x"], job["y"], job["crs"])
        out = {"seconds": time.perf_counter() - t, "mean": float(np.nanmean(pp))}
    json.dump(out, open(sys.argv[2], "w"))
    """
)


def _run_peer(peer: str, job: dict[str, object], work: Path) -> dict[str, object] | None:
    """Run the peer script; None (and a message) if it does not finish within 20 minutes."""
    script, job_file, out_file = work / "peer.py", work / "job.json", work / "peer_out.json"
    script.write_text(PEER)
    job_file.write_text(json.dumps(job))
    try:
        subprocess.run([peer, str(script), str(job_file), str(out_file)], check=True, timeout=1200)
    except subprocess.TimeoutExpired:
        print("   EIS Toolkit did not finish within 20 minutes", flush=True)
        return None
    return dict(json.loads(out_file.read_text()))


def _coarse_breccia(work: Path) -> Path:
    """Dist2Breccia in 1 km classes (64) instead of 100 m (642): EIS Toolkit's cumulative weights
    test every class against a growing list with ``np.isin`` (quadratic in classes) and did not
    finish the 642-class layer for 5 folds within 15 minutes."""
    with rasterio.open(GA / LAYERS["Dist2Breccia"][0]) as src:
        a, profile = src.read(1), src.profile
    coarse = np.where(a < 0, -1, (a + 999) // 1000).astype(np.int32)
    path = work / "Dist2Breccia_1km.tif"
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(coarse, 1)
    return path


def part_a(peer: str | None, work: Path) -> None:
    grid = Grid.from_raster(GA / LAYERS["StratNo"][0])
    files = {name: GA / f for name, (f, _, _) in LAYERS.items()}
    files["Dist2Breccia"] = _coarse_breccia(work)
    stack = EvidenceStack.from_arrays(
        {name: read_aligned(path, grid) for name, path in files.items()},
        grid,
        categorical=[n for n, (_, _, c) in LAYERS.items() if c],
    )
    dep = pd.read_csv(GA / "iocg_deposits.csv")
    rows, cols = grid.rowcol(dep.x_epsg7845.to_numpy(), dep.y_epsg7845.to_numpy())
    sample = sample_presence_background(stack, rows, cols, n_background=20_000, random_state=0)
    blocks = choose_blocks(stack)
    x, y = grid.xy(sample.rows, sample.cols)
    folds = list(SpatialBlockSplit(blocks.block_size, blocks.buffer, 5, 0).split(x, y, sample.y))
    print(
        f"a. Cloncurry IOCG, {int(sample.y.sum())} deposits + {int((sample.y == 0).sum())} "
        f"background cells; {len(folds)} spatial folds of {blocks.block_size / 1000:.1f} km "
        f"blocks, buffer {blocks.buffer / 1000:.1f} km "
        f"(range {blocks.autocorrelation_range / 1000:.0f} km"
        f"{', capped' if blocks.capped else ''})"
    )
    results: dict[str, list[float]] = {}
    cats = [2, 3]
    for name in ("wofe", "logistic", "rf", "gbm"):
        model = make_model(name, categorical=cats, imbalance=20_000 / 258)  # type: ignore[arg-type]
        aucs = []
        for tr, te in folds:
            fitted = model.fit(sample.X[tr], sample.y[tr])
            aucs.append(
                float(roc_auc_score(sample.y[te], fitted.predict_proba(sample.X[te])[:, 1]))
            )
        results[f"ours {name}"] = aucs
    # GA's own method refitted per fold: its four binary maps and ArcSDM's weights
    binary = EvidenceStack.from_arrays(
        {
            n: read_aligned(GA / "evidence_binary" / f"{n}.tif", grid)
            for n in ("Dist2Breccia", "Dist2Fault", "FaultDensity", "StratNo")
        },
        grid,
    )
    xb = binary.values_at(sample.rows, sample.cols)
    aucs = []
    for tr, te in folds:
        wofe = WeightsOfEvidence(sampling="presence-background").fit(xb[tr], sample.y[tr])
        aucs.append(float(roc_auc_score(sample.y[te], wofe.predict_proba(xb[te])[:, 1])))
    results["GA's binary WofE, refitted per fold (ours)"] = aucs
    if GA_MAP.is_file():
        with rasterio.open(GA_MAP) as src:
            pp = src.read(1)
        score = pp[sample.rows, sample.cols]
        results["GA's published WofE map (fitted on all deposits)"] = [
            float(roc_auc_score(sample.y[te], score[te])) for _, te in folds
        ]
    if peer:
        np.savez(
            work / "a.npz",
            X=sample.X,
            y=sample.y,
            rows=sample.rows,
            cols=sample.cols,
            x=x,
            y_coord=y,
            **{f"train{k}": tr for k, (tr, _) in enumerate(folds)},
            **{f"test{k}": te for k, (_, te) in enumerate(folds)},
        )
        job = {
            "mode": "auc",
            "npz": str(work / "a.npz"),
            "folds": len(folds),
            "crs": grid.crs.to_wkt(),
            "layers": [[str(files[n]), k] for n, (_, k, _) in LAYERS.items()],
        }
        t = time.perf_counter()
        peer_out = _run_peer(peer, job, work)
        print(f"   (peer ran in {time.perf_counter() - t:.0f} s)")
        if peer_out is not None:
            results["EIS Toolkit weights of evidence"] = list(peer_out["wofe"])  # type: ignore[call-overload]
            results["EIS Toolkit random forest"] = list(peer_out["rf"])  # type: ignore[call-overload]
    for name, aucs in results.items():
        print(f"   {name:52s} ROC AUC {np.mean(aucs):.4f}  folds {np.round(aucs, 3).tolist()}")
    best = max((k for k in results if k.startswith("ours")), key=lambda k: np.mean(results[k]))
    for other in [k for k in results if not k.startswith("ours")]:
        gap = np.mean(results[best]) - np.mean(results[other])
        print(
            f"   best ({best}) vs {other}: {gap:+.4f} AUC, ratio "
            f"{np.mean(results[best]) / np.mean(results[other]):.3f}"
        )


def _synthetic_grid(
    folder: Path, n_cells: int, n_layers: int
) -> tuple[Grid, np.ndarray, np.ndarray]:
    side = int(np.sqrt(n_cells))
    grid = Grid(
        rasterio.crs.CRS.from_epsg(32642), Affine(100, 0, 400_000, 0, -100, 4_600_000), side, side
    )
    rng = np.random.default_rng(0)
    r, c = np.mgrid[0:side, 0:side]
    signal = np.zeros((side, side), dtype=np.float32)
    for j in range(n_layers):
        k = 40 + 7 * j
        layer = ((r // k + 3 * (c // (k + 3)) + j) % 10).astype(np.uint8) + 1
        if j < 4:
            signal += layer
        with rasterio.open(
            folder / f"layer{j:02d}.tif",
            "w",
            driver="GTiff",
            width=side,
            height=side,
            count=1,
            dtype="uint8",
            crs=grid.crs,
            transform=grid.transform,
            tiled=True,
            compress="lzw",
        ) as dst:
            dst.write(layer, 1)
    p = signal.ravel() / signal.sum() * 2000
    idx = np.flatnonzero(rng.random(p.size) < p)
    dr, dc = np.divmod(idx, side)
    return grid, dr, dc


def part_b(peer: str | None, work: Path, n_cells: int = 10_000_000, n_layers: int = 20) -> None:
    folder = work / "grid10m"
    folder.mkdir(exist_ok=True)
    grid, dr, dc = _synthetic_grid(folder, n_cells, n_layers)
    print(
        f"b. WofE fit+predict, {grid.width * grid.height:,} cells x {n_layers} layers, "
        f"{dr.size} deposits"
    )
    t = time.perf_counter()
    paths = sorted(folder.glob("*.tif"))
    cells = np.empty((grid.width * grid.height + dr.size, len(paths)), np.float32, order="F")
    for j, path in enumerate(paths):
        with rasterio.open(path) as src:
            a = src.read(1)
        cells[: a.size, j] = a.ravel()
        cells[a.size :, j] = a[dr, dc]
    y = np.r_[np.zeros(grid.width * grid.height), np.ones(dr.size)]
    model = WeightsOfEvidence(sampling="presence-background").fit(cells, y)
    pp = np.concatenate(
        [
            model.predict_proba(cells[i : i + 1_000_000, :])[:, 1]
            for i in range(0, grid.width * grid.height, 1_000_000)
        ]
    )
    ours = time.perf_counter() - t
    print(f"   ours: {ours:.1f} s (mean posterior {pp.mean():.3e})")
    del cells
    if peer:
        x, yy = grid.xy(dr, dc)
        job = {
            "mode": "time",
            "layers": [[str(p), "unique"] for p in paths],
            "x": x.tolist(),
            "y": yy.tolist(),
            "crs": grid.crs.to_wkt(),
        }
        peer_out = _run_peer(peer, job, work)
        if peer_out is None:
            return
        theirs = float(peer_out["seconds"])  # type: ignore[arg-type]
        print(f"   EIS Toolkit: {theirs:.1f} s (mean posterior {peer_out['mean']:.3e})")
        print(f"   speed-up ours vs EIS: {theirs / ours:.1f}x (aim >= 5x)")


def _growth_stack(n_cells: int, n_layers: int, chunk: int) -> EvidenceStack:
    """A lazy synthetic stack: each block of each layer is made when a task needs it."""
    import dask.array as da

    side = int(np.sqrt(n_cells))
    grid = Grid(
        rasterio.crs.CRS.from_epsg(32642), Affine(100, 0, 400_000, 0, -100, 4_600_000), side, side
    )

    def layer(j: int) -> da.Array:
        k = 40 + 7 * j

        def block(block_info: dict | None = None) -> np.ndarray:  # type: ignore[type-arg]
            assert block_info is not None
            (r0, r1), (c0, c1) = block_info[None]["array-location"]
            r, c = np.mgrid[r0:r1, c0:c1]
            return (((r // k + 3 * (c // (k + 3)) + j) % 10) + 1).astype(np.float32)

        chunks = (tuple(min(chunk, side - i) for i in range(0, side, chunk)),) * 2
        return da.map_blocks(block, chunks=chunks, dtype=np.float32)

    layers = {f"l{j}": layer(j) for j in range(n_layers)}
    return EvidenceStack.from_arrays(layers, grid, chunks=chunk)


def _growth_child(n_cells: int, n_layers: int, out: str) -> None:
    """One size of part c, in its own process so peak memory is its own: the whole chunked path
    of a run's maps (sample, fit, prediction and uncertainty GeoTIFFs, then the block-wise
    threshold, targets, success-rate curve and PNG)."""
    chunk = 1024
    folder = Path(out)
    stack = _growth_stack(n_cells, n_layers, chunk)
    grid = stack.grid
    times = {}
    t = time.perf_counter()
    rng = np.random.default_rng(0)
    dr, dc = rng.integers(0, grid.height, 2000), rng.integers(0, grid.width, 2000)
    sample = sample_presence_background(stack, dr, dc, n_background=50_000)
    model = WeightsOfEvidence(sampling="presence-background").fit(sample.X, sample.y)
    write_geotiff(predict_map(model, stack), grid, folder / "prospectivity.tif")
    write_geotiff(std_map(model, stack), grid, folder / "uncertainty.tif")
    times["maps"] = time.perf_counter() - t
    t = time.perf_counter()
    found = map_outputs(
        folder / "prospectivity.tif",
        grid,
        (dr, dc),
        uncertainty_path=folder / "uncertainty.tif",
        chunks=chunk,
    )
    write_targets_geojson(found.targets, grid, folder / "targets.geojson")
    plot_map(
        found.picture, grid, folder / "map.png", deposits=grid.xy(dr, dc), targets=found.targets
    )
    times["outputs"] = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "seconds": sum(times.values()),
        **times,
        "peak_mb": peak,
        "targets": len(found.targets),
        "success_auc": found.success.auc,
        "picture": list(found.picture.shape),
    }
    print(json.dumps(result))


def part_c(work: Path, sizes: tuple[int, ...] = (1_000_000, 10_000_000, 100_000_000)) -> None:
    print(
        "c. whole chunked map path, 20 layers, 1024-cell blocks (sample, WofE fit, prediction and "
        "uncertainty GeoTIFFs; then threshold, targets, curve and PNG read back block by block)"
    )
    base = None
    for n in sizes:
        folder = work / f"c{n}"
        folder.mkdir()
        res = subprocess.run(
            [sys.executable, __file__, "--child", str(n), str(folder)],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(res.stdout.strip().splitlines()[-1])
        base = base or r["seconds"] / n
        print(
            f"   {n:>11,} cells: {r['seconds']:7.1f} s (maps {r['maps']:6.1f} s, outputs "
            f"{r['outputs']:5.1f} s), peak RSS {r['peak_mb']:6.0f} MB, time per cell "
            f"x{r['seconds'] / n / base:.2f} of the 1 M run; {r['targets']} targets, "
            f"success-rate AUC {r['success_auc']:.3f}, PNG from a {r['picture']} read",
            flush=True,
        )
        for f in folder.iterdir():
            f.unlink()


def part_d(seeds: tuple[int, ...] = (0, 1, 2), size: int = 200) -> None:
    from cajad.minerals.worlds import RECIPES, cajad_auc, make_world, plain_auc, recovered_share

    print(
        f"d. known-truth worlds, {size} x {size} cells, held-out corner block; held-out ROC AUC "
        "(share of the oracle's gain over 0.5)"
    )
    ours = ["wofe", "logistic", "rf", "gbm"]
    plain = {"plain logistic": "logistic", "plain rf": "rf"}
    plain |= {"plain cat. NB": "categorical_nb", "plain Gauss. NB": "gaussian_nb"}
    columns = [*ours, *plain]
    shares: dict[str, list[float]] = {c: [] for c in [*columns, "best cajad"]}
    print(f"   {'world':14s} {'oracle':>7s} " + " ".join(f"{c:>15s}" for c in columns))
    for recipe in RECIPES:
        for seed in seeds:
            world = make_world(recipe, size=size, seed=seed)
            oracle = world.oracle_auc()
            aucs = {m: cajad_auc(world, m) for m in ours}
            aucs |= {c: plain_auc(world, k) for c, k in plain.items()}
            for c in columns:
                shares[c].append(recovered_share(aucs[c], oracle))
            shares["best cajad"].append(max(shares[m][-1] for m in ours))
            cells = " ".join(
                f"{aucs[c]:.3f} ({recovered_share(aucs[c], oracle):4.2f})".rjust(15)
                for c in columns
            )
            print(f"   {recipe + ' s' + str(seed):14s} {oracle:7.3f} {cells}", flush=True)
    mean = {c: float(np.mean(v)) for c, v in shares.items()}
    print(
        "   mean share of the oracle's gain: " + ", ".join(f"{c} {v:.3f}" for c, v in mean.items())
    )
    # naive Bayes is weights of evidence's family; its baseline is the better form on average
    nb = max(("plain cat. NB", "plain Gauss. NB"), key=mean.__getitem__)
    print(
        f"   best cajad model per world {mean['best cajad']:.3f} (aim >= 0.90); each family "
        f"against its plain baseline (aim >= 0): WofE - plain naive Bayes ({nb}) "
        f"{mean['wofe'] - mean[nb]:+.3f}, logistic - plain logistic "
        f"{mean['logistic'] - mean['plain logistic']:+.3f}, best cajad - plain rf "
        f"{mean['best cajad'] - mean['plain rf']:+.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--peer",
        default="/tmp/eisvenv/bin/python",
        help="python of the environment holding eis_toolkit",
    )
    parser.add_argument("--parts", default="abcd")
    parser.add_argument(
        "--sizes", default="1e6,1e7,1e8", help="cells of each part-c run, comma-separated"
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _growth_child(int(args.child[0]), 20, args.child[1])
        return
    peer = args.peer if Path(args.peer).is_file() else None
    if peer is None:
        print(f"peer not found at {args.peer}: EIS Toolkit columns are skipped")
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory(prefix="cajad-bench-") as tmp:
        work = Path(tmp)
        if "a" in args.parts:
            part_a(peer, work)
        if "b" in args.parts:
            part_b(peer, work)
        if "c" in args.parts:
            part_c(work, tuple(int(float(v)) for v in args.sizes.split(",")))
        if "d" in args.parts:
            part_d()


if __name__ == "__main__":
    main()
