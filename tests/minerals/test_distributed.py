"""The chunked map path on a dask.distributed cluster (2 worker processes) gives the same map,
targets and curve as local threads; ``cajad prospect run --scheduler`` uses such a cluster."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import rasterio
from distributed import Client, LocalCluster, get_task_stream
from typer.testing import CliRunner

from cajad.minerals import Grid, make_model, predict_map, read_evidence_dir, write_geotiff
from cajad.minerals.models import sample_presence_background
from cajad.minerals.outputs import MapOutputs, map_outputs
from cajad.minerals.scheduler import SchedulerError, dask_scheduler
from cajad.minerals.uncertainty import wofe_std_map

from .conftest import World, prospect_app, write_world

pytestmark = pytest.mark.slow  # a 2-process cluster starts: about 15 s


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as c:
        yield c


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Grid, World]:
    files = write_world(tmp_path_factory.mktemp("world"), size=90, seed=4)
    return files.evidence, files.deposits, files.grid, files.world


def _maps(folder: Path, world: World, out: Path) -> MapOutputs:
    """Prediction, WofE uncertainty (a lambda inside) and outputs, in 32-cell blocks."""
    stack = read_evidence_dir(folder, chunks=32)
    rows, cols = world.rows, world.cols
    sample = sample_presence_background(stack, rows, cols, n_background=3000, random_state=0)
    model = make_model("wofe").fit(sample.X, sample.y)
    out.mkdir()
    write_geotiff(predict_map(model, stack), stack.grid, out / "prospectivity.tif")
    write_geotiff(wofe_std_map(model, stack), stack.grid, out / "uncertainty.tif")
    return map_outputs(
        out / "prospectivity.tif",
        stack.grid,
        (rows, cols),
        uncertainty_path=out / "uncertainty.tif",
        chunks=32,
    )


def _read(path: Path) -> np.ndarray:
    with rasterio.open(path) as src:
        return src.read(1)


def test_cluster_gives_the_same_map_and_outputs_as_threads(
    cluster: LocalCluster, inputs: tuple[Path, Path, Grid, World], tmp_path: Path
) -> None:
    folder, _, _, world = inputs
    local = _maps(folder, world, tmp_path / "threads")
    with Client(cluster) as client, get_task_stream(client) as stream:
        remote = _maps(folder, world, tmp_path / "cluster")
    # the blocks were computed on both worker processes
    assert len(stream.data) > 100
    assert len({task["worker"] for task in stream.data}) == 2
    for name in ("prospectivity.tif", "uncertainty.tif"):
        a, b = _read(tmp_path / "threads" / name), _read(tmp_path / "cluster" / name)
        assert np.isfinite(a).any()
        np.testing.assert_array_equal(a, b)
    assert remote.cut == local.cut
    assert [(t.rank, t.area_km2, t.mean_score) for t in remote.targets] == [
        (t.rank, t.area_km2, t.mean_score) for t in local.targets
    ]
    np.testing.assert_array_equal(remote.success.captured, local.success.captured)


def test_cli_runs_on_a_scheduler_address(
    cluster: LocalCluster, inputs: tuple[Path, Path, Grid, World], tmp_path: Path
) -> None:
    root = prospect_app()
    folder, deposits, _, _ = inputs
    args = ["prospect", "run", "--evidence", str(folder), "--deposits", str(deposits)]
    args += ["--folds", "3", "--n-background", "3000"]
    runner = CliRunner()
    local = runner.invoke(root, [*args, "--out", str(tmp_path / "threads")])
    assert local.exit_code == 0, local.output
    remote = runner.invoke(
        root,
        [*args, "--out", str(tmp_path / "cluster")],
        env={"DASK_SCHEDULER_ADDRESS": cluster.scheduler_address},
    )
    assert remote.exit_code == 0, remote.output
    np.testing.assert_array_equal(
        _read(tmp_path / "threads" / "prospectivity.tif"),
        _read(tmp_path / "cluster" / "prospectivity.tif"),
    )
    metrics = [
        json.loads((tmp_path / d / "metrics.json").read_text()) for d in ("threads", "cluster")
    ]
    assert metrics[0]["success_rate_auc"] == metrics[1]["success_rate_auc"]
    assert metrics[0]["targets"] == metrics[1]["targets"] > 0


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    with (
        pytest.raises(
            SchedulerError, match=r"cannot reach the dask scheduler at tcp://127\.0\.0\.1:9"
        ),
        dask_scheduler("tcp://127.0.0.1:9", timeout=1),
    ):
        pass
