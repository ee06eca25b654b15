"""What a job can be: each kind's parameters (checked once, when the job is asked for) and the
function that runs it in the background.

``prospectivity``
    A Central Asia demo prospectivity run (``cajad prospect demo``): a mineral-system template
    or porphyry copper, a model, the cell size; recorded in the register (linked to a project
    when one is named) like ``cajad prospect demo --record``. Its result is the recorded run.
``corridor``
    A bundled corridor scenario against the base network (``cajad corridor scenario``), on the
    route asked or on the scenario's own pairs. Its result is the comparison itself.

A runner is given a :class:`RunContext` (the register, a ``progress(percent, message)``
callback, the account it acts for: what it records is under that account in the audit log,
and the job's own folder) and the job's checked parameters.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Engine

from cajad.jobs.errors import JobInputError
from cajad.register import Actor, session_scope

__all__ = [
    "KINDS",
    "CorridorParams",
    "Kind",
    "Progress",
    "ProspectivityParams",
    "RunContext",
    "check_params",
]

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class RunContext:
    """What a runner is given besides the job's parameters: the register, the job's id, the
    account it acts for, where to say how far it is, and a folder of its own for what it
    writes and keeps (a prospectivity run's GeoTIFFs, which its page serves)."""

    engine: Engine
    job_id: int
    actor: Actor
    progress: Progress
    folder: Path


Runner = Callable[[RunContext, Any], dict[str, Any]]

#: The cell sizes a job may ask for (metres): coarse enough that a job ends in minutes.
MIN_RESOLUTION, MAX_RESOLUTION = 5_000.0, 100_000.0
PROSPECT_MODELS = ("gbm", "wofe", "logistic", "rf", "fuzzy", "auto")
CORRIDOR_BY = ("generalized", "scheduled", "time", "cost")
CORRIDOR_MODES = ("rail", "road", "sea", "ferry")


class _Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class ProspectivityParams(_Params):
    """A demo prospectivity run: template (None: porphyry Cu), model (None: fuzzy with a
    template, else gbm), cell size in metres, background cells, spatial-CV folds, seed, and
    the register project to link the run to."""

    template: str | None = Field(default=None, max_length=60)
    model: Literal["gbm", "wofe", "logistic", "rf", "fuzzy", "auto"] | None = None
    resolution: float = Field(default=20_000.0, ge=MIN_RESOLUTION, le=MAX_RESOLUTION)
    background: int = Field(default=10_000, ge=1_000, le=50_000)
    folds: int = Field(default=5, ge=2, le=10)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    project: str | None = Field(default=None, max_length=200)


class CorridorParams(_Params):
    """A bundled scenario against the base: on the route ``origin``–``destination`` (both or
    neither) with the route constraints, best routes ``by``, ``k`` routes sharing traffic."""

    scenario: str = Field(min_length=1, max_length=60)
    origin: str | None = Field(default=None, max_length=120)
    destination: str | None = Field(default=None, max_length=120)
    avoid: list[str] = Field(default_factory=list, max_length=10)
    max_transshipments: int | None = Field(default=None, ge=0, le=20)
    modes: list[Literal["rail", "road", "sea", "ferry"]] | None = Field(default=None, max_length=4)
    by: Literal["generalized", "scheduled", "time", "cost"] = "generalized"
    k: int = Field(default=3, ge=1, le=10)


@dataclass(frozen=True)
class Kind:
    """One kind of job: its parameters, the checks that need data, and its runner."""

    name: str
    params: type[_Params]
    check: Callable[[Engine, Any], None]
    run: Runner


def check_params(engine: Engine, kind: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of a job of ``kind``, checked and with defaults filled in; refused as
    :class:`JobInputError` naming the first field at fault."""
    if kind not in KINDS:
        raise JobInputError("kind", f"must be one of {', '.join(KINDS)}; got {kind!r}")
    spec = KINDS[kind]
    try:
        params = spec.params.model_validate(dict(raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"][:1]) or "params"
        message = first["msg"].removeprefix("Value error, ")
        raise JobInputError(field, f"{message}; got {first.get('input')!r}") from exc
    spec.check(engine, params)
    return params.model_dump(mode="json")


# --- prospectivity -------------------------------------------------------------------------


def _check_prospectivity(engine: Engine, params: ProspectivityParams) -> None:
    from cajad.minerals.store import require_project
    from cajad.minerals.templates import template_names
    from cajad.register import NotFoundError

    if params.model == "fuzzy" and params.template is None:
        raise JobInputError("model", "the fuzzy model needs a template; got no template")
    names = template_names()
    if params.template is not None and params.template not in names:
        raise JobInputError(
            "template", f"must be one of {', '.join(names)}; got {params.template!r}"
        )
    if params.project is not None:
        with session_scope(engine) as session:
            try:
                require_project(session, params.project)
            except NotFoundError as exc:
                raise JobInputError("project", str(exc)) from exc


def _run_prospectivity(context: RunContext, params: ProspectivityParams) -> dict[str, Any]:
    from cajad.minerals.demo import TARGET, run_demo
    from cajad.minerals.run import STEPS, RunConfig
    from cajad.minerals.store import record_run
    from cajad.minerals.templates import load_template, template_config

    template = load_template(params.template) if params.template else None
    model = params.model or ("fuzzy" if template else "gbm")
    config = RunConfig(
        model=model,
        n_background=params.background,
        n_splits=params.folds,
        random_state=params.seed,
    )
    if template is not None:
        config = template_config(template, config, demo=True)

    def step(name: str) -> None:
        context.progress(5 + 85 * STEPS.index(name) // len(STEPS), name)

    # The run's folder stays: the run page serves its map and GeoTIFFs from it.
    folder = context.folder
    try:
        run_demo(folder, config, resolution=params.resolution, progress=step, template=template)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    context.progress(92, "recording")
    commodity = template.mineral_system if template else TARGET
    linked = [params.project] if params.project else []
    actor = context.actor
    with session_scope(context.engine, actor=actor) as session:
        done = record_run(session, folder, *linked, actor=actor.name, commodity=commodity)
        return {"run_id": done.run.id, "created": done.created}


# --- corridor ------------------------------------------------------------------------------


@functools.cache
def _network() -> Any:
    """The bundled network, loaded once per process (it does not change while cajad runs)."""
    from cajad.corridor import load_network

    network = load_network()
    network.graph  # noqa: B018 - compile once, before jobs share it
    return network


def _check_corridor(engine: Engine, params: CorridorParams) -> None:
    from cajad.corridor import PlaceError, list_scenarios, resolve_place
    from cajad.corridor.places import resolve_country

    names = list_scenarios()
    if params.scenario not in names:
        raise JobInputError(
            "scenario", f"must be one of {', '.join(names)}; got {params.scenario!r}"
        )
    if (params.origin is None) != (params.destination is None):
        field = "destination" if params.destination is None else "origin"
        raise JobInputError(field, "give both places of the route, or neither")
    network = _network()
    places = [("origin", params.origin), ("destination", params.destination)]
    for field, text in places:
        if text is not None:
            try:
                resolve_place(network, text)
            except PlaceError as exc:
                raise JobInputError(field, str(exc)) from exc
    ends = [resolve_place(network, text) for _, text in places if text is not None]
    if len(ends) == 2 and ends[0] == ends[1]:
        raise JobInputError("destination", "must be another place than the origin")
    for country in params.avoid:
        try:
            resolve_country(network, country)
        except PlaceError as exc:
            raise JobInputError("avoid", str(exc)) from exc


def _run_corridor(context: RunContext, params: CorridorParams) -> dict[str, Any]:
    from cajad.corridor import compare_scenario, load_scenario
    from cajad.corridor.payload import route_constraints

    context.progress(10, "network")
    network = _network()
    scenario = load_scenario(params.scenario)
    context.progress(30, "comparing")
    pairs = [(params.origin, params.destination)] if params.origin and params.destination else None
    result = compare_scenario(
        network,
        scenario,
        pairs=pairs,
        by=params.by,
        k=params.k,
        **route_constraints(
            avoid=params.avoid, max_transshipments=params.max_transshipments, modes=params.modes
        ),
    )
    return {"comparison": result.as_dict()}


#: Every kind of job, by name.
KINDS: dict[str, Kind] = {
    "prospectivity": Kind(
        "prospectivity", ProspectivityParams, _check_prospectivity, _run_prospectivity
    ),
    "corridor": Kind("corridor", CorridorParams, _check_corridor, _run_corridor),
}
