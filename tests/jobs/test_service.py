"""The jobs service: its state machine, a failing job, a job whose server died, and the
checks of each kind's parameters (field-named refusals)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from cajad.accounts import add_account
from cajad.jobs import (
    JobError,
    JobInputError,
    JobNotFoundError,
    State,
    check_params,
    claim_next,
    fail_stale,
    finish,
    get_job,
    list_jobs,
    report,
    run_job,
    submit,
)
from cajad.jobs.service import one_line
from cajad.register import Actor, AuditEntry, session_scope


@pytest.fixture
def analyst(engine: Engine) -> Actor:
    info, _ = add_account(engine, "analyst@example.org", role="analyst", actor="tests")
    return Actor(info.email, info.id)


def audit_of(engine: Engine, job_id: int) -> list[AuditEntry]:
    with session_scope(engine) as session:
        query = select(AuditEntry).where(
            AuditEntry.entity == "job", AuditEntry.entity_key == str(job_id)
        )
        return list(session.scalars(query.order_by(AuditEntry.id)))


def test_a_job_goes_queued_running_done_under_its_account(engine: Engine, analyst: Actor) -> None:
    params = check_params(engine, "corridor", {"scenario": "more-caspian-ferries"})
    job = submit(engine, "corridor", params, analyst)
    assert (job.state, job.progress, job.account_id) == (State.QUEUED, 0, analyst.account)
    claimed = claim_next(engine, "test-worker")
    assert claimed is not None and claimed.id == job.id and claimed.state is State.RUNNING
    assert claim_next(engine, "another") is None  # one worker takes it
    report(engine, job.id, 40, "comparing")
    assert (get_job(engine, job.id).progress, get_job(engine, job.id).message) == (40, "comparing")
    done = finish(engine, job.id, {"answer": 42})
    assert (done.state, done.progress, done.result) == (State.DONE, 100, {"answer": 42})
    assert done.finished_at is not None and done.started_at is not None
    with pytest.raises(JobError, match="is done"):
        finish(engine, job.id, {})
    entries = audit_of(engine, job.id)
    assert [e.action for e in entries] == ["insert", "update"]
    assert {(e.actor, e.account_id) for e in entries} == {(analyst.name, analyst.account)}
    assert entries[1].after is not None and entries[1].after["state"] == "done"


def test_a_corridor_job_runs_to_its_comparison(engine: Engine, analyst: Actor) -> None:
    raw = {"scenario": "more-caspian-ferries", "origin": "Tashkent", "destination": "Istanbul"}
    job = submit(engine, "corridor", check_params(engine, "corridor", raw), analyst)
    claimed = claim_next(engine, "w")
    assert claimed is not None
    done = run_job(engine, claimed)
    assert done.state is State.DONE, done.error
    assert done.result is not None
    comparison = done.result["comparison"]
    assert comparison["scenario"] == "more-caspian-ferries" and comparison["asked"] is True
    assert list_jobs(engine, account=analyst.account)[0].id == job.id


def test_a_failing_job_keeps_one_line_and_the_worker_goes_on(
    engine: Engine, analyst: Actor
) -> None:
    """A job whose run raises is failed with the first line of the error, no traceback."""
    job = submit(engine, "corridor", {"scenario": "no-such-scenario"}, analyst)  # unchecked
    claimed = claim_next(engine, "w")
    assert claimed is not None
    failed = run_job(engine, claimed)
    assert failed.state is State.FAILED and failed.result is None
    assert failed.error and "\n" not in failed.error and "Traceback" not in failed.error
    assert "no-such-scenario" in failed.error
    assert [e.action for e in audit_of(engine, job.id)] == ["insert", "update"]
    assert one_line(ValueError("first\n  second")) == "first"
    assert one_line(KeyError()) == "KeyError"


def test_a_job_left_running_by_a_dead_server_is_failed(engine: Engine, analyst: Actor) -> None:
    params = check_params(engine, "corridor", {"scenario": "more-caspian-ferries"})
    dead = submit(engine, "corridor", params, analyst)
    assert claim_next(engine, "dead-server") is not None
    alive = submit(engine, "corridor", params, analyst)
    assert claim_next(engine, "live-server") is not None
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert fail_stale(engine, now=now) == []  # both beat just now
    report(engine, alive.id, 10, "still here")
    later = now + dt.timedelta(minutes=3)
    with session_scope(engine) as session:  # only the live one beats again, later
        from cajad.jobs import Job

        job = session.get(Job, alive.id)
        assert job is not None
        job.heartbeat_at = later
    assert fail_stale(engine, now=later) == [dead.id]
    assert get_job(engine, dead.id).state is State.FAILED
    assert "server stopped" in (get_job(engine, dead.id).error or "")
    assert get_job(engine, alive.id).state is State.RUNNING


def test_jobs_are_shown_to_their_account_only(engine: Engine, analyst: Actor) -> None:
    params = check_params(engine, "corridor", {"scenario": "more-caspian-ferries"})
    job = submit(engine, "corridor", params, analyst)
    other, _ = add_account(engine, "other@example.org", role="analyst", actor="tests")
    with pytest.raises(JobNotFoundError):
        get_job(engine, job.id, account=other.id)
    assert list_jobs(engine, account=other.id) == []
    assert [j.id for j in list_jobs(engine)] == [job.id]
    with pytest.raises(JobError, match="signed-in account"):
        submit(engine, "corridor", params, Actor("local:someone"))


#: Parameters refused, and the field each refusal names.
REFUSED: list[tuple[str, dict[str, object], str]] = [
    ("nothing", {}, "kind"),
    ("prospectivity", {"resolution": 1}, "resolution"),
    ("prospectivity", {"resolution": 100_001}, "resolution"),
    ("prospectivity", {"model": "magic"}, "model"),
    ("prospectivity", {"model": "fuzzy"}, "model"),
    ("prospectivity", {"template": "gold-rush"}, "template"),
    ("prospectivity", {"project": "XM-NOT-THERE"}, "project"),
    ("prospectivity", {"folds": 1}, "folds"),
    ("prospectivity", {"surprise": 1}, "surprise"),
    ("corridor", {}, "scenario"),
    ("corridor", {"scenario": "nope"}, "scenario"),
    ("corridor", {"scenario": "more-caspian-ferries", "origin": "Tashkent"}, "destination"),
    (
        "corridor",
        {"scenario": "more-caspian-ferries", "origin": "Atlantis", "destination": "Baku"},
        "origin",
    ),
    (
        "corridor",
        {"scenario": "more-caspian-ferries", "origin": "Baku", "destination": "Baku"},
        "destination",
    ),
    ("corridor", {"scenario": "more-caspian-ferries", "avoid": ["Narnia"]}, "avoid"),
    ("corridor", {"scenario": "more-caspian-ferries", "k": 11}, "k"),
    ("corridor", {"scenario": "more-caspian-ferries", "modes": ["air"]}, "modes"),
]


def test_parameters_are_refused_naming_the_field(engine: Engine) -> None:
    for kind, raw, field in REFUSED:
        with pytest.raises(JobInputError) as refused:
            check_params(engine, kind, raw)
        assert refused.value.field == field, str(refused.value)
        assert refused.value.message


def test_parameters_are_filled_in(engine: Engine) -> None:
    params = check_params(engine, "prospectivity", {"template": "ree", "resolution": "50000"})
    assert params["template"] == "ree" and params["resolution"] == 50_000.0
    assert params["model"] is None and params["folds"] == 5


def test_a_starting_worker_fails_what_a_dead_server_left_running(
    engine: Engine, analyst: Actor
) -> None:
    from cajad.jobs import Job, Worker

    params = check_params(engine, "corridor", {"scenario": "more-caspian-ferries"})
    job = submit(engine, "corridor", params, analyst)
    assert claim_next(engine, "a server that died") is not None
    with session_scope(engine) as session:
        row = session.get(Job, job.id)
        assert row is not None and row.heartbeat_at is not None
        row.heartbeat_at -= dt.timedelta(minutes=3)
    worker = Worker(engine, poll_s=0.05).start()
    try:
        assert get_job(engine, job.id).state is State.FAILED  # at start, before any poll
    finally:
        worker.stop()
    assert not worker.alive


def test_a_heartbeat_is_stale_only_past_two_minutes(engine: Engine, analyst: Actor) -> None:
    """The limit is eight missed 15-second beats: a job silent for exactly two minutes still
    runs; a second more and it is failed."""
    from cajad.jobs import Job
    from cajad.jobs.service import STALE_AFTER
    from cajad.jobs.worker import BEAT_S

    assert STALE_AFTER.total_seconds() == 120 and 8 * BEAT_S == 120
    params = check_params(engine, "corridor", {"scenario": "more-caspian-ferries"})
    job = submit(engine, "corridor", params, analyst)
    assert claim_next(engine, "a-server") is not None
    with session_scope(engine) as session:
        beat = session.get(Job, job.id)
        assert beat is not None and beat.heartbeat_at is not None
        last = beat.heartbeat_at
    assert fail_stale(engine, now=last + STALE_AFTER) == []
    assert get_job(engine, job.id).state is State.RUNNING
    assert fail_stale(engine, now=last + STALE_AFTER + dt.timedelta(seconds=1)) == [job.id]
