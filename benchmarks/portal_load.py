"""Load benchmark of the running portal against a bare FastAPI endpoint served the same way.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/portal_load.py [--clients 8] [--seconds 10]
[--transactions 1000000] [--soak 600]``.

1. Builds a SQLite register in a temporary folder: schema, rates, the demo deals and the
   bundled investor profiles; with ``--transactions N`` first N generated transactions on
   N/500 generated projects (``benchmarks/tracker.py``'s seeded generator, bulk-inserted, the
   rollup rebuilt), so the register is the demo plus a large one.
2. Starts ``cajad serve`` (uvicorn, one worker, no access log) on loopback over it, and a bare
   FastAPI app (one route answering ``{"ok": true}``) with the same uvicorn settings.
3. Drives each address with ``--clients`` concurrent keep-alive clients (httpx, async, spread
   over ``--procs`` processes) for ``--seconds`` seconds, after one warm-up request (the
   cold request, which fills the figures cache, is timed and printed on its own), and prints
   requests per second, p50 and p99 latency, and the ratio of each page's throughput to the
   bare endpoint's in the same run.
4. Checks the Plotly bundle is served compressed and cacheable (size on the wire, headers).
5. ``--soak SECONDS``: drives :data:`SOAK_PATHS` (cached pages, the streamed exports, a
   conversion on a new day each time) for that long while sampling the server's resident
   memory each second; prints start, end, maximum, end/start, the RSS each minute and the
   answers by status.
6. ``--cold``: the first request after a write, which computes the figures again. For each of
   :data:`COLD` (the dashboard, progress from the rollup and in a currency outside it, every
   finding): the register's version is bumped (as every write
   does), the address asked once, timed, with the server's resident memory before and after;
   printed beside the warm p50 of the same address in the same run (``cold / warm``).
   ``--register FILE`` serves a copy of a SQLite register built before (e.g. the 1 M one),
   instead of building one.

The load generator is Python too, on the same machine: the bare endpoint's figure is a floor
of what the server can do (the clients may be the limit), so the ratio is conservative for
the bare side only if the clients are not saturated; ``--procs`` spreads them.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gzip
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent
PAGES = ("/", "/api/progress", "/projects")
BARE = "/bare"
BARE_APP = textwrap.dedent(
    """
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/bare")
    def bare() -> dict[str, bool]:
        return {"ok": True}
    """
)


COLD = ("/", "/api/progress", "/api/progress?currency=KZT", "/quality")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_register(folder: Path, transactions: int) -> tuple[str, dict[str, float]]:
    """The register's URL, and seconds of each step of building it."""
    sys.path.insert(0, str(ROOT))
    from cajad.brokerage.store import load_bundled
    from cajad.register import init, load_demo, make_engine, session_scope
    from cajad.register.fx import RateBook

    url = f"sqlite:///{folder / 'cajad.sqlite'}"
    engine = make_engine(url)
    steps: dict[str, float] = {}
    start = time.perf_counter()
    if transactions:
        import tracker  # the seeded generator of benchmarks/tracker.py

        init(engine)
        with session_scope(engine) as session:
            book = RateBook.from_session(session)
        data = tracker.generate(
            max(200, transactions // 500), transactions, seed=16, convert=tracker.Converter(book)
        )
        steps["generate"] = time.perf_counter() - start
        start = time.perf_counter()
        tracker.load(engine, data)
        steps["load"] = time.perf_counter() - start
        del data
        start = time.perf_counter()
    init(engine)
    load_demo(engine)
    load_bundled(engine)
    steps["demo"] = time.perf_counter() - start
    engine.dispose()
    return url, steps


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base: str

    def rss(self) -> int:
        """Resident bytes of the server and its children (workers)."""
        proc = psutil.Process(self.process.pid)
        return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start(name: str, command: list[str], env: dict[str, str], cwd: Path, probe: str) -> Server:
    port = free_port()
    command = [c.replace("{port}", str(port)) for c in command]
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + probe, timeout=2).status_code == 200:
                return Server(name, process, base)
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{name} did not start")


async def _drive(url: str, clients: int, seconds: float) -> tuple[list[float], float]:
    """Latencies of every request, and the seconds from the first sent to the last answered."""
    latencies: list[float] = []
    began = time.perf_counter()
    deadline = began + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=120) as client:

        async def one() -> None:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                answer = await client.get(url)
                if answer.status_code != 200:
                    raise SystemExit(f"{url} answered {answer.status_code}")
                latencies.append(time.perf_counter() - began)

        await asyncio.gather(*(one() for _ in range(clients)))
    return latencies, time.perf_counter() - began


