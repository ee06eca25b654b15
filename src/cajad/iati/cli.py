"""The IATI commands of the cajad command line: ``import-iati``, ``export iati`` and
``export transactions`` (the field-level CSV that goes with it, in one currency).

Exit codes as the rest of the CLI (:mod:`cajad._cli`): 0 success (warnings allowed); 2 a file
refused whole (nothing written); 3 some records or files were left out (they are listed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from cajad._cli import (
    EXIT_PARTIAL,
    ArgumentError,
    err,
    existing_path,
    exit_codes,
    open_register,
    out,
    writable_file,
)
from cajad.iati import (
    FileOutcome,
    FolderReport,
    IatiImportReport,
    export_activities,
    export_organisations,
    import_file,
    import_folder,
)
from cajad.iati._export import replacing
from cajad.register import ProjectFilter, RateBook, session_scope, write_transactions_csv
from cajad.register.cli import export_xlsx_command
from cajad.tracker.cli import export_brief_command

__all__ = ["register"]


def register(app: typer.Typer, *, export: typer.Typer | None = None) -> None:
    """Add ``import-iati`` and ``export iati`` to the cajad CLI.

    ``export`` is the CLI's ``export`` group when it has one already; else it is made here.
    """
    app.command("import-iati")(import_iati_command)
    if export is None:
        export = typer.Typer(help="Export the register in open formats.", no_args_is_help=True)
        app.add_typer(export, name="export")
    export.command("iati")(export_iati_command)
    export.command("transactions")(export_transactions_command)
    export.command("xlsx")(export_xlsx_command)
    export.command("brief")(export_brief_command)


@exit_codes
def import_iati_command(
    path: Annotated[
        Path, typer.Argument(help="An IATI activity or organisation file, or a folder.")
    ],
    strict: Annotated[bool, typer.Option(help="Refuse a file with any validation error.")] = False,
    partial: Annotated[
        bool, typer.Option(help="Import the valid activities, report the rest (the default).")
    ] = True,
    dry_run: Annotated[bool, typer.Option(help="Report what would change; write nothing.")] = False,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes for a folder (default: CPU count).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import IATI 2.01–2.03 XML: validated, idempotent, each file in one transaction."""
    existing_path(path, "PATH")
    engine = open_register()
    strict = strict or not partial
    if path.is_dir():
        report: IatiImportReport | FolderReport = _folder(engine, path, strict, dry_run, workers)
    else:
        with err.status(f"Importing {path.name}…"):
            report = import_file(engine, path, strict=strict, dry_run=dry_run)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        _print(report)
    if report.refused or (isinstance(report, FolderReport) and report.failed):
        raise typer.Exit(EXIT_PARTIAL)


def _folder(
    engine: Engine, path: Path, strict: bool, dry_run: bool, workers: int | None
) -> FolderReport:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(f"Importing {path}", total=None)

        def on_file(outcome: FileOutcome, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
            if outcome.error:
                bar.console.print(f"refused: {outcome.error}", highlight=False, markup=False)

        return import_folder(
            engine, path, strict=strict, dry_run=dry_run, workers=workers, on_file=on_file
        )


def _print(report: IatiImportReport | FolderReport) -> None:
    verb = "would be" if report.dry_run else "were"
    if isinstance(report, FolderReport):
        out.print(
            f"{report.source}: {len(report.files)} files, {len(report.failed)} refused; "
            f"{len(report.created)} records {verb} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged.",
            highlight=False,
        )
    else:
        out.print(
            f"{report.source} (IATI {report.version} {report.kind}): {report.records} records; "
            f"{len(report.created)} {verb} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.left_out)} left out.",
            highlight=False,
        )
    for problem in report.problems:
        err.print(f"  {problem.level}: {problem}", highlight=False, markup=False)


#: The project filters both exports take (the portal's list takes the same).
CountryOption = Annotated[
    str | None, typer.Option(help="Only projects in this country (ISO code).")
]
StageOption = Annotated[str | None, typer.Option(help="Only projects at this stage.")]
PrefixOption = Annotated[str | None, typer.Option(help="Only projects whose identifier starts so.")]


@exit_codes
def export_iati_command(
    out_file: Annotated[Path, typer.Argument(metavar="OUT.xml", help="File to write.")],
    country: CountryOption = None,
    stage: StageOption = None,
    identifier_prefix: PrefixOption = None,
    organisations: Annotated[
        bool,
        typer.Option(
            "--organisations",
            help="Write an organisation file (organisations with their budgets) instead.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Write the register (or a filter of it) as IATI 2.03 activity XML, schema-valid; with
    --organisations, its organisations and their budgets as an IATI 2.03 organisation file."""
    writable_file(out_file, "OUT.xml")
    where = ProjectFilter(country=country, stage=stage, identifier_prefix=identifier_prefix)
    if organisations and where != ProjectFilter():
        raise ArgumentError(
            "--organisations writes every organisation; project filters do not apply"
        )
    engine = open_register()
    with err.status(f"Writing {out_file}…"):
        if organisations:
            report = export_organisations(engine, out_file)
        else:
            report = export_activities(engine, out_file, where=where)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
        return
    what = "organisations" if organisations else "activities"
    out.print(f"{out_file}: {report.written} {what} written (IATI 2.03, schema-valid).")
    if organisations:
        _print_left_out_by_reason(report.left_out)
        return
    for identifier, reason in report.left_out.items():
        err.print(f"  left out {identifier}: {reason}", highlight=False, markup=False)


def _print_left_out_by_reason(left_out: dict[str, str], shown: int = 5) -> None:
    """Organisations left out, grouped by reason (a register names many without identifier);
    ``--json`` lists every one."""
    by_reason: dict[str, list[str]] = {}
    for key, reason in left_out.items():
        by_reason.setdefault(reason, []).append(key)
    for reason, keys in by_reason.items():
        more = f", … ({len(keys) - shown} more)" if len(keys) > shown else ""
        err.print(
            f"  left out {len(keys)}: {reason}: {', '.join(keys[:shown])}{more}",
            highlight=False,
            markup=False,
        )


@exit_codes
def export_transactions_command(
    out_file: Annotated[Path, typer.Argument(metavar="OUT.csv", help="File to write.")],
    currency: Annotated[
        str, typer.Option(help="Convert every value into this currency (JPY, USD, EUR…).")
    ] = "JPY",
    country: CountryOption = None,
    stage: StageOption = None,
    identifier_prefix: PrefixOption = None,
) -> None:
    """Write one CSV row per transaction, its value also in one currency with rate and source."""
    writable_file(out_file, "OUT.csv")
    code = currency.strip().upper()
    where = ProjectFilter(country=country, stage=stage, identifier_prefix=identifier_prefix)
    engine = open_register()
    with replacing(out_file) as temp, session_scope(engine, actor="cajad export") as session:
        book = RateBook.from_session(session)
        if code not in book.currencies:
            raise ArgumentError(
                f"--currency {currency!r}: no exchange rates for it; rates exist "
                f"for {', '.join(book.currencies)}"
            )
        with temp.open("w", encoding="utf-8", newline="") as handle:
            report = write_transactions_csv(session, where, handle, currency=code, book=book)
    out.print(
        f"{out_file}: {report.rows} transactions of {report.projects} projects; {report.converted} "
        f"converted into {code}, total {report.total:,.2f} {code}.",
        highlight=False,
    )
