"""Flows under capacity: a multi-commodity min-cost flow and the bottlenecks it meets.

Each origin–destination demand (TEU per year) is a commodity; all share the capacity of links
(TEU per year and direction) and of nodes (TEU per year transshipped, loaded or unloaded
there). The linear programme, solved exactly by HiGHS through :func:`scipy.optimize.linprog`,
minimises the total weight (generalized cost by default) plus a penalty on demand left
unserved, so an infeasible demand is reported, not refused. The dual value of a capacity
row is what one more TEU of capacity would save (USD per TEU at the margin): the binding
constraints, in the sense of the World Bank's 2023 study, are the rows where it is positive.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from cajad.corridor._files import read_table
from cajad.corridor._graph import KIND_LINK, KIND_TERMINAL, KIND_TRANSFER, CompiledGraph
from cajad.corridor.errors import CorridorError, NetworkDataError, OptionError
from cajad.corridor.loader import bundled_data_dir
from cajad.corridor.model import Network
from cajad.corridor.places import resolve_place
from cajad.corridor.routing import Criterion, make_options

UNMET_PENALTY_USD_PER_TEU = 1.0e6
SATURATED = 0.999


class Demand(BaseModel):
    """TEU per year to move from ``origin`` to ``destination`` (ids or place names)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    origin: str
    destination: str
    teu_per_year: float = Field(gt=0)
    source: str = Field(min_length=3)


def load_demand(path: Path | str | None = None) -> list[Demand]:
    """Read a demand file (default: the bundled ``demand.csv``).

    Raises
    ------
    NetworkDataError
        Naming the line and field of every invalid row.
    """
    file = Path(path) if path is not None else bundled_data_dir() / "demand.csv"
    rows, problems = read_table(file, Demand)
    if problems:
        raise NetworkDataError(f"invalid demand in {file}", problems)
    return [row for _, row in rows]


@dataclass(frozen=True, slots=True)
class Load:
    """Flow through a capacitated or used element, per year.

    ``element`` is a link id (``kind == "link"``, with its direction in ``from_node`` →
    ``to_node``) or a node id (``kind == "node"``). ``shadow_price_usd_per_teu`` is the saving
    from one more TEU of capacity (0 when the capacity does not bind).
    """

    kind: str
    element: str
    from_node: str
    to_node: str
    flow_teu: float
    capacity_teu: float | None
    shadow_price_usd_per_teu: float

    @property
    def utilisation(self) -> float | None:
        return None if self.capacity_teu is None else self.flow_teu / self.capacity_teu

    @property
    def saturated(self) -> bool:
        return self.utilisation is not None and self.utilisation >= SATURATED


@dataclass(frozen=True, slots=True)
class FlowResult:
    """Result of :func:`assign_flows`: loads, unmet demand and the objective."""

    loads: tuple[Load, ...]
    unmet_teu: dict[tuple[str, str], float]
    total_weight: float
    criterion: str

    @property
    def bottlenecks(self) -> list[Load]:
        """Saturated elements, the most valuable extra capacity first."""
        found = [load for load in self.loads if load.saturated]
        return sorted(found, key=lambda x: -x.shadow_price_usd_per_teu)

    @property
    def unconstrained(self) -> list[Load]:
        """Links carrying flow with no sourced capacity: where the model cannot see a limit."""
        return [x for x in self.loads if x.kind == "link" and x.capacity_teu is None]


@dataclass(frozen=True, slots=True)
class _Rows:
    """Capacity rows: (arc indices, capacity, kind, element, from, to) per row."""

    arcs: list[NDArray[np.int64]]
    capacity: list[float]
    labels: list[tuple[str, str, str, str]]


def _capacity_rows(network: Network, g: CompiledGraph, arcs: NDArray[np.int64]) -> _Rows:
    rows = _Rows([], [], [])
    kind, link = g.arc_kind[arcs], g.arc_link[arcs]
    for number, link_id in enumerate(g.link_ids):
        cap = network.links[link_id].capacity_teu_per_year
        if cap is None:
            continue
        for reverse in (False, True):
            hit = np.flatnonzero(
                (kind == KIND_LINK) & (link == number) & (g.arc_reverse[arcs] == reverse)
            )
            if hit.size:
                a, b = (
                    g.node_ids[g.vertex_node[g.arc_src[arcs[hit[0]]]]],
                    g.node_ids[g.vertex_node[g.arc_dst[arcs[hit[0]]]]],
                )
                rows.arcs.append(hit)
                rows.capacity.append(cap)
                rows.labels.append(("link", link_id, a, b))
    through = (kind == KIND_TRANSFER) | (kind == KIND_TERMINAL)
    for n, node_id in enumerate(g.node_ids):
        cap = network.nodes[node_id].capacity_teu_per_year
        hit = np.flatnonzero(through & (g.arc_node[arcs] == n))
        if cap is not None and hit.size:
            # a terminal arc is counted once: origin → layer, or layer → destination
            rows.arcs.append(hit)
            rows.capacity.append(cap)
            rows.labels.append(("node", node_id, node_id, node_id))
    return rows


