"""Add a fresh held-out part (``heldout2``) to the screening benchmark, ONCE, before any tuning.

The first held-out part of ``src/cajad/data/screening/benchmark`` was scored for five
configurations in issue 12's first round, so it no longer measures anything untouched. This script
takes rows that were never used, from the same two publishers' files, with the same filters,
columns and normalisation as ``projects.csv`` (SOURCE.md, "What was done"), selects 300 of them
with a fixed seed, appends them to ``projects.csv`` and gives them ``part = heldout2`` in
``split.csv``. Nothing is written when ``split.csv`` already holds a ``heldout2`` row, unless
``--force`` is given (only to repair a lost file: the same inputs and seed give the same rows).

It needs the raw files and two packages that the product does not use (``rdata``, ``pandas``);
run it from a scratch virtual environment::

    git -C SLOGAN cat-file blob 8fa0f158b4a19a074c396990ecb66189b004a674 > p2.Rdata
    git -C SLOGAN cat-file blob cc64376cb031fc80c909726baece6084f3bd2d53 > p3.Rdata
    git -C SMARTQUERY cat-file blob b5d0a8a6a5dd3ce1dcb0f4641ba87a332d5cdb43 > ifc.csv
    python benchmarks/screening_heldout2.py --wb-2024 p2.Rdata --wb-2025 p3.Rdata --ifc ifc.csv

``--verify`` rebuilds the rows of the first 532 (same scope: Central Asia every category, the
wider region category A) with this script's normalisation and reports every cell that differs
from ``projects.csv``; it writes nothing.

Scope of the pool: single-country projects of the World Bank's Europe and Central Asia region and
of Mongolia, Afghanistan and Pakistan, minus the five Central Asian countries (every row there was
already taken), minus any row whose id or group (``screening_split.group_key``) is already in
``projects.csv``. Multi-country entries and the former Yugoslavia are left out (no ISO code).

Selection: per category a quota (A 60, B 100, C 70, FI 70: close to the first benchmark's mix,
so the figures compare; A is kept high because "no published A in C" is the issue's hard line),
shared between the financiers in proportion to the pool (largest remainder). In each
financier × category stratum, in sorted order, the sorted group keys are shuffled with one
``random.Random(SEED)`` and whole groups are taken until the quota is reached.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from screening_split import FOLDER, group_key

SEED = 1202  # issue 12, second held-out part
QUOTA = {"A": 60, "B": 100, "C": 70, "FI": 70}
PART = "heldout2"
CENTRAL_ASIA = {"KZ", "KG", "TJ", "TM", "UZ"}
WIDER = {"MN", "AF", "AZ", "GE", "AM", "PK", "TR"}  # the first benchmark's "wider" (A rows only)
#: World Bank ``countryname`` -> ISO 3166-1 alpha-2 (Europe and Central Asia, plus MN, AF, PK).
WB_ISO = {
    "Republic of Turkiye": "TR",
    "Ukraine": "UA",
    "Kyrgyz Republic": "KG",
    "Republic of Tajikistan": "TJ",
    "Republic of Armenia": "AM",
    "Romania": "RO",
    "Republic of Albania": "AL",
    "Republic of Moldova": "MD",
    "Russian Federation": "RU",
    "Georgia": "GE",
    "Bosnia and Herzegovina": "BA",
    "Republic of Uzbekistan": "UZ",
    "Republic of Serbia": "RS",
    "Republic of Azerbaijan": "AZ",
    "Republic of Kazakhstan": "KZ",
    "Republic of Croatia": "HR",
    "Macedonia, Republic of North": "MK",
    "Republic of Kosovo": "XK",
    "Republic of Bulgaria": "BG",
    "Republic of Poland": "PL",
    "Hungary": "HU",
    "Republic of Belarus": "BY",
    "Montenegro": "ME",
    "Portuguese Republic": "PT",
    "Republic of Cyprus": "CY",
    "Republic of Latvia": "LV",
    "Slovak Republic": "SK",
    "Republic of Finland": "FI",
    "Hellenic Republic": "GR",
    "Republic of Lithuania": "LT",
    "Turkmenistan": "TM",
    "Kingdom of Spain": "ES",
    "Republic of Estonia": "EE",
    "Czech Republic": "CZ",
    "Republic of Iceland": "IS",
    "Republic of Austria": "AT",
    "Kingdom of the Netherlands": "NL",
    "Italian Republic": "IT",
    "Ireland": "IE",
    "Republic of Slovenia": "SI",
    "Kingdom of Norway": "NO",
    "Kingdom of Belgium": "BE",
    "Kingdom of Denmark": "DK",
    "Grand Duchy of Luxembourg": "LU",
    "French Republic": "FR",
    "Mongolia": "MN",
    "Islamic  Republic of Afghanistan": "AF",
    "Islamic Republic of Pakistan": "PK",
}
#: IFC ``Country`` -> ISO code, for the same countries (IFC's own "WB Country Code" says YF for
#: Serbia and is empty for Czechia, so the names are mapped here).
IFC_ISO = {
    "Turkiye": "TR",
    "Ukraine": "UA",
    "Kyrgyz Republic": "KG",
    "Tajikistan": "TJ",
    "Armenia": "AM",
    "Romania": "RO",
    "Albania": "AL",
    "Moldova": "MD",
    "Russian Federation": "RU",
    "Georgia": "GE",
    "Bosnia and Herzegovina": "BA",
    "Uzbekistan": "UZ",
    "Serbia": "RS",
    "Azerbaijan": "AZ",
    "Kazakhstan": "KZ",
    "Croatia": "HR",
    "North Macedonia": "MK",
    "Kosovo": "XK",
    "Bulgaria": "BG",
    "Poland": "PL",
    "Hungary": "HU",
    "Belarus": "BY",
    "Montenegro": "ME",
    "Latvia": "LV",
    "Lithuania": "LT",
    "Estonia": "EE",
    "Czechia": "CZ",
    "Slovak Republic": "SK",
    "Slovenia": "SI",
    "Greece": "GR",
    "Cyprus": "CY",
    "Mongolia": "MN",
    "Afghanistan": "AF",
    "Pakistan": "PK",
}
WB_2024, WB_2025, IFC = "WB-PROJECTS-2024-08", "WB-PROJECTS-2025-03", "IFC-ISP-2025-04"
COLUMNS = (
    "id financier country title sector description amount currency approval_date category "
    "category_source source country_name region_scope instrument project_cost esf_risk status "
    "data_as_of url"
).split()
Row = dict[str, str]


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _money(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if number != number or not number else str(int(number))


def _description(pdo: str, limit: int = 300) -> str:
    text = re.sub(r"\s+", " ", pdo).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: cut.rfind(" ")].rstrip() + " …"


def _frame(path: Path) -> Any:
    import rdata

    (frame,) = rdata.read_rda(str(path)).values()
    return frame


def wb_rows(p2: Path, p3: Path, iso: dict[str, str]) -> tuple[list[Row], Counter[str]]:
    """World Bank rows of the countries in ``iso`` that pass SOURCE.md's filters, and drops."""
    old, new = _frame(p2), _frame(p3)
    later = {r["id"]: _s(r["envassesmentcategorycode"]) for _, r in new.iterrows()}
    seen = set(later)
    kept, dropped = [], Counter[str]()
    for _, raw in old.iterrows():
        code = iso.get(_s(raw["countryname"]))
        if code is None:
            continue
        first, second = _s(raw["envassesmentcategorycode"]), later.get(raw["id"], "")
        if first and first not in "ABCF":
            dropped["code not A/B/C/F"] += 1
            continue
        if first and second and first != second:
            dropped["snapshots disagree"] += 1
            continue
        if first and (raw["id"] not in seen or not second):
            dropped["blank or absent in 2025-03"] += 1
            continue
        category = first or (second if second in ("A", "B", "C", "F") else "")
        if not category:
            dropped["no category"] += 1
            continue
        status = _s(raw["projectstatusdisplay"])
        if status not in ("Closed", "Active"):
            dropped[f"status {status}"] += 1
            continue
        source = WB_2024 if first else WB_2025
        kept.append(
            {
                "id": raw["id"],
                "financier": "WB",
                "country": code,
                "title": _s(raw["project_name"]).strip(),
                "sector": "; ".join(
                    s
                    for s in (raw["sector1"], raw["sector2"], raw["sector3"])
                    if isinstance(s, str)
                ),
                "description": _description(_s(raw["pdo"])),
                "amount": _money(raw["curr_total_commitment"]),
                "currency": "USD",
                "approval_date": _s(raw["boardapprovaldate"])[:10],
                "category": "FI" if category == "F" else category,
                "category_source": "World Bank projects list, 'Environmental Assessment Category'"
                f" (envassesmentcategorycode) = {category}",
                "source": source,
                "country_name": _s(raw["countryname"]),
                "region_scope": "",
                "instrument": _s(raw["lendinginstr"]),
                "project_cost": _money(raw["curr_project_cost"]),
                "esf_risk": "",
                "status": status,
                "data_as_of": "2024-08-29" if first else "2025-03-31",
                "url": f"https://projects.worldbank.org/en/projects-operations/project-detail/{raw['id']}",
            }
        )
    return kept, dropped


