"""Mutation testing of the policy modules (issue 16 item 1): how many one-line changes to the
rules the tests that pin them catch.

Each *target* is a set of policy functions (the counting rule, the tracker's measures, period,
priority-area breakdown, pace and quality findings; the exchange-rate policy; the screening
conditions, category decision, inference, scale and verdict; the corridor graph compiler and
its scenario patch) paired with the few test files that pin it, so one mutant runs in seconds.
I/O, CLI and rendering code is left out: it is not policy. Each target runs mutmut 3 in its own
scratch copy of the repository (the working tree gets no ``mutants/`` folder), PostgreSQL-marked
tests deselected (the SQLite run of the same test exercises the same policy code).

Prints per target killed/total and the score, the total score, and every surviving mutant;
exits 1 when the total score is under ``--min-score``. Not part of ``make test`` (minutes)::

    .venv/bin/python benchmarks/mutation.py [--module NAME ...] [--min-score 90] [--jobs N]
        [--keep DIR] [--list]

A mutant counts as killed when a test fails or the run times out (a mutant that hangs the tests
is caught); "no tests" (no selected test reaches the mutated function) counts as survived.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEPARATOR = "\u01c1"  # mutmut's class/method separator in mutant names: xǁClassǁmethod


@dataclass(frozen=True)
class Target:
    """Functions to mutate (per file: names, ``Class.method``, or ``None`` for all of it)
    and the test files that pin them."""

    files: dict[str, tuple[str, ...] | None]
    tests: tuple[str, ...]


TARGETS: dict[str, Target] = {
    "screening.verdict": Target(
        {"src/cajad/screening/verdict.py": ("state_of", "can_block", "states", "counts")},
        ("tests/screening/test_rule_boundaries.py",),
    ),
    "screening.scale": Target(
        {"src/cajad/screening/scale.py": ("quantities", "largest", "_number", "_unit")},
        ("tests/screening/test_rule_boundaries.py", "tests/screening/test_inference.py"),
    ),
    "register.fx": Target(
        {
            "src/cajad/register/fx.py": (
                "_Series.at_or_before",
                "_Series.sort",
                "RateBook.convert",
                "RateBook.rate",
                "RateBook._find",
                "RateBook._pair",
                "RateBook._quote",
                "_days_before",
                "_steps",
            )
        },
        ("tests/register/test_fx.py",),
    ),
    "tracker.rule": Target(
        {"src/cajad/tracker/rule.py": None},
        ("tests/tracker/test_rule.py",),
    ),
    "tracker.pace": Target(
        {"src/cajad/tracker/pace.py": ("pace_of", "_verdict", "_percent")},
        ("tests/tracker/test_pace.py",),
    ),
    "corridor.graph": Target(
        {
            "src/cajad/corridor/_graph.py": (
                "CompiledGraph.arc_mask",
                "CompiledGraph.weights",
                "_link_layers",
                "_filter_mode",
                "_border_count",
                "compile_network",
                "_link_table",
                "_add_node_arcs",
                "_node_arcs",
                "_arc_countries",
                "_freeze",
                "_same_shape",
                "patch_network",
            )
        },
        ("tests/corridor/test_graph.py",),
    ),
    "screening.conditions": Target(
        {"src/cajad/screening/conditions.py": None},
        ("tests/screening/test_rule_boundaries.py",),
    ),
    "screening.fitted": Target(
        {
            "src/cajad/screening/fitted.py": (
                "refine",
                "_physical",
                "probabilities",
                "features",
                "words",
                "word_pairs",
                "_band",
            )
        },
        ("tests/screening/test_fitted.py", "tests/screening/test_fitted_boundaries.py"),
    ),
    "screening.engine": Target(
        {"src/cajad/screening/engine.py": ("_categorise", "_band", "_flag")},
        ("tests/screening/test_rule_boundaries.py",),
    ),
    "screening.inference": Target(
        {
            "src/cajad/screening/inference.py": (
                "infer",
                "_answered_works",
                "_says_works",
                "_works",
                "_sectors",
                "_pattern",
            )
        },
        ("tests/screening/test_inference.py",),
    ),
    "tracker.counted": Target(
        {
            "src/cajad/tracker/counted.py": (
                "count_project",
                "_in_rule",
                "_why_not",
                "_counts_with_amount",
                "reported_amount",
                "_converted",
            )
        },
        ("tests/tracker/test_counted_rule.py",),
    ),
    "tracker.quality": Target(
        {
            "src/cajad/tracker/quality.py": (
                "findings",
                "finding_rows",
                "FindingRow.finding",
                "_read",
                "_in_period",
                "_counting",
                "_packages",
                "_chains",
                "_duplicates",
                "_dates",
                "_codes",
                "_outliers",
                "_robust_z",
                "_far",
                "_band",
                "_candidates",
                "_outside",
                "_first_seen",
                "_stale_rates",
                "left_out",
            )
        },
        (
            "tests/tracker/test_quality_kinds.py",
            "tests/tracker/test_left_out.py",
            "tests/tracker/test_quality_columns.py",
            "tests/tracker/test_quality_sql.py",
        ),
    ),
    "tracker.progress": Target(
        {
            "src/cajad/tracker/progress.py": (
                "progress",
                "_total",
                "_breakdown",
                "_split_unknown_aggregates",
                "_reshare",
                "_percent",
                "_pace_days",
                "_from_rollup",
                "_direct",
                "_from_register",
            )
        },
        ("tests/tracker/test_progress_rule.py", "tests/tracker/test_progress_columns.py"),
    ),
}


def _module(path: str) -> str:
    return path.removeprefix("src/").removesuffix(".py").replace("/", ".")


def _prefixes(target: Target) -> list[str]:
    """The mutant-name prefixes of a target: ``module.x_function__mutmut_`` for functions,
    ``module.xǁClassǁmethod__mutmut_`` for methods, ``module.`` for a whole file."""
    names = []
    for path, functions in target.files.items():
        module = _module(path)
        if functions is None:
            names.append(f"{module}.")
            continue
        for name in functions:
            owner, _, method = name.rpartition(".")
            mangled = f"x{SEPARATOR}{owner}{SEPARATOR}{method}" if owner else f"x_{name}"
            names.append(f"{module}.{mangled}__mutmut_")
    return names


def _config(target: Target) -> str:
    lines = "\n".join(f"    {path}" for path in target.files)
    tests = "\n".join(f"    {path}" for path in target.tests)
    return (
        "[mutmut]\nsource_paths = src\n"
        f"only_mutate =\n{lines}\n"
        f"pytest_add_cli_args_test_selection =\n{tests}\n"
        "pytest_add_cli_args =\n    -p\n    no:cacheprovider\n    -q\n    -m\n    not postgres\n"
        "use_git_change_detection = false\n"
        "also_copy =\n    benchmarks\n"
    )


def _scratch(folder: Path, target: Target) -> None:
    for part in ("src", "tests", "benchmarks"):
        shutil.copytree(
            ROOT / part,
            folder / part,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
        )
    # pyproject's [tool.pytest] settings are kept; mutmut reads its own config from setup.cfg.
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    (folder / "setup.cfg").write_text(_config(target), encoding="utf-8")


def _outcome(code: int | None) -> str:
    if code in (1, 3):
        return "killed"
    if code in (24, 36, -24, 152, 255):
        return "timeout"
    if code == 0:
        return "survived"
    if code in (5, 33):
        return "no tests"
    return "not checked" if code is None else f"other ({code})"


def _tally(folder: Path, target: Target) -> tuple[Counter[str], list[str]]:
    """Outcomes from mutmut's per-file metadata (``exit_code_by_key``) and the survivors."""
    wanted = tuple(_prefixes(target))
    outcome: Counter[str] = Counter()
    left = []
    for path in target.files:
        meta = json.loads((folder / "mutants" / f"{path}.meta").read_text(encoding="utf-8"))
        for name, code in sorted(meta["exit_code_by_key"].items()):
            if not name.startswith(wanted):
                continue
            result = _outcome(code)
            outcome[result] += 1
            if result not in ("killed", "timeout"):
                left.append(f"{name} ({result})")
    return outcome, left


