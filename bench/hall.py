"""Live polls at hall scale (issue 11): Engage beside a bare Socket.IO ceiling, in one run.

    make bench-hall                                  # the default set below, about 10 minutes on 2 cores
    python bench/hall.py --phones 2000 --rate 500    # one scenario (and the surveys)
    python bench/hall.py --phones 20 --rate 20 --transport polling --no-surveys
    python bench/hall.py --postgres                  # the survey submissions on PostgreSQL too
    python bench/hall.py --only-surveys --postgres
    python bench/hall.py --processes 2 --redis --phones 5000 --rate 500 --no-surveys   # scale-out

Every scenario runs the same workload against three servers on this machine, one after the other
in the same run, and reports Engage as a ratio of the ceiling and of the ceiling with a fixed
interval (the machine is shared and noisy: only figures measured side by side are compared):

- **Engage**, started as ``make run`` starts it: ``python -m engage.serve`` (gunicorn's gevent
  worker, one process, ``WORKER_CONNECTIONS`` 10,000; ``THREADS``, set above the phone count, is
  read only with ``ENGAGE_SERVER=threads``) on its own SQLite file in a temp instance
  directory, demo data loaded, ``SCHEDULER_ENABLED=0``. The poll is run through the REST API as
  the demo commissioner: a live session, a multiple-choice question added, opened and its
  results shown on phones; closed at the end.
- **The ceiling**, ``bench/ceiling_server.py``: python-socketio under gevent (gunicorn's gevent
  worker), no app, no database, the same ``/live`` events and payloads, its tallies spaced by
  the same rule as Engage's (``--send-budget``, 10,000 sends a second a room by default: a room
  of 5,000 phones gets a tally every 0.5 s, of 2,000 or fewer every 0.2 s);
- **the ceiling with a fixed interval** (``ceiling-fixed``): the same server sending a tally
  every 0.2 s whatever the room's size (``--send-budget 0``), the rule before the budget, so
  that nobody has to take Engage's word that the spacing rule is not what it wins by.

Phones are the official ``socket.io-client`` under Node (``bench/phones.mjs``; one process, two
from 1,000 phones), on WebSocket unless ``--transport polling``. They join at ``--join-rate``
a second; once all have joined or given up, each votes once, the votes spread evenly at
``--rate`` a second (open loop: a vote is sent on time whether or not earlier ones were
answered). Figures, each beside the ceiling's:

- phones joined (and why the others did not: a connect or join timeout, a refusal), and the
  time from the first phone's attempt to the last phone's join;
- votes a second offered and achieved (acknowledged votes over the time from the first vote
  sent to the last acknowledgement);
- acknowledgement latency p50/p99 (emit to ack; a vote never acknowledged within
  ``--ack-timeout`` counts as slower than every other);
- vote to the last phone p50/p99: with one vote per phone, the k-th vote sent is taken to be in
  the first tally whose ``total`` reaches k, so for each acknowledged vote it is the time from its
  emit until every phone still connected holds a tally with a total of at least k;
- server memory: the peak RSS of the server process and its children, from /proc every 0.2 s
  (gunicorn's master and its worker, for both servers; shared pages count twice, alike);
- server CPU (user + system of the server's processes) per joined phone while the phones join,
  and per acknowledged vote while they vote (broadcasts included): on a shared machine these
  move far less than the wall-clock figures;
- after the close: votes acknowledged and not stored (Engage: read from its SQLite file; the
  ceiling: its in-memory receipts), which must be 0, and how many phones' last tally equals the
  stored counts.

``--processes N --redis`` runs each server as N processes (docs/performance.md, "Live polls
across two processes"): Engage as N ``engage.serve`` processes on one throwaway PostgreSQL
database with ``SOCKETIO_MESSAGE_QUEUE`` on Redis (the scheduler in the first only, one
``SECRET_KEY``), the ceiling as N processes sharing its poll in Redis; phone i always joins
process i mod N (what nginx's ``ip_hash`` does); memory and CPU are summed over the processes,
the vote-to-last-phone time is taken over the phones of all of them, and "acknowledged, not
stored" is read from the PostgreSQL database. ``--redis`` alone starts a throwaway
``redis-server`` on a free port; ``--redis URL`` uses that database and flushes it before and after.

Failures (phones that never joined, votes never acknowledged, tallies that never reached every
phone) are figures in the tables, not errors. Every wait has a time limit.

Survey submissions: 2,000 residents of a 10-question survey POST their answers through the full
HTTP stack (``POST /api/v1/surveys/{id}/responses``), 16 at a time, each from its own loopback
address (``bench/residents.mjs``; Engage limits submissions per client address and does not trust
proxy headers), against Engage and against ``bench/bare_flask.py`` (one Flask view that inserts
the same JSON into SQLite in WAL mode with ``synchronous=FULL`` and commits), served by gunicorn
with one gthread worker of 64 threads: its best setting, since a plain ``sqlite3`` commit under
gevent would stop the whole process for every ``fsync``. Both servers are up at once and take
turns, ``--survey-rounds`` (5) times, Engage first in odd rounds and the bare view first in even
ones; the ratios reported are the medians of the rounds' ratios (with their range), since the
load on a shared machine moves within a minute. ``--postgres`` repeats it all on throwaway
PostgreSQL databases.

Markdown tables go to stdout, every figure to ``bench/results/hall.json``. Only 127.0.0.0/8 is
contacted. The exit status is 1 if any acknowledged vote or response was not stored.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import queue
import shutil
import signal
import socket
import statistics
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results" / "hall.json"
PG_ADMIN_URL = os.environ.get("ENGAGE_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-hall-password-42"
OPTIONS = ["Playground", "Lighting", "Benches", "Toilets", "Trees"]
CEILING_CODE = "HALL22"
#: The default set: (phones, votes a second, transport). 20 long-polling phones prove the fallback.
DEFAULT_SCENARIOS = [(200, 200, "websocket"), (500, 200, "websocket"), (2000, 200, "websocket"),
                     (2000, 500, "websocket"), (20, 20, "polling")]

SURVEY_QUESTIONS = [
    {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"],
     "required": True},
    {"id": "travel", "type": "multiple_choice", "text": "How do you get there?",
     "options": ["Bus", "Car", "Walk", "Bike"], "max": 2},
    {"id": "score", "type": "rating", "text": "How good is it?", "min": 1, "max": 5},
    {"id": "safe", "type": "agreement", "text": "The park feels safe."},
    {"id": "again", "type": "yes_no_maybe", "text": "Would you go again?"},
    {"id": "why_not", "type": "free_text", "text": "Why not?", "max_length": 40,
     "show_if": {"question": "again", "equals": "no"}},
    {"id": "visits", "type": "number", "text": "Visits a month?", "min": 0, "max": 60},
    {"id": "comments", "type": "free_text", "text": "Anything else?", "max_length": 100},
    {"id": "rank", "type": "ranking", "text": "Rank these", "options": ["Toilets", "Benches", "Lights"]},
    {"id": "who", "type": "about_you", "text": "Which describes you?", "category": "respondent_group",
     "why": "To check we hear from everyone", "options": ["Carers", "Residents", "Other"]},
]
SURVEY_ANSWERS = {
    "park": "Meadow", "travel": ["Walk", "Bus"], "score": 4, "safe": "Agree", "again": "no",
    "why_not": "Too far", "visits": 2.5, "comments": "Lovely", "rank": ["Lights", "Toilets", "Benches"],
    "who": "Carers",
}


class HarnessError(RuntimeError):
    """Something the harness itself could not do (a server that never started, a bad setup)."""


# -- small tools ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float | None:
    """Nearest rank (every figure was observed); ``math.inf`` stands for "never"."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(len(ordered) * p / 100) - 1))]


def ms(value: float | None) -> float | None:
    """JSON has no infinity: "never" is stored as None beside a count of the nevers."""
    return None if value is None or math.isinf(value) else round(value, 1)


def node() -> str:
    path = shutil.which("node")
    if not path:
        raise HarnessError("node is not installed: the phones are socket.io-client under Node (make setup)")
    return path


