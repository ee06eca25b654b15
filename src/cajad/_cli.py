"""The command line's toolkit: what every package's ``cli.py`` shares.

A package adds its commands in its own ``cli.py`` with a ``register(app)`` function that the
root (:mod:`cajad.cli`) calls. Each command is decorated with :func:`exit_codes`, opens the
register with :func:`open_register`, prints through :data:`out` and :data:`err`, and simply
raises: the decorator turns any exception into one line on stderr and the exit code that
:func:`cajad.errors.kind_of` gives it.

Exit codes scripts can trust:

==  ============================================================================
0   success (warnings allowed)
1   cajad failed (the store, a worker) or an unexpected error; nothing is promised
2   input refused (unknown place, currency, project; missing file; bad option)
3   a partial import left some records out (they are listed)
==  ============================================================================

Options that typer itself refuses (an unknown option, a value of the wrong type) also exit 2,
with typer's usage message. A file or folder named on the command line that cannot be read or
written (no such folder, not allowed, a folder where a file should be, a read-only place)
exits 2 naming it; a full disk or an I/O error exits 1.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import getpass
import os
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Final, ParamSpec, TypeVar, overload

import typer
from rich.console import Console
from sqlalchemy import Engine, inspect
from typer.exceptions import TyperException

from cajad.accounts import Action, authorize, authorize_project, principal_of
from cajad.accounts import acting as account_actor
from cajad.errors import CajadError, ErrorKind, kind_of
from cajad.register import Actor, is_initialised, make_engine, session_scope

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "EXIT_REFUSED",
    "ArgumentError",
    "AsOption",
    "NoRegisterError",
    "acting",
    "as_date",
    "as_number",
    "err",
    "existing_file",
    "existing_folder",
    "existing_path",
    "exit_codes",
    "fail",
    "local_actor",
    "open_register",
    "out",
    "writable_file",
]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_REFUSED: Final = 2
EXIT_PARTIAL: Final = 3

#: What a command prints for people or scripts; soft-wrapped, so a pipe gets whole lines.
out = Console(soft_wrap=True)
#: Progress bars, warnings and the one ``error:`` line of a failure.
err = Console(stderr=True, soft_wrap=True)

#: Dates the commands accept: wide enough for any rate or deal, narrow enough for date maths.
EARLIEST: Final = dt.date(1900, 1, 1)
LATEST: Final = dt.date(2199, 12, 31)

P = ParamSpec("P")
R = TypeVar("R")


class ArgumentError(CajadError, ValueError):
    """A command-line argument or option was refused before any work was done."""


class NoRegisterError(CajadError, LookupError):
    """The configured database holds no register (or lacks a package's tables)."""


class PathError(CajadError, ValueError):
    """A file or folder the command was given cannot be read or written there."""


class FileSystemError(CajadError):
    """The file system failed under a command (a full disk, an I/O error)."""


#: ``errno`` of an :class:`OSError` that says the path given was wrong, not the system.
_PATH_REFUSED: Final = frozenset(
    {
        errno.ENOENT,
        errno.EACCES,
        errno.EPERM,
        errno.EISDIR,
        errno.ENOTDIR,
        errno.EROFS,
        errno.ENAMETOOLONG,
        errno.EEXIST,
        errno.ELOOP,
        errno.EXDEV,
    }
)


def _os_error(exc: OSError) -> CajadError:
    """``exc`` in cajad's words: the path it names and why, refused or failed by its errno."""
    path = exc.filename2 if exc.filename2 is not None else exc.filename
    where = f"{path}: " if path is not None else ""
    text = f"{where}{exc.strerror or exc}"
    return PathError(text) if exc.errno in _PATH_REFUSED else FileSystemError(text)


def fail(exc: BaseException) -> typer.Exit:
    """Print ``exc`` as one ``error:`` line on stderr; the exit to raise, by its kind.

    Input refused (not found, invalid, conflict) exits 2; a refused file's message keeps the
    problems it lists, indented below the line. cajad failing exits 1 with the first line of
    its message (never the SQL); anything else is a bug and exits 1 naming its type. An
    :class:`OSError` is told by its errno: a path refused (2) or the file system failing (1).
    """
    if isinstance(exc, OSError):
        exc = _os_error(exc)
    kind = kind_of(exc)
    text = str(exc)
    if not kind.refused:
        # A driver's message goes on with the SQL and a link: the first line says what failed.
        text = text.strip().partition("\n")[0]
    if kind is ErrorKind.UNEXPECTED:
        text = f"unexpected {type(exc).__name__}: {text}"
    err.print(f"error: {text}", markup=False, highlight=False)
    return typer.Exit(EXIT_REFUSED if kind.refused else EXIT_FAILED)


def exit_codes(command: Callable[P, R]) -> Callable[P, R]:
    """Run ``command``; any exception it raises becomes :func:`fail`'s line and exit code.

    typer's own exits (``typer.Exit``, ``typer.Abort``, usage errors) pass through untouched.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except Exception as exc:
            raise fail(exc) from exc

    return run


def open_register(
    *, tables: Sequence[str] = (), pooled: bool = False, initialised: bool = True
) -> Engine:
    """The configured register (``CAJAD_DATABASE_URL``), refused unless it is initialised.

    ``tables`` names a package's own tables the command needs (an older register lacks them
    until ``cajad init`` upgrades it); ``initialised=False`` is for ``cajad init`` itself.
    Unpooled by default: no connection outlives its session.
    """
    engine = make_engine(pooled=pooled)
    if not initialised:
        return engine
    where = engine.url.render_as_string()
    if not is_initialised(engine):
        raise NoRegisterError(f"no register at {where}: run `cajad init` first")
    missing = [t for t in tables if not inspect(engine).has_table(t)]
    if missing:
        raise NoRegisterError(
            f"the register at {where} has no {', '.join(missing)} table: run `cajad init`"
        )
    return engine


@overload
def as_date(value: dt.datetime, name: str) -> dt.date: ...
@overload
def as_date(value: dt.datetime | None, name: str) -> dt.date | None: ...
def as_date(value: dt.datetime | None, name: str) -> dt.date | None:
    """The day of a parsed date option, refused outside :data:`EARLIEST` .. :data:`LATEST`."""
    if value is None:
        return None
    day = value.date()
    if not EARLIEST <= day <= LATEST:
        raise ArgumentError(f"{name} must be a date from {EARLIEST} to {LATEST}; got {day}")
    return day


def as_number(text: str, name: str) -> Decimal:
    """``text`` as a finite decimal number."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ArgumentError(f"{name} must be a number like 1000000 or 12.5; got {text!r}")
    return value


