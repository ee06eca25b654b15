"""Small reads of the register the portal needs: titles and the rates table's version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Engine, select

from cajad.register import rates_version, title_of, titles
from cajad.register.models import FxRate, Project
from cajad.register.store import session_scope


def test_titles_of_the_projects_held(engine: Engine) -> None:
    with session_scope(engine) as session:
        some = list(session.scalars(select(Project).order_by(Project.identifier).limit(2)))
        wanted = [p.identifier for p in some]
        assert titles(session, [*wanted, "no-such-project"]) == {
            p.identifier: p.title for p in some
        }
        assert titles(session, []) == {}
        assert title_of(session, wanted[0]) == some[0].title
        assert title_of(session, "no-such-project") is None


def test_the_rates_version_changes_when_a_rate_is_added(engine: Engine) -> None:
    with session_scope(engine) as session:
        before = rates_version(session)
        assert before[0] > 0
        model = session.scalars(select(FxRate).limit(1)).one()
        copy = {c.key: getattr(model, c.key) for c in FxRate.__table__.columns if c.key != "id"}
        copy["period_start"] = dt.date(1901, 1, 1)
        copy["rate"] = Decimal("1.5")
        session.add(FxRate(**copy))
        session.flush()
        after = rates_version(session)
    assert after[0] == before[0] + 1 and after[1] > before[1]
