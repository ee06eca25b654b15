"""Progress in a currency outside the rollup (the direct path) read from columns once per call
gives exactly the figures of the ORM version it replaced (issue 16 item 8), on the bundled
deals and on a small generated register, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from sqlalchemy import Engine

from cajad.register import import_specs, session_scope
from cajad.tracker import CountingRule, Dimension, progress
from tests.tracker import progress_orm
from tests.tracker.test_quality_columns import generated

AS_OF = dt.date(2027, 3, 1)
module = importlib.import_module("cajad.tracker.progress")


def _both(engine: Engine, monkeypatch: pytest.MonkeyPatch, **kw: object) -> tuple[dict, dict]:
    with session_scope(engine) as session:
        new = progress(session, as_of=AS_OF, **kw).model_dump()  # type: ignore[arg-type]
        with monkeypatch.context() as m:
            m.setattr(module, "_from_register", progress_orm.from_register)
            old = progress(session, as_of=AS_OF, **kw).model_dump()  # type: ignore[arg-type]
    return new, old


@pytest.mark.parametrize("by", [None, Dimension.PILLAR, Dimension.COUNTRY, Dimension.MONTH])
def test_the_bundled_deals_in_a_currency_outside_the_rollup(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, by: Dimension | None
) -> None:
    new, old = _both(engine, monkeypatch, currency="KZT", by=by)
    assert new["path"] == "direct" and new["total"] > 0
    assert new == old


def test_a_generated_register_and_another_rule(
    empty_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_specs(empty_engine, generated(), source="test")
    rule = CountingRule(stages=("mou", "financing"), include_guarantees=True)
    for currency, by in (("KZT", Dimension.SECTOR), ("JPY", Dimension.ORIGIN)):
        new, old = _both(empty_engine, monkeypatch, rule=rule, currency=currency, by=by)
        assert new["path"] == "direct" and new["transactions"] > 0
        assert new == old
