"""Hostile input to imports is refused whole, named by file, line and field, with nothing
written: amounts past 10^15 (also once converted, also 20+ digits), dates outside 1900–2199,
control characters, links that are not http(s). Sums of money cannot overflow, and the rows
a register kept before these bounds neither break an export nor render as links.
(Probe cases of issue 16; the CLI's side is in ``tests/test_cli_bad_input.py``.)"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from cajad.data import data_path
from cajad.iati import import_file as import_iati
from cajad.register import (
    InputError,
    ProjectSpec,
    RateBook,
    bounds,
    import_file,
    import_specs,
    session_scope,
)
from cajad.register.models import Document, Project
from cajad.tracker import progress
from tests.conftest import rows_of

TABLES = ("project", "transaction", "document", "organisation", "rollup", "audit_log")
PROJECT = "kg-grant-2025-naryn-bridge"  # a demo project, to add transactions to
TX_HEADER = ["project", "ref", "type", "value", "currency", "value_date", "description"]


def _snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    return {table: rows_of(engine, table) for table in TABLES}


def _transactions(path: Path, *rows: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(TX_HEADER)
        writer.writerows(rows)
    return path


def _deal(path: Path, **changes: str) -> Path:
    """A deals CSV of one new deal: the first bundled row under a new id, with ``changes``."""
    with data_path("initiative", "deals.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        row = next(reader) | {"id": "zz-hostile"} | changes
        columns = list(reader.fieldnames or [])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerow(row)
    return path


def _refused(engine: Engine, path: Path, *fragments: str) -> None:
    """Importing ``path`` is refused naming ``path:2`` and each fragment; nothing written."""
    before = _snapshot(engine)
    with pytest.raises(InputError) as refused:
        import_file(engine, path)
    message = str(refused.value)
    assert f"{path}:2: " in message
    for fragment in fragments:
        assert fragment in message, message
    assert _snapshot(engine) == before


# --- amounts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "fragment"),
    [
        ("50000000000000000", "JPY", "value: must be at most 10^15 in size; got 5"),
        ("123456789012345678901234", "USD", "got 123456789012345678901234"),
        ("-1000000000000001", "EUR", "value: must be at most 10^15"),
        # 10^15 USD is allowed as reported, not as the 1.4 × 10^17 JPY it converts into
        ("1000000000000000", "USD", "must be at most 10^15 in JPY too"),
    ],
    ids=["5e16-jpy", "24-digits", "negative", "too-large-converted"],
)
def test_an_amount_past_the_bound_is_refused_with_its_place(
    engine: Engine, tmp_path: Path, value: str, currency: str, fragment: str
) -> None:
    path = _transactions(
        tmp_path / "tx.csv", [PROJECT, "huge", "2", value, currency, "2025-12-22", "x"]
    )
    _refused(engine, path, "transactions[huge].value", fragment)


def test_an_amount_at_the_bound_is_kept_and_counted_exactly(engine: Engine, tmp_path: Path) -> None:
    path = _transactions(
        tmp_path / "tx.csv",
        [PROJECT, "max", "2", "1000000000000000", "JPY", "2025-12-22", ""],
        [PROJECT, "min", "2", "-1000000000000000", "JPY", "2025-12-23", ""],
        [PROJECT, "max2", "2", "1000000000000000", "JPY", "2025-12-24", ""],
    )
    with session_scope(engine) as session:
        before = progress(session).total
    import_file(engine, path)
    with session_scope(engine) as session:
        assert progress(session).total == before + bounds.MAX_AMOUNT


def test_the_deals_csv_refuses_a_huge_amount(engine: Engine, tmp_path: Path) -> None:
    path = _deal(tmp_path / "deals.csv", amount="99999999999999999999999", currency="JPY")
    _refused(engine, path, "transactions[zz-hostile].value: must be at most 10^15")


def test_sums_past_64_bits_stay_exact(engine: Engine) -> None:
    """Three rollup rows of 5 × 10^16 JPY (as a register filled before the bound holds them):
    64-bit hundredths would overflow their sum; progress still answers, exactly."""
    huge = 5 * 10**16
    with session_scope(engine) as session:
        before = progress(session).total
    sqlite = engine.dialect.name == "sqlite"
    stored = huge * 100 if sqlite else huge  # hundredths on SQLite, NUMERIC on PostgreSQL
    with engine.begin() as conn:
        for day in ("2026-01-05", "2026-01-06", "2026-01-07"):
            for dimension, key in (("c:total", "if:"), ("total", "")):
                conn.execute(
                    text(
                        "INSERT INTO rollup (dimension, key, type, value_date, jpy, usd, eur, n) "
                        "VALUES (:d, :k, 2, :day, :v, :v, :v, 1)"
                    ),
                    # SQLite gets the ISO text itself (its date adapter is deprecated in 3.12)
                    {
                        "d": dimension,
                        "k": key,
                        "day": day if sqlite else dt.date.fromisoformat(day),
                        "v": stored,
                    },
                )
    with session_scope(engine) as session:
        assert progress(session).total == before + 3 * huge


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_a_date_out_of_range_is_refused_with_its_place(
    engine: Engine, tmp_path: Path, day: str
) -> None:
    path = _transactions(tmp_path / "tx.csv", [PROJECT, "old", "2", "5", "USD", day, ""])
    _refused(
        engine,
        path,
        f"transactions[old].value_date: must be a date from 1900-01-01 to 2199-12-31; got {day}",
    )


def test_the_deals_csv_refuses_an_agreement_date_out_of_range(
    engine: Engine, tmp_path: Path
) -> None:
    path = _deal(tmp_path / "deals.csv", date="0001-01-01", source_date="2015-10-26")
    _refused(engine, path, "agreement_date: must be a date from 1900-01-01")


def test_dates_at_the_bounds_are_kept(empty_engine: Engine) -> None:
    spec = ProjectSpec(
        identifier="zz-bounds",
        title="Dates at the bounds",
        stage="idea",
        planned_start=bounds.EARLIEST,
        planned_end=bounds.LATEST,
    )
    report = import_specs(empty_engine, [spec], source="test")
    assert report.created == ["zz-bounds"]


# --- text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "code"), [("a\x00b", "U+0000"), ("bell\x07", "U+0007"), ("\x1bx", "U+001B")]
)
def test_a_control_character_is_refused_with_its_place(
    engine: Engine, tmp_path: Path, description: str, code: str
) -> None:
    path = _transactions(
        tmp_path / "tx.csv", [PROJECT, "ctl", "2", "5", "USD", "2025-12-22", description]
    )
    _refused(engine, path, "transactions[ctl].description: must not contain control", code)


def test_a_control_character_in_a_deal_title_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = _deal(tmp_path / "deals.csv", title="Road\x00works")
    _refused(engine, path, "title: must not contain control characters", "got U+0000 at 5")


def test_line_breaks_stay_in_free_text_but_not_in_identifiers(empty_engine: Engine) -> None:
    kept = ProjectSpec(
        identifier="zz-text", title="Two\tparts", description="Line one\r\nline two", stage="idea"
    )
    assert import_specs(empty_engine, [kept], source="test").created == ["zz-text"]
    broken = ProjectSpec(identifier="zz-\nnext", title="t", stage="idea")
    with pytest.raises(InputError, match=r"test:0: identifier: must not contain control"):
        import_specs(empty_engine, [broken], source="test")


# --- links -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "http:no-host",
        "//example.org/no-scheme",
    ],
)
def test_a_source_that_is_not_an_http_link_is_refused(
    engine: Engine, tmp_path: Path, url: str
) -> None:
    path = _deal(tmp_path / "deals.csv", source_url=url)
    _refused(engine, path, "documents[0].url: must be an http(s) URL")


def test_the_link_check_is_the_one_answers_use() -> None:
    assert bounds.link_error("https://example.org/a?b=1") is None
    assert bounds.link_error("HTTP://EXAMPLE.ORG") is None
    assert bounds.link_error("javascript:alert(1)") is not None


# --- IATI --------------------------------------------------------------------------------

ACTIVITY = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
<iati-activity default-currency="USD" last-updated-datetime="2025-12-22T00:00:00Z">
 <iati-identifier>XM-DAC-701-8-HOSTILE</iati-identifier>
 <reporting-org ref="XM-DAC-701-8" type="10"><narrative>JICA</narrative></reporting-org>
 <title><narrative>Hostile activity</narrative></title>
 <description><narrative>D</narrative></description>
 <participating-org ref="XM-DAC-701-8" role="1" type="10"><narrative>JICA</narrative>
 </participating-org>
 <activity-status code="2"/>
 <activity-date type="1" iso-date="2025-12-22"/>
 <recipient-country code="KG" percentage="100"/>
 <transaction>
  <transaction-type code="2"/>
  <transaction-date iso-date="{day}"/>
  <value currency="USD" value-date="{day}">{value}</value>
 </transaction>
 <document-link url="{url}" format="text/html">
  <title><narrative>Doc</narrative></title><category code="A01"/>
 </document-link>
</iati-activity>
</iati-activities>
"""


