"""Figures of a link or a transfer: explicit values, or the documented defaults.

A link's total time is motion + dwell + the expected wait for a departure; its variance adds
the spread of each part (independent parts). With ``n`` departures a week at random arrival the
wait is uniform on ``[0, 168/n]`` h: mean ``84/n`` h, variance ``(168/n)² / 12`` h².
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cajad.corridor._schema import Link, Node, Parameters

HOURS_PER_WEEK = 168.0
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class LinkFigures:
    """Resolved figures of one link, per TEU and direction."""

    distance_km: float
    travel_h: float
    dwell_h: float
    wait_h: float
    fee_usd: float
    haul_usd: float
    co2_kg: float
    variance_h2: float
    defaults: tuple[str, ...]
    """Names of the figures taken from ``parameters.yaml`` rather than the link itself."""

    @property
    def time_h(self) -> float:
        return self.travel_h + self.dwell_h + self.wait_h

    @property
    def cost_usd(self) -> float:
        return self.haul_usd + self.fee_usd


@dataclass(frozen=True, slots=True)
class TransferFigures:
    """Time (h), fee (USD/TEU) and time variance (h²) of one transfer at a node."""

    time_h: float
    fee_usd: float
    variance_h2: float


def great_circle_km(a: Node, b: Node) -> float:
    """Haversine distance between two nodes with coordinates, in km."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        raise ValueError(f"{a.id} or {b.id} has no coordinates")
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi, dlmb = phi2 - phi1, math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def running_mode(link: Link) -> str:
    """The mode whose defaults apply to motion on the link (a border runs on its carrier)."""
    if link.mode == "border":
        return "rail" if link.gauge is not None else "road"
    return link.mode


def link_distance(link: Link, a: Node, b: Node, params: Parameters) -> float:
    """Given distance, or great-circle distance times the mode's circuity (km)."""
    if link.distance_km is not None:
        return link.distance_km
    circuity = params.mode(running_mode(link)).circuity
    if circuity is None:
        raise ValueError(f"link {link.id} needs distance_km: its mode has no circuity rule")
    return great_circle_km(a, b) * circuity.value


def link_figures(link: Link, a: Node, b: Node, params: Parameters) -> LinkFigures:
    """Resolve every figure of ``link`` between nodes ``a`` and ``b``."""
    defaults: list[str] = []
    mode = params.mode(running_mode(link))
    distance = link_distance(link, a, b, params)
    if link.distance_km is None:
        defaults.append("distance_km")
    travel = link.time_h if link.time_h is not None else distance / mode.speed_km_h.value
    haul = (
        link.cost_usd_per_teu
        if link.cost_usd_per_teu is not None
        else distance * mode.cost_usd_per_teu_km.value
    )
    if link.time_h is None:
        defaults.append("time_h")
    if link.cost_usd_per_teu is None:
        defaults.append("cost_usd_per_teu")
    dwell, fee, dwell_cv = _fixed_part(link, params, defaults)
    wait, wait_var = 0.0, 0.0
    if link.departures_per_week is not None:
        headway = HOURS_PER_WEEK / link.departures_per_week
        wait, wait_var = headway / 2, headway**2 / 12
    variance = (mode.time_cv.value * travel) ** 2 + (dwell_cv * dwell) ** 2 + wait_var
    return LinkFigures(
        distance_km=distance,
        travel_h=travel,
        dwell_h=dwell,
        wait_h=wait,
        fee_usd=fee,
        haul_usd=haul,
        co2_kg=distance * _co2_per_km(link, distance, params),
        variance_h2=variance,
        defaults=tuple(defaults),
    )


def _fixed_part(link: Link, params: Parameters, defaults: list[str]) -> tuple[float, float, float]:
    if link.mode == "border":
        border = params.border_rail if link.gauge is not None else params.border_road
        if link.dwell_h is None:
            defaults.append("dwell_h")
        if link.fee_usd_per_teu is None:
            defaults.append("fee_usd_per_teu")
        dwell = link.dwell_h if link.dwell_h is not None else border.dwell_h.value
        fee = (
            link.fee_usd_per_teu
            if link.fee_usd_per_teu is not None
            else border.fee_usd_per_teu.value
        )
        return dwell, fee, border.dwell_cv.value
    return link.dwell_h or 0.0, link.fee_usd_per_teu or 0.0, params.dwell_cv.value


def _co2_per_km(link: Link, distance: float, params: Parameters) -> float:
    if link.mode == "sea" and distance < params.sea.feeder_max_km.value:
        return params.sea.feeder_co2_kg_per_teu_km.value
    return params.mode(running_mode(link)).co2_kg_per_teu_km.value


def transfer_figures(node: Node, params: Parameters) -> TransferFigures | None:
    """Figures of a transfer at ``node``, or ``None`` where containers cannot change carrier.

    Ports use the port defaults, hubs and cities the terminal defaults; a border station allows
    transfers only when its row gives ``transfer_time_h``.
    """
    if node.kind == "border" and node.transfer_time_h is None:
        return None
    default = params.transfer_port if node.kind == "port" else params.transfer_terminal
    time = node.transfer_time_h if node.transfer_time_h is not None else default.time_h.value
    fee = (
        node.transfer_fee_usd_per_teu
        if node.transfer_fee_usd_per_teu is not None
        else default.fee_usd_per_teu.value
    )
    return TransferFigures(time, fee, (default.time_cv.value * time) ** 2)
