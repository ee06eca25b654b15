"""Synthetic worlds whose generating rule is known, to measure how much of it a model recovers.

A world is a grid of evidence layers as a geologist would hand them over (distances to linear
features, a map of units, a magnetic field and layers derived from it, geochemistry, layers that
mean nothing, nodata), a true log-odds of a deposit in every cell, and deposits drawn from it. A
square block of the map is held out: models train outside it (less a buffer), and their ranking of
the block's deposits is compared with the truth's (the *oracle*), which is the best any model can
do there. :func:`recovered_share` is a model's AUC gain over 0.5 as a share of the oracle's.

Recipes (see :data:`RECIPES`):

``faults``
    Distance decay to faults, a favourable lithology (and a weakly favourable one), the magnetic
    gradient magnitude, a geochemical anomaly, an interaction (anomaly near faults), two
    irrelevant layers.
``thresholds``
    Tilt derivative above 0, a geochemical threshold, distance decay to lithological contacts, a
    regional trend (depth to basement), a layer correlated with the anomaly but irrelevant.
``nodata``
    ``faults`` with the geochemistry missing over a fifth of the map and the lithology over a
    strip, as surveys leave it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage
from scipy.spatial import cKDTree

from cajad.minerals.derive import distance_to_features, gradient_magnitude, tilt_derivative
from cajad.minerals.grid import Grid
from cajad.minerals.metrics import roc_auc_presence_background
from cajad.minerals.models import Sample
from cajad.minerals.stack import EvidenceStack

__all__ = [
    "PLAIN_KINDS",
    "RECIPES",
    "World",
    "cajad_auc",
    "make_world",
    "naive_bayes_scores",
    "plain_auc",
    "recovered_share",
]

Layers = dict[str, NDArray[np.float64]]
RESOLUTION: Final = 100.0
#: The plain scikit-learn baselines of :func:`plain_auc`.
PLAIN_KINDS: Final = ("logistic", "rf", "categorical_nb", "gaussian_nb")


@dataclass(frozen=True)
class World:
    """Evidence, truth and deposits of one synthetic world.

    ``layers`` (name → (size, size) float, NaN = nodata) in the order models see them;
    ``categorical`` the class-code layers; ``logit`` the true log-odds of a deposit per cell;
    ``rows``/``cols`` the deposits; ``heldout`` the held-out block and ``train`` the cells models
    may learn from (outside the block and its buffer). ``effects`` gives the sign of each layer's
    effect in the rule (+1 favourable when high, -1 when low, 0 irrelevant; a categorical layer's
    entry is its favourable class code).
    """

    name: str
    grid: Grid
    layers: Layers
    categorical: tuple[str, ...]
    logit: NDArray[np.float64]
    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    heldout: NDArray[np.bool_]
    train: NDArray[np.bool_]
    effects: dict[str, int] = field(default_factory=dict)

    def stack(self, *, train_only: bool = False, chunks: int = 256) -> EvidenceStack:
        """The evidence as a stack; with ``train_only`` every cell outside :attr:`train` is NaN."""
        layers = {
            k: np.where(self.train, v, np.nan) if train_only else v for k, v in self.layers.items()
        }
        return EvidenceStack.from_arrays(
            layers, self.grid, categorical=self.categorical, chunks=chunks
        )

    def train_deposits(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Deposits in the training area."""
        keep = self.train[self.rows, self.cols]
        return self.rows[keep], self.cols[keep]

    def heldout_auc(self, score: NDArray[np.floating]) -> float:
        """ROC AUC of a map on the held-out block: its deposits against its other cells (a NaN
        score ranks below every other: the map does not point there)."""
        s = np.asarray(score, dtype=np.float64)
        finite = np.isfinite(s)
        floor = float(s[finite].min()) - 1.0 if finite.any() else 0.0
        keep = self.heldout[self.rows, self.cols]
        return roc_auc_presence_background(
            np.where(finite, s, floor), self.rows[keep], self.cols[keep], mask=self.heldout
        )

    def oracle_auc(self) -> float:
        """The held-out AUC of the true probability: what a perfect model would reach."""
        return self.heldout_auc(self.logit)

    def plain_sample(self, *, n_background: int = 20_000, random_state: int = 0) -> Sample:
        """Training deposits plus uniform random training cells, NaN kept (what a plain
        scikit-learn user would draw)."""
        rng = np.random.default_rng(random_state)
        cells = np.flatnonzero(self.train.ravel())
        pick = rng.choice(cells, size=min(n_background, cells.size), replace=False)
        br, bc = np.divmod(pick, self.grid.width)
        dr, dc = self.train_deposits()
        rows, cols = np.r_[dr, br], np.r_[dc, bc]
        X = np.column_stack([v[rows, cols] for v in self.layers.values()])  # noqa: N806
        y = np.r_[np.ones(dr.size, dtype=np.int64), np.zeros(pick.size, dtype=np.int64)]
        return Sample(X, y, rows, cols, pick.size / cells.size)