def _activity(path: Path, day: str = "2025-12-22", value: str = "1000", url: str = "") -> Path:
    url = url or "https://example.org/doc"
    path.write_text(ACTIVITY.format(day=day, value=value, url=url), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("day", "value", "fragment"),
    [
        ("0001-01-01", "1000", "transactions[#1].value_date: must be a date from 1900-01-01"),
        ("2025-12-22", "99999999999999999999", "transactions[#1].value: must be at most 10^15"),
    ],
    ids=["date-0001", "20-digits"],
)
def test_an_iati_activity_out_of_bounds_is_left_out_named(
    empty_engine: Engine, tmp_path: Path, day: str, value: str, fragment: str
) -> None:
    path = _activity(tmp_path / "a.xml", day=day, value=value)
    report = import_iati(empty_engine, path)
    assert report.created == []
    assert any(f"a.xml:13: {fragment}" in str(p) for p in report.problems), report.problems
    assert rows_of(empty_engine, "project") == []


def test_an_iati_javascript_link_is_not_stored_and_the_activity_is(
    empty_engine: Engine, tmp_path: Path
) -> None:
    path = _activity(tmp_path / "a.xml", url="javascript:alert(1)")
    report = import_iati(empty_engine, path)
    assert report.created == ["XM-DAC-701-8-HOSTILE"]
    [warning] = [p for p in report.problems if "document-link" in p.field]
    assert warning.level == "warning" and warning.line == 18
    assert "must be an http(s) URL" in warning.reason
    assert rows_of(empty_engine, "document") == []


