"""Every command refuses bad input the same way: exit 2, one ``error:`` line naming what was
wrong, no traceback; cajad failing exits 1, also in one line. The command tree is pinned, so
that adding or renaming a command or an option is a deliberate change (update the snapshot)."""

from __future__ import annotations

import errno
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import text
from typer.testing import CliRunner

from cajad._cli import exit_codes
from cajad.cli import app
from cajad.register import init, load_demo, make_engine
from cajad.register.errors import StoreError

runner = CliRunner()
PROJECT = "kg-grant-2025-naryn-bridge"  # one of the bundled demo deals
MISSING = "{tmp}/no-such-folder"
#: A folder no one may create a file in, root included (Linux's process file system).
UNWRITABLE = "/proc"

#: Command, bad input, and a fragment of the one line that must name it.
BAD_INPUT: list[tuple[list[str], str]] = [
    (["route", "Nowhereville", "Tashkent"], "unknown place 'Nowhereville'"),
    (["route", "Yokohama", "Tashkent", "--avoid", "ZZ"], "unknown country 'ZZ'"),
    (["route", "Yokohama", "Tashkent", "--max-transshipments", "0"], "no route"),
    (["route", "Yokohama", "Tashkent", "--as-of", "2025-13-01"], "as_of must be an ISO date"),
    (["route", "Yokohama", "Tashkent", "--scenario", "no-such-state"], "unknown scenario"),
    (["scenario", "no-such-scenario"], "unknown scenario 'no-such-scenario'"),
    (["changes", "--project", "no-such-project"], "no project 'no-such-project'"),
    (["backup", "{tmp}/no/register.zip"], "FILE: no such folder"),
    (["restore", "{tmp}/missing.zip"], "FILE: no such file"),
    (["restore", "{tmp}/deposits.csv", "--into", "sqlite:///{tmp}/r.sqlite"], "not a cajad backup"),
    (["convert", "1", "XXX", "JPY", "2024-01-01"], "no exchange rate from XXX"),
    (["convert", "NaN", "USD", "JPY", "2024-01-01"], "AMOUNT must be a number"),
    (["convert", "1", "USD", "JPY", "0001-01-01"], "ON must be a date"),
    (["progress", "--currency", "XXX"], "to XXX"),
    (["plan", "--budget", "2026=lots"], "--budget must be YEAR=AMOUNT"),
    (["plan", "--budget", "2026=1", "--min-share", "area:hrd=2"], "--min-share must be"),
    (["plan", "--budget", "2026=1", "--min-grade", "Z"], "min_grade"),
    (["plan", "--budget", "2026=1", "--candidates", MISSING], "--candidates: no such file"),
    (["investors", "import", "{tmp}/no-investors.csv"], "FILE: no such file"),
    (["match", "no-such-project"], "no project 'no-such-project'"),
    (["match", PROJECT, "--tenor", "0"], "the tenor must be whole years from 1 to 100; got 0"),
    (["benefits", "set", PROJECT, "lots"], "VALUE must be a number"),
    (["benefits", "set", PROJECT, "1", "--kind", "fitted"], "needs its basis"),
    (["benefits", "set", "no-such-project", "1"], "no project 'no-such-project'"),
    (["benefits", "clear", "no-such-project"], "no project 'no-such-project'"),
    (["benefits", "list", "--currency", "dollars"], "currency"),
    (["match", PROJECT, "--need", "0", "USD"], "--need AMOUNT must be > 0"),
    (["match", PROJECT, "--need", "10", "dollars"], "--need CURRENCY must be an ISO 4217 code"),
    (["progress", "--from", "2030-01-01", "--to", "2020-01-01"], "2030-01-01..2020-01-01"),
    (["progress", "--stage", "nope"], "got nope"),
    (["progress", "--as-of", "0001-01-01"], "--as-of must be a date"),
    (["trace", "no-such-project"], "'no-such-project'"),
    (["trace", PROJECT, "--currency", "XYZ"], "'XYZ'"),
    (["screen", "no-such-project"], "no project 'no-such-project'"),
    (["screen", PROJECT, "--html", f"{MISSING}/report.html"], f"--html: no such folder: {MISSING}"),
    (["screen-all", "--layer", f"{MISSING}/areas.geojson"], f"{MISSING}/areas.geojson"),
    (["catalogue", "no-such-version"], "'no-such-version'"),
    (["questions", "no-such-project"], "no project 'no-such-project'"),
    (["answer", "no-such-project", "PS1.ESIA", "yes"], "'no-such-project'"),
    (["answer", PROJECT, "NO.SUCH", "yes"], "'NO.SUCH'"),
    (["answer", PROJECT, "PS1.ESIA", "yes", "--on", "0001-01-01"], "--on"),
    (["answer", PROJECT, "PS1.ESIA", "yes", "--as", "nobody@example.org"], "'nobody@example.org'"),
    (["import", "{tmp}/deposits.csv", "--as", "not-an-address"], "`email` must be an e-mail"),
    (["user", "add", "not-an-address"], "`email` must be an e-mail address"),
    (["user", "add", "ed@example.org", "--role", "editor"], "an editor needs"),
    (["user", "add", "ed@example.org", "--role", "editor", "--org", "Nowhere"], "'Nowhere'"),
    (["user", "add", "v@example.org", "--org", "XM-DAC-701-8"], "only editors"),
    (["user", "disable", "nobody@example.org"], "no account 'nobody@example.org'"),
    (["user", "reset", "nobody@example.org"], "no account 'nobody@example.org'"),
    (["user", "token", "nobody@example.org"], "no account 'nobody@example.org'"),
    (["user", "tokens", "nobody@example.org"], "no account 'nobody@example.org'"),
    (["user", "revoke", "999"], "no API token 999"),
    (["import", f"{MISSING}/deals.csv"], f"FILE: no such file or folder: {MISSING}/deals.csv"),
    (["import-iati", f"{MISSING}/a.xml"], f"PATH: no such file or folder: {MISSING}/a.xml"),
    (["export", "iati", f"{MISSING}/out.xml"], f"OUT.xml: no such folder: {MISSING}"),
    (["export", "iati", "{tmp}/out.xml", "--stage", "nope"], "got 'nope'"),
    (["export", "iati", "{tmp}/o.xml", "--organisations", "--country", "KZ"], "--organisations"),
    (["export", "transactions", f"{MISSING}/out.csv"], f"OUT.csv: no such folder: {MISSING}"),
    (["export", "transactions", "{tmp}/out.csv", "--currency", "XXX"], "--currency 'XXX'"),
    (["export", "xlsx", f"{MISSING}/o.xlsx"], f"OUT.xlsx: no such folder: {MISSING}"),
    (["export", "xlsx", "{tmp}/o.xlsx", "--columns", "nope"], "got nope"),
    (["export", "xlsx", "{tmp}/o.xlsx", "--from", "2025-13"], "--from must be YYYY-MM-DD"),
    (["export", "xlsx", "{tmp}/o.xlsx", "--from", "2026", "--to", "2025"], "must not be before"),
    (["export", "brief", f"{MISSING}/b.pdf"], f"OUT.pdf: no such folder: {MISSING}"),
    (["export", "brief", "{tmp}/b.pdf", "--currency", "XXX"], "'XXX'"),
    (
        [
            "prospect",
            "run",
            "--evidence",
            MISSING,
            "--deposits",
            "{tmp}/deposits.csv",
            "--out",
            "{tmp}/run",
        ],
        f"--evidence: no such folder: {MISSING}",
    ),
    (
        [
            "prospect",
            "run",
            "--evidence",
            "{tmp}/evidence",
            "--deposits",
            f"{MISSING}/d.csv",
            "--out",
            "{tmp}/run",
        ],
        f"--deposits: no such file: {MISSING}/d.csv",
    ),
    (
        [
            "prospect",
            "run",
            "--evidence",
            "{tmp}/evidence",
            "--deposits",
            "{tmp}/deposits.csv",
            "--out",
            "{tmp}/run",
            "--project",
            "no-such-project",
        ],
        "no project 'no-such-project'",
    ),
    (
        [
            "prospect",
            "run",
            "--evidence",
            "{tmp}/evidence",
            "--deposits",
            "{tmp}/deposits.csv",
            "--out",
            "{tmp}/run",
            "--template",
            "no-such-template",
        ],
        "no template 'no-such-template'",
    ),
    (
        [
            "prospect",
            "run",
            "--evidence",
            "{tmp}/evidence",
            "--deposits",
            "{tmp}/deposits.csv",
            "--out",
            "{tmp}/run",
            "--derive",
            "slope:dem",
        ],
        "got 'slope:dem'",
    ),
    (["prospect", "demo", "--out", "{tmp}/demo", "--template", "nope"], "no template 'nope'"),
    (
        ["prospect", "demos", "--out", "{tmp}/demo", "--resolution", "0"],
        "`--resolution` must be a positive number of metres; got 0.0",
    ),
    (["prospect", "record", MISSING], MISSING),
    (["prospect", "show", MISSING], f"no metrics.json in {MISSING}"),
    (["prospect", "attach", "999", PROJECT], "no prospectivity run 999"),
    # issue 16's probe: huge numbers, unwritable places
    (["convert", "1e30", "USD", "JPY", "2024-01-01"], "amount must be at most 10^15"),
    (["convert", "123456789012345678901234", "USD", "JPY", "2024-01-01"], "at most 10^15"),
    (["export", "iati", "{tmp}"], "OUT.xml: is a folder, not a file"),
    (["export", "iati", f"{UNWRITABLE}/out.xml"], f"{UNWRITABLE}/"),
    (["export", "transactions", f"{UNWRITABLE}/out.csv"], f"{UNWRITABLE}/"),
    (["export", "xlsx", f"{UNWRITABLE}/o.xlsx"], f"{UNWRITABLE}/o.xlsx"),
    (["export", "brief", f"{UNWRITABLE}/b.pdf"], f"{UNWRITABLE}/b.pdf"),
    (["screen", PROJECT, "--html", f"{UNWRITABLE}/r.html"], f"{UNWRITABLE}/r.html"),
    (["prospect", "attach", "99999999999999999999999", PROJECT], "no prospectivity run 9999"),
    (["prospect", "attach", str(2**63), PROJECT], f"no prospectivity run {2**63}"),
    (["prospect", "demo", "--out", f"{UNWRITABLE}/demo"], f"{UNWRITABLE}/demo"),
]

