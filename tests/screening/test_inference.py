"""Sector, works and scale inference and the category rules of the catalogue 2026.3."""

from __future__ import annotations

import copy
import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cajad.register.deals import COLUMNS, read_deals
from cajad.screening import load_catalogue
from cajad.screening.engine import screen
from cajad.screening.inference import CompiledTable, Found, InferenceTable, Inferred, Signal, infer
from cajad.screening.scale import quantities
from cajad.screening.subject import AnswerFact, MoneyFacts, Subject

PROPOSED = load_catalogue("2026.3")
RULES = copy.copy(PROPOSED)  # the category rules alone: the fitted estimate is in test_fitted
RULES.fitted = None
UNITS = {"MW": ["MW", "МВт"], "kV": ["kV", "кВ"], "km": ["km", "км"], "ha": ["ha", "га"],
         "m3": ["m3", "м3"], "t/yr": ["t/yr", "т/год"], "beds": ["beds", "коек"]}  # fmt: skip


@given(
    st.sampled_from(sorted(UNITS)),
    st.integers(min_value=0, max_value=9_999_999),
    st.booleans(),
    st.data(),
)
def test_a_written_size_reads_back(
    quantity: str, value: int, grouped: bool, data: st.DataObject
) -> None:
    unit = data.draw(st.sampled_from(UNITS[quantity]))
    number = f"{value:,}" if grouped else str(value)
    found = quantities(f"the project: {number} {unit} in total")
    assert [(q.quantity, q.value) for q in found] == [(quantity, float(value))]


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=80))
def test_no_number_no_size(text: str) -> None:
    assert quantities(text) == []


def test_multipliers_and_japanese() -> None:
    got = [(q.quantity, q.value) for q in quantities("2 GW; 12 million m3; 50万トン/年; 5 mtpa")]
    assert got == [("MW", 2000.0), ("m3", 12e6), ("t/yr", 5e5), ("t/yr", 5e6)]


def subject(
    title: str, *, sector: str = "", size: int = 0, sectors: tuple[str, ...] = ()
) -> Subject:
    money = (
        MoneyFacts(transactions=1, outgoing=1, committed_usd=Decimal(size))
        if size
        else MoneyFacts()
    )
    return Subject(
        identifier="t", title=title, sectors=sectors, money=money, sector_text=sector or None
    )


def category(s: Subject) -> tuple[str, str]:
    c = screen(s, RULES).category
    return c.category, c.rule


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Gas-fired thermal power plant, 300 MW", ("A", "CAT.A-SCALE")),
        ("Gas-fired thermal power plant, 299 MW", ("B", "CAT.B-BELOW-THRESHOLD")),
        ("220 kV transmission line, 16 km", ("A", "CAT.A-SCALE")),
        ("220 kV transmission line, 15 km", ("B", "CAT.B-DEFAULT")),
        ("219 kV transmission line, 100 km", ("B", "CAT.B-DEFAULT")),
        ("Hydropower dam holding 10,000,001 m3", ("A", "CAT.A-SCALE")),
        ("Hydropower dam holding 10,000,000 m3", ("B", "CAT.B-BELOW-THRESHOLD")),
        ("Open-pit gold mine of 26 ha", ("A", "CAT.A-SCALE")),
        (
            "Open-pit gold mine of 25 ha",
            ("A", "CAT.A-SENSITIVE"),
        ),  # below the area, still new works
    ],
)
def test_thresholds_at_their_boundaries(title: str, expected: tuple[str, str]) -> None:
    assert category(subject(title)) == expected


def test_first_match_order_and_reasons() -> None:
    # An intermediary comes first; trade next; works within a footprint before new works.
    assert category(subject("Credit line to a bank for SME on-lending")) == ("FI", "CAT.FI")
    assert category(subject("Gallium purchase agreement")) == ("C", "CAT.C-TRADE")
    assert category(subject("Rehabilitation of the Osh highway")) == ("A", "CAT.A-REHABILITATION")
    assert category(subject("Modernization of the Osh highway")) == ("B", "CAT.B-EXISTING")
    assert category(subject("Construction of a new highway")) == ("A", "CAT.A-SENSITIVE")
    assert category(subject("Public finance technical assistance")) == (
        "C",
        "CAT.C-NOTHING-PHYSICAL",
    )
    # Unsure is a fitted estimate pending the reviewer's question, never silently final.
    assert category(subject("Project Alpha")) == ("B", "CAT.B-DEFAULT")
    assert screen(subject("Project Alpha"), PROPOSED).category.source == "fitted"
    because = screen(subject("Copper mine, 120 ha"), PROPOSED).category.because
    assert any("120 ha" in b for b in because)


