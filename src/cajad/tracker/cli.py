"""The tracker's commands: ``progress``, ``quality`` and ``trace``.

``trace PROJECT_ID`` prints a Rich tree of who funds the project (upstream) and whom it funds
(downstream), each link with its transactions as both publishers report them, converted into
one currency, and where the tracker counts the money; ``--json`` prints the same for scripts.
The root CLI adds the commands with :func:`register`; exit codes as in :mod:`cajad._cli`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from cajad._cli import as_date, exit_codes, open_register, out, writable_file
from cajad.register import RateBook, session_scope
from cajad.tracker.chains import MAX_DEPTH, ChainLink, ChainMoney, FundingChain, funding_chain
from cajad.tracker.pace import MIN_DAYS
from cajad.tracker.progress import Dimension, Progress, progress
from cajad.tracker.quality import findings
from cajad.tracker.rule import CountingRule, Measure

__all__ = ["chain_tree", "export_brief_command", "register"]


def register(app: typer.Typer) -> None:
    """Add ``progress``, ``quality`` and ``trace`` to ``app``."""
    app.command("progress")(progress_command)
    app.command("quality")(quality_command)
    app.command("trace")(trace_command)


@exit_codes
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
    rule = CountingRule.from_options(
        measure=measure,
        start=as_date(start, "--from"),
        end=as_date(end, "--to"),
        stages=stage,
        include_guarantees=include_guarantees,
    )
    day = as_date(as_of, "--as-of")
    engine = open_register()
    with session_scope(engine) as session:
        book = RateBook.from_session(session)
        result = progress(session, rule, currency=currency.upper(), by=by, as_of=day, book=book)
    if as_json:
        print(result.model_dump_json(indent=2))
        return
    _print_progress(result, rule, by)


def _print_progress(result: Progress, rule: CountingRule, by: Dimension | None) -> None:
    c = result.currency
    out.print(f"[bold]Progress toward the goal[/] ({result.rule_text})")
    out.print(
        f"  total  {c} {result.total:,.0f} of {c} {result.goal:,.0f} ({result.share_of_goal}%)"
    )
    out.print(f"  goal   {result.goal_conversion}", highlight=False)
    for name, amount in result.measures.items():
        out.print(f"  {name:<10} {c} {amount:,.0f}")
    out.print(f"  basis  {result.headline}", highlight=False)
    out.print(f"  data   as of {result.data_as_of or 'unknown (no dated source)'}")
    composition = Table(title="composition of the total")
    for column in ("basis", "evidence", "status"):
        composition.add_column(column)
    composition.add_column(f"total ({c})", justify="right")
    composition.add_column("share", justify="right")
    for part in result.composition:
        composition.add_row(
            part.basis, part.evidence, part.status, f"{part.total:,.2f}", f"{part.share}%"
        )
    out.print(composition)
    pace = result.pace
    if pace.projection_low is None or pace.projection_high is None:
        # Under a year of data a per-year figure would read as a forecast: say what there is.
        first = rule.period_start + dt.timedelta(days=MIN_DAYS - 1)
        days = f"{pace.days_of_data} day{'' if pace.days_of_data == 1 else 's'}"
        rate = (
            f"{c} {pace.to_date:,.0f} counted so far over {days}; "
            f"a yearly pace needs {MIN_DAYS} days (from {first})"
            if pace.days_of_data
            else f"no pace: the period starts on {rule.period_start}"
        )
        projected = "no projection"
    else:
        rate = f"{c} {pace.per_year:,.0f} a year"
        projected = f"projection {c} {pace.projection_low:,.0f} to {c} {pace.projection_high:,.0f}"
    out.print(
        f"  pace   {rate}; {projected} by "
        f"{rule.period_end}: [bold]{pace.verdict}[/] (as of {pace.as_of}, "
        f"{pace.elapsed_share}% of the period gone)"
    )
    if pace.note:
        out.print(f"  note   {pace.note}", highlight=False)
    if result.breakdown is not None:
        table = Table(title=f"by {by.value if by else ''}")
        table.add_column(by.value if by else "key")
        table.add_column(f"total ({c})", justify="right")
        table.add_column("share", justify="right")
        table.add_column("transactions", justify="right")
        table.add_column(f"of it aggregate ({c})", justify="right")
        for row in result.breakdown:
            aggregate = sum((p.total for p in row.composition if p.basis == "aggregate"), 0)
            table.add_row(
                row.key,
                f"{row.total:,.2f}",
                f"{row.share}%",
                str(row.transactions),
                f"{aggregate:,.2f}",
            )
        out.print(table)


@exit_codes
def quality_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Data-quality findings: what is not counted and why, duplicates, dates, codes, outliers."""
    engine = open_register()
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


