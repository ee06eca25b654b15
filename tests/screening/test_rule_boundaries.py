"""Every boundary of the 2026.5 category and grade rules, pinned so that a moved threshold, a
swapped ``all``/``any``, a reordered rule or a pending finding that blocks fails a test (issue 12
item 6); and the conditions' predicates one by one, exactly, for the mutation run
(``benchmarks/mutation.py``).

The 2026.4 size thresholds (as in 2026.3) are the EBRD category-A ones (300 MW; 220 kV and
over 15 km; over 10 million m3; over 25 ha), EP4's USD 10 million, the assumed USD 100 million
of large-scale irrigation, and the sensitive-area distances (5 km for category A, 10 km for PS6,
1 km for its red flag). 2026.4 adds services-only public programmes (C), a credit component
beside other sectors (B) and a narrower FI rule; their boundaries are pinned at the end.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from cajad.screening import load_catalogue, screen
from cajad.screening.conditions import Condition, compile_condition, describe, walk
from cajad.screening.engine import _band
from cajad.screening.inference import Found, Inferred
from cajad.screening.scale import Quantity
from cajad.screening.subject import AnswerFact, EvidenceFact, MoneyFacts, Party, SiteHit, Subject
from cajad.screening.verdict import can_block, counts, state_of, states

CATALOGUE = load_catalogue("2026.5")
#: The rules alone: the fitted estimate (tuned separately) may replace their B, not pinned here.
RULES = copy.copy(CATALOGUE)
RULES.fitted = None
DAY = dt.date(2026, 1, 5)
SMBC = Party("Sumitomo Mitsui Banking Corporation", 3, "70", "JP")


def subject(title: str, **kw: Any) -> Subject:
    return Subject(identifier="t", title=title, **kw)


def money(usd: int) -> MoneyFacts:
    return MoneyFacts(transactions=1, outgoing=1, committed_usd=Decimal(usd))


def category(s: Subject) -> tuple[str, str]:
    c = screen(s, RULES).category
    return c.category, c.rule


def site(km: float, kind: str = "protected_area") -> SiteHit:
    return SiteHit("site", "Reserve", kind, km)


def answer(value: str, *, evidence: bool = True) -> AnswerFact:
    links = (EvidenceFact("link", "https://example.org/e"),) if evidence else ()
    return AnswerFact(1, value, "R. Viewer", DAY, None, links)


# --- category: the EBRD thresholds, at, just below and just above ---------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("New gas-fired thermal power plant, 300 MW", ("A", "CAT.A-SCALE")),
        ("New gas-fired thermal power plant, 301 MW", ("A", "CAT.A-SCALE")),
        ("New gas-fired thermal power plant, 299.9 MW", ("B", "CAT.B-BELOW-THRESHOLD")),
        ("220 kV transmission line, 15.1 km", ("A", "CAT.A-SCALE")),
        ("221 kV transmission line, 16 km", ("A", "CAT.A-SCALE")),
        ("220 kV transmission line, 15 km", ("B", "CAT.B-DEFAULT")),  # all(): km not over 15
        ("219 kV transmission line, 100 km", ("B", "CAT.B-DEFAULT")),  # all(): kV under 220
        ("Hydropower dam holding 10,000,001 m3", ("A", "CAT.A-SCALE")),
        ("Hydropower dam holding 10,000,000 m3", ("B", "CAT.B-BELOW-THRESHOLD")),
        ("Hydropower dam holding 20 million m3", ("A", "CAT.A-SCALE")),
        ("Open-pit gold mine of 25.1 ha", ("A", "CAT.A-SCALE")),
        ("Open-pit gold mine of 25 ha", ("A", "CAT.A-SENSITIVE")),
    ],
)
def test_scale_thresholds(title: str, expected: tuple[str, str]) -> None:
    assert category(subject(title)) == expected


def test_scale_needs_the_sector_signal_too() -> None:
    # all(signal, size): a size alone, in another sector, is not category A.
    assert category(subject("Solar park, 400 MW"))[1] != "CAT.A-SCALE"
    assert category(subject("Office building of 30 ha"))[1] != "CAT.A-SCALE"


@pytest.mark.parametrize(
    ("usd", "expected"),
    [
        (100_000_000, ("A", "CAT.A-LARGE-IRRIGATION")),
        (99_999_999, ("B", "CAT.B-DEFAULT")),
    ],
)
def test_large_irrigation_from_usd_100_million(usd: int, expected: tuple[str, str]) -> None:
    assert category(subject("Irrigation and drainage project", money=money(usd))) == expected


def test_large_irrigation_needs_the_signal_and_no_advice_in_the_title() -> None:
    # all(signal, no advice in the title, size): the size alone, or advice, is not A.
    assert category(subject("Water supply project", money=money(10**9)))[1] != (
        "CAT.A-LARGE-IRRIGATION"
    )
    # irrigation named beside technical assistance: unsure, so B for a reviewer, never A or C
    assert category(subject("Irrigation policy technical assistance", money=money(10**9))) == (
        "B",
        "CAT.B-DEFAULT",
    )


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Rehabilitation of the Uzen oil field", ("A", "CAT.A-REHABILITATION")),
        ("Reconstruction of the Bishkek-Osh highway", ("A", "CAT.A-REHABILITATION")),
        ("Restoration of a gold mine", ("A", "CAT.A-REHABILITATION")),
        ("Improvement of the East-West highway", ("A", "CAT.A-REHABILITATION")),
        ("Upgrading of the Tashkent railway signalling", ("B", "CAT.B-EXISTING")),
        ("Equipment for the Aktau port", ("B", "CAT.B-EXISTING")),
        ("Rehabilitation of district heating pipes", ("B", "CAT.B-DEFAULT")),  # not an A asset
        # new works named as well: the new-works rule, not the rebuilding one
        ("Construction of a new highway and rehabilitation of bridges", ("A", "CAT.A-SENSITIVE")),
    ],
)
def test_rebuilding_an_a_asset_is_a_other_existing_works_b(
    title: str, expected: tuple[str, str]
) -> None:
    assert category(subject(title)) == expected


# --- category: first match wins, in the published order -------------------------------------


def test_first_match_order() -> None:
    near = (site(0.5),)
    # FI before trade and before a sensitive area.
    assert category(subject("Credit line to a bank for SME on-lending", sites=near)) == (
        "FI",
        "CAT.FI",
    )
    # Trade before a sensitive area and before resettlement words.
    assert category(subject("Gallium purchase agreement", sites=near)) == ("C", "CAT.C-TRADE")
    assert category(subject("Gallium purchase agreement; resettlement")) == ("C", "CAT.C-TRADE")
    # A sensitive area before resettlement; resettlement before the scale list.
    assert category(subject("Resettlement of households", sites=near)) == (
        "A",
        "CAT.A-SENSITIVE-AREA",
    )
    assert category(subject("Thermal power plant 100 MW, land acquisition")) == (
        "A",
        "CAT.A-RESETTLEMENT",
    )
    # The scale list before an existing footprint; below-threshold before existing.
    assert category(subject("Rehabilitation of a 400 MW thermal power plant")) == (
        "A",
        "CAT.A-SCALE",
    )
    assert category(subject("Rehabilitation of a 100 MW thermal power plant")) == (
        "B",
        "CAT.B-BELOW-THRESHOLD",
    )
    # Rebuilding a category-A asset before works on an existing footprint, which are B.
    assert category(subject("Rehabilitation of the Osh highway")) == ("A", "CAT.A-REHABILITATION")
    assert category(subject("Electrification of the Osh railway")) == ("B", "CAT.B-EXISTING")
    # Large irrigation before rebuilding: a barrage is both.
    assert category(subject("Barrage rehabilitation and irrigation", money=money(10**8))) == (
        "A",
        "CAT.A-LARGE-IRRIGATION",
    )
    assert category(subject("Construction of a new highway")) == ("A", "CAT.A-SENSITIVE")
    assert category(subject("Public finance technical assistance")) == (
        "C",
        "CAT.C-NOTHING-PHYSICAL",
    )


@pytest.mark.parametrize(("km", "rule"), [(5.0, "CAT.A-SENSITIVE-AREA"), (5.01, "CAT.B-DEFAULT")])
def test_sensitive_area_within_5_km(km: float, rule: str) -> None:
    assert category(subject("Project Alpha", sites=(site(km),)))[1] == rule


def test_sensitive_area_kinds() -> None:
    assert category(subject("Project Alpha", sites=(site(1, "cultural_heritage"),)))[1] == (
        "CAT.A-SENSITIVE-AREA"
    )
    assert category(subject("Project Alpha", sites=(site(1, "farmland"),)))[1] == "CAT.B-DEFAULT"


# --- category: FI and trade ------------------------------------------------------------------


def test_fi_any_of_sector_or_signal_all_with_no_works() -> None:
    assert category(subject("Project", sectors=("24030",))) == ("FI", "CAT.FI")
    assert category(subject("Project", sectors=("24040",))) == ("FI", "CAT.FI")
    assert category(subject("Project", sectors=("31193",))) == ("FI", "CAT.FI")
    assert category(subject("Microfinance loan")) == ("FI", "CAT.FI")
    # all(): an intermediary that builds is not FI.
    assert category(subject("Bank loan for construction of a thermal power plant")) == (
        "A",
        "CAT.A-SENSITIVE",
    )
    assert category(subject("Construction of a branch", sectors=("24030",)))[0] != "FI"
    # Technical assistance to banks (a soft title naming no intermediary) is not FI.
    assert category(subject("Technical assistance", sectors=("24030",)))[0] != "FI"


def test_trade_is_c_only_without_works() -> None:
    assert category(subject("Gallium purchase agreement")) == ("C", "CAT.C-TRADE")
    assert category(subject("Construction of a new gallium plant; purchase agreement")) != (
        "C",
        "CAT.C-TRADE",
    )


def test_reviewer_category_overrides_the_rules() -> None:
    said = dataclasses.replace(answer("B"), note="lender's memo")
    s = subject("Gallium purchase agreement", answers={"EP1.CATEGORY": said})
    c = screen(s, RULES).category
    assert (c.category, c.rule, c.source, c.automatic) == ("B", "EP1.CATEGORY", "reviewer", "C")
    assert c.because == (
        "reviewer R. Viewer categorised it B on 2026-01-05: lender's memo",
        "the rules alone give C (CAT.C-TRADE)",
    )
    plain = screen(subject("x", answers={"EP1.CATEGORY": answer("A")}), RULES).category
    assert plain.because[0] == "reviewer R. Viewer categorised it A on 2026-01-05"


def test_rule_and_default_categories_name_their_source() -> None:
    ruled = screen(subject("Gallium purchase agreement"), RULES).category
    assert (ruled.source, ruled.automatic) == ("rule", "C")
    assert ruled.because[0] == RULES.categorisation.rules[2].reason  # CAT.C-TRADE
    default = screen(subject("Project Alpha"), RULES).category
    assert (default.category, default.rule, default.source, default.automatic) == (
        "B",
        "CAT.B-DEFAULT",
        "rule",
        "B",
    )
    assert default.because == (RULES.categorisation.default.reason,)


# --- EP4 scope: USD 10 million ---------------------------------------------------------------


@pytest.mark.parametrize(("usd", "applies"), [(10_000_000, True), (9_999_999, False)])
def test_ep4_from_usd_10_million(usd: int, applies: bool) -> None:
    s = subject("Solar park", parties=(SMBC,), money=money(usd))
    assert ("EP4" in screen(s, CATALOGUE).summary()["standards"]) is applies


# --- grades and blocking ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [(100, "A"), (80, "A"), (79.9, "B"), (65, "B"), (64.9, "C"), (50, "C"), (49.9, "D")],
)
def test_grade_bands(score: float, grade: str) -> None:
    assert _band(score, CATALOGUE) == grade


def test_no_score_is_the_lowest_band() -> None:
    assert _band(None, CATALOGUE) == "D"


def test_pending_evidence_never_blocks_a_reviewers_no_does() -> None:
    mine = subject("Construction of a new open-pit copper mine; land acquisition")
    pending = screen(mine, CATALOGUE)
    assert pending.category.category == "A" and not pending.blocked and pending.grade != "F"
    assert {"PS1.ESIA", "PS5.RAP"} <= {m.rule for m in pending.missing_evidence}
    refused = screen(dataclasses.replace(mine, answers={"PS5.RAP": answer("no")}), CATALOGUE)
    assert refused.blocked and refused.grade == "F"
    assert [(f.rule, f.outcome) for f in refused.red_flags] == [("PS5.RAP", "fail")]
    flag = refused.red_flags[0]
    rap = CATALOGUE.by_id["PS5.RAP"]
    assert (flag.title, flag.message) == (rap.title, rap.red_flag.message if rap.red_flag else "")
    assert flag.because == ("reviewer R. Viewer answered 'no' on 2026-01-05",)
    # Only the outcomes a red flag names block: a "partial" RAP is a shortfall, not a flag.
    partial = screen(dataclasses.replace(mine, answers={"PS5.RAP": answer("partial")}), RULES)
    assert not partial.blocked and partial.red_flags == []


@pytest.mark.parametrize(("km", "flagged"), [(1.0, True), (1.01, False)])
def test_biodiversity_red_flag_within_1_km(km: float, flagged: bool) -> None:
    s = subject("Project", sites=(site(km),), answers={"PS6.BIODIVERSITY": answer("no")})
    assert ("PS6.BIODIVERSITY" in {f.rule for f in screen(s, CATALOGUE).red_flags}) is flagged


def test_finding_states() -> None:
    assert [state_of(o) for o in ("pass", "na", "partial", "fail")] == [
        "met",
        "met",
        "shortfall",
        "shortfall",
    ]
    for outcome in ("missing", "claimed", "skipped"):
        assert state_of(outcome) == state_of(outcome, flagged=True) == "pending"
        assert not can_block(outcome)
    assert state_of("fail", flagged=True) == "red_flag" and can_block("fail")
    result = {
        "outcomes": {"A": "pass", "B": "missing", "C": "fail", "D": "partial"},
        "red_flags": [{"rule": "C"}],
    }
    assert states(result) == {"A": "met", "B": "pending", "C": "red_flag", "D": "shortfall"}
    assert counts(states(result)) == {"met": 1, "pending": 1, "shortfalls": 1, "red_flags": 1}
    # Findings in the same state add up (not merely "at least one").
    twice = {"A": "met", "B": "met", "C": "pending", "D": "red_flag", "E": "red_flag"}
    assert counts(twice) == {"met": 2, "pending": 1, "shortfalls": 0, "red_flags": 2}


# --- conditions, one by one ------------------------------------------------------------------


@dataclasses.dataclass
class Ctx:
    subject: Subject
    category: str = ""
    standards: dict[str, bool] = dataclasses.field(default_factory=dict)
    inferred: Inferred | None = None


def cond(data: dict[str, Any]) -> Condition:
    return Condition.model_validate(data)


def run(data: dict[str, Any], ctx: Ctx) -> list[str] | None:
    return compile_condition(cond(data))(ctx)


BARE = Ctx(subject("Bridge"))


def test_all_any_not() -> None:
    ctx = Ctx(subject("Bridge", sectors=("21020",), countries=("UZ",)))
    yes, no = {"sector_in": ["210"]}, {"country_in": ["KZ"]}
    both = {"all": [yes, {"country_in": ["UZ"]}]}
    assert run(both, ctx) == ["sector 21020 on the rule's sector list", "country UZ"]
    assert run({"all": [yes, no]}, ctx) is None
    assert run({"all": [no, yes]}, ctx) is None
    assert run({"all": []}, ctx) == []
    assert run({"any": [no, yes]}, ctx) == ["sector 21020 on the rule's sector list"]
    assert run({"any": [{"country_in": ["UZ"]}, yes]}, ctx) == ["country UZ"]
    assert run({"any": [no, no]}, ctx) is None
    assert run({"any": []}, ctx) is None
    assert run({"not": no}, ctx) == ["not country_in ['KZ']"]
    assert run({"not": yes}, ctx) is None


def test_sectors() -> None:
    ctx = Ctx(subject("x", sectors=("21020", "32210")))
    assert run({"sector_in": ["21020"]}, ctx) == ["sector 21020 on the rule's sector list"]
    assert run({"sector_in": ["210", "322"]}, ctx) == [
        "sector 21020, 32210 on the rule's sector list"
    ]
    assert run({"sector_in": ["21021"]}, ctx) is None
    assert run({"sector_in": ["211"]}, ctx) is None
    assert run({"sectors_only_in": ["210", "322"]}, ctx) == [
        "every sector (21020, 32210) is on the rule's sector list"
    ]
    assert run({"sectors_only_in": ["210"]}, ctx) is None
    assert run({"sectors_only_in": ["32210"]}, ctx) is None
    assert run({"sectors_only_in": ["210"]}, BARE) is None  # no sector: not "only"
    for bad in (["21"], ["2102"], ["21a"], ["210201"]):
        with pytest.raises(ValidationError, match="DAC 3- or 5-digit"):
            cond({"sector_in": bad})
        with pytest.raises(ValidationError, match="DAC 3- or 5-digit"):
            cond({"sectors_only_in": bad})


def test_text_member_country() -> None:
    ctx = Ctx(subject("Resettlement plan", instrument="ODA loan", stage="financing"))
    assert run({"text_any": ["RESETTLE", "plan"]}, ctx) == [
        "title or description mentions 'resettle'"
    ]
    assert run({"text_any": ["dam"]}, ctx) is None
    assert run({"instrument_in": ["ODA loan"]}, ctx) == ["instrument is 'ODA loan'"]
    assert run({"instrument_in": ["grant aid"]}, ctx) is None
    assert run({"stage_in": ["financing"]}, ctx) == ["stage is 'financing'"]
    assert run({"stage_in": ["idea"]}, ctx) is None
    two = Ctx(subject("x", countries=("KZ", "UZ", "TJ")))
    assert run({"country_in": ["UZ", "TJ"]}, two) == ["country UZ, TJ"]
    assert run({"country_in": ["KG"]}, two) is None


@pytest.mark.parametrize(
    ("usd", "reasons"),
    [
        (10_000_000, ["financing USD 10,000,000 ≥ USD 10,000,000"]),
        (10_000_001, ["financing USD 10,000,001 ≥ USD 10,000,000"]),
        (9_999_999, None),
    ],
)
def test_size_at_least(usd: int, reasons: list[str] | None) -> None:
    ctx = Ctx(subject("x", money=money(usd)))
    assert run({"size_usd_at_least": 10_000_000}, ctx) == reasons


def test_size_unknown_and_zero_floor() -> None:
    assert run({"size_usd_at_least": 0}, BARE) is None  # no transaction: size unknown
    assert run({"size_usd_at_least": 0}, Ctx(subject("x", money=money(0)))) == [
        "financing USD 0 ≥ USD 0"
    ]
    with pytest.raises(ValidationError):
        cond({"size_usd_at_least": -1})


def test_category_answer_standard() -> None:
    ctx = Ctx(
        subject("x", answers={"PS5.LAND": answer("yes")}), category="FI", standards={"PS1": True}
    )
    assert run({"category_in": ["A", "FI"]}, ctx) == ["category FI"]
    assert run({"category_in": ["A"]}, ctx) is None
    assert run({"answer": {"question": "PS5.LAND", "in": ["yes"]}}, ctx) == [
        "reviewer R. Viewer answered PS5.LAND 'yes'"
    ]
    assert run({"answer": {"question": "PS5.LAND", "in": ["no"]}}, ctx) is None
    assert run({"answer": {"question": "PS7.IP", "in": ["yes"]}}, ctx) is None
    assert run({"standard": "PS1"}, ctx) == ["PS1 applies"]
    assert run({"standard": "PS2"}, ctx) is None
    assert run({"standard": "PS1"}, Ctx(ctx.subject, standards={"PS1": False})) is None
    with pytest.raises(ValidationError):
        cond({"answer": {"question": "PS5.LAND", "in": []}})


def test_party() -> None:
    parties = (
        Party("Halyk Bank", 3, "70", "KZ"),
        Party("JICA", 1, "10", "JP"),
        Party("Sumitomo Mitsui Banking Corporation", 3, "70", "JP"),
    )
    ctx = Ctx(subject("x", parties=parties))
    smbc = ["party Sumitomo Mitsui Banking Corporation (role 3, type 70)"]
    halyk = ["party Halyk Bank (role 3, type 70)"]
    assert run({"party": {"names_any": ["SUMITOMO MITSUI"]}}, ctx) == smbc
    assert run({"party": {"roles": [3]}}, ctx) == halyk
    assert run({"party": {"types": ["70"]}}, ctx) == halyk
    assert run({"party": {"types": ["70"], "countries": ["JP"]}}, ctx) == smbc
    assert run({"party": {"roles": [3], "names_any": ["sumitomo"]}}, ctx) == smbc
    assert run({"party": {"roles": [1]}}, ctx) == ["party JICA (role 1, type 10)"]
    assert run({"party": {"countries": ["JP"], "roles": [3]}}, ctx) == smbc
    assert run({"party": {"countries": ["TJ"]}}, ctx) is None
    assert run({"party": {"roles": [4]}}, ctx) is None
    assert run({"party": {"types": ["30"]}}, ctx) is None
    assert run({"party": {"roles": [1], "names_any": ["smbc"]}}, ctx) is None
    assert run({"party": {"roles": [3], "types": ["10"]}}, ctx) is None
    with pytest.raises(ValidationError, match="at least one of"):
        cond({"party": {}})


@pytest.mark.parametrize(("km", "hit"), [(10.0, True), (10.01, False)])
def test_near_sensitive(km: float, hit: bool) -> None:
    ctx = Ctx(subject("x", sites=(site(km), site(1, "farmland"))))
    found = run({"near_sensitive": {"kinds": ["protected_area"], "within_km": 10}}, ctx)
    assert found == ([f"site is {km:g} km from protected_area 'Reserve'"] if hit else None)
    for bad in (0, 100.5):
        with pytest.raises(ValidationError):
            cond({"near_sensitive": {"kinds": ["protected_area"], "within_km": bad}})
    with pytest.raises(ValidationError):
        cond({"near_sensitive": {"kinds": [], "within_km": 1}})


def inferred(**kw: Any) -> Inferred:
    return Inferred(**kw)


MINING = Found("mining", "sensitive", "32264", "open-pit")
TRADE = Found("trade", "trade", None, "purchase agreement")


def test_signals_and_works() -> None:
    seen = inferred(
        signals=(MINING, TRADE),
        ids=frozenset({"mining", "trade"}),
        title_ids=frozenset({"trade"}),
        works="new",
        works_because="'construction'",
    )
    ctx = Ctx(subject("x"), inferred=seen)
    assert run({"signal_any": ["mining"]}, ctx) == ["mining: open-pit"]
    assert run({"signal_any": ["mining", "trade"]}, ctx) == [
        "mining: open-pit",
        "trade: purchase agreement",
    ]
    assert run({"signal_any": ["soft"]}, ctx) is None
    assert run({"signal_any": ["mining"]}, BARE) is None
    assert run({"title_signal_any": ["trade", "mining"]}, ctx) == [
        "title: trade: purchase agreement"
    ]
    assert run({"title_signal_any": ["mining"]}, ctx) is None
    assert run({"title_signal_any": ["trade"]}, BARE) is None
    assert run({"works_in": ["new", "existing"]}, ctx) == ["works new ('construction')"]
    assert run({"works_in": ["none"]}, ctx) is None
    assert run({"works_in": ["unsure"]}, BARE) is None


@pytest.mark.parametrize(
    ("value", "at_least", "below"),
    [
        (300.0, ["MW 300 ≥ 300 (read from '300 MW')"], None),
        (301.0, ["MW 301 ≥ 300 (read from '300 MW')"], None),
        (299.5, None, ["MW 299.5 < 300 (read from '300 MW')"]),
    ],
)
def test_scale(value: float, at_least: list[str] | None, below: list[str] | None) -> None:
    sizes = (Quantity("MW", value, "300 MW"), Quantity("MW", 1.0, "1 MW"), Quantity("kV", 900, ""))
    ctx = Ctx(subject("x"), inferred=inferred(scale=sizes))
    spec = {"quantity": "MW", "value": 300}
    assert run({"scale_at_least": spec}, ctx) == at_least
    assert run({"scale_below": spec}, ctx) == below
    none = Ctx(subject("x"), inferred=inferred(scale=(Quantity("kV", 1.0, ""),)))
    assert run({"scale_at_least": spec}, none) is None
    assert run({"scale_below": spec}, none) is None
    assert run({"scale_below": spec}, BARE) is None
    with pytest.raises(ValidationError):
        cond({"scale_below": {"quantity": "MW", "value": -1}})


def test_one_key_and_describe() -> None:
    for bad in ({}, {"sector_in": ["210"], "country_in": ["UZ"]}):
        with pytest.raises(ValidationError, match="exactly one key"):
            cond(bad)
    with pytest.raises(ValidationError, match="a mapping with one key"):
        Condition.model_validate(["sector_in"])
    with pytest.raises(ValidationError, match="none"):
        cond({})
    with pytest.raises(ValidationError, match="sector_in, country_in"):
        cond({"sector_in": ["210"], "country_in": ["UZ"]})
    nested = cond({"all": [{"sector_in": ["210"]}, {"any": [{"not": {"standard": "PS1"}}]}]})
    assert describe(nested) == "(sector_in ['210'] and (not standard PS1))"
    assert describe(cond({"any": [{"category_in": ["A"]}, {"category_in": ["B"]}]})) == (
        "(category_in ['A'] or category_in ['B'])"
    )
    assert describe(cond({"answer": {"question": "Q", "in": ["yes"]}})) == (
        "answer to Q in ['yes']"
    )
    assert describe(cond({"near_sensitive": {"kinds": ["a", "b"], "within_km": 2.5}})) == (
        "location within 2.5 km of a, b"
    )
    assert describe(cond({"party": {"roles": [1]}})) == "a party with {'roles': [1]}"
    assert describe(cond({"text_any": ["Dam", "weir"]})) == (
        "title or description mentions any of 'dam', 'weir'"
    )
    assert describe(cond({"size_usd_at_least": 10_000_000})) == "size_usd_at_least 10,000,000"
    assert [c.key for c in walk(nested)] == ["all", "sector_in", "any", "not", "standard"]
    assert cond({"not": {"standard": "PS1"}}).key == "not"


# --- 2026.4: services-only public programmes, credit components, the narrower FI -------------


@pytest.mark.parametrize(
    ("instrument", "expected"),
    [
        ("ODA loan", ("C", "CAT.C-SERVICES-ONLY")),
        ("grant aid", ("C", "CAT.C-SERVICES-ONLY")),
        ("technical cooperation", ("C", "CAT.C-SERVICES-ONLY")),
        ("private investment", ("B", "CAT.B-DEFAULT")),  # a company's hospital owns facilities
        ("JBIC loan", ("B", "CAT.B-DEFAULT")),
        (None, ("B", "CAT.B-DEFAULT")),
    ],
)
def test_services_only_needs_a_public_instrument(
    instrument: str | None, expected: tuple[str, str]
) -> None:
    assert category(subject("Primary health care project", instrument=instrument)) == expected


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("Health project", None, ("C", "CAT.C-SERVICES-ONLY")),
        ("Social protection project", None, ("C", "CAT.C-SERVICES-ONLY")),
        # the services must be named in the title, not only in the description
        ("Project Alpha", "to improve education outcomes", ("B", "CAT.B-DEFAULT")),
        # any works anywhere keep it out of C: new, existing, a building, water
        ("Health project", "construction of clinics", ("B", "CAT.B-DEFAULT")),
        ("Health project", "rehabilitation of clinics", ("B", "CAT.B-DEFAULT")),
        ("Education project", "a new school building", ("B", "CAT.B-DEFAULT")),
        ("Health project", "district hospital services", ("B", "CAT.B-DEFAULT")),
        ("Health and water supply project", None, ("B", "CAT.B-DEFAULT")),
        # an A-list sector named anywhere keeps it out of C, for a reviewer
        ("Nutrition project", "along the highway corridor", ("B", "CAT.B-DEFAULT")),
        # services with policy words: services decide the works (unsure), so this rule
        ("Health policy reform", None, ("C", "CAT.C-SERVICES-ONLY")),
    ],
)
def test_services_only_boundaries(
    title: str, description: str | None, expected: tuple[str, str]
) -> None:
    s = subject(title, description=description, instrument="ODA loan")
    assert category(s) == expected


def test_services_only_lists_every_works_signal() -> None:
    rule = next(r for r in CATALOGUE.categorisation.rules if r.id == "CAT.C-SERVICES-ONLY")
    (barred,) = [c.not_.signal_any for c in rule.when.all or () if c.not_ is not None]
    kinds = {"sensitive", "physical", "new", "existing"}
    table = CATALOGUE.inference
    assert table is not None
    assert set(barred or ()) == {s.id for s in table.table.signals if s.kind in kinds}


@pytest.mark.parametrize(
    ("title", "sectors", "description", "expected"),
    [
        # finance the only sector: FI, the intermediary need not be in the title
        ("Project", ("24030",), None, ("FI", "CAT.FI")),
        ("Project", ("24040",), None, ("FI", "CAT.FI")),
        ("Project", ("31193",), None, ("FI", "CAT.FI")),
        ("Project", ("43010",), "equity fund", ("FI", "CAT.FI")),
        ("Project", ("24030", "24040"), None, ("FI", "CAT.FI")),
        # beside another sector: a credit component, B, unless the title names the intermediary
        ("Project", ("24030", "15110"), None, ("B", "CAT.B-CREDIT-COMPONENT")),
        ("Project", ("43010",), None, ("B", "CAT.B-DEFAULT")),  # no intermediary at all
        ("Project", ("31120",), "a credit line to farmers", ("B", "CAT.B-CREDIT-COMPONENT")),
        ("Project", (), "a credit line to farmers", ("B", "CAT.B-CREDIT-COMPONENT")),
        ("Credit line project", ("24030", "15110"), None, ("FI", "CAT.FI")),
        # technical assistance to the financial sector is neither FI nor a credit component
        ("Technical assistance", ("24030",), None, ("C", "CAT.C-NOTHING-PHYSICAL")),
        ("Technical assistance", ("24030", "15110"), None, ("C", "CAT.C-NOTHING-PHYSICAL")),
        # an intermediary that builds is neither
        ("Construction of a branch", ("24030", "15110"), None, ("B", "CAT.B-DEFAULT")),
    ],
)
def test_fi_and_credit_component_boundaries(
    title: str, sectors: tuple[str, ...], description: str | None, expected: tuple[str, str]
) -> None:
    assert category(subject(title, sectors=sectors, description=description)) == expected


def test_credit_component_comes_after_fi_and_before_trade() -> None:
    order = [r.id for r in CATALOGUE.categorisation.rules]
    assert order.index("CAT.FI") + 1 == order.index("CAT.B-CREDIT-COMPONENT")
    assert order.index("CAT.B-CREDIT-COMPONENT") + 1 == order.index("CAT.C-TRADE")
    assert order.index("CAT.C-NOTHING-PHYSICAL") + 1 == order.index("CAT.C-SERVICES-ONLY")
    assert order[-1] == "CAT.C-SERVICES-ONLY"
    # trade words beside a credit line: the credit component decides first
    s = subject("Project", sectors=("24030", "15110"), description="a purchase agreement")
    assert category(s) == ("B", "CAT.B-CREDIT-COMPONENT")


@pytest.mark.parametrize(
    "title",
    [
        "Kyrgyz Republic: EITI post compliance",
        "Extractive Industries Transparency Initiative",
        "Treasury modernization",
        "Land administration project",
        "Catastrophe risk insurance",
        "Payment system modernization",
        "Agricultural extension services",
    ],
)
def test_2026_4_soft_words_mean_nothing_physical(title: str) -> None:
    assert category(subject(title)) == ("C", "CAT.C-NOTHING-PHYSICAL")


def test_quantities_read_decimal_commas_and_keep_their_words() -> None:
    from cajad.screening.scale import quantities

    assert [(q.quantity, q.value, q.evidence) for q in quantities("a 1,5 km spur")] == [
        ("km", 1.5, "1,5 km")
    ]
    assert [(q.value, q.evidence) for q in quantities("plant of 1,200 MW")] == [
        (1200.0, "1,200 MW")
    ]
    assert [(q.value, q.evidence) for q in quantities("2 million tpa")] == [(2e6, "2 million tpa")]
