"""What a scenario changes, in plain words: one sentence per change, places by the names people
know them by (``Aktau–Alat ferry: 7 departures a week``), for the project page, the corridor
page and ``cajad scenario``.

>>> from cajad.corridor import load_network, load_scenario
>>> describe_changes(load_network(), load_scenario("faster-border"))[0]
'Khorgos–Altynkol border crossing: dwell halved'
"""

from __future__ import annotations

from typing import Any

from cajad.corridor.model import Network
from cajad.corridor.routes import short_name
from cajad.corridor.scenarios import (
    AddLink,
    AddNode,
    Change,
    EditLink,
    RemoveLink,
    RemoveNode,
    Scenario,
)

MODE_WORDS = {
    "rail": "rail line",
    "road": "road",
    "sea": "sea route",
    "ferry": "ferry",
    "border": "border crossing",
}
FIGURES: dict[str, tuple[str, str]] = {
    "departures_per_week": ("{:g} departures a week", "departures"),
    "capacity_teu_per_year": ("capacity {:,.0f} containers (TEU) a year", "capacity"),
    "cost_usd_per_teu": ("rate USD {:,.0f} per container (TEU)", "rate"),
    "fee_usd_per_teu": ("fees USD {:,.0f} per container (TEU)", "fees"),
    "time_h": ("{:,.0f} hours under way", "time under way"),
    "dwell_h": ("dwell {:,.0f} hours", "dwell"),
    "distance_km": ("{:,.0f} km", "distance"),
    "transfer_time_h": ("transfer {:,.0f} hours", "transfer time"),
    "transfer_fee_usd_per_teu": ("transfer fee USD {:,.0f} per container (TEU)", "transfer fee"),
}
"""How a figure reads when set (its format) and when scaled (its name)."""


def describe_changes(network: Network, scenario: Scenario) -> list[str]:
    """One plain sentence per change of ``scenario``, in its order."""
    return [describe_change(network, change) for change in scenario.changes]


def describe_change(network: Network, change: Change) -> str:
    """One change in plain words; an element the base network lacks is named by its id."""
    if isinstance(change, RemoveLink):
        return f"{link_name(network, change.id)}: closed"
    if isinstance(change, RemoveNode):
        return f"{node_name(network, change.id)}: closed, with every link to it"
    if isinstance(change, AddLink):
        link = change.link
        a, b = (node_name(network, str(link.get(end))) for end in ("from", "to"))
        ends = f"{a}–{b}"
        words = MODE_WORDS.get(str(link.get("mode")), str(link.get("mode")))
        return f"new {words} {ends}" + _figures(link, {})
    if isinstance(change, AddNode):
        return f"new place {change.node.get('name', change.node.get('id'))}"
    name = (
        link_name(network, change.id)
        if isinstance(change, EditLink)
        else node_name(network, change.id)
    )
    return f"{name}: {_figures(change.set, change.scale).removeprefix(', ') or 'edited'}"


def _figures(values: dict[str, Any], scale: dict[str, float]) -> str:
    said = []
    if values.get("status") == "current":
        said.append("opened (planned until now)")
    elif values.get("status"):
        said.append(f"status {values['status']}")
    for key, (form, name) in FIGURES.items():
        if key in values and isinstance(values[key], int | float):
            said.append(form.format(values[key]))
        if key in scale:
            said.append(f"{name} {_factor(scale[key])}")
    return ", " + ", ".join(said) if said else ""


def _factor(factor: float) -> str:
    """``halved``, ``doubled``, or ``× 0.7``."""
    return {0.5: "halved", 2.0: "doubled", 0.0: "set to nothing"}.get(factor, f"× {factor:g}")


def node_name(network: Network, node_id: str) -> str:
    return short_name(network, node_id) if node_id in network.nodes else node_id


def link_name(network: Network, link_id: str) -> str:
    """``Khorgos–Altynkol border crossing``; a variant in the id (``:suez``) is kept."""
    link = network.links.get(link_id)
    if link is None:
        return link_id
    variant = link_id.split(":")[2] if link_id.count(":") >= 2 else ""
    ends = f"{node_name(network, link.from_node)}–{node_name(network, link.to_node)}"
    words = MODE_WORDS.get(link.mode, link.mode)
    return f"{ends} {words}" + (f" via {variant.capitalize()}" if variant else "")
