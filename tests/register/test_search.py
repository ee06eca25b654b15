"""Search that finds: accent-, case- and hyphen-insensitive words of titles in every language,
descriptions, participants and sectors, the same on SQLite and PostgreSQL, kept in step with
every write and built by the migration for what the register already held."""

from __future__ import annotations

from importlib import resources

import pytest
from alembic import command
from alembic.config import Config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, func, select

from cajad.register import (
    InputError,
    OrganisationSpec,
    ParticipationSpec,
    Problem,
    Project,
    ProjectFilter,
    ProjectSpec,
    filter_projects,
    import_specs,
    migrate,
    session_scope,
)
from cajad.register.models import ProjectSearch
from cajad.register.search import MAX_WORD, document, normalise, terms, unspaced
from cajad.register.specs import SectorSpec, TextSpec


def _found(engine: Engine, q: str) -> set[str]:
    with session_scope(engine) as session:
        return set(session.scalars(filter_projects(select(Project.identifier), ProjectFilter(q=q))))


def _spec(
    identifier: str = "s-1", title: str = "Rare-Earth Exploration", **kw: object
) -> ProjectSpec:
    return ProjectSpec.model_validate(
        {"identifier": identifier, "title": title, "stage": "mou", **kw}
    )


# --- normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Rare-Earth", "rare earth"),  # hyphen and case
        ("JOGMEC–Kazgeology", "jogmec kazgeology"),  # en dash
        ("Kazgéology  Ñandú", "kazgeology nandu"),  # accents, runs of spaces
        ("ＪＯＧＭＥＣ ２０２５", "jogmec 2025"),  # full-width forms
        ("Ёлки-ПАЛКИ", "елки палки"),  # Cyrillic case and diaeresis
        ("ｶﾞｽ", "ガス"),  # half-width Katakana, voicing kept
        ("ガス・カス", "ガス カス"),  # a voicing mark is not an accent: ガ is not カ
        ("Straße", "strasse"),
        ("日本・中央アジアAI協力", "日本 中央アジアai協力"),
    ],
)
def test_normalisation_folds_case_accents_and_punctuation(text: str, normalised: str) -> None:
    assert normalise(text) == normalised


@given(st.text(max_size=60))
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert terms(once) == terms(text)


@given(st.text(max_size=60))
def test_a_document_holds_every_word_of_its_texts(text: str) -> None:
    words = document([text, None, text]).split()
    assert words == list(dict.fromkeys(w[:MAX_WORD] for w in normalise(text).split()))


def test_words_are_cut_alike_in_documents_and_queries() -> None:
    long = "a" * (MAX_WORD + 50)
    assert document([long]) == "a" * MAX_WORD
    assert terms(long + "b") == ["a" * MAX_WORD]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("レアアース", True), ("希土類", True), ("ภาษาไทย", True), ("rare", False), ("редко", False)],
)
def test_unspaced_scripts_are_those_written_without_spaces(text: str, expected: bool) -> None:
    assert unspaced(text) is expected


# --- matching, on both stores ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("rare earth", True),
        ("RARE-EARTH", True),
        ("earth rare", True),  # every term, in any order
        ("earth", True),  # a word
        ("explor", True),  # the beginning of a word
        ("xplor", False),  # not the middle of a word of a spaced script
        ("rare gold", False),  # every term must be found
        ("редкоземельн", True),  # a Russian stem finds its inflected form
        ("РЕДКОЗЕМЕЛЬНЫХ МЕТАЛЛОВ", True),
        ("земельн", False),
        ("レアアース", True),  # Japanese: anywhere in the unspaced text
        ("アース", True),
        ("ガス", False),
        ("kazgéology", True),  # participants' names
        ("mineral prospection", True),  # the sector's name (DAC 32220)
        ("tantalum", True),  # the description
        ("s-1", True),  # the identifier, as before
        ("---", False),  # no terms, and no identifier holds it
    ],
)
def test_a_query_finds_the_projects_holding_every_term(
    empty_engine: Engine, q: str, found: bool
) -> None:
    spec = _spec(
        description="Survey of tantalum",
        sectors=(SectorSpec(code="32220", percentage=100),),
        participants=(ParticipationSpec(organisation=OrganisationSpec(name="Kazgeology"), role=4),),
        texts=(
            TextSpec(kind="title", text="Rare-Earth Exploration"),
            TextSpec(kind="title", lang="ja", text="レアアース共同探査に関する覚書"),
            TextSpec(kind="title", lang="ru", text="Разведка редкоземельных металлов"),
        ),
    )
    import_specs(empty_engine, [spec, _spec("s-2", "Gas pipeline")], source="test")
    assert _found(empty_engine, q) == ({"s-1"} if found else set())