#: Commands with no input to get wrong beyond what typer itself checks.
NO_BAD_INPUT = {
    "init",
    "load-demo",
    "quality",
    "serve",
    "prospect templates",
    "prospect list",
    "user list",
    "investors list",
}

#: Every command and its options (arguments by metavar): change it only on purpose.
COMMANDS: dict[str, list[str]] = json.loads(
    (Path(__file__).parent / "cli_commands.json").read_text(encoding="utf-8")
)


def command_tree(command: Any, prefix: str = "") -> dict[str, list[str]]:
    """Each leaf command of the click tree under ``command``: its option names and the
    metavars of its arguments, sorted."""
    if hasattr(command, "commands"):
        tree: dict[str, list[str]] = {}
        for name, sub in command.commands.items():
            tree.update(command_tree(sub, f"{prefix} {name}".strip()))
        return tree
    names = [
        p.metavar or p.name.upper() if p.param_type_name == "argument" else o
        for p in command.params
        for o in (p.opts + p.secondary_opts if p.param_type_name != "argument" else [p.name])
    ]
    return {prefix: sorted(n for n in names if n != "--help")}


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a demo register on SQLite, shared: no bad input writes anything."""
    url = f"sqlite:///{tmp_path_factory.mktemp('bad-input') / 'cajad.sqlite'}"
    engine = make_engine(url)
    init(engine)
    load_demo(engine)
    engine.dispose()
    yield url


@pytest.fixture
def tmp(demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with an (empty) evidence folder and deposits file; the demo register set."""
    monkeypatch.setenv("CAJAD_DATABASE_URL", demo_url)
    (tmp_path / "evidence").mkdir()
    (tmp_path / "deposits.csv").write_text("lon,lat\n", encoding="utf-8")
    return tmp_path


