"""The one-page PDF brief: opened with pypdf, it carries the tracker's own figures (total, share
of the goal, measures, composition, countries) and states rule, rates and data date."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from cajad.cli import app
from cajad.errors import kind_of
from cajad.register import ConversionError, Document, session_scope
from cajad.tracker import CountingRule, Dimension, Measure, Progress, progress
from cajad.tracker.brief import Brief, _Page, brief, money, render

runner = CliRunner()


def _text(pdf: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def _brief(engine: Engine, currency: str, measure: Measure) -> Brief:
    with session_scope(engine) as session:
        return brief(session, currency=currency, measure=measure)


@pytest.mark.parametrize(
    ("currency", "measure"),
    [("JPY", Measure.ANNOUNCED), ("USD", Measure.SIGNED), ("KZT", Measure.ANNOUNCED)],
)
def test_the_brief_carries_the_trackers_figures_on_one_page(
    engine: Engine, currency: str, measure: Measure
) -> None:
    made = _brief(engine, currency, measure)
    with session_scope(engine) as session:
        expected = progress(session, CountingRule(measure=measure), currency=currency)
        by_country = progress(
            session, CountingRule(measure=measure), currency=currency, by=Dimension.COUNTRY
        )
    pages, text = _text(made.pdf)
    assert pages == 1
    assert expected.total > 0
    assert f"Counted: {money(expected.total, currency)} = {expected.share_of_goal} %" in text
    assert money(expected.goal, currency) in text
    for name, value in expected.measures.items():
        assert f"{name} {money(value, currency)}" in text
    for row in by_country.breakdown or []:
        assert f"{row.key} {money(row.total, currency)} {row.share} %" in text
    # Newer trackers split the total by basis and evidence; the brief shows it when there.
    for part in getattr(expected, "composition", []):
        assert f"{part.basis} {part.evidence}" in text
        assert f"{money(part.total, currency)} {part.share} %" in text


def test_the_brief_states_rule_rates_and_data_date(engine: Engine) -> None:
    made = _brief(engine, "EUR", Measure.ANNOUNCED)
    _, text = _text(made.pdf)
    with session_scope(engine) as session:
        latest = session.scalar(select(func.max(Document.published)))
    assert latest is not None and made.data_as_of == latest
    assert f"data as of {latest.isoformat()}" in text
    assert " ".join(made.progress.rule_text.split()) in text
    assert "at the dated rate for its own value date" in text and "ECB" in text
    assert " ".join(made.progress.goal_conversion.split()) in text


def test_a_tracker_without_composition_still_gets_a_brief(engine: Engine) -> None:
    with session_scope(engine) as session:
        full = progress(session, currency="JPY", by=Dimension.COUNTRY)
    # As an older tracker's result: no composition, headline nor data date.
    older = {
        k: v for k, v in dict(full).items() if k not in {"composition", "headline", "data_as_of"}
    }
    bare = Progress.model_construct(**older)
    assert not hasattr(bare, "composition")
    _, text = _text(render(bare, as_of=None, today=dt.date(2026, 1, 2)))
    assert f"Counted: {money(full.total, 'JPY')} = {full.share_of_goal} %" in text
    assert "What the total is made of" not in text and "data as of no data" in text
    assert "Brief of 2026-01-02" in text


def test_the_bundled_font_prints_cyrillic() -> None:
    page = _Page()
    page.line_of("Ташкент — Алматы")
    _, text = _text(bytes(page.output()))
    assert "Ташкент — Алматы" in text


def test_a_currency_without_rates_is_refused_as_bad_input(engine: Engine) -> None:
    with pytest.raises(ConversionError, match="'XXX'") as caught:
        _brief(engine, "XXX", Measure.ANNOUNCED)
    assert kind_of(caught.value).refused


def test_cli_writes_the_brief_and_refuses_bad_input(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAJAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    out = tmp_path / "brief.pdf"
    result = runner.invoke(
        app, ["export", "brief", str(out), "--currency", "usd", "--measure", "signed"]
    )
    assert result.exit_code == 0, result.output
    with session_scope(engine) as session:
        expected = progress(session, CountingRule(measure=Measure.SIGNED), currency="USD")
    _, text = _text(out.read_bytes())
    assert f"Counted: {money(expected.total, 'USD')} = {expected.share_of_goal} %" in text
    refused = runner.invoke(app, ["export", "brief", str(tmp_path / "x.pdf"), "--currency", "XXX"])
    assert refused.exit_code == 2 and refused.stderr.startswith("error: ")
    assert "'XXX'" in refused.stderr and not (tmp_path / "x.pdf").exists()
