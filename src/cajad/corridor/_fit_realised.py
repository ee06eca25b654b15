"""Fit the parameters of the realised time jointly, by maximum likelihood on calibration rows.

Fitted together (see :mod:`cajad.corridor.realised` for the model): each state's median Caspian
wait (a block train's), one spread of the Caspian wait pooled over all states (a state with two
or three waits cannot tell its own spread), the factor on the Caspian wait in ordinary winters
(at least 1), and for each class of service with rows the spread ``τ`` of its shipment factor;
for a class other than the default (a consignment), its factor on the Caspian wait and its
factor on the other parts (each at least 1: a consignment rides the same trains and ferries and
is never given priority over them). The data, calibration part only, each row with its class
(``published_times_service.csv``; the default class where none is named):

* waits at a Caspian port published as such (``dwell`` rows at a Caspian port): lognormal with
  the median of the state of their date times the class's Caspian factor;
* measured movements between two places of the network: ``exp(τ·z) × f × R + W``.

A movement's likelihood averages, over common Monte Carlo draws of ``R`` and ``W``, the exact
probability the shipment factor gives the published figure (a density for a figure, a
probability for a range, a tail for an open bound): a smooth function of the parameters.
A derivative-free search (Powell's, within bounds) finds its maximum, and its curvature there
gives each parameter's
standard error on the log scale (``log_se``, drawn in the Monte Carlo; correlations between the
parameters are left out).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import ndtr

from cajad.corridor._judge import evaluable, evaluate
from cajad.corridor.model import Network
from cajad.corridor.published import PublishedTime, movement_day
from cajad.corridor.realised import draw_rest
from cajad.corridor.timing import TimingModel, conditions_on

FIT_SAMPLES = 4000
FIT_SEED = 1401
SIGMA, WINTER = "realised.caspian_sigma", "realised.winter_caspian_factor"
TAU, CASPIAN, REST = "shipment_sigma", "caspian_factor", "rest_factor"
BOUNDS: dict[str, tuple[float, float]] = {
    "median": (math.log(1.0), math.log(10_000.0)),
    SIGMA: (math.log(0.05), math.log(3.0)),
    TAU: (math.log(0.01), math.log(3.0)),
    WINTER: (0.0, math.log(10.0)),  # an ordinary winter never shortens the wait
    CASPIAN: (0.0, math.log(30.0)),  # a consignment is never ahead of the scheduled trains
    REST: (0.0, math.log(10.0)),
}
"""Bounds of the logarithm of each parameter (``median``: any state's median wait, h; the
class figures by their last name)."""


def bound_of(name: str) -> tuple[float, float]:
    """The bounds of a dotted parameter name's logarithm."""
    if name.startswith("states."):
        return BOUNDS["median"]
    return BOUNDS.get(name) or BOUNDS[name.rsplit(".", 1)[1]]


_ROOT_2PI = math.sqrt(2 * math.pi)


@dataclass(frozen=True, slots=True)
class Observation:
    """One calibration row as the likelihood reads it (h).

    ``rest`` holds draws of ``R`` for a movement (``None`` for a wait published as such);
    ``waits`` standard normal draws, one row per Caspian wait on the route.
    """

    row: PublishedTime
    state: str
    winter: bool
    rest: np.ndarray[Any, Any] | None
    waits: np.ndarray[Any, Any]
    service: str

    @property
    def at_caspian(self) -> bool:
        """Whether the row tells anything of a Caspian wait."""
        return self.rest is None or self.waits.shape[0] > 0


@dataclass(frozen=True, slots=True)
class RealisedFit:
    """Fitted values and ``log_se`` by dotted name, the rows behind each, the log-likelihood."""

    values: dict[str, float]
    log_se: dict[str, float | None]
    rows: dict[str, list[str]]
    log_likelihood: float


