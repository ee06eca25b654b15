"""Benchmark of batch screening against the floor of simply loading the projects from the store.

Run: ``.venv/bin/python benchmarks/screening.py [--projects 20000] [--runs 3] [--postgres]``.

1. Generates a seeded register: projects in the five Central Asian countries across the
   sectors the catalogue tells apart (mining, power, transport, education, health, finance…),
   every stage and instrument, Japanese and local parties (some EPFIs, some unnamed), documents
   (some of IATI categories), one to four transactions with USD values, a location for a third
   of them, and reviewer answers with evidence for a fifth; inserted with Core ``insert()``.
2. Times, median of ``--runs`` after one warm-up, on the same store:
   * floor, ORM: ``select(Project)`` with every relation screening reads, ``selectinload``;
   * floor, rows: the same rows fetched with Core, not turned into objects;
   * ``screen_all(force=True)``: load, screen under the bundled catalogue with a
     sensitive-area layer, store every verdict and its audit entry, commit;
   and prints projects/s of each and the ratios screen_all / floor (aim: ≥ 0.5 of the ORM floor).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.orm import Session, selectinload

from _stores import postgres, sqlite
from cajad.register import init
from cajad.register.models import (
    Document,
    Location,
    Organisation,
    Participation,
    Project,
    ProjectCountry,
    ProjectSector,
    Transaction,
)
from cajad.register.vocab import CENTRAL_ASIAN_COUNTRIES, Instrument, Stage
from cajad.screening import load_catalogue, load_layer, screen_all
from cajad.screening.loader import load_subjects
from cajad.screening.models import Answer, Evidence, Screening

SECTORS = [
    "32264", "32265", "32262", "32220", "23340", "23220", "23230", "23630", "21020", "21030",
    "21040", "21050", "11420", "11330", "12191", "12230", "24030", "25010", "31140", "31120",
    "22020", "14020", "43010", "51010", "33120", "32165",
]  # fmt: skip
TEXTS = [
    "", "construction of a new terminal", "resettlement of 120 households",
    "training of officials", "credit line for SMEs", "rehabilitation of the existing line",
    "exploration licence", "supply of equipment", "greenfield plant and transmission line",
]  # fmt: skip
ORGS = [
    ("Japan International Cooperation Agency (JICA)", "15", "JP", "XM-DAC-701-8"),
    ("Japan Bank for International Cooperation (JBIC)", "15", "JP", None),
    ("Sumitomo Mitsui Banking Corporation (SMBC)", "70", "JP", None),
    ("MUFG Bank", "70", "JP", None),
    ("Mitsubishi Corporation", "70", "JP", None),
    ("Japanese companies (not named)", "70", "JP", None),
    *[(f"Ministry of Finance of {c}", "10", c, None) for c in CENTRAL_ASIAN_COUNTRIES],
    *[(f"State power company of {c}", "15", c, None) for c in CENTRAL_ASIAN_COUNTRIES],
]
QUESTIONS = [
    "PS1.ESIA",
    "PS5.LAND",
    "PS1.ENGAGEMENT",
    "INT.SANCTIONS",
    "QII1.STRATEGY",
    "EP1.CATEGORY",
]
ANSWERS = {"PS5.LAND": ["yes", "no"], "EP1.CATEGORY": ["A", "B", "C"]}
RELATIONS = (
    Project.countries,
    Project.sectors,
    Project.participants,
    Project.documents,
    Project.transactions,
    Project.locations,
)


def generate(engine: Engine, projects: int, seed: int) -> None:
    """Insert ``projects`` seeded projects and their facts with Core executemany."""
    rng = random.Random(seed)
    rows: dict[Any, list[dict[str, Any]]] = {t: [] for t in (
        Project, ProjectCountry, ProjectSector, Participation, Document, Transaction, Location,
        Answer, Evidence)}  # fmt: skip
    now = dt.datetime(2026, 1, 1)
    for pid in range(1, projects + 1):
        _project(rng, rows, pid, now)
    with engine.begin() as conn:
        conn.execute(
            insert(Organisation),
            [
                {"id": i, "name": n, "type": t, "country": c, "ref": r}
                for i, (n, t, c, r) in enumerate(ORGS, 1)
            ],
        )
        for table, batch in rows.items():
            for start in range(0, len(batch), 5000):
                conn.execute(insert(table), batch[start : start + 5000])


def _project(
    rng: random.Random, rows: dict[Any, list[dict[str, Any]]], pid: int, now: dt.datetime
) -> None:
    country = rng.choice(CENTRAL_ASIAN_COUNTRIES)
    instrument = rng.choice(list(Instrument)).value
    identifier = f"XM-DAC-701-8-B{pid}" if rng.random() < 0.2 else f"XM-CAJAD-BENCH-{pid:06d}"
    title = f"Benchmark project {pid} {rng.choice(TEXTS)}"
    rows[Project].append({
        "id": pid, "identifier": identifier, "title": title,
        "description": rng.choice(TEXTS), "language": "en",
        "stage": rng.choice([s.value for s in Stage]), "instrument": instrument,
        "counts_toward_goal": True, "updated_at": now,
    })  # fmt: skip
    rows[ProjectCountry].append(
        {"project_id": pid, "code": country, "is_region": False, "percentage": Decimal(100)}
    )
    for code in rng.sample(SECTORS, rng.randint(1, 2)):
        rows[ProjectSector].append(
            {"project_id": pid, "vocabulary": "1", "code": code, "percentage": Decimal(50)}
        )
    for org in rng.sample(range(1, 7), rng.randint(1, 3)):
        rows[Participation].append({"project_id": pid, "organisation_id": org, "role": 1})
    local = 7 + CENTRAL_ASIAN_COUNTRIES.index(country) + (5 if rng.random() < 0.5 else 0)
    rows[Participation].append({"project_id": pid, "organisation_id": local, "role": 4})
    for d in range(rng.choice([0, 1, 1, 2, 3])):
        category = rng.choice([None, None, "A01", "A05", "A12"])
        title = rng.choice(["Press release", "ESIA report", "Budget", "Project page"])
        rows[Document].append(
            {
                "project_id": pid,
                "url": f"https://example.org/{pid}/{d}",
                "title": title,
                "category": category,
            }
        )
    for t in range(rng.randint(1, 4)):
        usd = Decimal(rng.lognormvariate(17, 1.8)).quantize(Decimal("0.01"))
        day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(2500))
        rows[Transaction].append({
            "project_id": pid, "ref": f"t{t}", "type": rng.choice([2, 2, 3, 12, 10]), "value": usd,
            "currency": "USD", "value_date": day, "value_usd": usd, "value_jpy": usd * 150,
            "value_eur": usd * Decimal("0.9"),
        })  # fmt: skip
    if rng.random() < 0.33:
        rows[Location].append(
            {
                "project_id": pid,
                "name": "site",
                "latitude": Decimal(str(round(rng.uniform(37, 50), 4))),
                "longitude": Decimal(str(round(rng.uniform(52, 80), 4))),
            }
        )
    if rng.random() < 0.2:
        for question in rng.sample(QUESTIONS, 3):
            aid = len(rows[Answer]) + 1
            value = rng.choice(ANSWERS.get(question, ["yes", "partial", "no"]))
            rows[Answer].append({
                "id": aid, "project_id": pid, "question": question, "value": value, "note": None,
                "reviewer": "bench", "answered_on": dt.date(2026, 1, 5),
                "catalogue_version": "2026.1", "recorded_at": now,
            })  # fmt: skip
            rows[Evidence].append(
                {"answer_id": aid, "kind": "link", "url": f"https://example.org/e/{aid}"}
            )


def _geo(name: str, kind: str, shape: str, coordinates: Any) -> dict[str, Any]:
    geometry = {"type": shape, "coordinates": coordinates}
    return {"type": "Feature", "properties": {"name": name, "kind": kind}, "geometry": geometry}


def write_layer(folder: Path, seed: int) -> Path:
    """Twenty protected areas and ten heritage points over Central Asia, as GeoJSON."""
    rng = random.Random(seed + 7)
    features = []
    for i in range(20):
        lon, lat, half = rng.uniform(52, 80), rng.uniform(37, 50), rng.uniform(0.05, 0.5)
        ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
                [lon - half, lat + half], [lon - half, lat - half]]  # fmt: skip
        features.append(_geo(f"PA {i}", "protected_area", "Polygon", [ring]))
    for i in range(10):
        point = [rng.uniform(52, 80), rng.uniform(37, 50)]
        features.append(_geo(f"Site {i}", "cultural_heritage", "Point", point))
    path = folder / "sensitive.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def orm_floor(engine: Engine) -> int:
    with Session(engine) as session:
        query = select(Project).options(*(selectinload(r) for r in RELATIONS))
        return len(session.scalars(query).all())


def rows_floor(engine: Engine) -> int:
    """The rows screening reads, fetched with Core and not turned into anything."""
    tables = (
        Project,
        ProjectCountry,
        ProjectSector,
        Participation,
        Document,
        Transaction,
        Location,
        Answer,
        Evidence,
    )
    with engine.connect() as conn:
        return sum(len(conn.execute(select(t.__table__)).all()) for t in tables)


def subjects_only(engine: Engine) -> int:
    with Session(engine) as session:
        return len(load_subjects(session))


def _reset(engine: Engine) -> None:
    """Drop earlier runs' screenings, so every run writes into the same table (the audit log
    is append-only and keeps growing)."""
    with engine.begin() as conn:
        conn.execute(delete(Screening))


Timing = tuple[float, float]  # wall seconds, this process's CPU seconds


def timed(
    fn: Callable[[], Any], runs: int, before: Callable[[], None] | None = None
) -> tuple[Timing, Any]:
    """Median wall and CPU seconds of ``runs`` calls after one warm-up, and the last result.

    CPU time is shown beside wall time because other load on a shared machine stretches wall
    time unevenly; SQLite runs in this process, so its CPU time counts too.
    """
    walls, cpus, result = [], [], None
    for run in range(runs + 1):
        if before is not None:
            before()
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        if run:
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    return (statistics.median(walls), statistics.median(cpus)), result


def bench(name: str, engine: Engine, args: argparse.Namespace, layer_path: Path) -> None:
    start = time.perf_counter()
    init(engine)
    generate(engine, args.projects, args.seed)
    seconds = time.perf_counter() - start
    print(f"{name}: schema, rates and {args.projects:,} projects in {seconds:.1f} s")
    catalogue, layer = load_catalogue(), load_layer(layer_path)
    n = args.projects
    orm, count = timed(lambda: orm_floor(engine), args.runs)
    assert count == n
    rows, _ = timed(lambda: rows_floor(engine), args.runs)
    built, _ = timed(lambda: subjects_only(engine), args.runs)
    ours, report = timed(
        lambda: screen_all(engine, catalogue=catalogue, layer=layer, force=True, actor="bench"),
        args.runs,
        before=lambda: _reset(engine),
    )
    assert report.screened == n
    print(f"  {'':<46}{'wall s':>8}{'projects/s':>12}{'CPU s':>8}{'projects/s':>12}")
    for label, (wall, cpu) in (
        ("floor: ORM load with relations (selectinload)", orm),
        ("floor: the same rows, Core fetch only", rows),
        ("cajad load_subjects (rows -> facts)", built),
        ("cajad screen_all: load, screen, store, commit", ours),
    ):
        print(f"  {label:<46}{wall:8.2f}{n / wall:12,.0f}{cpu:8.2f}{n / cpu:12,.0f}")
    for label, floor in (("ORM-load", orm), ("Core-fetch", rows)):
        ratios = f"{floor[0] / ours[0]:8.2f}{'':12}{floor[1] / ours[1]:8.2f}"
        aim = "   (aim >= 0.5)" if label == "ORM-load" else ""
        print(f"  {'screen_all rate / ' + label + ' floor rate':<46}{ratios}{aim}")
    grades, categories = (
        dict(sorted(report.grades.items())),
        dict(sorted(report.categories.items())),
    )
    print(f"  verdicts: {categories} {grades}, {report.blocked:,} blocked")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs after one warm-up")
    parser.add_argument("--seed", type=int, default=20251220)
    parser.add_argument("--postgres", action="store_true", help="also on embedded PostgreSQL")
    args = parser.parse_args()
    print(f"cajad screening benchmark: {args.projects:,} projects, seed {args.seed}, "
          f"median of {args.runs} runs after one warm-up\n")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="cajad-bench-") as tmp:
        folder = Path(tmp)
        layer = write_layer(folder, args.seed)
        with sqlite(folder) as engine:
            bench("sqlite", engine, args, layer)
        if args.postgres:
            with postgres(folder) as engine:
                bench("postgresql", engine, args, layer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
