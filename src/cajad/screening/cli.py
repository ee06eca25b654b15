"""Screening commands, added to the cajad CLI by :func:`register`: a thin layer over services.

Exit codes as in :mod:`cajad._cli`: 0 success, 1 cajad failed, 2 input refused (unknown
project or question, bad answer, bad catalogue or layer, missing file; nothing written).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import Engine

from cajad._cli import (
    AsOption,
    acting,
    as_date,
    err,
    exit_codes,
    open_register,
    out,
    writable_file,
)
from cajad.accounts import Action
from cajad.register import session_scope
from cajad.screening.answers import questionnaire, record_answer
from cajad.screening.catalogue import load_catalogue, versions
from cajad.screening.layers import Layer, load_layer
from cajad.screening.report import report_html
from cajad.screening.service import Screened, history, screen_all, screen_project

__all__ = ["register"]

CatalogueOption = Annotated[
    str | None, typer.Option("--catalogue", help="Catalogue version (or folder); default: latest.")
]
LayerOption = Annotated[
    Path | None, typer.Option("--layer", help="GeoJSON layer of sensitive areas.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def register(app: typer.Typer) -> None:
    """Add ``screen``, ``screen-all``, ``catalogue``, ``questions`` and ``answer`` to ``app``."""
    app.command("screen")(screen_command)
    app.command("screen-all")(screen_all_command)
    app.command("catalogue")(catalogue_command)
    app.command("questions")(questions_command)
    app.command("answer")(answer_command)


def _engine() -> Engine:
    """The register, with the screening tables (an older register lacks them)."""
    return open_register(tables=("screening",))


def _layer(path: Path | None) -> Layer | None:
    return load_layer(path) if path is not None else None


@exit_codes
def screen_command(
    project: Annotated[str, typer.Argument(help="Project identifier.")],
    as_json: JsonOption = False,
    catalogue: CatalogueOption = None,
    layer: LayerOption = None,
    html: Annotated[Path | None, typer.Option(help="Write the printable report here.")] = None,
    show_history: Annotated[bool, typer.Option("--history", help="List every screening.")] = False,
    force: Annotated[
        bool, typer.Option(help="Record a new screening even if nothing changed.")
    ] = False,
    as_email: AsOption = None,
) -> None:
    """Screen a project against the catalogue: category, grade, scores, red flags, gaps."""
    if html is not None:
        writable_file(html, "--html")
    engine = _engine()
    actor = acting(engine, as_email, Action.SCREEN, project=project)
    result = screen_project(
        engine, project, catalogue=catalogue, layer=_layer(layer), force=force, actor=actor
    )
    with session_scope(engine) as session:
        past = history(session, project) if show_history else []
        page = report_html(session, project, result.id) if html is not None else None
    if page is not None and html is not None:
        html.write_text(page, encoding="utf-8")
    if as_json:
        data = result.as_dict()
        if show_history:
            data["history"] = [_brief(s) for s in past]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _print_verdict(result)
    if show_history:
        _print_history(past)
    if html is not None:
        out.print(f"Report written to {html}", highlight=False)


def _brief(s: Screened) -> dict[str, Any]:
    r = s.result
    keys = ("catalogue_version", "category", "grade", "score", "blocked")
    return {"screening": s.id, "screened_at": s.screened_at.isoformat(timespec="seconds")} | {
        k: r[k] for k in keys
    }


def _print_verdict(s: Screened) -> None:
    r = s.result
    state = "recorded" if s.recorded else "unchanged since"
    out.print(
        f"[bold]{s.project}[/]: grade [bold]{r['grade']}[/]"
        f"{' (blocked by red flags)' if r['blocked'] else ''}, score {r['score']}, "
        f"category {r['category']} ({r['category_rule']}), catalogue {r['catalogue_version']}; "
        f"screening {s.id} {state} {s.screened_at:%Y-%m-%d %H:%M}",
        highlight=False,
    )
    if r["pre_screening"]:
        out.print("  Automatic pre-screening — no evidence reviewed", highlight=False)
    n = r["counts"]
    out.print(
        f"  findings: {n['met']} met, {n['pending']} pending evidence, "
        f"{n['shortfalls']} shortfalls, {n['red_flags']} red flags",
        highlight=False,
    )
    scores = "  ".join(f"{p} {v if v is not None else '—'}" for p, v in r["scores"].items())
    out.print(f"  scores: {scores}", highlight=False)
    out.print(f"  standards: {', '.join(r['standards'])}", highlight=False)
    for flag in r["red_flags"]:
        out.print(f"  [red]red flag[/] {flag['rule']}: {flag['message']}", highlight=False)
    for gap in r["missing_evidence"]:
        out.print(f"  pending evidence {gap['rule']}: {gap['evidence']}", highlight=False)


def _print_history(past: list[Screened]) -> None:
    table = Table(title="screenings")
    for column in ("id", "when", "catalogue", "category", "grade", "score"):
        table.add_column(column)
    for s in past:
        b = _brief(s)
        table.add_row(
            str(s.id),
            b["screened_at"],
            b["catalogue_version"],
            b["category"],
            b["grade"],
            str(b["score"]),
        )
    out.print(table)


@exit_codes
def screen_all_command(
    as_json: JsonOption = False,
    catalogue: CatalogueOption = None,
    layer: LayerOption = None,
    force: Annotated[
        bool, typer.Option(help="Record new screenings even if nothing changed.")
    ] = False,
    as_email: AsOption = None,
) -> None:
    """Screen every project in the register (one transaction) and summarise the grades."""
    engine = _engine()
    actor = acting(engine, as_email, Action.SCREEN)
    chosen = _layer(layer)
    with Progress(console=err, transient=True, disable=as_json) as bar:
        task = bar.add_task("Screening projects…", total=None)
        report = screen_all(
            engine,
            catalogue=catalogue,
            layer=chosen,
            force=force,
            actor=actor,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
        return
    out.print(
        f"{report.projects} projects under catalogue {report.catalogue_version}: "
        f"{report.screened} screened, {report.unchanged} unchanged, {report.blocked} blocked.",
        highlight=False,
    )
    out.print(f"  grades: {dict(sorted(report.grades.items()))}", highlight=False)
    out.print(f"  categories: {dict(sorted(report.categories.items()))}", highlight=False)


@exit_codes
def catalogue_command(
    version: Annotated[
        str | None, typer.Argument(help="Version or catalogue folder (checked); default: latest.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show (and so validate) a criteria catalogue: its standards and rules."""
    cat = load_catalogue(version)
    if as_json:
        print(json.dumps(cat.as_dict(), indent=2, ensure_ascii=False))
        return
    out.print(
        f"[bold]{cat.head.title}[/] {cat.version} (published {cat.head.published}; "
        f"sha256 {cat.digest[:12]}); bundled versions: {', '.join(versions())}",
        highlight=False,
    )
    table = Table()
    for column in ("rule", "standard", "principle", "weight", "decided by", "red flag"):
        table.add_column(column)
    for rule in cat.rules:
        kind = "check" if rule.check else "trigger" if rule.trigger else "question"
        flag = ",".join(rule.red_flag.outcomes) if rule.red_flag else ""
        table.add_row(rule.id, rule.standard, rule.principle or "", f"{rule.weight:g}", kind, flag)
    out.print(table)


