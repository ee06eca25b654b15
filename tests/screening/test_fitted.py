"""The fitted category estimate of catalogue 2026.3: what it may change, how it says so, and that
the bundled parameters are the sklearn pipeline's (issue 12)."""

from __future__ import annotations

import copy
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cajad.screening import load_catalogue
from cajad.screening.engine import FITTED_RULE, screen
from cajad.screening.fitted import FittedModel, features, probabilities, refine, text
from cajad.screening.subject import MoneyFacts, Subject

BENCH = Path(__file__).parents[2] / "benchmarks"
CATALOGUE = load_catalogue("2026.3")
RULES_ONLY = copy.copy(CATALOGUE)
RULES_ONLY.fitted = None
WORDS = ["hydropower", "rehabilitation", "road", "school", "bank", "credit line", "mine",
         "technical assistance", "irrigation", "health", "LLC", "holding", "barrage", "water",
         "highway", "120 ha", "500 MW", "power plant", "new", "construction of"]  # fmt: skip


def subject(title: str, *, sector: str = "", size: int = 0, description: str = "") -> Subject:
    money = MoneyFacts(1, 1, committed_usd=Decimal(size)) if size else MoneyFacts()
    return Subject(
        identifier="t",
        title=title,
        description=description or None,
        money=money,
        sector_text=sector or None,
    )


def test_bundled_model_has_a_threshold_and_text_terms() -> None:
    model = CATALOGUE.fitted
    assert model is not None
    assert 0 < model.threshold < 0.5  # over-categorising is the safe error
    assert model.classes == ["A", "B", "C", "FI"]
    assert model.terms and model.weights


def test_an_unsure_project_gets_an_estimate_that_says_so_with_its_probability() -> None:
    s = subject("Client Holding LLC", sector="Infrastructure", size=300_000_000)
    assert screen(s, RULES_ONLY).category.rule == CATALOGUE.categorisation.default.id
    c = screen(s, CATALOGUE).category
    assert (c.category, c.rule, c.source) == ("A", FITTED_RULE, "fitted")
    assert c.because[0].startswith("fitted estimate, pending a reviewer: A (probability 0.")
    assert "A from 0.35" in c.because[0]
    assert "no rule decided, the rules alone give B (CAT.B-DEFAULT)" in c.because[0]
    assert c.because[1].startswith("weighed most: ")


def test_a_b_the_rules_decided_stands_whatever_the_model_thinks() -> None:
    """Works within an existing footprint are B by rule (the issue's railway electrification);
    the model, which would say A for this corridor (P(A) 0.87), is not asked."""
    for title, sector in (
        ("Highway Corridor Upgrading Project", "Rural and Inter-Urban Roads"),
        ("Electrification of the existing railway line", "railways"),
    ):
        c = screen(subject(title, sector=sector), CATALOGUE).category
        assert (c.category, c.rule, c.source) == ("B", "CAT.B-EXISTING", "rule")


def test_rule_decided_categories_other_than_b_are_never_touched() -> None:
    for title in ("Copper mine, 120 ha", "Credit line to SME banks", "Purchase of gallium"):
        assert screen(subject(title), CATALOGUE).category.source == "rule"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=5),
    st.sampled_from(["", "Infrastructure", "Funds", "Health and Education", "Oil, Gas, Mining"]),
    st.sampled_from([0, 5_000_000, 300_000_000]),
)
def test_it_only_estimates_where_no_rule_decided(words: list[str], sector: str, size: int) -> None:
    s = subject(" ".join(words), sector=sector, size=size)
    rules, final = screen(s, RULES_ONLY), screen(s, CATALOGUE)
    ruled, got = rules.category, final.category
    if got.source != "fitted":
        assert got.category == ruled.category
        return
    # it speaks only where no rule decided: never over a rule's A, B, C or FI
    assert (ruled.category, ruled.rule) == ("B", CATALOGUE.categorisation.default.id)
    inferred = rules.inferred
    assert inferred is not None
    works = inferred.works in ("new", "existing") or any(
        f.kind == "sensitive" for f in inferred.signals
    )
    assert not (works and got.category == "C")


@pytest.mark.parametrize("ngrams", [1, 2])
def test_plain_python_scores_equal_the_sklearn_pipeline(ngrams: int) -> None:
    sys.path.insert(0, str(BENCH))
    from screening_fitted import export, pipeline

    rows = [
        (frozenset({"rule:CAT.B-DEFAULT", "signal:road"}), "Rural road rehabilitation"),
        (frozenset({"rule:CAT.A-SENSITIVE", "signal:mining"}), "New copper mine and tailings"),
        (frozenset({"rule:CAT.FI"}), "Credit line for small business banks"),
        (frozenset({"rule:CAT.C-NOTHING-PHYSICAL"}), "Technical assistance for road policy"),
        (frozenset({"rule:CAT.B-DEFAULT"}), "Small business road credit line"),
        (frozenset({"rule:CAT.A-SENSITIVE", "signal:mining"}), "Copper mine expansion"),
    ]
    labels = ["B", "A", "FI", "C", "FI", "A"]
    fitted = pipeline(3.0, ngrams).fit(rows, labels)
    model = FittedModel(**export(fitted, rows=len(rows), threshold=0.5), ngrams=ngrams)
    assert any(" " in term for term in model.terms) == (ngrams == 2)
    expected = fitted.predict_proba(rows)
    for (found, document), row in zip(rows, expected, strict=True):
        got, _ = probabilities(model, found, document)
        assert got == pytest.approx(list(row), abs=2e-3)


def test_features_name_the_deciding_rule_and_text_reads_the_sector() -> None:
    s = subject("Client LLC", sector="Infrastructure", size=50_000_000)
    inferred = screen(s, RULES_ONLY).inferred
    assert inferred is not None
    found = features(s, inferred, rule="CAT.B-DEFAULT")
    assert {"rule:CAT.B-DEFAULT", "usd:1e7"} <= found
    assert "Infrastructure" in text(s)


def test_retraining_reproduces_the_bundled_model() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "screening_fitted.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_barred_category_is_never_the_estimate() -> None:
    """2026.4 and 2026.5 bar C: where no rule read "nothing physical", the estimate stays B+."""
    s = subject("Client Holding LLC")
    inferred = screen(s, RULES_ONLY).inferred
    assert inferred is not None
    model = FittedModel(
        trained_on="test", classes=["A", "B", "C", "FI"], threshold=0.35,
        intercept=[0.0, 1.0, 5.0, 0.0], weights={},
    )  # fmt: skip
    default = CATALOGUE.categorisation.default.id
    free = refine(model, s, inferred, rule=default, category="B", unsure=True)
    barred = model.model_copy(update={"barred": ["C"]})
    kept = refine(barred, s, inferred, rule=default, category="B", unsure=True)
    assert free is not None and free.category == "C"
    assert kept is not None and kept.category == "B"
    before = load_catalogue("2026.4").fitted
    assert before is not None and before.barred == ["C"] and before.threshold == 0.35
    latest = load_catalogue("2026.5").fitted
    assert latest is not None and latest.barred == ["C"] and latest.threshold == 0.5
    assert latest.ngrams == 2 and "power plant" in latest.terms
