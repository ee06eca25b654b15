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
from cajad.register.errors import InputError, Problem
from cajad.register.fx import bundled_quotes, load_rates
from cajad.register.importer import ImportReport, ProgressCallback, import_specs
from cajad.register.specs import ProjectSpec
from cajad.register.store import Actor, migrate, session_scope
from cajad.register.transactions_csv import REQUIRED as TRANSACTION_COLUMNS
from cajad.register.transactions_csv import read_transactions
from cajad.register.views import project_spec, stored_projects

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
    kind = _kind(path)
    if kind == "deals":
        specs, problems = read_deals(path)
    else:
        specs, problems = _transaction_specs(engine, path)
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


def _transaction_specs(engine: Engine, path: Path) -> tuple[list[ProjectSpec], list[Problem]]:
    """The projects the file touches, each with its transactions replaced or added by ref."""
    by_project, problems = read_transactions(path)
    specs: list[ProjectSpec] = []
    with session_scope(engine) as session:
        stored = stored_projects(session, list(by_project))
        for identifier, transactions in by_project.items():
            project = stored.get(identifier)
            if project is None:
                line = transactions[0].line or 0
                problems.append(Problem(str(path), line, "project", f"no project {identifier!r}"))
                continue
            current = project_spec(project)
            merged = {t.ref: t for t in current.transactions}
            merged.update({t.ref: t for t in transactions})
            specs.append(current.model_copy(update={"transactions": tuple(merged.values())}))
    return specs, problems
