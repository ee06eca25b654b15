"""Results of imported activities, read from the stored source XML: typed, exact, in the
activity's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from cajad.iati import import_file
from cajad.iati.results import parse_results, project_results
from cajad.register import load_demo, session_scope
from cajad.register.errors import NotFoundError
from tests.iati.conftest import DATA

EXAMPLE = DATA / "activity-standard-example-annotated.xml"
IDENTIFIER = "AA-AAA-123456789-ABC123"


def test_results_of_an_imported_activity_are_typed_and_exact(register: Engine) -> None:
    import_file(register, EXAMPLE)
    with session_scope(register) as session:
        results = project_results(session, IDENTIFIER)
    assert len(results) == 1
    result = results[0]
    assert (result.type, result.type_name, result.aggregation_status) == ("1", "Output", True)
    assert (result.title, result.description) == ("Result title", "Result description text")
    [indicator] = result.indicators
    assert (indicator.measure, indicator.measure_name, indicator.ascending) == ("1", "Unit", True)
    assert indicator.title == "Indicator title"
    [baseline] = indicator.baselines
    assert baseline.year == 2012 and baseline.iso_date == dt.date(2012, 1, 1)
    assert baseline.value == Decimal("10") and baseline.comment == "Baseline comment text"
    [period] = indicator.periods
    assert (period.start, period.end) == (dt.date(2013, 1, 1), dt.date(2013, 3, 31))
    assert [t.value for t in period.targets] == [Decimal("10")]
    assert [a.value for a in period.actuals] == [Decimal("11")]
    assert period.actuals[0].comment == "Actual comment text"


def test_narratives_follow_the_activity_language_and_values_stay_decimal() -> None:
    xml = """<iati-activity xml:lang="fr"><result type="2">
      <title><narrative xml:lang="en">Outcome</narrative><narrative>Effet</narrative></title>
      <indicator measure="2" ascending="0">
        <title><narrative>Taux</narrative></title>
        <period><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>
          <target value="12.5"/><actual value="0.1"/><actual/></period>
      </indicator></result></iati-activity>"""
    [result] = parse_results(xml)
    assert result.title == "Effet" and result.type_name == "Outcome"
    [indicator] = result.indicators
    assert indicator.ascending is False and indicator.measure_name == "Percentage"
    assert indicator.aggregation_status is None and indicator.baselines == []
    [period] = indicator.periods
    assert period.targets[0].value == Decimal("12.5")
    assert [a.value for a in period.actuals] == [Decimal("0.1"), None]


def test_a_project_without_iati_source_has_no_results_and_unknown_is_refused(
    register: Engine,
) -> None:
    load_demo(register)
    with session_scope(register) as session:
        assert project_results(session, "kg-agriculture-grant-2015") == []
        with pytest.raises(NotFoundError):
            project_results(session, "no-such-project")