def assign_flows(
    network: Network,
    demand: Iterable[Demand],
    *,
    by: Criterion = "generalized",
    avoid: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    value_of_time: float | None = None,
) -> FlowResult:
    """Assign demand to the network at least total weight under capacities.

    Parameters
    ----------
    network
        The network; capacities come from ``capacity_teu_per_year`` of links and nodes.
    demand
        TEU per year per origin–destination pair.
    by, avoid, modes, value_of_time
        As in :func:`~cajad.corridor.routing.find_routes`.

    Returns
    -------
    FlowResult
        Loads of capacitated or used elements, unmet demand (TEU/yr) and the objective.

    Raises
    ------
    OptionError
        Empty demand or an invalid option.
    CorridorError
        The solver failed (never for lack of capacity: that is unmet demand).
    """
    options = make_options(network, by=by, avoid=avoid, modes=modes, value_of_time=value_of_time)
    items = [
        (resolve_place(network, d.origin), resolve_place(network, d.destination), d) for d in demand
    ]
    if not items:
        raise OptionError("demand must name at least one origin-destination pair; got none")
    g = network.graph
    arcs = np.flatnonzero(g.arc_mask(avoid=options.avoid, modes=options.modes)).astype(np.int64)
    weight = g.weights(options.by, options.value_of_time)[arcs]
    rows = _capacity_rows(network, g, arcs)
    solution, duals = _solve(g, arcs, weight, items, rows)
    k, m = len(items), arcs.size
    flow = solution[: k * m].reshape(k, m).sum(axis=0)
    unmet = {(o, d): float(solution[k * m + i]) for i, (o, d, _) in enumerate(items)}
    loads = _loads(g, arcs, flow, rows, duals)
    total = float(weight @ flow)
    return FlowResult(
        tuple(loads), {key: v for key, v in unmet.items() if v > 1e-6}, total, options.by
    )


def _solve(
    g: CompiledGraph,
    arcs: NDArray[np.int64],
    weight: NDArray[np.float64],
    items: Sequence[tuple[str, str, Demand]],
    rows: _Rows,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    k, m, n = len(items), arcs.size, g.n_vertices
    index = {node: i for i, node in enumerate(g.node_ids)}
    src, dst = g.arc_src[arcs].astype(np.int64), g.arc_dst[arcs].astype(np.int64)
    r, c, v, b = [], [], [], np.zeros(k * n)
    for i, (o, d, dem) in enumerate(items):
        cols = i * m + np.arange(m)
        r += [i * n + src, i * n + dst]
        c += [cols, cols]
        v += [np.ones(m), -np.ones(m)]
        ov, dv = int(g.origin_vertex[index[o]]), int(g.dest_vertex[index[d]])
        r += [np.array([i * n + ov, i * n + dv])]
        c += [np.array([k * m + i, k * m + i])]
        v += [np.array([1.0, -1.0])]
        b[i * n + ov] += dem.teu_per_year
        b[i * n + dv] -= dem.teu_per_year
    a_eq = coo_matrix(
        (np.concatenate(v), (np.concatenate(r), np.concatenate(c))), shape=(k * n, k * m + k)
    )
    a_ub, b_ub = _capacity_matrix(rows, k, m)
    cost = np.concatenate([np.tile(weight, k), np.full(k, UNMET_PENALTY_USD_PER_TEU)])
    result = linprog(
        cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq.tocsr(), b_eq=b, bounds=(0, None), method="highs"
    )
    if result.status != 0:
        raise CorridorError(f"the flow problem could not be solved: {result.message}")
    duals = -np.asarray(result.ineqlin.marginals) if b_ub is not None else np.zeros(0)
    return np.asarray(result.x), duals


def _capacity_matrix(
    rows: _Rows, k: int, m: int
) -> tuple[object | None, NDArray[np.float64] | None]:
    if not rows.arcs:
        return None, None
    r, c = [], []
    for number, hit in enumerate(rows.arcs):
        cols = (np.arange(k)[:, None] * m + hit[None, :]).ravel()
        r.append(np.full(cols.size, number))
        c.append(cols)
    data = np.ones(sum(x.size for x in r))
    matrix = coo_matrix(
        (data, (np.concatenate(r), np.concatenate(c))), shape=(len(rows.arcs), k * m + k)
    )
    return matrix.tocsr(), np.asarray(rows.capacity, dtype=np.float64)


def _loads(
    g: CompiledGraph,
    arcs: NDArray[np.int64],
    flow: NDArray[np.float64],
    rows: _Rows,
    duals: NDArray[np.float64],
) -> list[Load]:
    loads = [
        Load(kind, element, a, b, float(flow[hit].sum()), cap, max(0.0, float(duals[i])))
        for i, (hit, cap, (kind, element, a, b)) in enumerate(
            zip(rows.arcs, rows.capacity, rows.labels, strict=True)
        )
    ]
    capped = {(x.element, x.from_node) for x in loads if x.kind == "link"}
    used = np.flatnonzero((flow > 1e-6) & (g.arc_kind[arcs] == KIND_LINK))
    seen: set[tuple[str, str]] = set()
    for i in used:
        arc = arcs[i]
        link_id = g.link_ids[g.arc_link[arc]]
        a = g.node_ids[g.vertex_node[g.arc_src[arc]]]
        b = g.node_ids[g.vertex_node[g.arc_dst[arc]]]
        if (link_id, a) in capped or (link_id, a) in seen:
            continue
        seen.add((link_id, a))
        loads.append(Load("link", link_id, a, b, float(flow[i]), None, 0.0))
    return loads
