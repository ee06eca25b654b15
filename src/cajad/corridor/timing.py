"""Two layers of time on a route: what timetables promise and what shipments live.

*Scheduled* time is the sum of scheduled running times and scheduled dwells (a border's
processing, a port's planned transfer, the planned wait for a weekly feeder). *Realised* time is
a distribution: each part of the route draws from its own distribution (running time and
transfers lognormal around their schedule, border dwells lognormal by class of service, the
wait for a departure uniform on the headway), one shipment factor scales them all, the Caspian
port wait is lognormal with its state's median, and the fitted parameters are themselves drawn
from their uncertainty (:mod:`cajad.corridor.realised`); Monte Carlo sums give P10, P50 and
P90 door to door.

The parameters live in ``timing.yaml``, each flagged ``sourced``, ``derived``, ``fitted`` or
``assumed`` with its source and, when fitted, the ``published_times.csv`` calibration rows behind
it. The *conditions* of the network on a date are a named state (``normal``, or a sourced
congestion or closure period such as ``caspian-winter-2024-25``) and the meteorological season.

>>> from cajad.corridor import load_network, find_routes
>>> network = load_network()
>>> route = find_routes(network, "Altynkol", "Baku", avoid=["RU"])[0]
>>> times = route_times(network, route, conditions_on(as_of="2024-07-01"))
>>> times.p10_h <= times.p50_h <= times.p90_h, times.conditions.season
(True, 'summer')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cajad.corridor._files import problems_of, read_yaml
from cajad.corridor._graph import KIND_TERMINAL
from cajad.corridor.errors import NetworkDataError, OptionError, UnknownScenarioError
from cajad.corridor.loader import bundled_data_dir
from cajad.corridor.model import Network
from cajad.corridor.realised import Part, draw_total
from cajad.corridor.routes import Leg, Route, leg_of_arc

TIMING_FILE = "timing.yaml"
Flag = Literal["sourced", "derived", "fitted", "assumed"]
FLAG_ORDER: tuple[str, ...] = ("assumed", "fitted", "derived", "sourced")
"""Weakest first: a figure carries the weakest flag among the parameters it used."""
SAMPLES = 4000
DEFAULT_SERVICE = "block-train"
"""What a logistics planner books on these corridors: a scheduled block container train."""
_STRICT = ConfigDict(frozen=True, extra="forbid")


class Figure(BaseModel):
    """A parameter with its unit, flag and source (``rows``: calibration rows it was fitted on).

    ``log_se`` (fitted figures only) is the standard error of the logarithm of the value, from
    the curvature of the calibration likelihood: the Monte Carlo draws the value once per sample
    as ``value × exp(log_se × z)``, so a figure fitted on few rows widens the realised spread.
    """

    model_config = _STRICT
    value: Annotated[float, Field(ge=0)]
    unit: str
    flag: Flag
    source: Annotated[str, Field(min_length=3)]
    rows: tuple[str, ...] = ()
    log_se: Annotated[float, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _uncertainty_of_a_fit(self) -> Figure:
        if self.log_se is not None and self.flag != "fitted":
            raise ValueError(f"log_se is the uncertainty of a fit; the flag is {self.flag!r}")
        return self


class Wait(BaseModel):
    """A lognormal dwell: its median (h) and the standard deviation of its logarithm."""

    model_config = _STRICT
    median_h: Figure
    sigma: Figure


class Scheduled(BaseModel):
    model_config = _STRICT
    rail_speed_km_h: Figure
    border_rail_h: Figure
    border_road_h: Figure
    port_transfer_h: Figure
    terminal_transfer_h: Figure
    caspian_handling_h: Figure


class Realised(BaseModel):
    """Spreads of the realised time: of each part, of the Caspian wait and of a shipment."""

    model_config = _STRICT
    running_sigma: Figure
    transfer_sigma: Figure
    border_road: Wait
    winter_caspian_factor: Figure
    caspian_sigma: Figure


class Service(BaseModel):
    """A class of service (``block-train``, ``consignment``, ``wagonload``): its border dwells
    and how its realised time departs from a block train's.

    ``shipment_sigma`` is the spread of the class's shipment factor (``None``: the default
    class's); ``caspian_factor`` multiplies the state's median Caspian wait (``None``: 1, the
    states' medians are a block train's wait); ``rest_factor`` multiplies the median of every
    other part the shipment carries through (``None``: 1), the waits for space, consolidation
    and paperwork a consignment booked piecemeal meets and a scheduled train does not.
    """

    model_config = _STRICT
    title: str
    border_cn_kz: Wait
    border_rail: Wait
    shipment_sigma: Figure | None = None
    caspian_factor: Figure | None = None
    rest_factor: Figure | None = None


class State(BaseModel):
    """A named condition of the network: a period (when dated) and the median Caspian wait
    (its spread, ``realised.caspian_sigma``, is pooled over the states)."""

    model_config = _STRICT
    title: str
    start: date | None = None
    end: date | None = None
    seasonal: bool = True
    caspian_median_h: Figure
    source: Annotated[str, Field(min_length=3)]


class TimingModel(BaseModel):
    """Everything in ``timing.yaml``."""

    model_config = _STRICT
    caspian_ports: tuple[str, ...]
    china_kz_borders: tuple[str, ...]
    default_service: str
    scheduled: Scheduled
    realised: Realised
    services: dict[str, Service]
    states: dict[str, State]

    @model_validator(mode="after")
    def _default_class_has_a_spread(self) -> TimingModel:
        default = self.services.get(self.default_service)
        if default is None or default.shipment_sigma is None:
            raise ValueError("the default class of service needs its own shipment_sigma")
        return self

    def class_figure(self, service: str, field: str) -> str | None:
        """The dotted name of a class's ``shipment_sigma``, ``caspian_factor`` or
        ``rest_factor``: the default class's spread where the class has none; ``None`` for a
        factor the class leaves at 1."""
        if getattr(self.services[service], field) is not None:
            return f"services.{service}.{field}"
        if field == "shipment_sigma":
            return f"services.{self.default_service}.shipment_sigma"
        return None

    def parameters(self) -> dict[str, Figure]:
        """Every parameter by its dotted name (``services.wagonload.border_cn_kz.median_h``)."""
        found: dict[str, Figure] = {}

        def walk(prefix: str, item: BaseModel) -> None:
            for name in type(item).model_fields:
                value = getattr(item, name)
                if isinstance(value, Figure):
                    found[f"{prefix}{name}"] = value
                elif isinstance(value, BaseModel):
                    walk(f"{prefix}{name}.", value)

        walk("scheduled.", self.scheduled)
        walk("realised.", self.realised)
        for key, service in self.services.items():
            walk(f"services.{key}.", service)
        for key, state in self.states.items():
            walk(f"states.{key}.", state)
        return found


def load_timing(path: Path | str | None = None) -> TimingModel:
    """Read and check ``timing.yaml`` (default: the bundled one).

    Raises
    ------
    NetworkDataError
        Naming each invalid field.
    """
    if path is None:
        return _bundled()
    return _read(Path(path))


@lru_cache(maxsize=1)
def _bundled() -> TimingModel:
    return _read(bundled_data_dir() / TIMING_FILE)


def _read(path: Path) -> TimingModel:
    try:
        data, _ = read_yaml(path)
        return TimingModel.model_validate(data)
    except (OSError, ValueError) as exc:
        problems = problems_of(exc, path.name, 0) if isinstance(exc, ValidationError) else []
        raise NetworkDataError(f"invalid timing parameters in {path}", problems) from exc


def season_of(day: date) -> str:
    """Meteorological season: December–February winter, March–May spring, and so on."""
    return ("winter", "spring", "summer", "autumn")[day.month % 12 // 3]


@dataclass(frozen=True, slots=True)
class Conditions:
    """The network on a date: a named state and a season (``None``: no date, no season), and
    the class of service the times are for."""

    state: str
    season: str | None
    as_of: date | None
    service: str = DEFAULT_SERVICE

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "season": self.season,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "service": self.service,
        }


def conditions_on(
    *,
    as_of: date | str | None = None,
    state: str | None = None,
    service: str | None = None,
    model: TimingModel | None = None,
) -> Conditions:
    """The conditions for a date and/or a named state, for a class of service.

    A named ``state`` wins; otherwise the dated state whose period holds ``as_of``, else
    ``normal``. The season follows ``as_of``, or the middle of the state's period when only a
    state is named. ``service`` defaults to ``timing.yaml``'s ``default_service`` (a scheduled
    block container train).

    Raises
    ------
    OptionError
        ``as_of`` is not an ISO date, or ``service`` is no class of ``timing.yaml``.
    UnknownScenarioError
        ``state`` is not a state of ``timing.yaml``.
    """
    m = model or load_timing()
    day = _day(as_of)
    service = m.default_service if service is None else service
    if service not in m.services:
        raise OptionError(f"service must be one of {', '.join(m.services)}; got {service!r}")
    if state is not None:
        if state not in m.states:
            raise UnknownScenarioError(state, sorted(m.states))
        chosen = m.states[state]
        if day is None and chosen.start is not None and chosen.end is not None:
            day = chosen.start + (chosen.end - chosen.start) / 2
        return Conditions(state, None if day is None else season_of(day), _day(as_of), service)
    name = "normal"
    if day is not None:
        for key, s in m.states.items():
            if s.start is not None and s.end is not None and s.start <= day <= s.end:
                name = key
    return Conditions(name, None if day is None else season_of(day), day, service)


def _day(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise OptionError(f"as_of must be an ISO date YYYY-MM-DD; got {value!r}") from exc


@dataclass(frozen=True, slots=True)
class RouteTimes:
    """Scheduled time and realised quantiles of one route (h), with their provenance."""

    scheduled_h: float
    p10_h: float
    p50_h: float
    p90_h: float
    conditions: Conditions
    provenance: dict[str, dict[str, Any]]
    parts: tuple[Part, ...]

    def as_dict(self) -> dict[str, Any]:
        """The fields ``cajad route --json`` adds to each route."""
        return {
            "scheduled_h": round(self.scheduled_h, 1),
            "p10_h": round(self.p10_h, 1),
            "p50_h": round(self.p50_h, 1),
            "p90_h": round(self.p90_h, 1),
            "conditions": self.conditions.as_dict(),
            "provenance": self.provenance,
        }


def route_parts(
    network: Network, route: Route, conditions: Conditions, model: TimingModel | None = None
) -> list[Part]:
    """The parts of ``route``'s time under ``conditions``, leg by leg."""
    m = model or load_timing()
    parts: list[Part] = []
    for i, leg in enumerate(route.legs):
        parts.extend(_leg_parts(network, m, conditions, leg, first=i == 0))
    return parts


