"""The model against published figures: the table in ``validation.csv``, evaluated.

Each row names a route (origin, destination, the criterion and constraints that select the
route family), a metric and the published range ``[low, high]``. The model passes a row when
its value lies in ``[low × (1 − tolerance), high × (1 + tolerance)]``. A row may compare two
routes (``relation``: ``ratio`` or ``difference`` to the row named in ``relative_to``).
``use`` says what a row is for: ``check`` (held out), ``calibration`` (a parameter was chosen
to meet it), ``input`` (the figure is itself in the network), or ``excluded`` (kept for the
record with the reason in ``note``; it does not have to pass).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from cajad.corridor._files import read_table
from cajad.corridor._schema import Codes, _blank_to_none
from cajad.corridor.errors import NetworkDataError
from cajad.corridor.loader import bundled_data_dir, load_network
from cajad.corridor.model import Network
from cajad.corridor.routes import Route
from cajad.corridor.routing import find_routes

Number = Annotated[float | None, BeforeValidator(_blank_to_none)]
Modes = Annotated[
    tuple[str, ...] | None,
    BeforeValidator(lambda v: None if not v else tuple(x for x in str(v).split(";") if x)),
]


class Expectation(BaseModel):
    """One row of ``validation.csv``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    family: str
    use: Literal["check", "calibration", "input", "excluded"]
    origin: str
    destination: str
    metric: Literal["time_days", "cost_usd_per_teu", "distance_km"]
    low: Number = None
    high: Number = None
    tolerance: Annotated[float, Field(ge=0, le=1)]
    by: Literal["time", "cost", "generalized"] = "time"
    avoid: Codes = ()
    modes: Modes = None
    relative_to: Annotated[str | None, BeforeValidator(_blank_to_none)] = None
    relation: Annotated[Literal["ratio", "difference"] | None, BeforeValidator(_blank_to_none)] = (
        None
    )
    source: str = Field(min_length=3)
    confidence: str
    note: Annotated[str | None, BeforeValidator(_blank_to_none)] = None

    @property
    def bounds(self) -> tuple[float, float]:
        """Accepted interval for the model value, tolerance applied."""
        low = self.low if self.low is not None else 0.0
        high = self.high if self.high is not None else low
        ends = (low * (1 - self.tolerance), high * (1 + self.tolerance))
        if high < 0:  # a negative range widens the other way
            ends = (low * (1 + self.tolerance), high * (1 - self.tolerance))
        return min(ends), max(ends)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A row with the model's value and whether it lies within the accepted interval."""

    expectation: Expectation
    value: float | None
    route: Route | None

    @property
    def passed(self) -> bool:
        low, high = self.expectation.bounds
        return self.value is not None and low <= self.value <= high

    def as_dict(self) -> dict[str, Any]:
        e = self.expectation
        return {
            "id": e.id,
            "family": e.family,
            "use": e.use,
            "metric": e.metric + (f" ({e.relation})" if e.relation else ""),
            "published": [e.low, e.high],
            "tolerance": e.tolerance,
            "model": None if self.value is None else round(self.value, 3),
            "passed": self.passed,
            "route": None if self.route is None else self.route.label,
        }


def load_expectations(path: Path | str | None = None) -> list[Expectation]:
    """Read the validation table (default: the bundled ``validation.csv``)."""
    file = Path(path) if path is not None else bundled_data_dir() / "validation.csv"
    rows, problems = read_table(file, Expectation)
    if problems:
        raise NetworkDataError(f"invalid validation table {file}", problems)
    return [row for _, row in rows]


def _measure(network: Network, e: Expectation, metric: str) -> tuple[float, Route]:
    route = find_routes(network, e.origin, e.destination, by=e.by, avoid=e.avoid, modes=e.modes)[0]
    value = route.time_days if metric == "time_days" else float(getattr(route, metric))
    return value, route


def run_validation(
    network: Network | None = None, expectations: list[Expectation] | None = None
) -> list[Outcome]:
    """Evaluate every row of the validation table on ``network`` (default: bundled)."""
    net = network if network is not None else load_network()
    rows = expectations if expectations is not None else load_expectations()
    by_id = {e.id: e for e in rows}
    outcomes = []
    for e in rows:
        value, route = _measure(net, e, e.metric)
        if e.relative_to is not None:
            # the reference row chooses the route; this row's metric is measured on it
            other, _ = _measure(net, by_id[e.relative_to], e.metric)
            value = value / other if e.relation == "ratio" else value - other
        outcomes.append(Outcome(e, value, route))
    return outcomes
