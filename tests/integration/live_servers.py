"""Real processes for the live-poll integration tests: Redis, Engage servers, socket clients.

Servers are ``python -m engage.serve`` (gunicorn, threads), as deployed. Clients are
python-socketio's own ``Client``, on WebSocket or on long-polling (the transport phones fall
back to where websockets are blocked); tests choose, and often mix, the two.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import engineio.payload
import pytest
import requests
import socketio
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "live-integration-password-42"
SECRET_KEY = "live-integration-secret-key-0123456789abcdef"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout: float = 20.0, message: str = "condition") -> None:
    """Wait until ``condition()`` is true; fail with ``message`` if it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {message}")


@contextmanager
def redis_server(tmp_path: Path):
    if not Path(REDIS).exists():
        pytest.fail("redis-server is missing: run `bash scripts/system-deps.sh`")
    port = free_port()
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: _answers(port), 10, "redis-server to start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def environment(instance: Path, database_url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "ENGAGE_INSTANCE_PATH": str(instance), "DATABASE_URL": database_url,
            "ENGAGE_DEMO_PASSWORD": PASSWORD, "SECRET_KEY": SECRET_KEY, "SCHEDULER_ENABLED": "0",
            "ENGAGE_CONFIG": "development", "LOG_LEVEL": "WARNING", **extra}


def prepare_database(env: dict[str, str]) -> None:
    """Migrate and load the demo accounts, as ``make run`` does."""
    for command in (["init-db"], ["demo-data", "--if-empty"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "engage", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)


class EngageServer:
    def __init__(self, env: dict[str, str], log: Path, threads: int = 64) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log = open(log, "w")
        # A session of its own, so stopping can reach gunicorn's worker as well as its master.
        self.proc = subprocess.Popen([sys.executable, "-m", "engage.serve"], cwd=ROOT, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     env={**env, "PORT": str(self.port), "THREADS": str(threads)})
        wait_for(self._ready, 30, f"the server on port {self.port} to start")

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            pytest.fail("server exited:\n" + self.log_path.read_text())
        try:
            return requests.get(self.base + "/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            # Gunicorn waits up to 30 s for requests in flight; the test is over, so end the
            # master and its worker together rather than leave the worker behind.
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        self._log.close()


def api_token(base: str, email: str = "commissioner@example.org") -> dict[str, str]:
    response = requests.post(base + "/api/v1/auth/token", json={"email": email, "password": PASSWORD}, timeout=10)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def signed_in_cookie(base: str, email: str = "commissioner@example.org") -> str:
    """The session cookie of a staff member signed in through the sign-in page (CSRF and all)."""
    http = requests.Session()
    form = http.get(base + "/sign-in", timeout=10).text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    response = http.post(base + "/sign-in", data={"csrf_token": csrf, "email": email, "password": PASSWORD},
                         timeout=10, allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def create_session(base: str, headers: dict[str, str], questions: list[dict]) -> dict:
    commissions = requests.get(base + "/api/v1/commissions", headers=headers, timeout=10).json()["commissions"]
    commission = next(c for c in commissions if c["title"] == "Rosehill Park improvements")
    response = requests.post(f"{base}/api/v1/commissions/{commission['id']}/live-sessions", headers=headers,
                             json={"title": "Integration", "step": commission["current_step"], "questions": questions},
                             timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def run_control(base: str, headers: dict[str, str], session: dict, index: int, action: str) -> dict:
    qid = session["questions"][index]["id"]
    response = requests.post(f"{base}/api/v1/live-sessions/{session['id']}/questions/{qid}/{action}",
                             headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def stored_tally(base: str, headers: dict[str, str], session: dict, index: int) -> dict:
    qid = session["questions"][index]["id"]
    response = requests.get(f"{base}/api/v1/live-sessions/{session['id']}/questions/{qid}/tally", headers=headers,
                            timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


class LiveClient:
    """A socket client that records what it is sent, per event, in arrival order."""

    def __init__(self, base: str, namespace: str, cookie: str | None = None, transport: str = "polling") -> None:
        self.base = base
        self.namespace = namespace
        self.transport = transport
        self.sio = socketio.Client(reconnection=False, request_timeout=30, http_session=polling_session())
        self.events: dict[str, list] = {"question": [], "tally": [], "entries": [], "participants": []}
        self._lock = threading.Lock()
        for name in self.events:
            self.sio.on(name, self._recorder(name), namespace=namespace)
        self.headers = {"Cookie": cookie} if cookie else {}

    def _recorder(self, name):
        def record(data):
            with self._lock:
                self.events[name].append(data)
        return record

    def connect(self) -> "LiveClient":
        self.sio.connect(self.base, headers=self.headers, namespaces=[self.namespace], transports=[self.transport],
                         wait_timeout=15)
        return self

    def call(self, event: str, data) -> dict:
        return self.sio.call(event, data, namespace=self.namespace, timeout=30)

    def received(self, name: str) -> list:
        with self._lock:
            return list(self.events[name])

    def last_tally(self, question_id: int) -> dict | None:
        """The tally with the highest ``seq``, as the protocol tells clients to keep."""
        tallies = [t for t in self.received("tally") if t["question_id"] == question_id]
        return max(tallies, key=lambda t: t["seq"]) if tallies else None

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


def new_vote_id() -> str:
    return str(uuid.uuid4())
