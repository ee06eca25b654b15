"""Reading investor profiles: every problem named by file, line and field; all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from cajad.brokerage.errors import InvestorsError
from cajad.brokerage.profiles import REQUIRED_COLUMNS, read_investors
from cajad.brokerage.store import BUNDLED

HEADER = ",".join(REQUIRED_COLUMNS)
GOOD = "adb,ADB,MDB,KZ;UZ,green;23,loan;equity,1000000,5000000,USD,C,B,https://a.org/x,2025-01-01"


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "investors.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_good_row_is_read(tmp_path: Path) -> None:
    (found,) = read_investors(write(tmp_path, GOOD))
    assert found.countries == ("KZ", "UZ") and found.sectors == ("green", "23")
    assert found.min_grade == "C" and found.max_category == "B"
    assert str(found.max_ticket) == "5000000"


def test_star_means_anywhere(tmp_path: Path) -> None:
    (found,) = read_investors(write(tmp_path, GOOD.replace("KZ;UZ", "*")))
    assert found.anywhere


@pytest.mark.parametrize(
    ("bad", "field", "reason"),
    [
        ("MDB,KZ;UZ", "origin", "must be one of"),  # origin Mars below
        ("KZ;UZ", "countries", "2-letter ISO codes"),
        ("green;23", "sectors", "a DAC code"),
        ("loan;equity", "instruments", "must be one of loan"),
        ("1000000,5000000", "max_ticket", "must be >= min_ticket"),
        ("USD,C", "min_grade", "A-F"),
        ("C,B", "max_category", "A, B, C"),
        ("https://a.org/x", "sources", "http(s) URLs"),
        ("2025-01-01", "as_of", "YYYY-MM-DD"),
    ],
)
def test_each_bad_field_is_named_with_file_and_line(
    tmp_path: Path, bad: str, field: str, reason: str
) -> None:
    replacement = {
        "origin": "Mars,KZ;UZ",
        "countries": "Uzbekistan",
        "sectors": "mining",
        "instruments": "bond",
        "max_ticket": "5000000,1000000",
        "min_grade": "USD,Z",
        "max_category": "C,D",
        "sources": "ftp://a.org/x",
        "as_of": "2025-13-01",
    }[field]
    path = write(tmp_path, GOOD, GOOD.replace("adb,", "adb2,").replace(bad, replacement, 1))
    with pytest.raises(InvestorsError) as caught:
        read_investors(path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 3, field)
    assert reason in problem.reason


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("MDB", "Mars"), GOOD.replace("adb,ADB", ",ADB"), GOOD)
    with pytest.raises(InvestorsError) as caught:
        read_investors(path)
    assert [(p.line, p.field) for p in caught.value.problems] == [(2, "origin"), (3, "id")]


def test_a_repeated_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvestorsError, match="repeats line 2"):
        read_investors(write(tmp_path, GOOD, GOOD))


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    header = HEADER.replace(",sources", "")
    with pytest.raises(InvestorsError) as caught:
        read_investors(write(tmp_path, header=header))
    assert [(p.line, p.field) for p in caught.value.problems] == [(1, "sources")]


def test_the_bundled_profiles_are_real_enough() -> None:
    found = read_investors(BUNDLED)
    assert len(found) >= 30
    assert all(i.sources for i in found)
    origins = {i.origin for i in found}
    assert {"JP", "ASEAN", "EU", "MDB", "CA", "other"} <= origins
    # a ticket is never guessed: where none is published the notes say so
    for i in found:
        if i.min_ticket is None and i.max_ticket is None:
            assert "not published" in i.notes, i.id
