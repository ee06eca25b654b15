"""Command-line edge of the corridor model: ``cajad route`` and ``cajad scenario``.

Thin by design: each command parses options, calls the library and prints either JSON
(``--json``, for scripts) or Rich tables (for people). The main CLI adds the commands with
:func:`register`; exit codes as in :mod:`cajad._cli` (2 for an unknown place, country or
scenario, an option out of its domain, or no route under the constraints).
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cajad._cli import exit_codes, out
from cajad.corridor.compare import Comparison, compare_scenario
from cajad.corridor.errors import OptionError
from cajad.corridor.loader import load_network
from cajad.corridor.payload import route_constraints, route_payload, split_list
from cajad.corridor.routes import Route
from cajad.corridor.routing import find_routes, pareto_routes
from cajad.corridor.scenarios import load_scenario
from cajad.corridor.timing import RouteTimes, network_on, route_times

__all__ = ["register"]


class By(StrEnum):
    scheduled = "scheduled"
    time = "time"
    cost = "cost"
    generalized = "generalized"


class Service(StrEnum):
    block_train = "block-train"
    consignment = "consignment"
    wagonload = "wagonload"


def register(app: typer.Typer) -> None:
    """Add ``route`` and ``scenario`` to a Typer application."""
    app.command("route")(route_command)
    app.command("scenario")(scenario_command)


@exit_codes
def route_command(
    origin: Annotated[str, typer.Argument(metavar="FROM", help="Node id or place name.")],
    destination: Annotated[str, typer.Argument(metavar="TO", help="Node id or place name.")],
    by: Annotated[
        By,
        typer.Option(
            help="Criterion: scheduled (h, timetables), time (h, the network's single time), "
            "cost or generalized (USD/TEU)."
        ),
    ] = By.scheduled,
    avoid: Annotated[
        list[str] | None, typer.Option(help="Country to avoid (ISO code or name); repeatable.")
    ] = None,
    max_transshipments: Annotated[
        int | None, typer.Option(min=0, help="Most container transfers allowed.")
    ] = None,
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=50, help="Number of routes.")] = 1,
    mode: Annotated[
        list[str] | None, typer.Option(help="Allowed mode: rail, road, sea, ferry; repeatable.")
    ] = None,
    pareto: Annotated[bool, typer.Option(help="All time × cost Pareto-optimal routes.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="DATE", help="The network on this date (YYYY-MM-DD): season, state."
        ),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(help="A congestion or closure state, or a network scenario (name or file)."),
    ] = None,
    service: Annotated[
        Service,
        typer.Option(
            "--service",
            "--class",
            help="Class of service the times are for: block-train (a scheduled container "
            "train), consignment (single or groupage containers, pilots: they wait for space "
            "at ports and ferries) or wagonload (border dwells of all rail traffic).",
        ),
    ] = Service.block_train,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Best routes between two places, with every leg explained, scheduled and realised times."""
    network, conditions = network_on(
        load_network(), as_of=as_of, scenario=scenario, service=service.value
    )
    constraints = route_constraints(
        avoid=split_list(avoid), max_transshipments=max_transshipments, modes=split_list(mode)
    )
    if pareto:
        routes = pareto_routes(network, origin, destination, **constraints)
    else:
        routes = find_routes(network, origin, destination, by=by.value, k=k, **constraints)
    times = [route_times(network, r, conditions) for r in routes]
    if as_json:
        payload = route_payload(
            routes, by="pareto" if pareto else by.value, constraints=constraints, times=times
        )
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    first = routes[0].legs
    _print_routes(routes, times, f"{first[0].from_name} → {routes[0].legs[-1].to_name}")


