"""Every data-quality finding kind at its boundaries, on a made-up register: what is found,
what just misses, the severity and the words a person acts on (``tests/tracker/test_quality.py``
has the findings on the bundled deals). Pinned for the mutation run (``benchmarks/mutation.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine

from cajad.register import RateBook, session_scope
from cajad.register.fx import bundled_quotes
from cajad.register.specs import (
    CountrySpec,
    OrganisationSpec,
    ParticipationSpec,
    ProjectSpec,
    SectorSpec,
    TransactionSpec,
)
from cajad.tracker import findings

START, END = dt.date(2025, 12, 20), dt.date(2030, 12, 19)
DAY = dt.timedelta(days=1)
MID = dt.date(2026, 6, 1)


def tx(ref: str, day: dt.date | None, *, type: int = 2, value: str = "1000000", **kw: Any) -> Any:
    kw.setdefault("currency", "JPY")
    return TransactionSpec(ref=ref, type=type, value=Decimal(value), value_date=day, **kw)


def spec(identifier: str, *txs: TransactionSpec, **fields: Any) -> ProjectSpec:
    fields.setdefault("stage", "financing")
    fields.setdefault("title", identifier)
    return ProjectSpec(identifier=identifier, transactions=txs, **fields)


def kz(*codes: str) -> tuple[CountrySpec, ...]:
    return tuple(CountrySpec(code=c, percentage=Decimal(100) / len(codes)) for c in codes)


def dup(identifier: str, title: str, country: str, day: dt.date | None, **kw: Any) -> ProjectSpec:
    return spec(
        identifier, tx("a", MID), title=title, countries=kz(country), agreement_date=day, **kw
    )


SPECS = [
    # not-counted / amount-unknown: in the period by money, else by counting or agreement date
    spec("nc-in", tx("a", END), counts_toward_goal=False, count_decision="a second report"),
    spec("nc-silent", tx("a", START), counts_toward_goal=False),
    spec("nc-before", tx("a", START - DAY), counts_toward_goal=False),
    # money dated outside, agreement inside: the money decides
    spec("nc-money-after", tx("a", END + DAY), counts_toward_goal=False, agreement_date=MID),
    spec("au-counting", counting_date=START),
    spec("au-agreement", agreement_date=END),
    spec("au-after", agreement_date=END + DAY),
    spec("au-counting-first", counting_date=END + DAY, agreement_date=MID),
    spec("au-incoming", tx("a", MID, type=1)),
    # packages: overlap when both count and the package has its own money; parts > total
    spec("pk", tx("a", MID, value="3000000")),
    spec("pk-part1", tx("a", MID, value="2000000"), package="pk"),
    spec("pk-part2", tx("a", MID, value="1000000"), package="pk", counts_toward_goal=False),
    spec("pk-even", tx("a", MID, value="3000000"), counts_toward_goal=False),
    spec("pk-even-part", tx("a", MID, value="3000000"), package="pk-even"),
    spec("pk-big", tx("a", MID, value="3000000")),
    spec("pk-big-part", tx("a", MID, value="3000001"), package="pk-big", counts_toward_goal=False),
    # funding chains: incoming money from a registered provider (and a self-reference)
    spec("fc-provider", tx("a", MID)),
    spec("fc-both", tx("a", MID), tx("in", MID, type=1, provider_activity="fc-provider")),
    spec("fc-once", tx("in", MID, type=1, provider_activity="fc-provider")),
    spec("fc-self", tx("a", MID), tx("in", MID, type=1, provider_activity="fc-self")),
    spec("fc-outside", tx("in", MID, type=1, provider_activity="not-registered")),
    # duplicates: same countries, agreements within 90 days, half the title words shared
    dup("zz-twin", "Bishkek heating plant", "KG", MID),  # stored first, read in name order
    dup("aa-twin", "Bishkek heating plant", "KG", MID),
    dup("du-a", "Navoi power plant unit", "UZ", MID),
    dup("du-a-late", "Navoi power plant unit", "UZ", MID + 91 * DAY),
    dup("du-a-part", "Navoi power plant unit", "UZ", MID, package="du-a"),
    dup("du-b", "Navoi power station", "UZ", MID + 90 * DAY),
    dup("du-elsewhere", "Navoi power plant unit", "KZ", MID),
    dup("du-not-counted", "Navoi power plant unit", "UZ", MID, counts_toward_goal=False),
    dup("du-undated", "Navoi power plant unit", "UZ", None),
    dup("du-third", "Navoi water works pumps", "TJ", MID),
    dup("du-fourth", "Navoi roads", "TJ", MID),  # one of its two words shared: half
    dup("du-no-word-1", "Oš", "TM", MID),  # no word of four letters: nothing to share
    dup("du-no-word-2", "Oš", "TM", MID),
    # dates: a missing value date; an agreement known to the month or year, in the period
    spec("dt-undated", tx("a", None)),
    spec("dt-month", agreement_date=MID, agreement_date_precision="month"),
    spec("dt-year", agreement_date=MID, agreement_date_precision="year"),
    spec("dt-day", agreement_date=MID, agreement_date_precision="day"),
    spec("dt-month-before", agreement_date=START - DAY, agreement_date_precision="month"),
    # codes not in their IATI codelists (a sector of another vocabulary is not checked)
    spec(
        "cd-bad",
        sectors=(
            SectorSpec(code="99999", percentage=Decimal(40)),
            SectorSpec(code="11111", percentage=Decimal(40)),
            SectorSpec(code="88888", percentage=Decimal(20), vocabulary="99"),
        ),
        countries=(
            CountrySpec(code="XQ", percentage=Decimal(40)),
            CountrySpec(code="QQ", percentage=Decimal(40)),
            CountrySpec(code="999", percentage=Decimal(20), is_region=True, vocabulary="1"),
        ),
        participants=(
            ParticipationSpec(organisation=OrganisationSpec(name="Odd", type="999"), role=1),
        ),
    ),
    # the organisation written first (Odd, above) is read first, whatever this list's order
    spec(
        "cd-orgs",
        participants=(
            ParticipationSpec(organisation=OrganisationSpec(name="Odder", type="998"), role=1),
            ParticipationSpec(organisation=OrganisationSpec(name="Odd", type="999"), role=4),
        ),
    ),
    spec(
        "cd-good",
        sectors=(SectorSpec(code="23210", percentage=Decimal(100)),),
        countries=(
            CountrySpec(code="KZ", percentage=Decimal(50)),
            CountrySpec(code="619", percentage=Decimal(50), is_region=True, vocabulary="1"),
        ),
        participants=(
            ParticipationSpec(organisation=OrganisationSpec(name="Bank", type="10"), role=1),
        ),
    ),
    # outliers: among five or more amounts of one instrument, a robust z above 3.5
    *[spec(f"ol-{i}", tx("a", MID, value=v), instrument="bond") for i, v in enumerate(
        ["1000000", "1100000", "1200000", "1300000", "1000000000000"]
    )],
    *[spec(f"ol-few-{i}", tx("a", MID, value=v), instrument="lease") for i, v in enumerate(
        ["1000000", "1100000", "1200000", "1000000000000"]  # four: too few to judge
    )],
    # a tiny amount (USD 0.3) is an amount too; most amounts equal: no spread, no outlier
    *[spec(f"ol-tiny-{i}", tx("a", MID, value=v), instrument="grant") for i, v in enumerate(
        ["1000000", "1100000", "1200000", "1300000", "50"]
    )],
    *[spec(f"oa-same-{i}", tx("a", MID, value=v), instrument="equity") for i, v in enumerate(
        ["1000000", "1000000", "1000000", "1000000", "1000000", "1000000000000"]
    )],
    # a rate older than the value date's year (KGS has annual rates up to 2024 only)
    spec("sr-stale", tx("a", MID, currency="KGS")),
    spec("sr-fresh", tx("a", dt.date(2024, 6, 1), currency="KGS")),
]  # fmt: skip


@pytest.fixture(scope="module")
def engine(policy_register: Callable[[Iterable[ProjectSpec]], Engine]) -> Engine:
    return policy_register(SPECS)


@pytest.fixture
def found(engine: Engine) -> list[Any]:
    """The findings, computed in each test (the register is built once): the mutation run
    credits a finding's code to every test that reads it, not only to the first."""
    with session_scope(engine) as session:
        return findings(session)


