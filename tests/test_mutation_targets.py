"""The mutation run's targets (``benchmarks/mutation.py``) name files, functions and tests that
exist: a rename must not quietly drop a policy from the score."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).parents[1]


def _script() -> ModuleType:
    name = "benchmarks_mutation"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "mutation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _defined(path: Path) -> set[str]:
    """Top-level functions and ``Class.method`` names of a module."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {f"{node.name}.{f.name}" for f in node.body if isinstance(f, ast.FunctionDef)}
    return names


def test_every_target_names_existing_functions_and_tests() -> None:
    mutation = _script()
    assert {"register.fx", "tracker.rule", "screening.conditions", "corridor.graph"} <= set(
        mutation.TARGETS
    )
    for name, target in mutation.TARGETS.items():
        for path, functions in target.files.items():
            assert (ROOT / path).is_file(), (name, path)
            missing = set(functions or ()) - _defined(ROOT / path)
            assert not missing, (name, missing)
        for test in target.tests:
            assert (ROOT / test).is_file(), (name, test)


def test_mutant_names_follow_mutmuts_scheme() -> None:
    mutation = _script()
    target = mutation.Target({"src/cajad/register/fx.py": ("RateBook._find", "_steps")}, ())
    assert mutation._prefixes(target) == [
        "cajad.register.fx.x\u01c1RateBook\u01c1_find__mutmut_",
        "cajad.register.fx.x__steps__mutmut_",
    ]
    whole = mutation.Target({"src/cajad/tracker/rule.py": None}, ())
    assert mutation._prefixes(whole) == ["cajad.tracker.rule."]
    assert [mutation._outcome(c) for c in (0, 1, 3, 36, 5, None)] == [
        "survived", "killed", "killed", "timeout", "no tests", "not checked",
    ]  # fmt: skip
