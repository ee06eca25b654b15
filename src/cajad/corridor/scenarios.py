"""Scenarios: data files of changes to the network (edit, add or remove a link or a node).

A scenario is YAML (or JSON, which YAML reads)::

    name: more-caspian-ferries
    title: Daily container feeders Aktau–Alat
    projects: [kz-aktau-port-customs]        # register projects that cause the change
    pairs: [[Xi'an, Duisburg]]                # origin/destination pairs to compare (optional)
    changes:
      - op: edit_link                         # or add_link, remove_link, edit_node, ...
        id: ferry:KZAAU-AZ_ALAT
        set: {departures_per_week: 7}
        scale: {dwell_h: 0.5}                  # multiplies the value in force (default too)
        source: "why, and where the figure comes from"

Every number a change sets needs an origin: a ``*_source`` field in ``set`` or the change's
``source``. Problems name the file, the line and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cajad.corridor._files import YamlPath, line_of, problems_of, read_yaml
from cajad.corridor._metrics import transfer_figures
from cajad.corridor._schema import LINK_NUMBERS, Link, Node
from cajad.corridor.errors import (
    NetworkDataError,
    Problem,
    ScenarioError,
    UnknownScenarioError,
)
from cajad.corridor.loader import bundled_data_dir
from cajad.corridor.model import Network

NODE_NUMBERS: tuple[tuple[str, str], ...] = (
    ("transfer_time_h", "transfer_source"),
    ("transfer_fee_usd_per_teu", "transfer_source"),
    ("capacity_teu_per_year", "capacity_source"),
    ("lat", "coord_source"),
    ("lon", "coord_source"),
)
_STRICT = ConfigDict(frozen=True, extra="forbid")


class _Edit(BaseModel):
    model_config = _STRICT
    id: str
    set: dict[str, Any] = Field(default_factory=dict)
    scale: dict[str, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)
    source: str | None = None


class EditLink(_Edit):
    """Set or scale figures of a link (``status: current`` opens a planned one)."""

    op: Literal["edit_link"]


class EditNode(_Edit):
    """Set or scale figures of a node (transfer time and fee, capacity)."""

    op: Literal["edit_node"]


class AddLink(BaseModel):
    """Add a link; ``link`` has the columns of ``links.csv``."""

    model_config = _STRICT
    op: Literal["add_link"]
    link: dict[str, Any]


class AddNode(BaseModel):
    """Add a node; ``node`` has the columns of ``nodes.csv``."""

    model_config = _STRICT
    op: Literal["add_node"]
    node: dict[str, Any]


class RemoveLink(BaseModel):
    """Remove a link."""

    model_config = _STRICT
    op: Literal["remove_link"]
    id: str


class RemoveNode(BaseModel):
    """Remove a node and every link that touches it."""

    model_config = _STRICT
    op: Literal["remove_node"]
    id: str


Change = Annotated[
    EditLink | EditNode | AddLink | AddNode | RemoveLink | RemoveNode, Field(discriminator="op")
]


class Scenario(BaseModel):
    """A named set of changes, the projects behind it and the pairs it is judged on."""

    model_config = _STRICT

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: Annotated[str, Field(min_length=1)]
    description: str = ""
    projects: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    changes: Annotated[list[Change], Field(min_length=1)]
    file: str = "<scenario>"
    lines: Mapping[YamlPath, int] = Field(default_factory=dict, exclude=True, repr=False)

    def line(self, *path: str | int) -> int:
        """Line of a field in the scenario file (1 when unknown)."""
        return line_of(self.lines, tuple(path))


def scenario_dir() -> Path:
    """Folder of the bundled scenarios."""
    return bundled_data_dir() / "scenarios"


def list_scenarios() -> list[str]:
    """Names of the bundled scenarios."""
    return sorted(p.stem for p in scenario_dir().glob("*.yaml"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read a scenario from a file, or a bundled one by name.

    Raises
    ------
    UnknownScenarioError
        Neither a file nor a bundled scenario.
    ScenarioError
        The file is not valid; every problem names its line and field.
    """
    path = Path(name_or_path)
    if not path.is_file():
        bundled = scenario_dir() / f"{name_or_path}.yaml"
        if not bundled.is_file():
            raise UnknownScenarioError(str(name_or_path), list_scenarios())
        path = bundled
    try:
        data, lines = read_yaml(path)
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"cannot read scenario {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ScenarioError(
            f"scenario {path} must be a mapping", [Problem(path.name, 1, "(file)", "not a mapping")]
        )
    try:
        return Scenario.model_validate({**data, "file": path.name, "lines": lines})
    except ValidationError as exc:
        problems = [
            Problem(p.file, line_of(lines, _split(p.field)), p.field, p.reason)
            for p in problems_of(exc, path.name, 0)
        ]
        raise ScenarioError(f"invalid scenario {path}", problems) from exc


def _split(field: str) -> YamlPath:
    return tuple(int(p) if p.isdigit() else p for p in field.split("."))


