"""Load the network from its data files, refusing bad input with file, line and field.

The folder holds ``nodes.csv``, ``links.csv``, ``parameters.yaml`` and ``countries.csv``
(see ``cajad/data/corridor/SOURCE.md`` for every column and the origin of every number).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from cajad.corridor._files import line_of, problems_of, read_table, read_yaml
from cajad.corridor._schema import Link, Node, Parameters
from cajad.corridor.errors import NetworkDataError, Problem
from cajad.corridor.model import Network
from cajad.data import data_path

NODES_FILE, LINKS_FILE = "nodes.csv", "links.csv"
PARAMETERS_FILE, COUNTRIES_FILE = "parameters.yaml", "countries.csv"


def bundled_data_dir() -> Path:
    """Folder of the bundled corridor data (``cajad/data/corridor``)."""
    return data_path("corridor")


def load_parameters(path: Path) -> Parameters:
    """Read and validate ``parameters.yaml``.

    Raises
    ------
    NetworkDataError
        With the line and dotted field of every invalid entry.
    """
    try:
        data, lines = read_yaml(path)
    except (OSError, ValueError) as exc:
        raise NetworkDataError(f"cannot read {path.name}: {exc}") from exc
    try:
        return Parameters.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(p.file, line_of(lines, tuple(p.field.split("."))), p.field, p.reason)
            for p in problems_of(exc, path.name, 0)
        ]
        raise NetworkDataError(f"invalid parameters in {path}", problems) from exc


def _countries(path: Path) -> tuple[dict[str, str], dict[str, str], list[Problem]]:
    names: dict[str, str] = {}
    aliases: dict[str, str] = {}
    problems: list[Problem] = []
    from cajad.corridor._files import csv_rows

    for line, row in csv_rows(path):
        code = (row.get("code") or "").strip()
        if len(code) != 2 or not code.isalpha() or not code.isupper():
            problems.append(Problem(path.name, line, "code", f"must be ISO alpha-2; got {code!r}"))
            continue
        names[code] = (row.get("name") or code).strip()
        for alias in (row.get("aliases") or "").split(";"):
            if alias.strip():
                aliases[alias.strip().casefold()] = code
    return names, aliases, problems


def load_network(directory: Path | str | None = None) -> Network:
    """Load and check the network in ``directory`` (default: the bundled data).

    Parameters
    ----------
    directory
        Folder with ``nodes.csv``, ``links.csv``, ``parameters.yaml`` and ``countries.csv``.

    Returns
    -------
    Network
        The checked network; the bundled one is cached, so repeated calls are cheap.

    Raises
    ------
    NetworkDataError
        Naming the file, line and field of every problem found in any of the files.
    """
    if directory is None:
        return _bundled()
    return _load(Path(directory))


@lru_cache(maxsize=1)
def _bundled() -> Network:
    return _load(bundled_data_dir())


def _load(folder: Path) -> Network:
    for name in (NODES_FILE, LINKS_FILE, PARAMETERS_FILE):
        if not (folder / name).is_file():
            raise NetworkDataError(f"{folder} has no {name}")
    parameters = load_parameters(folder / PARAMETERS_FILE)
    nodes, node_problems = read_table(folder / NODES_FILE, Node)
    links, link_problems = read_table(folder / LINKS_FILE, Link)
    countries: dict[str, str] = {}
    aliases: dict[str, str] = {}
    problems = node_problems + link_problems
    if (folder / COUNTRIES_FILE).is_file():
        countries, aliases, country_problems = _countries(folder / COUNTRIES_FILE)
        problems += country_problems
    if problems:
        raise NetworkDataError(f"invalid network data in {folder}", problems)
    where = {f"node:{n.id}": (NODES_FILE, line) for line, n in nodes}
    where |= {f"link:{k.id}": (LINKS_FILE, line) for line, k in links}
    return Network(
        (n for _, n in nodes),
        (k for _, k in links),
        parameters,
        countries=countries,
        country_aliases=aliases,
        where=where,
    )