@exit_codes
def questions_command(
    project: Annotated[str, typer.Argument(help="Project identifier.")],
    as_json: JsonOption = False,
    catalogue: CatalogueOption = None,
    layer: LayerOption = None,
) -> None:
    """The questions that apply to a project, what evidence satisfies each, and the answers."""
    engine = _engine()
    with session_scope(engine) as session:
        found = questionnaire(session, project, catalogue=catalogue, layer=_layer(layer))
    if as_json:
        print(json.dumps([q.as_dict() for q in found], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(found)} questions about {project}")
    for column in ("rule", "question", "evidence that satisfies it", "answers", "now"):
        table.add_column(column)
    for q in found:
        now = q.outcome if q.answer is None else f"{q.answer.value} ({q.answer.reviewer})"
        table.add_row(q.rule, q.question, q.evidence, "/".join(q.answers), now)
    out.print(table)


@exit_codes
def answer_command(
    project: Annotated[str, typer.Argument(help="Project identifier.")],
    question: Annotated[str, typer.Argument(help="Question (rule id), e.g. PS1.ESIA.")],
    value: Annotated[str, typer.Argument(help="Answer, e.g. yes, partial, no, na (or A/B/C/FI).")],
    on: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Date of the answer.")
    ] = None,
    note: Annotated[str | None, typer.Option(help="Reason or comment (required for na).")] = None,
    link: Annotated[list[str] | None, typer.Option(help="Evidence URL (repeatable).")] = None,
    document: Annotated[
        list[int] | None, typer.Option(help="Evidence: a register document id (repeatable).")
    ] = None,
    catalogue: CatalogueOption = None,
    screen: Annotated[bool, typer.Option(help="Screen the project again afterwards.")] = True,
    as_json: JsonOption = False,
    as_email: AsOption = None,
) -> None:
    """Record a reviewer's answer with evidence (audited), then screen the project again.

    The reviewer is who runs the command: the account given with --as (a reviewer or an
    admin), else the local operating-system user; never a typed name.
    """
    answered_on = as_date(on, "--on")
    engine = _engine()
    reviewer = acting(engine, as_email, Action.ANSWER, project=project)
    recorded = record_answer(
        engine,
        project,
        question,
        value,
        reviewer=reviewer,
        answered_on=answered_on,
        note=note,
        links=link or [],
        documents=document or [],
        catalogue=catalogue,
    )
    result = (
        screen_project(engine, project, catalogue=catalogue, actor=reviewer) if screen else None
    )
    if as_json:
        data = recorded.as_dict()
        data["screening"] = result.as_dict() if result is not None else None
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    out.print(
        f"Recorded answer {recorded.answer}: {project} {question} = {value} "
        f"({recorded.action}, {recorded.evidence} evidence).",
        highlight=False,
    )
    if result is not None:
        _print_verdict(result)
