"""``cajad investors import|list`` and ``cajad match``, added by :func:`register`: a thin
layer over the broker. Exit codes as in :mod:`cajad._cli` (2: input refused, nothing written).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cajad._cli import (
    ArgumentError,
    AsOption,
    acting,
    as_number,
    existing_file,
    exit_codes,
    open_register,
    out,
)
from cajad.accounts import Action
from cajad.brokerage.service import MatchResult, match_project
from cajad.brokerage.store import import_investors, list_investors
from cajad.register import session_scope

__all__ = ["register"]

investors_app = typer.Typer(help="Investor profiles: import and list.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``investors import``, ``investors list`` and ``match`` to ``app``."""
    investors_app.command("import")(investors_import_command)
    investors_app.command("list")(investors_list_command)
    app.add_typer(investors_app, name="investors")
    app.command("match")(match_command)


@exit_codes
def investors_import_command(
    file: Annotated[Path, typer.Argument(help="Investors CSV (see data/brokerage/SOURCE.md).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    as_email: AsOption = None,
) -> None:
    """Import investor profiles atomically: any bad row refuses the whole file."""
    existing_file(file, "FILE")
    engine = open_register()
    result = import_investors(engine, file, actor=acting(engine, as_email, Action.IMPORT))
    if as_json:
        print(json.dumps(result.as_dict(), indent=2))
        return
    out.print(
        f"{file.name}: {len(result.created)} investors created, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged.",
        highlight=False,
        markup=False,
    )


@exit_codes
def investors_list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List the investor profiles in the register."""
    with session_scope(open_register()) as session:
        found = list_investors(session)
    if as_json:
        print(json.dumps([i.as_dict() for i in found], indent=2, ensure_ascii=False))
        return
    for i in found:
        tickets = (
            f"{i.currency} {i.min_ticket or '-'}..{i.max_ticket or '-'}"
            if i.min_ticket or i.max_ticket
            else "tickets not published"
        )
        where = ", ".join(i.countries) or "anywhere"
        out.print(
            f"{i.id:<26} {i.origin:<6} {where:<20} {', '.join(i.instruments):<28} {tickets}",
            highlight=False,
            markup=False,
        )


@exit_codes
def match_command(
    project: Annotated[str, typer.Argument(help="The project's identifier.")],
    need: Annotated[
        tuple[str, str] | None,
        typer.Option(help="The financing need, AMOUNT CURRENCY. Default: its committed money."),
    ] = None,
    show_excluded: Annotated[
        bool,
        typer.Option(
            "--show-excluded", help="Also list the investors a hard requirement excludes, and why."
        ),
    ] = False,
    consortia: Annotated[int, typer.Option(min=0, max=10, help="Consortia to find.")] = 3,
    tenor: Annotated[
        int | None,
        typer.Option(help="The tenor the project asks for, 1-100 years (a soft score)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Rank the investors whose mandates fit a project, with reasons, and its consortia."""
    given = None
    if need is not None:
        amount = as_number(need[0], "--need AMOUNT")
        if amount <= 0:
            raise ArgumentError(f"--need AMOUNT must be > 0; got {need[0]!r}")
        if len(need[1]) != 3 or not need[1].isalpha():
            raise ArgumentError(f"--need CURRENCY must be an ISO 4217 code; got {need[1]!r}")
        given = (amount, need[1].upper())
    with session_scope(open_register()) as session:
        result = match_project(session, project, need=given, count=consortia, tenor=tenor)
    if as_json:
        print(json.dumps(result.as_dict(excluded=show_excluded), indent=2, ensure_ascii=False))
        return
    _print(result, show_excluded)


def say(text: str) -> None:
    out.print(text, highlight=False, markup=False)


def _print(result: MatchResult, show_excluded: bool) -> None:
    need = result.need
    say(f"{result.project.identifier}: need {need.currency} {need.amount:,} ({need.source})")
    for c in result.matches.investors:
        say(f"  {c.score:>6} {c.investor.id}")
        for r in c.soft:
            say(f"         +{r.points:<6} {r.name}: {r.text}")
    if not result.matches.investors:
        say("  no investor passes every hard requirement")
    guarantor = "; a Japanese guarantor required" if result.guarantor else ""
    say(f"consortia{guarantor}:")
    for k, con in enumerate(result.consortia, start=1):
        members = ", ".join(f"{m.id} ({m.role}, {con.currency} {m.ticket:,})" for m in con.members)
        say(f"  {k}. {members}")
    if show_excluded:
        say("excluded:")
        for c in result.matches.excluded:
            say(f"  {c.investor.id}: " + "; ".join(r.text for r in c.hard if not r.passed))