def test_the_index_follows_imports_updates_and_deletes(empty_engine: Engine) -> None:
    import_specs(empty_engine, [_spec(), _spec("s-2", "Gas pipeline")], source="test")
    assert _found(empty_engine, "earth") == {"s-1"}
    import_specs(empty_engine, [_spec(title="Copper smelter")], source="test")
    assert _found(empty_engine, "earth") == set()
    assert _found(empty_engine, "copper") == {"s-1"}
    with session_scope(empty_engine) as session:
        session.execute(delete(Project).where(Project.identifier == "s-1"))
    with session_scope(empty_engine) as session:
        assert session.scalar(select(func.count()).select_from(ProjectSearch)) == 1
    assert _found(empty_engine, "copper") == set()


def test_a_renamed_organisation_is_found_under_its_new_name(empty_engine: Engine) -> None:
    def named(name: str, identifier: str) -> ProjectSpec:
        org = OrganisationSpec(name=name, ref="XM-9")
        return _spec(identifier, participants=(ParticipationSpec(organisation=org, role=1),))

    import_specs(empty_engine, [named("Foo Agency", "s-1")], source="test")
    import_specs(empty_engine, [named("Bar Holdings", "s-2")], source="test")
    assert _found(empty_engine, "bar holdings") == {"s-1", "s-2"}
    assert _found(empty_engine, "foo") == set()


def test_a_refused_or_dry_import_leaves_the_index_as_it_was(empty_engine: Engine) -> None:
    import_specs(empty_engine, [_spec()], source="test")
    import_specs(empty_engine, [_spec(title="Copper")], source="test", dry_run=True)
    with pytest.raises(InputError):
        problem = Problem("x.csv", 2, "title", "bad")
        import_specs(empty_engine, [_spec(title="Copper")], source="x.csv", problems=[problem])
    assert _found(empty_engine, "copper") == set()
    assert _found(empty_engine, "earth") == {"s-1"}


_WORDY = st.text(
    alphabet=st.sampled_from(list("aAbcéEÖß-–' 1２ЖжёЙ日本語レアアースガｶﾞ・ー")), max_size=30
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=_WORDY)
def test_any_title_is_found_by_any_of_its_words(empty_engine: Engine, title: str) -> None:
    """Each example updates the same project: its new words find it, whatever they were."""
    if not normalise(title):
        title = "x"
    import_specs(empty_engine, [_spec("h-1", title)], source="test")
    for word in normalise(title).split():
        assert _found(empty_engine, word) == {"h-1"}, word
    assert _found(empty_engine, title) == {"h-1"}


# --- the migration --------------------------------------------------------------------------


def test_the_migration_builds_the_index_for_the_projects_already_held(engine: Engine) -> None:
    with session_scope(engine) as session:
        before = session.execute(select(ProjectSearch.project_id, ProjectSearch.words)).all()
    config = Config()
    config.set_main_option("script_location", str(resources.files("cajad.register") / "migrations"))
    config.attributes["engine"] = engine
    command.downgrade(config, "0007")
    migrate(engine)
    with session_scope(engine) as session:
        after = session.execute(select(ProjectSearch.project_id, ProjectSearch.words)).all()
        projects = session.scalar(select(func.count()).select_from(Project))
    assert sorted(after) == sorted(before)
    assert len(after) == projects


# --- the bundled data: the acceptance searches ----------------------------------------------


def _oracle(engine: Engine, needle: str) -> set[str]:
    """Projects whose titles (any language) hold ``needle``, hyphens read as spaces: read in
    Python from the ORM, not through the index."""
    with session_scope(engine) as session:
        found = set()
        for project in session.scalars(select(Project)):
            titles = [project.title, *(t.text for t in project.texts if t.kind == "title")]
            if any(needle in t.lower().replace("-", " ") for t in titles):
                found.add(project.identifier)
        return found


def test_the_rare_earth_searches_find_the_rare_earth_projects(engine: Engine) -> None:
    """'rare earth', 'редкоземельн' and 'レアアース' find exactly the projects whose names hold
    them; the bundled data name the Kazakh rare-earth MoU in English and Russian (none in
    Japanese, where the rare-metal surveys are named レアメタル)."""
    rare_earth = _found(engine, "rare earth")
    assert "kz-jogmec-kazgeology-rare-earths-2015" in rare_earth
    assert "kz-jogmec-kazgeology-rare-earths-2015" in _found(engine, "редкоземельн")
    assert rare_earth == _oracle(engine, "rare earth")
    assert _found(engine, "Rare-Earth") == rare_earth
    for q in ("редкоземельн", "レアアース", "レアメタル"):
        assert _found(engine, q) == _oracle(engine, q), q
    assert _found(engine, "レアメタル") == {
        "uz-jogmec-lolabulak-tantalum-survey-2024",
        "uz-jogmec-south-tianshan-rare-metals-mou-2025",
    }


def test_identifiers_still_match_inside(engine: Engine) -> None:
    assert _found(engine, "kazgeology-rare") == {"kz-jogmec-kazgeology-rare-earths-2015"}
    assert _found(engine, "KZ-JOGMEC") >= {"kz-jogmec-kazgeology-rare-earths-2015"}
