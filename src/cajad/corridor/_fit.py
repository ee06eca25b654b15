"""Judge the time layers against published figures, and fit their parameters on calibration rows.

:func:`evaluate` routes each published figure whose ends are places of the network (the route
family choosing the constraints, :data:`~cajad.corridor.timing.FAMILY_CONSTRAINTS`) on the
network as it stood on the figure's date, and returns the model's figures beside the published
one. The fit functions read only rows whose ``part`` is ``calibration``; the benchmark applies
:func:`evaluate` to the held-out part.
"""

from __future__ import annotations

import itertools
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
        conditions = conditions_on(as_of=day, model=model)
        times = route_times(network, routes[key], conditions, model=model)
        judged.append(Judged(row, routes[key], times))
    return judged, skipped


def mdape(values: Iterable[float]) -> float:
    """Median of the values (absolute percentage errors), NaN for none."""
    found = list(values)
    return statistics.median(found) if found else math.nan


SCHEDULE_GRID: dict[str, tuple[float, ...]] = {
    "border_rail_h": tuple(float(h) for h in range(4, 73, 4)),
    "caspian_handling_h": tuple(float(h) for h in range(0, 193, 6)),
}
"""Candidate values of the scheduled parameters fitted on the calibration schedules. The rail
speed is sourced, and the sea-port transfer is not fitted: a single calibration schedule passes
a sea port, too few to tell it from the rest of that route's error."""


def _scheduled_terms(judged: Judged) -> dict[str, float]:
    """The route's scheduled time as counts of the fitted parameters and the rest (h)."""
    terms = dict.fromkeys(SCHEDULE_GRID, 0.0) | {"rest_h": 0.0}
    for part in judged.times.parts:
        first = part.parameters[0].removeprefix("scheduled.") if part.parameters else ""
        if first in SCHEDULE_GRID:
            terms[first] += 1
        else:
            terms["rest_h"] += part.scheduled_h
    return terms


def fit_schedule(
    network: Network, rows: Sequence[PublishedTime], model: TimingModel
) -> tuple[dict[str, float], list[str], float]:
    """Scheduled parameters minimising the calibration schedules' MdAPE (mean APE breaks ties).

    Returns the chosen values, the ids of the rows used and the calibration MdAPE.
    """
    judged, _ = evaluate(network, evaluable(rows, "schedule", "calibration"), model)
    terms = [_scheduled_terms(j) for j in judged]
    best: tuple[float, float, dict[str, float]] | None = None
    for values in itertools.product(*SCHEDULE_GRID.values()):
        chosen = dict(zip(SCHEDULE_GRID, values, strict=True))
        apes = [
            j.ape(t["rest_h"] + sum(t[k] * v for k, v in chosen.items()))
            for j, t in zip(judged, terms, strict=True)
        ]
        score = (mdape(apes), statistics.fmean(apes))
        if best is None or score < best[:2]:
            best = (*score, chosen)
    assert best is not None
    return best[2], [j.row.id for j in judged], best[0]


def _lognormal_median(mean_h: float, sigma: float) -> float:
    """The median of a lognormal with this mean: a published average is a mean."""
    return mean_h * math.exp(-(sigma**2) / 2)


def fit_border(rows: Sequence[PublishedTime], ids: Sequence[str], sigma: float) -> float:
    """Median border dwell (h) from published averages (calibration rows only)."""
    chosen = [r for r in rows if r.id in ids and r.part == "calibration"]
    if len(chosen) != len(ids):
        raise ValueError(f"only calibration rows may be fitted on; got {sorted(ids)}")
    return _lognormal_median(statistics.fmean(r.value_h for r in chosen), sigma)


