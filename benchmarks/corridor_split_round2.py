"""Round 2 of the published transit-time split (issue 14): split the NEW rows ONCE.

Round 1 (``corridor_split.py``, seed 1401) split the first 133 figures. Its held-out measured
shipments were then judged and seen, so a claim about realised times needs figures nobody has
looked at. This script, run once after new measured shipments were added to
``published_times.csv`` and before anything was fitted to them:

* moves every round-1 *measured* row of the held-out part into calibration, marked
  ``round = 1-seen`` (they were held out, judged and seen: they may be fitted on, never again
  reported as held-out);
* keeps every other round-1 row as it was (``round = 1``);
* splits the rows the split file does not know yet (``round = 2``): grouped by URL, origin and
  destination as in round 1, stratified by family and by whether both ends are places of the
  network (the node columns are filled), so that the fresh held-out part holds movements the
  model can judge; within each stratum, in sorted order, groups are shuffled with
  ``random.Random(SEED)`` and taken into the held-out part while it holds fewer than
  ``round(HELDOUT_SHARE * rows in stratum)`` rows.

The split file gains a third column, ``round``. The script refuses to run when any row already
has round 2, unless ``--force`` is given (only to repair a lost file; see SOURCE.md).

Run from the repository root::

    python benchmarks/corridor_split_round2.py
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _split import grouped_split

SEED = 1402  # issue 14, round 2
HELDOUT_SHARE = 0.6
"""More than round 1's 0.4: the fresh held-out part is what the realised-time claim rests on,
and few of the new figures exist."""
FOLDER = Path(__file__).resolve().parents[1] / "src" / "cajad" / "data" / "corridor"


def group_key(row: dict[str, str]) -> str:
    """One source's figures for one leg stay together (as in round 1)."""
    return f"{row['url']}|{row['origin']}|{row['destination']}"


def stratum(members: list[dict[str, str]]) -> str:
    """Family, and whether every row of the group has both ends as network nodes."""
    families = {m["family"] for m in members}
    judged = all(m["origin_node"] and m["destination_node"] for m in members)
    family = families.pop() if len(families) == 1 else "MIXED"
    return f"{family}|{'places' if judged else 'no-place'}"


def split_new(rows: list[dict[str, str]], seed: int = SEED) -> dict[str, str]:
    """``id -> part`` for the new rows."""
    return grouped_split(
        rows,
        group=group_key,
        stratum=stratum,
        key=lambda row: row["id"],
        fit_part="calibration",
        seed=seed,
        share=HELDOUT_SHARE,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=Path, default=FOLDER / "published_times.csv")
    parser.add_argument("--split", type=Path, default=FOLDER / "published_times_split.csv")
    parser.add_argument("--force", action="store_true", help="redo round 2 (repair only)")
    args = parser.parse_args(argv)
    with args.figures.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with args.split.open(newline="", encoding="utf-8") as fh:
        old = list(csv.DictReader(fh))
    if any(r.get("round") == "2" for r in old) and not args.force:
        print(f"{args.split} already holds round 2: it is made once.", file=sys.stderr)
        return 1
    kind = {r["id"]: r["kind"] for r in rows}
    first = [r for r in old if r.get("round", "1") != "2"]
    known = {r["id"] for r in first}
    out: list[tuple[str, str, str]] = []
    for r in first:
        seen = r["part"] == "heldout" and kind[r["id"]] == "measured"
        part = "calibration" if seen else r["part"]
        out.append((r["id"], part, "1-seen" if seen or r.get("round") == "1-seen" else "1"))
    new = [r for r in rows if r["id"] not in known]
    part = split_new(new)
    out.extend((r["id"], part[r["id"]], "2") for r in new)
    with args.split.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["id", "part", "round"])
        writer.writerows(out)
    counts = Counter((stratum([r]), part[r["id"]]) for r in new)
    for (name, chosen), n in sorted(counts.items()):
        print(f"round 2 {name:24} {chosen:12} {n}")
    print(f"round 1 measured rows moved to calibration: {sum(o[2] == '1-seen' for o in out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
