"""The bundled demo runs (``demos.yaml``): each linked to projects of the register, labelled with
what it can and cannot say, made once and reused; a bad file names the entry and the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine

from cajad.minerals.demo_runs import caveat, load_demo_runs, make_demo_run
from cajad.minerals.store import require_project
from cajad.minerals.templates import TemplateError, load_template
from cajad.register.store import session_scope

AI_PARTNERSHIP = "xa-ai-cooperation-partnership-2025"
JOGMEC_REE = "kz-jogmec-kazgeology-rare-earths-2015"
JOGMEC_RARE_METALS = "uz-jogmec-south-tianshan-rare-metals-mou-2025"
URANIUM_VENTURE = "uz-orano-navoiyuran-itochu-south-djengeldi-2025"


def test_the_bundled_demo_runs_and_their_links() -> None:
    demos = {d.name: d for d in load_demo_runs()}
    assert list(demos) == ["porphyry-cu", "ree", "uranium"]
    assert demos["ree"].projects == [AI_PARTNERSHIP, JOGMEC_REE, JOGMEC_RARE_METALS]
    assert demos["uranium"].projects == [AI_PARTNERSHIP, URANIUM_VENTURE]
    assert demos["porphyry-cu"].projects == [AI_PARTNERSHIP]
    for demo in demos.values():
        if demo.template:
            assert load_template(demo.template).name == demo.template
        assert demo.can_say and demo.cannot_say
    assert "not validated" in " ".join(demos["uranium"].cannot_say)


def test_every_linked_project_is_in_the_bundled_register(engine: Engine) -> None:
    with session_scope(engine) as session:
        for demo in load_demo_runs():
            for identifier in demo.projects:
                assert require_project(session, identifier).identifier == identifier


def test_the_caveat_says_what_the_evidence_can_and_cannot_say() -> None:
    ree = next(d for d in load_demo_runs() if d.name == "ree")
    text = caveat(ree)
    assert text.startswith("Central Asia demo: Rare earths")  # read as a demo's note
    can, cannot = text.split("What its evidence can say:")[1].split("What it cannot say:")
    assert can.count("\n- ") == len(ree.can_say) and cannot.count("\n- ") == len(ree.cannot_say)
    assert "Kyzemshek and Zhanaarkalyk" in cannot


def test_a_bad_demo_file_names_the_entry_and_the_field(tmp_path: Path) -> None:
    good = yaml.safe_load(
        (Path(__file__).parents[2] / "src/cajad/data/minerals/demos.yaml").read_text()
    )
    bad = tmp_path / "demos.yaml"
    bad.write_text(yaml.safe_dump([good[0], {**good[1], "projects": []}]))
    with pytest.raises(TemplateError, match=r"demos\.yaml: demo run 1: projects: List should"):
        load_demo_runs(bad)
    bad.write_text(yaml.safe_dump([good[0], good[0]]))
    with pytest.raises(TemplateError, match="name: each demo run needs its own name"):
        load_demo_runs(bad)


def test_a_demo_run_is_made_once_and_reused(tmp_path: Path) -> None:
    uranium = next(d for d in load_demo_runs() if d.name == "uranium")
    first = make_demo_run(uranium, tmp_path / "u", resolution=40_000)
    assert first.ran
    run_file = json.loads((tmp_path / "u" / "run.json").read_text())
    assert run_file["demo"]["name"] == "uranium" and run_file["demo"]["projects"] == (
        uranium.projects
    )
    assert (tmp_path / "u" / "README.txt").read_text() == caveat(uranium)
    metrics = json.loads((tmp_path / "u" / "metrics.json").read_text())
    assert metrics["validation"] == "not validated" and metrics["deposits"] >= 1
    again = make_demo_run(uranium, tmp_path / "u", resolution=40_000)
    assert not again.ran
    assert (tmp_path / "u" / "run.json").read_text() == json.dumps(run_file, indent=2)
