"""Loading a criteria catalogue: YAML files, validated, cross-checked, compiled.

Catalogues ship in ``cajad/data/screening/<version>/``. Every problem found at load is reported
with its file, the rule (or section) and the reason, and the catalogue is refused whole. A
catalogue's digest is the SHA-256 of its parsed content, so edits that change no meaning
(comments, layout) keep the digest, and any other edit changes it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

try:  # libyaml's parser when PyYAML was built with it; the constructors stay the safe ones
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]
from pydantic import BaseModel, ValidationError

from cajad.data import data_path
from cajad.screening.checks import CHECKS, DocumentMatcher
from cajad.screening.conditions import Condition, Predicate, compile_condition, walk
from cajad.screening.crosscheck import cross_check
from cajad.screening.errors import CatalogueError, CatalogueProblem
from cajad.screening.fitted import FittedModel
from cajad.screening.inference import CompiledTable
from cajad.screening.schema import CatalogueHead, Categorisation, Part, Rule, Standard
from cajad.screening.verdict import Finding, MissingEvidence

BUNDLED = data_path("screening")
M = TypeVar("M", bound=BaseModel)
HEAD = "catalogue.yaml"


class Catalogue:
    """A validated catalogue with its conditions compiled."""

    def __init__(self, head: CatalogueHead, parts: Mapping[str, Part], content: dict[str, Any]):
        self.head = head
        self.version = head.version
        self.content = content
        self.digest = content_digest(content)
        categorisation = [p.categorisation for p in parts.values() if p.categorisation]
        self.categorisation: Categorisation = categorisation[0]
        tables = [p.inference for p in parts.values() if p.inference is not None]
        self.inference = CompiledTable(tables[0]) if tables else None
        models = [p.fitted for p in parts.values() if p.fitted is not None]
        self.fitted: FittedModel | None = models[0] if models else None
        self.standards: tuple[Standard, ...] = tuple(
            _ordered([s for p in parts.values() for s in p.standards])
        )
        self.rules: tuple[Rule, ...] = tuple(r for p in parts.values() for r in p.rules)
        self.rule_file = {r.id: f for f, p in parts.items() for r in p.rules}
        self.by_id = {r.id: r for r in self.rules}
        self.principles = {p.id: p for p in head.principles}
        self.category_predicates = [
            (r, compile_condition(r.when)) for r in self.categorisation.rules
        ]
        self.standard_predicates = [(s, _maybe(s.applies_when)) for s in self.standards]
        self.rule_predicates = {r.id: _maybe(r.applies_when) for r in self.rules}
        self.plan = [(r, self.rule_predicates[r.id]) for r in self.rules]
        # What a rule without (or with only claimed) evidence adds to the missing evidence.
        self.gaps = {
            (r.id, outcome): MissingEvidence(r.id, r.title, r.evidence or "", outcome, r.principle)
            for r in self.rules
            if r.weight > 0 or r.required
            for outcome in ("missing", "claimed")
        }
        self.flag_predicates = {
            r.id: _maybe(r.red_flag.when) for r in self.rules if r.red_flag is not None
        }
        self.check_params = {
            r.id: CHECKS[r.check.name][0].model_validate(r.check.params)
            for r in self.rules
            if r.check is not None
        }
        self.document_matchers = {
            r.id: DocumentMatcher(r.documents) for r in self.rules if r.documents is not None
        }
        self.credit: dict[str, float] = {str(k): v for k, v in head.grading.credit.items()}
        # The finding of a question nobody answered and no document satisfies, made once.
        self.unanswered = {
            r.id: Finding(
                r.id, r.title, r.standard, r.principle, "missing", r.weight, 0.0, "question",
                "not answered" + ("; no register document matches" if r.documents else ""),
            )
            for r in self.rules
            if r.question is not None and r.check is None
        }  # fmt: skip
        self.layer_radius_km = _layer_radius(self)

    def as_dict(self) -> dict[str, Any]:
        """The catalogue as one JSON-ready object (what ``cajad catalogue --json`` prints)."""

        def dump(model: BaseModel) -> Any:
            return model.model_dump(mode="json", by_alias=True, exclude_none=True)

        return {
            "version": self.version,
            "digest": self.digest,
            "title": self.head.title,
            "published": self.head.published.isoformat(),
            "description": self.head.description,
            "sources": self.head.sources,
            "principles": [p.model_dump(mode="json") for p in self.head.principles],
            "grading": self.head.grading.model_dump(mode="json"),
            "categorisation": dump(self.categorisation),
            "standards": [dump(s) for s in self.standards],
            "rules": [dump(r) for r in self.rules],
        }

    def allowed_answers(self, rule: Rule) -> list[str]:
        """The values a reviewer may give for ``rule``."""
        return list(rule.answers) if rule.answers else list(self.head.answers)


def _maybe(cond: Condition | None) -> Predicate | None:
    return compile_condition(cond) if cond is not None else None


def _layer_radius(catalogue: Catalogue) -> float:
    radii = [
        float(c.near_sensitive.within_km)
        for cond in _conditions(catalogue)
        for c in walk(cond)
        if c.near_sensitive is not None
    ]
    radii += [
        float(p.within_km) for p in catalogue.check_params.values() if hasattr(p, "within_km")
    ]
    return max(radii, default=0.0)


def _conditions(catalogue: Catalogue) -> Iterator[Condition]:
    yield from (r.when for r in catalogue.categorisation.rules)
    yield from (s.applies_when for s in catalogue.standards if s.applies_when)
    for rule in catalogue.rules:
        if rule.applies_when:
            yield rule.applies_when
        if rule.red_flag and rule.red_flag.when:
            yield rule.red_flag.when


def content_digest(content: Mapping[str, Any]) -> str:
    text = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def versions(root: Path | None = None) -> list[str]:
    """The catalogue versions under ``root`` (default: the bundled ones), oldest first."""
    folder = root or BUNDLED
    return sorted(p.name for p in folder.iterdir() if (p / HEAD).is_file())


def latest_version(root: Path | None = None) -> str:
    found = versions(root)
    if not found:
        raise CatalogueError(f"no catalogue under {root or BUNDLED}")
    return found[-1]


def load_catalogue(version: str | None = None, *, root: Path | None = None) -> Catalogue:
    """The catalogue ``version`` (default: the latest) under ``root`` (default: bundled)."""
    if root is None and version is not None and Path(version).is_dir():
        return load_folder(Path(version))
    if root is None:
        return _bundled(version or latest_version())
    return load_folder(root / (version or latest_version(root)))


@cache
def _bundled(version: str) -> Catalogue:
    folder = BUNDLED / version
    if not (folder / HEAD).is_file():
        known = ", ".join(versions()) or "none"
        raise CatalogueError(f"no catalogue version {version!r} (bundled: {known})")
    return load_folder(folder)


def load_folder(folder: Path) -> Catalogue:
    """Read, validate and compile the catalogue in ``folder``; refuse it on any problem."""
    problems: list[CatalogueProblem] = []
    raw_head = _read_yaml(folder / HEAD, problems)
    if raw_head is None:
        raise CatalogueError(f"catalogue {folder} refused", problems)
    content: dict[str, Any] = {HEAD: raw_head}
    for name in raw_head.get("include") or [] if isinstance(raw_head, dict) else []:
        if not isinstance(name, str) or "/" in name or "\\" in name or not name.endswith(".yaml"):
            problems.append(
                CatalogueProblem(str(folder / HEAD), "include", f"bad file name {name!r}")
            )
            continue
        raw = _read_yaml(folder / name, problems)
        if raw is not None:
            content[name] = raw
    catalogue = from_content(content, folder=str(folder), problems=problems)
    if catalogue.version != folder.name:
        problems.append(
            CatalogueProblem(
                str(folder / HEAD),
                "version",
                f"version {catalogue.version!r} must equal its folder name {folder.name!r}",
            )
        )
        raise CatalogueError(f"catalogue {folder} refused", problems)
    return catalogue


def from_content(
    content: Mapping[str, Any], *, folder: str = "", problems: list[CatalogueProblem] | None = None
) -> Catalogue:
    """A catalogue from parsed files ``{file name: data}`` (as stored with screenings)."""
    problems = problems if problems is not None else []
    where = (lambda name: str(Path(folder) / name)) if folder else (lambda name: name)
    head = _validate(CatalogueHead, content.get(HEAD), where(HEAD), problems)
    parts: dict[str, Part] = {}
    for name, raw in content.items():
        if name != HEAD:
            part = _validate(Part, raw, where(name), problems)
            if part is not None:
                parts[name] = part
    if head is not None and not problems:
        missing = [n for n in head.include if n not in content]
        problems.extend(CatalogueProblem(where(HEAD), "include", f"{n} not found") for n in missing)
        problems.extend(cross_check(head, parts, where))
    if problems or head is None:
        raise CatalogueError(f"catalogue {folder or 'content'} refused", problems)
    return Catalogue(head, parts, dict(content))


class _NoDuplicates(_SafeLoader):
    """Safe YAML that refuses a key given twice in one mapping; booleans are only true/false.

    YAML 1.1 reads ``yes``, ``no``, ``on`` and ``off`` as booleans, which would turn the
    answer ``no`` into ``False``; like YAML 1.2, this loader keeps them as text.
    """


_NoDuplicates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_NoDuplicates.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _mapping(loader: _NoDuplicates, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_NoDuplicates.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _read_yaml(path: Path, problems: list[CatalogueProblem]) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_NoDuplicates)
    except OSError as exc:
        problems.append(CatalogueProblem(str(path), "-", f"cannot read: {exc.strerror}"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(CatalogueProblem(f"{path}{line}", "-", f"not valid YAML: {reason}"))
        return None
    if not isinstance(data, dict):
        problems.append(CatalogueProblem(str(path), "-", "the file must hold a mapping"))
        return None
    return _plain(data)


def _plain(value: Any) -> Any:
    """YAML data made JSON-ready (dates as ISO text), so content and snapshot agree."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _validate(model: type[M], raw: Any, file: str, problems: list[CatalogueProblem]) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            rule, field = _locate(raw, error["loc"])
            problems.append(CatalogueProblem(file, rule, f"{field}: {error['msg']}"))
        return None


