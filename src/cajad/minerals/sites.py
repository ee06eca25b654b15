"""The bundled Central Asian mineral sites: deduplication across sources and mineral systems."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pyproj import Transformer
from scipy.spatial import cKDTree

from cajad.data import data_path

__all__ = ["SYSTEMS", "dedupe_sites", "load_sites", "normalise_system"]

# Records of the more curated source are kept when sites merge.
_PRIORITY: Final = (
    "usgs_porcu",
    "gsc_world_sn_w",
    "usgs_major_deposits",
    "usgs_ree",
    "usgs_vms",
    "usgs_sedcu",
    "usgs_sir20105090z",
    "usgs_sedznpb",
    "usgs_sedexmvt",
    "usgs_nicrpge",
    "usgs_phosphate",
    "usgs_ofr20151121",
    "usgs_potash",
    "usgs_laterite",
    "usgs_sedau",
)
_BY_SOURCE: Final = {
    "usgs_porcu": "porphyry Cu",
    "usgs_sir20105090z": "sediment-hosted Cu",
    "usgs_sedcu": "sediment-hosted Cu",
    "usgs_vms": "VMS",
    "usgs_phosphate": "phosphate",
    "usgs_ofr20151121": "phosphate",
    "usgs_potash": "potash",
    "usgs_nicrpge": "mafic-ultramafic Ni-Cr-PGE",
    "usgs_laterite": "mafic-ultramafic Ni-Cr-PGE",
    "gsc_world_sn_w": "Sn-W",
    "usgs_ree": "REE",
    "usgs_sedznpb": "sediment-hosted Zn-Pb",
    "usgs_sedexmvt": "sediment-hosted Zn-Pb",
    "usgs_sedau": "Au",
}
SYSTEMS: Final = (
    "porphyry Cu",
    "sediment-hosted Cu",
    "VMS",
    "phosphate",
    "potash",
    "mafic-ultramafic Ni-Cr-PGE",
    "Sn-W",
    "REE",
    "sediment-hosted Zn-Pb",
    "Au",
    "U",
    "Fe",
    "other",
)


def normalise_system(source: str, deposit_type: str, commodities: str) -> str:
    """Mineral system of a site from its source dataset, upstream type and commodities.

    Each specialised USGS/GSC dataset is one system; the mixed "major deposits" records (types
    such as "Igneous" or "Hydrothermal") are classed by their leading commodities.
    """
    if source in _BY_SOURCE:
        return _BY_SOURCE[source]
    comm = [c.strip() for c in str(commodities or "").split(";") if c.strip()]
    kind = str(deposit_type or "").lower()
    head = set(comm[:2])
    if {"W", "Sn"} & head:
        return "Sn-W"
    if "U" in head:
        return "U"
    if "REE" in head:
        return "REE"
    if {"Cu", "Mo"} & head and kind in ("igneous", "hydrothermal"):
        return "porphyry Cu"
    if {"Au", "Ag"} & head:
        return "Au"
    if {"Zn", "Pb"} & head:
        return "sediment-hosted Zn-Pb" if kind == "sedimentary" else "VMS"
    if "Cu" in head:
        return "sediment-hosted Cu" if kind == "sedimentary" else "porphyry Cu"
    if {"Ni", "Cr", "Co", "PGE"} & head:
        return "mafic-ultramafic Ni-Cr-PGE"
    if "P" in head:
        return "phosphate"
    if {"K", "HAL"} & head:
        return "potash"
    if "Fe" in head:
        return "Fe"
    return "other"


def _name_key(name: object) -> set[str]:
    words = re.findall(r"[a-z0-9]+", str(name or "").lower())
    return {w for w in words if len(w) > 2 and w not in {"deposit", "mine", "the", "field"}}


def _similar(a: set[str], b: set[str]) -> float:
    """Best similarity (0..1) of a word of ``a`` and a word of ``b`` (1 if either is empty)."""
    if not a or not b:
        return 1.0
    return max(SequenceMatcher(None, u, v).ratio() for u in a for v in b)


def dedupe_sites(
    sites: pd.DataFrame, *, near_km: float = 2.0, far_km: float = 25.0
) -> pd.DataFrame:
    """Merge records of one site that several sources repeat.

    Two records from *different* source datasets are the same site when they lie within
    ``near_km`` and their names look alike (a word pair at least 50 % similar, e.g. Konyrat and
    Kounrad); or, since sources place one deposit up to ~20 km apart,
    within ``far_km`` with nearly the same name (a word pair at least 85 % similar). Groups close
    transitively; the record of the most curated source is kept, with ``sources`` listing all,
    ``commodities_all`` their union and ``n_records`` their count. Input needs lon, lat, name,
    source_dataset, commodities_norm.
    """
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(
        sites["lon"].to_numpy(), sites["lat"].to_numpy()
    )
    # Web Mercator stretches distances by 1/cos(lat): search wide, then measure each pair.
    tree = cKDTree(np.column_stack([x, y]))
    parent = np.arange(len(sites))
    names = [_name_key(n) for n in sites["name"]]
    src = sites["source_dataset"].to_numpy()
    lat = np.radians(sites["lat"].to_numpy())
    candidates = []
    for i, j in tree.query_pairs(far_km * 1000 / np.cos(np.radians(60))):
        if src[i] == src[j]:
            continue
        km = np.hypot(x[i] - x[j], y[i] - y[j]) * np.cos((lat[i] + lat[j]) / 2) / 1000
        sim = _similar(names[i], names[j])
        if (km <= near_km and sim >= 0.5) or (
            km <= far_km and names[i] and names[j] and sim >= 0.85
        ):
            candidates.append((km, i, j))
    # Closest pairs first, and a record joins at most one record of each other source, so one
    # district-wide record cannot swallow every site around it.
    partner: set[tuple[int, str]] = set()
    for _, i, j in sorted(candidates):
        if (i, src[j]) in partner or (j, src[i]) in partner:
            continue
        partner.update({(i, src[j]), (j, src[i])})
        parent[_root(parent, i)] = _root(parent, j)
    group = np.array([_root(parent, i) for i in range(len(sites))])
    return _merge(sites, group)


def _root(parent: NDArray[np.int64], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = int(parent[i])
    return i


def _merge(sites: pd.DataFrame, group: NDArray[np.int64]) -> pd.DataFrame:
    rank = {s: k for k, s in enumerate(_PRIORITY)}
    frame = sites.assign(
        _group=group, _rank=sites["source_dataset"].map(rank).fillna(len(rank))
    ).sort_values(["_group", "_rank"])
    first = frame.groupby("_group", sort=False).head(1).set_index("_group")
    agg = frame.groupby("_group", sort=False).agg(
        sources=("source_dataset", lambda s: ";".join(sorted(set(s)))),
        commodities_all=(
            "commodities_norm",
            lambda s: ";".join(sorted({c for v in s.dropna() for c in str(v).split(";") if c})),
        ),
        n_records=("source_dataset", "size"),
    )
    out = first.join(agg).reset_index(drop=True)
    return out.drop(columns=["_rank"])


def load_sites(*, dedupe: bool = True) -> pd.DataFrame:
    """The bundled sites (WGS84 lon/lat), deduplicated, with a ``system`` column."""
    sites = pd.read_csv(data_path("minerals", "central_asia_mineral_sites.csv"))
    if dedupe:
        sites = dedupe_sites(sites)
    sites["system"] = [
        normalise_system(s, t, c)
        for s, t, c in zip(
            sites["source_dataset"], sites["deposit_type"], sites["commodities_norm"], strict=True
        )
    ]
    return sites
