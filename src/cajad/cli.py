"""The cajad command line: the Typer app, to which each package adds its commands.

Every package's ``cli.py`` has a ``register(app)``; this module only builds the app, calls
them in turn, and serves the portal. What the commands share (opening the register, the
consoles, exit codes: 0 success, 1 cajad failed, 2 input refused, 3 partial import) is in
:mod:`cajad._cli`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cajad._cli import exit_codes, open_register, out
from cajad.accounts.cli import register as register_accounts
from cajad.brokerage.cli import register as register_brokerage
from cajad.corridor.cli import register as register_corridor
from cajad.iati.cli import register as register_iati
from cajad.minerals.cli import register as register_minerals
from cajad.portfolio.cli import register as register_portfolio
from cajad.register.cli import register as register_register
from cajad.screening.cli import register as register_screening
from cajad.tracker.cli import register as register_tracker

__all__ = ["app", "main"]

app = typer.Typer(help="cajad: the register, money and progress of the CA+JAD Tokyo Initiative.")


@exit_codes
def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the portal and the JSON API."""
    import uvicorn

    from cajad.web.app import create_app

    engine = open_register(pooled=True)
    out.print(f"cajad portal on http://{host}:{port}  (API docs: http://{host}:{port}/api/docs)")
    uvicorn.run(create_app(engine), host=host, port=port, log_level="warning")


# Each package adds its own commands; `cajad --help` lists them in this order.
for _register in (
    register_register,
    register_tracker,
    register_iati,
    register_screening,
    register_corridor,
    register_minerals,
    register_accounts,
    register_portfolio,
    register_brokerage,
):
    _register(app)
app.command("serve")(serve_command)


def main() -> None:  # pragma: no cover - console entry point
    app()