def _of(found: list[Any], kind: str) -> dict[str, Any]:
    return {f.project: f for f in found if f.kind == kind}


def test_not_counted_and_amount_unknown_only_in_the_period(found: list[Any]) -> None:
    nc = _of(found, "not-counted")
    assert set(nc) == {"nc-in", "nc-silent", "pk-part2", "pk-even", "pk-big-part", "du-not-counted"}
    assert nc["nc-in"].message == "not counted toward the goal: a second report"
    assert nc["nc-silent"].message == "not counted toward the goal: no reason recorded"
    assert {f.severity for f in nc.values()} == {"info"}
    au = _of(found, "amount-unknown")
    assert set(au) == {
        "au-counting", "au-agreement", "au-incoming", "fc-once", "fc-outside", "dt-month",
        "dt-year", "dt-day",
    }  # fmt: skip
    assert au["au-agreement"].message == "no amount reported; not counted until one is"
    assert au["au-agreement"].severity == "info" and au["au-agreement"].transaction is None


def test_package_overlap_and_parts_exceeding_the_total(found: list[Any]) -> None:
    overlap = _of(found, "package-overlap")
    assert set(overlap) == {"pk-part1", "du-a-part"}
    assert overlap["pk-part1"].severity == "warning"
    assert overlap["pk-part1"].message == (
        "counted as well as its package pk, whose total may already include it"
    )
    exceed = _of(found, "parts-exceed")
    assert set(exceed) == {"pk-big"}  # pk: parts 3,000,000 = the total, not more
    assert exceed["pk-big"].severity == "warning"
    assert exceed["pk-big"].message.startswith("parts add up to USD ")
    assert ", more than the package total USD " in exceed["pk-big"].message