def assert_one_error_line(result: Any, fragment: str, code: int) -> str:
    """``result`` exited ``code`` with exactly one line on stderr, ``error: …fragment…``."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and fragment in lines[0], lines[0]
    return str(lines[0])


@pytest.mark.parametrize(("args", "fragment"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_exits_2_with_one_line(tmp: Path, args: list[str], fragment: str) -> None:
    args = [a.format(tmp=tmp) for a in args]
    result = runner.invoke(app, args)
    assert_one_error_line(result, fragment.format(tmp=tmp), 2)
    assert not (tmp / "run").exists() and not (tmp / "demo").exists()
    assert not list(tmp.glob("*.xml")) and not list(tmp.glob("*.csv.partial"))


def test_every_command_is_walked_with_bad_input() -> None:
    walked = {
        next(c for c in COMMANDS if args[: len(c.split())] == c.split()) for args, _ in BAD_INPUT
    }
    assert walked | NO_BAD_INPUT == set(COMMANDS)


def test_the_command_tree_is_pinned() -> None:
    assert command_tree(typer.main.get_command(app)) == COMMANDS


def test_commands_refuse_a_store_without_a_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAJAD_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite'}")
    for args in (
        ["progress"],
        ["quality"],
        ["trace", PROJECT],
        ["screen", PROJECT],
        ["prospect", "list"],
        ["load-demo"],
        ["export", "transactions", str(tmp_path / "t.csv")],
        ["convert", "1", "USD", "JPY", "2024-01-01"],
    ):
        assert_one_error_line(runner.invoke(app, args), "run `cajad init` first", 2)


def test_a_store_failure_exits_1_in_one_line_without_sql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cajad.sqlite'}"
    engine = make_engine(url)
    init(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE prospectivity_run"))
    engine.dispose()
    monkeypatch.setenv("CAJAD_DATABASE_URL", url)
    line = assert_one_error_line(runner.invoke(app, ["prospect", "list"]), "prospectivity_run", 1)
    assert "SELECT" not in line


def test_an_import_refusal_names_file_line_and_field(tmp: Path) -> None:
    """A refused file: exit 2, one ``error:`` line, then each problem at file:line: field."""
    path = tmp / "tx.csv"
    path.write_text(
        "project,ref,type,value,currency,value_date\n"
        f"{PROJECT},huge,2,50000000000000000,JPY,2025-12-22\n"
        f"{PROJECT},old,2,5,USD,0001-01-01\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(path)])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert lines[0] == f"error: {path}: refused, nothing imported"
    assert lines[1].strip().startswith(f"{path}:2: transactions[huge].value: must be at most")
    assert lines[2].strip().startswith(f"{path}:3: transactions[old].value_date: must be a date")
    assert len(lines) == 3


def test_a_file_system_failure_exits_1_and_a_refused_path_2_in_one_line() -> None:
    @exit_codes
    def full() -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/data/out.xml")

    @exit_codes
    def denied() -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "/data/out.xml")

    bare = typer.Typer()
    bare.command("full")(full)
    bare.command("denied")(denied)
    assert_one_error_line(runner.invoke(bare, ["full"]), "/data/out.xml: No space left", 1)
    assert_one_error_line(runner.invoke(bare, ["denied"]), "/data/out.xml: Permission denied", 2)


def test_an_unexpected_error_exits_1_naming_its_type() -> None:
    @exit_codes
    def broken() -> None:
        raise KeyError("rate")

    @exit_codes
    def store() -> None:
        raise StoreError("the database is locked\n[SQL: UPDATE project SET title=?]")

    bare = typer.Typer()
    bare.command("broken")(broken)
    bare.command("store")(store)
    assert_one_error_line(runner.invoke(bare, ["broken"]), "unexpected KeyError: 'rate'", 1)
    line = assert_one_error_line(runner.invoke(bare, ["store"]), "database is locked", 1)
    assert "SQL" not in line
