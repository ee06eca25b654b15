# ruff: noqa: N803, N806 - ``X`` is scikit-learn's name for a design matrix
"""Data-driven models of prospectivity and the presence-background samples they learn from.

Every model is a scikit-learn pipeline ending in a classifier with ``predict_proba``. Class codes
(lithology, say) are encoded inside the pipeline by their weight of evidence, learnt from the
training fold only, so no deposit of a test fold leaks into the encoding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, cast

import dask.array as da
import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted, validate_data

from cajad.minerals.errors import DepositsError, EvidenceError
from cajad.minerals.fuzzy import FuzzyOverlay, Operator
from cajad.minerals.stack import EvidenceStack
from cajad.minerals.wofe import WeightsOfEvidence

__all__ = [
    "MODEL_NAMES",
    "ClassEncoder",
    "LayerBasis",
    "QuantileClasses",
    "Sample",
    "make_model",
    "predict_map",
    "sample_presence_background",
]

#: Pseudo-deposits of the ``wofe`` model's weights (see :class:`WeightsOfEvidence`).
WOFE_PRIOR_DEPOSITS: Final = 5.0
ModelName = Literal["wofe", "logistic", "rf", "gbm", "fuzzy"]
MODEL_NAMES: Final = ("wofe", "logistic", "rf", "gbm", "fuzzy")


@dataclass(frozen=True)
class Sample:
    """A presence-background training sample.

    ``X`` (n, n_layers) evidence values, ``y`` (n,) 1 for a deposit and 0 for background,
    ``rows``/``cols`` (n,) grid cells. ``background_per_cell`` is the number of background rows per
    valid cell (so ``1 / background_per_cell`` cells of area stand behind each background row).
    """

    X: NDArray[np.float64]
    y: NDArray[np.int64]
    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    background_per_cell: float


def sample_presence_background(
    stack: EvidenceStack,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    *,
    n_background: int = 20_000,
    random_state: int | None = 0,
    partial: bool = True,
) -> Sample:
    """Deposit cells (one row per point) plus a uniform random sample of cells with evidence.

    The background may hold deposit cells: it samples the study area, not "non-deposits"
    (presence-background, not presence-absence). Deposits on cells without evidence are dropped.
    With ``partial`` (the default) a cell missing some layers but not all is kept, its gaps NaN
    for the model to handle as missing data: dropping it would drop every deposit under a survey
    gap (on a world with the geochemistry missing over a fifth of the map, 13 % of the training
    deposits); without, a cell needs every layer.

    Parameters
    ----------
    stack : EvidenceStack
    rows, cols : ndarray, shape (n_points,)
        Grid cells of the deposits.
    n_background : int
        Background rows (fewer if the grid has fewer valid cells).
    random_state : int or None
    partial : bool
        Keep cells that have some layers but not all.
    """
    rng = np.random.default_rng(random_state)
    X_dep = stack.values_at(rows, cols)
    keep = _usable(X_dep, partial)
    if keep.sum() < 2:
        raise DepositsError(f"fewer than 2 deposits fall on cells with evidence; got {keep.sum()}")
    pick, X_bg, share = draw_valid_cells(stack, n_background, rng, partial=partial)
    bg_rows, bg_cols = np.divmod(pick, stack.grid.width)
    X = np.vstack([X_dep[keep], X_bg])
    y = np.r_[np.ones(int(keep.sum()), dtype=np.int64), np.zeros(pick.size, dtype=np.int64)]
    n_valid = share * stack.grid.width * stack.grid.height
    return Sample(X, y, np.r_[rows[keep], bg_rows], np.r_[cols[keep], bg_cols], pick.size / n_valid)


def _usable(X: NDArray[np.float64], partial: bool) -> NDArray[np.bool_]:
    """Rows with every layer, or with ``partial`` with any layer."""
    finite = np.isfinite(X)
    return np.asarray(finite.any(axis=1) if partial else finite.all(axis=1))


def draw_valid_cells(
    stack: EvidenceStack, n: int, rng: np.random.Generator, *, partial: bool = False
) -> tuple[NDArray[np.int64], NDArray[np.float64], float]:
    """Uniform valid cells (with ``partial``, cells with any layer), drawn by rejection so no
    grid-sized mask is ever built (a 100 M-cell grid would need 800 MB of indices). Returns flat
    indices, their values and the valid share."""
    n_cells = stack.grid.width * stack.grid.height
    picked: list[NDArray[np.int64]] = []
    values: list[NDArray[np.float64]] = []
    drawn = accepted = valid = 0
    seen: set[int] = set()
    while accepted < n and len(seen) < n_cells:
        want = min(n_cells - len(seen), 2 * (n - accepted) + 64)
        cand = (
            rng.choice(n_cells, size=want, replace=False)
            if n_cells <= 4 * want
            else (np.unique(rng.integers(0, n_cells, size=want)))
        )
        cand = np.array([c for c in cand.tolist() if c not in seen], dtype=np.int64)
        seen.update(cand.tolist())
        r, c = np.divmod(cand, stack.grid.width)
        v = stack.values_at(r, c)
        ok = _usable(v, partial)
        drawn += cand.size
        valid += int(ok.sum())
        take = np.flatnonzero(ok)[: n - accepted]
        picked.append(cand[take])
        values.append(v[take])
        accepted += take.size
    if accepted == 0:
        raise EvidenceError("no cell has data in every evidence layer")
    return np.concatenate(picked), np.vstack(values), valid / max(drawn, 1)


class ClassEncoder(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Replace the class codes of some columns by their W+ learnt from the training labels.

    Parameters
    ----------
    columns : sequence of int
        Indices of the categorical columns; the others pass through.
    """

    def __init__(self, columns: Sequence[int] = ()) -> None:
        self.columns = columns

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.target_tags.required = True
        return tags

    def fit(self, X: ArrayLike, y: ArrayLike) -> ClassEncoder:
        """Learn a weights-of-evidence table per categorical column; the largest label of ``y``
        marks deposits."""
        X_, y_ = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        cols = list(self.columns)
        positive = (y_ == np.max(y_)).astype(np.int64)
        self.wofe_ = WeightsOfEvidence().fit(X_[:, cols], positive) if cols else None
        return self

    def transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """Columns of classes replaced by their weights (0 for unseen classes)."""
        check_is_fitted(self)
        X_ = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        out = X_.copy()
        if self.wofe_ is not None:
            for k, j in enumerate(self.columns):
                out[:, j] = _layer_weight(self.wofe_, k, X_[:, j])
        return np.asarray(out, dtype=np.float64)


