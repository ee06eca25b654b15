"""Benchmark of corridor routing and scenario evaluation, against plain networkx.

Run: ``.venv/bin/python benchmarks/corridor.py [--nodes 100000] [--scenarios 1000]``.

1. Routing, on the bundled network and on a synthetic multimodal network of ``--nodes`` nodes
   (:func:`cajad.corridor.synthetic_network`: rail in two gauges, road, borders, sea, ferries):
   random origin–destination pairs, fastest route. Ours: ``Router.best_weight`` (compiled
   Dijkstra over the prepared CSR graph, path read back as arcs) and ``Router.routes`` (the
   full :class:`Route` with legs). Baseline: ``networkx.single_source_dijkstra`` with a target
   (stops early) on a ``DiGraph`` holding the very same layered graph and weights (parallel
   arcs reduced to the cheapest, as ours). Both answers are checked equal; set-up times
   (compile, CSR, networkx graph) are printed apart from the per-query times.
2. Scenarios: ``--scenarios`` random scenarios on the bundled network (1-3 changes each:
   scaled border or port dwell, ferry departures, a slower or removed link), each applied and
   evaluated on five corridor pairs (best generalized cost). Baseline: the same scenarios
   evaluated by rebuilding a networkx graph from the changed network and running networkx
   Dijkstra on the same pairs. Prints totals and the ratio.
3. Published transit times (issue 14), HELD-OUT part of ``published_times.csv`` only: each
   figure between two places of the network is routed (its family choosing the constraints) on
   the network as it stood on the figure's date, for the figure's class of service
   (``published_times_service.csv``: a scheduled block train or a consignment; the default
   block train where none is named), the route chosen by its scheduled time. Each row names its
   class, state and season. The held-out measured shipments are those of the round-2 split
   (``corridor_split_round2.py``): round-1 held-out shipments were judged, seen and moved into
   calibration. Table A, schedules: the absolute percentage
   error of the scheduled time (``route_times(...).scheduled_h``) and its median (MdAPE),
   against the plain baseline, the route's single ``time_h``. Table B, measured shipments:
   whether the published time lies in the realised P10-P90, against the baseline's implied
   band ``time_h -/+ 1.28 x time_spread_h``. ``--times-only`` runs this part alone;
   ``--part calibration`` judges the calibration part instead, and ``--loo`` adds the
   development metric: each calibration measured shipment judged by a model refitted without
   it (no held-out row is read).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import networkx as nx
import numpy as np

from cajad.corridor import (
    Network,
    Router,
    Scenario,
    apply_scenario,
    load_network,
    make_options,
    synthetic_network,
)
from cajad.corridor._fit import fit_timing, with_values
from cajad.corridor._graph import CompiledGraph
from cajad.corridor._judge import Judged, evaluable, evaluate, mdape
from cajad.corridor.published import load_published_times
from cajad.corridor.timing import load_timing

PAIRS = [
    ("CN_XIAN", "DEDUI"),
    ("CNLYG", "AZ_ABSHERON"),
    ("JPYOK", "UZ_TASHKENT"),
    ("KZ_ALMATY", "ROCND"),
    ("UZ_TASHKENT", "GEPTI"),
]


def networkx_graph(graph: CompiledGraph, weight: np.ndarray[Any, Any]) -> nx.DiGraph:
    """The layered graph as a networkx DiGraph, keeping the cheapest of parallel arcs."""
    best: dict[tuple[int, int], float] = {}
    for u, v, w in zip(
        graph.arc_src.tolist(), graph.arc_dst.tolist(), weight.tolist(), strict=True
    ):
        if w < best.get((u, v), float("inf")):
            best[(u, v)] = w
    plain = nx.DiGraph()
    plain.add_nodes_from(range(graph.n_vertices))
    plain.add_weighted_edges_from((u, v, w) for (u, v), w in best.items())
    return plain


def _timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs, and the value of the last."""
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def _pairs(network: Network, count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    ids = list(network.nodes)
    return [tuple(rng.sample(ids, 2)) for _ in range(count)]  # type: ignore[misc]


def bench_routing(name: str, network: Network, queries: int, nx_queries: int, seed: int) -> None:
    print(f"\n== routing on the {name} network ==")
    t_compile, graph = _timed(lambda: network.graph)
    t_prepare, router = _timed(lambda: Router(network, make_options(network, by="time")))
    t_nx, plain = _timed(lambda: networkx_graph(graph, graph.time_h))
    print(
        f"graph: {len(network.nodes):,} nodes, {len(network.links):,} links -> "
        f"{graph.n_vertices:,} vertices, {graph.n_arcs:,} arcs"
    )
    print(
        f"set-up: compile {t_compile:.2f} s, our CSR {t_prepare:.2f} s, networkx graph {t_nx:.2f} s"
    )
    pairs = _pairs(network, queries, seed)
    index = {n: i for i, n in enumerate(graph.node_ids)}

    def ours() -> list[float]:
        return [router.best_weight(a, b) for a, b in pairs]

    def full_routes() -> list[float]:
        found = [router.routes(a, b, 1) for a, b in pairs[:nx_queries]]
        return [r[0].time_h if r else float("inf") for r in found]

    def theirs() -> list[float]:
        found = []
        for a, b in pairs[:nx_queries]:
            s, t = int(graph.origin_vertex[index[a]]), int(graph.dest_vertex[index[b]])
            try:
                length, _path = nx.single_source_dijkstra(plain, s, target=t, weight="weight")
            except nx.NetworkXNoPath:
                length = float("inf")
            found.append(length)
        return found

    batch = pairs[:nx_queries]
    origins = sorted({a for a, _ in batch})
    destinations = sorted({b for _, b in batch})

    def ours_batch() -> list[float]:
        matrix = router.skim(origins, destinations)
        row, col = {o: i for i, o in enumerate(origins)}, {d: j for j, d in enumerate(destinations)}
        return [float(matrix[row[a], col[b]]) for a, b in batch]

    def theirs_batch() -> list[float]:
        trees = {
            a: nx.single_source_dijkstra_path_length(plain, int(graph.origin_vertex[index[a]]))
            for a in origins
        }
        return [trees[a].get(int(graph.dest_vertex[index[b]]), float("inf")) for a, b in batch]

    repeat = 5 if graph.n_vertices < 10_000 else 1
    t_cold, mine = _timed(ours)  # the first query from each origin runs a Dijkstra
    t_ours, mine = _timed(ours, repeat)
    t_full, _ = _timed(full_routes, repeat)
    t_theirs, reference = _timed(theirs, repeat)
    t_batch, batched = _timed(ours_batch, repeat)
    t_nx_batch, nx_batched = _timed(theirs_batch, repeat)
    assert np.allclose(mine[:nx_queries], reference), "our lengths differ from networkx"
    assert np.allclose(batched, reference) and np.allclose(nx_batched, reference)
    qps_ours, qps_full, qps_nx = len(pairs) / t_ours, nx_queries / t_full, nx_queries / t_theirs
    n_origins = len({a for a, _ in pairs})
    print("one query at a time (fastest route between a random origin and destination):")
    if router.prepared.python_spurs:
        print(
            f"  ours, first pass:           {len(pairs) / t_cold:10.1f} queries/s  "
            f"({len(pairs)} queries from {n_origins} origins, one tree per new origin)"
        )
        print(
            "  ours, again (trees kept):   "
            f"{qps_ours:10.1f} queries/s  (small graphs keep one-to-all trees)"
        )
    else:
        print(f"  ours, path and length:      {qps_ours:10.1f} queries/s  ({len(pairs)} queries)")
    kept = ", trees kept" if router.prepared.python_spurs else ""
    print(f"  ours, full Route with legs: {qps_full:10.1f} queries/s  ({nx_queries} queries{kept})")
    print(f"  networkx, path and length:  {qps_nx:10.1f} queries/s  ({nx_queries} queries)")
    if router.prepared.python_spurs:
        paths = f"{len(pairs) / t_cold / qps_nx:.1f}x (path, first pass), "
        paths += f"{qps_ours / qps_nx:.1f}x (path, again)"
    else:
        paths = f"{qps_ours / qps_nx:.1f}x (path)"
    print(f"  ratio ours/networkx: {paths}, {qps_full / qps_nx:.1f}x (full route with legs)")
    print(
        f"as an origin-destination matrix ({len(origins)} origins x {len(destinations)} "
        f"destinations, the same {len(batch)} pairs read from it):"
    )
    print(f"  ours (Router.skim):         {len(batch) / t_batch:10.1f} queries/s")
    print(f"  networkx (one tree/origin): {len(batch) / t_nx_batch:10.1f} queries/s")
    print(f"  ratio ours/networkx: {t_nx_batch / t_batch:.1f}x")


def random_scenario(network: Network, rng: random.Random, number: int) -> Scenario:
    links = sorted(network.links)
    borders = [k for k in links if network.links[k].mode == "border"]
    ferries = [k for k in links if network.links[k].departures_per_week is not None]
    changes: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(("border", "ferry", "slower", "port", "remove"))
        if kind == "border":
            changes.append(
                {
                    "op": "edit_link",
                    "id": rng.choice(borders),
                    "scale": {"dwell_h": rng.uniform(0.3, 1.5)},
                    "source": "benchmark",
                }
            )
        elif kind == "ferry":
            changes.append(
                {
                    "op": "edit_link",
                    "id": rng.choice(ferries),
                    "source": "benchmark",
                    "set": {"departures_per_week": rng.choice([0.5, 1, 2, 3.5, 7, 14])},
                }
            )
        elif kind == "slower":
            changes.append(
                {
                    "op": "edit_link",
                    "id": rng.choice(links),
                    "scale": {"time_h": rng.uniform(1, 2)},
                    "source": "benchmark",
                }
            )
        elif kind == "port":
            changes.append(
                {
                    "op": "edit_node",
                    "id": rng.choice(["KZAAU", "AZ_ALAT", "GEPTI"]),
                    "scale": {"transfer_time_h": rng.uniform(0.3, 2)},
                    "source": "benchmark",
                }
            )
        else:
            changes.append({"op": "remove_link", "id": rng.choice(links)})
    unique = {c.get("id"): c for c in changes}  # one change per element keeps removals valid
    return Scenario.model_validate(
        {"name": f"random-{number}", "title": "benchmark", "changes": list(unique.values())}
    )


def bench_scenarios(network: Network, count: int, seed: int) -> None:
    print(f"\n== {count:,} scenarios on the bundled network, {len(PAIRS)} pairs each ==")
    rng = random.Random(seed)
    scenarios = [random_scenario(network, rng, i) for i in range(count)]
    vot = network.parameters.value_of_time_usd_per_teu_h.value

    origins = [a for a, _ in PAIRS]
    destinations = [b for _, b in PAIRS]

    def ours() -> list[float]:
        best: list[float] = []
        for scenario in scenarios:
            changed = apply_scenario(network, scenario)
            router = Router(changed, make_options(changed, by="generalized"))
            best.extend(np.diagonal(router.skim(origins, destinations)).tolist())
        return best

    def theirs() -> list[float]:
        best = []
        for scenario in scenarios:
            changed = apply_scenario(network, scenario)
            graph = changed.graph
            plain = networkx_graph(graph, graph.weights("generalized", vot))
            index = {n: i for i, n in enumerate(graph.node_ids)}
            for a, b in PAIRS:
                s, t = int(graph.origin_vertex[index[a]]), int(graph.dest_vertex[index[b]])
                try:
                    best.append(nx.dijkstra_path_length(plain, s, t, weight="weight"))
                except nx.NetworkXNoPath:
                    best.append(float("inf"))
        return best

    t_ours, mine = _timed(ours)
    t_theirs, reference = _timed(theirs)
    assert np.allclose(mine, reference), "scenario results differ from networkx"
    print(
        f"ours:     {t_ours:6.2f} s for {count:,} scenarios ({1000 * t_ours / count:.2f} ms each)"
    )
    print(f"networkx: {t_theirs:6.2f} s (same scenarios; graph rebuilt, networkx Dijkstra)")
    print(f"ratio networkx/ours: {t_theirs / t_ours:.1f}x")


def bench_published_times(network: Network, part: str = "heldout") -> None:
    rows = load_published_times()
    print(f"\n== published transit times, {part} part ==")
    judged, skipped = evaluate(network, evaluable(rows, "schedule", part))
    print(f"A. schedules: {len(judged)} judged, {len(skipped)} left out (an end is no place)")
    head = f"{'published d':>11} {'baseline d':>10} {'APE':>5} {'scheduled d':>11} {'APE':>5}"
    print(f"  {'id':36} {head}  {'service':11} conditions")
    for j in judged:
        print(
            f"  {j.row.id:36} {j.row.value_h / 24:11.2f} {j.baseline_h / 24:10.2f} "
            f"{j.ape(j.baseline_h):5.0%} {j.times.scheduled_h / 24:11.2f} "
            f"{j.ape(j.times.scheduled_h):5.0%}  {_conditions(j)}"
        )
    base = mdape(j.ape(j.baseline_h) for j in judged)
    ours = mdape(j.ape(j.times.scheduled_h) for j in judged)
    print(f"  MdAPE: baseline {base:.1%}, scheduled {ours:.1%} (target <= 20 %)")
    judged, skipped = evaluate(network, evaluable(rows, "measured", part))
    print(f"B. measured: {len(judged)} judged, {len(skipped)} left out (an end is no place)")
    print(
        f"  {'id':36} {'published d':>11} {'base band d':>13} {'in':>3} "
        f"{'P10-P50-P90 d':>18} {'in':>3}  {'service':11} conditions"
    )
    for j in judged:
        lo, hi = j.baseline_band
        t = j.times
        print(
            f"  {j.row.id:36} {j.row.value_h / 24:11.1f} "
            f"{lo / 24:6.1f}-{hi / 24:6.1f} {'yes' if j.covered(lo, hi) else 'no':>3} "
            f"{t.p10_h / 24:6.1f}-{t.p50_h / 24:5.1f}-{t.p90_h / 24:5.1f} "
            f"{'yes' if j.covered(t.p10_h, t.p90_h) else 'no':>3}  {_conditions(j)}"
        )
    n = max(len(judged), 1)
    base_in = sum(j.covered(*j.baseline_band) for j in judged)
    ours_in = sum(j.covered(j.times.p10_h, j.times.p90_h) for j in judged)
    print(
        f"  in P10-P90: baseline {base_in}/{len(judged)} ({base_in / n:.0%}), "
        f"realised {ours_in}/{len(judged)} ({ours_in / n:.0%}) (target >= 80 %)"
    )
    if judged:  # a band can cover anything by being wide: say how wide
        ours_w = statistics.median(j.times.p90_h / j.times.p10_h for j in judged)
        base_w = statistics.median(
            j.baseline_band[1] / max(j.baseline_band[0], 1e-9) for j in judged
        )
        print(f"  median P90/P10 ratio: baseline {base_w:.2f}, realised {ours_w:.2f}")
    for row, why in skipped:
        print(f"  left out: {row.id} ({why})")


def leave_one_out(network: Network) -> None:
    """Each calibration measured shipment judged by a model refitted without it (the
    development metric: it reads no held-out row)."""
    rows = [r for r in load_published_times() if r.part == "calibration"]
    model = load_timing()
    judged, _ = evaluate(network, evaluable(rows, "measured", "calibration"), model)
    print("\n== leave one out, calibration measured shipments (refitted without each) ==")
    head = f"{'published d':>11} {'P10-P50-P90 d':>18} {'in':>3}"
    print(f"  {'id':36} {head}  {'service':11} conditions")
    inside = 0
    for j in judged:
        fit = fit_timing(network, [r for r in rows if r.id != j.row.id], model)
        refitted = with_values(model, fit.values, fit.log_se)
        (again,), _ = evaluate(network, [j.row], refitted)
        t = again.times
        hit = again.covered(t.p10_h, t.p90_h)
        inside += hit
        print(
            f"  {j.row.id:36} {j.row.value_h / 24:11.1f} "
            f"{t.p10_h / 24:6.1f}-{t.p50_h / 24:5.1f}-{t.p90_h / 24:5.1f} "
            f"{'yes' if hit else 'no':>3}  {_conditions(again)}"
        )
    print(f"  in P10-P90: {inside}/{len(judged)} ({inside / max(len(judged), 1):.0%})")


def _conditions(judged: Judged) -> str:
    """The class of service, the state and the season a row was judged under."""
    c = judged.times.conditions
    return f"{c.service:11} {c.state}{', ' + c.season if c.season else ''}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000, help="synthetic network size")
    parser.add_argument("--queries", type=int, default=200, help="routing queries per network")
    parser.add_argument(
        "--nx-queries",
        type=int,
        default=20,
        help="queries for networkx on the synthetic network (it is slow)",
    )
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--times-only", action="store_true", help="only part 3")
    parser.add_argument(
        "--loo",
        action="store_true",
        help="with part 3: leave-one-out coverage of the calibration measured shipments",
    )
    parser.add_argument(
        "--part", choices=("heldout", "calibration"), default="heldout", help="for part 3"
    )
    args = parser.parse_args(argv)
    network = load_network()
    bench_published_times(network, args.part)
    if args.loo:
        leave_one_out(network)
    if args.times_only:
        return
    bench_routing("bundled", network, args.queries, args.queries, args.seed)
    t_build, synthetic = _timed(
        lambda: synthetic_network(args.nodes, network.parameters, seed=args.seed)
    )
    print(f"\n(synthetic network built in {t_build:.1f} s)")
    bench_routing("synthetic", synthetic, args.queries, args.nx_queries, args.seed)
    bench_scenarios(network, args.scenarios, args.seed)


if __name__ == "__main__":
    main()
