"""Resolve what a user types (a node id, a place name, a country) to the model's ids.

Matching ignores case, accents and punctuation. An exact id, name or alias wins; otherwise a
name that contains the text is taken when it is the only one. Unknown text raises an error
that lists the closest names.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from cajad.corridor.errors import AmbiguousPlaceError, UnknownPlaceError
from cajad.corridor.model import Network

_SUGGESTIONS = 5


def normalize(text: str) -> str:
    """Lower case, no accents, words joined by single spaces (``"Ålat-Port"`` → ``"alat port"``)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("ə", "e"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.split(r"[^0-9a-z]+", plain)).strip()


def _names(network: Network) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for node in network.nodes.values():
        for text in (node.id, node.name, *node.aliases):
            names.setdefault(normalize(text), set()).add(node.id)
    return names


def resolve_place(network: Network, text: str) -> str:
    """The node id meant by ``text`` (a node id or a place name).

    Raises
    ------
    UnknownPlaceError
        Nothing matches; the closest ids and names are suggested.
    AmbiguousPlaceError
        Several nodes match equally well.
    """
    if text in network.nodes:
        return text
    key = normalize(text)
    names = network.memo.get("place_names")
    if names is None:
        names = network.memo["place_names"] = _names(network)
    exact = names.get(key, set())
    if len(exact) == 1:
        return next(iter(exact))
    partial = exact or {i for name, ids in names.items() if key and key in name for i in ids}
    if len(partial) == 1:
        return next(iter(partial))
    if partial:
        raise AmbiguousPlaceError(text, [_show(network, i) for i in sorted(partial)])
    close = difflib.get_close_matches(key, list(names), n=_SUGGESTIONS, cutoff=0.5)
    suggestions = dict.fromkeys(_show(network, i) for name in close for i in sorted(names[name]))
    raise UnknownPlaceError(text, list(suggestions))


def _show(network: Network, node_id: str) -> str:
    return f"{node_id} ({network.nodes[node_id].name})"


def resolve_country(network: Network, text: str) -> str:
    """The ISO alpha-2 code meant by ``text`` (a code or an English name, any case).

    Raises
    ------
    UnknownPlaceError
        The country is not in the network; close names are suggested.
    """
    upper = text.strip().upper()
    if upper in network.countries:
        return upper
    key = text.strip().casefold()
    for code, name in network.countries.items():
        if name.casefold() == key:
            return code
    if key in network.country_aliases:
        return network.country_aliases[key]
    choices = {name.casefold(): code for code, name in network.countries.items()}
    choices |= dict(network.country_aliases)
    close = difflib.get_close_matches(key, list(choices), n=_SUGGESTIONS, cutoff=0.5)
    shown = dict.fromkeys(f"{choices[c]} ({network.countries[choices[c]]})" for c in close)
    if not shown:
        shown = dict.fromkeys(f"{c} ({n})" for c, n in sorted(network.countries.items()))
    raise UnknownPlaceError(text, list(shown), what="country")
