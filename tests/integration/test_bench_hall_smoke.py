"""The hall benchmark's harness (bench/hall.py) measures what it says: a small room against the
ceiling server and against Engage, on WebSocket and on the long-polling fallback, and a few
survey submissions against Engage and the bare view.

Correctness only: every phone joined, every vote acknowledged and stored, nothing acknowledged
and lost, every phone's last tally equal to the stored counts, every acknowledged response
stored. Never a timing: the figures themselves belong to the benchmark, not to the tests.
"""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def hall():
    if not shutil.which("node") or not (ROOT / "node_modules" / "socket.io-client").exists():
        pytest.fail("the phones need Node and socket.io-client: run `make setup`")
    spec = importlib.util.spec_from_file_location("bench_hall", ROOT / "bench" / "hall.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_nothing_lost(figures: dict, phones: int) -> None:
    assert figures["harness_errors"] == [], figures["harness_errors"]
    assert figures["joined"] == phones and figures["join_failures"] == {}
    assert figures["votes_sent"] == phones
    assert figures["votes_acknowledged"] == phones, figures["votes_not_acknowledged"]
    assert figures["votes_stored"] == phones
    assert figures["acknowledged_not_stored"] == 0 and figures["stored_not_acknowledged"] == 0
    assert sum(figures["stored_counts"].values()) == phones
    assert figures["votes_never_on_every_phone"] == 0
    assert figures["phones_disconnected"] == 0
    assert figures["phones_with_exact_final_tally"] == phones
    # The figures the tables print were all computed (their values are not checked).
    for key in ("join_seconds", "votes_per_second", "ack_p50_ms", "ack_p99_ms", "last_phone_p50_ms",
                "last_phone_p99_ms", "memory_peak_mb", "server_cpu_cores_voting"):
        assert figures[key] is not None, key


@pytest.mark.parametrize("server", ["ceiling", "engage"])
def test_a_room_of_phones_on_websocket(hall, server):
    assert_nothing_lost(hall.run_poll(server, 20, 40, "websocket", settle_timeout=30, final_timeout=30), 20)


@pytest.mark.parametrize("server", ["ceiling", "engage"])
def test_a_few_phones_on_the_long_polling_fallback(hall, server):
    assert_nothing_lost(hall.run_poll(server, 5, 10, "polling", settle_timeout=30, final_timeout=30), 5)


@pytest.mark.parametrize("server", ["ceiling", "engage"])
def test_a_room_over_two_processes_sharing_redis(hall, server):
    """``--processes 2 --redis``: Engage's two processes on one PostgreSQL database, the ceiling's
    two sharing their poll in Redis; phone i on process i mod 2, so each process holds half the
    room and stores half the votes, and every phone's last tally must count both halves."""
    figures = hall.run_poll(server, 20, 40, "websocket", settle_timeout=30, final_timeout=30,
                            server_processes=2, redis="throwaway")
    assert figures["server_processes"] == 2 and figures["message_queue"] == "redis"
    assert sorted(figures["joined_by_server"].values()) == [10, 10]
    assert_nothing_lost(figures, 20)


def test_phones_that_cannot_join_are_counted_not_fatal(hall, monkeypatch):
    class WrongCode(hall.CeilingPoll):
        def __init__(self, server):
            super().__init__(server)
            self.code = "NOPE22"  # the phones are given a code the server does not know

    monkeypatch.setattr(hall, "CeilingPoll", WrongCode)
    figures = hall.run_poll("ceiling", 4, 10, "websocket", settle_timeout=5, final_timeout=5)
    assert figures["harness_errors"] == []
    assert figures["joined"] == 0
    assert figures["join_failures"] == {"join_error: unknown_session": 4}
    assert figures["votes_sent"] == 0 and figures["votes_per_second"] == 0.0


def test_survey_submissions_are_all_stored(hall):
    rounds = hall.run_surveys("sqlite", residents=40, concurrency=4, threads=16, rounds=2)
    assert [[row["server"], row["round"]] for pair in rounds for row in pair] == \
        [["engage", 1], ["bare", 1], ["engage", 2], ["bare", 2]]
    for row in (row for pair in rounds for row in pair):
        assert row["statuses"] == {"201": 40} and row["errors"] == {}
        assert row["acknowledged"] == 40 and row["stored"] == 40 and row["acknowledged_not_stored"] == 0
        assert row["p50_ms"] is not None and row["p99_ms"] is not None
