"""Invariants of the engine over generated projects: bounded scores, blocking red flags,
reproducible inputs, and evidence that can only help."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cajad.screening import Catalogue, load_catalogue, screen
from cajad.screening.subject import AnswerFact, Doc, EvidenceFact, MoneyFacts, Party, Subject

CATALOGUE = load_catalogue("2026.5")
SECTORS = ["32264", "32262", "32220", "23340", "23230", "21040", "21020", "11420", "12191",
           "33120", "51010", "24030", "43010", "31140", "22020"]  # fmt: skip
TEXTS = ["", "training of officers", "resettlement of 40 households", "credit line to SMEs",
         "construction of a new terminal", "exploration licence",
         "rehabilitation works"]  # fmt: skip
INSTRUMENTS = [None, "grant aid", "ODA loan", "JBIC loan", "private investment",
               "technical cooperation", "MoU"]  # fmt: skip
NAMES = ["JICA", "SMBC", "MUFG Bank", "Japanese companies (not named)",
         "Ministry of Finance", "Almalyk MMC"]  # fmt: skip
QUESTIONS = [r for r in CATALOGUE.rules if r.question is not None]
DAY = dt.date(2025, 6, 1)


@st.composite
def answers(draw: st.DrawFn) -> dict[str, AnswerFact]:
    chosen = draw(st.lists(st.sampled_from(QUESTIONS), max_size=12, unique_by=lambda r: r.id))
    result = {}
    for i, rule in enumerate(chosen):
        value = draw(st.sampled_from(CATALOGUE.allowed_answers(rule)))
        evidence = (
            (EvidenceFact("link", f"https://example.org/{i}"),) if draw(st.booleans()) else ()
        )
        result[rule.id] = AnswerFact(i + 1, value, "reviewer", DAY, "because", evidence)
    return result


@st.composite
def subjects(draw: st.DrawFn) -> Subject:
    size = draw(st.integers(min_value=0, max_value=2_000_000_000))
    outgoing = draw(st.integers(min_value=0, max_value=3))
    parties = tuple(
        Party(name, role, draw(st.sampled_from(["10", "15", "70", "90"])), "JP", None)
        for name, role in draw(
            st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from([1, 3, 4])), max_size=4)
        )
    )
    return Subject(
        identifier="XM-TEST-1",
        title=draw(st.sampled_from(TEXTS)),
        description=draw(st.sampled_from(TEXTS)),
        stage=draw(st.sampled_from(["idea", "mou", "financing", "implementation"])),
        instrument=draw(st.sampled_from(INSTRUMENTS)),
        countries=("UZ",),
        sectors=tuple(sorted(set(draw(st.lists(st.sampled_from(SECTORS), max_size=3))))),
        parties=parties,
        documents=tuple(
            Doc(i, f"https://example.org/d{i}", title, cat)
            for i, (title, cat) in enumerate(
                draw(
                    st.lists(
                        st.tuples(
                            st.sampled_from(["ESIA", "Budget", "Press"]),
                            st.sampled_from([None, "A01", "A05"]),
                        ),
                        max_size=3,
                    )
                )
            )
        ),
        money=MoneyFacts(outgoing, outgoing, 0, 0, 0, Decimal(size) if outgoing else Decimal(0)),
        answers=draw(answers()),
    )


@settings(max_examples=150, deadline=None)
@given(subjects())
def test_verdicts_are_bounded_and_red_flags_block(subject: Subject) -> None:
    v = screen(subject, CATALOGUE)
    assert v.category.category in {"A", "B", "C", "FI"}
    grading = CATALOGUE.head.grading
    assert v.blocked == bool(v.red_flags) == (v.grade == grading.blocked)
    scores = [s for s in v.scores.values() if s is not None]
    assert all(0 <= s <= 100 for s in scores)
    if v.score is not None:
        assert min(scores) - 0.05 <= v.score <= max(scores) + 0.05
        if not v.blocked:
            band = next(b for b in grading.bands if v.score >= b.min)
            assert v.grade == band.grade
    outcomes = {f.rule: f.outcome for f in v.findings}
    for gap in v.missing_evidence:
        assert outcomes[gap.rule] in ("missing", "claimed")
    for flag in v.red_flags:
        assert outcomes[flag.rule] in CATALOGUE.by_id[flag.rule].red_flag.outcomes  # type: ignore[union-attr]
    if "EP1.CATEGORY" in subject.answers:
        assert v.category.category == subject.answers["EP1.CATEGORY"].value
        assert v.category.source == "reviewer"


@settings(max_examples=100, deadline=None)
@given(subjects())
def test_stored_inputs_reproduce_the_verdict(subject: Subject) -> None:
    again = Subject.from_inputs(subject.to_inputs())
    assert again.to_inputs() == subject.to_inputs() and again.digest() == subject.digest()
    assert screen(again, CATALOGUE).summary() == screen(subject, CATALOGUE).summary()


@settings(max_examples=100, deadline=None)
@given(subjects(), st.data())
def test_evidenced_yes_never_lowers_the_score_nor_adds_flags(
    subject: Subject, data: st.DataObject
) -> None:
    before = screen(subject, CATALOGUE)
    open_questions = [
        f.rule
        for f in before.findings
        if f.outcome == "missing" and not CATALOGUE.by_id[f.rule].trigger and f.weight > 0
    ]
    if not open_questions:
        return
    rule = data.draw(st.sampled_from(open_questions))
    answer = AnswerFact(999, "yes", "r", DAY, None, (EvidenceFact("link", "https://e.org/x"),))
    after = screen(
        dataclasses.replace(subject, answers={**subject.answers, rule: answer}), CATALOGUE
    )
    assert {f.rule for f in after.red_flags} <= {f.rule for f in before.red_flags}
    assert (after.score or 0) >= (before.score or 0)
    assert after.coverage >= before.coverage


def test_catalogue_fixture_is_the_bundled_one(catalogue: Catalogue) -> None:
    assert catalogue.digest == CATALOGUE.digest