def route_times(
    network: Network,
    route: Route,
    conditions: Conditions,
    *,
    model: TimingModel | None = None,
    samples: int = SAMPLES,
    random_state: int = 0,
) -> RouteTimes:
    """Scheduled time and the P10/P50/P90 of the realised time of ``route``.

    Parameters
    ----------
    network, route
        The network and one of its routes.
    conditions
        The state and season (see :func:`conditions_on`).
    samples, random_state
        Monte Carlo draws and the seed (results are reproducible for a seed).
    """
    m = model or load_timing()
    parts = route_parts(network, route, conditions, m)
    params = m.parameters()
    tau = m.class_figure(conditions.service, "shipment_sigma")
    factor = m.class_figure(conditions.service, "rest_factor")
    assert tau is not None
    rng = np.random.default_rng(random_state)
    total = draw_total(parts, params, samples, rng, tau=tau, factor=factor)
    carried = tuple(n for n in (tau, factor) if n is not None)
    p10, p50, p90 = (float(q) for q in np.quantile(total, [0.1, 0.5, 0.9]))
    scheduled = [p for p in parts if p.scheduled_h > 0]
    return RouteTimes(
        scheduled_h=float(sum(p.scheduled_h for p in parts)),
        p10_h=p10,
        p50_h=p50,
        p90_h=p90,
        conditions=conditions,
        provenance={
            "scheduled_h": _provenance(scheduled, params, scheduled=True),
            **dict.fromkeys(("p10_h", "p50_h", "p90_h"), _provenance(parts, params, carried)),
        },
        parts=tuple(parts),
    )


