"""How far can any text model get on the screening benchmark? The ceiling behind issue 12's 90 %.

Run: ``PYTHONPATH=src python benchmarks/screening_ceiling.py [--pool POOL.csv]``.

1. Grouped, stratified 5-fold cross-validation on the development data (the parts
   ``screening_accuracy.DEVELOPMENT``; the folds of ``screening_fitted.py --cv``) of plain
   scikit-learn models a practitioner would try, on the text a register holds (title, free-text
   sector, description): TF-IDF of words and word pairs into logistic regression at several
   strengths, character n-grams, a linear SVM, and the same with cajad's rule and inference
   features added.
2. ``--pool``: a CSV of every World Bank and IFC project of every region that no benchmark part
   holds (``screening_heldout3.py --write-pool``, about 15,000 rows, not bundled): a model
   trained on all of them, plain and class-balanced, scored on the development data. Shows
   whether more labelled projects would lift the ceiling.

Prints agreement and published-A-in-C for each. Reads no held-out part.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from cajad.screening import load_catalogue
from screening_accuracy import DEVELOPMENT, read_rows
from screening_fitted import _pct, cases
from screening_split import group_key

Row = dict[str, str]


def _text(row: Row) -> str:
    return f"{row['title']} {row['sector']} {row['description']}"


def _words(c: float, *, balanced: bool = False) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    weight = "balanced" if balanced else None
    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        LogisticRegression(C=c, max_iter=5000, class_weight=weight),
    )


def _chars() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        LogisticRegression(C=10, max_iter=5000),
    )


def _svm() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LinearSVC(C=0.5))


def cross_validated(
    rows: Sequence[Row], inputs: Sequence[Any], make: Callable[[], Any]
) -> list[str]:
    """Out-of-fold predictions of ``make()`` on ``inputs``, grouped and stratified folds."""
    from sklearn.model_selection import StratifiedGroupKFold

    truth = [r["category"] for r in rows]
    splitter = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=1201)
    guess = [""] * len(rows)
    for fit_idx, test_idx in splitter.split(rows, truth, [group_key(r) for r in rows]):
        model = make().fit([inputs[i] for i in fit_idx], [truth[i] for i in fit_idx])
        for i, g in zip(test_idx, model.predict([inputs[i] for i in test_idx]), strict=True):
            guess[i] = str(g)
    return guess


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, help="CSV from screening_heldout3.py --write-pool")
    args = parser.parse_args(argv)
    rows = [r for r in read_rows() if r["part"] in DEVELOPMENT]
    truth = [r["category"] for r in rows]
    texts = [_text(r) for r in rows]
    print(f"development data: {len(rows)} rows; grouped 5-fold CV")
    for c in (3.0, 10.0, 30.0):
        guess = cross_validated(rows, texts, lambda c=c: _words(c))
        print(f"TF-IDF words+pairs, logistic C={c}: {_pct(guess, truth)}")
    print(
        f"TF-IDF character 2-5-grams, logistic: {_pct(cross_validated(rows, texts, _chars), truth)}"
    )
    print(f"TF-IDF words+pairs, linear SVM: {_pct(cross_validated(rows, texts, _svm), truth)}")
    from screening_fitted import pipeline

    found = cases(load_catalogue(), rows)
    both = [(d.found, d.text) for d in found]
    for c in (3.0, 10.0):
        guess = cross_validated(rows, both, lambda c=c: pipeline(c, 2))
        print(f"cajad's rule/inference features + TF-IDF words+pairs, C={c}: {_pct(guess, truth)}")
    if args.pool:
        with args.pool.open(encoding="utf-8", newline="") as fh:
            pool = list(csv.DictReader(fh))
        for balanced in (False, True):
            model = _words(10.0, balanced=balanced).fit(
                [_text(r) for r in pool], [r["category"] for r in pool]
            )
            guess = [str(g) for g in model.predict(texts)]
            label = "class-balanced" if balanced else "plain"
            print(f"trained on the pool ({len(pool)} rows), {label}: {_pct(guess, truth)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
