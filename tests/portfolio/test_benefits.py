"""The benefits table: register defaults labelled by part, set values overriding them (audited,
by the right roles), and the plan saying which benefit it used."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from cajad.accounts import NotAllowedError, NotSignedInError, Principal, Role
from cajad.cli import app
from cajad.minerals.tables import ProspectivityRun
from cajad.portfolio import Candidate, Cost, Policy, plan
from cajad.portfolio.benefits import (
    ASSUMED_TEU_PER_YEAR,
    MAX_VALUE,
    authorize_benefit,
    benefit_table,
    clear_benefit,
    corridor_savings,
    evidence_factors,
    set_benefit,
    weakest,
)
from cajad.portfolio.errors import CandidatesError
from cajad.portfolio.from_register import register_candidates, register_problem
from cajad.register import AuditEntry, NotFoundError, Project, session_scope

runner = CliRunner()
PORT = "kz-aktau-port-customs"  # named by the faster-border corridor scenario
URANIUM = "uz-orano-navoiyuran-itochu-south-djengeldi-2025"
BUDGETS = {2025: Decimal("600e9"), 2026: Decimal("600e9")}


def candidate(project: str, benefit: str = "10") -> Candidate:
    cost = Cost(year=2026, amount=Decimal("1e9"), currency="JPY")
    return Candidate(
        project=project,
        costs=(cost,),
        benefit=Decimal(benefit),
        area="connectivity",
        country="KZ",
        benefit_source="default: JPY 1,000 m committed × assumed score 50/100 (not screened)",
    )


def add_run(engine: Engine, project: str, auc: float | None, validation: str) -> int:
    """A recorded run's row as the planner reads it (metrics and links only)."""
    with session_scope(engine) as session:
        target = session.scalar(select(Project).where(Project.identifier == project))
        assert target is not None
        run = ProspectivityRun(
            commodity="uranium",
            model="wofe",
            actor="tests",
            source_dir="/nowhere",
            digest=f"{project}-{auc}-{validation}"[:64],
            metrics={"roc_auc": auc, "validation": validation},
            run_file={},
            map_png=b"",
            curves_png=b"",
            targets_geojson="{}",
            prospectivity_path="p.tif",
            prospectivity_sha256="0" * 64,
            uncertainty_path="u.tif",
            uncertainty_sha256="0" * 64,
            projects=[target],
        )
        session.add(run)
        session.flush()
        return run.id


def test_weakest_kind_wins() -> None:
    assert weakest(["sourced", "fitted"]) == "fitted"
    assert weakest(["fitted", "assumed", "sourced"]) == "assumed"
    assert weakest([]) == "sourced"


def test_a_scenario_project_gets_the_corridor_savings_labelled_assumed(engine: Engine) -> None:
    with session_scope(engine) as session:
        parts = corridor_savings(session, "JPY", 5)
        fewer = corridor_savings(session, "JPY", 1)
        table = benefit_table(session, [candidate(PORT)], "JPY", 5)
    part = parts[PORT]
    assert part.kind == "assumed" and part.add > 0
    assert "faster-border" in part.text and f"{ASSUMED_TEU_PER_YEAR:,} containers" in part.text
    # Linear in the years of the plan (up to rounding of each).
    assert abs(part.add - 5 * fewer[PORT].add) <= Decimal("0.05")
    found = table[PORT]
    assert found.origin == "default" and found.kind == "assumed"
    assert found.value == (Decimal(10) + part.add).quantize(Decimal("0.01"))
    assert [p.name for p in found.parts] == ["screening", "corridor"]
    assert "corridor scenario faster-border" in found.source


def test_prospectivity_evidence_counts_only_when_validated(engine: Engine) -> None:
    """Boundaries: a validated AUC of 0.5 (a coin) leaves the benefit as it is, 0.9 adds 40 %;
    a run that is not validated adds nothing and says so; the latest run decides."""
    add_run(engine, URANIUM, None, "not validated")
    with session_scope(engine) as session:
        part = evidence_factors(session)[URANIUM]
    assert part.factor == 1 and part.kind == "assumed" and "not validated" in part.text
    add_run(engine, URANIUM, 0.5, "spatial block CV")
    with session_scope(engine) as session:
        assert evidence_factors(session)[URANIUM].factor == Decimal("1.000")
    add_run(engine, URANIUM, 0.9, "spatial block CV")
    with session_scope(engine) as session:
        part = evidence_factors(session)[URANIUM]
        table = benefit_table(session, [candidate(URANIUM, "10")], "JPY", 5)
    assert part.factor == Decimal("1.400") and part.kind == "fitted"
    assert table[URANIUM].value == Decimal("14.00") and table[URANIUM].kind == "assumed"


