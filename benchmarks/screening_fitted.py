"""Train the fitted category estimate of a catalogue on the benchmark's development part (issue 12).

Run: ``PYTHONPATH=src python benchmarks/screening_fitted.py [--catalogue VERSION] [--cv]
[--check]``.

1. Screens every development row of ``cajad/data/screening/benchmark`` (imported as a deals
   CSV, as ``screening_accuracy.py`` does) and takes the binary features of
   :func:`cajad.screening.fitted.features`. Held-out rows are never read past their split.
2. Fits a multinomial logistic regression (scikit-learn, lbfgs, deterministic) on the rows the
   category rules leave unsure (no rule matched) or, with ``TRAIN = "all"``, on every row.
3. Writes ``fitted.yaml`` into the catalogue folder: the classes, intercepts and the weights of
   every feature with a non-zero weight, rounded to 4 decimals. ``--check`` writes nothing and
   fails when retraining would change the bundled file (``tests/screening`` runs it).
4. ``--cv``: 5-fold cross-validation on the development part, of the rules alone and of the
   rules with the fitted stage retrained in each fold; the figure that chose the settings below.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).parent))

from cajad.data import data_path
from cajad.screening import load_catalogue
from cajad.screening.catalogue import Catalogue
from cajad.screening.engine import FITTED_RULE, screen
from cajad.screening.fitted import features
from cajad.screening.verdict import Verdict
from screening_accuracy import Row, read_rows, subjects

C = 0.3  # inverse regularisation strength, chosen by --cv among 0.3, 1, 3
TRAIN = "unsure"  # "all" development rows, or only the rules' "unsure" ones; chosen by --cv
HEADER = """\
# Fitted category estimate for projects no category rule decides (issue 12). Written by
# benchmarks/screening_fitted.py from the development part of the screening benchmark only
# (src/cajad/data/screening/benchmark); do not edit by hand. A multinomial logistic
# regression over binary features (cajad.screening.fitted.features); the engine uses it only
# where the rules fall to the default, labels it "fitted estimate, pending a reviewer", and
# never lets it give C when a category-A sector is named.
"""


Data = list[tuple[Row, frozenset[str], bool]]


def table(catalogue: Catalogue, rows: Sequence[Row]) -> tuple[Data, list[Verdict]]:
    """Each row with its features and whether the rules left it unsure; and its verdict."""
    found, _ = subjects(rows)
    data: Data = []
    verdicts = []
    for row in rows:
        verdict = screen(found[row["id"]], catalogue)
        assert verdict.inferred is not None
        unsure = verdict.category.rule in (FITTED_RULE, catalogue.categorisation.default.id)
        data.append((row, features(found[row["id"]], verdict.inferred), unsure))
        verdicts.append(verdict)
    return data, verdicts


def fit(data: Data, *, c: float, train: str) -> dict[str, Any]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    used = [d for d in data if train == "all" or d[2]]
    vec = DictVectorizer(sort=True)
    x = vec.fit_transform([dict.fromkeys(sorted(f), 1) for _, f, _ in used])
    y = [r["category"] for r, _, _ in used]
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    weights = {
        name: [round(float(model.coef_[k][j]), 4) for k in range(len(model.classes_))]
        for j, name in enumerate(vec.get_feature_names_out())
    }
    return {
        "trained_on": f"the benchmark's development part, {len(used)} rows ({train})",
        "classes": [str(c) for c in model.classes_],
        "intercept": [round(float(v), 4) for v in model.intercept_],
        "weights": {k: v for k, v in sorted(weights.items()) if any(v)},
    }


def predict(model: dict[str, Any], found: frozenset[str], sensitive: bool) -> str:
    from cajad.screening.fitted import FittedModel, estimate

    return estimate(FittedModel(**model), found, sensitive=sensitive).category


def cross_validate(catalogue: Catalogue, rows: Sequence[Row]) -> None:
    from sklearn.model_selection import StratifiedKFold

    data, verdicts = table(catalogue, rows)
    truth = [r["category"] for r in rows]
    rules = [
        catalogue.categorisation.default.category if u else v.category.automatic
        for (_, _, u), v in zip(data, verdicts, strict=True)
    ]
    print(f"rules alone: {_pct(rules, truth)}; unsure rows: {sum(d[2] for d in data)}")
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=1201)
    for train in ("all", "unsure"):
        for c in (0.3, 1.0, 3.0):
            guess = list(rules)
            for fit_idx, test_idx in folds.split(rows, truth):
                model = fit([data[i] for i in fit_idx], c=c, train=train)
                for i in test_idx:
                    _, found, unsure = data[i]
                    if unsure:
                        inferred = verdicts[i].inferred
                        assert inferred is not None
                        sensitive = any(f.kind == "sensitive" for f in inferred.signals)
                        guess[i] = predict(model, found, sensitive)
            a_in_c = sum(t == "A" and g == "C" for t, g in zip(truth, guess, strict=True))
            print(f"rules + fitted (train {train}, C={c}): {_pct(guess, truth)}; A in C {a_in_c}")


def _pct(guess: Sequence[str], truth: Sequence[str]) -> str:
    ok = sum(g == t for g, t in zip(guess, truth, strict=True))
    return f"{100 * ok / len(truth):.1f}% ({ok}/{len(truth)})"


def render(model: dict[str, Any]) -> str:
    body = yaml.safe_dump({"fitted": model}, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", default="2026.2")
    parser.add_argument("--cv", action="store_true", help="cross-validate; write nothing")
    parser.add_argument("--check", action="store_true", help="fail if the bundled file differs")
    args = parser.parse_args(argv)
    catalogue = load_catalogue(args.catalogue)
    rows = [r for r in read_rows() if r["part"] == "development"]
    if args.cv:
        cross_validate(catalogue, rows)
        return 0
    data, _ = table(catalogue, rows)
    text = render(fit(data, c=C, train=TRAIN))
    path = data_path("screening") / catalogue.version / "fitted.yaml"
    if args.check:
        same = path.read_text(encoding="utf-8") == text
        print("bundled fitted.yaml is reproduced" if same else "bundled fitted.yaml differs")
        return 0 if same else 1
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({len(text)} characters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