def _locate(raw: Any, loc: tuple[int | str, ...]) -> tuple[str, str]:
    """The rule (by id when it has one) and the field a validation error points at."""
    if len(loc) >= 2 and loc[0] in ("rules", "standards", "principles") and isinstance(loc[1], int):
        items = raw.get(loc[0]) if isinstance(raw, dict) else None
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        ident = item.get("id") if isinstance(item, dict) else None
        name = str(ident) if ident else f"{loc[0]}[{loc[1]}]"
        return name, ".".join(map(str, loc[2:])) or "(item)"
    if len(loc) >= 3 and loc[:2] == ("categorisation", "rules") and isinstance(loc[2], int):
        items = raw["categorisation"]["rules"]
        item = items[loc[2]] if loc[2] < len(items) else None
        ident = item.get("id") if isinstance(item, dict) else None
        return str(ident or f"categorisation.rules[{loc[2]}]"), ".".join(map(str, loc[3:]))
    return (str(loc[0]) if loc else "-"), ".".join(map(str, loc[1:])) or "(section)"


def _ordered(standards: list[Standard]) -> list[Standard]:
    """Standards so that each comes after the standards its condition refers to."""
    by_id = {s.id: s for s in standards}
    done: dict[str, Standard] = {}

    def visit(standard: Standard, path: tuple[str, ...]) -> None:
        if standard.id in done or standard.id in path:
            return
        for ref in _standard_refs(standard.applies_when):
            if ref in by_id:
                visit(by_id[ref], (*path, standard.id))
        done[standard.id] = standard

    for standard in standards:
        visit(standard, ())
    return list(done.values())


def _standard_refs(cond: Condition | None) -> list[str]:
    return [c.standard for c in walk(cond) if c.standard] if cond else []
