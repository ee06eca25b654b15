"""Judge the time layers against published figures.

:func:`evaluate` routes each published figure whose ends are places of the network (the route
family choosing the constraints, :data:`~cajad.corridor.timing.FAMILY_CONSTRAINTS`) on the
network as it stood on the figure's date, for the figure's class of service (the default class
where the table names none), and returns the model's figures beside the published
one. The fits (:mod:`cajad.corridor._fit`) apply it to the calibration part; the benchmark to
the held-out part.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cajad.corridor.errors import CorridorError
from cajad.corridor.model import Network
from cajad.corridor.published import PublishedTime, movement_day, row_ends
from cajad.corridor.routes import Route
from cajad.corridor.routing import find_routes
from cajad.corridor.timing import (
    FAMILY_CONSTRAINTS,
    RouteTimes,
    TimingModel,
    conditions_on,
    route_times,
)

Z90 = 1.2815515655446004  # standard normal quantile at 0.9: baseline P10/P90 = time ∓ z·spread
SCHEDULE_MEASURES = ("terminal-to-terminal", "door-to-door", "port-to-port", "rail segment")


@dataclass(frozen=True, slots=True)
class Judged:
    """A published figure with the model's route and figures for it (h)."""

    row: PublishedTime
    route: Route
    times: RouteTimes

    @property
    def baseline_h(self) -> float:
        """The plain baseline: the route's single time."""
        return self.route.time_h

    @property
    def baseline_band(self) -> tuple[float, float]:
        """The baseline's implied P10–P90: its time ∓ z₀.₉ × its spread."""
        spread = Z90 * self.route.time_spread_h
        return self.route.time_h - spread, self.route.time_h + spread

    def ape(self, value_h: float) -> float:
        """Absolute percentage error of ``value_h`` against the published figure."""
        return abs(value_h - self.row.value_h) / self.row.value_h

    def covered(self, low_h: float, high_h: float) -> bool:
        """Whether [low, high] meets the published figure (a range or an open bound)."""
        lo = self.row.low_h if self.row.low_h is not None else 0.0
        hi = self.row.high_h if self.row.high_h is not None else math.inf
        return low_h <= hi and lo <= high_h


def evaluable(rows: Iterable[PublishedTime], kind: str, part: str) -> list[PublishedTime]:
    """Rows of ``kind`` in ``part`` that describe a movement between two places."""
    return [
        r for r in rows if r.kind == kind and r.part == part and r.measures in SCHEDULE_MEASURES
    ]


def evaluate(
    network: Network, rows: Sequence[PublishedTime], model: TimingModel | None = None
) -> tuple[list[Judged], list[tuple[PublishedTime, str]]]:
    """The judged rows, and the rows left out with the reason."""
    judged: list[Judged] = []
    skipped: list[tuple[PublishedTime, str]] = []
    routes: dict[tuple[str, str, str], Route] = {}
    for row in rows:
        ends = row_ends(network, row)
        if ends is None or ends[0] == ends[1]:
            skipped.append((row, "an end is no place of the network"))
            continue
        key = (*ends, row.family)
        if key not in routes:
            try:
                constraints = FAMILY_CONSTRAINTS[row.family]
                routes[key] = find_routes(network, *ends, by="scheduled", **constraints)[0]
            except CorridorError as exc:
                skipped.append((row, f"no route: {exc}"))
                continue
        day = movement_day(row)
        conditions = conditions_on(as_of=day, model=model, service=row.service)
        times = route_times(network, routes[key], conditions, model=model)
        judged.append(Judged(row, routes[key], times))
    return judged, skipped


def mdape(values: Iterable[float]) -> float:
    """Median of the values (absolute percentage errors), NaN for none."""
    found = list(values)
    return statistics.median(found) if found else math.nan
