"""Weights-of-evidence tables: W+, W−, contrast and its studentized form, and generalisation.

The formulas are those of Bonham-Carter (1994) as implemented by ArcSDM's *Calculate Weights*
(and Geoscience Australia's R port of it), including ArcSDM's patches for degenerate classes, so
that tables computed here match the published ones digit for digit:

* a class (or cumulative class) with no deposit gets all statistics 0;
* when it holds every deposit, ``0.99`` of a deposit is moved out of it;
* when it covers all the deposit-free area, ``0.99`` of a unit area is left outside;
* when its deposit-free area is not positive, its area becomes ``deposits + 1`` units.

Areas are in *unit areas* (ArcSDM's unit cell, typically 1 km²); deposits are counts of points.
"""

from __future__ import annotations

from typing import Any, Final, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from cajad.minerals.errors import WeightsError

__all__ = [
    "CUTOFF_RULES",
    "TABLE_COLUMNS",
    "WeightsType",
    "class_totals",
    "generalize",
    "weights_table",
]

WeightsType = Literal["categorical", "ascending", "descending"]
Convention = Literal["arcsdm", "eis"]
CutoffRule = Literal[
    "max_contrast", "max_contrast_if_feasible", "max_feasible_contrast", "max_studentized_contrast"
]
CUTOFF_RULES: Final = (
    "max_contrast",
    "max_contrast_if_feasible",
    "max_feasible_contrast",
    "max_studentized_contrast",
)
TABLE_COLUMNS: Final = (
    "class",
    "area",
    "points",
    "w_plus",
    "s_w_plus",
    "w_minus",
    "s_w_minus",
    "contrast",
    "s_contrast",
    "studentized_contrast",
)
_PATCH: Final = 0.99


