"""The register's commands: ``init``, ``load-demo``, ``import`` and ``convert``; and the
exports for a minister, ``export xlsx`` (a filtered project list) and ``export brief`` (the
one-page PDF of progress), which the ``export`` group (:mod:`cajad.iati.cli`) takes.

A thin layer over :mod:`cajad.register`; the root CLI adds them with :func:`register`. Exit
codes and error lines come from :mod:`cajad._cli`: 2 input refused (nothing written), 3 a
``--partial`` import that left some records out.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from cajad._cli import (
    EXIT_PARTIAL,
    ArgumentError,
    AsOption,
    acting,
    as_date,
    as_number,
    err,
    existing_file,
    existing_path,
    exit_codes,
    local_actor,
    open_register,
    out,
    writable_file,
)
from cajad.accounts import Action
from cajad.brokerage.store import load_bundled
from cajad.iati import import_path
from cajad.register import (
    Change,
    ImportReport,
    ProjectFilter,
    RateBook,
    agreement_bound,
    import_file,
    init,
    list_changes,
    load_demo,
    session_scope,
)
from cajad.register.backup import backup, restore
from cajad.register.store import make_engine
from cajad.register.xlsx_export import COLUMNS, parse_columns, write_projects_xlsx
from cajad.tracker import CountingRule

__all__ = ["export_xlsx_command", "register"]


def register(app: typer.Typer) -> None:
    """Add ``init``, ``load-demo``, ``import``, ``convert``, ``changes``, ``backup`` and
    ``restore`` to ``app``."""
    app.command("init")(init_command)
    app.command("load-demo")(load_demo_command)
    app.command("import")(import_command)
    app.command("convert")(convert_command)
    app.command("changes")(changes_command)
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)


@exit_codes
def init_command() -> None:
    """Create or upgrade the database (CAJAD_DATABASE_URL) and load the bundled rates."""
    engine = open_register(initialised=False)
    with out.status("Creating the register and loading exchange rates…"):
        count = init(engine)
    out.print(
        f"Register ready at {engine.url.render_as_string()}; {count:,} exchange rates loaded."
    )


@exit_codes
def load_demo_command() -> None:
    """Import the initiative's real reported deals and the bundled investor profiles
    (idempotent)."""
    engine = open_register()
    with out.status("Importing the initiative's deals…"):
        report = load_demo(engine, actor=local_actor())
    print_report(report)
    investors = load_bundled(engine, actor=local_actor())
    out.print(
        f"Investor profiles: {len(investors.created)} created, {len(investors.updated)} updated, "
        f"{len(investors.unchanged)} unchanged."
    )


@exit_codes
def import_command(
    file: Annotated[
        Path, typer.Argument(help="A deals or transactions CSV, an IATI XML file or a folder.")
    ],
    partial: Annotated[
        bool, typer.Option(help="Import the valid records, report the rest.")
    ] = False,
    dry_run: Annotated[bool, typer.Option(help="Report what would change; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    as_email: AsOption = None,
) -> None:
    """Import a file atomically: any bad record refuses the whole file unless --partial.

    IATI XML (a file or a folder of them) imports the valid activities and reports the rest,
    as `cajad import-iati` does.
    """
    existing_path(file, "FILE")
    engine = open_register()
    actor = acting(engine, as_email, Action.IMPORT)
    iati = file.is_dir() or file.suffix.lower() == ".xml"
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(f"Importing {file.name}", total=None)
        if iati:
            report: ImportReport = import_path(engine, file, dry_run=dry_run, actor=actor)
        else:
            report = import_file(
                engine,
                file,
                partial=partial,
                dry_run=dry_run,
                actor=actor,
                on_progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    if as_json:
        out.print_json(json.dumps(report.as_dict()))
    else:
        print_report(report)
    # IATI files nearly always carry warnings; only refused records make an exit code.
    if report.refused if iati else report.problems:
        raise typer.Exit(EXIT_PARTIAL)


def print_report(report: ImportReport) -> None:
    """What an import created, updated and left unchanged; each refused record (and warning)
    on stderr."""
    verb = "would be" if report.dry_run else "were"
    out.print(
        f"{report.source}: {len(report.created)} projects {verb} created, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged."
    )
    for identifier in report.created + report.updated:
        out.print(f"  {'+' if identifier in report.created else '~'} {identifier}", highlight=False)
    for problem in report.problems:
        label = "refused" if problem.level == "error" else "warning"
        err.print(f"  {label}: {problem}", highlight=False, markup=False)


@exit_codes
def convert_command(
    amount: Annotated[str, typer.Argument(help="Amount, e.g. 1000000.")],
    currency: Annotated[str, typer.Argument(help="Its currency.")],
    target: Annotated[str, typer.Argument(help="Currency to convert into.")],
    on: Annotated[dt.datetime, typer.Argument(formats=["%Y-%m-%d"], help="Value date.")],
) -> None:
    """Convert an amount at the dated rate the policy picks, showing the rate and its source."""
    value = as_number(amount, "AMOUNT")
    day = as_date(on, "ON")
    engine = open_register()
    with session_scope(engine) as session:
        result = RateBook.from_session(session).convert(
            value, currency.upper(), target.upper(), day
        )
    out.print(
        f"{value:,} {result.currency} = {result.converted:,} {result.target}", highlight=False
    )
    out.print(f"  {result.explain()}", highlight=False)
    for source in result.sources:
        out.print(f"  Source: {source}", highlight=False)


#: The mark of each kind of change in ``cajad changes``.
CHANGE_MARKS = {"added": "+", "changed": "~", "removed": "-"}


@exit_codes
def backup_command(
    file: Annotated[Path, typer.Argument(help="The backup file to write (a ZIP file).")],
) -> None:
    """Back up the whole register to one file, while the portal keeps serving (a consistent
    state: SQLite's online backup, or one PostgreSQL snapshot)."""
    engine = open_register()
    with out.status("Backing up the register…"):
        report = backup(engine, writable_file(file, "FILE"))
    out.print(
        f"Backed up {report.rows:,} rows in {len(report.tables)} tables "
        f"(schema {report.revision}) to {report.path}."
    )


@exit_codes
def restore_command(
    file: Annotated[Path, typer.Argument(help="A file written by `cajad backup`.")],
    into: Annotated[
        str | None,
        typer.Option(help="Database URL to restore into (default: CAJAD_DATABASE_URL)."),
    ] = None,
) -> None:
    """Restore a backup into an empty database, SQLite or PostgreSQL, and check every table
    against the backup's digests; a database that holds data is refused."""
    existing_file(file, "FILE")
    engine = make_engine(into, pooled=False)
    try:
        with out.status("Restoring the register…"):
            report = restore(file, engine)
    finally:
        engine.dispose()
    out.print(
        f"Restored {report.rows:,} rows in {len(report.tables)} tables into "
        f"{engine.url.render_as_string()}; every table matches the backup."
    )


@exit_codes
def changes_command(
    project: Annotated[
        str | None, typer.Option(help="Only changes of this project (identifier).")
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=500, help="How many changes, newest first.")
    ] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")] = False,
) -> None:
    """What changed in the register, newest first: projects added, changed (each field
    before → after) and removed; who, when, and the source documents (as the /changes feed)."""
    engine = open_register()
    with session_scope(engine) as session:
        page = list_changes(session, limit=limit, project=project)
    if as_json:
        out.print_json(json.dumps([change.model_dump(mode="json") for change in page.items]))
        return
    if not page.items:
        out.print("No changes recorded.")
    for change in page.items:
        print_change(change)


