"""A fitted estimate of the E&S category, for the projects the category rules leave unsure.

A catalogue may bundle a linear model (``fitted.yaml``, written by
``benchmarks/screening_fitted.py`` from the development part of the screening benchmark only).
The engine asks it only when no category rule matched (the default B); its answer is labelled
``fitted`` and says "fitted estimate, pending a reviewer", never final. It may not place a
project in C when a category-A sector is named, and it never sees a rule-decided category.

Features are binary: the inference signals (anywhere and in the title), the kind of works, the
quantities read, the size band, and the words of the title and sector text. Neither the country
(the benchmark holds only category-A rows outside Central Asia) nor the instrument (the
benchmark's instruments are mapped onto the deals CSV's) is a feature.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from cajad.screening.inference import Inferred
from cajad.screening.subject import Subject

_STOP = frozenset(
    "and the for of project projects with from into phase additional financing".split()
)
_WORD = re.compile(r"[a-zа-яё]{3,}|[\u3040-\u30ff\u4e00-\u9fff]+")


class FittedModel(BaseModel):
    """A multinomial logistic regression: one weight per class for each feature."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    trained_on: str
    classes: list[str] = Field(min_length=2)
    intercept: list[float]
    weights: dict[str, list[float]]


@dataclass(frozen=True, slots=True)
class Estimate:
    """The fitted category, its probability and the features that weighed most for it."""

    category: str
    probability: float
    features: tuple[str, ...]


def features(subject: Subject, inferred: Inferred) -> frozenset[str]:
    """The binary features of ``subject`` (names as in ``FittedModel.weights``)."""
    found = {f"signal:{s}" for s in inferred.ids} | {f"title:{s}" for s in inferred.title_ids}
    found |= {f"kind:{f.kind}" for f in inferred.signals}
    found |= {f"scale:{q.quantity}" for q in inferred.scale}
    found.add(f"works:{inferred.works}")
    size = subject.money.committed_usd
    found.add(f"usd:{_band(size)}")
    text = f"{subject.title} {subject.sector_text or ''}".lower()
    found |= {f"word:{w}" for w in _WORD.findall(text) if w not in _STOP}
    return frozenset(found)


def _band(size: Decimal) -> str:
    return "none" if size <= 0 else f"1e{min(int(math.log10(size)), 9)}"


def estimate(model: FittedModel, found: frozenset[str], *, sensitive: bool) -> Estimate:
    """The most probable class under ``model`` that ``sensitive`` allows.

    With a category-A sector named (``sensitive``) it may not give C; without one it may not
    give A: the A lists are published, and a model fitted on a few hundred rows does not add
    sectors to them.
    """
    barred = "C" if sensitive else "A"
    scores = list(model.intercept)
    used = [f for f in found if f in model.weights]
    for name in used:
        for i, w in enumerate(model.weights[name]):
            scores[i] += w
    top = max(scores)
    exp = [math.exp(s - top) for s in scores]
    total = sum(exp)
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    best = next(i for i in order if model.classes[i] != barred)
    ranked = sorted(used, key=lambda f: -model.weights[f][best])[:5]
    return Estimate(model.classes[best], round(exp[best] / total, 3), tuple(ranked))
