"""A fitted estimate of the E&S category: a practitioner's safety net behind the category rules.

A catalogue may bundle a fitted model (``fitted.yaml``): the exported parameters of one
scikit-learn ``Pipeline`` (binary rule and inference features, and TF-IDF over the title,
free-text sector and description, joined and fed to a multinomial logistic regression), written
by ``benchmarks/screening_fitted.py`` from the development part of the screening benchmark only.
This module scores a subject with those parameters in plain Python (sklearn is not imported at
screening time); ``tests/screening/test_fitted.py`` pins that the scores equal the pipeline's.

What it may do (:func:`refine`), each time labelled "fitted estimate, pending a reviewer" with its
probability, never final:

* only where no rule decided (the default B, "unsure"): give its most probable category, A
  already when the probability of A reaches the model's ``threshold`` (over-categorising is the
  safe error in safeguards practice: a reviewer downgrades an A after a look, while a missed A
  goes without an impact assessment), and never C where physical works or an A-list sector
  are named, nor any category the model lists as ``barred`` (catalogues 2026.4 and 2026.5
  bar C: where no rule read "nothing physical", the estimate stays B or above);
* nothing else: a category a rule decided stands (works within an existing footprint, a size
  below a published threshold, a trade agreement, an intermediary, an A), because the rule
  says why and a text model's word weights (a client's name among them) do not.

Neither the country (the benchmark holds only category-A rows outside Central Asia) nor the
instrument (mapped onto the deals CSV's) is a feature.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cajad.screening.inference import Inferred
from cajad.screening.subject import Subject

_STOP = frozenset(
    "and the for of project projects with from into phase additional financing".split()
)
_WORD = re.compile(r"[a-zа-яё]{3,}|[\u3040-\u30ff\u4e00-\u9fff]+")
_PHYSICAL = frozenset({"sensitive", "physical"})


class FittedModel(BaseModel):
    """Exported parameters of the pipeline: per class, one weight per feature and per term."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    trained_on: str
    classes: list[str] = Field(min_length=2)
    threshold: float = Field(gt=0, le=1)  # probability of A at which a B is raised to A
    intercept: list[float]
    weights: dict[str, list[float]]  # binary feature -> weight per class
    terms: dict[str, list[float]] = {}  # term -> [idf, weight per class...]
    #: Categories the estimate never gives (2026.4: C, which only a rule that reads "nothing
    #: physical" may give; where no rule decided, the safe error is B, for a reviewer).
    barred: list[str] = []
    #: 1: terms are single words; 2: also each pair of neighbouring words (2026.5).
    ngrams: Literal[1, 2] = 1


@dataclass(frozen=True, slots=True)
class Estimate:
    """The fitted category, its probability, and the features that weighed most for it."""

    category: str
    probability: float
    probability_a: float
    features: tuple[str, ...]


def features(subject: Subject, inferred: Inferred, *, rule: str) -> frozenset[str]:
    """The binary features of ``subject`` given the category ``rule`` that decided it."""
    found = {f"signal:{s}" for s in inferred.ids} | {f"title:{s}" for s in inferred.title_ids}
    found |= {f"kind:{f.kind}" for f in inferred.signals}
    found |= {f"scale:{q.quantity}" for q in inferred.scale}
    found |= {f"works:{inferred.works}", f"rule:{rule}"}
    found.add(f"usd:{_band(subject.money.committed_usd)}")
    return frozenset(found)


def text(subject: Subject) -> str:
    """The text the TF-IDF part reads: title, free-text sector and description."""
    return f"{subject.title}\n{subject.sector_text or ''}\n{subject.description or ''}"


def words(document: str) -> list[str]:
    """The words of ``document`` (the pipeline's analyzer, so training and use agree)."""
    return [w for w in _WORD.findall(document.lower()) if w not in _STOP]


def word_pairs(document: str) -> list[str]:
    """The words of ``document`` and each pair of neighbours ("power plant"): ``ngrams = 2``."""
    found = words(document)
    return found + [f"{a} {b}" for a, b in itertools.pairwise(found)]


def _band(size: Decimal) -> str:
    return "none" if size <= 0 else f"1e{min(int(math.log10(size)), 9)}"


def probabilities(
    model: FittedModel, found: frozenset[str], document: str
) -> tuple[list[float], dict[str, list[float]]]:
    """Class probabilities of the pipeline, and each used feature's contribution per class."""
    analyzer = word_pairs if model.ngrams == 2 else words
    counts = Counter(t for t in analyzer(document) if t in model.terms)
    # sublinear tf, times idf, then the l2 norm: TfidfVectorizer(sublinear_tf=True)
    raw = {t: (1 + math.log(n)) * model.terms[t][0] for t, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
    parts: dict[str, list[float]] = {f: model.weights[f] for f in found if f in model.weights}
    for t, v in raw.items():
        parts[f"word:{t}"] = [v / norm * w for w in model.terms[t][1:]]
    scores = list(model.intercept)
    for contribution in parts.values():
        for i, w in enumerate(contribution):
            scores[i] += w
    top = max(scores)
    exp = [math.exp(s - top) for s in scores]
    total = sum(exp)
    return [e / total for e in exp], parts


def refine(
    model: FittedModel,
    subject: Subject,
    inferred: Inferred,
    *,
    rule: str,
    category: str,
    unsure: bool,
) -> Estimate | None:
    """The fitted category where it may replace the rules' ``category``, else ``None``.

    ``unsure``: no rule decided (``category`` is the default). See the module docstring.
    """
    if category != "B" or not unsure:
        return None
    probs, parts = probabilities(model, features(subject, inferred, rule=rule), text(subject))
    p_a = probs[model.classes.index("A")] if "A" in model.classes else 0.0
    if p_a >= model.threshold:
        best = model.classes.index("A")
    else:
        barred = {"A", *model.barred} | ({"C"} if _physical(inferred) else set())
        allowed = [i for i, c in enumerate(model.classes) if c not in barred]
        best = max(allowed, key=lambda i: probs[i])
    ranked = sorted(parts, key=lambda f: -parts[f][best])[:5]
    return Estimate(model.classes[best], round(probs[best], 3), round(p_a, 3), tuple(ranked))


def _physical(inferred: Inferred) -> bool:
    # physical works or an A-list sector named in the title, or works the rules read anywhere
    titled = any(f.kind in _PHYSICAL for f in inferred.signals if f.signal in inferred.title_ids)
    sensitive = any(f.kind == "sensitive" for f in inferred.signals)
    return titled or sensitive or inferred.works in ("new", "existing")