def recovered_share(auc: float, oracle: float) -> float:
    """A model's AUC gain over 0.5 as a share of the oracle's (1 = all that can be recovered)."""
    return (auc - 0.5) / (oracle - 0.5)


def _smooth(rng: np.random.Generator, size: int, sigma: float) -> NDArray[np.float64]:
    f = ndimage.gaussian_filter(rng.standard_normal((size, size)), sigma=sigma, mode="wrap")
    return np.asarray((f - f.mean()) / f.std())


def _z(a: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray((a - np.nanmean(a)) / np.nanstd(a))


def _faults(rng: np.random.Generator, size: int, n: int) -> NDArray[np.bool_]:
    """``n`` straight faults of random position, strike and length."""
    mask = np.zeros((size, size), dtype=bool)
    for _ in range(n):
        r0, c0 = rng.uniform(0, size, 2)
        angle, length = rng.uniform(0, np.pi), rng.uniform(0.3, 0.8) * size
        t = np.linspace(-length / 2, length / 2, int(4 * length))
        r = np.clip(np.round(r0 + t * np.sin(angle)), 0, size - 1).astype(int)
        c = np.clip(np.round(c0 + t * np.cos(angle)), 0, size - 1).astype(int)
        mask[r, c] = True
    return mask


def _units(rng: np.random.Generator, size: int, n_classes: int) -> NDArray[np.float64]:
    """Lithological units: distorted Voronoi cells, each of one of ``n_classes`` codes 1..n."""
    n_seeds = max(n_classes * 4, size // 6)
    seeds = rng.uniform(0, size, (n_seeds, 2))
    codes = np.r_[np.arange(n_classes), rng.integers(0, n_classes, n_seeds - n_classes)] + 1
    r, c = np.mgrid[0:size, 0:size].astype(np.float64)
    warp = size / 15
    pts = np.column_stack(
        [
            (r + warp * _smooth(rng, size, size / 12)).ravel(),
            (c + warp * _smooth(rng, size, size / 12)).ravel(),
        ]
    )
    _, nearest = cKDTree(seeds).query(pts)
    return np.asarray(codes[nearest].reshape(size, size), dtype=np.float64)


def _contacts(units: NDArray[np.float64]) -> NDArray[np.bool_]:
    edge = np.zeros(units.shape, dtype=bool)
    edge[:-1] |= units[:-1] != units[1:]
    edge[:, :-1] |= units[:, :-1] != units[:, 1:]
    return edge


def _recipe_faults(rng: np.random.Generator, size: int) -> tuple[Layers, NDArray[np.float64]]:
    s = size / 25
    dist = distance_to_features(_faults(rng, size, 6), resolution=RESOLUTION)
    units = _units(rng, size, 6)
    magnetic = 100 * _smooth(rng, size, s)
    gradient = gradient_magnitude(magnetic, resolution=RESOLUTION)
    geochem = _smooth(rng, size, s / 2)
    near = np.exp(-dist / (4 * RESOLUTION))
    logit = (
        2.0 * near
        + 1.5 * (units == 3)
        + 0.6 * (units == 5)
        + 0.8 * _z(gradient)
        + 0.9 * geochem
        + 1.5 * near * (geochem > 1.0)
    )
    layers = {
        "dist_fault": dist,
        "lithology": units,
        "magnetic": magnetic,
        "magnetic_gradient": gradient,
        "geochem": geochem,
        "noise_a": _smooth(rng, size, s),
        "noise_b": _smooth(rng, size, s / 2),
    }
    return layers, logit


def _recipe_thresholds(rng: np.random.Generator, size: int) -> tuple[Layers, NDArray[np.float64]]:
    s = size / 25
    units = _units(rng, size, 5)
    dist_contact = distance_to_features(_contacts(units), resolution=RESOLUTION)
    magnetic = 100 * _smooth(rng, size, s)
    tilt = tilt_derivative(magnetic, resolution=RESOLUTION)
    geochem = _smooth(rng, size, s / 2)
    r = np.mgrid[0:size, 0:size][0] / size
    depth = 1000 * r + 150 * _smooth(rng, size, s)
    logit = (
        1.5 * (tilt > 0)
        + 2.0 * (geochem > 1.2)
        + 1.5 * np.exp(-dist_contact / (3 * RESOLUTION))
        - 1.0 * _z(depth)
    )
    layers = {
        "dist_contact": dist_contact,
        "lithology": units,
        "magnetic_tilt": tilt,
        "geochem": geochem,
        "geochem_pathfinder": 0.8 * geochem + 0.6 * _smooth(rng, size, s / 2),
        "depth": depth,
        "noise_a": _smooth(rng, size, s),
    }
    return layers, logit


def _recipe_nodata(rng: np.random.Generator, size: int) -> tuple[Layers, NDArray[np.float64]]:
    layers, logit = _recipe_faults(rng, size)
    unsurveyed = _smooth(rng, size, size / 15) > 0.85  # about a fifth of the map
    layers["geochem"] = np.where(unsurveyed, np.nan, layers["geochem"])
    strip = np.zeros((size, size), dtype=bool)
    strip[:, int(0.3 * size) : int(0.38 * size)] = True
    layers["lithology"] = np.where(strip, np.nan, layers["lithology"])
    return layers, logit


_CATEGORICAL: Final = ("lithology",)
_EFFECTS: Final = {
    "faults": {"dist_fault": -1, "lithology": 3, "magnetic_gradient": 1, "geochem": 1},
    "thresholds": {"dist_contact": -1, "magnetic_tilt": 1, "geochem": 1, "depth": -1},
    "nodata": {"dist_fault": -1, "lithology": 3, "magnetic_gradient": 1, "geochem": 1},
}
Recipe = Callable[[np.random.Generator, int], tuple[Layers, NDArray[np.float64]]]
RECIPES: Final[dict[str, Recipe]] = {
    "faults": _recipe_faults,
    "thresholds": _recipe_thresholds,
    "nodata": _recipe_nodata,
}


def _intercept(logit: NDArray[np.float64], n: float) -> float:
    """The shift that makes the expected number of deposits ``n``."""
    lo, hi = -30.0, 10.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if (1 / (1 + np.exp(-(logit + mid)))).sum() > n:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def _block(size: int, corner: int, buffer: int) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """The held-out square (half the side, in one corner) and the training cells beyond its
    buffer."""
    half = size // 2
    r0 = 0 if corner in (0, 1) else size - half
    c0 = 0 if corner in (0, 2) else size - half
    held = np.zeros((size, size), dtype=bool)
    held[r0 : r0 + half, c0 : c0 + half] = True
    near = np.zeros_like(held)
    near[max(r0 - buffer, 0) : r0 + half + buffer, max(c0 - buffer, 0) : c0 + half + buffer] = True
    return held, ~near


def make_world(
    recipe: str = "faults",
    *,
    size: int = 200,
    n_deposits: float = 400.0,
    seed: int = 0,
    buffer: int = 5,
    strength: float = 1.8,
) -> World:
    """A world of ``size`` × ``size`` cells of 100 m drawn from ``recipe`` (see :data:`RECIPES`).

    About ``n_deposits`` deposits are drawn, one Bernoulli trial per cell from the true
    probability; the held-out block is a quarter of the map in a corner chosen by ``seed``, and
    ``buffer`` cells round it are neither trained on nor scored. ``strength`` scales the true
    log-odds (a larger one makes the rule plainer and the oracle's AUC higher).
    """
    if recipe not in RECIPES:
        raise ValueError(f"`recipe` must be one of {', '.join(RECIPES)}; got {recipe!r}")
    rng = np.random.default_rng(seed)
    layers, logit = RECIPES[recipe](rng, size)
    logit = strength * logit
    logit = logit + _intercept(logit, n_deposits)
    hit = rng.random((size, size)) < 1 / (1 + np.exp(-logit))
    rows, cols = np.nonzero(hit)
    held, train = _block(size, int(rng.integers(0, 4)), buffer)
    side = size * RESOLUTION
    grid = Grid.from_bounds(
        500_000,
        4_000_000,
        500_000 + side,
        4_000_000 + side,
        resolution=RESOLUTION,
        crs="EPSG:32642",
    )
    return World(
        recipe,
        grid,
        layers,
        tuple(c for c in _CATEGORICAL if c in layers),
        logit,
        rows.astype(np.int64),
        cols.astype(np.int64),
        held,
        train,
        dict(_EFFECTS[recipe]),
    )


def cajad_auc(
    world: World, model: str, *, n_background: int = 20_000, random_state: int = 0
) -> float:
    """Held-out AUC of a cajad model run as :func:`~cajad.minerals.run_on_stack` runs it: a
    presence-background sample of the training area, :func:`make_model`, :func:`predict_map`."""
    from cajad.minerals.models import make_model, predict_map, sample_presence_background

    train = world.stack(train_only=True)
    rows, cols = world.train_deposits()
    sample = sample_presence_background(
        train, rows, cols, n_background=n_background, random_state=random_state
    )
    cats = [i for i, name in enumerate(world.layers) if name in world.categorical]
    imbalance = float((sample.y == 0).sum() / max((sample.y == 1).sum(), 1))
    fitted = make_model(
        model,  # type: ignore[arg-type]
        categorical=cats,
        imbalance=imbalance,
        random_state=random_state,
    ).fit(sample.X, sample.y)
    score = predict_map(fitted, world.stack()).compute()  # type: ignore[no-untyped-call]
    return world.heldout_auc(np.asarray(score))


def plain_auc(
    world: World, kind: str, *, n_background: int = 20_000, random_state: int = 0
) -> float:
    """Held-out AUC of a plain scikit-learn baseline on the raw layers (class codes as numbers,
    nodata imputed by the median, random background): ``logistic``, ``rf``, or naive
    Bayes, the family of weights of evidence, as ``categorical_nb`` or ``gaussian_nb`` (see
    :func:`naive_bayes_scores`)."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    sample = world.plain_sample(n_background=n_background, random_state=random_state)
    X = np.column_stack([v.ravel() for v in world.layers.values()])  # noqa: N806
    if kind in ("categorical_nb", "gaussian_nb"):
        score = naive_bayes_scores(world, sample, X)[kind.split("_")[0]]
        return world.heldout_auc(score.reshape(world.logit.shape))
    if kind == "logistic":
        est = make_pipeline(
            SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression(max_iter=1000)
        )
    elif kind == "rf":
        est = make_pipeline(
            SimpleImputer(strategy="median"),
            RandomForestClassifier(n_estimators=200, random_state=random_state, n_jobs=-1),
        )
    else:
        raise ValueError(f"`kind` must be one of {', '.join(PLAIN_KINDS)}; got {kind!r}")
    est.fit(sample.X, sample.y)
    score = est.predict_proba(X)[:, 1].reshape(world.logit.shape)
    return world.heldout_auc(score)


def naive_bayes_scores(
    world: World,
    sample: Sample,
    X: NDArray[np.float64],  # noqa: N803
) -> dict[str, NDArray[np.float64]]:
    """Scores of every cell by plain scikit-learn naive Bayes, the family of weights of evidence
    (evidence conditionally independent given a deposit), fitted on ``sample``:

    ``categorical``
        ``CategoricalNB`` on the classes weights of evidence sees: deciles of the sample for a
        measured layer, the codes of a class layer, nodata a class of its own.
    ``gaussian``
        ``GaussianNB`` on the raw layers, nodata imputed by the median.
    """
    from sklearn.impute import SimpleImputer
    from sklearn.naive_bayes import CategoricalNB, GaussianNB

    from cajad.minerals.models import QuantileClasses

    cats = [i for i, name in enumerate(world.layers) if name in world.categorical]
    classes = QuantileClasses(10, cats).fit(sample.X)

    def codes(values: NDArray[np.float64]) -> NDArray[np.int64]:
        c = classes.transform(values)
        return np.asarray(np.where(np.isfinite(c), c, 0), dtype=np.int64)

    n_categories = np.maximum(codes(X).max(axis=0), codes(sample.X).max(axis=0)) + 1
    nb = CategoricalNB(min_categories=n_categories).fit(codes(sample.X), sample.y)
    impute = SimpleImputer(strategy="median").fit(sample.X)
    gaussian = GaussianNB().fit(impute.transform(sample.X), sample.y)
    # the log-odds, not predict_proba, which saturates to ties far from the deposits
    joint = {
        "categorical": nb.predict_joint_log_proba(codes(X)),
        "gaussian": gaussian.predict_joint_log_proba(impute.transform(X)),
    }
    return {k: np.asarray(v[:, 1] - v[:, 0]) for k, v in joint.items()}
