"""Every boundary of the fitted category estimate (``screening/fitted.py``), pinned exactly so
that a moved threshold, a changed barring rule, a mis-weighted term or a lost word pair fails a
test (issue 12 item 6; the target ``screening.fitted`` of ``benchmarks/mutation.py``).

The models here are tiny and hand-made, so each figure can be checked with a pencil: TF-IDF with
sublinear term frequency (``1 + ln n``) times the term's idf, l2-normalised, then a softmax over
intercept plus contributions.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cajad.screening.fitted import (
    Estimate,
    FittedModel,
    features,
    probabilities,
    refine,
    word_pairs,
    words,
)
from cajad.screening.inference import Found, Inferred
from cajad.screening.scale import Quantity
from cajad.screening.subject import MoneyFacts, Subject

CLASSES = ["A", "B", "C", "FI"]


def model(**changes: object) -> FittedModel:
    """Equal intercepts, no binary weights, two terms: ``mine`` leans A, ``road`` leans B."""
    base: dict[str, object] = {
        "trained_on": "test",
        "classes": CLASSES,
        "threshold": 0.5,
        "intercept": [0.0, 0.0, 0.0, 0.0],
        "weights": {},
        "terms": {"mine": [2.0, 1.0, 0.0, 0.0, 0.0], "road": [1.0, 0.0, 1.0, 0.0, 0.0]},
    }
    return FittedModel(**{**base, **changes})  # type: ignore[arg-type]


def subject(title: str, *, size: int = 0) -> Subject:
    money = MoneyFacts(1, 1, committed_usd=Decimal(size)) if size else MoneyFacts()
    return Subject(identifier="t", title=title, money=money)


def test_probabilities_follow_sublinear_tf_idf_and_softmax_exactly() -> None:
    # mine: (1 + ln 2) * 2 = 3.386; road: 1 * 1; norm 3.531 -> 0.95906 and 0.28322
    probs, parts = probabilities(model(), frozenset(), "mine mine road")
    assert probs == pytest.approx([0.439514, 0.223594, 0.168446, 0.168446], abs=1e-6)
    assert parts["word:mine"] == pytest.approx([0.959056, 0.0, 0.0, 0.0], abs=1e-6)
    assert parts["word:road"] == pytest.approx([0.0, 0.283217, 0.0, 0.0], abs=1e-6)
    assert set(parts) == {"word:mine", "word:road"}


def test_binary_weights_and_intercept_add_to_the_scores() -> None:
    fitted = model(intercept=[0.0, 1.0, 0.0, 0.0], weights={"rule:X": [2.0, 0.0, 0.0, 0.0]})
    probs, parts = probabilities(fitted, frozenset({"rule:X", "rule:unknown"}), "")
    # scores [2, 1, 0, 0]: e^2 / (e^2 + e + 2)
    assert probs == pytest.approx([0.610296, 0.224515, 0.082595, 0.082595], abs=1e-6)
    assert parts == {"rule:X": [2.0, 0.0, 0.0, 0.0]}


def test_no_known_term_leaves_the_intercept() -> None:
    probs, parts = probabilities(model(), frozenset(), "school clinic")
    assert probs == pytest.approx([0.25] * 4) and parts == {}


def test_word_pairs_count_only_in_a_two_word_model() -> None:
    terms = {"power plant": [1.0, 3.0, 0.0, 0.0, 0.0]}
    single = probabilities(model(terms=terms), frozenset(), "power plant")[0]
    paired = probabilities(model(terms=terms, ngrams=2), frozenset(), "power plant")[0]
    assert single == pytest.approx([0.25] * 4)
    assert paired[0] == pytest.approx(0.870049, abs=1e-6)  # e^3 / (e^3 + 3)
    assert word_pairs("New power plant") == ["new", "power", "plant", "new power", "power plant"]
    assert words("Power plant of the project") == ["power", "plant"]  # stop words dropped


def test_only_an_unsure_b_is_refined() -> None:
    s, inferred = subject("Mine"), Inferred()
    for category, unsure in (("A", True), ("C", True), ("FI", True), ("B", False)):
        assert refine(model(), s, inferred, rule="R", category=category, unsure=unsure) is None
    assert refine(model(), s, inferred, rule="R", category="B", unsure=True) is not None


def test_a_at_exactly_the_threshold_is_a_and_just_below_is_not() -> None:
    s, inferred = subject("clinic"), Inferred()  # no known term: 0.25 each
    at = refine(model(threshold=0.25), s, inferred, rule="R", category="B", unsure=True)
    below = refine(model(threshold=0.2501), s, inferred, rule="R", category="B", unsure=True)
    assert at == Estimate("A", 0.25, 0.25, ())
    assert below is not None and below.category == "B"  # first of the equal, A barred


def test_a_is_given_only_through_the_threshold() -> None:
    fitted = model(intercept=[3.0, 1.0, 0.0, 0.0], threshold=0.95)
    got = refine(fitted, subject("clinic"), Inferred(), rule="R", category="B", unsure=True)
    assert got is not None and got.category == "B" and got.probability_a == 0.81


def test_a_model_without_class_a_never_says_a() -> None:
    fitted = model(classes=["B", "C"], intercept=[0.0, 1.0], terms={})
    got = refine(fitted, subject("clinic"), Inferred(), rule="R", category="B", unsure=True)
    assert got == Estimate("C", 0.731, 0.0, ())


@pytest.mark.parametrize(
    ("inferred", "c_allowed"),
    [
        (Inferred(), True),
        (Inferred(works="none"), True),
        (Inferred(works="new"), False),
        (Inferred(works="existing"), False),
        (Inferred(signals=(Found("dam", "physical", None, "dam"),)), True),
        (
            Inferred(
                signals=(Found("dam", "physical", None, "dam"),), title_ids=frozenset({"dam"})
            ),
            False,
        ),
        (Inferred(signals=(Found("mine", "sensitive", None, "mine"),)), False),
        (
            Inferred(
                signals=(Found("mine", "sensitive", None, "mine"),), title_ids=frozenset({"mine"})
            ),
            False,
        ),
        (Inferred(signals=(Found("ta", "soft", None, "ta"),), title_ids=frozenset({"ta"})), True),
    ],
)
def test_c_is_barred_where_works_or_an_a_list_sector_are_named(
    inferred: Inferred, c_allowed: bool
) -> None:
    fitted = model(intercept=[0.0, 0.0, 2.0, 1.0], terms={})
    got = refine(fitted, subject("x"), inferred, rule="R", category="B", unsure=True)
    assert got is not None and got.category == ("C" if c_allowed else "FI")


def test_a_barred_category_falls_to_the_next_most_probable() -> None:
    fitted = model(intercept=[0.0, 0.0, 2.0, 1.0], terms={}, barred=["C", "FI"])
    got = refine(fitted, subject("x"), Inferred(), rule="R", category="B", unsure=True)
    assert got is not None and got.category == "B"


def test_the_five_features_that_weighed_most_for_the_estimate_are_named_in_order() -> None:
    names = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta"]
    terms = {w: [1.0, 0.0, float(k), 0.0, 0.0] for k, w in enumerate(names, start=1)}
    terms["omega"] = [1.0, 0.0, -1.0, 0.0, 0.0]
    fitted = model(terms=terms, intercept=[0.0, 5.0, 0.0, 0.0], threshold=0.99)
    title = " ".join([*names, "omega"])
    got = refine(fitted, subject(title), Inferred(), rule="R", category="B", unsure=True)
    assert got is not None and got.category == "B"
    assert got.features == ("word:theta", "word:zeta", "word:epsilon", "word:delta", "word:gamma")


def test_features_name_every_fact_the_model_reads() -> None:
    inferred = Inferred(
        signals=(Found("dam", "physical", "14040", "dam"), Found("mine", "sensitive", None, "m")),
        scale=(Quantity("capacity_mw", 500.0, "500 MW"),),
        works="new",
        ids=frozenset({"dam", "mine"}),
        title_ids=frozenset({"dam"}),
    )
    got = features(subject("Dam", size=50_000_000), inferred, rule="CAT.B-DEFAULT")
    assert got == {
        "signal:dam",
        "signal:mine",
        "title:dam",
        "kind:physical",
        "kind:sensitive",
        "scale:capacity_mw",
        "works:new",
        "rule:CAT.B-DEFAULT",
        "usd:1e7",
    }


@pytest.mark.parametrize(
    ("size", "band"),
    [
        (0, "none"),
        (-5, "none"),
        (1, "1e0"),
        (9, "1e0"),
        (10, "1e1"),
        (99_999_999, "1e7"),
        (100_000_000, "1e8"),
        (999_999_999, "1e8"),
        (1_000_000_000, "1e9"),
        (10**12, "1e9"),
    ],
)
def test_the_size_band_is_the_power_of_ten_capped_at_a_billion(size: int, band: str) -> None:
    s = Subject(identifier="t", title="x", money=MoneyFacts(1, 1, committed_usd=Decimal(size)))
    assert features(s, Inferred(), rule="R") >= {f"usd:{band}"}


def test_the_deciding_rule_is_a_feature_of_the_estimate() -> None:
    fitted = model(weights={"rule:CAT.B-DEFAULT": [5.0, 0.0, 0.0, 0.0]}, terms={})
    x, inferred = subject("x"), Inferred()
    named = refine(fitted, x, inferred, rule="CAT.B-DEFAULT", category="B", unsure=True)
    other = refine(fitted, x, inferred, rule="CAT.OTHER", category="B", unsure=True)
    assert named is not None and named.category == "A"
    assert named.features == ("rule:CAT.B-DEFAULT",)
    assert other is not None and other.category == "B"


def test_large_scores_do_not_overflow() -> None:
    fitted = model(intercept=[400.0, 399.0, 0.0, 0.0], terms={})
    probs, _ = probabilities(fitted, frozenset(), "")
    assert probs == pytest.approx([0.731059, 0.268941, 0.0, 0.0], abs=1e-6)