def _layer_weight(
    model: WeightsOfEvidence, k: int, values: NDArray[np.float64]
) -> NDArray[np.float64]:
    table = model.tables_[k]
    order = np.argsort(table["class"].to_numpy())
    classes = table["class"].to_numpy()[order]
    weights = table["w_plus"].to_numpy()[order]
    pos = np.clip(np.searchsorted(classes, values), 0, classes.size - 1)
    return np.where(classes[pos] == values, weights[pos], 0.0)


class LayerBasis(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Expand each layer into a basis a linear model can shape: a quadratic B-spline on quantile
    knots for a measured layer (so a distance decay or a threshold is learnt, not forced to a
    straight line), one indicator per class for a class layer (so every class has its own
    weight). Missing values: the training median of a measured layer; no indicator set for a
    class layer. ``groups_`` gives the layer of each output column.

    Parameters
    ----------
    categorical : sequence of int
        Indices of the class-code columns.
    n_knots : int
        Knots of each spline (``n_knots + 1`` columns per measured layer).
    """

    def __init__(self, categorical: Sequence[int] = (), n_knots: int = 5) -> None:
        self.categorical = categorical
        self.n_knots = n_knots

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def fit(self, X: ArrayLike, y: ArrayLike | None = None) -> LayerBasis:
        """Learn the medians, knots and classes of every column."""
        from sklearn.preprocessing import SplineTransformer

        X_ = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64)
        self.parts_: list[Any] = []
        groups: list[int] = []
        for j in range(X_.shape[1]):
            col = X_[:, j]
            finite = col[np.isfinite(col)]
            if j in self.categorical:
                part: Any = np.unique(finite)
                width = part.size
            else:
                median = float(np.median(finite)) if finite.size else 0.0
                knots = min(self.n_knots, max(np.unique(finite).size, 2))
                spline = SplineTransformer(
                    n_knots=knots, degree=2, knots="quantile", extrapolation="constant"
                ).fit(np.where(np.isfinite(col), col, median)[:, None])
                part = (median, spline)
                width = spline.n_features_out_
            self.parts_.append(part)
            groups += [j] * width
        self.groups_ = np.asarray(groups, dtype=np.int64)
        return self

    def transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """The basis columns, shape (n_samples, len(groups_))."""
        check_is_fitted(self)
        X_ = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        out = []
        for j, part in enumerate(self.parts_):
            col = X_[:, j]
            if isinstance(part, np.ndarray):
                out.append((col[:, None] == part[None, :]).astype(np.float64))
            else:
                median, spline = part
                out.append(spline.transform(np.where(np.isfinite(col), col, median)[:, None]))
        return np.asarray(np.hstack(out), dtype=np.float64)


class QuantileClasses(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Cut measured columns into ``n_classes`` quantile classes (1..n) for weights of evidence;
    columns listed in ``categorical`` keep their codes."""

    def __init__(self, n_classes: int = 10, categorical: Sequence[int] = ()) -> None:
        self.n_classes = n_classes
        self.categorical = categorical

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def fit(self, X: ArrayLike, y: ArrayLike | None = None) -> QuantileClasses:
        """Learn the class edges of each measured column."""
        X_ = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64)
        q = np.linspace(0, 1, self.n_classes + 1)[1:-1]
        self.edges_ = [
            np.unique(np.nanquantile(X_[:, j], q)) if np.isfinite(X_[:, j]).any() else np.array([])
            for j in range(X_.shape[1])
        ]
        return self

    def transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """Class of each value, NaN kept."""
        check_is_fitted(self)
        X_ = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        out = X_.copy()
        for j, edges in enumerate(self.edges_):
            if j in self.categorical:
                continue
            cls = np.searchsorted(edges, X_[:, j], side="right").astype(np.float64) + 1
            out[:, j] = np.where(np.isnan(X_[:, j]), np.nan, cls)
        return np.asarray(out, dtype=np.float64)