def apply_scenario(network: Network, scenario: Scenario) -> Network:
    """The network after every change of ``scenario``, in order.

    Raises
    ------
    ScenarioError
        Listing every change that names an unknown element, sets a number without an origin,
        or leaves the network invalid.
    """
    state = _State(dict(network.nodes), dict(network.links), network, scenario)
    for index, change in enumerate(scenario.changes):
        state.apply(index, change)
    if state.problems:
        raise ScenarioError(f"scenario {scenario.name!r} cannot be applied", state.problems)
    try:
        return network.replace(state.nodes.values(), state.links.values(), where=state.where)
    except NetworkDataError as exc:
        raise ScenarioError(
            f"scenario {scenario.name!r} leaves the network invalid", exc.problems
        ) from exc


class _State:
    """Nodes and links being changed, and the problems found so far."""

    def __init__(
        self,
        nodes: dict[str, Node],
        links: dict[str, Link],
        network: Network,
        scenario: Scenario,
    ) -> None:
        self.nodes, self.links = nodes, links
        self.network, self.scenario = network, scenario
        self.problems: list[Problem] = []
        self.where: dict[str, tuple[str, int]] = {}

    def fail(self, index: int, field: str, reason: str) -> None:
        line = (
            self.scenario.line("changes", index, field)
            if field
            else self.scenario.line("changes", index)
        )
        self.problems.append(Problem(self.scenario.file, line, f"changes.{index}.{field}", reason))

    def apply(self, index: int, change: Change) -> None:
        if isinstance(change, RemoveLink):
            if self.links.pop(change.id, None) is None:
                self.fail(index, "id", f"unknown link {change.id!r}")
        elif isinstance(change, RemoveNode):
            if self.nodes.pop(change.id, None) is None:
                self.fail(index, "id", f"unknown node {change.id!r}")
            self.links = {
                k: v for k, v in self.links.items() if change.id not in (v.from_node, v.to_node)
            }
        elif isinstance(change, AddLink | AddNode):
            self._add(index, change)
        else:
            self._edit(index, change)

    def _add(self, index: int, change: AddLink | AddNode) -> None:
        is_link = isinstance(change, AddLink)
        data = change.link if isinstance(change, AddLink) else change.node
        store: dict[str, Any] = self.links if is_link else self.nodes
        field = "link" if is_link else "node"
        try:
            item = (Link if is_link else Node).model_validate(data)
        except ValidationError as exc:
            for p in problems_of(exc, self.scenario.file, 0):
                self.fail(index, field, f"{p.field}: {p.reason}")
            return
        if item.id in store:
            self.fail(index, field, f"{field} {item.id!r} exists already; use edit_{field}")
            return
        store[item.id] = item
        self.where[f"{field}:{item.id}"] = (
            self.scenario.file,
            self.scenario.line("changes", index),
        )

    def _edit(self, index: int, change: EditLink | EditNode) -> None:
        is_link = isinstance(change, EditLink)
        store: dict[str, Any] = self.links if is_link else self.nodes
        current = store.get(change.id)
        if current is None:
            self.fail(index, "id", f"unknown {'link' if is_link else 'node'} {change.id!r}")
            return
        pairs = LINK_NUMBERS if is_link else NODE_NUMBERS
        merged = current.row() if is_link else current.model_dump()
        merged.update(change.set)
        for number, origin in pairs:
            if number in change.set and origin not in change.set:
                if not change.source:
                    self.fail(index, "set", f"{number} needs {origin} or the change's source")
                    return
                merged[origin] = f"scenario {self.scenario.name}: {change.source}"
        for number, factor in change.scale.items():
            if not self._scale(index, change, current, merged, number, factor):
                return
        try:
            store[change.id] = type(current).model_validate(merged)
        except ValidationError as exc:
            for p in problems_of(exc, self.scenario.file, 0):
                self.fail(index, "set", f"{p.field}: {p.reason}")

    def _scale(
        self,
        index: int,
        change: EditLink | EditNode,
        current: Link | Node,
        merged: dict[str, Any],
        number: str,
        factor: float,
    ) -> bool:
        pairs = dict(LINK_NUMBERS if isinstance(current, Link) else NODE_NUMBERS)
        if number not in pairs:
            self.fail(index, "scale", f"cannot scale {number!r}; numbers: {', '.join(pairs)}")
            return False
        value = merged.get(number)
        if value is None:
            value = self._in_force(current, number)
        if value is None:
            self.fail(index, "scale", f"{number} has no value to scale on {change.id}")
            return False
        if not change.source:
            self.fail(index, "source", "a scaled number needs the change's source")
            return False
        old = merged.get(pairs[number]) or "parameters.yaml default"
        merged[number] = float(value) * factor
        merged[pairs[number]] = (
            f"scenario {self.scenario.name}: x{factor:g} of ({old}); {change.source}"
        )
        return True

    def _in_force(self, current: Link | Node, number: str) -> float | None:
        """The value the model uses now, default included."""
        if isinstance(current, Node):
            fig = transfer_figures(current, self.network.parameters)
            if fig is None:
                return None
            return {"transfer_time_h": fig.time_h, "transfer_fee_usd_per_teu": fig.fee_usd}.get(
                number
            )
        if current.id not in self.network.links:
            return None
        link = self.network.figures(current.id)
        return {
            "distance_km": link.distance_km,
            "time_h": link.travel_h,
            "dwell_h": link.dwell_h,
            "fee_usd_per_teu": link.fee_usd,
            "cost_usd_per_teu": link.haul_usd,
        }.get(number)
