"""The cajad command line: the Typer app, to which each package adds its commands.

Every package's ``cli.py`` has a ``register(app)``; this module only builds the app, calls
them in turn, and serves the portal. What the commands share (opening the register, the
consoles, exit codes: 0 success, 1 cajad failed, 2 input refused, 3 partial import) is in
:mod:`cajad._cli`.
"""

from __future__ import annotations

import os
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
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (each with its own pool).")
    ] = 1,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Addresses of the reverse proxy whose X-Forwarded-For/-Proto are trusted "
            "(e.g. 127.0.0.1); HTTPS seen through it turns on HSTS."
        ),
    ] = None,
    access_log: Annotated[
        bool, typer.Option(help="One JSON line per request on stderr (no secrets).")
    ] = True,
) -> None:
    """Serve the portal and the JSON API (behind a reverse proxy in production: see README)."""
    import uvicorn

    from cajad.web.app import create_app
    from cajad.web.middleware import ACCESS_LOG_ENV, configure_access_log

    engine = open_register(pooled=True)
    configure_access_log(access_log)
    os.environ[ACCESS_LOG_ENV] = "1" if access_log else "0"  # for the worker processes
    out.print(f"cajad portal on http://{host}:{port}  (API docs: http://{host}:{port}/api/docs)")
    trusted = forwarded_allow_ips is not None
    if workers == 1:
        uvicorn.run(
            create_app(engine, start_jobs=True),
            host=host,
            port=port,
            log_level="warning",
            proxy_headers=trusted,
            forwarded_allow_ips=forwarded_allow_ips,
        )
        return
    engine.dispose()  # each worker opens its own (cajad.web.app.app_from_environment)
    uvicorn.run(
        "cajad.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=trusted,
        forwarded_allow_ips=forwarded_allow_ips,
    )


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
