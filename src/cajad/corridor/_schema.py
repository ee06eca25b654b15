"""Declarative schemas of the network files: one validated row per node and per link.

Every number in a row must name its origin in the matching ``*_source`` field; an empty
number means "derive it by the documented rule in ``parameters.yaml``". Rows are pydantic
models so that the loader, scenarios and hand-built networks share one set of rules.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

Mode = Literal["rail", "road", "sea", "ferry", "border"]
NodeKind = Literal["city", "port", "border", "hub"]
Status = Literal["current", "planned"]
TRANSPORT_MODES: tuple[str, ...] = ("rail", "road", "sea", "ferry")
GAUGES_MM: tuple[int, ...] = (1435, 1520)


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _split_list(value: Any) -> Any:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    return value


def _parse_gauge(value: Any) -> Any:
    """``"1520"`` → (1520, 1520); ``"1435/1520"`` → (1435, 1520): gauge at the from and to end."""
    value = _blank_to_none(value)
    if value is None or isinstance(value, tuple | list):
        return tuple(value) if value is not None else None
    if isinstance(value, int):
        return (value, value)
    parts = str(value).split("/")
    if len(parts) not in (1, 2) or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"gauge must be like '1520' or '1435/1520'; got {value!r}")
    first = int(parts[0])
    return (first, int(parts[-1]))


Text = Annotated[str | None, BeforeValidator(_blank_to_none)]
Positive = Annotated[Annotated[float, Field(gt=0)] | None, BeforeValidator(_blank_to_none)]
NonNegative = Annotated[Annotated[float, Field(ge=0)] | None, BeforeValidator(_blank_to_none)]
Latitude = Annotated[Annotated[float, Field(ge=-90, le=90)] | None, BeforeValidator(_blank_to_none)]
Longitude = Annotated[
    Annotated[float, Field(ge=-180, le=180)] | None, BeforeValidator(_blank_to_none)
]
Codes = Annotated[
    tuple[Annotated[str, Field(pattern=r"^[A-Z]{2}$")], ...], BeforeValidator(_split_list)
]
Names = Annotated[tuple[str, ...], BeforeValidator(_split_list)]
Gauge = Annotated[tuple[int, int] | None, BeforeValidator(_parse_gauge)]


def _require_sources(row: BaseModel, pairs: tuple[tuple[str, str], ...]) -> None:
    for number, source in pairs:
        if getattr(row, number) is not None and not getattr(row, source):
            raise ValueError(f"{number} is given without {source}: every number needs its origin")


class Node(BaseModel):
    """A place of the network: city, port, border station or rail hub.

    ``transfer_*`` are the dwell time (h) and fee (USD per TEU) of moving a container between
    carriers at this node (ship ↔ train, 1435 ↔ 1520 mm wagons, train ↔ truck).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$")]
    name: Annotated[str, Field(min_length=1)]
    aliases: Names = ()
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    kind: NodeKind
    lat: Latitude = None
    lon: Longitude = None
    coord_source: Text = None
    transfer_time_h: NonNegative = None
    transfer_fee_usd_per_teu: NonNegative = None
    transfer_source: Text = None
    capacity_teu_per_year: Positive = None
    capacity_source: Text = None
    notes: Text = None

    @model_validator(mode="after")
    def _check(self) -> Node:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon must be given together")
        _require_sources(
            self,
            (
                ("lat", "coord_source"),
                ("transfer_time_h", "transfer_source"),
                ("transfer_fee_usd_per_teu", "transfer_source"),
                ("capacity_teu_per_year", "capacity_source"),
            ),
        )
        return self


LINK_NUMBERS: tuple[tuple[str, str], ...] = (
    ("distance_km", "distance_source"),
    ("time_h", "time_source"),
    ("dwell_h", "dwell_source"),
    ("fee_usd_per_teu", "fee_source"),
    ("cost_usd_per_teu", "cost_source"),
    ("departures_per_week", "departures_source"),
    ("capacity_teu_per_year", "capacity_source"),
)


