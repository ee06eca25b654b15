"""Reading data files with the place of every problem: CSV lines and YAML lines.

Pydantic errors are translated here into :class:`~cajad.corridor.errors.Problem` records that
name the file, the line and the field, so that no caller sees a pydantic exception.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from cajad.corridor.errors import Problem

M = TypeVar("M", bound=BaseModel)
YamlPath = tuple[str | int, ...]


def problems_of(error: ValidationError, file: str, line: int, prefix: str = "") -> list[Problem]:
    """One problem per pydantic error, at ``line`` of ``file``."""
    found = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(row)"
        reason = item["msg"].removeprefix("Value error, ")
        if "input" in item and item["type"] not in ("missing", "extra_forbidden"):
            reason += f"; got {item['input']!r}"
        found.append(Problem(file, line, prefix + field, reason))
    return found


def csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with the physical line each starts on; ``#`` lines are comments."""
    with path.open(newline="", encoding="utf-8") as handle:
        physical = [
            (number, text)
            for number, text in enumerate(handle, start=1)
            if not text.startswith("#")
        ]
    reader = csv.reader(text for _, text in physical)
    header = next(reader, None)
    if header is None:
        return
    consumed = reader.line_num
    for record in reader:
        start = physical[consumed][0]
        consumed = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        row = dict(zip(header, record, strict=False))
        if len(record) > len(header):
            row["(extra cells)"] = ";".join(record[len(header) :])
        yield start, row


def read_table(path: Path, model: type[M]) -> tuple[list[tuple[int, M]], list[Problem]]:
    """Validate every row of ``path`` as ``model``; report every bad row, not only the first."""
    good: list[tuple[int, M]] = []
    bad: list[Problem] = []
    for line, row in csv_rows(path):
        try:
            good.append((line, model.model_validate(row)))
        except ValidationError as exc:
            bad.extend(problems_of(exc, path.name, line))
    return good, bad


def yaml_lines(text: str) -> dict[YamlPath, int]:
    """The 1-based line of every mapping key and sequence item of a YAML document."""
    lines: dict[YamlPath, int] = {}

    def walk(node: yaml.Node, path: YamlPath) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = (*path, str(key.value))
                lines[child] = key.start_mark.line + 1
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return lines


def line_of(lines: Mapping[YamlPath, int], path: YamlPath) -> int:
    """The line of the deepest known part of ``path`` (1 when nothing is known).

    Parts absent from the document are skipped, so a validator's extra path elements (the
    tag of a tagged union, for instance) do not hide the field's own line.
    """
    known: YamlPath = ()
    for part in path:
        if (*known, part) in lines:
            known = (*known, part)
    return lines.get(known, 1)


def read_yaml(path: Path) -> tuple[Any, dict[YamlPath, int]]:
    """Parse a YAML file safely; return the data and the line map."""
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text), yaml_lines(text)
