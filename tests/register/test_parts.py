"""Creating a project and editing its parts from rows of text (the workspace's forms): every
bad row named by its row and field, shares summed, links and amounts bounded, what the form
does not show kept, the optimistic lock and the audit log as for any edit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from cajad.register import (
    Actor,
    AuditEntry,
    InputError,
    StaleVersionError,
    create_project,
    edit_part,
    edit_project,
    part_items,
    part_rows,
    project_spec,
    project_version,
    session_scope,
)
from cajad.register.views import stored_projects

ALICE = Actor("alice@example.org", 7)


def problems(part: str, rows: list[dict[str, str]]) -> set[tuple[int, str]]:
    with pytest.raises(InputError) as refused:
        part_items(part, rows)
    return {(p.line, p.field) for p in refused.value.problems}


def test_sector_shares_must_sum_to_100_and_codes_be_dac() -> None:
    rows = [{"code": "23210", "percentage": "60"}, {"code": "21020", "percentage": "30"}]
    assert problems("sectors", rows) == {(0, "percentage")}
    assert problems("sectors", [{"code": "99999", "percentage": "100"}]) == {(1, "code")}
    assert problems("sectors", [{"code": "23210", "percentage": "0"}]) == {(1, "percentage")}
    twice = [{"code": "23210", "percentage": "50"}] * 2
    assert problems("sectors", twice) == {(0, "code")}
    # Two decimals rounded by the publisher: a third each is accepted.
    thirds = [{"code": c, "percentage": "33.33"} for c in ("23210", "21020", "11110")]
    assert len(part_items("sectors", thirds)) == 3
    assert part_items("sectors", [{"code": "", "percentage": " "}]) == []  # blank rows drop


def test_countries_and_regions() -> None:
    items = part_items(
        "countries", [{"code": "uz", "percentage": "70"}, {"code": "619", "percentage": "30"}]
    )
    assert [(i["code"], i["is_region"], i["vocabulary"]) for i in items] == [
        ("UZ", False, None),
        ("619", True, "1"),
    ]
    assert problems("countries", [{"code": "XX", "percentage": "100"}]) == {(1, "code")}


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "ftp://x.org/a", ""]
)
def test_a_document_link_is_http_only(url: str) -> None:
    assert problems("documents", [{"title": "Report", "url": url}]) == {(1, "url")}


def test_transactions_are_checked_field_by_field_and_numbered() -> None:
    bad = {"ref": "", "type": "99", "date": "2025-02-30", "amount": "ten", "currency": "YEN"}
    assert problems("transactions", [bad]) == {
        (1, "type"),
        (1, "date"),
        (1, "amount"),
        (1, "currency"),
    }
    huge = {"ref": "", "type": "2", "date": "2025-12-20", "amount": "1e16", "currency": "JPY"}
    assert problems("transactions", [huge]) == {(1, "amount")}
    good = {
        "ref": "",
        "type": "2",
        "date": "2025-12-20",
        "amount": "1,500,000.50",
        "currency": "jpy",
    }
    items = part_items("transactions", [good, {**good, "ref": "T1"}, good])
    assert sorted(i["ref"] for i in items) == [
        "T1",
        "T2",
        "T3",
    ]
    assert items[0]["value"] == Decimal("1500000.50") and items[0]["currency"] == "JPY"
    assert problems("transactions", [{**good, "ref": "A"}, {**good, "ref": "A"}]) == {(0, "ref")}


def test_locations_have_bounded_coordinates_both_or_neither() -> None:
    """The policy's boundaries: ±90° latitude and ±180° longitude are accepted, a hair past
    them is refused; a coordinate without the other is refused; a place may have none."""
    edge = [
        {"name": "North pole", "latitude": "90", "longitude": "-180"},
        {"name": "Somewhere south", "latitude": "-90", "longitude": "180"},
        {"name": "Tashkent", "latitude": "41.311081", "longitude": "69.240562"},
        {"name": "Unplaced site", "latitude": "", "longitude": ""},
    ]
    items = part_items("locations", edge)
    assert [(i["latitude"], i["longitude"]) for i in items] == [
        (Decimal(90), Decimal(-180)),
        (Decimal(-90), Decimal(180)),
        (Decimal("41.311081"), Decimal("69.240562")),
        (None, None),
    ]
    past = [
        {"name": "a", "latitude": "90.00000001", "longitude": "0"},
        {"name": "b", "latitude": "0", "longitude": "-180.00000001"},
        {"name": "c", "latitude": "41.3", "longitude": ""},
        {"name": "d", "latitude": "", "longitude": "69.2"},
        {"name": "", "latitude": "north", "longitude": "1e400"},
        {"name": "x" * 301, "latitude": "1.123456789", "longitude": "NaN"},
    ]
    assert problems("locations", past) == {
        (1, "latitude"),
        (2, "longitude"),
        (3, "longitude"),
        (4, "latitude"),
        (5, "name"),
        (5, "latitude"),
        (5, "longitude"),
        (6, "name"),
        (6, "latitude"),
        (6, "longitude"),
    }
    assert part_items("locations", [{"name": "Almaty", "latitude": "43.2", "longitude": "76.9"}])


def test_participants_need_a_name_and_a_role() -> None:
    rows = [{"organisation": "", "ref": "", "role": "9"}]
    assert problems("participants", rows) == {(1, "organisation"), (1, "role")}
    assert problems("participants", [{"organisation": "JICA\x07", "role": "1"}]) == {
        (1, "organisation")
    }


def test_create_then_edit_parts_keeps_what_the_form_does_not_show(engine: Engine) -> None:
    spec = create_project(
        engine, identifier="XM-NEW-1", title="New", stage="idea", owner="XM-DAC-701-8", actor=ALICE
    )
    assert spec.owner == "XM-DAC-701-8"
    with pytest.raises(InputError) as taken:
        create_project(
            engine, identifier="XM-NEW-1", title="Again", stage="idea", owner=None, actor=ALICE
        )
    assert [p.field for p in taken.value.problems] == ["identifier"]
    with pytest.raises(InputError) as bad:
        create_project(
            engine, identifier="has space", title=" ", stage="later", owner=None, actor=ALICE
        )
    assert {p.field for p in bad.value.problems} == {"identifier", "title", "stage"}

    with session_scope(engine) as session:
        first = project_version(session, "XM-NEW-1")
    imported = {"url": "https://www.jica.go.jp/a.pdf", "title": "Loan", "category": "A09"}
    _spec, second = edit_project(
        engine, "XM-NEW-1", {"documents": [imported]}, based_on=first, actor="import"
    )
    row = {"index": "0", "title": "Loan agreement", "url": imported["url"]}
    edit_part(engine, "XM-NEW-1", "documents", [row], based_on=second, actor=ALICE)
    with session_scope(engine) as session:
        stored = project_spec(stored_projects(session, ["XM-NEW-1"])["XM-NEW-1"])
    # The category, set by an import and not on the form, survives an edit of the title.
    assert [(d.title, d.category) for d in stored.documents] == [("Loan agreement", "A09")]
    assert part_rows(stored, "documents") == [row]

    with pytest.raises(StaleVersionError) as stale:
        edit_part(engine, "XM-NEW-1", "documents", [], based_on=first, actor=ALICE)
    assert any("Loan agreement (by alice@example.org)" in c for c in stale.value.changes)

    with session_scope(engine) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_key == "XM-NEW-1").order_by(AuditEntry.id)
        ).all()
        assert [(e.actor, e.account_id) for e in entries] == [
            (ALICE.name, ALICE.account),
            ("import", None),
            (ALICE.name, ALICE.account),
        ]
        assert (
            entries[0].before is None and entries[2].after["documents"][0]["title"] == row["title"]
        )