class Link(BaseModel):
    """A link between two nodes, usable in both directions with the same figures.

    Times are hours, distances km, money USD per TEU, capacity TEU per year and direction.
    ``time_h`` is the time in motion, ``dwell_h`` the fixed time at the element (border
    formalities, ferry loading), ``fee_usd_per_teu`` its fixed charges and ``cost_usd_per_teu``
    the line-haul rate. ``gauge`` is the rail gauge at the from and to end (``1435/1520`` is a
    gauge change inside the link, counted as a transshipment); a ferry with a gauge carries
    rail wagons, a border without one is a road crossing. ``via`` lists the countries crossed
    between the two ends (a trunk line, a canal).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_:.\-]+$")]
    from_node: Annotated[str, Field(alias="from", min_length=1)]
    to_node: Annotated[str, Field(alias="to", min_length=1)]
    mode: Mode
    gauge: Gauge = None
    via: Codes = ()
    status: Status = "current"
    distance_km: Positive = None
    distance_source: Text = None
    time_h: Positive = None
    time_source: Text = None
    dwell_h: NonNegative = None
    dwell_source: Text = None
    fee_usd_per_teu: NonNegative = None
    fee_source: Text = None
    cost_usd_per_teu: NonNegative = None
    cost_source: Text = None
    departures_per_week: Positive = None
    departures_source: Text = None
    capacity_teu_per_year: Positive = None
    capacity_source: Text = None
    notes: Text = None

    @model_validator(mode="after")
    def _check(self) -> Link:
        if self.from_node == self.to_node:
            raise ValueError("from and to must differ")
        if self.gauge is not None and any(g not in GAUGES_MM for g in self.gauge):
            raise ValueError(f"gauge must use {GAUGES_MM} mm; got {self.gauge}")
        if self.mode == "rail" and self.gauge is None:
            raise ValueError("a rail link needs its gauge (1435, 1520 or 1435/1520)")
        if self.mode in ("sea", "road") and self.gauge is not None:
            raise ValueError(f"a {self.mode} link has no gauge")
        if self.mode in ("sea", "ferry") and self.distance_km is None:
            raise ValueError(f"a {self.mode} link needs distance_km")
        _require_sources(self, LINK_NUMBERS)
        return self

    @property
    def carrier(self) -> str:
        """What carries the container: ``rail``, ``road`` or ``water``."""
        if self.gauge is not None:
            return "rail"
        return "road" if self.mode in ("road", "border") else "water"

    @property
    def changes_gauge(self) -> bool:
        """Whether the gauge differs between the two ends (a 1435 ↔ 1520 mm transshipment)."""
        return self.gauge is not None and self.gauge[0] != self.gauge[1]

    def row(self) -> dict[str, Any]:
        """The link as a flat row of the links file (gauge as text, lists ``;``-joined)."""
        data = self.model_dump(by_alias=True)
        data["gauge"] = _gauge_text(self.gauge)
        data["via"] = ";".join(self.via)
        return data


def _gauge_text(gauge: tuple[int, int] | None) -> str | None:
    if gauge is None:
        return None
    return str(gauge[0]) if gauge[0] == gauge[1] else f"{gauge[0]}/{gauge[1]}"


Basis = Literal["quoted", "derived", "calibrated", "assumed"]


class Param(BaseModel):
    """One model parameter with its unit and origin."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    unit: str
    basis: Basis
    source: Annotated[str, Field(min_length=3)]


class ModeParams(BaseModel):
    """Defaults of a transport mode, used where a link leaves the figure empty."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    speed_km_h: Param
    cost_usd_per_teu_km: Param
    co2_kg_per_teu_km: Param
    time_cv: Param
    circuity: Param | None = None


class SeaParams(ModeParams):
    """Sea defaults, with the feeder class for short legs."""

    feeder_max_km: Param
    feeder_co2_kg_per_teu_km: Param


class BorderParams(BaseModel):
    """Defaults of a border crossing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dwell_h: Param
    fee_usd_per_teu: Param
    dwell_cv: Param


class TransferParams(BaseModel):
    """Defaults of moving a container between carriers at a node."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    time_h: Param
    fee_usd_per_teu: Param
    time_cv: Param


class Parameters(BaseModel):
    """Every default and rule of the model, each with its origin (``parameters.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rail: ModeParams
    road: ModeParams
    sea: SeaParams
    ferry: ModeParams
    border_rail: BorderParams
    border_road: BorderParams
    transfer_port: TransferParams
    transfer_terminal: TransferParams
    dwell_cv: Param
    value_of_time_usd_per_teu_h: Param
    logit_scale_per_usd: Param

    def mode(self, name: str) -> ModeParams:
        """Defaults of a transport mode (``rail``, ``road``, ``sea`` or ``ferry``)."""
        found: ModeParams = getattr(self, name)
        return found