@exit_codes
def trace_command(
    project: Annotated[str, typer.Argument(help="Project (IATI activity) identifier.")],
    currency: Annotated[str, typer.Option(help="Currency to convert every amount into.")] = "JPY",
    depth: Annotated[int, typer.Option(min=1, max=MAX_DEPTH, help="Links to follow each way.")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Follow the project's money across publishers: who funds it, whom it funds."""
    engine = open_register()
    with session_scope(engine) as session:
        chain = funding_chain(session, project, currency=currency, depth=depth)
    if as_json:
        print(chain.model_dump_json(indent=2))
        return
    out.print(chain_tree(chain), soft_wrap=False)  # Rich wraps inside the tree's guides
    out.print(
        f"Counted by the tracker ({chain.measure.value}): only outgoing money of projects "
        "that count; incoming money is the far end of a chain and never counts.",
        highlight=False,
    )


def chain_tree(chain: FundingChain) -> Tree:
    """The chain as a Rich tree: the project, then its funders and the projects it funds."""
    root = Tree(_label(chain, chain.project))
    up = root.add("[bold]upstream[/] (funded by)")
    _grow(chain, up, chain.project, chain.funders, lambda link: link.provider, [chain.project])
    down = root.add("[bold]downstream[/] (funds)")
    _grow(chain, down, chain.project, chain.funded, lambda link: link.receiver, [chain.project])
    return root


def _grow(
    chain: FundingChain,
    branch: Tree,
    activity: str,
    links: Callable[[str], list[ChainLink]],
    far: Callable[[ChainLink], str],
    path: list[str],
) -> None:
    """Add the links from ``activity`` one way, ``chain.depth`` links deep at most; an
    activity already on the path is named but not expanded again (a cycle)."""
    for link in links(activity):
        other = far(link)
        cycle = other in path
        node = branch.add(_label(chain, other) + (" [yellow](cycle)[/]" if cycle else ""))
        for money in link.transactions:
            node.add(_money_line(money))
        if not cycle and len(path) < chain.depth:
            _grow(chain, node, other, links, far, [*path, other])


def _label(chain: FundingChain, activity: str) -> str:
    node = chain.node(activity)
    name = escape(activity)
    if node is None or not node.in_register:
        org = f" — {escape(node.organisation)}" if node and node.organisation else ""
        return f"[cyan]{name}[/] [dim](external{org})[/]"
    counts = "counts toward the goal" if node.counts_toward_goal else "not counted"
    return f"[bold cyan]{name}[/] {escape(node.title or '')} [dim]({counts})[/]"


def _money_line(money: ChainMoney) -> str:
    when = money.value_date.isoformat() if money.value_date else "no value date"
    amount = f"{money.currency} {money.value:,}"
    converted = (
        f" = {money.target} {money.converted:,}" if money.converted is not None else " (no rate)"
    )
    counted = (
        f"[green]counted ({', '.join(m.value for m in money.counts_under)})[/]"
        if money.counts_under
        else "[dim]not counted[/]"
    )
    return (
        f"{escape(money.type_name)} {amount}{converted} on {when}, reported by "
        f"{escape(money.reported_by)}: {counted}\n[dim]{escape(money.conversion)}[/]"
    )


@exit_codes
def export_brief_command(
    out_file: Annotated[Path, typer.Argument(metavar="OUT.pdf", help="File to write.")],
    currency: Annotated[str, typer.Option(help="Currency of the figures.")] = "JPY",
    measure: Annotated[Measure, typer.Option(help="What money counts.")] = Measure.ANNOUNCED,
) -> None:
    """Write a one-page PDF brief of progress toward the goal (rule, basis, rates, data date)."""
    from cajad.tracker.brief import brief, money  # the PDF library loads only when asked

    writable_file(out_file, "OUT.pdf")
    engine = open_register()
    with session_scope(engine) as session:
        made = brief(session, currency=currency, measure=measure)
    out_file.write_bytes(made.pdf)
    figures = made.progress
    out.print(
        f"{out_file}: {money(figures.total, figures.currency)}, {figures.share_of_goal} % of "
        f"the goal ({figures.rule.measure.value}).",
        highlight=False,
    )
