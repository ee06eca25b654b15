"""Which findings explain money left out of the total: the tracker decides, the dashboard shows."""

from __future__ import annotations

from cajad.tracker.quality import NOT_COUNTED, QualityFinding, left_out


def finding(kind: str, project: str) -> QualityFinding:
    return QualityFinding(kind=kind, severity="info", project=project, message=f"{kind} {project}")


def test_left_out_groups_only_money_kinds_in_reading_order() -> None:
    found = [
        finding("outlier", "p1"),
        finding("missing-value-date", "p2"),
        finding("not-counted", "p3"),
        finding("missing-value-date", "p4"),
        finding("unknown-code", "p5"),
    ]
    grouped = left_out(found)
    assert [kind for kind, _ in grouped] == ["not-counted", "missing-value-date"]
    assert [f.project for f in grouped[1][1]] == ["p2", "p4"]


def test_every_money_kind_is_a_kind_the_tracker_reports() -> None:
    from cajad.tracker import quality

    documented = quality.__doc__ or ""
    for kind in NOT_COUNTED:
        assert f"``{kind}``" in documented
    assert left_out([]) == []
