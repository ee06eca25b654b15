"""The k-route detour rule over many random place pairs (issue 14, item 4).

Run: ``PYTHONPATH=src python benchmarks/corridor_detours.py [--pairs 300] [--k 4]``.

For ``--pairs`` seeded random pairs of nodes and each criterion (scheduled, time, cost,
generalized), asks for ``--k`` routes and checks every alternative against the documented rule
(:data:`cajad.corridor.routing.DETOUR_FACTOR`: at most 1.5 × the best route's distance, no
country entered twice), recomputing both conditions from the route itself. Prints, per
criterion, the pairs routed, the alternatives checked, the violations (expected: 0), and how
many alternatives the rule removed (the same query with ``keep_detours=True``). The test suite
runs ten pairs of this (``tests/corridor/test_detours.py``); this script is too slow for CI.
"""

from __future__ import annotations

import argparse
import random
import time

from cajad.corridor import Router, load_network, make_options
from cajad.corridor.errors import CorridorError
from cajad.corridor.routing import DETOUR_FACTOR, country_sequence


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1414)
    args = parser.parse_args()
    network = load_network()
    ids = sorted(network.nodes)
    for by in ("scheduled", "time", "cost", "generalized"):
        router = Router(network, make_options(network, by=by))
        rng = random.Random(args.seed)
        routed = checked = broken = removed = 0
        start = time.perf_counter()
        for _ in range(args.pairs):
            origin, destination = rng.sample(ids, 2)
            try:
                routes = router.routes(origin, destination, args.k)
                raw = router.routes(origin, destination, args.k, keep_detours=True)
            except CorridorError:
                continue
            routed += 1
            best = routes[0]
            for route in routes[1:]:
                passed = country_sequence(network, route)
                too_long = route.distance_km > DETOUR_FACTOR * best.distance_km
                broken += too_long or len(passed) != len(set(passed))
                checked += 1
            kept = {r.signature for r in routes}
            removed += sum(r.signature not in kept for r in raw)
        print(
            f"{by:11} pairs routed {routed:4}, alternatives checked {checked:5}, "
            f"violations {broken}, alternatives the rule removed {removed:4} "
            f"({time.perf_counter() - start:.0f} s)"
        )


if __name__ == "__main__":
    main()
