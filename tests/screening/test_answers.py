"""Reviewers' answers: validated, stored with evidence, and every one in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from cajad.register import session_scope
from cajad.register.audit import history
from cajad.register.models import Document, Project
from cajad.screening import (
    AnswerError,
    NotScreenedError,
    questionnaire,
    record_answer,
    screen_project,
)
from tests.conftest import rows_of

PORT = "XM-CAJAD-TEST-AKTAU-PORT"


def _document_id(engine: Engine, identifier: str) -> int:
    with session_scope(engine) as session:
        query = select(Document.id).join(Project).where(Project.identifier == identifier)
        return int(session.scalars(query).first() or 0)


def test_answers_evidence_and_overrides_are_audited(cases: Engine) -> None:
    doc = _document_id(cases, PORT)
    first = record_answer(
        cases,
        PORT,
        "PS5.RAP",
        "partial",
        reviewer="A. Suzuki",
        answered_on=dt.date(2026, 1, 20),
        note="draft RAP; census done, entitlement matrix pending",
        links=["https://example.org/aktau/rap-draft.pdf"],
        documents=[doc],
    )
    second = record_answer(cases, PORT, "PS5.RAP", "yes", reviewer="A. Suzuki",
                           links=["https://example.org/aktau/rap-final.pdf"])  # fmt: skip
    assert (first.action, first.evidence, second.action) == ("insert", 2, "update")
    override = record_answer(
        cases, PORT, "EP1.CATEGORY", "B", reviewer="Board", note="berths inside the port fence"
    )
    check = record_answer(
        cases, PORT, "TR.IATI", "yes", reviewer="A. Suzuki",
        links=["https://d-portal.org/ctrack.html#view=act&aid=XM-DAC-701-8-KZ-P1"],
    )  # fmt: skip
    assert override.action == check.action == "override"
    with session_scope(cases) as session:
        entries = history(session, "screening_answer", f"{PORT}/PS5.RAP")
        assert [e.action for e in entries] == ["insert", "update"]
        assert entries[1].before is not None and entries[1].before["value"] == "partial"
        assert entries[1].after is not None and entries[1].after["value"] == "yes"
        assert entries[0].actor == "A. Suzuki"
        (cat,) = history(session, "screening_answer", f"{PORT}/EP1.CATEGORY")
        assert cat.action == "override" and cat.after is not None
        assert cat.after["overrides"] == {"category": "A", "rule": "CAT.A-RESETTLEMENT"}
        (iati,) = history(session, "screening_answer", f"{PORT}/TR.IATI")
        assert iati.after is not None and iati.after["overrides"]["outcome"] == "fail"
        links = history(session, "screening_evidence", f"{PORT}/PS5.RAP/{first.answer}")
        assert sorted(e.after["kind"] for e in links if e.after) == ["document", "link"]
    r = screen_project(cases, PORT).result
    # The reviewer's category stands, with the rules' own reading kept beside it.
    assert (r["category"], r["category_source"], r["automatic_category"]) == ("B", "reviewer", "A")
    assert r["outcomes"]["TR.IATI"] == "pass" and r["outcomes"]["PS5.RAP"] == "pass"


BAD_ANSWERS: list[tuple[str, str, dict[str, object], str]] = [
    ("PS5.RAPP", "yes", {}, "must be a question of the catalogue"),
    ("SITE.LAYER", "yes", {}, "must be a question of the catalogue"),  # a check only
    ("PS5.RAP", "maybe", {}, "must be one of"),
    ("EP1.CATEGORY", "D", {}, "must be one of"),
    ("PS5.RAP", "na", {}, "`note` must say why"),
    ("PS5.RAP", "yes", {"links": ["file:///etc/passwd"]}, r"http\(s\) URLs"),
    ("PS5.RAP", "yes", {"documents": [10_000]}, "is not a document of"),
    ("PS5.RAP", "yes", {"reviewer": " "}, "`reviewer` must name"),
    ("PS5.RAP", "yes", {"answered_on": dt.date.today() + dt.timedelta(days=2)}, "future"),
]


@pytest.mark.parametrize("empty_engine", ["sqlite"], indirect=True)
def test_bad_answers_are_refused_and_nothing_is_written(cases: Engine) -> None:
    tables = ("screening_answer", "screening_evidence", "audit_log")
    before = {t: rows_of(cases, t) for t in tables}
    for question, value, extra, reason in BAD_ANSWERS:
        kwargs: dict[str, object] = {"reviewer": "R"} | extra
        with pytest.raises(AnswerError, match=reason):
            record_answer(cases, PORT, question, value, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(NotScreenedError):
        record_answer(cases, "no-such-project", "PS5.RAP", "yes", reviewer="R")
    assert {t: rows_of(cases, t) for t in tables} == before


@pytest.mark.parametrize("empty_engine", ["sqlite"], indirect=True)
def test_questionnaire_lists_what_applies_with_its_evidence(cases: Engine) -> None:
    with session_scope(cases) as session:
        port = {q.rule: q for q in questionnaire(session, PORT)}
        training = {q.rule for q in questionnaire(session, "XM-DAC-701-8-TC-2025-UZ-CUSTOMS")}
    assert port["PS5.RAP"].outcome == "missing" and "RAP" in port["PS5.RAP"].evidence
    assert port["PS1.ESIA"].outcome == "pass"  # satisfied by the EIA document on file
    assert port["EP1.CATEGORY"].answers == ("A", "B", "C", "FI")
    assert port["TR.IATI"].automatic and port["TR.IATI"].outcome == "fail"
    assert "PS5.RAP" not in training and "QII1.STRATEGY" in training