def test_funding_chains_warn_when_both_sides_count(found: list[Any]) -> None:
    chains = _of(found, "funding-chain")
    assert set(chains) == {"fc-both", "fc-once"}
    assert (chains["fc-both"].severity, chains["fc-both"].transaction) == ("warning", "in")
    assert chains["fc-both"].message == (
        "money from fc-provider, also in the register: both report outgoing money and both "
        "count; mark one not counted"
    )
    assert chains["fc-once"].severity == "info"
    assert chains["fc-once"].message.endswith("so it is counted once, at the provider")


def test_possible_duplicates_within_90_days_and_half_the_words(found: list[Any]) -> None:
    dup = {f.project: f.message for f in found if f.kind == "possible-duplicate"}
    # du-a and du-b are 90 days apart (a match), du-a-late 91 (none); a package's part, another
    # country, a project not counted or without a date is no duplicate
    pairs = sorted(
        (f.project, f.message.split(" (")[0]) for f in found if f.kind == "possible-duplicate"
    )
    assert pairs == [
        ("aa-twin", "looks like zz-twin"),
        ("du-a", "looks like du-b"),
        ("du-a-late", "looks like du-b"),
        ("du-a-part", "looks like du-b"),
        ("du-fourth", "looks like du-third"),
    ]
    assert dup["du-a"] == (
        "looks like du-b (same country, dates within 90 days, 67% of title words shared): "
        "one project reported twice?"
    )
    assert "50% of title words shared" in dup["du-fourth"]
    assert {f.severity for f in found if f.kind == "possible-duplicate"} == {"warning"}


