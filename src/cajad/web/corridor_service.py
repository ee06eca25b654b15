"""The corridor model as the web layer uses it: one network per app, its errors translated.

The bundled network is loaded once per application, on first use, and kept in ``app.state``
with what is derived from it (scenario comparisons, the drawn shape of each link): neither the
network nor the bundled scenarios change while the app runs. Corridor errors are translated
here, at the boundary, into the web layer's: a place or option that cannot be used is a
:class:`~cajad.web.errors.ParameterError` (422, naming the field, close matches in the
message), a route or scenario that does not exist is a 404. The one handler answers both.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from cajad.corridor import (
    Comparison,
    Network,
    NoRouteError,
    OptionError,
    PlaceError,
    Scenario,
    compare_scenario,
    find_routes,
    list_scenarios,
    load_network,
    load_scenario,
    pareto_routes,
    resolve_place,
)
from cajad.corridor.routing import MAX_K, MAX_TRANSSHIPMENTS
from cajad.register.models import Project
from cajad.web.corridor_map import Line, link_lines
from cajad.web.errors import ParameterError

#: Routes the page asks for when the form leaves ``k`` out, and the most it offers.
PAGE_K, PAGE_MAX_K = 3, 10


class By(StrEnum):
    """Criterion of the best route: time (h), cost or generalized cost (USD/TEU)."""

    TIME = "time"
    COST = "cost"
    GENERALIZED = "generalized"


class Mode(StrEnum):
    """Transport modes a route may use (border crossings follow their carrier)."""

    RAIL = "rail"
    ROAD = "road"
    SEA = "sea"
    FERRY = "ferry"


Place = Annotated[
    str, Query(min_length=1, max_length=120, description="Node id or place name, any case.")
]
Avoid = Annotated[
    list[str] | None,
    Query(description="Country to avoid (ISO code or name); repeatable or comma-separated."),
]
MaxTransshipments = Annotated[
    int | None,
    Query(ge=0, le=MAX_TRANSSHIPMENTS, description="Most container transfers allowed."),
]
Modes = Annotated[list[Mode] | None, Query(description="Allowed mode; repeatable. Default: all.")]
RouteCount = Annotated[int, Query(ge=1, le=MAX_K, description="Number of routes, best first.")]


@dataclass(frozen=True, slots=True)
class RouteQuery:
    """What a route request asks for, as the person typed it."""

    origin: str
    destination: str
    by: By = By.TIME
    avoid: tuple[str, ...] = ()
    max_transshipments: int | None = None
    k: int = 1
    modes: tuple[str, ...] | None = None


def split_avoid(values: Sequence[str] | None) -> tuple[str, ...]:
    """``avoid=RU&avoid=EG`` and ``avoid=RU,EG`` both give ``("RU", "EG")``, as the CLI does."""
    return tuple(part.strip() for v in values or () for part in v.split(",") if part.strip())


class Corridor:
    """The bundled network and what the web derives from it, built once and shared."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._comparisons: dict[tuple[str, str, int], Comparison] = {}

    @cached_property
    def network(self) -> Network:
        network = load_network()
        network.graph  # noqa: B018 - compile once, before concurrent requests share it
        return network

    @cached_property
    def lines(self) -> dict[str, Line]:
        """Each link's line on the map (sea links along the sea lanes)."""
        return link_lines(self.network)

    @cached_property
    def scenarios(self) -> dict[str, Scenario]:
        """The bundled scenarios by name (only these: the API never reads a path it is given)."""
        return {name: load_scenario(name) for name in list_scenarios()}

    def scenario(self, name: str) -> Scenario:
        found = self.scenarios.get(name)
        if found is None:
            known = ", ".join(self.scenarios)
            raise HTTPException(404, f"no scenario {name!r}; the scenarios are: {known}")
        return found

    def compare(self, name: str, *, by: By = By.GENERALIZED, k: int = 3) -> Comparison:
        """The scenario against the base network, computed once per (name, by, k)."""
        scenario = self.scenario(name)
        key = (name, by.value, k)
        with self._lock:
            if key not in self._comparisons:
                self._comparisons[key] = compare_scenario(self.network, scenario, by=by.value, k=k)
            return self._comparisons[key]

    def place(self, text: str, field: str) -> str:
        """The node id ``text`` means; refused as parameter ``field`` with close matches."""
        try:
            return resolve_place(self.network, text)
        except PlaceError as exc:
            raise ParameterError(field, str(exc)) from exc

    def routes(self, query: RouteQuery, *, pareto: bool = False) -> dict[str, Any]:
        """The object ``cajad route --json`` prints (``--pareto`` when ``pareto``)."""
        start = self.place(query.origin, "from")
        end = self.place(query.destination, "to")
        constraints: dict[str, Any] = {
            "avoid": list(query.avoid),
            "max_transshipments": query.max_transshipments,
            "modes": list(query.modes) if query.modes else None,
        }
        with translated():
            if pareto:
                found = pareto_routes(self.network, start, end, **constraints)
            else:
                found = find_routes(
                    self.network, start, end, by=query.by.value, k=query.k, **constraints
                )
        return {
            "from": found[0].legs[0].from_node,
            "to": found[0].legs[-1].to_node,
            "by": "pareto" if pareto else query.by.value,
            "constraints": constraints,
            "routes": [r.as_dict() for r in found],
        }


def corridor_of(request: Request) -> Corridor:
    """The app's :class:`Corridor`, created on first use."""
    state = request.app.state
    with _CREATE:
        if getattr(state, "corridor", None) is None:
            state.corridor = Corridor()
    corridor: Corridor = state.corridor
    return corridor


_CREATE = threading.Lock()
CorridorDep = Annotated[Corridor, Depends(corridor_of)]

#: Options whose name starts the library's message (``x must be … ; got …``), as API fields.
_OPTION_FIELDS = {"by": "by", "k": "k", "max_transshipments": "max_transshipments"}


@contextmanager
def translated() -> Iterator[None]:
    """Corridor errors raised inside, as the web layer's errors."""
    try:
        yield
    except PlaceError as exc:  # the places are resolved before: what is left is a country
        raise ParameterError("avoid", str(exc)) from exc
    except OptionError as exc:
        message = str(exc)
        first = message.split(" ", 1)[0]
        if first in _OPTION_FIELDS:
            field = _OPTION_FIELDS[first]
        elif first == "modes":
            field = "mode"
        else:  # "cannot avoid KZ: … is in it", "origin and destination must differ"
            field = "avoid" if message.startswith("cannot avoid") else "to"
        raise ParameterError(field, message) from exc
    except NoRouteError as exc:
        raise HTTPException(404, str(exc)) from exc


def registered(session: Session, identifiers: Sequence[str]) -> dict[str, str]:
    """Identifier → title of those of ``identifiers`` that the register holds."""
    if not identifiers:
        return {}
    rows = session.execute(
        select(Project.identifier, Project.title).where(Project.identifier.in_(identifiers))
    )
    return {row.identifier: row.title for row in rows}