def observations(
    network: Network, rows: Sequence[PublishedTime], model: TimingModel
) -> list[Observation]:
    """The calibration rows that inform the realised time: Caspian waits and movements."""
    rng = np.random.default_rng(FIT_SEED)
    found: list[Observation] = []
    for r in rows:
        if r.part != "calibration" or r.kind != "dwell" or r.origin_node not in model.caspian_ports:
            continue
        c = conditions_on(as_of=movement_day(r), model=model, service=r.service)
        winter = model.states[c.state].seasonal and c.season == "winter"
        empty = np.zeros((0, FIT_SAMPLES))
        found.append(Observation(r, c.state, winter, None, empty, c.service))
    judged, _ = evaluate(network, evaluable(rows, "measured", "calibration"), model)
    for j in judged:
        c = j.times.conditions
        crossings = sum(not p.shipment for p in j.times.parts)
        found.append(
            Observation(
                j.row,
                c.state,
                model.states[c.state].seasonal and c.season == "winter",
                draw_rest(j.times.parts, FIT_SAMPLES, rng),
                rng.standard_normal((crossings, FIT_SAMPLES)),
                c.service,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where each parameter sits in the vector of logarithms the search moves: the states'
    medians, the pooled spread, the winter factor, then the class figures by dotted name."""

    states: tuple[str, ...]
    classes: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        medians = [f"states.{s}.caspian_median_h" for s in self.states]
        return [*medians, SIGMA, WINTER, *self.classes]

    def bounds(self) -> list[tuple[float, float]]:
        return [bound_of(n) for n in self.names]


def _class_names(data: Sequence[Observation], model: TimingModel) -> tuple[str, ...]:
    """The class figures the rows can tell: each class's spread where it has movements, and a
    non-default class's Caspian and other factors where it has rows that inform them."""
    found: list[str] = []
    for service in sorted({o.service for o in data}):
        moves = [o for o in data if o.service == service and o.rest is not None]
        if moves:
            found.append(f"services.{service}.{TAU}")
        if service == model.default_service:
            continue
        if any(o.service == service and o.at_caspian for o in data):
            found.append(f"services.{service}.{CASPIAN}")
        if moves:
            found.append(f"services.{service}.{REST}")
    return tuple(found)


def log_likelihood(
    theta: np.ndarray[Any, Any],
    data: Sequence[Observation],
    layout: _Layout,
    model: TimingModel,
) -> float:
    """The log-likelihood of the rows under the parameters' logarithms ``theta``."""
    value = dict(zip(layout.names, theta.tolist(), strict=True))
    sigma = math.exp(value[SIGMA])
    log_winter = value[WINTER]
    total = 0.0
    for o in data:
        prefix = f"services.{o.service}."
        mu = value[f"states.{o.state}.caspian_median_h"] + (log_winter if o.winter else 0.0)
        mu += value.get(prefix + CASPIAN, 0.0)
        if o.rest is None:
            total += _wait_log_probability(o.row, mu, sigma)
        else:
            tau_name = model.class_figure(o.service, TAU) or ""
            tau = math.exp(value.get(prefix + TAU, value.get(tau_name, math.log(0.2))))
            rest = o.rest * math.exp(value.get(prefix + REST, 0.0))
            waits = np.exp(mu + sigma * o.waits).sum(axis=0)
            total += _movement_log_probability(o.row, rest, waits, tau)
    return total


def _bounds_of(row: PublishedTime) -> tuple[float | None, float | None, bool]:
    """(low, high, exact): a figure is exact when both bounds are given and equal."""
    exact = row.low_h is not None and row.low_h == row.high_h
    return row.low_h, row.high_h, exact


def _wait_log_probability(row: PublishedTime, mu: float, sigma: float) -> float:
    low, high, exact = _bounds_of(row)
    if exact:
        assert low is not None
        z = (math.log(low) - mu) / sigma
        return -0.5 * z * z - math.log(sigma * math.sqrt(2 * math.pi) * low)
    upper = 1.0 if high is None else float(ndtr((math.log(high) - mu) / sigma))
    lower = 0.0 if low is None else float(ndtr((math.log(low) - mu) / sigma))
    return math.log(max(upper - lower, 1e-300))


def _movement_log_probability(
    row: PublishedTime,
    rest: np.ndarray[Any, Any],
    waits: np.ndarray[Any, Any],
    tau: float,
) -> float:
    """log P(published figure) for ``exp(τ·z) × R + W``, exact in ``z`` for each draw of R, W."""
    low, high, exact = _bounds_of(row)

    def standardised(y: float) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """``y - W`` and ``(log(y - W) - log R) / τ`` (-inf where the wait alone exceeds y)."""
        x = y - waits
        ok = x > 0
        z = np.where(ok, (np.log(np.where(ok, x, 1.0)) - np.log(rest)) / tau, -np.inf)
        return x, z

    if exact:
        assert low is not None
        x, z = standardised(low)
        ok = np.isfinite(z)
        density = np.where(
            ok,
            np.exp(-0.5 * np.where(ok, z, 0.0) ** 2) / (_ROOT_2PI * tau * np.where(ok, x, 1.0)),
            0.0,
        )
        return math.log(max(float(density.mean()), 1e-300))

    def cdf(y: float | None, empty: float) -> np.ndarray[Any, Any]:
        if y is None:
            return np.full(rest.shape, empty)
        return np.asarray(ndtr(standardised(y)[1]))

    probability = float((cdf(high, 1.0) - cdf(low, 0.0)).mean())
    return math.log(max(probability, 1e-300))


def fit_realised(
    network: Network, rows: Sequence[PublishedTime], model: TimingModel
) -> RealisedFit:
    """Maximum-likelihood values of the realised-time parameters, from calibration rows only.

    Only states with at least one calibration row are fitted; a parameter that ends on a
    bound (the winter factor at 1) has no ``log_se``.
    """
    data = observations(network, rows, model)
    states = tuple(s for s in model.states if any(o.state == s and o.at_caspian for o in data))
    layout = _Layout(states, _class_names(data, model))
    start = _start(data, layout)
    bounds = layout.bounds()

    def objective(theta: np.ndarray[Any, Any]) -> float:
        return -log_likelihood(theta, data, layout, model)

    found = minimize(objective, start, method="Powell", bounds=bounds, options={"xtol": 1e-6})
    theta = np.asarray(found.x)
    free = [i for i, (lo, hi) in enumerate(bounds) if lo + 1e-4 < theta[i] < hi - 1e-4]
    errors = _standard_errors(objective, theta, free)
    names = layout.names
    return RealisedFit(
        values={n: math.exp(v) for n, v in zip(names, theta, strict=True)},
        log_se={n: errors.get(i) for i, n in enumerate(names)},
        rows=_rows_behind(data, layout, model),
        log_likelihood=-float(found.fun),
    )


def _start(data: Sequence[Observation], layout: _Layout) -> np.ndarray[Any, Any]:
    """A start that owes nothing to earlier fits: each state's median of its published waits
    (else a week), a Caspian spread of 0.5, no winter factor, shipment spreads of 0.2 and class
    factors of 1.5."""
    medians = []
    for s in layout.states:
        direct = [o.row.value_h for o in data if o.state == s and o.rest is None]
        medians.append(math.log(float(np.median(direct))) if direct else math.log(168.0))
    classes = [math.log(0.2) if n.endswith(TAU) else math.log(1.5) for n in layout.classes]
    return np.array([*medians, math.log(0.5), 0.0, *classes])


def _standard_errors(
    objective: Any, theta: np.ndarray[Any, Any], free: Sequence[int], step: float = 1e-3
) -> dict[int, float]:
    """Standard errors of the free parameters from the inverse Hessian (central differences)."""
    k = len(free)
    hessian = np.zeros((k, k))
    for a, i in enumerate(free):
        for b, j in enumerate(free[a:], start=a):
            values = []
            for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                shifted = theta.copy()
                shifted[i] += si * step
                shifted[j] += sj * step
                values.append(objective(shifted))
            hessian[a, b] = hessian[b, a] = (values[0] - values[1] - values[2] + values[3]) / (
                4 * step * step
            )
    variance = np.diag(np.linalg.pinv(hessian))
    return {i: math.sqrt(v) for i, v in zip(free, variance, strict=True) if v > 0}


def _rows_behind(
    data: Sequence[Observation], layout: _Layout, model: TimingModel
) -> dict[str, list[str]]:
    caspian = [o for o in data if o.at_caspian]
    found = {
        f"states.{s}.caspian_median_h": [o.row.id for o in caspian if o.state == s]
        for s in layout.states
    }
    found[SIGMA] = [o.row.id for o in caspian]
    found[WINTER] = [o.row.id for o in caspian if model.states[o.state].seasonal]
    for name in layout.classes:
        service = name.split(".")[1]
        if name.endswith(CASPIAN):
            found[name] = [o.row.id for o in caspian if o.service == service]
        else:
            found[name] = [o.row.id for o in data if o.service == service and o.rest is not None]
    return found
