"""Mineral-system templates: the evidence model of a deposit type as a fuzzy inference network.

A template (YAML in ``cajad/data/minerals/templates/``) names the mineral system and its
critical-mineral commodities, the evidence criteria of its mineral-system model (source, pathway,
trap, ...) each with the evidence layer it expects, a fuzzy membership and a note, the published
model it follows, the derived layers it makes from the evidence (``derive``, e.g.
``distance:faults``; see :mod:`cajad.minerals.derive`), and, for the Central Asia demo (no
geology rasters), which proximity layers of related deposit types stand in and which bundled
deposit types train it. Criteria of one component combine by fuzzy OR (any proxy of it will
do); components combine by fuzzy gamma.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cajad.data import data_path
from cajad.minerals.derive import Derivation
from cajad.minerals.errors import EvidenceError
from cajad.minerals.fuzzy import Membership, parse_network
from cajad.minerals.run import RunConfig
from cajad.minerals.sites import SYSTEMS

__all__ = [
    "Criterion",
    "DemoSpec",
    "Template",
    "TemplateError",
    "check_evidence",
    "load_template",
    "template_config",
    "template_names",
]

TEMPLATE_DIR = data_path("minerals", "templates")
Component = Literal["source", "pathway", "trap", "preservation"]


class TemplateError(EvidenceError):
    """A template file that cannot be read or fails validation."""


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Criterion(_Spec):
    """One evidence criterion: its mineral-system component, the layer that maps it, and how."""

    name: str = Field(min_length=1)
    component: Component
    layer: str = Field(min_length=1)
    membership: Membership
    note: str = Field(min_length=1)


def _network(criteria: list[Criterion], gamma: float) -> dict[str, Any]:
    """Gamma over components, fuzzy OR within one (a single criterion stands alone)."""
    components: dict[str, list[dict[str, Any]]] = {}
    for c in criteria:
        leaf = {"layer": c.layer, "membership": c.membership.model_dump(), "note": c.name}
        components.setdefault(c.component, []).append(leaf)
    nodes = [v[0] if len(v) == 1 else {"op": "or", "inputs": v} for v in components.values()]
    return {"op": "gamma", "gamma": gamma, "inputs": nodes}


def _check_systems(systems: list[str], field: str) -> None:
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        raise ValueError(f"{field}: unknown deposit type(s) {unknown}; known: {list(SYSTEMS)}")


class DemoSpec(_Spec):
    """The Central Asia demo of a template: bundled deposit types that train and validate it (and
    sites of other types listing one of ``training_commodities``), the evidence layers built from
    other deposit types, and criteria over those stand-ins."""

    training_systems: list[str] = Field(min_length=1)
    training_commodities: list[str] = Field(default_factory=list)
    evidence: dict[str, str] = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)
    folds: int = Field(default=5, ge=2)
    note: str = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> DemoSpec:
        _check_systems(self.training_systems, "training_systems")
        _check_systems(list(self.evidence.values()), "evidence")
        leak = set(self.training_systems) & set(self.evidence.values())
        if leak:
            raise ValueError(f"evidence: training deposit types {sorted(leak)} cannot be evidence")
        layers = {*self.evidence, "density_other_sites"}
        bad = [c.layer for c in self.criteria if c.layer not in layers]
        if bad:
            raise ValueError(f"criteria: layer(s) {bad} are not demo layers {sorted(layers)}")
        return self


class Template(_Spec):
    """A mineral-system template (see the module docstring)."""

    name: str = Field(pattern=r"^[a-z0-9-]+$")
    mineral_system: str = Field(min_length=1)
    commodities: list[str] = Field(min_length=1)
    deposit_types: list[str] = Field(min_length=1)
    reference: str = Field(min_length=1)
    gamma: float = Field(ge=0, le=1)
    criteria: list[Criterion] = Field(min_length=1)
    demo: DemoSpec
    derive: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_types(self) -> Template:
        _check_systems(self.deposit_types, "deposit_types")
        for recipe in self.derive:
            Derivation.parse(recipe)  # an EvidenceError (a ValueError) names the bad recipe
        parse_network(self.network())
        parse_network(self.demo_network())
        return self

    def layers(self) -> list[str]:
        """Evidence layers the template expects: file stems in the evidence folder, or layers
        its ``derive`` recipes make from them."""
        return list(dict.fromkeys(c.layer for c in self.criteria))

    def derivations(self) -> list[Derivation]:
        """The derived layers the template asks for (``derive``, e.g. ``distance:faults``)."""
        return [Derivation.parse(r) for r in self.derive]

    def network(self) -> dict[str, Any]:
        """The fuzzy inference network over the user's evidence layers (dict form)."""
        return _network(self.criteria, self.gamma)

    def demo_network(self) -> dict[str, Any]:
        """The fuzzy network over the demo's stand-in layers."""
        return _network(self.demo.criteria, self.gamma)


def template_names() -> list[str]:
    """Names of the bundled templates."""
    return sorted(p.stem for p in TEMPLATE_DIR.glob("*.yaml"))


def load_template(name_or_path: str | Path) -> Template:
    """A bundled template by name (``li-pegmatite``) or a template file by path; a bad file
    raises :class:`TemplateError` naming the file, the field and the reason."""
    path = Path(name_or_path)
    if not path.suffix:
        path = TEMPLATE_DIR / f"{name_or_path}.yaml"
        if not path.is_file():
            raise TemplateError(
                f"no template {str(name_or_path)!r}; bundled: {', '.join(template_names())}"
            )
    return _load(path)


def _load(path: Path) -> Template:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"{path}: cannot read the template: {exc}") from exc
    try:
        return Template.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()
        )
        raise TemplateError(f"{path}: {problems}") from exc


def template_config(template: Template, base: RunConfig, *, demo: bool = False) -> RunConfig:
    """``base`` with the template recorded and, for the fuzzy model, its network (the demo's
    stand-in network and fold count when ``demo``)."""
    network = template.demo_network() if demo else template.network()
    folds = template.demo.folds if demo else base.n_splits
    fuzzy = network if base.model == "fuzzy" else None
    derive = base.derive if demo else list(dict.fromkeys([*base.derive, *template.derive]))
    return replace(
        base,
        template=template.name,
        fuzzy=fuzzy,
        n_splits=min(base.n_splits, folds),
        derive=derive,
    )


def check_evidence(template: Template, folder: str | Path) -> None:
    """Raise :class:`TemplateError` naming every evidence layer of ``template`` that has no
    GeoTIFF (``<layer>.tif``) in ``folder``."""
    found = {p.stem for p in Path(folder).glob("*.tif")} | {
        p.stem for p in Path(folder).glob("*.tiff")
    }
    found |= {d.name for d in template.derivations() if d.source in found}
    missing = [name for name in template.layers() if name not in found]
    if missing:
        raise TemplateError(
            f"template {template.name} needs evidence layer(s) {', '.join(missing)} "
            f"(files {', '.join(m + '.tif' for m in missing)}) in {folder}; "
            f"found: {', '.join(sorted(found)) or 'none'}"
        )
