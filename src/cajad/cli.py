"""The cajad command line: a thin layer over the register and tracker services.

Exit codes scripts can trust: 0 success; 1 an unexpected failure; 2 input refused (nothing
written); 3 a ``--partial`` import that left some records out.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import Engine

from cajad.corridor.cli import register as register_corridor
from cajad.iati import import_path
from cajad.iati.cli import register as register_iati
from cajad.minerals.cli import register as register_prospect
from cajad.register import (
    InputError,
    RegisterError,
    import_file,
    init,
    load_demo,
    make_engine,
    session_scope,
)
from cajad.register.fx import RateBook
from cajad.register.importer import ImportReport
from cajad.register.store import is_initialised
from cajad.screening.cli import register as register_screening
from cajad.tracker import CountingRule, Dimension, Measure, findings, progress
from cajad.tracker.chains_cli import register as register_trace
from cajad.tracker.rule import DEFAULT_STAGES

app = typer.Typer(help="cajad: the register, money and progress of the CA+JAD Tokyo Initiative.")
out = Console()
err = Console(stderr=True)

EXIT_REFUSED = 2
EXIT_PARTIAL = 3


def _engine(*, initialised: bool = True) -> Engine:
    """The configured store's engine; unpooled, so no connection outlives its session."""
    engine = make_engine(pooled=False)
    if initialised and not is_initialised(engine):
        err.print(f"[red]no register at {engine.url.render_as_string()}[/]: run `cajad init` first")
        raise typer.Exit(EXIT_REFUSED)
    return engine


def _fail(exc: RegisterError) -> typer.Exit:
    err.print("[red]error:[/]", end=" ")
    err.print(str(exc), highlight=False, markup=False)
    return typer.Exit(EXIT_REFUSED if isinstance(exc, InputError) else 1)


@app.command("init")
def init_command() -> None:
    """Create or upgrade the database (CAJAD_DATABASE_URL) and load the bundled rates."""
    engine = _engine(initialised=False)
    with out.status("Creating the register and loading exchange rates…"):
        count = init(engine)
    out.print(
        f"Register ready at {engine.url.render_as_string()}; {count:,} exchange rates loaded."
    )


@app.command("load-demo")
def load_demo_command() -> None:
    """Import the initiative's real reported deals bundled with cajad (idempotent)."""
    engine = _engine()
    try:
        with out.status("Importing the initiative's deals…"):
            report = load_demo(engine)
    except RegisterError as exc:
        raise _fail(exc) from exc
    _print_report(report)