def make_model(
    name: ModelName,
    *,
    categorical: Sequence[int] = (),
    imbalance: float = 1.0,
    random_state: int | None = 0,
    n_jobs: int = 1,
    fuzzy: Operator | Mapping[str, Any] | None = None,
    layers: Sequence[str] | None = None,
) -> Pipeline:
    """A prospectivity model as a pipeline.

    Parameters
    ----------
    name : {"wofe", "logistic", "rf", "gbm", "fuzzy"}
        Weights of evidence on quantile classes (weights shrunk by a few pseudo-deposits), L2
        logistic regression on a spline of each measured layer and an indicator of each class
        (:class:`LayerBasis`), random forest, LightGBM, or the knowledge-driven fuzzy overlay
        (:class:`~cajad.minerals.fuzzy.FuzzyOverlay`).
    categorical : sequence of int
        Columns holding class codes.
    imbalance : float
        Background rows per deposit row. Handled explicitly: balanced class weights (rf) or
        ``scale_pos_weight`` (gbm); weights of evidence needs none (it weighs areas), nor does
        the logistic model's ranking (the imbalance only moves its intercept).
    random_state : int or None
    n_jobs : int
        Threads for rf and gbm.
    fuzzy : Operator or dict, optional
        The inference network; required by ``fuzzy`` (a template gives one).
    layers : sequence of str, optional
        Column names, which the fuzzy network refers to.
    """
    cats = list(categorical)
    if name == "fuzzy":
        if fuzzy is None:
            raise EvidenceError("the fuzzy model needs a network: give a template or `fuzzy`")
        return make_pipeline(FuzzyOverlay(fuzzy, layers))
    if name == "wofe":
        return make_pipeline(
            QuantileClasses(10, cats),
            WeightsOfEvidence(
                sampling="presence-background",
                studentized_contrast_threshold=0.0,
                prior_deposits=WOFE_PRIOR_DEPOSITS,
            ),
        )
    encode = ClassEncoder(cats)
    if name == "logistic":
        # Unweighted: balanced weights tilt a misspecified fit towards the deposits' rows and cost
        # held-out rank (see cajad.minerals.worlds); the prior only shifts the intercept.
        return make_pipeline(
            LayerBasis(cats),
            StandardScaler(),
            LogisticRegression(C=0.1, max_iter=5000),
        )
    if name == "rf":
        return make_pipeline(
            encode,
            SimpleImputer(strategy="median"),
            RandomForestClassifier(
                n_estimators=200,
                min_samples_leaf=10,
                max_samples=0.5,
                max_features="sqrt",
                class_weight="balanced_subsample",
                random_state=random_state,
                n_jobs=n_jobs,
            ),
        )
    if name == "gbm":
        from lightgbm import LGBMClassifier

        return make_pipeline(
            encode,
            LGBMClassifier(
                n_estimators=300,
                learning_rate=0.03,
                num_leaves=15,
                min_child_samples=10,
                subsample=0.8,
                subsample_freq=1,
                colsample_bytree=0.8,
                reg_lambda=1.0,
                scale_pos_weight=float(imbalance),
                random_state=random_state,
                n_jobs=n_jobs,
                verbose=-1,
            ),
        )
    raise EvidenceError(f"`model` must be one of {', '.join(MODEL_NAMES)}; got {name!r}")


def allows_missing(model: Any) -> bool:
    """Whether a (pipeline of) estimator(s) takes NaN as missing data."""
    from sklearn.utils import get_tags

    first = model.steps[0][1] if isinstance(model, Pipeline) else model
    try:
        return bool(get_tags(first).input_tags.allow_nan)
    except (AttributeError, TypeError, ValueError):  # not a scikit-learn estimator
        return False


def predict_map(model: Any, stack: EvidenceStack) -> da.Array:
    """Probability of the deposit class for every cell, chunk by chunk; NaN without evidence.

    A model that takes NaN as missing data (:func:`allows_missing`) also scores cells that miss
    some layers; others only cells with every layer.

    Returns
    -------
    dask.array.Array, shape ``stack.grid.shape``, float32
    """
    arr = stack.data.data
    if not isinstance(arr, da.Array):
        arr = da.asarray(arr)  # type: ignore[no-untyped-call]
    arr = arr.rechunk({0: -1})
    partial = allows_missing(model)

    def block(b: NDArray[np.float32]) -> NDArray[np.float32]:
        n_layers, h, w = b.shape
        X = b.reshape(n_layers, -1).T.astype(np.float64)
        ok = _usable(X, partial)
        out = np.full(h * w, np.nan, dtype=np.float32)
        if ok.any():
            out[ok] = model.predict_proba(X[ok])[:, 1]
        return out.reshape(h, w)

    return cast(da.Array, arr.map_blocks(block, drop_axis=0, dtype=np.float32))
