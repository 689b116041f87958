"""Engage benchmark: how fast the evidence log and the HTTP server are, measured the same way every time.

    python bench/run.py              # about 2 minutes on 2 cores
    python bench/run.py --quick      # a smoke run, under 30 seconds
    python bench/run.py --postgres   # also the evidence log on a throwaway PostgreSQL database

Three parts, each answering a question someone deploying Engage will ask:

1. The evidence log in-process on SQLite (a WAL file in a temp dir): how many appends a second
   one writer and four writers get, and how long verifying the hash chain takes as the log grows.
2. The same on PostgreSQL (``--postgres``), in a database created for the run and dropped after.
3. The real server (``python -m engage.serve``, as ``make run`` starts it) under 1, 8 and 32
   concurrent clients: requests a second and latency for the public, staff, write and HTML paths.

Everything runs on 127.0.0.1. It prints Markdown tables and writes the same figures to
``bench/results/latest.json``. See docs/performance.md for what the figures mean.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # `python bench/run.py` puts bench/ first on the path, not the project

from commissioning_steps import commissions, evidence, evidence_chain, staff  # noqa: E402
from engage import create_app  # noqa: E402
from engage.cli import upgrade_database  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "latest.json"
PG_ADMIN_URL = os.environ.get("ENGAGE_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/postgres")
DEMO_PASSWORD = "bench-demo-password-42"
BATCH = 500  # appends per transaction when building a long log: fast to build, same chain

# The two run sizes. The default fits in 3 minutes on 2 cores with --postgres; --quick in 30 s.
SETTINGS = {
    "default": {"append_seconds": 3.0, "log_sizes": [1_000, 10_000], "verify_repeats": 3,
                "http_seconds": 5.0, "clients": [1, 8, 32]},
    "quick": {"append_seconds": 1.0, "log_sizes": [1_000], "verify_repeats": 1,
              "http_seconds": 0.5, "clients": [1, 8, 32]},
}


# --- helpers ---------------------------------------------------------------------------------

def latency_summary(seconds: list[float]) -> dict[str, float | None]:
    """p50/p95/p99 in milliseconds, nearest rank (no interpolation: every figure was observed)."""
    if not seconds:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    ordered = sorted(seconds)

    def rank(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, int(len(ordered) * p / 100 + 0.5) - 1))] * 1000, 2)

    return {"p50_ms": rank(50), "p95_ms": rank(95), "p99_ms": rank(99)}


def run_threads(n: int, seconds: float, work, cpu=lambda: {"cpu": time.process_time()}) -> tuple[float, dict, list]:
    """Run ``work(deadline) -> result`` on ``n`` threads started together.

    Each thread first calls ``work(None)`` to warm up (open its connection, load its session)
    and passes what that returns back in as the second argument. A barrier then releases every
    thread at once, so the timed interval is the one in which all ``n`` are competing. Returns
    wall seconds, the cores used in that interval by whatever ``cpu()`` reports CPU seconds for
    (1.0 = one core kept busy), and each thread's result. ``cpu()`` is sampled while the workers
    are parked (before the release, after the joins): sampling while 32 threads fight over the
    GIL would itself take a long, unpredictable time.
    """
    barrier = threading.Barrier(n + 1)
    results: list = [None] * n
    errors: list[BaseException] = []

    def body(i: int) -> None:
        try:
            ready = work(None)
            barrier.wait()
            results[i] = work(time.perf_counter() + seconds, ready)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    while barrier.n_waiting < n and not errors and any(t.is_alive() for t in threads):
        time.sleep(0.01)  # every worker warmed up and parked at the barrier
    cpu_start, start = cpu(), time.perf_counter()
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    elapsed, cpu_end = time.perf_counter() - start, cpu()
    cores = {k: None if cpu_start[k] is None or cpu_end[k] is None else round((cpu_end[k] - cpu_start[k]) / elapsed, 2)
             for k in cpu_start}
    return elapsed, cores, results


def process_tree_cpu(pid: int) -> float | None:
    """CPU seconds used so far by ``pid`` and its children: the gunicorn master and its worker.
    Read from /proc (Linux); None elsewhere."""
    total, found = 0.0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # the name in (...) may hold spaces
        except (OSError, IndexError):
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
            found = True
    return total if found else None


def machine_facts() -> dict:
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


# --- 1 and 2: the evidence log in-process ----------------------------------------------------

class EvidenceBench:
    """The domain code exactly as the web layer calls it, minus HTTP: record_manual, then commit,
    one write session per append (what one API request does), against a migrated database."""

    def __init__(self, url: str) -> None:
        # A dict selects TestConfig: no scheduler, no secret-key file; WARNING keeps alembic quiet.
        self.app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
        with self.app.app_context():
            upgrade_database()
        self.db = self.app.extensions["engage.db"]
        s = self.db.session(write=True)
        self.owner = staff.create_user(s, email="bench@example.org", name="Bench", role=staff.COMMISSIONER,
                                       password_hash="not-a-hash")
        s.commit()
        s.close()

    def close(self) -> None:
        self.db.engine.dispose()

    def new_commission(self, title: str) -> int:
        s = self.db.session(write=True)
        c = commissions.create_commission(s, self.owner, commissions.CommissionInput(title=title))
        s.commit()
        s.close()
        return c.id

    def append_one(self, commission_id: int, summary: str) -> None:
        s = self.db.session(write=True)
        try:
            c = s.get(commissions.Commission, commission_id)
            evidence.record_manual(s, c, self.owner, step="initiate", kind="note", summary=summary)
            s.commit()
        finally:
            s.close()

    def appends(self, threads: int, shared_log: bool, seconds: float) -> dict:
        """Appends a second with ``threads`` writers, all on one commission's log or one log each.

        One log is the worst case (every append waits for the one before: the chain's head is
        locked); one log each shows what the database itself allows writers to do at once.
        """
        shared = self.new_commission("Appends, shared") if shared_log else None

        def work(deadline, commission_id=None):
            if deadline is None:  # warm-up
                commission_id = shared or self.new_commission("Appends, own log")
                self.append_one(commission_id, "warm-up")
                return commission_id
            took = []
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                self.append_one(commission_id, f"bench {len(took)}")
                took.append(time.perf_counter() - t0)
            return took

        elapsed, cores, per_thread = run_threads(threads, seconds, work)
        took = [t for ts in per_thread for t in ts]
        return {"threads": threads, "logs": 1 if shared_log else threads, "appends": len(took),
                "appends_per_s": round(len(took) / elapsed, 1), **latency_summary(took), "cpu_cores": cores["cpu"]}

    def verify(self, entries: int, repeats: int) -> dict:
        """Time verifying a log of ``entries``: from the database (what the API's verify does)
        and offline from an export (what ``flask verify-evidence`` does, with no database)."""
        cid = self.new_commission(f"Log of {entries}")
        t0 = time.perf_counter()
        for start in range(0, entries, BATCH):
            s = self.db.session(write=True)
            c = s.get(commissions.Commission, cid)
            for i in range(start, min(entries, start + BATCH)):
                evidence.record_manual(s, c, self.owner, step="initiate", kind="note",
                                       summary=f"Entry {i}: what residents said at the drop-in")
            s.commit()
            s.close()
        build = time.perf_counter() - t0

        timings: dict[str, list[float]] = {"verify_ms": [], "export_ms": [], "verify_export_ms": []}
        for _ in range(repeats):
            s = self.db.session()
            c = s.get(commissions.Commission, cid)
            t0 = time.perf_counter()
            result = evidence.verify(s, c)
            t1 = time.perf_counter()
            document = evidence.export(s, c)
            t2 = time.perf_counter()
            offline = evidence_chain.verify_export(json.loads(json.dumps(document)))  # as read from a file
            t3 = time.perf_counter()
            s.close()
            if not (result.ok and offline.ok and result.entries == offline.entries == entries):
                raise RuntimeError(f"verification failed on a log of {entries}: {result} / {offline}")
            for key, dt in zip(timings, (t1 - t0, t2 - t1, t3 - t2)):
                timings[key].append(dt * 1000)
        figures = {k: round(statistics.median(v), 1) for k, v in timings.items()}
        return {"entries": entries, "build_appends_per_s": round(entries / build, 1), **figures,
                "verify_us_per_entry": round(figures["verify_ms"] * 1000 / entries, 1),
                "verify_export_us_per_entry": round(figures["verify_export_ms"] * 1000 / entries, 1)}


def evidence_figures(url: str, settings: dict) -> dict:
    bench = EvidenceBench(url)
    try:
        seconds = settings["append_seconds"]
        appends = [bench.appends(1, True, seconds), bench.appends(4, True, seconds),
                   bench.appends(4, False, seconds)]
        verify = [bench.verify(n, settings["verify_repeats"]) for n in settings["log_sizes"]]
        return {"appends": appends, "verify": verify}
    finally:
        bench.close()


@contextlib.contextmanager
def postgres_database():
    """A database of our own (engage_bench_<random>), dropped afterwards whatever happens."""
    import psycopg

    name = f"engage_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        yield f"{base}/{name}", version
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- 3: HTTP against the real server ---------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(instance: Path):
    """``python -m engage.serve`` as ``make run`` starts it (gunicorn gthread, development config,
    demo data), on a free port with its own SQLite file; stopped when the block ends."""
    port = _free_port()
    env = {**os.environ, "ENGAGE_INSTANCE_PATH": str(instance), "PORT": str(port), "HOST": "127.0.0.1",
           "DATABASE_URL": f"sqlite:///{instance / 'engage.sqlite3'}", "ENGAGE_DEMO_PASSWORD": DEMO_PASSWORD,
           "SCHEDULER_ENABLED": "0", "ENGAGE_CONFIG": "development"}
    for command in (["init-db"], ["demo-data", "--if-empty"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "engage", *command], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    log_path = instance / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "engage.serve"], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                with contextlib.suppress(requests.RequestException):
                    if requests.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start:\n" + log_path.read_text())
                time.sleep(0.2)
            yield base, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def load(base: str, server_pid: int, method: str, path: str, clients: int, seconds: float,
         token: str | None = None, body: dict | None = None) -> dict:
    """``clients`` threads, each with its own keep-alive connection, sending one request after
    another for ``seconds``. Any non-2xx status or exception counts as an error, by kind.

    The CPU used by the server and by this (client) process is recorded too: both share the
    same cores, so it shows which side was the limit."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def work(deadline, http=None):
        if deadline is None:
            http = requests.Session()
            http.headers.update(headers)
            http.request(method, base + path, json=body, timeout=30).raise_for_status()
            return http
        took, outcomes = [], Counter()
        try:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    status = http.request(method, base + path, json=body, timeout=30).status_code
                except requests.RequestException as exc:
                    status = type(exc).__name__
                took.append(time.perf_counter() - t0)
                outcomes[status] += 1
        finally:
            http.close()
        return took, outcomes

    elapsed, cores, per_thread = run_threads(
        clients, seconds, work, lambda: {"server": process_tree_cpu(server_pid), "client": time.process_time()})
    took = [t for ts, _ in per_thread for t in ts]
    outcomes = sum((o for _, o in per_thread), Counter())
    bad = {str(k): v for k, v in outcomes.items() if not (isinstance(k, int) and 200 <= k < 300)}
    return {"request": f"{method} {path}", "clients": clients, "requests": len(took),
            "requests_per_s": round(len(took) / elapsed, 1), **latency_summary(took),
            "errors": sum(bad.values()), "error_statuses": bad,
            "server_cpu_cores": cores["server"], "client_cpu_cores": cores["client"]}


def http_figures(settings: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix="engage-bench-http-") as tmp, running_server(Path(tmp)) as (base, pid):
        token = requests.post(base + "/api/v1/auth/token", timeout=30, json={
            "email": "commissioner@example.org", "password": DEMO_PASSWORD}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        commission = requests.get(base + "/api/v1/commissions/1", headers=auth, timeout=30).json()
        step = commission["current_step"]  # Investigate in the demo data; evidence must go to an open step
        note = {"step": step, "kind": "note", "summary": "bench"}
        # Reads first, the write last: appends lengthen commission 1's log, and the commission
        # and verify reads walk the whole log, so they are measured on the demo-sized log.
        scenarios = [("GET", "/api/v1/journey", None, None), ("GET", "/journey", None, None),
                     ("GET", "/api/v1/commissions/1", token, None),
                     ("GET", "/api/v1/commissions/1/evidence/verify", token, None),
                     ("POST", "/api/v1/commissions/1/evidence", token, note)]
        rows = []
        for method, path, tok, body in scenarios:
            for n in settings["clients"]:
                row = load(base, pid, method, path, n, settings["http_seconds"], tok, body)
                if row["errors"]:
                    print(f"  ! {row['request']} x{n}: non-2xx/failed: {row['error_statuses']}", file=sys.stderr)
                rows.append(row)
                print(f"  {row['request']:<42} clients={n:<3} {row['requests_per_s']:>8} req/s", file=sys.stderr)
        final = requests.get(base + "/api/v1/commissions/1/evidence/verify", headers=auth, timeout=60).json()
        return {"server": {"threads": int(os.environ.get("THREADS", "64")), "workers": 1,
                           "evidence_step": step, "log_entries_after": final["entries"],
                           "log_verifies_after": final["ok"]},
                "requests": rows}


# --- report ----------------------------------------------------------------------------------

def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join("–" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(results: dict) -> str:
    m = results["machine"]
    out = [f"Engage benchmark ({results['mode']}), {m['date']}: {m['nproc']} cores ({m['cpu']}), "
           f"Python {m['python']}, SQLite {m['sqlite']}"
           + (f", PostgreSQL {m['postgresql']}" if m.get("postgresql") else "") + f", {m['platform']}", ""]
    appends, verify = [], []
    for db, figures in results["evidence"].items():
        appends += [[db, a["threads"], a["logs"], a["appends_per_s"], a["p50_ms"], a["p95_ms"], a["p99_ms"],
                     a["cpu_cores"]] for a in figures["appends"]]
        verify += [[db, f"{v['entries']:,}", v["build_appends_per_s"], v["verify_ms"], v["verify_us_per_entry"],
                    v["export_ms"], v["verify_export_ms"], v["verify_export_us_per_entry"]]
                   for v in figures["verify"]]
    out += ["Evidence appends (record_manual + commit, one session each):", "",
            _table(["database", "threads", "logs", "appends/s", "p50 ms", "p95 ms", "p99 ms", "CPU (cores)"],
                   appends), "",
            "Evidence verification (median of repeats):", "",
            _table(["database", "entries", f"build appends/s ({BATCH}/commit)", "evidence.verify ms",
                    "µs/entry", "export ms", "verify_export ms", "µs/entry"], verify), ""]
    http = results["http"]
    out += [f"HTTP, real server (gunicorn gthread, 1 worker, {http['server']['threads']} threads, SQLite), "
            f"{results['settings']['http_seconds']} s per row:", "",
            _table(["request", "clients", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "server CPU", "client CPU"],
                   [[r["request"], r["clients"], r["requests_per_s"], r["p50_ms"], r["p95_ms"], r["p99_ms"],
                     r["errors"], r["server_cpu_cores"], r["client_cpu_cores"]] for r in http["requests"]]), "",
            f"Commission 1's log after the run: {http['server']['log_entries_after']:,} entries, "
            f"verifies: {http['server']['log_verifies_after']}."]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run, under 30 seconds")
    parser.add_argument("--postgres", action="store_true", help=f"also measure PostgreSQL ({PG_ADMIN_URL})")
    args = parser.parse_args()
    mode = "quick" if args.quick else "default"
    settings = SETTINGS[mode]
    started = time.perf_counter()
    results = {"mode": mode, "settings": settings, "machine": machine_facts(), "evidence": {}}

    print("Evidence log on SQLite...", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="engage-bench-sqlite-") as tmp:
        results["evidence"]["sqlite"] = evidence_figures(f"sqlite:///{tmp}/engage.sqlite3", settings)
    if args.postgres:
        print("Evidence log on PostgreSQL...", file=sys.stderr)
        with postgres_database() as (url, version):
            results["machine"]["postgresql"] = version
            results["evidence"]["postgresql"] = evidence_figures(url, settings)
    print("HTTP against python -m engage.serve...", file=sys.stderr)
    results["http"] = http_figures(settings)
    results["seconds"] = round(time.perf_counter() - started, 1)

    print(markdown(results))
    print(f"\n({results['seconds']} s; figures in {RESULTS.relative_to(ROOT)})")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    tmp = RESULTS.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, indent=2) + "\n")
    os.replace(tmp, RESULTS)
    errors = sum(r["errors"] for r in results["http"]["requests"])
    if errors:
        print(f"{errors} requests failed: see the errors column", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
