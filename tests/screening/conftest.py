"""Fixtures of the screening tests: the four cases in a fresh store, catalogue copies to edit."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine

from cajad.screening import Catalogue, load_catalogue, load_folder
from cajad.screening.catalogue import BUNDLED
from tests.screening.cases import CASES, add

VERSION = "2026.5"  # the latest: what `cajad screen` uses
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@pytest.fixture
def cases(empty_engine: Engine) -> Engine:
    """A fresh store (SQLite and PostgreSQL) holding the four realistic cases."""
    add(empty_engine, *(make() for make in CASES.values()))
    return empty_engine


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(VERSION)


Files = dict[str, Any]


@pytest.fixture
def edited(tmp_path: Path) -> Callable[..., Path]:
    """``edited(version, edit)``: a copy of the bundled catalogue with ``edit(files)`` applied.

    ``files`` maps file names to their parsed YAML; the copy is written back as YAML into
    ``tmp_path/<version>`` with ``version`` set, and its folder returned.
    """

    def make(version: str, edit: Callable[[Files], None] | None = None) -> Path:
        folder = tmp_path / version
        shutil.copytree(BUNDLED / VERSION, folder)
        files = {
            p.name: yaml.load(p.read_text(encoding="utf-8"), Loader=_LOADER)
            for p in folder.glob("*.yaml")
        }
        files["catalogue.yaml"]["version"] = version
        if edit is not None:
            edit(files)
        for name, data in files.items():
            text = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True)
            (folder / name).write_text(text, encoding="utf-8")
        return folder

    return make


def rule_of(files: Files, rule_id: str) -> dict[str, Any]:
    """The raw mapping of a rule in parsed catalogue files."""
    for data in files.values():
        for rule in data.get("rules", []) if isinstance(data, dict) else []:
            if rule.get("id") == rule_id:
                return rule  # type: ignore[no-any-return]
    raise KeyError(rule_id)


def load_edited(folder: Path) -> Catalogue:
    return load_folder(folder)
