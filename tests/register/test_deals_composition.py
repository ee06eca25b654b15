"""The deals loader records what each counted amount is (basis, evidence tier) on the project,
from the curation or from the documented defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from cajad.data import data_path
from cajad.register.deals import evidence_of_url, read_deals
from cajad.register.rollup import BASES, EVIDENCE, composition_code, decode_composition
from cajad.register.specs import ProjectSpec

HEADER = (
    "id,title,country,sector,pillar,japanese_parties,central_asian_parties,instrument,amount,"
    "currency,amount_note,date,status,source_title,source_url,source_date,package"
)


def _row(ident: str, url: str, package: str = "", amount: str = "1000") -> str:
    return (
        f"{ident},Title {ident},UZ,energy,unclear,JICA,Government of Uzbekistan,ODA loan,"
        f"{amount},JPY,,2026-01-10,signed,src,{url},2026-01-10,{package}"
    )


@pytest.mark.parametrize(
    ("url", "tier"),
    [
        ("https://www.jica.go.jp/english/news/press/x.html", "financier"),
        ("https://www.jbic.go.jp/en/information/press/x.html", "financier"),
        ("https://www.mofa.go.jp/press/release/x.html", "financier"),
        ("https://www.uz.emb-japan.go.jp/itpr_en/x.html", "financier"),
        ("https://www.meti.go.jp/english/press/x.html", "government"),
        ("https://gov.uz/en/news/x", "government"),
        ("https://president.uz/en/lists/view/1", "government"),
        ("https://www.akorda.kz/en/x", "government"),
        ("https://notjica.go.jp.example.com/x", "press"),
        ("https://en.fergana.ru/news/1", "press"),
        ("", "unknown"),
    ],
)
def test_default_evidence_follows_the_publisher(url: str, tier: str) -> None:
    assert evidence_of_url(url) == tier


def test_a_package_is_an_aggregate_and_the_curation_decides(tmp_path: Path) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "\n".join(
            [
                HEADER + ",basis,evidence",
                _row("pkg", "https://en.fergana.ru/1", amount="5000") + ",,",
                _row("part", "https://www.jica.go.jp/1", package="pkg", amount="") + ",,",
                _row("chain", "https://www.jica.go.jp/2") + ",itemised,",
                _row("chain-order", "https://a.example/2", package="chain", amount="") + ",,",
                _row("claimed", "https://www.jica.go.jp/3") + ",aggregate,company",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    specs, problems = read_deals(deals)
    assert problems == []
    found = {s.identifier: (s.basis, s.evidence) for s in specs}
    assert found["pkg"] == ("aggregate", "press")
    assert found["part"] == ("itemised", "financier")
    assert found["chain"] == ("itemised", "financier")
    assert found["claimed"] == ("aggregate", "company")


def test_bad_composition_values_are_problems(tmp_path: Path) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_text(
        HEADER + ",basis,evidence\n" + _row("x", "https://a.example/") + ",partial,rumour\n",
        encoding="utf-8",
    )
    _specs, problems = read_deals(deals)
    assert {p.field for p in problems} == {"basis", "evidence"}


def test_every_counted_bundled_row_is_curated() -> None:
    specs, problems = read_deals(
        data_path("initiative", "deals.csv"), curation=data_path("initiative", "curation.csv")
    )
    assert problems == []
    counted = [s for s in specs if s.counts_toward_goal and s.transactions]
    assert counted
    for spec in counted:
        assert spec.count_decision is not None
        assert "evidence:" not in spec.count_decision  # no tag left in the text
    tags = {s.identifier: (s.basis, s.evidence) for s in counted}
    assert tags["uz-summit-2025-12bn-portfolio"][0] == "aggregate"
    assert tags["kz-summit-2025-60-agreements"][0] == "aggregate"
    assert tags["uz-jica-2019-navoi-tpp-phase2"][0] == "itemised"  # a funding chain
    assert tags["kg-jica-2015-intl-main-roads"] == ("itemised", "financier")
    assert "unknown" not in {evidence for _basis, evidence in tags.values()}


def test_an_uncurated_project_is_itemised_of_unknown_evidence() -> None:
    spec = ProjectSpec(identifier="x", title="x", stage="idea")
    assert (spec.basis, spec.evidence) == ("itemised", "unknown")
    with pytest.raises(ValidationError, match="basis"):
        ProjectSpec(identifier="x", title="x", stage="idea", basis="partial")  # type: ignore[arg-type]


@pytest.mark.parametrize("basis", list(BASES))
@pytest.mark.parametrize("evidence", list(EVIDENCE))
def test_composition_codes_round_trip(basis: str, evidence: str) -> None:
    assert decode_composition(composition_code(basis, evidence)) == (basis, evidence)