def machine_facts() -> dict:
    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    node_version = subprocess.run([node(), "--version"], capture_output=True, text=True).stdout.strip()
    client = json.loads((ROOT / "node_modules" / "socket.io-client" / "package.json").read_text())["version"]
    from importlib.metadata import version

    from gunicorn.config import Config as GunicornConfig

    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "nproc": os.cpu_count(), "cpu": cpu,
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(), "node": node_version, "socket.io-client": client,
            "python-socketio": version("python-socketio"), "gevent": version("gevent"),
            "gunicorn": version("gunicorn"), "sqlite": sqlite3.sqlite_version,
            "gunicorn_default_worker_connections": GunicornConfig().worker_connections}


# -- server processes -----------------------------------------------------------------------


class TreeSampler(threading.Thread):
    """Peak RSS and CPU time of processes and all their descendants, read from /proc.

    Several roots (the server processes of ``--processes N``) are summed at the same instant, so
    the peak is that of the whole deployment, not the sum of each process's own peak.
    """

    def __init__(self, *pids: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.roots, self.every = list(pids), every
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.pids = list(pids)
        self.peak = 0
        self.first: int | None = None
        self.stopped = threading.Event()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry))
        found, stack = list(self.roots), list(self.roots)
        while stack:
            for child in children.get(stack.pop(), []):
                found.append(child)
                stack.append(child)
        return found

    def rss(self) -> int:
        total = 0
        for pid in self.pids:
            with contextlib.suppress(OSError, IndexError, ValueError):
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self.page
        return total

    def cpu_seconds(self) -> float:
        total = 0.0
        for pid in self._tree():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / self.ticks
        return total

    def run(self) -> None:
        n = 0
        while not self.stopped.is_set():
            if n % 5 == 0:
                self.pids = self._tree()
            value = self.rss()
            if self.first is None and value:
                self.first = value
            self.peak = max(self.peak, value)
            n += 1
            self.stopped.wait(self.every)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=2)


class Server:
    def __init__(self, proc: subprocess.Popen, base: str, log: Path) -> None:
        self.proc, self.base, self.log = proc, base, log

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def exceptions(self, samples: dict[str, str] | None = None) -> dict[str, int]:
        """Exceptions its log reports, by class (``redis.exceptions.MaxConnectionsError: ...``);
        the first traceback of each goes into ``samples``."""
        found: dict[str, int] = {}
        with contextlib.suppress(OSError):
            lines = self.log.read_text(errors="replace").splitlines()
            for i, line in enumerate(lines):
                head = line.split(":", 1)[0]
                if ":" in line and not line.startswith(" ") and head.endswith(("Error", "Exception", "Timeout")) \
                        and " " not in head:
                    found[head] = found.get(head, 0) + 1
                    if samples is not None and head not in samples:
                        start = next((j for j in range(i, max(-1, i - 300), -1)
                                      if lines[j].startswith("Traceback")), max(0, i - 24))
                        text = "\n".join(lines[start:i + 1])
                        # where it came from (the handler) and what it was, without the middle
                        samples[head] = text if len(text) <= 6000 else text[:3000] + "\n  ...\n" + text[-3000:]
        return found


class Cluster:
    """One server or several processes of it (``--processes N``), read as one deployment."""

    def __init__(self, servers: list[Server], database_url: str | None = None) -> None:
        self.servers, self.database_url = servers, database_url

    @property
    def base(self) -> str:
        """Where the presenter (or the harness) talks to it: the first process."""
        return self.servers[0].base

    @property
    def bases(self) -> list[str]:
        return [s.base for s in self.servers]

    @property
    def pids(self) -> list[int]:
        return [s.pid for s in self.servers]

    def exited(self) -> list[str]:
        return [f"server process {i} exited ({s.proc.returncode}):\n{s.log_tail()}"
                for i, s in enumerate(self.servers) if s.proc.poll() is not None]

    def exceptions(self, samples: dict[str, str] | None = None) -> dict[str, int]:
        found: dict[str, int] = {}
        for server in self.servers:
            for name, n in server.exceptions(samples).items():
                found[name] = found.get(name, 0) + n
        return found

    def log_tail(self, lines: int = 30) -> str:
        if len(self.servers) == 1:
            return self.servers[0].log_tail(lines)
        return "\n".join(f"[process {i}]\n{s.log_tail(lines)}" for i, s in enumerate(self.servers))


