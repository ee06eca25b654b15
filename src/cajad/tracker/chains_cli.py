"""Command-line edge of funding chains: ``cajad trace PROJECT_ID``.

Prints a Rich tree of who funds the project (upstream) and whom it funds (downstream), each
link with its transactions as both publishers report them, converted into one currency, and
where the tracker counts the money; ``--json`` prints the same chain for scripts. The main CLI
adds the command with :func:`register`. Exit codes as in :mod:`cajad.cli`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from cajad.register import InputError, NotFoundError, RegisterError, make_engine, session_scope
from cajad.register.store import is_initialised
from cajad.tracker.chains import MAX_DEPTH, ChainLink, ChainMoney, FundingChain, funding_chain

EXIT_REFUSED = 2

_out = Console()
_err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add ``trace`` to ``app``."""
    app.command("trace")(trace_command)


def trace_command(
    project: Annotated[str, typer.Argument(help="Project (IATI activity) identifier.")],
    currency: Annotated[str, typer.Option(help="Currency to convert every amount into.")] = "JPY",
    depth: Annotated[int, typer.Option(min=1, max=MAX_DEPTH, help="Links to follow each way.")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Follow the project's money across publishers: who funds it, whom it funds."""
    engine = make_engine(pooled=False)
    if not is_initialised(engine):
        _err.print(f"no register at {engine.url.render_as_string()}: run `cajad init` first")
        raise typer.Exit(EXIT_REFUSED)
    try:
        with session_scope(engine) as session:
            chain = funding_chain(session, project, currency=currency, depth=depth)
    except RegisterError as exc:
        _err.print(f"error: {exc}", highlight=False, markup=False)
        refused = isinstance(exc, InputError | NotFoundError)
        raise typer.Exit(EXIT_REFUSED if refused else 1) from exc
    finally:
        engine.dispose()
    if as_json:
        print(chain.model_dump_json(indent=2))
        return
    _out.print(chain_tree(chain))
    _out.print(
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
