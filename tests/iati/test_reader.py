"""Hostile, broken and old files are refused in bounded time and memory, with file:line."""

from __future__ import annotations

import io
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from cajad.iati import (
    MalformedXmlError,
    UnsafeXmlError,
    UnsupportedVersionError,
    import_file,
)
from cajad.iati._reader import PROLOG_LIMIT, check_prolog, sniff
from cajad.register.errors import InputError
from tests.conftest import rows_of
from tests.iati.conftest import OLD_FILE, REAL_FILES
from tests.iati.hostile import HEAD, HOSTILE, truncated

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
        with pytest.raises(UnsafeXmlError, match=r":2: refused: the file has a DOCTYPE"):
            _read(path)


ROOT = '<iati-activities version="2.03"/>'


@pytest.mark.parametrize(
    ("data", "line"),
    [
        pytest.param(f"<!DOCTYPE a>{ROOT}".encode(), 1, id="first thing"),
        pytest.param(
            f"{HEAD}<!-- a\n comment -->\n<?pi x?>\n<!doctype a>\n{ROOT}".encode(),
            5,
            id="after comment and PI, lower case",
        ),
        pytest.param(b"\xef\xbb\xbf" + f"{HEAD}<!DOCTYPE a>{ROOT}".encode(), 2, id="UTF-8 BOM"),
        pytest.param(f"{HEAD}\n<!DOCTYPE a>{ROOT}".encode("utf-16"), 3, id="UTF-16"),
        pytest.param(f"{HEAD}<!ENTITY a 'b'>{ROOT}".encode(), 2, id="bare declaration"),
        pytest.param(
            f"{HEAD}<!--{'x' * 70_000}-->\n\n<!DOCTYPE a>{ROOT}".encode(),
            4,
            id="past the first chunk",
        ),
    ],
)
def test_the_prolog_is_checked_by_cajad_before_the_parser(data: bytes, line: int) -> None:
    """The refusal is cajad's own, from the bytes alone: no libxml2 version can change it."""
    with pytest.raises(UnsafeXmlError, match=rf"^f\.xml:{line}: refused: the file has a DOCTYPE"):
        check_prolog("f.xml", io.BytesIO(data))


@given(
    parts=st.lists(
        st.sampled_from([" ", "\n", "<!-- c -->", "<!--\n-->", "<?pi a?>", "<?pi\n?>"]),
        max_size=12,
    ),
    doctype=st.booleans(),
)
def test_any_prolog_is_read_to_its_doctype_or_its_root(parts: list[str], doctype: bool) -> None:
    prolog = HEAD + "".join(parts)
    data = (prolog + ("<!DOCTYPE a>" if doctype else "") + ROOT).encode()
    handle = io.BytesIO(data)
    if doctype:
        line = prolog.count("\n") + 1
        with pytest.raises(UnsafeXmlError, match=rf"^f\.xml:{line}: refused"):
            check_prolog("f.xml", handle)
    else:
        check_prolog("f.xml", handle)
        assert handle.tell() == 0  # rewound for the parser


def test_a_clean_prolog_reaches_the_parser(tmp_path: Path) -> None:
    path = tmp_path / "ok.xml"
    path.write_text(f"{HEAD}<!-- made by hand -->\n<?xml-stylesheet href='a'?>\n{ROOT}")
    info = sniff(path)
    assert (info.kind, info.version) == ("activities", "2.03")


def test_an_endless_prolog_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.xml"
    path.write_text(HEAD + "<!--" + "x" * (PROLOG_LIMIT + 10) + "-->" + ROOT)
    with pytest.raises(UnsafeXmlError, match=r"long\.xml:2: refused: more than 1 MiB"):
        sniff(path)


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
