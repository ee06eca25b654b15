"""Export: valid IATI 2.03 for the whole register or a filter; import → export → import loses
nothing; edits made in cajad reach the export, and nothing else of the source changes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Engine, select

from cajad.iati import NothingToExportError, export_activities, import_file
from cajad.register import (
    Project,
    ProjectFilter,
    audit,
    import_specs,
    load_demo,
    project_spec,
    session_scope,
)
from tests.conftest import bundled_counts
from tests.iati.conftest import REAL, parse, xsd

EU = REAL / "eu-intpa_XI-IATI-EC_INTPA_dportal-p81.xml"


def _states(engine: Engine) -> dict[str, dict[str, object]]:
    with session_scope(engine) as session:
        states = {}
        for project in session.scalars(select(Project)):
            state = audit.canonical(project_spec(project))
            if isinstance(state.get("iati"), dict):
                state["iati"] = {k: v for k, v in state["iati"].items() if k != "version"}
            states[project.identifier] = state
        return states


def test_export_of_the_imported_register_validates_and_reimports_unchanged(
    loaded: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "out.xml"
    report = export_activities(loaded, out)
    assert report.left_out == {}
    assert xsd().validate(parse(out)), xsd().error_log
    again = import_file(loaded, out)
    assert again.created == [] and again.updated == [] and again.refused == 0
    assert len(again.unchanged) == report.written


def test_round_trip_into_a_fresh_register_is_lossless(register: Engine, tmp_path: Path) -> None:
    import_file(register, EU)
    out = tmp_path / "eu.xml"
    export_activities(register, out)
    original = {a.findtext("iati-identifier"): a for a in parse(EU).getroot()}
    for activity in parse(out).getroot():
        source = original[activity.findtext("iati-identifier")]
        assert _xml(activity) == _xml(source)
    fresh = register.url.database
    assert fresh is not None
    copy = Path(fresh).with_name("copy.sqlite")
    from cajad.register import init, make_engine

    second = make_engine(f"sqlite:///{copy}")
    init(second)
    import_file(second, out)
    assert _states(second) == _states(register)
    second.dispose()


def test_filters_pick_projects_by_country_stage_and_prefix(loaded: Engine) -> None:
    stream = io.BytesIO()
    report = export_activities(loaded, stream, where=ProjectFilter(country="KG"))
    root = etree.fromstring(stream.getvalue())
    codes = [set(a.xpath("recipient-country/@code")) for a in root]
    assert report.written == len(root) > 0 and all("KG" in c for c in codes)
    stream = io.BytesIO()
    export_activities(loaded, stream, where=ProjectFilter(identifier_prefix="XM-DAC-47066"))
    ids = etree.fromstring(stream.getvalue()).xpath("//iati-identifier/text()")
    assert ids and all(i.startswith("XM-DAC-47066") for i in ids)
    with pytest.raises(NothingToExportError, match="no project matches"):
        nothing = ProjectFilter(stage="cancelled", country="JP")
        export_activities(loaded, io.BytesIO(), where=nothing)


def test_edits_in_cajad_reach_the_export_and_the_rest_is_kept(
    register: Engine, tmp_path: Path
) -> None:
    import_file(register, EU)
    with session_scope(register) as session:
        project = session.scalars(select(Project).order_by(Project.identifier)).first()
        assert project is not None
        spec = project_spec(project)
    tx = spec.transactions[0]
    edited = spec.model_copy(
        update={
            "title": "A new title",
            "stage": "cancelled",
            "transactions": (tx.model_copy(update={"value": tx.value + 1}), *spec.transactions[1:]),
        }
    )
    import_specs(register, [edited], source="edit")
    stream = io.BytesIO()
    export_activities(register, stream, where=ProjectFilter(identifier_prefix=spec.identifier))
    activity = etree.fromstring(stream.getvalue())[0]
    assert xsd().validate(activity), xsd().error_log
    assert activity.findtext("title/narrative") == "A new title"
    assert activity.find("activity-status").get("code") == "5"
    source = next(
        a for a in parse(EU).getroot() if a.findtext("iati-identifier") == spec.identifier
    )
    for tag in ("contact-info", "policy-marker", "tag", "sector", "participating-org"):
        assert [_xml(e) for e in activity.findall(tag)] == [_xml(e) for e in source.findall(tag)]
    path = _write(tmp_path / "edited.xml", stream.getvalue())
    assert import_file(register, path).updated == [spec.identifier]  # the new source XML
    with session_scope(register) as session:
        project = session.scalar(select(Project).where(Project.identifier == spec.identifier))
        assert project is not None
        state = audit.canonical(project_spec(project))
    assert {k: v for k, v in state.items() if k not in ("iati", "texts")} == {
        k: v for k, v in audit.canonical(edited).items() if k not in ("iati", "texts")
    }
    assert {t["text"] for t in state["texts"] if t["kind"] == "title"} == {"A new title"}
    assert import_file(register, path).unchanged == [spec.identifier]


def test_projects_made_in_cajad_export_as_valid_iati(register: Engine) -> None:
    load_demo(register)
    stream = io.BytesIO()
    report = export_activities(register, stream)
    root = etree.fromstring(stream.getvalue())
    assert xsd().validate(root), xsd().error_log
    projects = bundled_counts()[1]
    assert report.written + len(report.left_out) == projects
    assert report.written >= 0.85 * projects


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _xml(element: etree._Element) -> bytes:
    """An element's XML without its tail (the whitespace after it belongs to its parent)."""
    element.tail = None
    return etree.tostring(element)


def test_export_then_reimport_changes_nothing_on_both_stores(
    empty_engine: Engine, tmp_path: Path
) -> None:
    source = REAL / "iom_XM-DAC-47066_dportal-p115.xml"
    import_file(empty_engine, source)
    out = tmp_path / "iom.xml"
    report = export_activities(empty_engine, out)
    assert report.written == 100 and xsd().validate(parse(out))
    again = import_file(empty_engine, out)
    assert again.updated == [] and len(again.unchanged) == 100