def test_missing_and_imprecise_dates(found: list[Any]) -> None:
    missing = _of(found, "missing-value-date")
    assert set(missing) == {"dt-undated"}
    assert (missing["dt-undated"].severity, missing["dt-undated"].transaction) == ("error", "a")
    assert missing["dt-undated"].message == "no value date: cannot be converted or counted"
    imprecise = _of(found, "imprecise-date")
    assert set(imprecise) == {"dt-month", "dt-year"}
    assert imprecise["dt-year"].message == (
        "date known only to the year; dated at the latest day consistent with its report"
    )
    assert imprecise["dt-month"].severity == "info"


def test_unknown_codes_are_named(found: list[Any]) -> None:
    """Each project's bad codes in one order: sectors, then countries and regions (each by
    code), then organisation types (organisations in the order they were first written)."""
    bad = [(f.project, f.message) for f in found if f.kind == "unknown-code"]
    assert [(p, m.removesuffix(" is not in its IATI codelist")) for p, m in bad] == [
        ("cd-bad", "sector 11111"),
        ("cd-bad", "sector 99999"),
        ("cd-bad", "region 999"),
        ("cd-bad", "country QQ"),
        ("cd-bad", "country XQ"),
        ("cd-bad", "organisation type 999"),
        ("cd-orgs", "organisation type 999"),
        ("cd-orgs", "organisation type 998"),
    ]
    assert {f.severity for f in found if f.kind == "unknown-code"} == {"error"}


def test_outliers_need_five_amounts_and_a_robust_z_above_3_5(found: list[Any]) -> None:
    out = [f for f in found if f.kind == "outlier" and f.project.startswith(("ol-", "oa-"))]
    assert [(f.project, f.transaction, f.severity) for f in out] == [
        ("ol-4", "a", "warning"),
        ("ol-tiny-4", "a", "warning"),
    ]
    assert " is far from other bond amounts (robust z = " in out[0].message


def test_a_stale_rate_is_named_with_its_year(found: list[Any]) -> None:
    stale = _of(found, "stale-rate")
    assert set(stale) == {"sr-stale"}
    assert stale["sr-stale"].severity == "info" and stale["sr-stale"].transaction == "a"
    assert stale["sr-stale"].message == (
        "KGS converted at the latest earlier annual average (stale) to USD, daily rate from "
        "USD: no rate yet for 2026"
    )


def test_findings_are_sorted_by_severity_kind_and_project(found: list[Any]) -> None:
    order = {"error": 0, "warning": 1, "info": 2}
    keys = [(order[f.severity], f.kind, f.project) for f in found]
    assert keys == sorted(keys) and found[0].severity == "error" and found[-1].severity == "info"


def test_each_kind_asked_for_alone_is_what_every_finding_holds(engine: Engine) -> None:
    """``kinds`` runs only the checks that make them (the dashboard asks for a few): each kind
    alone gives the findings of that kind among all of them, none missing, none added."""
    with session_scope(engine) as session:
        every = findings(session)
        for kind in sorted({f.kind for f in every}):
            assert findings(session, kinds=[kind]) == [f for f in every if f.kind == kind], kind
    assert len({f.kind for f in every}) == 11


def test_the_rate_book_given_is_the_one_judged_by(engine: Engine) -> None:
    """A book with a KGS rate for 2026 (the register's has annual KGS rates up to 2024 only)
    makes the 2026 conversion fresh: the book passed in is read, not the register's."""
    quotes = [q for q in bundled_quotes() if q.period_start.year >= 2024]
    kgs = max(
        (q for q in quotes if q.currency == "KGS" and q.granularity == "year"),
        key=lambda q: q.period_start,
    )
    fresh = RateBook([*quotes, kgs._replace(period_start=dt.date(2026, 1, 1))])
    with session_scope(engine) as session:
        assert "sr-stale" in _of(findings(session), "stale-rate")
        assert "sr-stale" not in _of(findings(session, book=fresh), "stale-rate")