def class_totals(
    values: ArrayLike, area: ArrayLike, points: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Sum area and deposit points per distinct class value (NaN values are left out).

    Parameters
    ----------
    values : array_like, shape (n,)
        Class of each sample (a cell, or a deposit point).
    area : array_like, shape (n,)
        Unit areas each sample contributes to its class (0 for a deposit point that is not a cell).
    points : array_like, shape (n,)
        Deposits each sample contributes (0 for a cell without one).

    Returns
    -------
    classes, class_area, class_points : ndarray, shape (k,)
        Distinct classes in ascending order and their totals.
    """
    v = np.asarray(values)
    if v.dtype not in (np.float32, np.float64):
        v = v.astype(np.float64)  # float32 stays: it holds every class code 0..65535 exactly
    area_ = np.broadcast_to(np.asarray(area, dtype=np.float64), v.shape)
    points_ = np.broadcast_to(np.asarray(points, dtype=np.float64), v.shape)
    fast = _small_codes(v)
    if fast is not None:  # class codes 0..65535: one counting pass, no sort
        a = np.bincount(fast, weights=area_, minlength=65536)
        hits = np.flatnonzero(points_)  # deposits are few: count them alone
        p = np.bincount(fast[hits], weights=points_[hits], minlength=65536)
        present = np.flatnonzero((a > 0) | (p > 0))
        present = present[present < 65536]
        return (
            present.astype(np.float64),
            a[present].astype(np.float64),
            p[present].astype(np.float64),
        )
    # a sample of no weight is no sample: its class must not appear
    keep = ~np.isnan(v) & ((area_ > 0) | (points_ > 0))
    classes, inverse = np.unique(v[keep], return_inverse=True)
    a = np.bincount(inverse, weights=area_[keep], minlength=classes.size)
    p = np.bincount(inverse, weights=points_[keep], minlength=classes.size)
    return classes.astype(np.float64), a.astype(np.float64), p.astype(np.float64)


def _small_codes(v: NDArray[np.floating[Any]]) -> NDArray[np.intp] | None:
    """Values as bin indices when all are whole numbers in 0..65535 (NaN to bin 65536)."""
    if v.size < 100_000:
        return None
    lo, hi = np.fmin.reduce(v), np.fmax.reduce(v)  # NaN-ignoring, one pass each
    if not (lo >= 0 and hi < 65536):
        return None
    nan = np.isnan(v)
    with np.errstate(invalid="ignore"):  # NaN casts to junk, replaced below
        small = v.astype(np.uint16)  # a quarter of the memory traffic of intp
    exact = np.array_equal(small[~nan], v[~nan]) if nan.any() else np.array_equal(small, v)
    if not exact:
        return None
    codes = small.astype(np.intp)
    codes[nan] = 65536
    return codes


def _weights(
    b_in: NDArray[np.float64],
    db_in: NDArray[np.float64],
    s: float,
    ds: float,
    convention: Convention = "arcsdm",
) -> dict[str, NDArray[np.float64]]:
    """W+, W− and their standard deviations for classes of area ``b`` holding ``db`` deposits.

    In the 2×2 table of a class, A/B are deposits inside/outside it and C/D deposit-free area
    inside/outside. The two conventions differ only when a class holds every deposit: ArcSDM
    moves 0.99 of a deposit out and keeps the class area (C grows by 0.99), EIS Toolkit keeps C.
    """
    empty = db_in <= 0
    a = np.where(empty, 1.0, db_in)  # placeholder for empty classes, zeroed below; avoids log(0)
    if convention == "arcsdm":
        a = np.where(a >= ds, ds - _PATCH, a)
        b_out = ds - a
        area = np.where((s - b_in) <= b_out, s - b_out - _PATCH, b_in)
        area = np.where(area - a <= 0, a + 1.0, area)
        c, d = area - a, s - area - b_out
    elif convention == "eis":
        b_out = ds - a
        c, d = b_in - a, (s - ds) - (b_in - a)
        a, b_out = np.where(b_out <= 0, a - _PATCH, a), np.where(b_out <= 0, _PATCH, b_out)
        c, d = np.where(d <= 0, c - _PATCH, c), np.where(d <= 0, _PATCH, d)
        c = np.where(c <= 0, 1.0, c)  # EIS divides by zero here; ArcSDM's patch instead
    else:
        raise WeightsError(f"`convention` must be arcsdm or eis; got {convention!r}")
    c = np.where(empty, 1.0, c)
    d = np.where(empty, 1.0, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        w_plus = np.log((a / ds) / (c / (s - ds)))
        v_plus = 1.0 / a + 1.0 / c
        w_minus = np.log((b_out / ds) / (d / (s - ds)))
        v_minus = 1.0 / b_out + 1.0 / d
    out = {
        "w_plus": w_plus,
        "s_w_plus": np.sqrt(v_plus),
        "w_minus": w_minus,
        "s_w_minus": np.sqrt(v_minus),
        "contrast": w_plus - w_minus,
        "s_contrast": np.sqrt(v_plus + v_minus),
    }
    out["studentized_contrast"] = out["contrast"] / out["s_contrast"]
    for column in out.values():
        column[empty] = 0.0
    return out


def weights_table(
    classes: ArrayLike,
    area: ArrayLike,
    points: ArrayLike,
    *,
    weights_type: WeightsType = "categorical",
    total_points: float | None = None,
    convention: Convention = "arcsdm",
) -> pd.DataFrame:
    """Weights of evidence of each class, or of each cumulative class, of one evidence layer.

    Parameters
    ----------
    classes : array_like, shape (k,)
        Distinct class values in ascending order (as from :func:`class_totals`).
    area : array_like, shape (k,)
        Area of each class, in unit areas.
    points : array_like, shape (k,)
        Deposits in each class.
    weights_type : {"categorical", "ascending", "descending"}
        ``categorical``: each class against the rest. ``ascending``: the cumulative class of
        values ≤ each class against the rest (low values favourable, e.g. distance);
        ``descending``: values ≥ each class (high values favourable, e.g. density). Rows of a
        descending table run from the highest class down, as in ArcSDM.
    total_points : float, optional
        Deposits in the study area; defaults to ``sum(points)`` (ArcSDM counts every training
        point, also those that fall on missing data).
    convention : {"arcsdm", "eis"}
        Patch for a class that holds every deposit: ArcSDM's (Geoscience Australia's tables) or
        EIS Toolkit's. They agree everywhere else.

    Returns
    -------
    pandas.DataFrame
        One row per class with the columns of :data:`TABLE_COLUMNS`; ``area`` and ``points``
        are cumulative for the cumulative types.

    Raises
    ------
    WeightsError
        If there is no deposit, or the deposits are not fewer than the unit areas.

    Examples
    --------
    >>> t = weights_table([1, 2], [90.0, 10.0], [2, 3])
    >>> round(float(t.loc[1, "w_plus"]), 4), round(float(t.loc[1, "contrast"]), 4)
    (2.0971, 2.9369)
    """
    c = np.asarray(classes, dtype=np.float64)
    a = np.asarray(area, dtype=np.float64)
    p = np.asarray(points, dtype=np.float64)
    if weights_type not in ("categorical", "ascending", "descending"):
        raise WeightsError(
            f"`weights_type` must be categorical, ascending or descending; got {weights_type!r}"
        )
    s = float(a.sum())
    ds = float(p.sum()) if total_points is None else float(total_points)
    if ds <= 0:
        raise WeightsError("weights of evidence need at least one deposit in the study area; got 0")
    if ds >= s:
        raise WeightsError(
            f"deposits must be fewer than unit areas; got {ds:g} deposits in {s:g} unit areas"
            " (is the unit area too large?)"
        )
    if weights_type == "descending":
        c, a, p = c[::-1], a[::-1], p[::-1]
    if weights_type != "categorical":
        a, p = np.cumsum(a), np.cumsum(p)
    table = pd.DataFrame({"class": c, "area": a, "points": p})
    for name, column in _weights(a, p, s, ds, convention).items():
        table[name] = column
    return table


def generalize(
    table: pd.DataFrame,
    *,
    weights_type: WeightsType,
    cutoff: CutoffRule | int = "max_contrast",
    studentized_contrast_threshold: float = 0.0,
    merge_insignificant: bool = False,
    convention: Convention = "arcsdm",
) -> pd.DataFrame:
    """Add generalised classes and the weight each class takes in a response map.

    Parameters
    ----------
    table : pandas.DataFrame
        A table from :func:`weights_table`.
    weights_type : {"categorical", "ascending", "descending"}
        The type the table was computed with.
    cutoff : str or int
        Cumulative types only: the row that ends the favourable class (``gen_class`` 2, weight
        W+ of that row; the other rows take its W−). ``max_contrast`` (ArcSDM) takes the row of
        highest contrast; ``max_contrast_if_feasible`` (EIS Toolkit's default) the same but only
        if its studentized contrast reaches the threshold; ``max_feasible_contrast`` the highest
        contrast among rows whose studentized contrast exceeds the threshold;
        ``max_studentized_contrast`` the most significant row; an ``int`` is a row index.
    studentized_contrast_threshold : float
        Significance required. As in ArcSDM, a layer whose largest studentized contrast is below it
        is not used (``gen_class`` 999, weights 0).
    merge_insignificant : bool
        Categorical only: pool the classes with ``|studentized contrast|`` below the threshold into
        one class 99 with its own weight (EIS Toolkit's categorical type); otherwise every class
        keeps its W+ (ArcSDM).
    convention : {"arcsdm", "eis"}
        As in :func:`weights_table`, for the pooled class.

    Returns
    -------
    pandas.DataFrame
        A copy with ``gen_class``, ``weight`` and ``weight_std`` columns, and
        ``attrs["generalized"]`` saying whether the layer is used.
    """
    out = table.copy()
    significant = bool(out["studentized_contrast"].max() >= studentized_contrast_threshold)
    if weights_type == "categorical":
        return _generalize_categorical(
            out, significant, studentized_contrast_threshold, merge_insignificant, convention
        )
    index = _cutoff_index(out, cutoff, studentized_contrast_threshold)
    if index is None or not significant:
        return _unused(out)
    favourable = np.arange(len(out)) <= index
    out["gen_class"] = np.where(favourable, 2, 1)
    out["weight"] = np.where(favourable, out["w_plus"].iloc[index], out["w_minus"].iloc[index])
    out["weight_std"] = np.where(
        favourable, out["s_w_plus"].iloc[index], out["s_w_minus"].iloc[index]
    )
    out.attrs["generalized"] = True
    return out


def _unused(out: pd.DataFrame) -> pd.DataFrame:
    out["gen_class"] = 999
    out["weight"] = 0.0
    out["weight_std"] = 0.0
    out.attrs["generalized"] = False
    return out


def _cutoff_index(table: pd.DataFrame, cutoff: CutoffRule | int, threshold: float) -> int | None:
    contrast = table["contrast"].to_numpy()
    studc = table["studentized_contrast"].to_numpy()
    if isinstance(cutoff, int | np.integer) and not isinstance(cutoff, bool):
        if not 0 <= cutoff < len(table):
            raise WeightsError(f"`cutoff` must be a row index below {len(table)}; got {cutoff}")
        return int(cutoff)
    if cutoff == "max_contrast":
        return int(np.argmax(contrast))
    if cutoff == "max_contrast_if_feasible":
        index = int(np.argmax(contrast))
        return index if studc[index] >= threshold else None
    if cutoff == "max_feasible_contrast":
        feasible = studc > threshold
        if not feasible.any():
            return None
        return int(np.argmax(np.where(feasible, contrast, -np.inf)))
    if cutoff == "max_studentized_contrast":
        return int(np.argmax(studc))
    raise WeightsError(
        f"`cutoff` must be one of {', '.join(CUTOFF_RULES)} or a row index; got {cutoff!r}"
    )


def _generalize_categorical(
    out: pd.DataFrame, significant: bool, threshold: float, merge: bool, convention: Convention
) -> pd.DataFrame:
    if not significant:
        return _unused(out)
    out["gen_class"] = out["class"]
    out["weight"] = out["w_plus"]
    out["weight_std"] = out["s_w_plus"]
    out.attrs["generalized"] = True
    if not merge:
        return out
    pooled = out["studentized_contrast"].abs() < threshold
    if not pooled.any():
        return out
    # The pooled class is weighed against the whole study area, like any other class.
    s = float(out["area"].sum())
    ds = float(out["points"].sum())
    w = _weights(
        np.array([out.loc[pooled, "area"].sum()]),
        np.array([out.loc[pooled, "points"].sum()]),
        s,
        ds,
        convention,
    )
    out.loc[pooled, "gen_class"] = 99
    out.loc[pooled, "weight"] = float(w["w_plus"][0])
    out.loc[pooled, "weight_std"] = float(w["s_w_plus"][0])
    return out
