"""Fit the time layers' parameters on calibration rows.

The scheduled parameters are fitted by grid search on the calibration schedules, the border
medians from published averages, and the realised-time parameters (Caspian waits, shipment
factor) by :func:`~cajad.corridor._fit_realised.fit_realised`. Every function reads only rows
whose ``part`` is ``calibration``.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from cajad.corridor._fit_realised import fit_realised
from cajad.corridor._judge import Judged, evaluable, evaluate, mdape
from cajad.corridor.model import Network
from cajad.corridor.published import PublishedTime
from cajad.corridor.timing import TimingModel

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
ON_SCHEDULE = (
    "services.block-train.border_cn_kz",
    "services.block-train.border_rail",
    "services.consignment.border_cn_kz",
    "services.consignment.border_rail",
)
"""Borders a block train, and a consignment riding one, cross on the train's timetable: median
= the fitted scheduled border time (a consignment's own waits are in its ``rest_factor``)."""


@dataclass(frozen=True, slots=True)
class TimingFit:
    """Every fitted value of ``timing.yaml`` by its dotted name, with the ``log_se`` of those
    the likelihood fit gives and the calibration rows behind each."""

    values: dict[str, float]
    log_se: dict[str, float | None]
    rows: dict[str, list[str]]


def fit_timing(network: Network, rows: Sequence[PublishedTime], model: TimingModel) -> TimingFit:
    """Every fitted value of ``timing.yaml``, from calibration rows only.

    The scheduled parameters come first (they change the routes' other parts); the borders,
    and then the Caspian waits and the shipment factor (:func:`fit_realised`), are fitted
    under them.
    """
    scheduled, used, _ = fit_schedule(network, rows, model)
    found = {f"scheduled.{k}": v for k, v in scheduled.items()}
    behind = {f"scheduled.{k}": used for k in scheduled}
    figures = model.parameters()
    for key, ids in BORDER_ROWS.items():
        found[f"{key}.median_h"] = fit_border(rows, ids, figures[f"{key}.sigma"].value)
        behind[f"{key}.median_h"] = list(ids)
    for key in ON_SCHEDULE:
        found[f"{key}.median_h"] = scheduled["border_rail_h"]
    realised = fit_realised(network, rows, with_values(model, found))
    return TimingFit(found | realised.values, realised.log_se, behind | realised.rows)


def with_values(
    model: TimingModel,
    values: dict[str, float],
    log_se: dict[str, float | None] | None = None,
) -> TimingModel:
    """``model`` with the figures named in ``values`` (dotted names) set to those values, and
    their ``log_se`` to those of ``log_se`` (a name absent there keeps its own)."""
    data = model.model_dump()
    errors = log_se or {}
    for name in {*values, *errors}:
        *path, last = name.split(".")
        node = data
        for key in path:
            node = node[key]
        if name in values:
            node[last]["value"] = values[name]
        if name in errors:
            node[last]["log_se"] = errors[name]
    return TimingModel.model_validate(data)
