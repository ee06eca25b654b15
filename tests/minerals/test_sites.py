"""The bundled Central Asian sites: deduplication across sources and mineral systems."""

from __future__ import annotations

import pandas as pd

from cajad.minerals.sites import SYSTEMS, dedupe_sites, load_sites, normalise_system


def test_overlapping_sources_are_merged() -> None:
    raw = load_sites(dedupe=False)
    sites = load_sites()
    assert len(raw) == 2550 and int(raw["in_ca5"].sum()) == 1268
    assert len(sites) == 2383 and int(sites["in_ca5"].sum()) == 1186
    kounrad = sites[sites["name"] == "Kounrad"]
    merged = kounrad[kounrad["n_records"] > 1].iloc[0]
    # the porphyry record wins and keeps the other sources
    assert merged["source_dataset"] == "usgs_porcu" and merged["system"] == "porphyry Cu"
    assert "usgs_major_deposits" in merged["sources"]
    assert set(sites["system"]) <= set(SYSTEMS)


def test_rules_of_merging() -> None:
    frame = pd.DataFrame(
        {
            "source_dataset": ["usgs_porcu", "usgs_major_deposits", "usgs_vms", "usgs_porcu"],
            "name": ["Kounrad", "Qonyrat (Kounrad)", "Other place", "Kounrad"],
            "lon": [74.987, 74.75, 74.99, 74.99],
            "lat": [46.99, 47.0, 46.99, 46.99],
            "commodities_norm": ["Cu;Mo", "Cu", "Zn", "Cu"],
        }
    )
    out = dedupe_sites(frame)
    # 18 km apart with the same name: merged; 0.2 km with another name: kept; same source: kept
    assert len(out) == 3
    assert out["n_records"].tolist().count(2) == 1


def test_normalised_systems() -> None:
    assert normalise_system("usgs_porcu", "17", "Cu;Mo") == "porphyry Cu"
    assert normalise_system("usgs_major_deposits", "Hydrothermal", "W;Mo") == "Sn-W"
    assert normalise_system("usgs_major_deposits", "Hydrothermal", "Au;Ag") == "Au"
    assert normalise_system("usgs_major_deposits", "Sedimentary", "Cu") == "sediment-hosted Cu"
    assert normalise_system("usgs_major_deposits", "Surficial", "U") == "U"