def scheduled_arc_hours(network: Network, model: TimingModel | None = None) -> np.ndarray[Any, Any]:
    """Scheduled hours of every arc of ``network``'s search graph: the weights of routing
    ``by="scheduled"`` (a Caspian port dwell counts on every crossing; kept with the network)."""
    if model is not None:  # memoised for the bundled model only
        return _arc_hours(network, model)
    found: np.ndarray[Any, Any] | None = network.memo.get("scheduled_arc_hours")
    if found is None:
        found = network.memo["scheduled_arc_hours"] = _arc_hours(network, load_timing())
    return found


def _arc_hours(network: Network, m: TimingModel) -> np.ndarray[Any, Any]:
    g, c = network.graph, conditions_on(model=m)
    found = np.zeros(g.n_arcs)
    for arc in np.flatnonzero(g.arc_kind != KIND_TERMINAL).tolist():
        found[arc] = sum(
            p.scheduled_h for p in _leg_parts(network, m, c, leg_of_arc(network, g, arc))
        )
    return found


def _provenance(
    parts: Sequence[Part],
    params: dict[str, Figure],
    carried: Sequence[str] = (),
    *,
    scheduled: bool = False,
) -> dict[str, Any]:
    """The weakest flag and the parameters behind a figure; ``carried`` are the class's
    shipment spread and factor, which every realised figure carries."""
    used = sorted({n for p in parts for n in p.parameters})
    if scheduled:  # a timetable figure owes nothing to the realised spreads, states, classes
        used = [n for n in used if not n.startswith(("realised.", "states.", "services."))]
    else:
        used = sorted({*used, *carried})
    flags = [params[n].flag if n in params else n.split(":", 1)[0] for n in used]
    weakest = min(flags, key=FLAG_ORDER.index) if flags else "sourced"
    return {"flag": weakest, "parameters": used}