# --- what a register kept before the bounds -----------------------------------------------


def test_stored_control_characters_leave_the_iati_export_working(
    engine: Engine, tmp_path: Path
) -> None:
    nul = "\x00" if engine.dialect.name == "sqlite" else "\x01"  # PostgreSQL holds no NUL
    with session_scope(engine) as session:
        project = session.query(Project).filter_by(identifier=PROJECT).one()
        project.title = f"Naryn{nul}bridge"
    from cajad.iati import export_activities

    out = tmp_path / "out.xml"
    report = export_activities(engine, out)
    assert report.left_out[PROJECT].startswith("title: must not contain control characters")
    assert report.written > 100 and nul.encode() not in out.read_bytes()


def test_a_stored_javascript_link_is_not_a_link_on_the_project_page(
    engine: Engine, tmp_path: Path
) -> None:
    from cajad.web import create_app
    from tests.web.conftest import TestClient

    with session_scope(engine) as session:
        project = session.query(Project).filter_by(identifier=PROJECT).one()
        session.add(Document(project_id=project.id, url="javascript:alert(1)", title="Evil"))
    with TestClient(create_app(engine)) as client:
        page = client.get(f"/projects/{PROJECT}")
    assert page.status_code == 200
    assert "Evil" in page.text and 'href="javascript:' not in page.text


def test_a_rate_book_keeps_a_bounded_cache() -> None:
    book = RateBook([])
    for day in range(50_000):
        book.rate("USD", "USD", dt.date(1900, 1, 1) + dt.timedelta(days=day % 109_000))
    info = book._cached.cache_info()  # the cache itself: its bound is the promise
    assert info.maxsize is not None and info.currsize <= info.maxsize < 50_000


def test_the_bundled_deals_are_within_the_bounds(tmp_path: Path) -> None:
    """The bounds refuse nothing the initiative's own data holds."""
    from cajad.register.deals import read_deals

    specs, problems = read_deals(Path(shutil.copy(data_path("initiative", "deals.csv"), tmp_path)))
    assert problems == []
    assert [p for s in specs for p in bounds.spec_problems(s, "deals.csv")] == []
