"""The network: nodes, links, parameters and country names, checked as a whole.

A :class:`Network` is immutable. Scenarios build a new one; routing compiles it once into
arrays (see :mod:`cajad.corridor._graph`) and keeps that with the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from cajad.corridor._metrics import LinkFigures, link_figures
from cajad.corridor._schema import Link, Node, Parameters
from cajad.corridor.errors import NetworkDataError, Problem

if TYPE_CHECKING:
    from cajad.corridor._graph import CompiledGraph

Where = Mapping[str, tuple[str, int]]
"""Where each node or link id was defined: ``{id: (file, line)}``, for error messages."""


class Network:
    """An immutable multimodal network.

    Parameters
    ----------
    nodes, links
        The elements; ids must be unique and every link must join two known nodes.
    parameters
        Defaults and rules for figures the elements leave empty.
    countries
        ISO 3166-1 alpha-2 code → English name; codes used by nodes but missing here are
        named by their code.
    country_aliases
        Other names of countries (lower case) → code, for ``--avoid Turkey``.
    where
        Where each id was defined, so that problems can name file and line.

    Raises
    ------
    NetworkDataError
        Listing every duplicate id, unknown endpoint or figure that cannot be derived.
    """

    def __init__(
        self,
        nodes: Iterable[Node],
        links: Iterable[Link],
        parameters: Parameters,
        *,
        countries: Mapping[str, str] | None = None,
        country_aliases: Mapping[str, str] | None = None,
        where: Where | None = None,
        _base: Network | None = None,
    ) -> None:
        self._where: dict[str, tuple[str, int]] = dict(where or {})
        self._base = _base
        problems: list[Problem] = []
        self._nodes: dict[str, Node] = self._unique(nodes, "node", problems)
        self._links: dict[str, Link] = self._unique(links, "link", problems)
        self._parameters = parameters
        named = dict(countries or {})
        for node in self._nodes.values():
            named.setdefault(node.country, node.country)
        self._countries = named
        self._country_aliases = dict(country_aliases or {})
        self._figures: dict[str, LinkFigures] = {}
        problems.extend(self._resolve_links())
        if problems:
            raise NetworkDataError("the network is invalid", problems)
        self._graph: CompiledGraph | None = None
        self.memo: dict[Any, Any] = {}
        """Per-network cache for prepared search structures (owned by routing)."""

    def _place(self, key: str) -> tuple[str, int]:
        return self._where.get(key, ("<network>", 0))

    def _unique(
        self, items: Iterable[Node] | Iterable[Link], what: str, problems: list[Problem]
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for item in items:
            if item.id in found:
                file, line = self._place(f"{what}:{item.id}")
                problems.append(Problem(file, line, "id", f"duplicate {what} id {item.id!r}"))
            found[item.id] = item
        return found

    def _resolve_links(self) -> list[Problem]:
        problems = []
        for link in self._links.values():
            a, b = self._nodes.get(link.from_node), self._nodes.get(link.to_node)
            if a is None or b is None:
                file, line = self._place(f"link:{link.id}")
                for field, node_id, node in (("from", link.from_node, a), ("to", link.to_node, b)):
                    if node is None:
                        problems.append(Problem(file, line, field, f"unknown node {node_id!r}"))
                continue
            base: Network | None = self._base
            if (
                base is not None
                and base._links.get(link.id) is link
                and base._nodes.get(link.from_node) is a
                and base._nodes.get(link.to_node) is b
            ):
                self._figures[link.id] = base._figures[link.id]  # unchanged: reuse
                continue
            try:
                self._figures[link.id] = link_figures(link, a, b, self._parameters)
            except ValueError as exc:
                file, line = self._place(f"link:{link.id}")
                problems.append(Problem(file, line, "distance_km", f"cannot derive it: {exc}"))
        return problems

    @property
    def nodes(self) -> Mapping[str, Node]:
        """Nodes by id."""
        return MappingProxyType(self._nodes)

    @property
    def links(self) -> Mapping[str, Link]:
        """Links by id (planned ones included; routing uses only ``status == "current"``)."""
        return MappingProxyType(self._links)

    @property
    def parameters(self) -> Parameters:
        """Defaults and rules of the model."""
        return self._parameters

    @property
    def countries(self) -> Mapping[str, str]:
        """Country code → name."""
        return MappingProxyType(self._countries)

    @property
    def country_aliases(self) -> Mapping[str, str]:
        """Other country names (lower case) → code."""
        return MappingProxyType(self._country_aliases)

    @property
    def where(self) -> Where:
        """Where each element was defined (``"node:ID"``/``"link:ID"`` → file, line)."""
        return MappingProxyType(self._where)

    def figures(self, link_id: str) -> LinkFigures:
        """Resolved figures of a link (explicit values or documented defaults)."""
        return self._figures[link_id]

    @property
    def graph(self) -> CompiledGraph:
        """The compiled search graph (built on first use)."""
        if self._graph is None:
            from cajad.corridor._graph import compile_network, patch_network

            base, self._base = self._base, None
            patched = None if base is None else patch_network(base, self)
            self._graph = patched if patched is not None else compile_network(self)
        return self._graph

    def replace(
        self,
        nodes: Iterable[Node] | None = None,
        links: Iterable[Link] | None = None,
        *,
        where: Where | None = None,
    ) -> Network:
        """A new network with other nodes and/or links and the same parameters.

        When only figures change (no element added, removed, re-routed or re-gauged), the new
        network reuses this one's compiled graph and patches the changed arcs.
        """
        return Network(
            self._nodes.values() if nodes is None else nodes,
            self._links.values() if links is None else links,
            self._parameters,
            countries=self._countries,
            country_aliases=self._country_aliases,
            where={**self._where, **(where or {})},
            _base=self,
        )

    def __repr__(self) -> str:
        return f"<Network {len(self._nodes)} nodes, {len(self._links)} links>"
