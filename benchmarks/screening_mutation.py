"""Mutation testing of the screening rules (issue 12 item 6): how many mutants of the condition
evaluator and of the category decision the boundary tests kill.

Runs mutmut on ``src/cajad/screening/conditions.py`` (every function) and on the category
decision in ``src/cajad/screening/engine.py`` (``_categorise``, ``_band``, ``_flag``), against
``tests/screening/test_rule_boundaries.py`` only, in a scratch copy of the repository (the
working tree gets no ``mutants/`` folder), then prints killed/total and the score. Not part of
``make test`` (minutes, not seconds)::

    .venv/bin/python benchmarks/screening_mutation.py [--min-score 90] [--keep DIR]

Exits 1 when the score is under ``--min-score``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = "tests/screening/test_rule_boundaries.py"
MUTATED = {
    "src/cajad/screening/conditions.py": None,  # every function
    "src/cajad/screening/engine.py": ("_categorise", "_band", "_flag"),
}
CONFIG = f"""[mutmut]
source_paths = src
only_mutate =
{chr(10).join("    " + path for path in MUTATED)}
also_copy = tests/
pytest_add_cli_args_test_selection = {TESTS}
pytest_add_cli_args = -p no:cacheprovider -q
use_git_change_detection = false
"""


def _module(path: str) -> str:
    return path.removeprefix("src/").removesuffix(".py").replace("/", ".")


def _patterns() -> list[str]:
    """mutmut's mutant-name globs: ``module.x_function__mutmut_N`` for the chosen functions."""
    names = []
    for path, functions in MUTATED.items():
        module = _module(path)
        if functions is None:
            names.append(f"{module}.*")
        else:
            names += [f"{module}.x_{f}__mutmut_*" for f in functions]
    return names


def _scratch(target: Path) -> None:
    for part in ("src", "tests"):
        shutil.copytree(
            ROOT / part,
            target / part,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
        )
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    (target / "setup.cfg").write_text(CONFIG, encoding="utf-8")


def _tally(target: Path) -> Counter[str]:
    """Mutant outcomes from mutmut's per-file metadata (``exit_code_by_key``)."""
    wanted = [p.replace(".*", ".").replace("__mutmut_*", "__mutmut_") for p in _patterns()]
    outcome: Counter[str] = Counter()
    for path in MUTATED:
        meta = json.loads((target / "mutants" / f"{path}.meta").read_text(encoding="utf-8"))
        for name, code in meta["exit_code_by_key"].items():
            if not any(name.startswith(w) for w in wanted):
                continue
            outcome[
                "killed"
                if code in (1, 3)
                else "survived"
                if code == 0
                else "timeout"
                if code in (24, 36, -24, 152, 255)
                else "not checked"
                if code is None
                else f"other ({code})"
            ] += 1
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-score", type=float, default=90.0, help="percent (default 90)")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    mutmut = Path(sys.executable).with_name("mutmut")
    with tempfile.TemporaryDirectory(prefix="cajad-mutation-") as scratch:
        target = args.keep or Path(scratch)
        if args.keep:
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
        _scratch(target)
        command = [str(mutmut), "run", "--max-children", str(args.jobs), *_patterns()]
        done = subprocess.run(command, cwd=target, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stdout[-4000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
            return 2
        outcome = _tally(target)
        survivors = subprocess.run(
            [str(mutmut), "results"], cwd=target, capture_output=True, text=True, check=False
        ).stdout
    total = sum(outcome.values())
    killed = outcome["killed"] + outcome["timeout"]  # a mutant that hangs the tests is caught
    score = 100 * killed / total if total else 0.0
    for path, functions in MUTATED.items():
        print(f"mutated: {path} ({', '.join(functions) if functions else 'every function'})")
    print(f"tests: {TESTS}")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items())))
    wanted = tuple(p.replace("*", "") for p in _patterns())
    left = [line.strip() for line in survivors.splitlines() if line.strip().startswith(wanted)]
    if left:
        print("surviving:\n  " + "\n  ".join(left))
    print(f"killed {killed}/{total}: mutation score {score:.1f} %")
    return 0 if score >= args.min_score else 1


if __name__ == "__main__":
    raise SystemExit(main())