def _print_routes(routes: list[Route], times: list[RouteTimes], title: str) -> None:
    c = times[0].conditions
    when = f"as of {c.as_of}, " if c.as_of else ""
    title += f" ({when}state {c.state}{', ' + c.season if c.season else ''}; {c.service})"
    summary = Table(title=title, title_justify="left")
    columns = (
        "#",
        "days",
        "days on schedule",
        "days as shipped P10–P50–P90",
        "USD per container",
        "kg CO2 per container",
        "km",
    )
    for column in columns:
        summary.add_column(column, justify="right")
    for column in ("trans.", "borders"):
        summary.add_column(column, justify="right")
    summary.add_column("via")
    for rank, (r, t) in enumerate(zip(routes, times, strict=True), start=1):
        flags = t.provenance
        band = f"{t.p10_h / 24:.1f}–{t.p50_h / 24:.1f}–{t.p90_h / 24:.1f}"
        summary.add_row(
            str(rank),
            f"{r.time_days:.1f}",
            escape(f"{t.scheduled_h / 24:.1f} [{flags['scheduled_h']['flag']}]"),
            escape(f"{band} [{flags['p50_h']['flag']}]"),
            f"{r.cost_usd_per_teu:,.0f}",
            f"{r.co2_kg_per_teu:,.0f}",
            f"{r.distance_km:,.0f}",
            str(r.transshipments),
            str(r.border_crossings),
            r.label,
        )
    out.print(summary)
    out.print(
        "days: the network's expected time; on schedule: as timetables promise; as shipped: "
        "the realised time, 8 shipments in 10 between P10 and P90. A container is one TEU. "
        + escape(
            "[sourced]/[fitted]/[assumed]: the weakest origin among the figures behind a time."
        )
    )
    for rank, r in enumerate(routes, start=1):
        legs = Table(title=f"route {rank}: {' · '.join(r.countries)}", title_justify="left")
        numbers = ("km", "hours", "USD per container")
        for column in ("from", "to", "mode", *numbers, "note"):
            legs.add_column(column, justify="right" if column in numbers else "left")
        for leg in r.legs:
            note = leg.detail
            if leg.wait_h:
                note = f"waits {leg.wait_h:.0f} h for a departure" + (f"; {note}" if note else "")
            if leg.defaults:
                note += f" [default: {', '.join(leg.defaults)}]"
            legs.add_row(
                leg.from_name,
                leg.to_name,
                leg.mode,
                f"{leg.distance_km:,.0f}",
                f"{leg.time_h:.1f}",
                f"{leg.cost_usd_per_teu:,.0f}",
                note,
            )
        out.print(legs)


@exit_codes
def scenario_command(
    name_or_file: Annotated[
        str, typer.Argument(metavar="NAME_OR_FILE", help="Bundled scenario name or YAML/JSON file.")
    ],
    origin: Annotated[
        str | None,
        typer.Option(
            "--from", help="Compare on this route (with --to) instead of the scenario's pairs."
        ),
    ] = None,
    destination: Annotated[str | None, typer.Option("--to", help="End of the route asked.")] = None,
    avoid: Annotated[
        list[str] | None, typer.Option(help="Country to avoid (ISO code or name); repeatable.")
    ] = None,
    max_transshipments: Annotated[
        int | None, typer.Option(min=0, help="Most container transfers allowed.")
    ] = None,
    mode: Annotated[
        list[str] | None, typer.Option(help="Allowed mode: rail, road, sea, ferry; repeatable.")
    ] = None,
    by: Annotated[By, typer.Option(help="Criterion of the best route.")] = By.generalized,
    k: Annotated[
        int, typer.Option("-k", "--k", min=1, max=10, help="Routes sharing the traffic.")
    ] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Apply a scenario and compare it with the base network, side by side: on the route asked
    (--from/--to), else on the scenario's own pairs."""
    if (origin is None) != (destination is None):
        raise OptionError("from, to: give both places, or neither")
    pairs = [(origin, destination)] if origin and destination else None
    result = compare_scenario(
        load_network(),
        load_scenario(name_or_file),
        pairs=pairs,
        by=by.value,
        k=k,
        **route_constraints(
            avoid=split_list(avoid), max_transshipments=max_transshipments, modes=split_list(mode)
        ),
    )
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    _print_comparison(result)


_FIGURES = (
    ("days", "time_h", 1 / 24, "{:.1f}"),
    ("spread, hours", "time_spread_h", 1.0, "{:.0f}"),
    ("USD per container", "cost_usd_per_teu", 1.0, "{:,.0f}"),
    ("kg CO2 per container", "co2_kg_per_teu", 1.0, "{:,.0f}"),
    ("transshipments", "transshipments", 1.0, "{:.0f}"),
)


def _print_comparison(result: Comparison) -> None:
    out.print(f"[bold]{result.title}[/] ({result.name})")
    if result.projects:
        out.print(f"projects: {', '.join(result.projects)}")
    out.print("what it changes:")
    for change in result.changes:
        out.print(f"  - {change}")
    for pair in result.pairs:
        ends = f"{pair.origin_name or pair.origin} → {pair.destination_name or pair.destination}"
        table = Table(title=ends, title_justify="left")
        for column in ("", "base", "scenario", "change"):
            table.add_column(column, justify="right")
        for label, attr, factor, fmt in _FIGURES:
            values = [getattr(r, attr) * factor if r else None for r in (pair.base, pair.scenario)]
            shown = [fmt.format(v) if v is not None else "no route" for v in values]
            delta = pair.delta(attr)
            change = (
                "" if delta is None else ("+" if delta > 0 else "") + fmt.format(delta * factor)
            )
            table.add_row(label, *shown, change)
        out.print(table)
        shares = Table(
            title="share of the traffic, one row per distinct path", title_justify="left"
        )
        for column in ("route", "base", "scenario"):
            shares.add_column(column, justify="left" if column == "route" else "right")
        for share in pair.shares:
            shares.add_row(share.label, f"{share.base:.0%}", f"{share.scenario:.0%}")
        out.print(shares)