def _iso_date(text: str) -> str:
    month, day, year = text.split("/")
    return f"{year}-{month}-{day}"


def ifc_rows(path: Path, iso: dict[str, str]) -> tuple[list[Row], Counter[str]]:
    """IFC rows of the countries in ``iso`` that pass SOURCE.md's filters, and drops."""
    kept: dict[str, Row] = {}
    dropped = Counter[str]()
    with path.open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle):
            code = iso.get(raw["Country"])
            if code is None:
                continue
            published = raw["Environmental Category"]
            category = "FI" if published.startswith("FI") else published
            if category not in ("A", "B", "C", "FI"):
                dropped[f"category {published}"] += 1
                continue
            if not raw["IFC Approval Date"]:
                dropped[f"not yet approved ({raw['Status']})"] += 1
                continue
            number = raw["Project Number"]
            if number in kept:
                if kept[number]["category"] != category:
                    dropped["listings disagree"] += 1
                    kept[number]["category"] = "DISAGREE"
                continue
            total = raw["Total IFC investment as approved by Board(Million - USD)"]
            kept[number] = {
                "id": number,
                "financier": "IFC",
                "country": code,
                "title": raw["Project Name"].strip(),
                "sector": raw["Industry"],
                "description": "",
                "amount": str(int(Decimal(total) * 10**6)) if total else "",
                "currency": "USD",
                "approval_date": _iso_date(raw["IFC Approval Date"]),
                "category": category,
                "category_source": "IFC Investment Services Projects, 'Environmental Category'"
                f" = {published}",
                "source": IFC,
                "country_name": raw["Country"],
                "region_scope": "",
                "instrument": raw["Product Line"],
                "project_cost": "",
                "esf_risk": "",
                "status": raw["Status"],
                "data_as_of": _iso_date(raw["As of Date"]),
                "url": raw["Project Url"],
            }
    return [r for r in kept.values() if r["category"] != "DISAGREE"], dropped