def _drive_process(args: tuple[str, int, float]) -> tuple[list[float], float]:
    return asyncio.run(_drive(*args))


@dataclass
class Load:
    path: str
    rps: float
    p50: float
    p99: float


def drive(base: str, path: str, clients: int, seconds: float, procs: int) -> Load:
    """``clients`` clients over ``procs`` processes asking ``path`` for ``seconds``."""
    shares = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    jobs = [(base + path, n, seconds) for n in shares if n]
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        results = pool.map(_drive_process, jobs)
    # Throughput over each process's own driving time (not the pool's start-up).
    rps = sum(len(lat) / elapsed for lat, elapsed in results)
    latencies = sorted(x for lat, _ in results for x in lat)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return Load(path, rps, statistics.median(latencies), p99)


def cold(base: str, path: str) -> float:
    began = time.perf_counter()
    answer = httpx.get(base + path, timeout=600)
    answer.raise_for_status()
    return time.perf_counter() - began


def plotly_check(base: str) -> str:
    """The Plotly bundle's size plain and on the wire when gzip is accepted, and its headers."""
    address = base + "/vendor/plotly.min.js"
    plain = httpx.get(address, headers={"Accept-Encoding": "identity"})
    with httpx.stream("GET", address, headers={"Accept-Encoding": "gzip"}) as packed:
        raw = b"".join(packed.iter_raw())
    if packed.headers.get("content-encoding") == "gzip" and gzip.decompress(raw) != plain.content:
        raise SystemExit("the compressed bundle is not the bundle")
    wire = len(raw)
    return (
        f"plotly.min.js: {len(plain.content) / 1e6:.2f} MB plain, {wire / 1e6:.2f} MB on the "
        f"wire with gzip (Content-Encoding: {packed.headers.get('content-encoding', 'none')}, "
        f"Cache-Control: {packed.headers.get('cache-control', 'none')})"
    )


#: What the soak asks for, in turn: the cached pages, and what is computed per request (the
#: streamed exports, a conversion on a new day each time: the rate cache must stay bounded).
SOAK_PATHS = (
    "/",
    "/api/progress",
    "/projects",
    "/api/progress?currency=USD",
    "/api/projects.xlsx?currency=USD",
    "/api/transactions.csv?currency=EUR",
    "/api/projects.xml?area=green",
    "/api/convert?amount=1000&currency=USD&target=JPY&date={day}",
)


