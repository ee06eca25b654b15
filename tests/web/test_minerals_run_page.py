"""The run page of a ``--model auto`` run with derived layers: the candidates ranked by spatial
CV with the chosen one's figure the page's headline, the derived layers with their recipes, and
no server file path anywhere on the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from cajad.minerals.run import RunConfig, run_prospectivity
from cajad.minerals.store import record_run
from cajad.register.store import session_scope
from cajad.web import create_app
from tests.minerals.conftest import write_world

from .conftest import TestClient, build_register
from .links import parse


@pytest.fixture(scope="module")
def auto_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, int, Path]]:
    folder = tmp_path_factory.mktemp("auto-run")
    files = write_world(folder, size=80, seed=3)
    config = RunConfig(model="auto", n_background=2000, derive=["gradient:good", "distance:bad"])
    out = folder / "run"
    run_prospectivity(files.evidence, files.deposits, out, config)
    engine = build_register(folder / "cajad.sqlite")
    with session_scope(engine, actor="tester") as session:
        run_id = record_run(session, out, commodity="test").run.id
    yield engine, run_id, out
    engine.dispose()


@pytest.fixture(scope="module")
def page(auto_run: tuple[Engine, int, Path]) -> Iterator[str]:
    engine, run_id, _ = auto_run
    with TestClient(create_app(engine)) as client:
        response = client.get(f"/minerals/runs/{run_id}")
        assert response.status_code == 200
        yield response.text


def test_the_ranking_is_shown_and_the_chosen_model_is_the_headline(
    auto_run: tuple[Engine, int, Path], page: str
) -> None:
    engine, run_id, _ = auto_run
    with TestClient(create_app(engine)) as client:
        run = client.get(f"/api/minerals/runs/{run_id}").json()
    selection = run["metrics"]["model_selection"]
    links = parse(page)
    assert "run-model-selection" in links.testids
    assert page.count('data-testid="run-candidate"') == 4
    assert f"{selection['chosen']} (chosen)" in page
    headline = links.testids["run-roc-auc"]
    assert headline is not None
    assert f"{selection['ranking'][0]['roc_auc']:.3f}" in page
    assert run["model"] == selection["chosen"]


def test_derived_layers_are_listed_with_their_recipes(page: str) -> None:
    for name, recipe in (("good_gradient", "gradient:good"), ("bad_distance", "distance:bad")):
        assert f">{name}<" in page and f">{recipe}<" in page
        assert f">derived/{name}.tif<" in page


def test_no_server_file_path_is_shown(auto_run: tuple[Engine, int, Path], page: str) -> None:
    _, _, out = auto_run
    assert str(out) not in page and str(out.parent) not in page
    assert ">prospectivity.tif<" in page
