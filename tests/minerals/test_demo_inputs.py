"""The Central Asia demo's inputs: training deposits by type or by commodity, and no training
site in the evidence (the uranium demo trains on U-bearing sites typed as another system)."""

from __future__ import annotations

import json
from pathlib import Path

import rasterio
from pyproj import Transformer

from cajad.minerals.demo import CA_CRS, build_demo_inputs

#: The U-bearing sites of the five countries: all typed Ni-Cr-PGE by their source.
URANIUM = {"Berkuty", "Chon-Oldjobai", "Muzbulak West", "Schastlivoe"}
MAFIC = {"dist_mafic_ultramafic": "mafic-ultramafic Ni-Cr-PGE"}


def _at_berkuty(evidence: Path, layer: str) -> float:
    x, y = Transformer.from_crs("EPSG:4326", CA_CRS, always_xy=True).transform(79.21, 42.28)
    with rasterio.open(evidence / f"{layer}.tif") as src:
        return float(next(src.sample([(x, y)]))[0])


def test_training_by_commodity_keeps_those_sites_out_of_the_evidence(tmp_path: Path) -> None:
    evidence, deposits = build_demo_inputs(
        tmp_path / "u",
        resolution=40_000,
        target=("U",),
        target_commodities=("U",),
        evidence_systems=MAFIC,
    )
    found = json.loads(deposits.read_text())["features"]
    assert {f["properties"]["name"] for f in found} == URANIUM
    assert deposits.name == "u_central_asia.geojson"
    # Typed Ni-Cr-PGE, the U sites would stand at distance 0 in that layer; they are labels.
    assert _at_berkuty(evidence, "dist_mafic_ultramafic") > 100
    plain, _ = build_demo_inputs(tmp_path / "mafic", resolution=40_000, evidence_systems=MAFIC)
    assert _at_berkuty(plain, "dist_mafic_ultramafic") < 40


def test_training_by_type_alone_is_unchanged(tmp_path: Path) -> None:
    _, deposits = build_demo_inputs(tmp_path, resolution=40_000, target=("REE",))
    found = json.loads(deposits.read_text())["features"]
    assert len(found) == 9 and deposits.name == "ree_central_asia.geojson"
