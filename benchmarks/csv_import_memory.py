"""Peak memory of a transactions CSV import, by file size: is it flat?

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/csv_import_memory.py [--sizes 200000 2000000]``.

For each size, a child process (so each peak is its own) builds a SQLite register with the
demo deals in a temporary folder, writes a CSV of that many valid transactions on the demo
projects (commitments and disbursements in JPY, USD and EUR, value dates 2024-2026, refs
unique per project), and imports it with :func:`cajad.register.import_file` (one
transaction, all or nothing; streamed in batches since issue 16 item 8). It prints the peak
resident memory before the import (register built, file written) and after it
(``resource.getrusage``, ``ru_maxrss``), the import's seconds and rows per second, and the
growth per row; then the ratio of the peaks of the largest and smallest size (flat memory:
about 1; the aim is at most 1.2 from 200 k to 2 M rows).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HEADER = ("project", "ref", "type", "value", "currency", "value_date")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(rows: int, folder: Path) -> dict[str, float]:
    """Build, write, import ``rows`` rows; the figures of this process."""
    from sqlalchemy import select

    from cajad.register import import_file, init, load_demo, make_engine, session_scope
    from cajad.register.models import Project

    engine = make_engine(f"sqlite:///{folder / 'cajad.sqlite'}")
    init(engine)
    load_demo(engine)
    with session_scope(engine) as session:
        projects = list(session.scalars(select(Project.identifier).order_by(Project.identifier)))
    rng = random.Random(16)
    path = folder / "transactions.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for i in range(rows):
            out.writerow(
                (
                    projects[i % len(projects)],
                    f"bench-{i:08d}",
                    rng.choice((2, 3)),
                    f"{rng.randint(1_000, 50_000_000)}.{rng.randint(0, 99):02d}",
                    rng.choice(("JPY", "USD", "EUR")),
                    f"{rng.randint(2024, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                )
            )
    before = _peak_mib()
    began = time.perf_counter()
    report = import_file(engine, path)
    seconds = time.perf_counter() - began
    after = _peak_mib()
    assert not report.problems
    return {"rows": rows, "before": before, "after": after, "seconds": seconds}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 2_000_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        with tempfile.TemporaryDirectory(prefix="cajad-import-") as tmp:
            print(json.dumps(child(args.child, Path(tmp))))
        return 0
    print(
        f"{'rows':>10} {'peak before':>12} {'peak after':>11} {'KiB/row':>8} {'seconds':>8} "
        f"{'rows/s':>8}"
    )
    peaks = {}
    for size in args.sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(size)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(done.stdout.strip().splitlines()[-1])
        peaks[size] = r["after"]
        per_row = (r["after"] - r["before"]) * 1024 / size
        print(
            f"{size:>10,} {r['before']:>9.0f} MiB {r['after']:>7.0f} MiB {per_row:>8.2f} "
            f"{r['seconds']:>8.1f} {size / r['seconds']:>8,.0f}",
            flush=True,
        )
    low, high = min(peaks), max(peaks)
    if high != low:
        print(f"peak after import, {high:,} / {low:,} rows: {peaks[high] / peaks[low]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
