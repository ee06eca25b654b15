"""Add a third, fresh held-out part (``heldout3``) to the screening benchmark, ONCE, before tuning.

``heldout2`` was scored once, for catalogue 2026.4 (issue 12, fourth session); it then joined the
development data, as the first held-out part had before it. This part is drawn from rows no
earlier part could hold: World Bank and IFC projects of **South Asia and East Asia and the
Pacific** (single-country; Mongolia, Afghanistan and Pakistan left out, since their rows fed the
earlier parts), with the filters, columns, normalisation, quota and whole-group selection of
``screening_heldout2.py`` and its own seed. Nothing is written when ``split.csv`` already holds a
``heldout3`` row.

Run it from the scratch environment of ``screening_heldout2.py`` with the same three raw files::

    python benchmarks/screening_heldout3.py --wb-2024 p2.Rdata --wb-2025 p3.Rdata --ifc ifc.csv

``--write-pool FILE`` writes nothing into the benchmark: it writes to ``FILE`` every row of every
region (World Bank and IFC, same filters) that no part of the benchmark holds by id, for
``benchmarks/screening_ceiling.py --pool FILE`` (how far more training data moves a text model).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from screening_heldout2 import QUOTA, Row, append_part, ifc_rows, select, unused, wb_rows
from screening_split import FOLDER

SEED = 1203  # issue 12, third held-out part
PART = "heldout3"
#: World Bank ``countryname`` -> ISO 3166-1 alpha-2, South Asia and East Asia and the Pacific.
WB_ISO = {
    "Republic of India": "IN",
    "People's Republic of Bangladesh": "BD",
    "Democratic Socialist Republic of Sri Lan": "LK",
    "Nepal": "NP",
    "Kingdom of Bhutan": "BT",
    "Republic of Maldives": "MV",
    "People's Republic of China": "CN",
    "Republic of Indonesia": "ID",
    "Republic of the Philippines": "PH",
    "Socialist Republic of Vietnam": "VN",
    "Kingdom of Cambodia": "KH",
    "Lao People's Democratic Republic": "LA",
    "Republic of the Union of Myanmar": "MM",
    "Kingdom of Thailand": "TH",
    "Malaysia": "MY",
    "Democratic Republic of Timor-Leste": "TL",
    "The Independent State of Papua New Guine": "PG",
    "Republic of Fiji": "FJ",
    "Solomon Islands": "SB",
    "Republic of Vanuatu": "VU",
    "Samoa": "WS",
    "Kingdom of Tonga": "TO",
    "Republic of Kiribati": "KI",
    "Tuvalu": "TV",
    "Federated States of Micronesia": "FM",
    "Republic of the Marshall Islands": "MH",
    "Republic of Palau": "PW",
    "Republic of Korea": "KR",
}
#: IFC ``Country`` -> ISO code for the same countries.
IFC_ISO = {
    "India": "IN",
    "Bangladesh": "BD",
    "Sri Lanka": "LK",
    "Nepal": "NP",
    "Bhutan": "BT",
    "Maldives": "MV",
    "China": "CN",
    "Indonesia": "ID",
    "Philippines": "PH",
    "Viet Nam": "VN",
    "Cambodia": "KH",
    "Lao People's Democratic Republic": "LA",
    "Myanmar": "MM",
    "Thailand": "TH",
    "Malaysia": "MY",
    "Timor-Leste": "TL",
    "Papua New Guinea": "PG",
    "Fiji": "FJ",
    "Solomon Islands": "SB",
    "Vanuatu": "VU",
    "Samoa": "WS",
    "Tonga": "TO",
    "Marshall Islands": "MH",
    "Korea, Republic of": "KR",
}


def pool(args: argparse.Namespace, existing: list[Row]) -> list[Row]:
    """Every row of the two regions that no earlier part holds (by id or by group)."""
    wb, _ = wb_rows(args.wb_2024, args.wb_2025, WB_ISO)
    ifc, _ = ifc_rows(args.ifc, IFC_ISO)
    found = unused(wb + ifc, existing)
    for row in found:
        row["region_scope"] = "asia"
    return found


def write_pool(args: argparse.Namespace, existing: list[Row]) -> int:
    """Every row of every region that no part holds by id, to ``args.write_pool`` (not the
    benchmark). The pool's rows carry no ISO country, so their split groups (financier, country,
    title) name the country in words and rarely meet a part's: a successor project of a part's
    row may be in the pool, which can only flatter a model trained on it."""
    import rdata

    (frame,) = rdata.read_rda(str(args.wb_2024)).values()
    anywhere = dict.fromkeys(frame["countryname"].dropna().unique(), "")
    with args.ifc.open(encoding="utf-8", newline="") as fh:
        anywhere_ifc = {r["Country"]: "" for r in csv.DictReader(fh)}
    wb, _ = wb_rows(args.wb_2024, args.wb_2025, anywhere)
    ifc, _ = ifc_rows(args.ifc, anywhere_ifc)
    rows = unused(wb + ifc, existing)
    with args.write_pool.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(
        f"wrote {len(rows)} rows to {args.write_pool}", dict(Counter(r["category"] for r in rows))
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wb-2024", type=Path, required=True)
    parser.add_argument("--wb-2025", type=Path, required=True)
    parser.add_argument("--ifc", type=Path, required=True)
    parser.add_argument("--write-pool", type=Path, help="write the world's unused rows; no part")
    args = parser.parse_args(argv)
    with (FOLDER / "projects.csv").open(encoding="utf-8", newline="") as fh:
        existing = list(csv.DictReader(fh))
    with (FOLDER / "split.csv").open(encoding="utf-8", newline="") as fh:
        split = list(csv.DictReader(fh))
    if args.write_pool:
        return write_pool(args, existing)
    if any(s["part"] == PART for s in split):
        print(f"split.csv already has a {PART} part: it is made once.", file=sys.stderr)
        return 1
    found = pool(args, existing)
    print(f"pool: {len(found)} rows", dict(Counter((r["financier"], r["category"]) for r in found)))
    append_part(existing, split, select(found, seed=SEED, quota=QUOTA), PART)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