@contextlib.contextmanager
def process(command: list[str], env: dict, log: Path, health: str, what: str, start_timeout: float = 60):
    """A server in its own process group, ready when ``health`` answers 200; stopped afterwards."""
    with open(log, "w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    base = health.rsplit("/", 1)[0] if health.endswith("/healthz") else health
    server = Server(proc, base, log)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise HarnessError(f"{what} exited at start:\n{server.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(health, timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise HarnessError(f"{what} did not answer within {start_timeout} s:\n{server.log_tail()}")
            time.sleep(0.1)
        yield server
    finally:
        if proc.poll() is None:
            proc.terminate()  # gunicorn's master: a graceful stop of its worker
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # sockets still open: end the group we started
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


#: Sends a second one room's tallies may cost a server process, for Engage and the ceiling alike.
SEND_BUDGET = 10000.0


def engage_env(instance: str, port: int, database_url: str, threads: int) -> dict:
    return {**os.environ, "ENGAGE_INSTANCE_PATH": instance, "DATABASE_URL": database_url,
            "LIVE_BROADCAST_SEND_BUDGET": f"{SEND_BUDGET:g}",
            "ENGAGE_DEMO_PASSWORD": PASSWORD, "SCHEDULER_ENABLED": "0", "ENGAGE_CONFIG": "development",
            "PORT": str(port), "LOG_LEVEL": "WARNING", "THREADS": str(threads),
            # every simulated phone comes from this machine's one address (docs/security.md, point 4)
            "LIVE_PARTICIPANTS_PER_ADDRESS": "1000000"}


@contextlib.contextmanager
def engage_server(threads: int, database_url: str | None = None):
    """``python -m engage.serve`` as ``make run`` starts it: init-db, demo data, then the server."""
    with tempfile.TemporaryDirectory(prefix="engage-bench-hall-") as tmp:
        port = free_port()
        url = database_url or f"sqlite:///{tmp}/engage.sqlite3"
        env = engage_env(tmp, port, url, threads)
        for command in (["init-db"], ["demo-data", "--if-empty"]):
            done = subprocess.run([sys.executable, "-m", "flask", "--app", "engage", *command], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=300)
            if done.returncode:
                raise HarnessError(f"flask {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
        with process([sys.executable, "-m", "engage.serve"], env, Path(tmp) / "server.log",
                     f"http://127.0.0.1:{port}/healthz", "Engage") as server:
            server.database_url = url
            yield server


SECRET_KEY = "bench-hall-secret-key-shared-by-every-process-0123456789"


#: PostgreSQL connections the Engage processes may hold in all (the server allows 100 by default,
#: and the machine's other users need some).
PG_CONNECTIONS = 70


def database_pool(processes: int) -> dict[str, str]:
    """Each process's pool (``DATABASE_POOL_SIZE`` + ``DATABASE_MAX_OVERFLOW``): a share of
    ``PG_CONNECTIONS``, a third kept open. SQLAlchemy's default 5 + 10 left phones queueing 30 s
    for a connection (under gevent a greenlet holds one while it waits for PostgreSQL)."""
    most = max(15, PG_CONNECTIONS // processes)
    return {"DATABASE_POOL_SIZE": str(most // 3), "DATABASE_MAX_OVERFLOW": str(most - most // 3)}


@contextlib.contextmanager
def engage_processes(n: int, redis_url: str, threads: int):
    """``n`` processes of ``python -m engage.serve`` as the scale-out deployment runs them.

    One throwaway PostgreSQL database (migrated and given the demo data once), one instance
    directory (so one checkpoint key), the same ``SECRET_KEY``, ``SOCKETIO_MESSAGE_QUEUE`` on
    Redis (which the rate limits and the participant budget then share too), and the scheduler
    in the first process only (``SCHEDULER_ENABLED=0`` on the others), as docs/performance.md's
    deployment says.
    """
    with contextlib.ExitStack() as stack:
        url, _ = stack.enter_context(postgres_database("engage_bench_scale"))
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="engage-bench-hall-"))
        env = {**engage_env(tmp, 0, url, threads), "SECRET_KEY": SECRET_KEY, "SOCKETIO_MESSAGE_QUEUE": redis_url,
               **database_pool(n)}
        for command in (["init-db"], ["demo-data", "--if-empty"]):
            done = subprocess.run([sys.executable, "-m", "flask", "--app", "engage", *command], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=300)
            if done.returncode:
                raise HarnessError(f"flask {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
        servers = []
        for i in range(n):
            port = free_port()
            own = {**env, "PORT": str(port), "SCHEDULER_ENABLED": "1" if i == 0 else "0"}
            servers.append(stack.enter_context(process([sys.executable, "-m", "engage.serve"], own,
                                                       Path(tmp) / f"server-{i}.log",
                                                       f"http://127.0.0.1:{port}/healthz", f"Engage process {i}")))
        yield Cluster(servers, url)


@contextlib.contextmanager
def ceiling_processes(n: int, redis_url: str, worker_connections: int, http_server: str = "gunicorn",
                      accept_deflate: bool = False, local_tallies: bool = False, send_budget: float | None = None):
    """``n`` ceiling processes sharing one poll through Redis (``ceiling_server.py --redis``)."""
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(ceiling_server(worker_connections, http_server, accept_deflate, redis_url,
                                                      local_tallies, send_budget)) for _ in range(n)]
        yield Cluster(servers)


@contextlib.contextmanager
def redis_database(url: str | None):
    """A Redis database for one run, empty before and after: ``url``'s database, flushed, or,
    without one, a throwaway ``redis-server`` on a free port (nothing else's data is touched)."""
    import redis

    if url:
        client = redis.Redis.from_url(url)
        client.flushdb()
        try:
            yield url
        finally:
            client.flushdb()
            client.close()
        return
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        raise HarnessError("redis-server is not installed (bash scripts/system-deps.sh), or pass --redis URL")
    with tempfile.TemporaryDirectory(prefix="engage-bench-redis-") as tmp:
        port = free_port()
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                 "no", "--dir", tmp, "--maxclients", "10000"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            client = redis.Redis(port=port)
            deadline = time.monotonic() + 10
            while True:
                with contextlib.suppress(redis.RedisError):
                    if client.ping():
                        break
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise HarnessError("redis-server did not start")
                time.sleep(0.05)
            client.close()
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@contextlib.contextmanager
def ceiling_server(worker_connections: int, http_server: str = "gunicorn", accept_deflate: bool = False,
                   redis_url: str | None = None, local_tallies: bool = False, send_budget: float | None = None):
    with tempfile.TemporaryDirectory(prefix="engage-bench-ceiling-") as tmp:
        port = free_port()
        command = [sys.executable, str(BENCH / "ceiling_server.py"), "--port", str(port), "--code", CEILING_CODE,
                   "--options", ",".join(OPTIONS), "--worker-connections", str(worker_connections),
                   "--server", http_server, "--send-budget",
                   f"{SEND_BUDGET if send_budget is None else send_budget:g}"] \
            + (["--accept-deflate"] if accept_deflate else []) \
            + (["--redis", redis_url] if redis_url else []) + (["--local-tallies"] if local_tallies else [])
        with process(command, dict(os.environ), Path(tmp) / "server.log", f"http://127.0.0.1:{port}/healthz",
                     "the ceiling server") as server:
            yield server


@contextlib.contextmanager
def bare_server(database_url: str, threads: int):
    with tempfile.TemporaryDirectory(prefix="engage-bench-bare-") as tmp:
        port = free_port()
        url = database_url or f"sqlite:///{tmp}/bare.sqlite3"
        env = {**os.environ, "DATABASE_URL": url, "PORT": str(port), "THREADS": str(threads)}
        with process([sys.executable, str(BENCH / "bare_flask.py")], env, Path(tmp) / "server.log",
                     f"http://127.0.0.1:{port}/healthz", "the bare Flask view") as server:
            yield server


@contextlib.contextmanager
def postgres_database(prefix: str):
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        version = conn.execute("SHOW server_version").fetchone()[0]
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}", version
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(database_url: str, sql: str, params: tuple = ()) -> list[tuple]:
    """Read Engage's database directly, not through the app."""
    if database_url.startswith("sqlite:///"):
        conn = sqlite3.connect(f"file:{database_url.removeprefix('sqlite:///')}?mode=ro", uri=True, timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        return conn.execute(sql.replace("?", "%s"), params).fetchall()


# -- the poll, as a presenter runs it -------------------------------------------------------


class EngagePoll:
    """A live session with one open multiple-choice question, results shown, via the REST API."""

    def __init__(self, server: Server) -> None:
        self.server = server
        base = server.base
        token = requests.post(base + "/api/v1/auth/token", timeout=30,
                              json={"email": "commissioner@example.org", "password": PASSWORD})
        token.raise_for_status()
        self.headers = {"Authorization": f"Bearer {token.json()['token']}"}
        commissions = requests.get(base + "/api/v1/commissions", headers=self.headers, timeout=30).json()
        commission = next(c for c in commissions["commissions"] if c["title"] == "Rosehill Park improvements")
        session = self._post(f"/api/v1/commissions/{commission['id']}/live-sessions",
                             {"title": "Hall bench", "step": commission["current_step"]})
        self.session_id, self.code = session["id"], session["code"]
        question = self._post(f"/api/v1/live-sessions/{self.session_id}/questions",
                              {"type": "multiple_choice", "text": "Which should come first?", "options": OPTIONS})
        self.question_id = question["id"]
        self._post(f"/api/v1/live-sessions/{self.session_id}/questions/{self.question_id}/open")
        self._post(f"/api/v1/live-sessions/{self.session_id}/questions/{self.question_id}/reveal")

    def _post(self, path: str, body: dict | None = None, timeout: float = 60) -> dict:
        response = requests.post(self.server.base + path, headers=self.headers, json=body, timeout=timeout)
        if response.status_code >= 300:
            raise HarnessError(f"POST {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def close(self, timeout: float) -> None:
        self._post(f"/api/v1/live-sessions/{self.session_id}/questions/{self.question_id}/close", timeout=timeout)

    def stored(self) -> dict:
        url = self.server.database_url
        counts = {option: 0 for option in OPTIONS}
        # A JSON column: SQLite hands back its text, psycopg the decoded value.
        decode = json.loads if url.startswith("sqlite") else (lambda value: value)
        for (value,) in query(url, "SELECT value FROM live_votes WHERE question_id = ?", (self.question_id,)):
            counts[decode(value)] += 1
        ids = [row[0] for row in query(url, "SELECT client_vote_id FROM live_vote_receipts WHERE question_id = ?",
                                       (self.question_id,))]
        return {"counts": counts, "total": sum(counts.values()), "client_vote_ids": ids}


class CeilingPoll:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.code, self.question_id = CEILING_CODE, 1

    def close(self, timeout: float) -> None:
        requests.post(self.server.base + "/bench/close", timeout=timeout).raise_for_status()

    def stored(self) -> dict:
        state = requests.get(self.server.base + "/bench/state", timeout=60).json()
        return {"counts": state["counts"], "total": state["total"], "client_vote_ids": state["client_vote_ids"]}


# -- the phones -----------------------------------------------------------------------------


class Phones:
    """One or two Node processes of phones; their JSON lines are read by a thread each."""

    def __init__(self, bases: list[str], code: str, question_id: int, phones: int, transport: str, processes: int,
                 limits: dict, log_dir: Path) -> None:
        self.lines: queue.Queue = queue.Queue()
        self.procs: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        processes = max(1, min(processes, phones))
        shares = [phones // processes + (1 if i < phones % processes else 0) for i in range(processes)]
        first = 0
        for i, share in enumerate(shares):
            config = {"url": bases[0], "urls": bases, "code": code, "questionId": question_id, "phones": share, "firstIndex": first,
                      "transport": transport, "options": OPTIONS, "joinRate": limits["join_rate"] / processes,
                      "joinTimeoutMs": limits["join_timeout"] * 1000, "ackTimeoutMs": limits["ack_timeout"] * 1000,
                      "settleTimeoutMs": limits["settle_timeout"] * 1000,
                      "finalTimeoutMs": limits["final_timeout"] * 1000, "idleLimitMs": 900_000,
                      "deflate": limits["deflate"]}
            log = log_dir / f"phones-{i}.log"
            self.logs.append(log)
            with open(log, "w") as err:
                proc = subprocess.Popen([node(), str(BENCH / "phones.mjs"), json.dumps(config)], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True,
                                        bufsize=1)
            self.procs.append(proc)
            threading.Thread(target=self._read, args=(i, proc), daemon=True).start()
            first += share

    def _read(self, i: int, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            with contextlib.suppress(ValueError):
                self.lines.put((i, json.loads(line)))
        self.lines.put((i, {"phase": "exited", "code": proc.wait()}))

    def send(self, commands: list[dict] | dict) -> None:
        for i, proc in enumerate(self.procs):
            command = commands[i] if isinstance(commands, list) else commands
            with contextlib.suppress(BrokenPipeError, OSError):
                proc.stdin.write(json.dumps(command) + "\n")
                proc.stdin.flush()

    def expect(self, phase: str, timeout: float) -> list[dict]:
        """One ``phase`` report from every process, within ``timeout`` seconds."""
        got: dict[int, dict] = {}
        deadline = time.monotonic() + timeout
        while len(got) < len(self.procs):
            left = deadline - time.monotonic()
            if left <= 0:
                raise HarnessError(f"phones: no '{phase}' report within {timeout:.0f} s")
            try:
                i, message = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if message.get("phase") == phase:
                got[i] = message
            elif message.get("phase") == "exited":
                tail = self.logs[i].read_text(errors="replace")[-2000:]
                raise HarnessError(f"phones process {i} exited ({message['code']}) before '{phase}':\n{tail}")
        return [got[i] for i in range(len(self.procs))]

    def stop(self) -> None:
        for proc in self.procs:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def run_poll(kind: str, phones: int, rate: float, transport: str = "websocket", *, client_processes: int | None = None,
             join_rate: float = 500, join_timeout: float = 15, ack_timeout: float = 60, settle_timeout: float = 15,
             final_timeout: float = 15, close_timeout: float = 60, threads: int | None = None, deflate: bool = True,
             ceiling: str = "gunicorn", ceiling_deflate: bool = False, server_processes: int = 1,
             redis: str | None = None, ceiling_local_tallies: bool = False) -> dict:
    """One scenario against one server (``engage`` or ``ceiling``); every figure in a dict.

    With ``server_processes`` > 1 the server runs as that many processes sharing Redis (a
    throwaway ``redis-server``, or the database ``redis`` names, flushed) and, for Engage, one
    PostgreSQL database; phone i joins process i mod N.
    """
    limits = {"join_rate": join_rate, "join_timeout": join_timeout, "ack_timeout": ack_timeout,
              "settle_timeout": settle_timeout, "final_timeout": final_timeout, "close_timeout": close_timeout,
              "deflate": deflate}
    processes = client_processes or (2 if phones >= 1000 else 1)
    threads = threads or max(64, phones + 500)
    figures: dict = {"server": kind, "phones": phones, "rate_offered": rate, "transport": transport,
                     "client_processes": processes, "server_processes": server_processes, "limits": limits,
                     "harness_errors": []}
    stack = contextlib.ExitStack()
    if server_processes > 1:
        figures["database"] = "postgresql" if kind == "engage" else "redis"
        figures["message_queue"] = "redis"
        redis_url = stack.enter_context(redis_database(None if redis in (None, "throwaway") else redis))
    if kind == "engage":
        figures["threads"] = threads
        figures["send_budget"] = SEND_BUDGET
        # Engage's own default with a queue (engage/realtime/broadcaster.py); LIVE_LOCAL_TALLIES=0 in
        # the harness's environment reaches the servers and sends every tally through the queue
        figures["local_tallies"] = server_processes > 1 and os.environ.get("LIVE_LOCAL_TALLIES", "1") != "0"
        if server_processes > 1:
            figures["database_pool"] = database_pool(server_processes)
        started = engage_processes(server_processes, redis_url, threads) if server_processes > 1 else \
            _one(engage_server(threads))
    else:
        figures["worker_connections"] = 2 * phones + 100
        figures["http_server"] = ceiling
        figures["accepts_deflate"] = ceiling_deflate
        figures["local_tallies"] = ceiling_local_tallies and server_processes > 1
        budget = 0 if kind == "ceiling-fixed" else SEND_BUDGET
        figures["send_budget"] = budget
        started = ceiling_processes(server_processes, redis_url, 2 * phones + 100, ceiling, ceiling_deflate,
                                    ceiling_local_tallies, budget) \
            if server_processes > 1 else _one(ceiling_server(2 * phones + 100, ceiling, ceiling_deflate,
                                                             send_budget=budget))
    with stack, started as server, tempfile.TemporaryDirectory(prefix="engage-bench-phones-") as logs:
        poll = EngagePoll(server) if kind == "engage" else CeilingPoll(server)
        sampler = TreeSampler(*server.pids)
        sampler.start()
        crowd = Phones(server.bases, poll.code, poll.question_id, phones, transport, processes, limits, Path(logs))
        raw: dict = {}
        try:
            cpu_start = sampler.cpu_seconds()
            raw["joined"] = crowd.expect("joined", phones / join_rate + join_timeout + 30)
            cpu_before = sampler.cpu_seconds()
            # CPU seconds, unlike wall-clock figures, hardly move with what else the machine runs
            figures["server_cpu_seconds_joining"] = round(cpu_before - cpu_start, 2)
            wall_before = time.monotonic()
            start_at = time.time() * 1000 + 300
            joined = sum(r["joined"] for r in raw["joined"])
            crowd.send([{"cmd": "vote", "startAt": start_at, "rate": rate, "slot": i, "slots": len(crowd.procs)}
                        for i in range(len(crowd.procs))])
            raw["voted"] = crowd.expect("voted", joined / rate + ack_timeout + 30)
            cpu_voting = sampler.cpu_seconds() - cpu_before
            figures["server_cpu_seconds_voting"] = round(cpu_voting, 2)
            figures["server_cpu_cores_voting"] = round(cpu_voting / max(1e-9, time.monotonic() - wall_before), 2)
            accepted = sum(1 for r in raw["voted"] for v in r["votes"] if v["ok"])
            crowd.send({"cmd": "settle", "total": accepted})
            raw["settled"] = crowd.expect("settled", settle_timeout + 30)
            closing = time.monotonic()
            try:
                poll.close(close_timeout)
            except requests.RequestException as exc:
                raise HarnessError(f"the close was not answered within {close_timeout:g} s ({exc.__class__.__name__})")
            figures["close_seconds"] = round(time.monotonic() - closing, 2)
            stored = poll.stored()
            raw["stored"] = stored
            crowd.send({"cmd": "final", "counts": stored["counts"]})
            raw["final"] = crowd.expect("final", final_timeout + 30)
        except (HarnessError, requests.RequestException) as exc:
            figures["harness_errors"].append(str(exc)[:2000])
            with contextlib.suppress(Exception):
                raw.setdefault("stored", poll.stored())
        finally:
            crowd.stop()
            sampler.stop()
        figures["memory_idle_mb"] = round((sampler.first or 0) / 2**20, 1)
        figures["memory_peak_mb"] = round(sampler.peak / 2**20, 1)
        figures["harness_errors"] += server.exited()
        figures["server_log_tail"] = server.log_tail(40)[-4000:]
        figures["server_exception_tracebacks"] = {}
        figures["server_exceptions"] = server.exceptions(figures["server_exception_tracebacks"])
    figures.update(summarise(raw, rate, ack_timeout))
    return figures


@contextlib.contextmanager
def _one(started):
    """A single server as a cluster of one, so a run reads one process and several alike."""
    with started as server:
        yield Cluster([server], getattr(server, "database_url", None))


def summarise(raw: dict, rate: float, ack_timeout: float) -> dict:
    """The figures from the phones' reports and the stored votes."""
    out: dict = {}
    if "joined" in raw:
        reports = raw["joined"]
        out["joined"] = sum(r["joined"] for r in reports)
        failures: dict[str, int] = {}
        for r in reports:
            for reason, n in r["failures"].items():
                failures[reason] = failures.get(reason, 0) + n
        out["join_failures"] = failures
        by_server: dict[str, int] = {}
        for r in reports:
            for url, n in r.get("by_server", {}).items():
                by_server[url] = by_server.get(url, 0) + n
        out["joined_by_server"] = by_server
        joins = [x for r in reports for x in r["join_ms"]]
        last = max((r["last_join"] for r in reports if r["joined"]), default=None)
        first = min(r["start"] for r in reports)
        out["join_seconds"] = round((last - first) / 1000, 2) if last else None
        out["join_p50_ms"], out["join_p99_ms"] = ms(percentile(joins, 50)), ms(percentile(joins, 99))
        out["client_join"] = [r["client"] for r in reports]
    if "voted" in raw:
        votes = sorted((v for r in raw["voted"] for v in r["votes"]), key=lambda v: v["emit"])
        accepted = [v for v in votes if v["ok"]]
        refused: dict[str, int] = {}
        for v in votes:
            if not v["ok"]:
                refused[v["error"]] = refused.get(v["error"], 0) + 1
        out["votes_sent"] = len(votes)
        out["votes_acknowledged"] = len(accepted)
        out["votes_not_acknowledged"] = refused
        if len(votes) > 1:
            out["rate_sent"] = round((len(votes) - 1) / ((votes[-1]["emit"] - votes[0]["emit"]) / 1000), 1)
        if accepted:
            # From the first vote sent to the last answer; a vote never answered kept the room
            # waiting until its deadline. n votes take n/rate seconds to send, so the first
            # vote's own interval counts too.
            end = max(v["emit"] + (v["ack_ms"] or 0) for v in votes)
            end = max([end] + [v["emit"] + ack_timeout * 1000 for v in votes if v["error"] == "ack_timeout"])
            out["votes_per_second"] = round(len(accepted) / ((end - votes[0]["emit"]) / 1000 + 1 / rate), 1)
        else:
            out["votes_per_second"] = 0.0
        acks = [v["ack_ms"] if v["ack_ms"] is not None else math.inf for v in votes]
        out["ack_p50_ms"], out["ack_p99_ms"] = ms(percentile(acks, 50)), ms(percentile(acks, 99))
        out["ack_timeouts"] = refused.get("ack_timeout", 0)
        out["client_voting"] = [r["client"] for r in raw["voted"]]
        # Tally messages each phone received a second while voting: one per broadcast interval
        # would be the coalescing's promise; several processes each send their own.
        seconds = max((r.get("voting_ms") or 0) for r in raw["voted"]) / 1000
        voters = sum(1 for v in votes if v["error"] != "disconnected")
        if seconds > 0 and voters:
            out["tallies_per_phone_per_second"] = round(sum(r.get("tallies", 0) for r in raw["voted"])
                                                        / voters / seconds, 2)
        if "settled" in raw:
            reports = raw["settled"]
            reach = []
            for k, vote in enumerate(accepted, start=1):
                times = [r["last_phone"][k] if k < len(r["last_phone"]) else None for r in reports
                         if r["phones"]]
                reach.append(math.inf if any(t is None for t in times) else max(times) - vote["emit"])
            out["last_phone_p50_ms"], out["last_phone_p99_ms"] = ms(percentile(reach, 50)), ms(percentile(reach, 99))
            out["votes_never_on_every_phone"] = sum(1 for x in reach if math.isinf(x))
            out["phones_connected_after_voting"] = sum(r["phones"] for r in reports)
            out["phones_disconnected"] = sum(r["disconnected"] for r in reports)
        if "stored" in raw:
            stored = raw["stored"]
            ids = set(stored["client_vote_ids"])
            acked = {v["client_vote_id"] for v in accepted}
            out["votes_stored"] = stored["total"]
            out["stored_counts"] = stored["counts"]
            out["acknowledged_not_stored"] = len(acked - ids)
            out["stored_not_acknowledged"] = len(ids - acked)
    if "final" in raw:
        out["phones_with_exact_final_tally"] = sum(r["exact"] for r in raw["final"])
        out["final_tally_wait_ms"] = round(max(r["waited_ms"] for r in raw["final"]), 1)
        reasons: dict[str, int] = {}
        for r in raw["final"]:
            for reason, n in r["disconnected"].items():
                reasons[reason] = reasons.get(reason, 0) + n
        out["disconnect_reasons"] = reasons
    return out


# -- survey submissions ---------------------------------------------------------------------


def run_residents(url: str, path: str, count: int, concurrency: int, block: int) -> dict:
    config = {"url": url, "path": path, "body": {"answers": SURVEY_ANSWERS}, "count": count,
              "concurrency": concurrency, "addressBlock": block, "timeoutMs": 60_000}
    done = subprocess.run([node(), str(BENCH / "residents.mjs"), json.dumps(config)], cwd=ROOT, capture_output=True,
                          text=True, timeout=count * 60 / concurrency + 60)
    if done.returncode:
        raise HarnessError(f"residents.mjs failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def survey_figures(server: str, database: str, result: dict, stored: int, memory: TreeSampler) -> dict:
    latencies = result["latencies_ms"]
    acknowledged = len(latencies)
    return {"server": server, "database": database, "responses": result["count"],
            "seconds": round(result["seconds"], 2),
            "responses_per_second": round(acknowledged / result["seconds"], 1) if result["seconds"] else None,
            "p50_ms": ms(percentile(latencies, 50)), "p99_ms": ms(percentile(latencies, 99)),
            "statuses": result["statuses"], "errors": result["errors"], "acknowledged": acknowledged,
            "stored": stored, "acknowledged_not_stored": max(0, acknowledged - stored),
            "memory_peak_mb": round(memory.peak / 2**20, 1), "client_cpu_cores": result["client_cpu_cores"]}


def run_surveys(database: str, residents: int, concurrency: int, threads: int, rounds: int = 1) -> list[list[dict]]:
    """Engage and the bare view on ``database`` (sqlite or postgresql), both up at once, in
    ``rounds`` alternating runs (Engage first in even rounds, the bare view first in odd ones):
    on a shared machine the load moves from one minute to the next, so one run of each can
    compare a quiet Engage with a busy bare view or the other way round. Returns
    ``[engage, bare]`` figures for each round."""
    warmup = concurrency
    with contextlib.ExitStack() as stack:
        engage_url = bare_url = None
        if database == "postgresql":
            engage_url, _ = stack.enter_context(postgres_database("engage_bench_hall"))
            bare_url, _ = stack.enter_context(postgres_database("engage_bench_bare"))
        engage = stack.enter_context(engage_server(threads, engage_url))
        bare = stack.enter_context(bare_server(bare_url, threads))
        base = engage.base
        token = requests.post(base + "/api/v1/auth/token", timeout=30,
                              json={"email": "commissioner@example.org", "password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        commission = next(c for c in requests.get(base + "/api/v1/commissions", headers=headers, timeout=30)
                          .json()["commissions"] if c["title"] == "Rosehill Park improvements")
        made = requests.post(f"{base}/api/v1/commissions/{commission['id']}/surveys", headers=headers, timeout=30,
                             json={"title": "Hall bench survey", "step": commission["current_step"],
                                   "questions": SURVEY_QUESTIONS})
        if made.status_code != 201:
            raise HarnessError(f"creating the survey: {made.status_code} {made.text[:500]}")
        survey_id = made.json()["id"]
        requests.post(f"{base}/api/v1/surveys/{survey_id}/open", headers=headers, timeout=30).raise_for_status()
        paths = {"engage": f"/api/v1/surveys/{survey_id}/responses", "bare": "/api/v1/surveys/1/responses"}
        servers = {"engage": engage, "bare": bare}

        def stored(kind: str) -> int:
            if kind == "engage":
                return query(engage.database_url, "SELECT count(*) FROM survey_responses WHERE survey_id = ?",
                             (survey_id,))[0][0]
            return requests.get(bare.base + "/bench/count", timeout=30).json()["count"]

        for kind in ("engage", "bare"):  # first requests load code and caches
            run_residents(servers[kind].base, paths[kind], warmup, concurrency, block=11)
        results = []
        for n in range(rounds):
            figures = {}
            # each round's residents come from addresses of their own (127.<20 + round>.x.y), so
            # no round is refused by the per-address limits the one before used up
            for kind in (("engage", "bare") if n % 2 == 0 else ("bare", "engage")):
                before = stored(kind)
                sampler = TreeSampler(servers[kind].pid)
                sampler.start()
                try:
                    result = run_residents(servers[kind].base, paths[kind], residents, concurrency, block=20 + n)
                finally:
                    sampler.stop()
                figures[kind] = survey_figures(kind, database, result, stored(kind) - before, sampler)
                figures[kind]["round"] = n + 1
            results.append([figures["engage"], figures["bare"]])
    return results


def survey_ratios(engage: dict, bare: dict) -> dict:
    return {"responses_per_second": ratio(engage["responses_per_second"], bare["responses_per_second"]),
            "p50": ratio(engage["p50_ms"], bare["p50_ms"], 1), "p99": ratio(engage["p99_ms"], bare["p99_ms"], 1),
            "memory_peak": ratio(engage["memory_peak_mb"], bare["memory_peak_mb"], 1)}


def median_ratios(rounds: list[dict]) -> dict:
    """Each ratio's median over the rounds (and its lowest and highest, ``*_range``)."""
    out: dict = {}
    for key in rounds[0]:
        values = sorted(r[key] for r in rounds if r[key] is not None)
        out[key] = round(statistics.median(values), 2 if key == "responses_per_second" else 1) if values else None
        out[f"{key}_range"] = [values[0], values[-1]] if values else None
    return out


# -- reporting ------------------------------------------------------------------------------


def ratio(a, b, digits: int = 2):
    if a is None or b is None or b == 0:
        return None
    return round(a / b, digits)


def poll_ratios(engage: dict, ceiling: dict) -> dict:
    return {
        "joined": ratio(engage.get("joined"), ceiling.get("joined")),
        "votes_per_second": ratio(engage.get("votes_per_second"), ceiling.get("votes_per_second")),
        "ack_p50": ratio(engage.get("ack_p50_ms"), ceiling.get("ack_p50_ms"), 1),
        "ack_p99": ratio(engage.get("ack_p99_ms"), ceiling.get("ack_p99_ms"), 1),
        "last_phone_p50": ratio(engage.get("last_phone_p50_ms"), ceiling.get("last_phone_p50_ms"), 1),
        "last_phone_p99": ratio(engage.get("last_phone_p99_ms"), ceiling.get("last_phone_p99_ms"), 1),
        "memory_peak": ratio(engage.get("memory_peak_mb"), ceiling.get("memory_peak_mb"), 1),
        "cpu_per_join": ratio(_per(engage, "server_cpu_seconds_joining", "joined"),
                              _per(ceiling, "server_cpu_seconds_joining", "joined"), 1),
        "cpu_per_vote": ratio(_per(engage, "server_cpu_seconds_voting", "votes_acknowledged"),
                              _per(ceiling, "server_cpu_seconds_voting", "votes_acknowledged"), 1),
    }


def _per(figures: dict, cpu: str, count: str) -> float | None:
    """Server CPU milliseconds per joined phone or per acknowledged vote (broadcasts included)."""
    if figures.get(cpu) is None or not figures.get(count):
        return None
    return round(1000 * figures[cpu] / figures[count], 2)


def targets(engage: dict, ceiling: dict) -> list[tuple[str, bool | None, str]]:
    """Issue 11's goals for 2,000 phones at 500 votes/s: (goal, met, the figures)."""
    r = poll_ratios(engage, ceiling)
    phones = engage["phones"]
    lp99 = engage.get("last_phone_p99_ms")

    def le(value, limit, failed: bool):
        """None when there is nothing to compare; a failure (a figure that was never reached) is a NO."""
        if value is None:
            return False if failed else None
        return value <= limit

    # A figure measured on part of the room does not meet a goal set for the whole room.
    partial = engage.get("joined") != phones
    ack_failed = partial or (engage.get("ack_p99_ms") is None and bool(engage.get("votes_sent")))
    reach_failed = partial or (engage.get("last_phone_p99_ms") is None and bool(engage.get("votes_sent")))
    part = f" (only {fmt(engage.get('joined'))} of {phones:,} phones joined)" if partial else ""

    return [
        ("all phones join within 10 s, no error",
         engage.get("joined") == phones and not engage.get("join_failures") and (engage.get("join_seconds") or 99) <= 10,
         f"{fmt(engage.get('joined'))} of {phones:,} in {engage.get('join_seconds')} s"),
        ("votes/s at least 0.95 of the ceiling's",
         None if r["votes_per_second"] is None else r["votes_per_second"] >= 0.95 and not partial,
         f"{r['votes_per_second']}" + part),
        ("ack p99 at most 3 x the ceiling's", False if partial else le(r["ack_p99"], 3, ack_failed),
         (f"{r['ack_p99']} ×" if r["ack_p99"] is not None else
          f"{fmt_ms(engage.get('ack_p99_ms'), 'not acknowledged within ' + fmt_ms(engage['limits']['ack_timeout'] * 1000))}"
          f" beside {fmt_ms(ceiling.get('ack_p99_ms'))}") + part),
        ("vote to last phone p99 at most 1.5 x the ceiling's and under 1 s",
         False if reach_failed else None if r["last_phone_p99"] is None else
         (r["last_phone_p99"] <= 1.5 and lp99 < 1000),
         (f"{r['last_phone_p99']} ×, {fmt_ms(lp99)}" if r["last_phone_p99"] is not None else
          f"{fmt_ms(lp99)} beside {fmt_ms(ceiling.get('last_phone_p99_ms'))}") + part),
        ("server memory at most 3 x the ceiling's", False if partial else le(r["memory_peak"], 3, False),
         f"{r['memory_peak']} × ({engage.get('memory_peak_mb')} MB with {engage.get('joined')} phones joined, "
         f"beside {ceiling.get('memory_peak_mb')} MB with {ceiling.get('joined')})"),
        ("0 votes acknowledged and not stored", engage.get("acknowledged_not_stored") == 0,
         f"{engage.get('acknowledged_not_stored')}"),
        ("every phone's last tally equals the stored votes",
         engage.get("phones_with_exact_final_tally") == phones,
         f"{fmt(engage.get('phones_with_exact_final_tally'))} of {phones:,} phones"
         + (" (the close was never answered)" if "close_seconds" not in engage else "")),
    ]


def scale_targets(engage: dict, ceiling: dict) -> list[tuple[str, bool | None, str]]:
    """Issue 11's scale-out goal: 5,000 phones sustained, p99 vote to the last phone under 1 s."""
    phones = engage["phones"]
    lp99 = engage.get("last_phone_p99_ms")
    partial = engage.get("joined") != phones
    part = f" (only {fmt(engage.get('joined'))} of {phones:,} phones joined)" if partial else ""
    return [
        (f"all {phones:,} phones join, no error",
         engage.get("joined") == phones and not engage.get("join_failures"),
         f"{fmt(engage.get('joined'))} of {phones:,} in {engage.get('join_seconds')} s"
         f" (ceiling: {fmt(ceiling.get('joined'))})"),
        ("the offered rate sustained (at least 0.95 of the ceiling's)",
         None if poll_ratios(engage, ceiling)["votes_per_second"] is None else
         poll_ratios(engage, ceiling)["votes_per_second"] >= 0.95 and not partial,
         f"{fmt(engage.get('votes_per_second'))} votes/s beside {fmt(ceiling.get('votes_per_second'))}" + part),
        ("vote to last phone p99 under 1 s", False if partial or lp99 is None else lp99 < 1000,
         f"{fmt_ms(lp99)} beside {fmt_ms(ceiling.get('last_phone_p99_ms'))}" + part),
        ("0 votes acknowledged and not stored", engage.get("acknowledged_not_stored") == 0,
         f"{engage.get('acknowledged_not_stored')}"),
        ("every phone's last tally equals the stored votes",
         engage.get("phones_with_exact_final_tally") == phones,
         f"{fmt(engage.get('phones_with_exact_final_tally'))} of {phones:,} phones"),
    ]


def fmt_ms(value: float | None, never: str = "never") -> str:
    if value is None:
        return never
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def fmt(value, suffix: str = "") -> str:
    return "–" if value is None else f"{value:,}{suffix}" if isinstance(value, int) else f"{value}{suffix}"


#: The servers a scenario runs against, in this order.
SERVERS = ("engage", "ceiling", "ceiling-fixed")


def client_load(f: dict) -> str:
    """The phones' own load while voting: CPU cores (all processes) and worst event-loop delay p99."""
    loads = f.get("client_voting") or []
    if not loads:
        return "–"
    cpu = sum(x["cpu_cores"] or 0 for x in loads)
    return f"{cpu:.2f}, {max(x['event_loop_delay_p99_ms'] for x in loads):.0f} ms"


def poll_row(f: dict) -> str:
    n = f.get("server_processes", 1)
    name = {"engage": "Engage (`engage.serve`, gevent)", "ceiling": "ceiling (python-socketio, gevent)",
            "ceiling-fixed": "ceiling, a tally every 0.2 s whatever the room's size"}[f["server"]]
    if n > 1:
        name += f", {n} processes, " + ("PostgreSQL + Redis queue" if f["server"] == "engage" else "Redis")
        if f.get("local_tallies"):
            name += ", local tallies"
    failures = ", ".join(f"{n} {reason}" for reason, n in sorted(f.get("join_failures", {}).items()))
    joined = fmt(f.get("joined")) + (f" ({failures})" if failures else "")
    not_acked = f.get("votes_not_acknowledged") or {}
    achieved = fmt(f.get("votes_per_second"))
    if not_acked:
        achieved += " (" + ", ".join(f"{n} {code}" for code, n in sorted(not_acked.items())) + ")"
    never_ack = "> " + fmt_ms(f["limits"]["ack_timeout"] * 1000)
    lost = f.get("acknowledged_not_stored")
    exact = f.get("phones_with_exact_final_tally")
    errors = " ⚠ " + "; ".join(e.splitlines()[0] for e in f["harness_errors"]) if f.get("harness_errors") else ""
    return (f"| {f['phones']:,}, {f['rate_offered']:g} | {name} | {joined} | {fmt(f.get('join_seconds'), ' s')} "
            f"| {achieved} | {fmt_ms(f.get('ack_p50_ms'), never_ack)} / {fmt_ms(f.get('ack_p99_ms'), never_ack)} "
            f"| {fmt_ms(f.get('last_phone_p50_ms'))} / {fmt_ms(f.get('last_phone_p99_ms'))} "
            f"| {fmt(f.get('memory_peak_mb'), ' MB')} | {fmt(f.get('server_cpu_cores_voting'))} "
            f"| {fmt(f.get('votes_acknowledged'))} / {fmt(f.get('votes_stored'))} / {fmt(lost)} "
            f"| {fmt(exact)} of {fmt(f.get('joined'))}{errors} | {client_load(f)} |")


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB, Python {m['python']}, Node {m['node']} "
             f"(socket.io-client {m['socket.io-client']}), gunicorn {m['gunicorn']}, SQLite {m['sqlite']}"
             + (f", PostgreSQL {m['postgresql']}" if m.get("postgresql") else "")
             + f"; load average at start {m['load_average_at_start']}; {m['date']}.", ""]
    if results["polls"]:
        lines += ["### Live polls: one vote per phone",
                  "",
                  "| phones, votes/s offered | server | phones joined | time to join | votes/s achieved "
                  "| ack p50 / p99 | vote reaches the last phone p50 / p99 | server memory (peak RSS) "
                  "| server CPU (cores, voting) | votes acked / stored / acked not stored "
                  "| phones whose last tally = stored | phones' CPU, loop delay p99 |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for scenario in results["polls"]:
            transport = "" if scenario["transport"] == "websocket" else f" ({scenario['transport']})"
            for kind in SERVERS:
                if kind in scenario:
                    lines.append(poll_row(scenario[kind]).replace(" |", transport + " |", 1) if transport
                                 else poll_row(scenario[kind]))
            for key, label in (("ratios", "Engage ÷ ceiling"), ("ratios_fixed", "Engage ÷ ceiling every 0.2 s")):
                r = scenario.get(key)
                if r:
                    lines.append(f"| | **{label}** | {fmt(r['joined'])} | | {fmt(r['votes_per_second'])} "
                                 f"| {fmt(r['ack_p50'], '×')} / {fmt(r['ack_p99'], '×')} "
                                 f"| {fmt(r['last_phone_p50'], '×')} / {fmt(r['last_phone_p99'], '×')} "
                                 f"| {fmt(r['memory_peak'], '×')} | | | | |")
        logged = [(scenario, kind, scenario[kind]["server_exceptions"]) for scenario in results["polls"]
                  for kind in SERVERS if scenario.get(kind, {}).get("server_exceptions")]
        if logged:
            lines.append("")
        for scenario, kind, found in logged:
            lines.append(f"- {kind}'s log at {scenario['phones']:,} phones, {scenario['rate']:g}/s: "
                         + ", ".join(f"{n} × `{name}`" for name, n in sorted(found.items())))
        lines += ["", "Server CPU (the server's processes, user + system) per joined phone while the phones join, "
                      "and per acknowledged vote while they vote, broadcasts included: on a shared machine these "
                      "move far less than the wall-clock figures.", "",
                  "| phones, votes/s offered | server | CPU per join | CPU per vote |", "|---|---|---:|---:|"]
        for scenario in results["polls"]:
            for kind in SERVERS:
                if kind in scenario:
                    f = scenario[kind]
                    lines.append(f"| {f['phones']:,}, {f['rate_offered']:g} | {kind} "
                                 f"| {fmt(_per(f, 'server_cpu_seconds_joining', 'joined'), ' ms')} "
                                 f"| {fmt(_per(f, 'server_cpu_seconds_voting', 'votes_acknowledged'), ' ms')} |")
            r = scenario.get("ratios")
            if r:
                lines.append(f"| | **Engage ÷ ceiling** | {fmt(r.get('cpu_per_join'), '×')} "
                             f"| {fmt(r.get('cpu_per_vote'), '×')} |")
        for scenario in results["polls"]:
            if scenario.get("targets"):
                n = results["settings"].get("server_processes", 1)
                lines += ["", f"### Issue 11's goals at {scenario['phones']:,} phones, {scenario['rate']:g} votes/s"
                          + (f", {n} processes" if n > 1 else ""),
                          "", "| goal | met | measured |", "|---|---|---|"]
                for goal, met, measured in scenario["targets"]:
                    lines.append(f"| {goal} | {'–' if met is None else 'yes' if met else 'NO'} | {measured} |")
    if results["surveys"]:
        lines += ["", "### Survey submissions: 10 questions, each resident from its own address, "
                      f"{results['settings']['survey_concurrency']} at a time", "",
                  "| database | server | responses | responses/s | p50 | p99 | errors | acked / stored / acked not stored "
                  "| server memory (peak RSS) |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        for group in results["surveys"]:
            by_round: dict[int, list[dict]] = {}
            for f in group["rows"]:
                by_round.setdefault(f.get("round", 1), []).append(f)
            for (n, pair), r in zip(sorted(by_round.items()), group.get("round_ratios") or [group["ratios"]]):
                for f in pair:
                    bad = {k: v for k, v in f["statuses"].items() if not k.startswith("2")}
                    errors = sum(bad.values()) + sum(f["errors"].values())
                    name = ("Engage (`engage.serve`)" if f["server"] == "engage"
                            else "bare Flask view (`bench/bare_flask.py`)")
                    lines.append(f"| {f['database']} | {name}, round {n} | {f['responses']:,} "
                                 f"| {f['responses_per_second']} | {fmt_ms(f['p50_ms'])} | {fmt_ms(f['p99_ms'])} "
                                 f"| {errors} | {f['acknowledged']} / {f['stored']} / {f['acknowledged_not_stored']} "
                                 f"| {f['memory_peak_mb']} MB |")
                lines.append(f"| | Engage ÷ bare, round {n} | | {fmt(r['responses_per_second'])} "
                             f"| {fmt(r['p50'], '×')} | {fmt(r['p99'], '×')} | | | {fmt(r['memory_peak'], '×')} |")
            r = group["ratios"]
            span = r.get("responses_per_second_range")
            lines.append(f"| {group['database']} | **Engage ÷ bare, median of {len(by_round)}** | "
                         f"| **{fmt(r['responses_per_second'])}**{f' ({fmt(span[0])}–{fmt(span[1])})' if span else ''} "
                         f"| {fmt(r['p50'], '×')} | **{fmt(r['p99'], '×')}** | | | {fmt(r['memory_peak'], '×')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    global SEND_BUDGET
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, help="phones in the room (one scenario; default: the default set)")
    parser.add_argument("--rate", type=float, default=200, help="votes a second offered (with --phones)")
    parser.add_argument("--transport", choices=("websocket", "polling"), default="websocket")
    parser.add_argument("--servers", default=",".join(SERVERS),
                        help="which servers to run, of " + ",".join(SERVERS) + " (all by default)")
    parser.add_argument("--send-budget", type=float, default=SEND_BUDGET,
                        help="sends a second one room's tallies may cost a process, for Engage "
                             "(LIVE_BROADCAST_SEND_BUDGET) and the ceiling alike; 0: a tally every 0.2 s for both")
    parser.add_argument("--client-processes", type=int, help="Node processes of phones (default 1; 2 from 1,000)")
    parser.add_argument("--join-rate", type=float, default=500, help="phones starting to join each second")
    parser.add_argument("--join-timeout", type=float, default=15, help="seconds a phone tries to join")
    parser.add_argument("--ack-timeout", type=float, default=60, help="seconds a phone waits for a vote's ack")
    parser.add_argument("--no-deflate", action="store_true",
                        help="phones do not offer permessage-deflate (browsers and Node's ws do by default)")
    parser.add_argument("--ceiling-server", choices=("gunicorn", "pywsgi"), default="gunicorn",
                        help="the ceiling's HTTP server: gunicorn's gevent worker, or gevent's pywsgi")
    parser.add_argument("--ceiling-accepts-deflate", action="store_true",
                        help="the ceiling accepts permessage-deflate as Engage does (it declines by default)")
    parser.add_argument("--processes", type=int, default=1,
                        help="server processes for the live polls (both servers; more than one needs --redis): "
                             "Engage then runs on one throwaway PostgreSQL database, phone i joins process i mod N")
    parser.add_argument("--redis", nargs="?", const="throwaway", metavar="URL",
                        help="the message queue for --processes: a throwaway redis-server (no URL), or a Redis "
                             "database URL such as redis://127.0.0.1:6379/9, which is FLUSHED before and after")
    parser.add_argument("--ceiling-local-tallies", action="store_true",
                        help="with --processes: each ceiling process sends tallies to its own phones only "
                             "(one an interval a phone, however many processes)")
    parser.add_argument("--postgres", action="store_true", help="survey submissions on PostgreSQL as well")
    parser.add_argument("--no-surveys", action="store_true")
    parser.add_argument("--only-surveys", action="store_true")
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--survey-concurrency", type=int, default=16)
    parser.add_argument("--survey-rounds", type=int, default=5,
                        help="alternating runs of Engage and the bare view; the ratios are their medians")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    SEND_BUDGET = args.send_budget
    if args.processes > 1 and not args.redis:
        parser.error("--processes above 1 needs --redis: the processes share rooms and tallies through it")
    scenarios = [] if args.only_surveys else (
        [(args.phones, args.rate, args.transport)] if args.phones else DEFAULT_SCENARIOS)
    servers = [s for s in SERVERS if s in args.servers.split(",")]
    started = time.monotonic()
    results = {"machine": machine_facts(), "command": " ".join(["python", "bench/hall.py", *(argv or sys.argv[1:])]),
               "settings": {"deflate": not args.no_deflate, "ceiling_server": args.ceiling_server,
                            "ceiling_accepts_deflate": args.ceiling_accepts_deflate,
                            "join_rate": args.join_rate, "join_timeout_s": args.join_timeout,
                            "ack_timeout_s": args.ack_timeout, "residents": args.residents,
                            "survey_concurrency": args.survey_concurrency, "survey_threads": 64,
                            "survey_rounds": args.survey_rounds,
                            "server_processes": args.processes, "send_budget": SEND_BUDGET,
                            "ceiling_local_tallies": args.ceiling_local_tallies,
                            "redis": None if not args.redis else "throwaway" if args.redis == "throwaway" else "url"},
               "polls": [], "surveys": []}
    for phones, rate, transport in scenarios:
        scenario: dict = {"phones": phones, "rate": rate, "transport": transport}
        for kind in servers:
            print(f"{phones} phones, {rate:g} votes/s, {transport}: {kind}...", file=sys.stderr, flush=True)
            try:
                scenario[kind] = run_poll(kind, phones, rate, transport, client_processes=args.client_processes,
                                          join_rate=args.join_rate, join_timeout=args.join_timeout,
                                          ack_timeout=args.ack_timeout, deflate=not args.no_deflate,
                                          ceiling=args.ceiling_server,
                                          ceiling_deflate=args.ceiling_accepts_deflate,
                                          server_processes=args.processes, redis=args.redis,
                                          ceiling_local_tallies=args.ceiling_local_tallies)
            except HarnessError as exc:
                scenario[kind] = {"server": kind, "phones": phones, "rate_offered": rate, "transport": transport,
                                  "harness_errors": [str(exc)[:2000]], "limits": {"ack_timeout": args.ack_timeout}}
            for error in scenario[kind].get("harness_errors", []):
                print(f"  {kind}: {error}", file=sys.stderr)
        if "engage" in scenario and "ceiling-fixed" in scenario:
            scenario["ratios_fixed"] = poll_ratios(scenario["engage"], scenario["ceiling-fixed"])
        if "engage" in scenario and "ceiling" in scenario:
            scenario["ratios"] = poll_ratios(scenario["engage"], scenario["ceiling"])
            if args.processes > 1 and phones >= 5000 and transport == "websocket":
                scenario["targets"] = scale_targets(scenario["engage"], scenario["ceiling"])
            elif args.processes == 1 and phones >= 2000 and rate >= 500 and transport == "websocket":
                scenario["targets"] = targets(scenario["engage"], scenario["ceiling"])
        results["polls"].append(scenario)
    if not args.no_surveys:
        for database in ["sqlite"] + (["postgresql"] if args.postgres else []):
            print(f"survey submissions on {database}...", file=sys.stderr, flush=True)
            if database == "postgresql":
                import psycopg

                with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
                    results["machine"]["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
            rounds = run_surveys(database, args.residents, args.survey_concurrency, 64, args.survey_rounds)
            each = [survey_ratios(engage, bare) for engage, bare in rounds]
            results["surveys"].append({"database": database, "rows": [f for pair in rounds for f in pair],
                                       "round_ratios": each, "ratios": median_ratios(each)})
    results["seconds"] = round(time.monotonic() - started)
    print(markdown(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n(every figure in {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}; "
          f"{results['seconds']} s)")
    lost = [f for s in results["polls"] for f in map(s.get, SERVERS) if f and f.get("acknowledged_not_stored")]
    lost += [f for g in results["surveys"] for f in g["rows"] if f["acknowledged_not_stored"]]
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
