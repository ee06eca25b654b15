"""Hostile, broken and old files are refused in bounded time and memory, with file:line."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from cajad.iati import (
    MalformedXmlError,
    UnsafeXmlError,
    UnsupportedVersionError,
    import_file,
)
from cajad.register.errors import InputError
from tests.conftest import rows_of
from tests.iati.conftest import OLD_FILE, REAL_FILES
from tests.iati.hostile import HOSTILE, truncated

#: Address-space cap for the reader process: far below what an expansion would need.
MEMORY_CAP = 1536 * 1024**2
TIME_CAP = 20

_READ = """
import sys
from pathlib import Path
from cajad.iati._import import IatiImportReport, read_specs
from cajad.iati.errors import IatiInputError
for name in sys.argv[1:]:
    path = Path(name)
    try:
        for _ in read_specs(path, IatiImportReport(source=path.name)):
            pass
    except IatiInputError as exc:
        print(type(exc).__name__, str(exc).splitlines()[0])
    else:
        print("accepted", path.name)
"""


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _refusals(paths: list[Path]) -> list[str]:
    """How a reader process capped in memory and time answers each file, one line each."""
    done = subprocess.run(
        [sys.executable, "-c", _READ, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=TIME_CAP,
        preexec_fn=_cap,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().splitlines()


def test_hostile_files_are_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    paths = [make(tmp_path / f"hostile-{i}.xml") for i, make in enumerate(HOSTILE.values())]
    answers = _refusals(paths)
    assert len(answers) == len(HOSTILE)
    for kind, path, answer in zip(HOSTILE, paths, answers, strict=True):
        error, _, message = answer.partition(" ")
        assert error in ("UnsafeXmlError", "MalformedXmlError"), (kind, answer)
        assert message.startswith(f"{path.name}:"), (kind, answer)


def test_entity_attacks_name_the_doctype(tmp_path: Path) -> None:
    for kind in ("billion laughs", "quadratic blow-up", "external entity", "external DTD"):
        path = HOSTILE[kind](tmp_path / f"{kind}.xml")
        with pytest.raises(UnsafeXmlError, match=r":3: refused: the file has a DOCTYPE"):
            _read(path)


def test_truncated_file_names_its_line(tmp_path: Path) -> None:
    path = truncated(tmp_path / "cut.xml", REAL_FILES[0])
    with pytest.raises(MalformedXmlError, match=r"cut\.xml:\d+: not well-formed XML"):
        _read(path)


def test_wrong_encoding_says_so(tmp_path: Path) -> None:
    path = HOSTILE["wrong encoding"](tmp_path / "latin.xml")
    with pytest.raises(MalformedXmlError, match=r"latin\.xml:2: not readable as declared"):
        _read(path)


def test_version_1_files_are_refused_naming_the_version() -> None:
    with pytest.raises(UnsupportedVersionError, match=r"IATI version 1\.01 is not supported"):
        _read(OLD_FILE)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('<iati-activities version="3.0"/>', "IATI version '3.0' is not supported"),
        ("<iati-activities/>", "has no version attribute"),
        ("<projects/>", "not an IATI file: the root element is projects"),
    ],
)
def test_files_that_are_not_iati_2_are_refused(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "x.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnsupportedVersionError, match=reason):
        _read(path)


def test_a_file_refused_midway_touches_nothing(
    empty_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of 10: some are written before the cut is met, and all of them roll back."""
    monkeypatch.setattr("cajad.iati._import.BATCH", 10)
    before = {t: rows_of(empty_engine, t) for t in ("project", "organisation", "audit_log")}
    with pytest.raises(InputError, match="not well-formed"):
        import_file(empty_engine, truncated(tmp_path / "bad.xml", REAL_FILES[0]))
    assert {t: rows_of(empty_engine, t) for t in before} == before


def _read(path: Path) -> None:
    from cajad.iati._import import IatiImportReport, read_specs

    for _ in read_specs(path, IatiImportReport(source=str(path))):
        pass
