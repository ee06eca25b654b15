"""What the corridor API answers: the objects of `cajad route --json` and `cajad scenario`.

Figures are floats as the corridor library gives them (rounded there: km to 0.1, hours and USD
to 0.01), per TEU, with the unit in each name. The models document the shapes in OpenAPI; the
values are the library's ``as_dict()``, unchanged.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cajad.web.schemas import ProjectRef


class NodeOut(BaseModel):
    """A place of the network: city, port, border station or hub (WGS 84 degrees)."""

    id: str
    name: str
    aliases: list[str]
    country: str
    kind: Literal["city", "port", "border", "hub"]
    lon: float | None = Field(description="Degrees east; null where the data gives no position.")
    lat: float | None = Field(description="Degrees north; null where the data gives no position.")


class LegOut(BaseModel):
    """One step of a route: a link (rail, road, sea, ferry, border) or a transshipment."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", description="Node id.")
    to: str = Field(description="Node id (the same as from for a transshipment).")
    from_name: str
    to_name: str
    mode: Literal["rail", "road", "sea", "ferry", "border", "transshipment"]
    link: str | None
    distance_km: float
    time_h: float = Field(description="Dwell and the expected wait for a departure included.")
    cost_usd_per_teu: float
    co2_kg_per_teu: float
    wait_h: float
    dwell_h: float
    defaults: list[str] = Field(description="Figures taken from parameters.yaml defaults.")
    detail: str


class RouteFigures(BaseModel):
    """A route's totals (sums over its legs) and what it crosses."""

    label: str
    distance_km: float
    time_h: float
    time_days: float
    time_spread_h: float = Field(description="Standard deviation of the time: reliability.")
    cost_usd_per_teu: float
    generalized_cost_usd_per_teu: float
    co2_kg_per_teu: float
    countries: list[str]
    border_crossings: int
    transshipments: int


class Provenance(BaseModel):
    """The weakest flag among the parameters behind a figure, and those parameters."""

    flag: Literal["sourced", "derived", "fitted", "assumed"]
    parameters: list[str]


class ConditionsOut(BaseModel):
    """The network on a date: a named state and the meteorological season, and the class of
    service the times are for (``block-train`` unless asked)."""

    state: str
    season: str | None
    as_of: str | None
    service: str


class RouteOut(RouteFigures):
    legs: list[LegOut]
    scheduled_h: float = Field(description="What timetables promise (h).")
    p10_h: float = Field(description="Realised time, 10th percentile (h).")
    p50_h: float = Field(description="Realised time, median (h).")
    p90_h: float = Field(description="Realised time, 90th percentile (h).")
    conditions: ConditionsOut
    provenance: dict[str, Provenance] = Field(description="Per figure: flag and parameters.")


class Constraints(BaseModel):
    avoid: list[str]
    max_transshipments: int | None
    modes: list[str] | None


class RoutesOut(BaseModel):
    """Best routes first, every leg explained: the object ``cajad route --json`` prints."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    by: Literal["scheduled", "time", "cost", "generalized", "pareto"]
    constraints: Constraints
    routes: list[RouteOut]
    conditions: ConditionsOut
    time_parameters: dict[str, dict[str, Any]] = Field(
        description="Parameters behind the times: value, unit, flag, source, fitted rows."
    )


class ScenarioOut(BaseModel):
    """A bundled scenario and the register projects it is attached to."""

    name: str
    title: str
    description: str
    projects: list[str] = Field(description="Identifiers the scenario file names.")
    registered: list[ProjectRef] = Field(description="Those of them the register holds.")
    changes: list[str] = Field(description="What it changes, one plain sentence per change.")


class Delta(BaseModel):
    time_h: float | None
    cost_usd_per_teu: float | None
    time_spread_h: float | None
    co2_kg_per_teu: float | None


class ShareOut(BaseModel):
    """One distinct path (the places it passes) and its share of the traffic."""

    label: str = Field(description="Readable, and unique within its pair.")
    base: float
    scenario: float


class PairOut(BaseModel):
    """Base and scenario for one origin–destination pair: best routes, change, shares."""

    origin: str
    destination: str
    origin_name: str
    destination_name: str
    base: RouteFigures | None
    scenario: RouteFigures | None
    delta: Delta = Field(description="Scenario minus base, best route.")
    shares: list[ShareOut]


class ComparisonOut(BaseModel):
    """A scenario against the base, side by side: the object ``cajad scenario --json`` prints."""

    scenario: str
    title: str
    description: str
    projects: list[str]
    by: str
    changes: list[str] = Field(description="What it changes, one plain sentence per change.")
    asked: bool = Field(description="Whether the pairs are the route asked (from, to).")
    pairs: list[PairOut]


class LoadOut(BaseModel):
    """Yearly flow through a link (one direction) or a port, and what its capacity is worth."""

    kind: str = Field(description="link or node")
    element: str = Field(description="Link or node id.")
    name: str = Field(description="The element as people know it.")
    from_name: str
    to_name: str
    flow_teu_per_year: float
    capacity_teu_per_year: float | None
    utilisation: float | None = Field(description="Flow over capacity, 0..1.")
    saturated: bool
    shadow_price_usd_per_teu: float = Field(
        description="Saving from one more TEU of capacity a year (0 unless saturated)."
    )


class DemandOut(BaseModel):
    origin: str
    destination: str
    teu_per_year: float
    unmet_teu_per_year: float
    source: str


class FlowsOut(BaseModel):
    """The bundled demand assigned under capacities: bottlenecks first."""

    scenario: str | None
    criterion: str
    bottlenecks: list[LoadOut] = Field(description="Saturated elements, costliest first.")
    loads: list[LoadOut] = Field(description="Every element with a capacity, busiest first.")
    unconstrained: list[LoadOut] = Field(description="Used links with no sourced capacity.")
    demand: list[DemandOut]
