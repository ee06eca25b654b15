"""Benchmark of the portfolio planner: our model on HiGHS against the same model on PuLP + CBC.

Run: ``.venv/bin/python benchmarks/planner.py [--quick] [--sizes 1000,10000,50000]
[--compare 10000] [--time-limit 600]`` (PuLP is in the ``bench`` extra).

The instance (seeded, :func:`instance`): ``n`` candidates over five years (2026-2030), each
costing money in one to three consecutive years (log-normal sizes, JPY), benefit = money ×
a quality factor × noise; three priority areas and five countries, with a minimum (0.2) and a
maximum (0.5) share of the selected money per area and a minimum (0.1) and a maximum (0.3) per
country: 16 share constraints; 200 dependencies (B requires A, random pairs); yearly budgets
of a quarter of the candidates' money in each year, with carry-over.

1. Comparison (``--compare`` candidates): :func:`cajad.portfolio.build_model` once; then the
   time to proven optimality within a relative gap of 0.1 % with :class:`HighsSolver` (our
   path: the model to HiGHS, solved, the selection read back) and with PuLP + CBC given the
   very same rows (:func:`cajad.portfolio.arrays`), both on one thread, ``--repeat`` times
   alternating (the median: a shared machine's timings vary). Prints both times, the ratio,
   both objectives and that HiGHS's selection meets every constraint exactly. Each time
   counts handing the model to the solver (HiGHS: building its rows in memory; CBC: PuLP
   writing and CBC reading an MPS file) and reading the selection back.
2. Growth: HiGHS alone over ``--sizes``: model build and solve times.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from decimal import Decimal

import numpy as np
import pulp

from cajad.portfolio import (
    Arrays,
    Candidate,
    Cost,
    HighsSolver,
    Model,
    Policy,
    ShareLimit,
    arrays,
    build_model,
    make_problem,
    violations,
)
from cajad.portfolio.problem import Problem

AREAS = ("green", "connectivity", "hrd")
COUNTRIES = ("KZ", "UZ", "KG", "TJ", "TM")
YEARS = (2026, 2027, 2028, 2029, 2030)
GAP = 0.001


def instance(n: int, *, dependencies: int = 200, seed: int = 17) -> Problem:
    """The benchmark's problem of ``n`` candidates (see the module's docstring)."""
    rng = np.random.default_rng(seed)
    sizes = np.round(rng.lognormal(mean=np.log(5e9), sigma=1.0, size=n), -3)
    spans = rng.integers(1, 4, size=n)
    starts = rng.integers(0, len(YEARS), size=n)
    quality = rng.uniform(0.4, 1.0, size=n) * rng.lognormal(0, 0.3, size=n)
    areas = rng.integers(0, len(AREAS), size=n)
    countries = rng.integers(0, len(COUNTRIES), size=n)
    pick = random.Random(seed)
    needs: dict[int, str] = {}
    while len(needs) < min(dependencies, n - 1):
        b, a = pick.sample(range(n), 2)
        needs.setdefault(b, f"p{a}")
    candidates = []
    per_year = dict.fromkeys(YEARS, Decimal(0))
    for i in range(n):
        years = [YEARS[min(starts[i] + k, len(YEARS) - 1)] for k in range(spans[i])]
        years = sorted(set(years))
        amount = Decimal(int(sizes[i] / len(years)))
        for y in years:
            per_year[y] += amount
        candidates.append(
            Candidate(
                project=f"p{i}",
                costs=tuple(Cost(year=y, amount=amount, currency="JPY") for y in years),
                benefit=Decimal(int(sizes[i] * quality[i] / 1e6)),
                area=AREAS[areas[i]],
                country=COUNTRIES[countries[i]],
                grade="B",
                requires=(needs[i],) if i in needs else (),
            )
        )
    shares = [
        ShareLimit(dimension=d, name=name, bound=bound, share=Decimal(s))
        for d, names, low, high in (
            ("area", AREAS, "0.2", "0.5"),
            ("country", COUNTRIES, "0.1", "0.3"),
        )
        for name in names
        for bound, s in (("min", low), ("max", high))
    ]
    budgets = {y: (v / 4).quantize(Decimal(1)) for y, v in per_year.items()}
    return make_problem(candidates, Policy(currency="JPY", budgets=budgets, shares=tuple(shares)))


def cbc(a: Arrays, *, time_limit: float) -> tuple[float, float, str]:
    """PuLP + CBC on the model's rows: seconds to solve, objective (scaled), status."""
    prob = pulp.LpProblem("planner", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{i}", cat="Binary") for i in range(len(a.objective))]
    prob += pulp.LpAffineExpression(zip(x, a.objective.tolist(), strict=True))
    ends = [*a.starts.tolist()[1:], len(a.indices)]
    for r, (s, e) in enumerate(zip(a.starts.tolist(), ends, strict=True)):
        expr = pulp.LpAffineExpression(
            zip((x[j] for j in a.indices[s:e].tolist()), a.values[s:e].tolist(), strict=True)
        )
        if np.isfinite(a.row_lower[r]):
            prob += expr >= float(a.row_lower[r])
        if np.isfinite(a.row_upper[r]):
            prob += expr <= float(a.row_upper[r])
    solver = pulp.PULP_CBC_CMD(msg=False, gapRel=GAP, threads=1, timeLimit=time_limit)
    start = time.perf_counter()
    prob.solve(solver)
    seconds = time.perf_counter() - start
    value = pulp.value(prob.objective)
    return seconds, float(value or 0.0), pulp.LpStatus[prob.status]


def highs(model: Model, *, time_limit: float) -> tuple[float, float, frozenset[int], str]:
    """Our path: seconds, objective (scaled as in :func:`arrays`), selection, status."""
    start = time.perf_counter()
    solution = HighsSolver(threads=1).solve(model, mip_gap=GAP, time_limit=time_limit)
    seconds = time.perf_counter() - start
    a = arrays(model)
    value = float(sum(a.objective[i] for i in solution.chosen))
    return seconds, value, solution.chosen, f"{solution.status}, gap {solution.gap:.4%}"


def compare(n: int, time_limit: float, repeat: int) -> None:
    start = time.perf_counter()
    problem = instance(n)
    model = build_model(problem)
    built = time.perf_counter() - start
    rows = sum(len(c.rows) for c in model.constraints)
    print(f"\n## Comparison: {n:,} candidates, {rows:,} rows (model built in {built:.1f} s)")
    print(f"median of {repeat} runs, alternating; each time to proven gap <= 0.1 %\n")
    h_times, c_times = [], []
    for _ in range(repeat):
        h_s, h_v, chosen, h_status = highs(model, time_limit=time_limit)
        c_s, c_v, c_status = cbc(arrays(model), time_limit=time_limit)
        h_times.append(h_s)
        c_times.append(c_s)
    broken = violations(model, chosen)
    h_med, c_med = statistics.median(h_times), statistics.median(c_times)
    print(f"HiGHS (ours): {h_med:8.2f} s  (runs {_list(h_times)})  objective {h_v:.4f}  "
          f"{h_status}; exact check: {broken or 'every constraint met'}")  # fmt: skip
    print(f"PuLP + CBC  : {c_med:8.2f} s  (runs {_list(c_times)})  objective {c_v:.4f}  "
          f"{c_status}")  # fmt: skip
    print(f"ratio CBC / HiGHS: {c_med / h_med:.2f}x  (objectives differ by "
          f"{abs(h_v - c_v) / max(abs(h_v), 1e-12):.3%}, both within the 0.1 % gap)")  # fmt: skip


def _list(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def growth(sizes: list[int], time_limit: float) -> None:
    print("\n## Growth (HiGHS, one thread, gap 0.1 %)\n")
    print("| candidates | rows | build model (s) | solve (s) | selected | status |")
    print("| ---: | ---: | ---: | ---: | ---: | --- |")
    for n in sizes:
        start = time.perf_counter()
        model = build_model(instance(n))
        built = time.perf_counter() - start
        seconds, _, chosen, status = highs(model, time_limit=time_limit)
        rows = sum(len(c.rows) for c in model.constraints)
        print(f"| {n:,} | {rows:,} | {built:.1f} | {seconds:.2f} | {len(chosen):,} | {status} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--compare", type=int, default=10_000, help="0: no comparison")
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--repeat", type=int, default=3, help="comparison runs (median)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.quick:
        sizes, args.compare = [200, 1000], 1000
    print(f"planner benchmark on {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, PuLP {pulp.__version__}")  # fmt: skip
    if args.compare:
        compare(args.compare, args.time_limit, args.repeat)
    growth(sizes, args.time_limit)


if __name__ == "__main__":
    main()
