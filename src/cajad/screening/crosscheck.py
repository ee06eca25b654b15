"""Cross-file checks of a catalogue: every reference resolves, nothing is given twice."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from pydantic import ValidationError

from cajad.register import Instrument, Stage
from cajad.screening.checks import CHECKS
from cajad.screening.conditions import CATEGORIES, Condition, walk
from cajad.screening.errors import CatalogueProblem
from cajad.screening.inference import WORKS_ANSWERS
from cajad.screening.schema import CatalogueHead, Part, Rule, Standard

_INSTRUMENTS = {i.value for i in Instrument}
_STAGES = {s.value for s in Stage}


class _Refs:
    """What conditions may refer to: questions with their answers, standards."""

    def __init__(self, head: CatalogueHead, parts: Mapping[str, Part]) -> None:
        self.vocabulary = list(head.answers)
        self.rules = {r.id: r for p in parts.values() for r in p.rules}
        self.standards = {s.id: s for p in parts.values() for s in p.standards}

    def answers(self, rule: Rule) -> list[str]:
        return list(rule.answers) if rule.answers else self.vocabulary


def cross_check(
    head: CatalogueHead, parts: Mapping[str, Part], where: Callable[[str], str]
) -> Iterator[CatalogueProblem]:
    """Every problem that needs more than one file (or section) to see."""
    refs = _Refs(head, parts)
    yield from _unique(parts, where)
    yield from _categorisation(parts, refs, where)
    yield from _works_question(parts, refs, where)
    yield from _standards(parts, refs, where)
    for name, part in parts.items():
        for rule in part.rules:
            for reason in _rule(rule, head, refs):
                yield CatalogueProblem(where(name), rule.id, reason)


def _unique(parts: Mapping[str, Part], where: Callable[[str], str]) -> Iterator[CatalogueProblem]:
    seen: dict[str, str] = {}
    for name, part in parts.items():
        items: list[Rule | Standard] = [*part.rules, *part.standards]
        for item in items:
            if item.id in seen:
                yield CatalogueProblem(where(name), item.id, f"id already used in {seen[item.id]}")
            seen.setdefault(item.id, name)


def _categorisation(
    parts: Mapping[str, Part], refs: _Refs, where: Callable[[str], str]
) -> Iterator[CatalogueProblem]:
    found = [(n, p.categorisation) for n, p in parts.items() if p.categorisation is not None]
    if len(found) != 1:
        files = ", ".join(n for n, _ in found) or "no file"
        yield CatalogueProblem(
            where("catalogue.yaml"),
            "categorisation",
            f"exactly one file must hold the categorisation; found it in {files}",
        )
        return
    name, cat = found[0]
    assert cat is not None
    question = refs.rules.get(cat.override_question)
    if question is None:
        yield CatalogueProblem(
            where(name),
            "categorisation",
            f"override_question {cat.override_question!r} is not a rule",
        )
    elif (
        question.weight != 0 or not question.answers or not set(question.answers) <= set(CATEGORIES)
    ):
        yield CatalogueProblem(
            where(name),
            question.id,
            f"the override question must have weight 0 and answers among {list(CATEGORIES)}",
        )
    for rule in cat.rules:
        for reason in _condition(rule.when, refs, allow_category=False):
            yield CatalogueProblem(where(name), rule.id, f"when: {reason}")


def _works_question(
    parts: Mapping[str, Part], refs: _Refs, where: Callable[[str], str]
) -> Iterator[CatalogueProblem]:
    for name, part in parts.items():
        question = part.inference.works_question if part.inference is not None else None
        if question is None:
            continue
        rule = refs.rules.get(question)
        if rule is None:
            yield CatalogueProblem(where(name), "works_question", f"{question!r} is not a rule")
        elif rule.weight != 0 or not rule.answers or not set(rule.answers) <= set(WORKS_ANSWERS):
            yield CatalogueProblem(
                where(name),
                question,
                f"the works question must have weight 0 and answers among {list(WORKS_ANSWERS)}",
            )


def _standards(
    parts: Mapping[str, Part], refs: _Refs, where: Callable[[str], str]
) -> Iterator[CatalogueProblem]:
    for name, part in parts.items():
        for standard in part.standards:
            if standard.applies_when is None:
                continue
            for reason in _condition(standard.applies_when, refs, allow_category=True):
                yield CatalogueProblem(where(name), standard.id, f"applies_when: {reason}")
            if _cycle(standard, refs.standards):
                yield CatalogueProblem(
                    where(name),
                    standard.id,
                    "applies_when: standards refer to each other in a cycle",
                )


def _cycle(start: Standard, standards: Mapping[str, Standard]) -> bool:
    stack, seen = [start.id], set()
    while stack:
        current = standards.get(stack.pop())
        if current is None or current.applies_when is None:
            continue
        for cond in walk(current.applies_when):
            if cond.standard == start.id:
                return True
            if cond.standard and cond.standard not in seen:
                seen.add(cond.standard)
                stack.append(cond.standard)
    return False


def _rule(rule: Rule, head: CatalogueHead, refs: _Refs) -> Iterator[str]:
    if rule.standard not in refs.standards:
        yield f"standard {rule.standard!r} is not defined"
    principles = {p.id: p for p in head.principles}
    if rule.principle is not None and rule.principle not in principles:
        yield f"principle {rule.principle!r} is not one of {sorted(principles)}"
    elif rule.element is not None:
        elements = (
            {e.id for e in principles[rule.principle or ""].elements} if rule.principle else set()
        )
        if rule.element not in elements:
            yield f"element {rule.element!r} is not an element of principle {rule.principle}"
    if (
        rule.answers
        and not rule.trigger
        and not set(rule.answers) <= set(refs.vocabulary)
        and not (set(rule.answers) <= set(CATEGORIES))
    ):
        yield f"answers {rule.answers} must be among {refs.vocabulary}"
    if rule.check is not None:
        yield from _check(rule)
    for label, cond in (
        ("applies_when", rule.applies_when),
        ("red_flag.when", rule.red_flag.when if rule.red_flag else None),
    ):
        if cond is not None:
            for reason in _condition(cond, refs, allow_category=True):
                yield f"{label}: {reason}"


def _check(rule: Rule) -> Iterator[str]:
    assert rule.check is not None
    if rule.trigger:
        yield "a trigger question cannot also be an automatic check"
    known = CHECKS.get(rule.check.name)
    if known is None:
        yield f"unknown check {rule.check.name!r} (known: {', '.join(sorted(CHECKS))})"
        return
    try:
        known[0].model_validate(rule.check.params)
    except ValidationError as exc:
        for error in exc.errors():
            field = ".".join(map(str, error["loc"]))
            yield f"check {rule.check.name}: {field}: {error['msg']}"


def _condition(cond: Condition, refs: _Refs, *, allow_category: bool) -> Iterator[str]:
    for c in walk(cond):
        if c.category_in is not None and not allow_category:
            yield "the categorisation cannot depend on the category (category_in)"
        if c.answer is not None:
            rule = refs.rules.get(c.answer.question)
            if rule is None or rule.question is None:
                yield f"answer: {c.answer.question!r} is not a question of this catalogue"
            else:
                bad = sorted(set(c.answer.values) - set(refs.answers(rule)))
                if bad:
                    yield f"answer: {bad} are not answers of {rule.id} ({refs.answers(rule)})"
        if c.standard is not None and c.standard not in refs.standards:
            yield f"standard: {c.standard!r} is not defined"
        for value in c.instrument_in or []:
            if value not in _INSTRUMENTS:
                yield f"instrument_in: {value!r} is not one of {sorted(_INSTRUMENTS)}"
        for value in c.stage_in or []:
            if value not in _STAGES:
                yield f"stage_in: {value!r} is not one of {sorted(_STAGES)}"
