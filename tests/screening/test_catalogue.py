"""The bundled catalogue covers the frameworks; bad catalogue files are refused at load with
the file, the rule and the reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cajad.screening import Catalogue, CatalogueError, load_catalogue, load_folder, versions
from cajad.screening.catalogue import from_content
from tests.screening.conftest import Files, rule_of


def test_bundled_catalogue_covers_qii_ifc_equator_integrity_and_debt(catalogue: Catalogue) -> None:
    # 2026.1 stays bundled so that verdicts recorded under it can still be explained.
    assert versions() == ["2026.1", "2026.2", "2026.3", "2026.4", "2026.5"]
    assert load_catalogue().digest == catalogue.digest
    assert load_catalogue("2026.1").categorisation.rules[0].id == "CAT.FI"
    principles = catalogue.head.principles
    assert [p.id for p in principles] == [f"QII-{i}" for i in range(1, 7)]
    assert all(p.elements for p in principles)
    assert principles[0].elements[0].title == "Setting off a virtuous circle of economic activities"
    standards = {s.id for s in catalogue.standards}
    assert {f"PS{i}" for i in range(1, 9)} | {"EP1", "EP4", "DEBT", "INTEGRITY"} <= standards
    assert {r.category for r in catalogue.categorisation.rules} == {"A", "B", "C", "FI"}
    assert catalogue.categorisation.default.category == "B"
    rules = catalogue.by_id
    assert rules["TR.IATI"].check is not None and rules["TR.IATI"].check.name == "iati_published"
    for rule in ("INT.OWNERSHIP", "INT.PROCUREMENT", "DEBT.DSA", "DEBT.LIMITS", "PS5.RAP"):
        assert rule in rules
    # Every scored rule says which principle it serves, every question what satisfies it.
    assert all(r.principle for r in catalogue.rules if r.weight > 0)
    assert all(r.evidence for r in catalogue.rules if r.question)
    # Every scored principle can be reached by some rule.
    assert {r.principle for r in catalogue.rules if r.weight} == {p.id for p in principles}


def test_the_digest_follows_meaning_not_layout(catalogue: Catalogue) -> None:
    again = from_content(catalogue.content)
    assert again.digest == catalogue.digest


def _set(rule_id: str, key: str, value: object) -> Callable[[Files], None]:
    def edit(files: Files) -> None:
        rule_of(files, rule_id)[key] = value

    return edit


def _duplicate_id(files: Files) -> None:
    files["debt.yaml"]["rules"].append(dict(rule_of(files, "TR.IATI")))


def _cycle(files: Files) -> None:
    standards = files["ifc_ps.yaml"]["standards"]
    by_id = {s["id"]: s for s in standards}
    by_id["PS7"]["applies_when"] = {"standard": "PS8"}
    by_id["PS8"]["applies_when"] = {"standard": "PS7"}


def _works_question_unknown(files: Files) -> None:
    files["inference.yaml"]["inference"]["works_question"] = "EP1.NOPE"


def _scored_works_question(files: Files) -> None:
    rule_of(files, "EP1.WORKS").update(
        trigger=False, weight=1, principle="QII-3", element="QII-3.3"
    )


def _category_depends_on_category(files: Files) -> None:
    files["equator.yaml"]["categorisation"]["rules"][0]["when"] = {"category_in": ["A"]}


BAD = [
    (
        _set("TR.IATI", "check", {"name": "published_somewhere"}),
        "integrity.yaml",
        "TR.IATI",
        "unknown check 'published_somewhere'",
    ),
    (
        _set(
            "SITE.LAYER", "check", {"name": "near_sensitive_area", "kinds": ["x"], "within_km": 500}
        ),
        "ifc_ps.yaml",
        "SITE.LAYER",
        "within_km",
    ),
    (_set("PS1.ESIA", "principle", "QII-9"), "ifc_ps.yaml", "PS1.ESIA", "principle 'QII-9'"),
    (_set("PS1.ESIA", "element", "QII-5.1"), "ifc_ps.yaml", "PS1.ESIA", "not an element of"),
    (_set("PS1.ESIA", "weight", -1), "ifc_ps.yaml", "PS1.ESIA", "weight: Input should be greater"),
    (_set("PS1.ESIA", "evidence", None), "ifc_ps.yaml", "PS1.ESIA", "what evidence satisfies it"),
    (_set("PS1.ESIA", "standard", "PS9"), "ifc_ps.yaml", "PS1.ESIA", "standard 'PS9'"),
    (
        _set("PS1.ESIA", "applies_when", {"answer": {"question": "PS5.LNAD", "in": ["yes"]}}),
        "ifc_ps.yaml",
        "PS1.ESIA",
        "'PS5.LNAD' is not a question",
    ),
    (
        _set("PS1.ESIA", "applies_when", {"answer": {"question": "PS5.LAND", "in": ["maybe"]}}),
        "ifc_ps.yaml",
        "PS1.ESIA",
        "['maybe'] are not answers of PS5.LAND",
    ),
    (
        _set("PS1.ESIA", "applies_when", {"sector_in": ["3226"]}),
        "ifc_ps.yaml",
        "PS1.ESIA",
        "DAC 3- or 5-digit",
    ),
    (
        _set("PS1.ESIA", "applies_when", {"sector_in": ["322"], "stage_in": ["idea"]}),
        "ifc_ps.yaml",
        "PS1.ESIA",
        "exactly one key",
    ),
    (
        _set("PS1.ESIA", "applies_when", {"instrument_in": ["bond"]}),
        "ifc_ps.yaml",
        "PS1.ESIA",
        "'bond' is not one of",
    ),
    (
        _set("PS1.ESIA", "red_flag", {"outcomes": ["failed"], "message": "x"}),
        "ifc_ps.yaml",
        "PS1.ESIA",
        "red_flag.outcomes.0",
    ),
    (_set("PS5.LAND", "weight", 2), "ifc_ps.yaml", "PS5.LAND", "trigger question records a fact"),
    (_set("PS1.ESIA", "id", "ps1 esia"), "ifc_ps.yaml", "ps1 esia", "ids must look like"),
    (_duplicate_id, "debt.yaml", "TR.IATI", "id already used in integrity.yaml"),
    (_cycle, "ifc_ps.yaml", "PS7", "cycle"),
    (_category_depends_on_category, "equator.yaml", "CAT.FI", "cannot depend on the category"),
    (_works_question_unknown, "inference.yaml", "works_question", "'EP1.NOPE' is not a rule"),
    (_set("EP1.WORKS", "answers", ["new", "old"]), "inference.yaml", "EP1.WORKS", "answers among"),
    (_scored_works_question, "inference.yaml", "EP1.WORKS", "weight 0"),
]


@pytest.mark.parametrize(("edit", "file", "rule", "reason"), BAD)
def test_bad_catalogue_is_refused_with_file_rule_and_reason(
    edited: Callable[..., Path], edit: Callable[[Files], None], file: str, rule: str, reason: str
) -> None:
    folder = edited("9.9", edit)
    with pytest.raises(CatalogueError) as caught:
        load_folder(folder)
    problems = [p for p in caught.value.problems if p.file.endswith(file) and p.rule == rule]
    assert any(reason in p.reason for p in problems), caught.value.problems
    assert str(folder / file) in str(caught.value)  # the message names the file too


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("rules:\n  - id: X.Y\n    title: a\n    title: b\n", "duplicate key 'title'"),
        ("rules:\n  - id: X.Y\n   title: a\n", "not valid YAML"),
        ("- just\n- a list\n", "must hold a mapping"),
    ],
)
def test_unreadable_files_are_refused_with_their_place(
    edited: Callable[..., Path], text: str, reason: str
) -> None:
    folder = edited("9.9")
    (folder / "debt.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_folder(folder)
    (problem,) = caught.value.problems
    assert problem.file.startswith(str(folder / "debt.yaml")) and reason in problem.reason


def test_yes_and_no_stay_answers_not_booleans(edited: Callable[..., Path]) -> None:
    folder = edited("9.9")
    text = (folder / "ifc_ps.yaml").read_text(encoding="utf-8").replace("'yes'", "yes")
    (folder / "ifc_ps.yaml").write_text(text.replace("'no'", "no"), encoding="utf-8")
    assert load_folder(folder).by_id["PS5.LAND"].answers == ["yes", "no"]


def test_version_must_match_its_folder_and_includes_must_exist(
    edited: Callable[..., Path],
) -> None:
    def wrong_version(files: Files) -> None:
        files["catalogue.yaml"]["include"].append("extra.yaml")

    with pytest.raises(CatalogueError, match=r"extra\.yaml"):
        load_folder(edited("9.9", wrong_version))
    folder = edited("9.7")
    folder.rename(folder.parent / "9.8")
    with pytest.raises(CatalogueError, match="must equal its folder name"):
        load_folder(folder.parent / "9.8")
    with pytest.raises(CatalogueError, match=r"no catalogue version '1\.0'"):
        load_catalogue("1.0")