def soak(server: Server, seconds: float, clients: int) -> tuple[list[int], dict[int, int]]:
    """Drive :data:`SOAK_PATHS` for ``seconds``; the server's RSS each second, and how many
    answers of each status."""
    statuses: dict[int, int] = {}

    async def run() -> list[int]:
        samples = [server.rss()]
        deadline = time.perf_counter() + seconds
        limits = httpx.Limits(max_connections=clients)
        async with httpx.AsyncClient(limits=limits, timeout=120) as client:

            async def one(i: int) -> None:
                n = i
                while time.perf_counter() < deadline:
                    day = dt.date(2010, 1, 1) + dt.timedelta(days=n % 5800)
                    path = SOAK_PATHS[n % len(SOAK_PATHS)].format(day=day.isoformat())
                    answer = await client.get(server.base + path)
                    statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                    n += 1

            async def sample() -> None:
                while time.perf_counter() < deadline:
                    await asyncio.sleep(1)
                    samples.append(server.rss())

            await asyncio.gather(sample(), *(one(i) for i in range(clients)))
        samples.append(server.rss())
        return samples

    samples = asyncio.run(run())
    return samples, statuses


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0, help="per address")
    parser.add_argument("--procs", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--transactions", type=int, default=0, help="generated, besides demo")
    parser.add_argument("--soak", type=float, default=0.0, help="seconds of soak (0: none)")
    parser.add_argument("--cold", action="store_true", help="time the first request after a write")
    parser.add_argument("--register", type=Path, help="serve a copy of this SQLite register")
    return parser.parse_args(argv)


def bump(url: str) -> None:
    """Bump the register's version counter, as every write does (the caches start again)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE register_version SET n = n + 1 WHERE id = 1"))
    engine.dispose()


@dataclass
class Cold:
    path: str
    seconds: float
    rss_before: int
    rss_after: int
    warm_p50: float


def cold_after_write(server: Server, url: str, paths: Sequence[str], seconds: float) -> list[Cold]:
    """Each address asked once just after a write (seconds, server RSS before and after), then
    by one client for ``seconds`` before the next write (its warm p50)."""
    result = []
    for path in paths:
        bump(url)
        before = server.rss()
        took = cold(server.base, path)
        after = server.rss()
        warm = drive(server.base, path, 1, seconds, 1)
        result.append(Cold(path, took, before, after, warm.p50))
    return result


def print_cold(colds: list[Cold]) -> None:
    print("first request after a write (cold) against the warm p50 of the same run:")
    print(
        f"{'address':<28} {'cold s':>9} {'warm p50 ms':>12} {'cold/warm':>10} "
        f"{'RSS before MiB':>15} {'RSS after MiB':>14}",
        flush=True,
    )
    for c in colds:
        print(
            f"{c.path:<28} {c.seconds:>9.2f} {c.warm_p50 * 1e3:>12.1f} "
            f"{c.seconds / c.warm_p50:>10.0f} {c.rss_before / 2**20:>15.0f} "
            f"{c.rss_after / 2**20:>14.0f}",
            flush=True,
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    with tempfile.TemporaryDirectory(prefix="cajad-load-") as tmp:
        folder = Path(tmp)
        if args.register:
            shutil.copyfile(args.register, folder / "cajad.sqlite")
            url = f"sqlite:///{folder / 'cajad.sqlite'}"
            print(f"register: a copy of {args.register}")
        else:
            url, steps = build_register(folder, args.transactions)
            print(
                f"register: demo + {args.transactions:,} generated transactions "
                f"({', '.join(f'{k} {v:.1f} s' for k, v in steps.items())})"
            )
        (folder / "bare.py").write_text(BARE_APP, encoding="utf-8")
        # The servers run in the temporary folder: this checkout's sources, by absolute path.
        paths = [str(ROOT.parent / "src"), *os.environ.get("PYTHONPATH", "").split(os.pathsep)]
        env = {
            **os.environ,
            "CAJAD_DATABASE_URL": url,
            "PYTHONPATH": os.pathsep.join(str(Path(p).resolve()) for p in paths if p),
        }
        uvicorn = ["--host", "127.0.0.1", "--port", "{port}", "--log-level", "warning"]
        portal = start(
            "cajad serve",
            [str(Path(sys.executable).parent / "cajad"), "serve", "--no-access-log", *uvicorn[:4]],
            env,
            folder,
            "/healthz",
        )
        bare = start(
            "bare FastAPI",
            [sys.executable, "-m", "uvicorn", "bare:app", *uvicorn],
            env,
            folder,
            BARE,
        )
        try:
            print(
                "cold (first request, fills the figures cache): "
                + ", ".join(f"{p} {cold(portal.base, p):.2f} s" for p in PAGES)
            )
            print(
                f"{args.clients} clients over {args.procs} processes, {args.seconds:g} s each "
                f"({os.cpu_count()} CPUs)"
            )
            if args.cold:
                print_cold(cold_after_write(portal, url, COLD, args.seconds / 2))
                for path in PAGES:  # the load below is of warm pages, as before
                    cold(portal.base, path)
            floor = drive(bare.base, BARE, args.clients, args.seconds, args.procs)
            rows = [("bare " + BARE, floor)]
            rows += [
                (p, drive(portal.base, p, args.clients, args.seconds, args.procs)) for p in PAGES
            ]
            print(f"{'address':<16} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'ratio':>7}")
            for name, load in rows:
                print(
                    f"{name:<16} {load.rps:>9.1f} {load.p50 * 1e3:>9.1f} {load.p99 * 1e3:>9.1f} "
                    f"{load.rps / floor.rps:>7.3f}"
                )
            print(plotly_check(portal.base))
            if args.soak:
                samples, statuses = soak(portal, args.soak, args.clients)
                first, last, most = samples[0], samples[-1], max(samples)
                print(
                    f"soak {args.soak:g} s: server RSS start {first / 2**20:.0f} MiB, end "
                    f"{last / 2**20:.0f} MiB, max {most / 2**20:.0f} MiB, end/start "
                    f"{last / first:.2f}; answers by status {dict(sorted(statuses.items()))}"
                )
                minutes = samples[::60] + ([samples[-1]] if len(samples) % 60 != 1 else [])
                print("RSS each minute, MiB: " + " ".join(f"{r / 2**20:.0f}" for r in minutes))
        finally:
            portal.stop()
            bare.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
