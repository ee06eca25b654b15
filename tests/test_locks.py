"""The locks the README commands install agree with pyproject.toml and with each other."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parents[1]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)", re.MULTILINE)


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    pins = {canonicalize_name(m[1]): m[2] for m in PIN.finditer(text)}
    assert pins, f"requirements/{name} pins nothing"
    return pins


def _declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return [Requirement(spec) for spec in names]


@pytest.mark.parametrize(
    ("lock", "extra"),
    [
        ("run.txt", None),
        ("test.txt", None),
        ("test.txt", "test"),
        ("mutation.txt", None),
        ("mutation.txt", "mutation"),
    ],
)
def test_every_declared_dependency_is_pinned_within_its_range(lock: str, extra: str | None) -> None:
    pins = _pins(lock)
    for requirement in _declared(extra):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not pinned in requirements/{lock}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements/{lock} pins {name}=={pins[name]}, outside {requirement}"
        )


def test_run_and_test_locks_pin_the_same_versions() -> None:
    run, test = _pins("run.txt"), _pins("test.txt")
    assert {name: test.get(name) for name in run} == run


def test_the_mutation_lock_agrees_with_the_test_lock() -> None:
    """``make mutation`` installs its lock over the test lock: the packages both pin agree, and
    the test lock (installed on every supported Python) holds no mutation tool."""
    mutation, test = _pins("mutation.txt"), _pins("test.txt")
    shared = mutation.keys() & test.keys()
    assert {name: mutation[name] for name in shared} == {name: test[name] for name in shared}
    assert "mutmut" in mutation and "mutmut" not in test


def test_every_pin_carries_hashes() -> None:
    for lock in ("run.txt", "test.txt", "mutation.txt"):
        text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
        for block in re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[-1]):
            if PIN.match(block):
                assert "--hash=sha256:" in block, f"{lock}: {block.splitlines()[0]} has no hash"
