"""The shape of a criteria catalogue, validated field by field at load.

A catalogue is a folder named by its version: ``catalogue.yaml`` (version, principles,
grading, answer vocabulary, the files it includes) and the included files, each holding some
of ``categorisation``, ``standards`` and ``rules``. Cross-references (a rule's principle, a
condition's question) are checked by :mod:`cajad.screening.catalogue` once every file is read.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from cajad.screening.conditions import Category, Condition
from cajad.screening.fitted import FittedModel
from cajad.screening.inference import InferenceTable

#: Outcomes of a rule. ``claimed``: answered yes without the evidence the rule requires;
#: ``skipped``: the check could not run (no layer given); ``na``: not applicable.
Outcome = Literal["pass", "partial", "claimed", "fail", "missing", "na", "skipped"]
OUTCOMES: tuple[str, ...] = ("pass", "partial", "claimed", "fail", "missing", "na", "skipped")
_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:[.-][A-Z0-9][A-Za-z0-9]*)*$")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            f"ids must look like 'PS5.RAP' (capitals, digits, '.', '-'); got {value!r}"
        )
    return value


Id = Annotated[str, AfterValidator(_check_id)]


class Element(_Strict):
    id: Id
    title: str


class Principle(_Strict):
    """A scoring axis (a G20 QII principle) and its elements."""

    id: Id
    title: str
    weight: float = Field(default=1.0, gt=0)
    elements: list[Element] = []


class Band(_Strict):
    grade: str = Field(min_length=1, max_length=2)
    min: float = Field(ge=0, le=100)


class Grading(_Strict):
    """Score bands (highest first), the grade of a blocked verdict and the credit of outcomes."""

    bands: list[Band] = Field(min_length=1)
    blocked: str = Field(min_length=1, max_length=2)
    credit: dict[Outcome, float]

    @model_validator(mode="after")
    def _ordered(self) -> Grading:
        mins = [b.min for b in self.bands]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("bands must be ordered from the highest minimum down, no ties")
        if mins[-1] != 0:
            raise ValueError("the last band must start at 0 so that every score has a grade")
        scored = {"pass", "partial", "claimed", "fail", "missing"}
        if set(self.credit) != scored:
            raise ValueError(f"credit must give exactly {sorted(scored)}")
        if any(not 0 <= v <= 1 for v in self.credit.values()):
            raise ValueError("credit values must be between 0 and 1")
        return self


class CatalogueHead(_Strict):
    """``catalogue.yaml``: what the catalogue is and what it includes."""

    version: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")
    title: str
    published: dt.date
    description: str = ""
    sources: list[str] = []
    include: list[str] = Field(min_length=1)
    principles: list[Principle] = Field(min_length=1)
    grading: Grading
    answers: dict[str, Outcome] = Field(min_length=1)


class CategoryRule(_Strict):
    """If ``when`` holds (first match wins), the project's likely category is ``category``."""

    id: Id
    category: Category
    when: Condition
    reason: str


class Default(_Strict):
    id: Id
    category: Category
    reason: str


class Categorisation(_Strict):
    """The E&S categorisation: ordered rules, a default, and the reviewer's override question."""

    override_question: str
    rules: list[CategoryRule] = Field(min_length=1)
    default: Default


class Standard(_Strict):
    """A standard (IFC PS1, EP4, ...) and when it applies to a project."""

    id: Id
    title: str
    framework: str
    applies_when: Condition | None = None
    reason: str = ""


class DocumentMatch(_Strict):
    """Register documents that satisfy a rule: IATI document categories, words in title/URL."""

    categories: list[str] = []
    title_any: list[str] = []
    url_any: list[str] = []

    @model_validator(mode="after")
    def _something(self) -> DocumentMatch:
        if not (self.categories or self.title_any or self.url_any):
            raise ValueError("documents needs at least one of categories, title_any, url_any")
        return self


class CheckSpec(BaseModel):
    """An automatic check by name; its other keys are the check's parameters."""

    model_config = ConfigDict(frozen=True, extra="allow")

    name: str

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class RedFlag(_Strict):
    """The rule blocks the verdict when its outcome is one of ``outcomes`` (and ``when`` holds)."""

    outcomes: list[Outcome] = Field(min_length=1)
    when: Condition | None = None
    message: str


class Rule(_Strict):
    """One criterion: where it comes from, what it scores, how it is decided."""

    id: Id
    title: str
    standard: str
    principle: str | None = None
    element: str | None = None
    weight: float = Field(default=1.0, ge=0)
    applies_when: Condition | None = None
    question: str | None = None
    evidence: str | None = None
    answers: list[str] | None = None
    evidence_required: bool = True
    trigger: bool = False
    required: bool = False
    documents: DocumentMatch | None = None
    check: CheckSpec | None = None
    red_flag: RedFlag | None = None
    refs: list[str] = []

    @model_validator(mode="after")
    def _decidable(self) -> Rule:
        if self.check is None and self.question is None:
            raise ValueError("a rule needs a check or a question (or both)")
        if self.question is not None and not self.evidence:
            raise ValueError("a question must say what evidence satisfies it (evidence)")
        if self.trigger and self.weight != 0:
            raise ValueError("a trigger question records a fact and must have weight 0")
        if self.weight > 0 and self.principle is None:
            raise ValueError("a scored rule (weight > 0) must name its principle")
        return self


class Part(_Strict):
    """An included file: any of categorisation, standards and rules."""

    categorisation: Categorisation | None = None
    inference: InferenceTable | None = None
    fitted: FittedModel | None = None
    standards: list[Standard] = []
    rules: list[Rule] = []
