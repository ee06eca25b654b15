"""Split the labelled screening benchmark ONCE into a development part and a held-out part.

Reads ``src/cajad/data/screening/benchmark/projects.csv`` and writes ``split.csv`` beside it
(``id,financier,part``; ``part`` is ``development`` or ``heldout``). The split must be made once,
before any tuning, so an existing ``split.csv`` is never overwritten unless ``--force`` is given.

Method (also written in that folder's SOURCE.md):

* Rows are first put in *groups* so that a project and its additional financing land in the same
  part: the group key is the financier, the country (or the published country name where the
  ISO code is empty) and the title lower-cased, with "additional financing" (and "second",
  "third", "2nd", "3rd" before it), a standalone "AF" and every non-alphanumeric character
  removed.
* Groups are stratified by financier and category (a group whose rows disagree on the category
  goes to the stratum ``financier/MIXED``).
* In each stratum, in sorted order of the strata, the groups (sorted by key) are shuffled with one
  ``random.Random(SEED)`` and taken in that order into the held-out part while the held-out part
  of the stratum holds fewer than ``round(HELDOUT_SHARE * rows in stratum)`` rows; the rest are
  development.

Run from the repository root::

    python benchmarks/screening_split.py            # refuses if split.csv exists
    python benchmarks/screening_split.py --force    # only to repair a lost file; see SOURCE.md

The rows of the second held-out part (``part = heldout2``, added by ``screening_heldout2.py``)
are not split again: with ``--force`` they keep their part, after the re-split first rows.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _split import grouped_split, one_value_or_mixed, refuse_to_overwrite

SEED = 1201  # issue 12, item 1
HELDOUT_SHARE = 0.4
FOLDER = Path(__file__).resolve().parents[1] / "src" / "cajad" / "data" / "screening" / "benchmark"

_AF = re.compile(r"\b(?:(?:second|third|fourth|2nd|3rd|4th)\s+)?additional\s+financ\w*|\baf\d?\b")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def group_key(row: dict[str, str]) -> str:
    """Financier, country and the title without its additional-financing words."""
    base = _AF.sub(" ", row["title"].lower())
    where = row["country"] or row.get("country_name", "")
    return f"{row['financier']}|{where}|{_NON_ALNUM.sub('', base)}"


def split(
    rows: list[dict[str, str]], seed: int = SEED, share: float = HELDOUT_SHARE
) -> dict[tuple[str, str], str]:
    """``(id, financier) -> part`` for every row; groups stratified by financier and category."""
    return grouped_split(
        rows,
        group=group_key,
        stratum=lambda members: (
            f"{members[0]['financier']}/" + one_value_or_mixed(members, "category")
        ),
        key=lambda row: (row["id"], row["financier"]),
        fit_part="development",
        seed=seed,
        share=share,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=Path, default=FOLDER / "projects.csv")
    parser.add_argument("--out", type=Path, default=FOLDER / "split.csv")
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite an existing split (do not, once tuning began)",
    )
    args = parser.parse_args(argv)
    if refuse_to_overwrite(args.out, force=args.force):
        return 1
    with args.projects.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    later: dict[tuple[str, str], str] = {}
    if args.out.exists():
        with args.out.open(newline="", encoding="utf-8") as fh:
            later = {
                (r["id"], r["financier"]): r["part"]
                for r in csv.DictReader(fh)
                if r["part"] == "heldout2"
            }
    kept = [r for r in rows if (r["id"], r["financier"]) not in later]
    part = {**split(kept), **later}
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["id", "financier", "part"])
        for row in rows:
            writer.writerow([row["id"], row["financier"], part[(row["id"], row["financier"])]])
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        counts[(row["category"], part[(row["id"], row["financier"])])] += 1
    for (category, name), n in sorted(counts.items()):
        print(f"{category:3} {name:12} {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
