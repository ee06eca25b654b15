"""The screening commands: the JSON scripts rely on, reports, answers and exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

from cajad.screening.cli import register
from tests.screening.conftest import rule_of

runner = CliRunner()
app = typer.Typer()
register(app)
MINE = "XM-CAJAD-TEST-COPPER-MINE"
pytestmark = pytest.mark.parametrize("empty_engine", ["sqlite"], indirect=True)


@pytest.fixture
def env(cases: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("CAJAD_DATABASE_URL", cases.url.render_as_string(hide_password=False))
    return cases


def _json(args: list[str]) -> dict[str, object]:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_screen_json_has_the_documented_shape(env: Engine, tmp_path: Path) -> None:
    data = _json(["screen", MINE, "--json"])
    assert {
        "category",
        "grade",
        "scores",
        "red_flags",
        "missing_evidence",
        "catalogue_version",
    } <= (data.keys())
    # 2026.2 on adds what it read in the text: sectors, sizes, works, signals, with evidence.
    assert data["inferred"]["works"] == "new" and any(
        s["signal"] == "mining" for s in data["inferred"]["signals"]
    )
    assert data["category"] in ("A", "B", "C", "FI") and data["catalogue_version"] == "2026.5"
    assert isinstance(data["scores"], dict) and sorted(data["scores"]) == [
        f"QII-{i}" for i in range(1, 7)
    ]
    for key in ("red_flags", "missing_evidence"):
        items = data[key]
        assert isinstance(items, list) and all("rule" in item for item in items)
    assert data["missing_evidence"] and data["red_flags"] == []  # pending, not blocking
    report = tmp_path / "mine.html"
    human = runner.invoke(app, ["screen", MINE, "--html", str(report), "--history"])
    assert (
        human.exit_code == 0
        and "Automatic pre-screening — no evidence reviewed" in human.stdout
        and "pending evidence PS1.ESIA" in human.stdout
    )
    page = report.read_text(encoding="utf-8")
    assert "Yoshlik open-pit" in page and "CAT.A-SENSITIVE" in page and "PS5.RAP" in page


def test_answer_then_screen_all_and_questions(env: Engine) -> None:
    recorded = _json(
        ["answer", MINE, "PS1.ESIA", "yes", "--on", "2026-01-10",
         "--link", "https://example.org/esia.pdf", "--json"]
    )  # fmt: skip
    assert recorded["action"] == "insert" and recorded["evidence"] == 1
    screening = recorded["screening"]
    assert isinstance(screening, dict) and screening["outcomes"]["PS1.ESIA"] == "pass"  # type: ignore[index]
    summary = _json(["screen-all", "--json"])
    assert summary["projects"] == 4 and summary["screened"] == 3 and summary["unchanged"] == 1
    questions = json.loads(runner.invoke(app, ["questions", MINE, "--json"]).stdout)
    esia = next(q for q in questions if q["rule"] == "PS1.ESIA")
    assert esia["answer"]["value"] == "yes" and esia["answer"]["evidence"][0]["kind"] == "link"
    # The reviewer is who ran the command on this shell, never a name typed on it.
    assert esia["answer"]["reviewer"].startswith("local:")
    assert esia["evidence"]  # what satisfies the question


def test_catalogue_shows_and_checks(env: Engine, edited: Callable[..., Path]) -> None:
    data = _json(["catalogue", "--json"])
    assert data["version"] == "2026.5" and len(data["rules"]) > 40  # type: ignore[arg-type]
    assert "PS5.RAP" in runner.invoke(app, ["catalogue"]).stdout

    def bad(files: dict[str, object]) -> None:
        rule_of(files, "PS1.ESIA")["principle"] = "QII-7"

    refused = runner.invoke(app, ["catalogue", str(edited("9.9", bad))])
    assert refused.exit_code == 2
    assert "ifc_ps.yaml: rule PS1.ESIA: principle 'QII-7'" in refused.output.replace("\n", "")


REFUSALS = [
    (["screen", "no-such-project"], "no project 'no-such-project'"),
    (["answer", MINE, "PS1.ESIA", "perhaps"], "must be one of"),
    (["screen", MINE, "--catalogue", "0.1"], "no catalogue version '0.1'"),
    (["screen", MINE, "--layer", "/no/such.geojson"], "cannot read the layer"),
]


def test_refusals_exit_2(env: Engine) -> None:
    for args, message in REFUSALS:
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)


def test_without_a_register_commands_refuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty_engine: Engine
) -> None:
    monkeypatch.setenv("CAJAD_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite'}")
    result = runner.invoke(app, ["screen-all"])
    assert result.exit_code == 2 and "cajad init" in result.output