def _scope(row: Row) -> str:
    if row["country"] in CENTRAL_ASIA:
        return "central_asia"
    return "wider" if row["country"] in WIDER else "europe_central_asia"


def pool(args: argparse.Namespace, existing: list[Row]) -> tuple[list[Row], Counter[str]]:
    """Every in-scope row never used, with its region scope filled in."""
    wb, wb_drop = wb_rows(args.wb_2024, args.wb_2025, WB_ISO)
    ifc, ifc_drop = ifc_rows(args.ifc, IFC_ISO)
    found = []
    for row in unused(wb + ifc, existing):
        row["region_scope"] = _scope(row)
        if row["region_scope"] != "central_asia":
            found.append(row)
    drops = Counter({f"WB {k}": v for k, v in wb_drop.items()})
    drops.update({f"IFC {k}": v for k, v in ifc_drop.items()})
    return found, drops


def unused(rows: list[Row], existing: list[Row]) -> list[Row]:
    """Those of ``rows`` that ``existing`` holds neither by (id, financier) nor by split group
    (``screening_split.group_key``: financier, country and title)."""
    used_ids = {(r["id"], r["financier"]) for r in existing}
    used_groups = {group_key(r) for r in existing}
    return [
        r
        for r in rows
        if (r["id"], r["financier"]) not in used_ids and group_key(r) not in used_groups
    ]