def existing_path(path: Path, name: str) -> Path:
    """``path``, refused unless a file or folder is there."""
    if not path.exists():
        raise ArgumentError(f"{name}: no such file or folder: {path}")
    return path


def existing_file(path: Path, name: str) -> Path:
    """``path``, refused unless it is a file."""
    if not path.is_file():
        raise ArgumentError(f"{name}: no such file: {path}")
    return path


def existing_folder(path: Path, name: str) -> Path:
    """``path``, refused unless it is a folder."""
    if not path.is_dir():
        raise ArgumentError(f"{name}: no such folder: {path}")
    return path


def writable_file(path: Path, name: str) -> Path:
    """``path``, refused unless its folder exists (nothing creates folders for a file) and it
    is not itself a folder."""
    folder = path.parent
    if not folder.is_dir():
        raise ArgumentError(f"{name}: no such folder: {folder}")
    if path.is_dir():
        raise ArgumentError(f"{name}: is a folder, not a file: {path}")
    return path


#: ``--as EMAIL``: whom a command that writes acts for (see :func:`acting`).
AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="EMAIL",
        help="Act as this account: its role must allow the change, and the audit log records "
        "it. Default: the local operating-system user (local:NAME).",
    ),
]


def local_actor() -> Actor:
    """The operating-system user of this shell, as the audit log names it: ``local:alice``.

    Whoever has the server's shell has the database too; what they do is theirs, by name of
    their login, never by a name they type.
    """
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without a passwd entry)
        user = f"uid{os.getuid()}"
    return Actor(f"local:{user}")


def acting(
    engine: Engine, as_email: str | None, action: Action, *, project: str | None = None
) -> Actor:
    """Who a command acts as: the account ``--as`` names, if its role allows ``action`` (on
    ``project``, for its owner), else refused; without ``--as``, :func:`local_actor`."""
    if as_email is None:
        return local_actor()
    with session_scope(engine) as session:
        who = principal_of(session, as_email)
        if project is None:
            authorize(who, action)
        else:
            authorize_project(session, who, action, project)
    return account_actor(who)
