"""Fixtures of the corridor tests: the bundled network and small hand-built networks."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from cajad.corridor import Link, Network, Node, Parameters, bundled_data_dir, load_network

SOURCE = "test fixture"


@pytest.fixture(scope="session")
def network() -> Network:
    return load_network()


@pytest.fixture(scope="session")
def parameters(network: Network) -> Parameters:
    return network.parameters


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled network files."""
    target = tmp_path / "corridor"
    target.mkdir()
    for name in ("nodes.csv", "links.csv", "parameters.yaml", "countries.csv"):
        shutil.copy(bundled_data_dir() / name, target / name)
    return target


def node(node_id: str, kind: str = "hub", country: str = "KZ", **extra: Any) -> Node:
    """A node without coordinates (links must then give their distance)."""
    return Node.model_validate(
        {"id": node_id, "name": f"Place {node_id}", "country": country, "kind": kind, **extra}
    )


def link(
    link_id: str,
    a: str,
    b: str,
    mode: str = "rail",
    *,
    km: float = 100.0,
    time_h: float | None = None,
    cost: float | None = None,
    gauge: str | None = "1520",
    **extra: Any,
) -> Link:
    """A link with a sourced distance and, when given, a sourced time and cost."""
    data: dict[str, Any] = {
        "id": link_id,
        "from": a,
        "to": b,
        "mode": mode,
        "distance_km": km,
        "distance_source": SOURCE,
    }
    if mode in ("rail", "ferry", "border") and gauge is not None:
        data["gauge"] = gauge
    if time_h is not None:
        data |= {"time_h": time_h, "time_source": SOURCE}
    if cost is not None:
        data |= {"cost_usd_per_teu": cost, "cost_source": SOURCE}
    for key, value in extra.items():
        data[key] = value
        if not key.endswith("_source") and key not in ("via", "status", "notes"):
            stem = key.replace("_per_week", "").replace("_usd_per_teu", "").rsplit("_", 1)[0]
            stem = {"capacity_teu_per": "capacity", "fee": "fee", "dwell": "dwell"}.get(stem, stem)
            data.setdefault(f"{stem}_source", SOURCE)
    return Link.model_validate(data)


def build(nodes: Iterable[Node], links: Iterable[Link], parameters: Parameters) -> Network:
    return Network(nodes, links, parameters)