def select(rows: list[Row], seed: int = SEED, quota: dict[str, int] = QUOTA) -> list[Row]:
    """The quota of each category, shared between financiers, taken as whole groups."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[group_key(row)].append(row)
    strata: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, members in groups.items():
        categories = {m["category"] for m in members}
        if len(categories) == 1:  # a group whose rows disagree is left out
            strata[(members[0]["financier"], categories.pop())].append(key)
    rng = random.Random(seed)
    chosen: list[Row] = []
    for category, wanted in quota.items():
        sizes = {f: sum(len(groups[k]) for k in strata[(f, category)]) for f in ("IFC", "WB")}
        total = sum(sizes.values())
        exact = {f: wanted * n / total for f, n in sizes.items()}
        share = {f: int(v) for f, v in exact.items()}
        for f in sorted(exact, key=lambda f: -(exact[f] - share[f]))[
            : wanted - sum(share.values())
        ]:
            share[f] += 1
        for financier in ("IFC", "WB"):
            keys = sorted(strata[(financier, category)])
            rng.shuffle(keys)
            taken = 0
            for key in keys:
                if taken >= share[financier]:
                    break
                chosen += groups[key]
                taken += len(groups[key])
    return chosen


def verify(args: argparse.Namespace, existing: list[Row]) -> int:
    """Cells of ``projects.csv`` that this script's normalisation would write differently."""
    wb, _ = wb_rows(args.wb_2024, args.wb_2025, WB_ISO)
    ifc, _ = ifc_rows(args.ifc, IFC_ISO)
    rebuilt = {(r["id"], r["financier"]): r for r in wb + ifc}
    differ = 0
    for row in existing:
        mine = rebuilt.get((row["id"], row["financier"]))
        if mine is None:
            continue
        for column in COLUMNS:
            if column != "region_scope" and mine[column] != row[column]:
                differ += 1
                print(f"{row['id']} {column}: {row[column]!r} != {mine[column]!r}")
    compared = sum((r["id"], r["financier"]) in rebuilt for r in existing)
    print(f"compared {compared} of {len(existing)} rows; {differ} cells differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wb-2024", type=Path, required=True)
    parser.add_argument("--wb-2025", type=Path, required=True)
    parser.add_argument("--ifc", type=Path, required=True)
    parser.add_argument("--verify", action="store_true", help="check the normalisation only")
    parser.add_argument("--force", action="store_true", help="only to repair a lost part")
    args = parser.parse_args(argv)
    projects, split_path = FOLDER / "projects.csv", FOLDER / "split.csv"
    with projects.open(encoding="utf-8", newline="") as fh:
        existing = list(csv.DictReader(fh))
    with split_path.open(encoding="utf-8", newline="") as fh:
        split = list(csv.DictReader(fh))
    if args.verify:
        return verify(args, existing)
    if any(s["part"] == PART for s in split):
        if not args.force:
            print(f"{split_path} already has a {PART} part: it is made once.", file=sys.stderr)
            return 1
        keep = {(s["id"], s["financier"]) for s in split if s["part"] != PART}
        existing = [r for r in existing if (r["id"], r["financier"]) in keep]
        split = [s for s in split if s["part"] != PART]
    found, drops = pool(args, existing)
    for reason, n in sorted(drops.items()):
        print(f"dropped (whole region, before removing used rows): {reason}: {n}")
    print(f"pool: {len(found)} rows", dict(Counter((r["financier"], r["category"]) for r in found)))
    chosen = select(found)
    append_part(existing, split, chosen, PART)
    return 0


def append_part(existing: list[Row], split: list[Row], chosen: list[Row], part: str) -> None:
    """Write ``projects.csv`` and ``split.csv`` with ``chosen`` appended as ``part``."""
    projects, split_path = FOLDER / "projects.csv", FOLDER / "split.csv"
    with projects.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(existing + chosen)
    with split_path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["id", "financier", "part"])
        for s in split:
            out.writerow([s["id"], s["financier"], s["part"]])
        for row in chosen:
            out.writerow([row["id"], row["financier"], part])
    counts = Counter((r["financier"], r["category"]) for r in chosen)
    print(f"{part}: {len(chosen)} rows", dict(sorted(counts.items())))
    print("by scope:", dict(Counter(r["region_scope"] for r in chosen)))
    print("by country:", dict(Counter(r["country"] for r in chosen).most_common()))


if __name__ == "__main__":
    raise SystemExit(main())
