"""The register's operations as the CLI and the web call them.

``init`` creates or upgrades the schema and loads the bundled exchange rates; ``load_demo``
imports the initiative's real deals with their curation; ``import_file`` reads a deals CSV or a
transactions CSV (told apart by their header) and imports it atomically.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Engine

from cajad.data import data_path
from cajad.register.deals import COLUMNS as DEALS_COLUMNS
from cajad.register.deals import read_deals
from cajad.register.errors import InputError
from cajad.register.fx import bundled_quotes, load_rates
from cajad.register.importer import ImportReport, ProgressCallback, import_specs
from cajad.register.store import Actor, migrate, session_scope
from cajad.register.transactions_csv import REQUIRED as TRANSACTION_COLUMNS
from cajad.register.transactions_import import import_transactions

DEMO_DEALS = data_path("initiative", "deals.csv")
DEMO_CURATION = data_path("initiative", "curation.csv")


def init(engine: Engine) -> int:
    """Create or upgrade the schema and (re)load the bundled rates; return how many rates."""
    migrate(engine)
    with session_scope(engine, actor="cajad init") as session:
        return load_rates(session, bundled_quotes())


def load_demo(engine: Engine, *, actor: str | Actor = "cajad load-demo") -> ImportReport:
    """Import the initiative's reported deals bundled with cajad, with their curation."""
    specs, problems = read_deals(DEMO_DEALS, curation=DEMO_CURATION)
    return import_specs(engine, specs, source=str(DEMO_DEALS), problems=problems, actor=actor)


def import_file(
    engine: Engine,
    path: Path,
    *,
    partial: bool = False,
    dry_run: bool = False,
    actor: str | Actor = "cajad import",
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a deals or transactions CSV; refused whole on any problem unless ``partial``."""
    if _kind(path) == "transactions":
        # Streamed in batches, in constant memory, however long the file (issue 16 item 8).
        return import_transactions(
            engine, path, partial=partial, dry_run=dry_run, actor=actor, on_progress=on_progress
        )
    specs, problems = read_deals(path)
    return import_specs(
        engine,
        specs,
        source=str(path),
        problems=problems,
        partial=partial,
        dry_run=dry_run,
        actor=actor,
        on_progress=on_progress,
    )


def _kind(path: Path) -> str:
    if path.suffix.lower() != ".csv":
        raise InputError(f"{path}: cajad imports CSV files here (deals or transactions shape)")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    if set(DEALS_COLUMNS) <= set(header):
        return "deals"
    if set(TRANSACTION_COLUMNS) <= set(header):
        return "transactions"
    raise InputError(
        f"{path}:1: header matches neither the deals shape ({', '.join(DEALS_COLUMNS)}) "
        f"nor the transactions shape ({', '.join(TRANSACTION_COLUMNS)})"
    )
