"""Live polls under load: a room of phones voting against the real server.

    python bench/live_votes.py                  # 200 phones on SQLite, about a minute on 2 cores
    python bench/live_votes.py --quick          # 50 phones, a smoke run
    python bench/live_votes.py --postgres       # the same on a throwaway PostgreSQL database too
    python bench/live_votes.py --phones 300     # a bigger room

The server is ``python -m engage.serve`` (gunicorn gthread, one worker), as ``make run`` starts
it, on a free port with its own database and the demo accounts. The phones are python-socketio
clients on the long-polling transport (the fallback where websockets are blocked, and the more
expensive one for the server: every message a phone receives is one HTTP response). Each phone
runs in its own thread, as a phone is its own device.

What it measures, each a question someone running a session in a big room will ask:

1. **Joining**: how long the whole room takes to connect and join.
2. **A burst of votes**: every phone votes at once (a barrier releases them together), then
   changes its vote ``--changes`` times: acknowledgement latency (p50/p95/p99, from emit to
   ack, and an ack means the vote is committed) and accepted votes a second.
3. **Coalescing**: how many ``tally`` messages each phone received per second during the
   burst (the broadcaster sends each room at most one every 0.2 s, whatever the vote rate),
   and how long after the last acknowledgement every phone holds the up-to-date tally.
4. **Closing**: how long until every phone holds the exact final tally.

It prints Markdown tables and writes the figures to ``bench/results/live_votes.json``.
Everything runs on 127.0.0.1, so the phones and the server share the machine's cores.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import engineio.payload
import psycopg
import requests
import socketio
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "live_votes.json"
PG_ADMIN_URL = os.environ.get("ENGAGE_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-live-password-42"
OPTIONS = ["Playground", "Lighting", "Benches", "Toilets", "Trees"]

# A phone that is slow to poll (hundreds of clients in one process on two cores) can be sent
# more than python-engineio's client accepts in one long-polling response by default (16
# packets), and it then drops the connection. Browsers have no such limit; neither do these
# clients once it is raised.
engineio.payload.Payload.max_decode_packets = 1000


def polling_session() -> requests.Session:
    """An HTTP session for one socket client that retries a request the server closed unanswered.

    Gunicorn closes keep-alive connections that have been idle for 2 s; a long-polling client
    can send its next request down one just as it closes, and python-engineio's client then
    drops the whole connection. Browsers retry in that case; so does this session. A resent
    packet is harmless: votes carry a client_vote_id and count once.
    """
    session = requests.Session()
    retry = Retry(total=3, connect=3, read=2, status=0, allowed_methods=None, backoff_factor=0)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


def latency_summary(seconds: list[float]) -> dict[str, float | None]:
    """p50/p95/p99 in milliseconds, nearest rank: every figure was observed."""
    if not seconds:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    ordered = sorted(seconds)

    def rank(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, int(len(ordered) * p / 100 + 0.5) - 1))] * 1000, 1)

    return {"p50_ms": rank(50), "p95_ms": rank(95), "p99_ms": rank(99)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout: float, what: str) -> float:
    """Seconds until ``condition()`` held; raises if it never did within ``timeout``."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if condition():
            return time.perf_counter() - start
        time.sleep(0.01)
    raise RuntimeError(f"timed out after {timeout} s waiting for {what}")


@contextlib.contextmanager
def server(database_url: str, phones: int):
    with tempfile.TemporaryDirectory(prefix="engage-bench-live-") as tmp:
        port = free_port()
        env = {**os.environ, "ENGAGE_INSTANCE_PATH": tmp, "DATABASE_URL": database_url or f"sqlite:///{tmp}/e.sqlite3",
               "ENGAGE_DEMO_PASSWORD": PASSWORD, "SCHEDULER_ENABLED": "0", "ENGAGE_CONFIG": "development",
               "PORT": str(port), "LOG_LEVEL": "WARNING",
               # Each long-polling phone holds a server thread while it waits for news.
               "THREADS": str(phones * 2 + 50)}
        for command in (["init-db"], ["demo-data", "--if-empty"]):
            subprocess.run([sys.executable, "-m", "flask", "--app", "engage", *command], cwd=ROOT, env=env,
                           check=True, capture_output=True)
        with open(Path(tmp) / "server.log", "w") as log:
            proc = subprocess.Popen([sys.executable, "-m", "engage.serve"], cwd=ROOT, env=env, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            base = f"http://127.0.0.1:{port}"
            try:
                def ready() -> bool:
                    if proc.poll() is not None:
                        raise RuntimeError((Path(tmp) / "server.log").read_text())
                    with contextlib.suppress(requests.RequestException):
                        return requests.get(base + "/healthz", timeout=1).status_code == 200
                    return False
                wait_for(ready, 30, "the server to start")
                yield base, proc.pid
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:  # phones still polling: end master and worker
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=5)


@contextlib.contextmanager
def postgres_database():
    name = f"engage_bench_live_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        version = conn.execute("SHOW server_version").fetchone()[0]
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}", version
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def process_tree_cpu(pid: int) -> float | None:
    """CPU seconds used by ``pid`` and its children so far (Linux /proc); None elsewhere."""
    total, found = 0.0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            found = True
    return total if found else None


