"""Draw the realised time of a route: its parts, one shipment factor, and the uncertainty of the
fitted parameters themselves.

A route's realised time is ``exp(τ·z) × f × R + W``:

* ``R`` sums the parts a shipment carries through (running, borders, transfers, the wait for a
  departure), each drawn around its own median (lognormal, or uniform on a headway);
* ``exp(τ·z)`` is the *shipment factor*, one lognormal draw per shipment shared by all those
  parts: a train that runs with priority is fast on every leg, one held at a border loses its
  slots further on. Independent draws per part alone would cancel out over a long route and
  give a distribution far narrower than measured shipments show;
* ``f`` is the class's factor on ``R`` (1 for a scheduled block train; a consignment booked
  piecemeal waits for space, consolidation and paperwork on every leg), and ``τ`` the class's
  own spread;
* ``W`` sums the Caspian port waits, lognormal with the state's median and the spread pooled
  over all states; a shipment factor does not scale them (the queue sets them, not the train).

Each fitted figure with a ``log_se`` is drawn once per sample (``value × exp(log_se × z)``), so a
parameter fitted on few rows widens the distribution instead of pretending to be known.

>>> import numpy as np
>>> part = Part("run", 10.0, "lognormal", 10.0, 0.0, ())
>>> float(draw_rest([part], 3, np.random.default_rng(0))[0])
10.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np


class Fitted(Protocol):
    """What the sampler reads of a parameter: its value and the uncertainty of its logarithm."""

    @property
    def value(self) -> float: ...

    @property
    def log_se(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a route's time: its schedule and how its realised value is drawn.

    ``median_from`` and ``sigma_from`` name the parameters behind the median and the spread
    (their ``log_se`` is drawn); ``shipment`` is False for a part the shipment factor does not
    scale (a Caspian port wait).
    """

    name: str
    scheduled_h: float
    draw: Literal["lognormal", "uniform", "fixed"]
    median_h: float
    sigma: float
    parameters: tuple[str, ...]
    median_from: tuple[str, ...] = ()
    sigma_from: str | None = None
    shipment: bool = True


def draw_rest(
    parts: Sequence[Part], samples: int, rng: np.random.Generator
) -> np.ndarray[Any, Any]:
    """Samples of ``R``: the parts a shipment carries through, at their parameters' values
    (no shipment factor, no parameter uncertainty); what the fit integrates the factor over."""
    return _sum([p for p in parts if p.shipment], {}, samples, rng)


def draw_total(
    parts: Sequence[Part],
    figures: Mapping[str, Fitted],
    samples: int,
    rng: np.random.Generator,
    *,
    tau: str,
    factor: str | None = None,
) -> np.ndarray[Any, Any]:
    """Samples of the realised time ``exp(τ·z) × f × R + W`` with the parameters drawn too.

    ``tau`` names the class's shipment spread; ``factor`` the class's factor ``f`` on ``R``
    (``None``: 1, a block train).
    """
    names = {n for p in parts for n in (*p.median_from, p.sigma_from) if n is not None}
    names.update(n for n in (tau, factor) if n is not None)
    factors = {n: _uncertainty(figures.get(n), samples, rng) for n in sorted(names)}
    rest = _sum([p for p in parts if p.shipment], factors, samples, rng)
    if factor is not None:
        rest = rest * figures[factor].value * factors[factor]
    wait = _sum([p for p in parts if not p.shipment], factors, samples, rng)
    spread = figures[tau].value * factors[tau]
    total: np.ndarray[Any, Any] = rest * np.exp(spread * rng.standard_normal(samples)) + wait
    return total


def _uncertainty(
    figure: Fitted | None, samples: int, rng: np.random.Generator
) -> np.ndarray[Any, Any]:
    """Per-sample multipliers of a parameter: ``exp(log_se × z)``, or ones when it has none."""
    if figure is None or not figure.log_se:
        return np.ones(samples)
    return np.exp(figure.log_se * rng.standard_normal(samples))


def _sum(
    parts: Sequence[Part],
    factors: Mapping[str, np.ndarray[Any, Any]],
    samples: int,
    rng: np.random.Generator,
) -> np.ndarray[Any, Any]:
    total = np.zeros(samples)
    for p in parts:
        median: Any = p.median_h
        for name in p.median_from:
            median = median * factors.get(name, 1.0)
        sigma: Any = p.sigma * factors.get(p.sigma_from, 1.0) if p.sigma_from else p.sigma
        if p.draw == "lognormal" and p.median_h > 0:
            total += median * np.exp(sigma * rng.standard_normal(samples))
        elif p.draw == "uniform":
            total += rng.uniform(0.0, 2 * p.median_h, samples)
        else:
            total += median
    return total
