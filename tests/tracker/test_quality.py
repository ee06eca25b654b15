"""Data-quality findings on the bundled deals and on made-up problems."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from cajad.register import import_file, session_scope
from cajad.tracker import findings


def _kinds(engine: Engine) -> dict[str, set[str]]:
    with session_scope(engine) as session:
        found = findings(session)
    kinds: dict[str, set[str]] = {}
    for f in found:
        kinds.setdefault(f.kind, set()).add(f.project)
    return kinds


def test_demo_findings_say_what_is_not_counted_and_why(engine: Engine) -> None:
    kinds = _kinds(engine)
    # Summit documents without amounts are listed, not silently dropped.
    assert "xa-summit-2025-158-documents" in kinds["amount-unknown"]
    assert "kz-mitsubishi-gallium-offtake-2025" in kinds["amount-unknown"]
    assert "kz-summit-2025-60-agreements" in kinds["imprecise-date"]
    assert "unknown-code" not in kinds


def test_funding_chain_missing_date_and_package_overlap_are_found(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "money.csv"
    path.write_text(
        "project,ref,type,value,currency,value_date,provider_activity\n"
        "uz-mhi-navoi-tpp-unit3-order,in-1,1,1000000,JPY,2024-02-01,"
        "uz-jica-2019-navoi-tpp-phase2\n",
        encoding="utf-8",
    )
    import_file(engine, path)
    kinds = _kinds(engine)
    assert "uz-mhi-navoi-tpp-unit3-order" in kinds["funding-chain"]