def implied_caspian_waits(
    network: Network, rows: Sequence[PublishedTime], model: TimingModel
) -> list[tuple[PublishedTime, str, str | None, float]]:
    """Caspian waits (h) that calibration figures imply: (row, state, season, wait).

    A dwell row at a Caspian port is a wait itself. A measured movement over the Caspian
    implies its published time less the medians of every other part of its route (the whole
    excess is laid on the Caspian: an upper bound on its wait).
    """
    found: list[tuple[PublishedTime, str, str | None, float]] = []
    for r in rows:
        ports = set(model.caspian_ports)
        if r.part != "calibration" or r.kind != "dwell" or r.origin_node not in ports:
            continue
        c = conditions_on(as_of=movement_day(r), model=model)
        found.append((r, c.state, c.season, r.value_h))
    judged, _ = evaluate(network, evaluable(rows, "measured", "calibration"), model)
    for j in judged:
        if j.row.low_h is None or j.row.high_h is None:
            continue  # an open bound is no value to lay on the Caspian
        caspian = [p for p in j.times.parts if p.name.startswith("caspian ")]
        if not caspian:
            continue
        rest = sum(p.median_h for p in j.times.parts if p not in caspian)
        if j.row.value_h - rest <= sum(p.scheduled_h for p in caspian):
            continue  # the rest of the route alone is too slow: nothing is left for the wait
        c = j.times.conditions
        found.append((j.row, c.state, c.season, j.row.value_h - rest))
    return found


def fit_wait(waits: Sequence[float]) -> tuple[float, float | None]:
    """Lognormal median and sigma of waits: the median, and the standard deviation of the
    logarithms (``None`` below three waits)."""
    logs = [math.log(w) for w in waits]
    sigma = statistics.stdev(logs) if len(logs) >= 3 else None
    return math.exp(statistics.median(logs)), sigma


BORDER_ROWS: dict[str, tuple[str, ...]] = {
    "services.wagonload.border_cn_kz": ("kz-cpmm-rail-bcp-2022-in", "kz-cpmm-rail-bcp-2023"),
    "services.wagonload.border_rail": (
        "carec-cpmm-rail-bcp-2019-r20",
        "carec-cpmm-rail-bcp-2020-r20",
    ),
    "realised.border_road": ("az-cpmm-redbridge-out-2022", "az-cpmm-redbridge-in-2020"),
}
"""Calibration rows whose published averages set each border's median dwell (CAREC CPMM
averages cover all rail traffic: the wagonload class)."""
ON_SCHEDULE = ("services.block-train.border_cn_kz", "services.block-train.border_rail")
"""Borders a block train crosses on its timetable: median = the fitted scheduled border time."""


def fit_timing(
    network: Network, rows: Sequence[PublishedTime], model: TimingModel
) -> dict[str, float]:
    """Every fitted value of ``timing.yaml`` by its dotted name, from calibration rows only.

    The scheduled parameters come first (they change the routes' other parts); the borders
    and the Caspian waits are then fitted under them.
    """
    scheduled, _, _ = fit_schedule(network, rows, model)
    found = {f"scheduled.{k}": v for k, v in scheduled.items()}
    figures = model.parameters()
    for key, ids in BORDER_ROWS.items():
        found[f"{key}.median_h"] = fit_border(rows, ids, figures[f"{key}.sigma"].value)
    for key in ON_SCHEDULE:
        found[f"{key}.median_h"] = scheduled["border_rail_h"]
    model = with_values(model, found)
    waits = implied_caspian_waits(network, rows, model)
    normal = [(season, w) for _, state, season, w in waits if state == "normal"]
    winter = [w for season, w in normal if season == "winter"]
    other = [w for season, w in normal if season != "winter"]
    ratio = fit_wait(winter)[0] / fit_wait(other)[0] if winter and other else 1.0
    found["realised.winter_caspian_factor"] = max(ratio, 1.0)  # winter never shortens a wait
    for name in model.states:
        median, sigma = fit_wait([w for _, state, _, w in waits if state == name])
        found[f"states.{name}.caspian_wait.median_h"] = median
        if sigma is not None:
            found[f"states.{name}.caspian_wait.sigma"] = sigma
    return found


def with_values(model: TimingModel, values: dict[str, float]) -> TimingModel:
    """``model`` with the figures named in ``values`` (dotted names) set to those values."""
    data = model.model_dump()
    for name, value in values.items():
        *path, last = name.split(".")
        node = data
        for key in path:
            node = node[key]
        node[last]["value"] = value
    return TimingModel.model_validate(data)