@app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="A deals or transactions CSV, an IATI XML file or a folder.")
    ],
    partial: Annotated[
        bool, typer.Option(help="Import the valid records, report the rest.")
    ] = False,
    dry_run: Annotated[bool, typer.Option(help="Report what would change; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import a file atomically: any bad record refuses the whole file unless --partial.

    IATI XML (a file or a folder of them) imports the valid activities and reports the rest,
    as `cajad import-iati` does.
    """
    engine = _engine()
    iati = file.is_dir() or file.suffix.lower() == ".xml"
    try:
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task(f"Importing {file.name}", total=None)
            if iati:
                report: ImportReport = import_path(engine, file, dry_run=dry_run)
            else:
                report = import_file(
                    engine,
                    file,
                    partial=partial,
                    dry_run=dry_run,
                    on_progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
    except RegisterError as exc:
        raise _fail(exc) from exc
    if as_json:
        out.print_json(json.dumps(report.as_dict()))
    else:
        _print_report(report)
    # IATI files nearly always carry warnings; only refused records make an exit code.
    if report.refused if iati else report.problems:
        raise typer.Exit(EXIT_PARTIAL)


def _print_report(report: ImportReport) -> None:
    verb = "would be" if report.dry_run else "were"
    out.print(
        f"{report.source}: {len(report.created)} projects {verb} created, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged."
    )
    for identifier in report.created + report.updated:
        out.print(f"  {'+' if identifier in report.created else '~'} {identifier}", highlight=False)
    for problem in report.problems:
        err.print(f"  refused: {problem}", highlight=False, markup=False)


@app.command("progress")
def progress_command(
    currency: Annotated[str, typer.Option(help="Currency of every figure.")] = "JPY",
    by: Annotated[Dimension | None, typer.Option(help="Break the total down.")] = None,
    measure: Annotated[Measure, typer.Option(help="Which money counts.")] = Measure.ANNOUNCED,
    start: Annotated[
        dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="Period start.")
    ] = None,
    end: Annotated[
        dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Period end.")
    ] = None,
    stage: Annotated[
        list[str] | None, typer.Option(help="Count only these stages (repeatable).")
    ] = None,
    include_guarantees: Annotated[bool, typer.Option(help="Count credit guarantees.")] = False,
    as_of: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Date of the pace figures.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Progress toward the 3-trillion-yen goal under the counting rule, in any currency."""
    engine = _engine()
    try:
        defaults = CountingRule()
        rule = CountingRule(
            measure=measure,
            period_start=start.date() if start else defaults.period_start,
            period_end=end.date() if end else defaults.period_end,
            stages=tuple(stage) if stage else DEFAULT_STAGES,
            include_guarantees=include_guarantees,
        )
    except ValueError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_REFUSED) from exc
    try:
        with session_scope(engine) as session:
            book = RateBook.from_session(session)
            result = progress(
                session,
                rule,
                currency=currency.upper(),
                by=by,
                as_of=as_of.date() if as_of else None,
                book=book,
            )
    except RegisterError as exc:
        raise _fail(exc) from exc
    if as_json:
        print(result.model_dump_json(indent=2))
        return
    c = result.currency
    out.print(f"[bold]Progress toward the goal[/] ({result.rule_text})")
    out.print(
        f"  total  {c} {result.total:,.0f} of {c} {result.goal:,.0f} ({result.share_of_goal}%)"
    )
    out.print(f"  goal   {result.goal_conversion}", highlight=False)
    for name, amount in result.measures.items():
        out.print(f"  {name:<10} {c} {amount:,.0f}")
    pace = result.pace
    out.print(
        f"  pace   {c} {pace.per_year:,.0f} a year; projection {c} {pace.projection:,.0f} by "
        f"{rule.period_end}: [bold]{pace.verdict}[/] (as of {pace.as_of}, "
        f"{pace.elapsed_share}% of the period gone)"
    )
    if result.breakdown is not None:
        table = Table(title=f"by {by.value if by else ''}")
        table.add_column(by.value if by else "key")
        table.add_column(f"total ({c})", justify="right")
        table.add_column("share", justify="right")
        table.add_column("transactions", justify="right")
        for row in result.breakdown:
            table.add_row(row.key, f"{row.total:,.2f}", f"{row.share}%", str(row.transactions))
        out.print(table)


@app.command("quality")
def quality_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Data-quality findings: what is not counted and why, duplicates, dates, codes, outliers."""
    engine = _engine()
    with session_scope(engine) as session:
        found = findings(session)
    if as_json:
        print(json.dumps([f.model_dump() for f in found], indent=2))
        return
    table = Table(title=f"{len(found)} findings")
    for column in ("severity", "kind", "project", "message"):
        table.add_column(column)
    for f in found:
        table.add_row(f.severity, f.kind, f.project, f.message)
    out.print(table)


@app.command("convert")
def convert_command(
    amount: Annotated[str, typer.Argument(help="Amount, e.g. 1000000.")],
    currency: Annotated[str, typer.Argument(help="Its currency.")],
    target: Annotated[str, typer.Argument(help="Currency to convert into.")],
    on: Annotated[dt.datetime, typer.Argument(formats=["%Y-%m-%d"], help="Value date.")],
) -> None:
    """Convert an amount at the dated rate the policy picks, showing the rate and its source."""
    engine = _engine()
    try:
        value = Decimal(amount)
        with session_scope(engine) as session:
            result = RateBook.from_session(session).convert(
                value, currency.upper(), target.upper(), on.date()
            )
    except InvalidOperation as exc:
        err.print(f"error: amount must be a number; got {amount!r}")
        raise typer.Exit(EXIT_REFUSED) from exc
    except RegisterError as exc:
        raise _fail(exc) from exc
    out.print(
        f"{value:,} {result.currency} = {result.converted:,} {result.target}", highlight=False
    )
    out.print(f"  {result.explain()}", highlight=False)
    for source in result.sources:
        out.print(f"  Source: {source}", highlight=False)


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the portal and the JSON API."""
    import uvicorn

    from cajad.web.app import create_app

    engine = make_engine()
    if not is_initialised(engine):
        err.print("no register here: run `cajad init` first")
        raise typer.Exit(EXIT_REFUSED)
    out.print(f"cajad portal on http://{host}:{port}  (API docs: http://{host}:{port}/api/docs)")
    uvicorn.run(create_app(engine), host=host, port=port, log_level="warning")


register_corridor(app)
register_iati(app)
register_prospect(app)
register_screening(app)
register_trace(app)


def main() -> None:  # pragma: no cover - console entry point
    app()