class Phone:
    def __init__(self, base: str, transport: str) -> None:
        self.sio = socketio.Client(reconnection=False, request_timeout=60, http_session=polling_session())
        self.base = base
        self.transport = transport
        self.tallies: list[tuple[float, dict]] = []
        self.lock = threading.Lock()
        self.sio.on("tally", self._tally, namespace="/live")

    def _tally(self, data) -> None:
        with self.lock:
            self.tallies.append((time.perf_counter(), data))

    def join(self, code: str) -> None:
        self.sio.connect(self.base, namespaces=["/live"], transports=[self.transport], wait_timeout=30)
        ack = self.sio.call("join", {"code": code}, namespace="/live", timeout=60)
        if not ack["ok"]:
            raise RuntimeError(ack)

    def vote(self, question_id: int, value: str) -> tuple[float, bool]:
        start = time.perf_counter()
        ack = self.sio.call("vote", {"question_id": question_id, "value": value, "client_vote_id": str(uuid.uuid4())},
                            namespace="/live", timeout=60)
        return time.perf_counter() - start, bool(ack.get("ok"))

    def latest(self) -> dict | None:
        with self.lock:
            return max((t for _, t in self.tallies), key=lambda t: t["seq"], default=None)

    def tallies_between(self, start: float, end: float) -> int:
        with self.lock:
            return sum(1 for at, _ in self.tallies if start <= at <= end)


def api(base: str):
    token = requests.post(base + "/api/v1/auth/token", json={"email": "commissioner@example.org", "password": PASSWORD},
                          timeout=10).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    commission = next(c for c in requests.get(base + "/api/v1/commissions", headers=headers, timeout=10).json()["commissions"]
                      if c["title"] == "Rosehill Park improvements")
    session = requests.post(f"{base}/api/v1/commissions/{commission['id']}/live-sessions", headers=headers, timeout=10,
                            json={"title": "Bench", "step": commission["current_step"],
                                  "questions": [{"type": "multiple_choice", "text": "Which first?", "options": OPTIONS}]}).json()
    qid = session["questions"][0]["id"]

    def control(action: str) -> dict:
        r = requests.post(f"{base}/api/v1/live-sessions/{session['id']}/questions/{qid}/{action}", headers=headers,
                          timeout=30)
        r.raise_for_status()
        return r.json()

    def tally() -> dict:
        return requests.get(f"{base}/api/v1/live-sessions/{session['id']}/questions/{qid}/tally", headers=headers,
                            timeout=30).json()

    return session, qid, control, tally