def _killed(outcome: Counter[str]) -> int:
    return outcome["killed"] + outcome["timeout"]


def run_target(name: str, jobs: int, keep: Path | None) -> tuple[Counter[str], list[str]]:
    """Run mutmut on one target in a scratch folder; its outcomes and surviving mutants."""
    target = TARGETS[name]
    mutmut = Path(sys.executable).with_name("mutmut")
    with tempfile.TemporaryDirectory(prefix="cajad-mutation-") as scratch:
        folder = keep / name if keep else Path(scratch)
        if keep:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        _scratch(folder, target)
        patterns = [p + "*" for p in _prefixes(target)]
        command = [str(mutmut), "run", "--max-children", str(jobs), *patterns]
        env = {**os.environ, "PYTHONPATH": ""}  # the scratch copy's mutants/src, not the tree's
        done = subprocess.run(
            command, cwd=folder, capture_output=True, text=True, check=False, env=env
        )
        if done.returncode != 0:
            print(done.stdout[-4000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
            raise SystemExit(f"mutmut failed on {name} (exit {done.returncode})")
        return _tally(folder, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", choices=sorted(TARGETS), help="one target")
    parser.add_argument("--min-score", type=float, default=90.0, help="percent (default 90)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="mutmut children")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it")
    parser.add_argument("--list", action="store_true", help="list the targets and their tests")
    args = parser.parse_args()
    if args.list:
        for name, target in TARGETS.items():
            print(f"{name}: {', '.join(target.files)} <- {', '.join(target.tests)}")
        return 0
    total: Counter[str] = Counter()
    survivors: list[str] = []
    for name in args.module or list(TARGETS):
        started = time.monotonic()
        outcome, left = run_target(name, args.jobs, args.keep)
        n = sum(outcome.values())
        score = 100 * _killed(outcome) / n if n else 0.0
        print(
            f"{name:22} killed {_killed(outcome):4}/{n:<4} score {score:5.1f} %"
            f"  ({time.monotonic() - started:.0f} s; "
            + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items()))
            + ")",
            flush=True,
        )
        total += outcome
        survivors += left
    n = sum(total.values())
    score = 100 * _killed(total) / n if n else 0.0
    if survivors:
        print("surviving:\n  " + "\n  ".join(survivors))
    print(f"total killed {_killed(total)}/{n}: mutation score {score:.1f} %")
    return 0 if score >= args.min_score else 1


if __name__ == "__main__":
    raise SystemExit(main())