def test_fi_needs_no_works_and_any_of_its_parts() -> None:
    # FI is any(sector code, intermediary words without works): either part alone is enough.
    assert category(subject("Project", sectors=("24030",))) == ("FI", "CAT.FI")
    assert category(subject("Microfinance loan")) == ("FI", "CAT.FI")
    # all(): a bank that builds a power plant is not an intermediary.
    assert category(subject("Bank loan for construction of a thermal power plant")) == (
        "A", "CAT.A-SENSITIVE",
    )  # fmt: skip


def test_policy_code_is_replaced_when_works_are_named() -> None:
    verdict = screen(subject("Copper mine", sector="mining / copper", sectors=("32210",)), PROPOSED)
    assert verdict.inferred is not None
    codes = [c for c, _ in verdict.inferred.sectors]
    assert "32210" not in codes and "32264" in codes
    assert verdict.summary()["inferred"]["sectors"][0]["evidence"].startswith("mining")


def _deals(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "deals.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


ACCEPTANCE = [
    ("copper", "Open-pit copper mine with tailings dam", "mining / copper", "1200000000", "A"),
    ("thermal", "Large thermal power plant", "power generation / efficiency", "800000000", "A"),
    (
        "line",
        "500 kV high-voltage transmission line, 450 km",
        "energy / power grid",
        "300000000",
        "A",
    ),
    ("rail", "Electrification of the existing railway", "transport / railway", "150000000", "B"),
    ("gallium", "Gallium purchase agreement", "gallium", "20000000", "C"),
]


def test_issue_cases_imported_from_a_deals_csv(tmp_path: Path) -> None:
    rows = [
        {"id": ident, "title": title, "country": "UZ", "sector": sector, "instrument": "JBIC loan",
         "amount": amount, "currency": "USD", "date": "2026-01-01", "status": "signed"}
        for ident, title, sector, amount, _ in ACCEPTANCE
    ]  # fmt: skip
    specs, problems = read_deals(_deals(tmp_path, rows))
    assert not problems
    # the register's keyword table: the named metal first, then the general (policy) mining code
    assert [x.code for x in specs[0].sectors] == ["32264", "32210"]
    for spec, (_, _, _, amount, expected) in zip(specs, ACCEPTANCE, strict=True):
        s = Subject(
            identifier=spec.identifier,
            title=spec.title,
            instrument=spec.instrument,
            sectors=tuple(x.code for x in spec.sectors),
            money=MoneyFacts(transactions=1, outgoing=1, committed_usd=Decimal(amount)),
        )
        verdict = screen(s, RULES)
        assert verdict.category.category == expected, (spec.title, verdict.category)
        assert not verdict.blocked or expected != "C"  # the gallium purchase is not blocked
        # with the fitted estimate: the same, or a B raised to A pending a reviewer
        final = screen(s, PROPOSED).category
        assert final.category == expected or (expected, final.category) == ("B", "A")


@pytest.mark.parametrize(
    ("title", "answer", "expected"),
    [
        ("Open-pit copper mine", "none", ("C", "CAT.C-NOTHING-PHYSICAL")),
        ("Electrification of the existing railway", "new", ("A", "CAT.A-SENSITIVE")),
        ("Construction of a new highway", "existing", ("B", "CAT.B-EXISTING")),
        ("Public finance technical assistance", "new", ("B", "CAT.B-DEFAULT")),
    ],
)
def test_a_reviewers_works_answer_replaces_what_the_text_says(
    title: str, answer: str, expected: tuple[str, str]
) -> None:
    fact = AnswerFact(1, answer, "R. Viewer", dt.date(2026, 1, 5))
    answered = Subject(identifier="t", title=title, answers={"EP1.WORKS": fact})
    assert category(answered) == expected
    inferred = screen(answered, RULES).inferred
    assert inferred is not None and inferred.works == answer
    assert inferred.works_because.startswith("reviewer R. Viewer answered EP1.WORKS")
    assert category(subject(title)) != expected  # the text alone says otherwise


def test_an_answer_to_another_question_leaves_the_works_to_the_text() -> None:
    fact = AnswerFact(1, "yes", "R. Viewer", dt.date(2026, 1, 5))
    answered = Subject(identifier="t", title="Open-pit copper mine", answers={"EP4.SCOPE": fact})
    inferred = screen(answered, RULES).inferred
    assert inferred is not None and inferred.works == "new"


# --- the reading rules one by one, on a small table compiled in the test (mutation run) ------


def _table(**kw: object) -> CompiledTable:
    signals = [
        Signal(id="hydro", kind="sensitive", code="23220", words=["hydropower", "dam$"]),
        Signal(id="reservoir", kind="physical", code="23220", words=["reservoir"]),
        Signal(id="mine", kind="sensitive", code="32220", words=["mine", "рудник", "鉱山"]),
        Signal(id="road", kind="physical", code="21020", words=["road"]),
        Signal(id="new", kind="new", words=["construction"]),
        Signal(id="old", kind="existing", words=["rehabilitation"]),
        Signal(id="ta", kind="soft", code="15110", words=["technical assistance"]),
        Signal(id="svc", kind="services", words=["operation services"]),
        Signal(id="bank", kind="intermediary", code="24030", words=["credit line"]),
        Signal(id="trade", kind="trade", words=["export"]),
    ]
    return CompiledTable(InferenceTable(signals=signals, policy_codes=["15110"], **kw))  # type: ignore[arg-type]


def _read(title: str, description: str = "", sectors: tuple[str, ...] = ()) -> Inferred:
    return infer(Subject(identifier="t", title=title, description=description or None,
                         sectors=sectors), _table())  # fmt: skip


def test_words_match_at_a_word_start_whole_words_and_japanese_anywhere() -> None:
    assert _read("determine the route").ids == frozenset()  # "mine" inside a word
    assert _read("Mine expansion").ids == {"mine"}
    assert _read("a dam").ids == {"hydro"} and _read("dam safety").ids == {"hydro"}
    assert _read("damage repair").ids == frozenset()  # "dam$": the whole word only
    assert _read("новый рудник").ids == {"mine"} and _read("подрудник").ids == frozenset()
    assert _read("新しい鉱山開発").ids == {"mine"}  # no spaces in Japanese


@pytest.mark.parametrize(
    ("title", "works", "because"),
    [
        ("road construction", "new", "new works: 'construction'"),
        ("road rehabilitation", "existing", "works on an existing asset: 'rehabilitation'"),
        ("hydropower plant", "new", "the asset itself is named, no existing footprint: "),
        ("road", "unsure", "physical works named, new or existing not said: 'road'"),
        ("rehabilitation", "existing", "works on an existing asset: 'rehabilitation'"),
        ("rehabilitation technical assistance", "none", "nothing physical named; "),
        ("operation services", "unsure", "services, with or without works on facilities: "),
        ("technical assistance", "none", "nothing physical named; 'technical assistance'"),
        ("credit line", "none", "nothing physical named; 'credit line'"),
        ("export", "none", "nothing physical named; 'export'"),
        ("something else", "unsure", "no words that say what is financed"),
    ],
)
def test_works_are_read_in_their_order(title: str, works: str, because: str) -> None:
    found = _read(title)
    assert found.works == works and found.works_because.startswith(because)


def test_a_sensitive_asset_outside_the_title_is_not_the_project_itself() -> None:
    found = _read("Programme", description="including hydropower")
    assert found.works == "unsure" and found.title_ids == frozenset()
    assert found.works_because.startswith("physical works named, new or existing not said")


def test_inferred_sectors_replace_policy_codes_only_when_works_are_named() -> None:
    built = _read("road construction", sectors=("15110", "21020"))
    assert built.sectors == (("21020", "register"),)  # 15110 dropped; 21020 already there
    assert _read("road", sectors=("15110",)).sectors == (
        ("15110", "register"),
        ("21020", "road: 'road' in '…road…'"),
    )
    assert _read("technical assistance", sectors=("15110",)).sectors == (("15110", "register"),)
    assert _read("credit line").sectors == (("24030", "bank: 'credit line' in '…credit line…'"),)
    assert _read("export").sectors == ()  # trade names no sector


@pytest.mark.parametrize(
    ("kind", "says"),
    [("sensitive", True), ("physical", True), ("new", True), ("existing", True), ("soft", True),
     ("services", True), ("intermediary", False), ("trade", False)],
)  # fmt: skip
def test_which_kinds_say_what_is_financed(kind: str, says: bool) -> None:
    from cajad.screening.inference import _says_works

    assert _says_works([Found("x", kind, None, "e")]) is says


def test_a_word_matches_longer_words_it_starts_unless_marked_whole() -> None:
    assert _read("Mines of the north").ids == {"mine"}
    assert _read("roads and dams").ids == {"road"}  # "dam$": not "dams"


def test_the_sector_text_is_read_with_the_title_and_the_description_for_its_sizes() -> None:
    subject = Subject(identifier="t", title="Programme", sector_text="Hydropower")
    inferred = infer(subject, _table())
    assert inferred.ids == {"hydro"} and inferred.title_ids == frozenset()
    assert [f.signal for f in inferred.signals] == ["hydro"]
    sized = _read("Plant", description="a 300 MW unit")
    assert [(q.quantity, q.value) for q in sized.scale] == [("MW", 300.0)]
    assert _read("road", description="construction").title_ids == {"road"}


def test_a_policy_code_gives_way_to_works_on_an_existing_asset_too() -> None:
    assert _read("road rehabilitation", sectors=("15110",)).sectors == (
        ("21020", "road: 'road' in '…road rehabilitation…'"),
    )
    # a sector only of the signals that name an asset or a lender, once per code
    assert _read("technical assistance").sectors == ()
    assert _read("hydropower reservoir").sectors == (
        ("23220", "hydro: 'hydropower' in '…hydropower reservoir…'"),
    )