def _link_flag(leg: Leg, field: str) -> str:
    """``sourced:…`` for a link's own figure; ``assumed:…`` for an estimated distance (great
    circle × circuity: no sourced figure); ``derived:…`` for another figure from a default."""
    if field not in leg.defaults:
        return f"sourced:{leg.link}.{field}"
    return f"{'assumed' if field == 'distance_km' else 'derived'}:{leg.link}.{field}"


def _leg_parts(
    network: Network, m: TimingModel, c: Conditions, leg: Leg, *, first: bool = False
) -> list[Part]:
    """The parts of one leg; a Caspian crossing that starts the route has no port dwell."""
    s, r = m.scheduled, m.realised
    run_sigma = r.running_sigma.value
    if leg.mode == "transshipment":
        kind = network.nodes[leg.from_node].kind
        key = "port_transfer_h" if kind == "port" else "terminal_transfer_h"
        hours = getattr(s, key).value
        sched = (f"scheduled.{key}", "realised.transfer_sigma")
        return [
            Part(
                f"transfer {leg.from_node}",
                hours,
                "lognormal",
                hours,
                r.transfer_sigma.value,
                sched,
            )
        ]
    travel = leg.time_h - leg.wait_h - leg.dwell_h
    run_params: tuple[str, ...] = (_link_flag(leg, "time_h"), "realised.running_sigma")
    on_rail = leg.link is not None and network.links[leg.link].gauge is not None
    if on_rail and leg.mode in ("rail", "border") and "time_h" in leg.defaults:
        travel = leg.distance_km / s.rail_speed_km_h.value
        run_params = ("scheduled.rail_speed_km_h", _link_flag(leg, "distance_km"), run_params[1])
    parts = [Part(f"run {leg.link}", travel, "lognormal", travel, run_sigma, run_params)]
    ends = {leg.from_node, leg.to_node}
    if leg.mode in ("ferry", "sea") and ends <= set(m.caspian_ports):
        if not first:  # a time from a Caspian port starts with the sailing (port-to-port)
            parts.append(_caspian(m, c, leg))
    elif leg.mode == "border":
        parts.append(_border(m, c, leg, road=not on_rail))
    else:
        sigma = r.transfer_sigma.value
        if leg.dwell_h:
            names = (_link_flag(leg, "dwell_h"), "realised.transfer_sigma")
            parts.append(
                Part(f"dwell {leg.link}", leg.dwell_h, "lognormal", leg.dwell_h, sigma, names)
            )
        if leg.wait_h:
            parts.append(
                Part(
                    f"departure {leg.link}",
                    leg.wait_h,
                    "uniform",
                    leg.wait_h,
                    0.0,
                    (f"derived:{leg.link}.departures_per_week",),
                )
            )
    return parts


