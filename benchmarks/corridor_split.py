"""Split the published transit-time figures ONCE into a calibration part and a held-out part.

Reads ``src/cajad/data/corridor/published_times.csv`` and writes ``published_times_split.csv``
beside it (``id,part``; ``part`` is ``calibration`` or ``heldout``). The split must be made once,
before anything is fitted to these figures, so an existing split file is never overwritten unless
``--force`` is given.

Method (also written in that folder's SOURCE.md):

* Rows are first put in *groups* so that several figures one source gives for one leg (a series
  of years, a "before" and a "now", a typical and a worst case) land in the same part: the group
  key is the URL, the origin and the destination as written in the table.
* Groups are stratified by ``kind`` (schedule, measured, claim, dwell); a group whose rows
  disagree on the kind goes to the stratum ``MIXED``.
* In each stratum, in sorted order of the strata, the groups (sorted by key) are shuffled with one
  ``random.Random(SEED)`` and taken in that order into the held-out part while the held-out part
  of the stratum holds fewer than ``round(HELDOUT_SHARE * rows in stratum)`` rows; the rest are
  calibration. Every kind with at least two groups therefore has figures in both parts.

Run from the repository root::

    python benchmarks/corridor_split.py            # refuses if the split file exists
    python benchmarks/corridor_split.py --force    # only to repair a lost file; see SOURCE.md
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _split import grouped_split, one_value_or_mixed, refuse_to_overwrite

SEED = 1401  # issue 14, item 1
HELDOUT_SHARE = 0.4
FOLDER = Path(__file__).resolve().parents[1] / "src" / "cajad" / "data" / "corridor"


def group_key(row: dict[str, str]) -> str:
    """One source's figures for one leg stay together."""
    return f"{row['url']}|{row['origin']}|{row['destination']}"


def split(
    rows: list[dict[str, str]], seed: int = SEED, share: float = HELDOUT_SHARE
) -> dict[str, str]:
    """``id -> part`` for every row; groups stratified by ``kind``."""
    return grouped_split(
        rows,
        group=group_key,
        stratum=lambda members: one_value_or_mixed(members, "kind"),
        key=lambda row: row["id"],
        fit_part="calibration",
        seed=seed,
        share=share,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=Path, default=FOLDER / "published_times.csv")
    parser.add_argument("--out", type=Path, default=FOLDER / "published_times_split.csv")
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite an existing split (do not, once fitting began)",
    )
    args = parser.parse_args(argv)
    if refuse_to_overwrite(args.out, force=args.force):
        return 1
    with args.figures.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ids = [row["id"] for row in rows]
    if len(ids) != len(set(ids)):
        print("duplicate ids in the figures table", file=sys.stderr)
        return 1
    part = split(rows)
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["id", "part"])
        for row in rows:
            writer.writerow([row["id"], part[row["id"]]])
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in rows:
        counts[(row["kind"], row["family"], part[row["id"]])] += 1
    for (kind, family, name), n in sorted(counts.items()):
        print(f"{kind:9} {family:13} {name:12} {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
