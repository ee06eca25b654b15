"""The big downloads stream: ``/api/transactions.csv`` and ``/api/projects.xml`` are written a
bounded number of rows (activities) at a time, and say the same as the whole-file writers the
CLI uses (which were the endpoints' bodies before they streamed)."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import Engine

from cajad.iati import _export, export_activities, stream_activities
from cajad.register import ProjectFilter, RateBook, session_scope, write_transactions_csv
from cajad.register.transactions_export import transactions_csv_chunks
from cajad.register.xlsx_export import write_projects_xlsx
from cajad.tracker import CountingRule
from tests.register.test_xlsx_export import xlsx_cells
from tests.web.conftest import TestClient


def _undated(xml: bytes) -> bytes:
    return re.sub(rb'generated-datetime="[^"]*"', b'generated-datetime="X"', xml)


@pytest.mark.parametrize("params", [{}, {"currency": "USD", "country": "KZ"}, {"q": "zzzqq"}])
def test_transactions_csv_streams_what_the_writer_writes(
    client: TestClient, web_engine: Engine, params: dict[str, str]
) -> None:
    answer = client.get("/api/transactions.csv", params=params)
    assert answer.status_code == 200 and "content-length" not in answer.headers
    where = ProjectFilter(country=params.get("country"), q=params.get("q"))
    with session_scope(web_engine) as session:
        buffer = io.StringIO()
        book = RateBook.from_session(session)
        write_transactions_csv(
            session, where, buffer, currency=params.get("currency", "JPY"), book=book
        )
    assert answer.text == buffer.getvalue()


def test_transactions_csv_chunks_hold_a_bounded_number_of_rows(web_engine: Engine) -> None:
    with session_scope(web_engine) as session:
        book = RateBook.from_session(session)
        chunks = transactions_csv_chunks(
            session, ProjectFilter(), currency="JPY", book=book, rows=7
        )
        sizes = []
        for chunk in chunks:
            sizes.append(chunk.count("\n"))
            # What the session holds is forgotten chunk by chunk: at most the chunk's rows
            # and their project and organisations.
            assert len(session.identity_map) <= 7 * 4
    assert sizes[0] == 1  # the header, sent at once
    assert len(sizes) > 5 and max(sizes[1:]) <= 7


def test_projects_xml_streams_what_the_export_writes(
    client: TestClient, web_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_export, "BATCH", 10)
    answer = client.get("/api/projects.xml", params={"area": "green"})
    assert answer.status_code == 200
    whole = io.BytesIO()
    export_activities(web_engine, whole, where=ProjectFilter(area="green"))
    assert _undated(answer.content) == _undated(whole.getvalue())
    chunks = list(stream_activities(web_engine))
    activities = [c.count(b"<iati-activity ") for c in chunks]
    assert len(chunks) > 3 and max(activities) <= 10


def test_projects_xml_with_nothing_to_export_is_refused_before_streaming(
    client: TestClient,
) -> None:
    answer = client.get("/api/projects.xml", params={"q": "zzzqq"})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_projects_xlsx_streams_the_workbook_built_in_memory(
    client: TestClient, web_engine: Engine
) -> None:
    answer = client.get("/api/projects.xlsx", params={"country": "KZ", "currency": "EUR"})
    assert answer.status_code == 200
    assert answer.headers["content-length"] == str(len(answer.content))
    buffer = io.BytesIO()
    with session_scope(web_engine) as session:
        write_projects_xlsx(
            session,
            ProjectFilter(country="KZ"),
            buffer,
            currency="EUR",
            book=RateBook.from_session(session),
            notes={"Counting rule": CountingRule().describe()},
            write_only=False,
        )
    assert xlsx_cells(answer.content) == xlsx_cells(buffer.getvalue())