def phone_worker(base: str, transport: str, code: str, qid: int, phones_n: int, first_index: int, changes: int,
                 ready, go, done, target_seq, final_seq, results) -> None:
    """One client process: its share of the room's phones, each in its own thread.

    Phones are spread over several processes because a few hundred socket clients in one
    Python process are limited by that process's GIL long before the server is.
    """
    try:
        phones = [Phone(base, transport) for _ in range(phones_n)]
        for phone in phones:
            phone.join(code)
        latencies: list[float] = []
        last: dict[int, str] = {}
        refused = 0
        lock = threading.Lock()

        def voter(i: int) -> None:
            nonlocal refused
            for k in range(changes + 1):
                choice = OPTIONS[(first_index + i + k) % len(OPTIONS)]
                seconds, ok = phones[i].vote(qid, choice)
                with lock:
                    latencies.append(seconds)
                    if ok:
                        last[first_index + i] = choice
                    else:
                        refused += 1

        ready.wait()
        go.wait()
        start = time.perf_counter()
        threads = [threading.Thread(target=voter, args=(i,)) for i in range(phones_n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        end = time.perf_counter()
        done.wait()
        while target_seq.value < 0:
            time.sleep(0.005)
        fresh = wait_for(lambda: all((p.latest() or {}).get("seq") == target_seq.value for p in phones), 60,
                         "the latest tally")
        while final_seq.value < 0:
            time.sleep(0.005)
        final_start = time.perf_counter()
        wait_for(lambda: all((p.latest() or {}).get("seq") == final_seq.value for p in phones), 60, "the final tally")
        rates = [p.tallies_between(start, end) / (end - start) for p in phones]
        results.put({"latencies": latencies, "last": last, "refused": refused, "fresh": fresh,
                     "final_wait": time.perf_counter() - final_start, "rates": rates,
                     "final_counts": [p.latest()["counts"] for p in phones]})
        for phone in phones:
            with contextlib.suppress(Exception):
                phone.sio.disconnect()
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        results.put({"error": repr(exc)})
        with contextlib.suppress(Exception):
            ready.abort()
            go.abort()
            done.abort()


def run_room(base: str, pid: int, transport: str, phones_n: int, changes: int, processes: int) -> dict:
    import multiprocessing as mp

    session, qid, control, stored = api(base)
    control("open")
    control("reveal")
    ctx = mp.get_context("spawn")
    ready, go, done = (ctx.Barrier(processes + 1) for _ in range(3))
    target_seq, final_seq = ctx.Value("i", -1), ctx.Value("i", -1)
    results = ctx.Queue()
    shares = [phones_n // processes + (1 if i < phones_n % processes else 0) for i in range(processes)]
    workers = []
    first = 0
    join_start = time.perf_counter()
    for share in shares:
        worker = ctx.Process(target=phone_worker, args=(base, transport, session["code"], qid, share, first, changes,
                                                        ready, go, done, target_seq, final_seq, results))
        worker.start()
        workers.append(worker)
        first += share
    ready.wait(timeout=120)
    join_seconds = time.perf_counter() - join_start
    cpu_start = process_tree_cpu(pid)
    burst_start = time.perf_counter()
    go.wait(timeout=60)
    done.wait(timeout=300)
    burst = time.perf_counter() - burst_start
    cpu_end = process_tree_cpu(pid)
    target_seq.value = stored()["seq"]
    close_start = time.perf_counter()
    control("close")
    final = stored()
    final_seq.value = final["seq"]
    reports = [results.get(timeout=120) for _ in workers]
    close_total = time.perf_counter() - close_start
    for worker in workers:
        worker.join(timeout=30)
    errors = [r["error"] for r in reports if "error" in r]
    if errors:
        raise RuntimeError(errors[0])
    latencies = [s for r in reports for s in r["latencies"]]
    last = {k: v for r in reports for k, v in r["last"].items()}
    rates = [x for r in reports for x in r["rates"]]
    expected = Counter(last.values())
    return {
        "transport": transport,
        "phones": phones_n,
        "client_processes": processes,
        "votes": len(latencies),
        "refused": sum(r["refused"] for r in reports),
        "join_seconds": round(join_seconds, 2),
        "burst_seconds": round(burst, 2),
        "votes_per_second": round(len(latencies) / burst, 1),
        "ack_latency": latency_summary(latencies),
        "server_cpu_cores": None if cpu_start is None or cpu_end is None else round((cpu_end - cpu_start) / burst, 2),
        "tallies_per_phone_per_second": {"mean": round(sum(rates) / len(rates), 2), "max": round(max(rates), 2)},
        "fresh_after_last_ack_ms": round(max(r["fresh"] for r in reports) * 1000),
        "final_tally_after_close_ms": round(close_total * 1000),
        "every_phone_has_the_exact_final_tally": all(c == final["counts"] for r in reports for c in r["final_counts"]),
        "stored_counts_equal_accepted_votes": final["counts"] == {o: expected.get(o, 0) for o in OPTIONS},
    }


def machine_facts() -> dict:
    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "nproc": os.cpu_count(), "cpu": cpu,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version}


def markdown(results: dict) -> str:
    lines = ["| database | transport | phones | votes | votes/s | ack p50 | ack p95 | ack p99 | server CPU "
             "| tallies/phone/s (mean, max) | up to date after last ack | final tally after close | exact |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|"]
    for name, r in results["runs"].items():
        lat = r["ack_latency"]
        exact = r["every_phone_has_the_exact_final_tally"] and r["stored_counts_equal_accepted_votes"]
        lines.append(
            f"| {name.split('/')[0]} | {r['transport']} | {r['phones']} | {r['votes']} | {r['votes_per_second']} "
            f"| {lat['p50_ms']} ms | {lat['p95_ms']} ms | {lat['p99_ms']} ms | {r['server_cpu_cores']} "
            f"| {r['tallies_per_phone_per_second']['mean']}, {r['tallies_per_phone_per_second']['max']} "
            f"| {r['fresh_after_last_ack_ms']} ms | {r['final_tally_after_close_ms']} ms | {'yes' if exact else 'NO'} |")
    lines.append("")
    lines.append("Joining: " + "; ".join(f"{name}: {r['phones']} phones in {r['join_seconds']} s"
                                       for name, r in results["runs"].items()))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=None)
    parser.add_argument("--changes", type=int, default=2, help="times each phone changes its vote after the first")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--client-processes", type=int, default=4,
                        help="processes the phones are spread over (a Python process runs one thread at a time)")
    args = parser.parse_args()
    phones = args.phones or (50 if args.quick else 200)
    results = {"machine": machine_facts(), "settings": {"phones": phones, "changes": args.changes,
                                                         "client_processes": args.client_processes}, "runs": {}}
    databases = [("sqlite", None)] + ([("postgresql", "postgres")] if args.postgres else [])
    for database, _ in databases:
        for transport in ("websocket", "polling"):
            print(f"{phones} phones on {database}, {transport}...", file=sys.stderr)
            if database == "sqlite":
                with server("", phones) as (base, pid):
                    run = run_room(base, pid, transport, phones, args.changes, args.client_processes)
            else:
                with postgres_database() as (url, version):
                    results["machine"]["postgresql"] = version
                    with server(url, phones) as (base, pid):
                        run = run_room(base, pid, transport, phones, args.changes, args.client_processes)
            results["runs"][f"{database}/{transport}"] = run
    print(markdown(results))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n(figures in {RESULTS.relative_to(ROOT)})")
    ok = all(r["every_phone_has_the_exact_final_tally"] and r["stored_counts_equal_accepted_votes"] and not r["refused"]
             for r in results["runs"].values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
