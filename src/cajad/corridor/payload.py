"""What the CLI's ``route --json`` and the API's route answer share: the list options as a
person writes them and the JSON payload of a route search.

>>> split_list(["RU", "EG, TR", ""])
['RU', 'EG', 'TR']
>>> route_constraints(avoid=["RU"], max_transshipments=None, modes=[])
{'avoid': ['RU'], 'max_transshipments': None, 'modes': None}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cajad.corridor.routes import Route
from cajad.corridor.timing import RouteTimes, used_parameters

__all__ = ["route_constraints", "route_payload", "split_list"]


def split_list(values: Iterable[str] | None) -> list[str]:
    """A repeatable option's values, each perhaps comma-separated, as one list: ``--avoid RU
    --avoid EG`` and ``--avoid RU,EG`` (``avoid=RU&avoid=EG``, ``avoid=RU,EG``) agree."""
    return [part.strip() for v in values or () for part in v.split(",") if part.strip()]


def route_constraints(
    *, avoid: Sequence[str], max_transshipments: int | None, modes: Sequence[str] | None
) -> dict[str, Any]:
    """The constraints of a route search, as :func:`~cajad.corridor.routing.find_routes` and
    :func:`~cajad.corridor.routing.pareto_routes` take them and the payload echoes them; no
    modes means every mode."""
    return {
        "avoid": list(avoid),
        "max_transshipments": max_transshipments,
        "modes": list(modes) if modes else None,
    }


def route_payload(
    routes: Sequence[Route],
    *,
    by: str,
    constraints: dict[str, Any],
    times: Sequence[RouteTimes] | None = None,
) -> dict[str, Any]:
    """The JSON answer of a route search: its ends (node ids), the criterion (``"pareto"`` for
    the Pareto set), the constraints asked for and every route, best first.

    ``routes`` is what the search returned: never empty (no route raises ``NoRouteError``).
    With ``times`` (one per route), each route gains ``scheduled_h``, ``p10_h``, ``p50_h``,
    ``p90_h``, its ``conditions`` and the ``provenance`` of each figure, and the answer lists
    the ``time_parameters`` behind them (value, unit, flag, source, fitted rows).
    """
    first = routes[0].legs
    payload: dict[str, Any] = {
        "from": first[0].from_node,
        "to": first[-1].to_node,
        "by": by,
        "constraints": constraints,
        "routes": [r.as_dict() for r in routes],
    }
    if times is not None:
        for shown, timed in zip(payload["routes"], times, strict=True):
            shown.update(timed.as_dict())
        payload["conditions"] = times[0].conditions.as_dict()
        payload["time_parameters"] = used_parameters(times)
    return payload