def _caspian(m: TimingModel, c: Conditions, leg: Leg) -> Part:
    """The wait at the Caspian port of loading: the realised wait subsumes the scheduled
    handling and the wait for a sailing (the sailing itself is the leg's own run part)."""
    state = m.states[c.state]
    median_from = [f"states.{c.state}.caspian_median_h"]
    median = state.caspian_median_h.value
    if state.seasonal and c.season == "winter":
        median *= m.realised.winter_caspian_factor.value
        median_from.append("realised.winter_caspian_factor")
    factor = m.services[c.service].caspian_factor
    if factor is not None:  # a consignment waits behind the scheduled trains
        median *= factor.value
        median_from.append(f"services.{c.service}.caspian_factor")
    names = ("scheduled.caspian_handling_h", *median_from, "realised.caspian_sigma")
    return Part(
        f"caspian port {leg.from_node}",
        m.scheduled.caspian_handling_h.value,  # the part's scheduled figure is named first
        "lognormal",
        median,
        m.realised.caspian_sigma.value,
        names,
        median_from=tuple(median_from),
        sigma_from="realised.caspian_sigma",
        shipment=False,
    )


def _border(m: TimingModel, c: Conditions, leg: Leg, *, road: bool) -> Part:
    s = m.scheduled
    if road:
        wait, key, sched = m.realised.border_road, "realised.border_road", s.border_road_h
    else:
        service = m.services[c.service]
        name = "border_cn_kz" if leg.link in m.china_kz_borders else "border_rail"
        wait, key, sched = getattr(service, name), f"services.{c.service}.{name}", s.border_rail_h
    names = (
        f"scheduled.{'border_road_h' if road else 'border_rail_h'}",
        f"{key}.median_h",
        f"{key}.sigma",
    )
    median = max(wait.median_h.value, sched.value)
    return Part(f"border {leg.link}", sched.value, "lognormal", median, wait.sigma.value, names)


FAMILY_CONSTRAINTS: dict[str, dict[str, Any]] = {
    "middle": {"avoid": ("RU", "EG")},
    "northern": {},
    "southern/sea": {"modes": ("sea",)},
    "other": {},
}
"""How a published figure's route family selects the model's route (as in ``validation.csv``)."""


def network_on(
    network: Network,
    *,
    as_of: date | str | None = None,
    scenario: str | None = None,
    service: str | None = None,
) -> tuple[Network, Conditions]:
    """The network and its conditions for ``--as-of``, ``--scenario`` and ``--service``.

    ``scenario`` names a state of ``timing.yaml`` (a sourced congestion or closure period) or a
    network scenario (a bundled name or a file, see :func:`~cajad.corridor.load_scenario`),
    which is applied; the date then chooses the state.

    Raises
    ------
    UnknownScenarioError
        ``scenario`` is neither.
    """
    from cajad.corridor.scenarios import apply_scenario, list_scenarios, load_scenario

    model = load_timing()
    if scenario is not None and scenario in model.states:
        return network, conditions_on(as_of=as_of, state=scenario, service=service, model=model)
    if scenario is not None:
        try:
            network = apply_scenario(network, load_scenario(scenario))
        except UnknownScenarioError as exc:
            raise UnknownScenarioError(scenario, sorted(model.states) + list_scenarios()) from exc
    return network, conditions_on(as_of=as_of, service=service, model=model)


def used_parameters(times: Sequence[RouteTimes]) -> dict[str, dict[str, Any]]:
    """The parameters behind ``times`` with value, unit, flag, source and fitted rows."""
    params = load_timing().parameters()
    names = sorted(
        {n for t in times for f in t.provenance.values() for n in f["parameters"] if n in params}
    )
    return {n: params[n].model_dump() for n in names}
