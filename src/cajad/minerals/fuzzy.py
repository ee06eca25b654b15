# ruff: noqa: N803, N806 - ``X`` is scikit-learn's name for a design matrix
"""Fuzzy overlay: a knowledge-driven prospectivity model (Bonham-Carter 1994, ch. 9).

Each evidence layer is turned into a fuzzy membership in [0, 1] ("how well this cell meets the
criterion") by a function whose parameters are in the layer's own units (metres, ppm, class
codes); an inference network, a small tree of fuzzy operators over layers and sub-networks,
combines them. :class:`FuzzyOverlay` wraps it as a scikit-learn classifier so it goes through the
same cross-validation, maps and targets as the data-driven models; it learns nothing from labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import Tags
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from cajad.minerals.errors import EvidenceError

__all__ = [
    "Categorical",
    "Evidence",
    "FuzzyOverlay",
    "Gaussian",
    "Large",
    "Linear",
    "Membership",
    "Operator",
    "Small",
    "combine",
    "parse_network",
    "without_layer",
]

OperatorName = Literal["and", "or", "product", "sum", "gamma"]


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Linear(_Spec):
    """0 at ``low``, 1 at ``high``, a straight line between (``low > high`` makes it decrease)."""

    kind: Literal["linear"]
    low: float
    high: float

    @model_validator(mode="after")
    def _distinct(self) -> Linear:
        if self.low == self.high:
            raise ValueError("`low` and `high` must differ")
        return self

    def __call__(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(np.clip((x - self.low) / (self.high - self.low), 0.0, 1.0))


class Small(_Spec):
    """ArcGIS "Small": ``1 / (1 + (x / midpoint) ** spread)``, high for small values (distances);
    0.5 at ``midpoint``. Values below 0 count as 0."""

    kind: Literal["small"]
    midpoint: float = Field(gt=0)
    spread: float = Field(default=5.0, gt=0)

    def __call__(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        with np.errstate(over="ignore"):
            return np.asarray(1.0 / (1.0 + (np.maximum(x, 0.0) / self.midpoint) ** self.spread))


class Large(_Spec):
    """ArcGIS "Large": ``1 / (1 + (x / midpoint) ** -spread)``, high for large values; 0.5 at
    ``midpoint``. Values below 0 count as 0 (membership 0)."""

    kind: Literal["large"]
    midpoint: float = Field(gt=0)
    spread: float = Field(default=5.0, gt=0)

    def __call__(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        r = np.maximum(x, 0.0) / self.midpoint
        with np.errstate(divide="ignore", over="ignore"):
            inv = np.where(r > 0, r ** (-self.spread), np.inf)
        return np.asarray(1.0 / (1.0 + inv))


class Gaussian(_Spec):
    """``exp(-((x - midpoint) / width)² / 2)``: 1 at ``midpoint``, 0.61 one ``width`` away."""

    kind: Literal["gaussian"]
    midpoint: float
    width: float = Field(gt=0)

    def __call__(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(np.exp(-0.5 * ((x - self.midpoint) / self.width) ** 2))


class Categorical(_Spec):
    """A table of class code → membership; classes not listed get ``default``."""

    kind: Literal["categorical"]
    table: dict[int, Annotated[float, Field(ge=0, le=1)]]
    default: float = Field(default=0.0, ge=0, le=1)

    def __call__(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.full(x.shape, self.default)
        for code, value in self.table.items():
            out[x == code] = value
        return out


Membership = Annotated[Linear | Small | Large | Gaussian | Categorical, Field(discriminator="kind")]


class Evidence(_Spec):
    """A leaf of the network: one evidence layer through its membership function."""

    layer: str
    membership: Membership
    note: str = ""


def _node_kind(value: Any) -> str:
    """A node with a ``layer`` is evidence; anything else is an operator."""
    has_layer = "layer" in value if isinstance(value, dict) else isinstance(value, Evidence)
    return "evidence" if has_layer else "operator"


Node = Annotated[
    Annotated[Evidence, Tag("evidence")] | Annotated["Operator", Tag("operator")],
    Discriminator(_node_kind),
]


class Operator(_Spec):
    """A node of the network: a fuzzy operator over layers and sub-networks.

    ``and`` (min), ``or`` (max), ``product`` (∏μ), ``sum`` (1 − ∏(1 − μ)) and ``gamma``
    (sum^γ · product^(1−γ), γ in [0, 1]).
    """

    op: OperatorName
    inputs: list[Node] = Field(min_length=1)
    gamma: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _gamma_given(self) -> Operator:
        if (self.op == "gamma") != (self.gamma is not None):
            raise ValueError("`gamma` is needed by the gamma operator and only by it")
        return self

    def layers(self) -> list[str]:
        """Layers the network reads, in order of first use."""
        out: list[str] = []
        for node in self.inputs:
            for name in [node.layer] if isinstance(node, Evidence) else node.layers():
                if name not in out:
                    out.append(name)
        return out


def combine(
    op: OperatorName, values: Sequence[NDArray[np.float64]], gamma: float | None = None
) -> NDArray[np.float64]:
    """Apply a fuzzy operator to memberships of equal shape."""
    stack = np.stack(values)
    if op == "and":
        return np.asarray(stack.min(axis=0))
    if op == "or":
        return np.asarray(stack.max(axis=0))
    product = stack.prod(axis=0)
    total = 1.0 - (1.0 - stack).prod(axis=0)
    if op == "product":
        return np.asarray(product)
    if op == "sum":
        return np.asarray(total)
    if op == "gamma" and gamma is not None:
        return np.asarray(total**gamma * product ** (1.0 - gamma))
    raise EvidenceError(f"unknown fuzzy operator {op!r} (or gamma without a γ)")


def _evaluate(node: Evidence | Operator, columns: Mapping[str, NDArray[np.float64]]) -> Any:
    if isinstance(node, Evidence):
        return node.membership(columns[node.layer])
    return combine(node.op, [_evaluate(child, columns) for child in node.inputs], node.gamma)


def without_layer(node: Operator, layer: str) -> Operator | None:
    """The network with ``layer`` removed (operators left empty disappear); None if nothing is
    left. Used for leave-one-layer-out explanations."""
    kept: list[Node] = []
    for child in node.inputs:
        if isinstance(child, Evidence):
            if child.layer != layer:
                kept.append(child)
        elif (sub := without_layer(child, layer)) is not None:
            kept.append(sub)
    return node.model_copy(update={"inputs": kept}) if kept else None


def parse_network(
    network: Operator | Mapping[str, Any], *, where: str = "fuzzy network"
) -> Operator:
    """An :class:`Operator` from itself or its dict form; errors name the field and reason."""
    if isinstance(network, Operator):
        return network
    try:
        return Operator.model_validate(dict(network))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()
        )
        raise EvidenceError(f"{where}: {problems}") from exc
    except (TypeError, ValueError) as exc:
        raise EvidenceError(f"{where}: not a mapping ({exc})") from exc


class FuzzyOverlay(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Fuzzy-overlay classifier: ``predict_proba[:, 1]`` is the network's output membership.

    Knowledge-driven: ``fit`` only checks the network against ``X`` (every layer it names must be
    a column) and records the labels; the map does not depend on the deposits.

    Parameters
    ----------
    network : Operator or dict
        The inference network (see :class:`Operator`).
    layers : sequence of str, optional
        Name of each column of ``X``; default the DataFrame's column names, else ``x0, x1, ...``.
    """

    def __init__(
        self,
        network: Operator | Mapping[str, Any] | None = None,
        layers: Sequence[str] | None = None,
    ) -> None:
        self.network = network
        self.layers = layers

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        if tags.classifier_tags is not None:
            tags.classifier_tags.multi_class = False
        tags.target_tags.required = True
        return tags

    def fit(self, X: ArrayLike, y: ArrayLike) -> FuzzyOverlay:
        """Check the network against the columns of ``X``; nothing is learnt from ``y``."""
        X_, y_ = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y_)
        self.classes_ = np.unique(y_)
        if self.classes_.size != 2:
            raise EvidenceError(
                f"Only binary classification is supported: fuzzy overlay needs 2 classes "
                f"(deposit or not); got {self.classes_.size} classes"
            )
        if self.network is None:
            raise EvidenceError("fuzzy overlay needs a `network` (e.g. from a template)")
        self.network_ = parse_network(self.network)
        names = self._names(X_.shape[1])
        missing = [name for name in self.network_.layers() if name not in names]
        if missing:
            raise EvidenceError(
                f"fuzzy network needs evidence layer(s) {', '.join(missing)}; "
                f"the evidence has {', '.join(names)}"
            )
        self.columns_ = {name: names.index(name) for name in self.network_.layers()}
        return self

    def _names(self, n_features: int) -> list[str]:
        if self.layers is not None:
            names = list(self.layers)
        elif hasattr(self, "feature_names_in_"):
            names = [str(n) for n in self.feature_names_in_]
        else:
            names = [f"x{j}" for j in range(n_features)]
        if len(names) != n_features:
            raise EvidenceError(f"`layers` names {len(names)} columns; X has {n_features}")
        return names

    def membership(self, X: ArrayLike, network: Operator | None = None) -> NDArray[np.float64]:
        """Output membership of ``network`` (default the fitted one) for each row, shape (n,)."""
        check_is_fitted(self)
        X_ = validate_data(self, X, reset=False, dtype=np.float64)
        columns = {name: X_[:, j] for name, j in self.columns_.items()}
        return np.asarray(_evaluate(network or self.network_, columns), dtype=np.float64)

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Output membership as the deposit-class column, shape (n, 2)."""
        mu = self.membership(X)
        return np.column_stack([1.0 - mu, mu])

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Logit of the output membership (clipped at 1e-12 from 0 and 1), shape (n,)."""
        mu = np.clip(self.membership(X), 1e-12, 1.0 - 1e-12)
        return np.asarray(np.log(mu) - np.log1p(-mu))

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """The deposit class where the output membership exceeds 0.5."""
        positive = self.membership(X) > 0.5
        return np.asarray(self.classes_[positive.astype(int)])
