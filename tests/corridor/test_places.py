"""FROM/TO and countries: ids or names, any case, with close matches when unknown."""

from __future__ import annotations

import pytest

from cajad.corridor import (
    AmbiguousPlaceError,
    Network,
    UnknownPlaceError,
    resolve_country,
    resolve_place,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UZ_TASHKENT", "UZ_TASHKENT"),
        ("uz_tashkent", "UZ_TASHKENT"),
        ("Tashkent", "UZ_TASHKENT"),
        ("TASHKENT", "UZ_TASHKENT"),
        ("xian", "CN_XIAN"),
        ("Xi'an", "CN_XIAN"),
        ("Malaszewicze", "PL_MALASZEWICZE"),
        ("Małaszewicze", "PL_MALASZEWICZE"),
        ("Constanța", "ROCND"),
        ("baku", "AZ_ABSHERON"),
        ("port of baku", "AZ_ALAT"),
        ("Tashkent-Tovarny", "UZ_TASHKENT"),
        ("  yokohama ", "JPYOK"),
    ],
)
def test_places_resolve(network: Network, text: str, expected: str) -> None:
    assert resolve_place(network, text) == expected


def test_unknown_place_lists_close_matches(network: Network) -> None:
    with pytest.raises(UnknownPlaceError) as info:
        resolve_place(network, "Tashkint")
    assert info.value.suggestions[0].startswith("UZ_TASHKENT")
    assert "did you mean" in str(info.value) and "Tashkint" in str(info.value)
    assert isinstance(info.value, LookupError) and isinstance(info.value, ValueError)


def test_nothing_close_gives_no_suggestion(network: Network) -> None:
    with pytest.raises(UnknownPlaceError) as info:
        resolve_place(network, "qqqqqqqq")
    assert info.value.suggestions == ()


def test_ambiguous_place_lists_candidates(network: Network) -> None:
    with pytest.raises(AmbiguousPlaceError) as info:
        resolve_place(network, "station")
    assert len(info.value.candidates) > 5
    assert all("(" in c for c in info.value.candidates)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("RU", "RU"),
        ("ru", "RU"),
        ("Russia", "RU"),
        ("russian federation", "RU"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Egypt", "EG"),
    ],
)
def test_countries_resolve(network: Network, text: str, code: str) -> None:
    assert resolve_country(network, text) == code


def test_unknown_country_suggests(network: Network) -> None:
    with pytest.raises(UnknownPlaceError) as info:
        resolve_country(network, "Rusia")
    assert any(s.startswith("RU") for s in info.value.suggestions)
    assert "unknown country" in str(info.value)