def test_a_set_value_overrides_the_default_and_the_plan_says_so(engine: Engine) -> None:
    policy = Policy(currency="JPY", budgets=BUDGETS)
    with session_scope(engine) as session:
        found = register_candidates(session, "JPY", since=2025)
        target = found[0].project
        set_benefit(session, target, Decimal("123.5"), note="ministry's appraisal")
    with session_scope(engine) as session:
        table = benefit_table(session, found, "JPY", 2)
        problem = register_problem(session, policy)
    assert table[target].value == Decimal("123.5") and table[target].origin == "set"
    assert table[target].kind == "user" and "ministry's appraisal" in table[target].source
    assert table[target].default != table[target].value
    options = {o.project: o.candidate for o in problem.options}
    assert options[target].benefit == Decimal("123.5")
    result = plan(problem, explain_limit=100)
    assert result.why[target].endswith(
        "set (user) by cajad on " + f"{table[target].updated_at:%Y-%m-%d}"
    )
    other = next(k for k in result.why if k != target)
    assert "benefit " in result.why[other] and "register default (assumed)" in result.why[other]


def test_set_refuses_bad_values_and_clear_restores_the_default(engine: Engine) -> None:
    with session_scope(engine, actor="alice") as session:
        set_benefit(session, URANIUM, Decimal(0))  # the lower boundary is allowed
        set_benefit(session, URANIUM, MAX_VALUE, kind="sourced", basis="feasibility study p. 12")
        for bad in (Decimal(-1), MAX_VALUE + 1, Decimal("NaN")):
            with pytest.raises(CandidatesError):
                set_benefit(session, URANIUM, bad)
        with pytest.raises(CandidatesError, match="basis"):
            set_benefit(session, URANIUM, Decimal(1), kind="fitted")
        with pytest.raises(CandidatesError, match="kind"):
            set_benefit(session, URANIUM, Decimal(1), kind="guessed")
        with pytest.raises(NotFoundError):
            set_benefit(session, "no-such-project", Decimal(1))
    with session_scope(engine, actor="alice") as session:
        assert clear_benefit(session, URANIUM) is True
        assert clear_benefit(session, URANIUM) is False
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "project_benefit")
        ).all()
    assert [e.action for e in entries] == ["insert", "update", "delete"]
    assert {e.actor for e in entries} == {"alice"} and entries[1].after["basis"]


def test_who_may_set_a_benefit(engine: Engine) -> None:
    def who(role: Role, *orgs: str) -> Principal:
        return Principal(1, f"{role.value}@example.org", role, frozenset(orgs))

    with session_scope(engine) as session:
        assert authorize_benefit(session, who(Role.ANALYST), URANIUM).role is Role.ANALYST
        assert authorize_benefit(session, who(Role.ADMIN), URANIUM).role is Role.ADMIN
        for refused in (who(Role.VIEWER), who(Role.REVIEWER), who(Role.EDITOR, "nobody")):
            with pytest.raises(NotAllowedError):
                authorize_benefit(session, refused, URANIUM)
        with pytest.raises(NotSignedInError):
            authorize_benefit(session, None, URANIUM)


def test_cli_sets_lists_and_clears(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAJAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    done = runner.invoke(app, ["benefits", "set", URANIUM, "42", "--note", "desk estimate"])
    assert done.exit_code == 0, done.output
    listed = runner.invoke(app, ["benefits", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {r["project"]: r for r in json.loads(listed.stdout)}
    assert rows[URANIUM]["value"] == "42" and rows[URANIUM]["origin"] == "set"
    assert all(r["origin"] == "default" for k, r in rows.items() if k != URANIUM)
    assert all(r["kind"] in ("sourced", "fitted", "assumed", "user") for r in rows.values())
    bad = runner.invoke(app, ["benefits", "set", "--", URANIUM, "-1"])
    assert bad.exit_code == 2 and "benefit must be" in bad.output
    unknown = runner.invoke(app, ["benefits", "set", "no-such-project", "1"])
    assert unknown.exit_code == 2
    cleared = runner.invoke(app, ["benefits", "clear", URANIUM])
    assert cleared.exit_code == 0 and "removed" in cleared.stdout