def print_change(change: Change) -> None:
    """One change: a line naming it, its summary, each field before → after, its sources."""
    when = change.at.strftime("%Y-%m-%d %H:%M:%SZ")
    lines = [
        f"{CHANGE_MARKS[change.kind]} {change.project}  #{change.id} {when} by {change.actor}",
        f"  {change.title}",
        f"  {change.summary}",
        *(f"    {f.field}: {f.before or '—'} → {f.after or '—'}" for f in change.fields),
        *(
            f"    source: {d.url}" + (f" ({d.published})" if d.published else "")
            for d in change.sources
        ),
    ]
    for line in lines:  # the register's text is data, never rich markup
        out.print(line, markup=False, highlight=False)


def _bound(text: str | None, option: str, *, last: bool) -> dt.date | None:
    try:
        return agreement_bound(text, last=last)
    except ValueError as exc:
        raise ArgumentError(f"{option} must be YYYY-MM-DD, YYYY-MM or YYYY; got {text!r}") from exc


@exit_codes
def export_xlsx_command(
    out_file: Annotated[Path, typer.Argument(metavar="OUT.xlsx", help="File to write.")],
    q: Annotated[str | None, typer.Option("--q", help="Words to search for.")] = None,
    country: Annotated[str | None, typer.Option(help="Only projects in this country.")] = None,
    stage: Annotated[str | None, typer.Option(help="Only projects at this stage.")] = None,
    instrument: Annotated[str | None, typer.Option(help="Only this instrument.")] = None,
    area: Annotated[str | None, typer.Option(help="Only this priority area.")] = None,
    counts: Annotated[
        bool | None, typer.Option("--counts/--not-counted", help="Counted toward the goal or not.")
    ] = None,
    identifier_prefix: Annotated[
        str | None, typer.Option(help="Only projects whose identifier starts so.")
    ] = None,
    agreed_from: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Agreed on or after: YYYY-MM-DD, YYYY-MM or YYYY (a date known to the month "
            "or year is kept when its period overlaps).",
        ),
    ] = None,
    agreed_to: Annotated[
        str | None, typer.Option("--to", help="Agreed on or before: YYYY-MM-DD, YYYY-MM or YYYY.")
    ] = None,
    since_summit: Annotated[
        bool,
        typer.Option(help="Only projects new since the summit (money or placed day 2025-12-20+)."),
    ] = False,
    currency: Annotated[str, typer.Option(help="Currency of the amounts.")] = "JPY",
    columns: Annotated[
        str | None, typer.Option(help=f"Comma-separated columns among {', '.join(COLUMNS)}.")
    ] = None,
) -> None:
    """Write a filtered project list as XLSX, with chosen columns and amounts in one currency."""
    writable_file(out_file, "OUT.xlsx")
    chosen = parse_columns(columns)
    where = ProjectFilter(
        q=q,
        country=country.upper() if country else None,
        stage=stage,
        instrument=instrument,
        area=area,
        counts=counts,
        identifier_prefix=identifier_prefix,
        agreed_from=_bound(agreed_from, "--from", last=False),
        agreed_to=_bound(agreed_to, "--to", last=True),
        new_since=CountingRule().period_start if since_summit else None,
    )
    engine = open_register()
    # Spooled (memory, then disk), and copied to ``out_file`` only once whole: a refused
    # export leaves no file behind.
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        with session_scope(engine) as session:
            report = write_projects_xlsx(
                session,
                where,
                spool,
                currency=currency.strip().upper(),
                book=RateBook.from_session(session),
                columns=chosen,
                notes={"Counting rule": CountingRule().describe()},
            )
        spool.seek(0)
        with out_file.open("wb") as target:
            shutil.copyfileobj(spool, target)
    totals = "; ".join(f"{k} {report.currency} {v:,.2f}" for k, v in report.totals.items())
    out.print(f"{out_file}: {report.projects} projects; {totals}.", highlight=False)
